/*
 * cmd/audit.c - "subsubmit audit": the weekly mail from cron.
 *
 * Reads the last --days (7) ending at --now, with --history (90) days
 * before as the baseline the detectors need; files wholly older than
 * that are skipped by their dates, without being decompressed.  Reports
 * what is new (accounts not in the --state file) and what is still going
 * on, stays silent when nothing is new, and remembers what it reported so
 * that no account is reported as new twice.  Exit 0: nothing new; 1: new
 * findings (as diff(1)); other codes as the man page lists.
 */
#include "cmd/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analysis/origin.h"
#include "analysis/pass_abuse.h"
#include "analysis/timeline.h"
#include "cmd/opts.h"
#include "cmd/settings.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/out_csv.h"
#include "io/reader.h"
#include "io/statefile.h"
#include "io/yearinfer.h"

#define DAY	86400

struct audit {
	struct read_opts	 ro;
	struct settings		 set;
	uint32_t		 days, history;
	int64_t			 now;		/* civil seconds */
	int64_t			 win;		/* window start */
	const char		*state_path;
	bool			 always;
	size_t			 examined, skipped_old;
};

/* an audit finding: new, or already reported and still active */
struct item {
	const struct finding	*f;
	bool			 is_new;
};

/* parse_days - a whole number of days from 1 to 3650. */
static bool
parse_days(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < 1 ||
	    v > 3650)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* parse_now - a time, or a date meaning the end of that day. */
static bool
parse_now(const char *s, int64_t *out)
{
	if (!scan_parse_time(s, out))
		return false;
	if (strlen(s) == 10)
		*out += DAY - 1;
	return true;
}

/* clock_now - the current local wall-clock time as civil seconds. */
static int64_t
clock_now(void)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
	    DAY + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

/*
 * too_old - a file whose last line is before since, told by its dateext
 * name, its gzip header or its mtime (a day of slack for time zones).
 */
static bool
too_old(const struct source_file *sf, int64_t since, struct audit *a)
{
	struct sbuf err = SBUF_INIT;
	struct reader *rd;
	int64_t last = INT64_MAX, mtime;
	uint32_t gz;

	if (sf->dateext > 0)
		return days_from_civil(sf->dateext / 10000,
		    sf->dateext / 100 % 100, sf->dateext % 100) * DAY + DAY <
		    since;
	if (strcmp(sf->path, "-") == 0)
		return false;
	a->examined++;
	if ((rd = reader_open(sf->path, sf->name, &err)) == NULL) {
		sbuf_release(&err);
		return false;	/* the scan will report it */
	}
	if ((gz = reader_gzip_mtime(rd)) != 0)
		last = gz;
	else if (reader_compression(rd) == COMP_NONE &&
	    reader_file_mtime(rd, &mtime))
		last = mtime;
	reader_free(rd);
	sbuf_release(&err);
	return last != INT64_MAX && last + DAY < since;
}

/* select_files - drop files wholly older than the history. */
static void
select_files(struct source_list *l, struct audit *a, int64_t since)
{
	size_t i, k = 0;

	for (i = 0; i < l->n; i++) {
		if (too_old(&l->v[i], since, a)) {
			diag_info("%s: older than the history, not read",
			    l->v[i].name);
			a->skipped_old++;
			free(l->v[i].path);
			free(l->v[i].name);
			free(l->v[i].site);
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

/* activity - the latest sign of the compromise. */
static uint32_t
activity(const struct finding *f)
{
	uint32_t t = f->cracked_at;

	if (f->abuse_last > t)
		t = f->abuse_last;
	return t;
}

/*
 * classify - new findings (not in the state, active in the window) and
 * ongoing ones (in the state, still sending in the window).
 */
static size_t
classify(const struct timeline *tl, const struct abuse_report *rep,
    struct state *st, const struct audit *a, struct item *out)
{
	size_t i, n = 0;

	for (i = 0; i < rep->nf; i++) {
		const struct finding *f = &rep->f[i];
		const char *acct = timeline_account(tl, f->account);
		bool known = state_find(st, acct, strlen(acct)) != NULL;

		if (!known && activity(f) > a->win)
			out[n++] = (struct item){ f, true };
		else if (known && f->abuse_last > a->win)
			out[n++] = (struct item){ f, false };
	}
	return n;
}

static const char *
day_text(int64_t t, char *buf)
{
	scan_format_time(t, false, 0, buf);
	buf[10] = '\0';
	return buf;
}

/* story - two lines on one account. */
static void
story(struct sbuf *sb, const struct timeline *tl,
    const struct abuse_report *rep, const struct pseudo *ps,
    const struct finding *f)
{
	char t[40], ip[IPADDR_STRLEN], pn[PSEUDO_STRLEN];
	const char *acct = shown_account(tl, ps, f->account, pn);
	const struct ip_origin *o = &rep->origin[f->crack_ip];
	const char *addr = shown_ip(tl, ps, f->crack_ip, ip);

	sbuf_addf(sb, "  %-8s ", verdict_name(f->verdict));
	escape_text(sb, acct, strlen(acct), 60);
	sbuf_addf(sb, "\n           %s from %s%s%s%s", f->fails > 0 ?
	    "cracked" : "suspect login", addr[0] ? addr : "?",
	    o->cc[0] ? " (" : "", o->cc, o->cc[0] ? ")" : "");
	sbuf_addf(sb, " on %s", day_text(f->cracked_at, t));
	if (f->messages > 0)
		sbuf_addf(sb, "; %llu messages, %llu recipients, %llu "
		    "bounced, %llu block-list rejections\n",
		    (unsigned long long)f->messages,
		    (unsigned long long)f->recipients,
		    (unsigned long long)f->bounced,
		    (unsigned long long)f->dnsbl_rejects);
	else
		sbuf_adds(sb, "; nothing sent yet: reset the password now\n");
}

/* failures_trend - this window by service against the four before. */
static void
failures_trend(struct sbuf *sb, const struct timeline *tl,
    const struct audit *a)
{
	uint64_t cnt[TL_MAX_NAMES + 1][5];
	int64_t len = (int64_t)a->days * DAY;
	unsigned s;
	size_t i;
	int k;

	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < tl->n; i++) {
		const struct event *e = &tl->ev[i];

		if (!event_counts_as_failure(e) || e->when > a->now ||
		    (k = (int)((a->now - e->when) / len)) > 4)
			continue;
		cnt[e->service][k] += e->count;
	}
	sbuf_adds(sb, "\nFailed logins this window, against the average of the "
	    "four before:\n");
	for (s = 0; s < tl->nservices; s++) {
		uint64_t prev = cnt[s][1] + cnt[s][2] + cnt[s][3] + cnt[s][4];
		double avg = (double)prev / 4;
		/* UTF-8 arrows: up, down, right */
		const char *arrow = (double)cnt[s][0] > avg * 1.2 ?
		    "\xe2\x86\x91" : (double)cnt[s][0] < avg * 0.8 ?
		    "\xe2\x86\x93" : "\xe2\x86\x92";

		if (cnt[s][0] == 0 && prev == 0)
			continue;
		sbuf_adds(sb, "  ");
		escape_text(sb, tl->services[s], strlen(tl->services[s]), 14);
		sbuf_addf(sb, "%*s %8llu %s  (average %.0f)\n",
		    (int)(14 - (strlen(tl->services[s]) < 14 ?
		    strlen(tl->services[s]) : 14)), "",
		    (unsigned long long)cnt[s][0], arrow, avg);
	}
}

/*
 * origins_window - where this window's failures came from: every country
 * is counted (a slot per code), and the five most are picked by a
 * selection sort over the countries in the order they were first met,
 * which decides the order of equal counts.
 */
static void
origins_window(struct sbuf *sb, const struct timeline *tl,
    const struct abuse_report *rep, const struct audit *a)
{
	uint64_t n[ABUSE_CC_SLOTS], dnsbl = 0;
	uint16_t met[ABUSE_CC_SLOTS], tmp;	/* slots, in order met */
	bool seen[ABUSE_CC_SLOTS];
	size_t nt = 0, i, k, best;
	char cc[3];
	int s;

	memset(n, 0, sizeof(n));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < tl->n; i++) {
		const struct event *e = &tl->ev[i];

		if (e->when <= a->win || e->when > a->now)
			continue;
		if (e->kind == EV_DNSBL) {
			dnsbl++;
			continue;
		}
		if (!event_counts_as_failure(e) ||
		    (s = abuse_cc_slot(rep->origin[e->ip].cc)) < 0)
			continue;
		if (!seen[s]) {
			seen[s] = true;
			met[nt++] = (uint16_t)s;
		}
		n[s] += e->count;
	}
	sbuf_adds(sb, "Attacks came from: ");
	for (k = 0; k < 5 && k < nt; k++) {
		best = k;
		for (i = k + 1; i < nt; i++)
			if (n[met[i]] > n[met[best]])
				best = i;
		tmp = met[k];
		met[k] = met[best];
		met[best] = tmp;
		abuse_cc_code(met[k], cc);
		sbuf_addf(sb, "%s%s %llu", k ? ", " : "", cc,
		    (unsigned long long)n[met[k]]);
	}
	sbuf_adds(sb, nt ? "\n" : "no country data\n");
	sbuf_addf(sb, "Block-list rejections of our mail: %llu\n",
	    (unsigned long long)dnsbl);
}

/* coverage - which files and which time the audit read. */
static void
coverage(struct sbuf *sb, const struct timeline *tl, const struct audit *a)
{
	const struct scan_stats *st = &tl->stats;
	char x[40], y[40];

	sbuf_addf(sb, "\nRead %llu file%s (%zu older ones skipped), %llu lines "
	    "(%llu skipped), from %s to %s.\n",
	    (unsigned long long)st->files, st->files == 1 ? "" : "s",
	    a->skipped_old,
	    (unsigned long long)st->lines, (unsigned long long)st->skipped,
	    st->have_time ? day_text(st->first, x) : "-",
	    st->have_time ? day_text(st->last, y) : "-");
	if (st->gap > 2 * DAY)
		sbuf_addf(sb, "Longest gap in the logs: %lld days after %s.\n",
		    (long long)(st->gap / DAY), day_text(st->gap_at, x));
	if (st->unreadable > 0 || st->damaged > 0)
		sbuf_addf(sb, "%llu files could not be read, %llu were "
		    "damaged.\n", (unsigned long long)st->unreadable,
		    (unsigned long long)st->damaged);
}

static int
write_text(const struct timeline *tl, const struct abuse_report *rep,
    const struct audit *a, const struct item *it, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	char x[40], y[40];
	size_t i;
	int pass, rc;
	static const char *const title[] = {
		"New compromised accounts:",
		"Compromised accounts still active:",
	};

	sbuf_addf(&sb, "subsubmit audit of %s to %s\n", day_text(a->win + 1, x),
	    day_text(a->now, y));
	for (pass = 0; pass < 2; pass++) {
		bool any = false;

		for (i = 0; i < n; i++) {
			if (it[i].is_new != (pass == 0))
				continue;
			if (!any)
				sbuf_addf(&sb, "\n%s\n", title[pass]);
			any = true;
			story(&sb, tl, rep, read_opts_pseudo(&a->ro), it[i].f);
		}
	}
	for (i = 0; i < n; i++)
		if (it[i].f->verdict == VERDICT_AT_RISK) {
			sbuf_adds(&sb, "\nAt-risk accounts had their password "
			    "guessed but sent nothing yet: reset them now.\n");
			break;
		}
	failures_trend(&sb, tl, a);
	origins_window(&sb, tl, rep, a);
	coverage(&sb, tl, a);
	rc = fwrite(sb.buf, 1, sb.len, stdout) == sb.len ? 0 : -1;
	sbuf_release(&sb);
	return rc;
}

static int
write_csv(const struct timeline *tl, const struct item *it, size_t n,
    const struct pseudo *ps)
{
	struct csv_out c;
	char t[40], u[40], ip[IPADDR_STRLEN], pn[PSEUDO_STRLEN];
	size_t i;
	int rc;

	csv_out_init(&c, stdout);
	rc = csv_out_header(&c, "account,verdict,status,first_seen,last_seen,"
	    "crack_ip,messages,recipients,bounced,dnsbl_rejects");
	for (i = 0; i < n && rc == 0; i++) {
		const struct finding *f = it[i].f;
		const char *acct = shown_account(tl, ps, f->account, pn);

		csv_out_text(&c, acct, strlen(acct));
		csv_out_str(&c, verdict_name(f->verdict));
		csv_out_str(&c, it[i].is_new ? "new" : "ongoing");
		csv_out_str(&c, scan_format_time(f->cracked_at, false, 0, t));
		csv_out_str(&c, scan_format_time(activity(f), false, 0, u));
		csv_out_str(&c, shown_ip(tl, ps, f->crack_ip, ip));
		csv_out_u64(&c, f->messages);
		csv_out_u64(&c, f->recipients);
		csv_out_u64(&c, f->bounced);
		csv_out_u64(&c, f->dnsbl_rejects);
		rc = csv_out_end(&c);
	}
	csv_out_release(&c);
	return rc;
}

/* remember - add the new findings to the state and replace the file. */
static int
remember(struct state *st, const struct timeline *tl, const struct item *it,
    size_t n, const char *path)
{
	struct sbuf err = SBUF_INIT;
	size_t i, added = 0;

	for (i = 0; i < n; i++) {
		const char *acct = timeline_account(tl, it[i].f->account);

		if (!it[i].is_new)
			continue;
		state_add(st, acct, strlen(acct),
		    verdict_name(it[i].f->verdict), it[i].f->cracked_at);
		added++;
	}
	if (added == 0 || state_write(st, path, &err) == 0) {
		sbuf_release(&err);
		return 0;
	}
	diag_error(NULL, 0, "%s", err.buf);
	sbuf_release(&err);
	return EXIT_CANTCREAT;
}

static const struct option longopts[] = {
	{ "days", required_argument, NULL, 'd' },
	{ "history", required_argument, NULL, 'H' },
	{ "now", required_argument, NULL, 'n' },
	{ "state", required_argument, NULL, 's' },
	{ "always", no_argument, NULL, 'a' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	SETTINGS_LONG_OPTIONS,
	READ_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* parse_args - options; returns -1 to go on, else the exit code. */
static int
parse_args(struct audit *a, int argc, char **argv)
{
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, READ_SHORT_OPTIONS, longopts,
	    NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			printf("usage: %s\n", USAGE_AUDIT);
			return EXIT_OK;
		case 'd':
		case 'H':
			if (!parse_days(optarg, c == 'd' ? &a->days :
			    &a->history))
				return usage_error(USAGE_AUDIT, "--%s wants a "
				    "number of days", c == 'd' ? "days" :
				    "history");
			break;
		case 'n':
			if (!parse_now(optarg, &a->now))
				return usage_error(USAGE_AUDIT, "bad --now "
				    "time");
			break;
		case 's':
			a->state_path = optarg;
			break;
		case 'a':
			a->always = true;
			break;
		case OPT_FORMAT:
			if (!parse_format(optarg, &a->ro.format))
				return usage_error(USAGE_AUDIT,
				    "--format wants csv or text");
			break;
		default:
			if ((r = settings_option(&a->set, c, optarg)) < 0)
				return EXIT_USAGE;
			if (r == 0 && (r = read_opts_handle(&a->ro, c,
			    optarg)) <= 0)
				return r < 0 ? EXIT_USAGE :
				    usage_error(USAGE_AUDIT, "unknown option");
		}
	}
	/* The window is --now, --days and --history's; say so, not ignore. */
	if (a->ro.scan.has_since || a->ro.scan.has_until)
		return usage_error(USAGE_AUDIT, "--since and --until are not "
		    "for audit: its window is --now, --days and --history");
	if (optind >= argc)
		return usage_error(USAGE_AUDIT, "no input path given");
	return -1;
}

/*
 * quiet_week - lines were read but none was a mail event: not an error
 * for the audit (scan_exit_code() has said so on standard error), unless
 * --strict also found skipped lines or a damaged file.
 */
static bool
quiet_week(const struct read_opts *ro, const struct scan_stats *st)
{
	if (ro->strict && (st->skipped > 0 || st->damaged > 0))
		return false;
	return st->lines > 0 && st->events == 0 && st->duplicates == 0;
}

/* run - read, detect, report, remember. */
static int
run(struct audit *a, struct source_list *files, struct state *st)
{
	struct timeline tl;
	struct abuse_report rep;
	struct item *it;
	size_t n, nnew = 0, i;
	int rc, w = 0;

	timeline_build(&tl, files, &a->ro.scan);
	if ((rc = settings_wait(&a->set)) != 0) {
		timeline_release(&tl);
		return rc;
	}
	abuse_run(&tl, &a->set.abuse, &rep);
	it = calloc(rep.nf + 1, sizeof(*it));
	if (it == NULL)
		diag_fatal(EXIT_OSERR, "out of memory");
	n = classify(&tl, &rep, st, a, it);
	for (i = 0; i < n; i++)
		nnew += it[i].is_new;
	rc = scan_exit_code(&a->ro, &tl.stats);
	if (rc == EXIT_DATAERR && quiet_week(&a->ro, &tl.stats))
		rc = EXIT_OK;
	if (rc == EXIT_OK && (nnew > 0 || a->always))
		w = a->ro.format == FMT_CSV ? write_csv(&tl, it, n,
		    read_opts_pseudo(&a->ro)) :
		    write_text(&tl, &rep, a, it, n);
	/* The state remembers only findings that reached the reader. */
	if (w == 0 && finish_stdout(EXIT_OK) != EXIT_OK)
		w = -1;
	if (w != 0)
		rc = EXIT_IOERR;
	if (rc == EXIT_OK && a->state_path != NULL)
		rc = remember(st, &tl, it, n, a->state_path);
	if (rc == EXIT_OK && nnew > 0)
		rc = EXIT_FINDINGS;
	free(it);
	abuse_report_release(&rep);
	timeline_release(&tl);
	return rc;
}

int
cmd_audit(int argc, char **argv)
{
	struct audit a;
	struct origin_db db;
	struct source_list files;
	struct state st;
	struct sbuf err = SBUF_INIT;
	int rc;

	memset(&a, 0, sizeof(a));
	read_opts_init(&a.ro);
	settings_init(&a.set);
	origin_db_init(&db);
	state_init(&st);
	a.days = 7;
	a.history = 90;
	a.now = INT64_MIN;
	if ((rc = parse_args(&a, argc, argv)) < 0 &&
	    (rc = settings_finish(&a.set, &db,
	    scan_jobs(&a.ro.scan))) == 0)
		rc = -1;
	if (rc < 0) {
		if (a.now == INT64_MIN)
			a.now = clock_now();
		a.win = a.now - (int64_t)a.days * DAY;
		a.ro.scan.has_since = a.ro.scan.has_until = true;
		a.ro.scan.since = a.win - (int64_t)a.history * DAY;
		a.ro.scan.until = a.now + 1;
		if (a.state_path != NULL && (state_lock(&st, a.state_path,
		    &err) != 0 || state_read(&st, a.state_path, &err) != 0)) {
			diag_error(NULL, 0, "%s", err.buf);
			rc = st.lock_fd == -1 ? EXIT_CANTCREAT : EXIT_DATAERR;
		} else if ((rc = collect_inputs(&a.ro, argv + optind,
		    argc - optind, &files)) == 0) {
			select_files(&files, &a, a.ro.scan.since);
			diag_info("audit: %zu files examined by date, %zu "
			    "skipped as older than the history",
			    a.examined, a.skipped_old);
			rc = run(&a, &files, &st);
			source_list_release(&files);
		}
	}
	sbuf_release(&err);
	state_release(&st);
	origin_db_release(&db);
	settings_release(&a.set);
	return finish_stdout(rc);
}
