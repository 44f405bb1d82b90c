/*
 * cmd/timeline.c - "subsubmit timeline ACCOUNT": every event of one
 * account in time order, each with the file and line it came from, and
 * with --plot a chart of its failures, logins and messages per hour (per
 * day for spans over two weeks).
 */
#include "cmd/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/timeline.h"
#include "cmd/opts.h"
#include "io/chart.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/xalloc.h"

#define HOUR		3600u
#define DAY		86400u

/* the_message - the ledger entry of a submit event (same file line). */
static const struct message *
the_message(const struct timeline *tl, uint32_t a, const struct event *e)
{
	const uint32_t *mv = tl->msg_by_account + tl->msg_account_start[a];
	size_t nm = tl->msg_account_start[a + 1] - tl->msg_account_start[a];
	size_t k;

	for (k = 0; k < nm; k++) {
		const struct message *m = &tl->ledger.msg[mv[k]];

		if (m->source == e->source && m->line == e->line)
			return m;
	}
	return NULL;
}

/* event_line - one event: time, service, kind, address, host, evidence. */
static void
event_line(struct sbuf *sb, const struct timeline *tl,
    const struct pseudo *ps, uint32_t a, const struct event *e)
{
	char t[40], ip[IPADDR_STRLEN], pn[PSEUDO_STRLEN];
	const char *addr = shown_ip(tl, ps, e->ip, ip);
	const char *name = shown_ip_name(tl, ps, e->ip, pn);
	const struct message *m;

	sbuf_addf(sb, "%s %-11s %-12s", scan_format_time(e->when, false, 0, t),
	    tl->services[e->service][0] ? tl->services[e->service] : "-",
	    event_kind_name((enum ev_kind)e->kind));
	if (addr[0] != '\0')
		sbuf_addf(sb, " ip=%s", addr);
	/* Several hosts in the input: say which one logged the event. */
	if (tl->nhosts > 1 && tl->hosts[e->host][0] != '\0') {
		sbuf_adds(sb, " host=");
		escape_text(sb, tl->hosts[e->host], strlen(tl->hosts[e->host]),
		    80);
	}
	if (name[0] != '\0') {
		sbuf_adds(sb, " name=");
		escape_text(sb, name, strlen(name), 80);
	}
	if (e->count != 1)
		sbuf_addf(sb, " count=%u", e->count);
	if (e->flags & TLF_ATTRIBUTED)
		sbuf_adds(sb, (e->flags & TLF_AMBIGUOUS) ?
		    " user=attributed,ambiguous" : " user=attributed");
	if (e->kind == EV_SUBMIT && (m = the_message(tl, a, e)) != NULL)
		sbuf_addf(sb, " rcpt=%u sent=%u deferred=%u bounced=%u "
		    "dnsbl=%u", m->nrcpt, m->sent, m->deferred, m->bounced,
		    m->dnsbl);
	sbuf_addc(sb, ' ');
	escape_text(sb, tl->files[e->source], strlen(tl->files[e->source]), 0);
	sbuf_addf(sb, ":%u\n", e->line);
}

/* plot - failures, logins and messages per hour (or day). */
static int
plot(const struct timeline *tl, const struct pseudo *ps, uint32_t a,
    const char *out)
{
	const uint32_t *v = tl->by_account + tl->account_start[a];
	size_t n = tl->account_start[a + 1] - tl->account_start[a], k, np, p;
	static const char *const series[] = { "failed logins", "logins",
		"messages sent" };
	uint32_t first = tl->ev[v[0]].when, last = tl->ev[v[n - 1]].when;
	uint32_t step = last - first > 14 * DAY ? DAY : HOUR;
	struct chart_in in = { 0 };
	struct chart_opts co;
	struct sbuf err = SBUF_INIT;
	char (*lab)[40], (*tck)[16], buf[40], pn[PSEUDO_STRLEN];
	const char **label, **tick;
	uint64_t *val;
	int rc;

	first -= first % step;
	np = (last - first) / step + 1;
	lab = xcalloc(np, sizeof(*lab));
	tck = xcalloc(np, sizeof(*tck));
	label = xcalloc(np, sizeof(*label));
	tick = xcalloc(np, sizeof(*tick));
	val = xcalloc(np * 3, sizeof(*val));
	for (p = 0; p < np; p++) {
		uint32_t t = first + (uint32_t)p * step;

		scan_format_time(t, false, 0, buf);
		snprintf(lab[p], sizeof(lab[p]), "%.13s", buf);
		if (t % DAY == 0)
			snprintf(tck[p], sizeof(tck[p]), "%.10s", buf);
		label[p] = lab[p];
		tick[p] = tck[p];
	}
	for (k = 0; k < n; k++) {
		const struct event *e = &tl->ev[v[k]];
		size_t col = event_counts_as_failure(e) ? 0 :
		    e->kind == EV_AUTH_OK ? 1 : e->kind == EV_SUBMIT ? 2 : 3;

		if (col < 3)
			val[(e->when - first) / step * 3 + col] += e->count;
	}
	in.nperiods = np;
	in.label = label;
	in.tick = tick;
	in.nseries = 3;
	in.series = series;
	in.values = val;
	chart_opts_init(&co);
	co.ylabel = step == DAY ? "per day" : "per hour";
	co.title = shown_account(tl, ps, a, pn);
	if (!chart_format_from_path(out, &co.format))
		rc = usage_error(USAGE_TIMELINE, "--plot wants a .png, .svg or "
		    ".pdf file");
	else if ((rc = chart_render(&in, &co, out, &err)) != CHART_OK) {
		diag_error(NULL, 0, "%s", err.buf);
		rc = rc == CHART_ENOGNUPLOT || rc == CHART_EGNUPLOT ?
		    EXIT_UNAVAILABLE : rc == CHART_EWRITE ? EXIT_IOERR :
		    EXIT_CANTCREAT;
	}
	sbuf_release(&err);
	free(lab);
	free(tck);
	free(label);
	free(tick);
	free(val);
	return rc;
}

static const struct option longopts[] = {
	{ "plot", required_argument, NULL, 'p' },
	READ_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

int
cmd_timeline(int argc, char **argv)
{
	struct read_opts ro;
	struct source_list files;
	struct timeline tl;
	struct sbuf sb = SBUF_INIT;
	const char *plot_out = NULL, *acct;
	uint32_t a;
	size_t k, n;
	int c, r, rc;
	bool ok;

	read_opts_init(&ro);
	optind = 0;
	while ((c = getopt_long(argc, argv, READ_SHORT_OPTIONS, longopts,
	    NULL)) != -1) {
		if (c == OPT_HELP) {
			printf("usage: %s\n", USAGE_TIMELINE);
			return finish_stdout(EXIT_OK);
		} else if (c == 'p')
			plot_out = optarg;
		else if ((r = read_opts_handle(&ro, c, optarg)) <= 0)
			return r < 0 ? EXIT_USAGE :
			    usage_error(USAGE_TIMELINE, "unknown option");
	}
	if (argc - optind < 2)
		return usage_error(USAGE_TIMELINE, "an account and a path are "
		    "needed");
	acct = argv[optind++];
	if ((rc = collect_inputs(&ro, argv + optind, argc - optind,
	    &files)) != 0)
		return rc;
	diag_set_progress(true);
	timeline_build(&tl, &files, &ro.scan);
	source_list_release(&files);
	rc = scan_exit_code(&ro, &tl.stats);
	/* Files that could not be read (66) leave the others to report. */
	ok = rc == EXIT_OK || rc == EXIT_NOINPUT;
	a = intern_str_find(&tl.accounts, acct, strlen(acct));
	n = a ? tl.account_start[a + 1] - tl.account_start[a] : 0;
	if (ok && n == 0) {
		diag_error(NULL, 0, "no events for account '%s'",
		    diag_quote(acct, strlen(acct)));
		rc = rc == EXIT_OK ? EXIT_DATAERR : rc;
		ok = false;
	}
	for (k = 0; ok && k < n; k++)
		event_line(&sb, &tl, read_opts_pseudo(&ro),
		    a, &tl.ev[tl.by_account[tl.account_start[a] + k]]);
	if (ok && fwrite(sb.buf, 1, sb.len, stdout) != sb.len)
		rc = EXIT_IOERR, ok = false;
	if (ok && plot_out != NULL && (r = plot(&tl, read_opts_pseudo(&ro), a,
	    plot_out)) != EXIT_OK)
		rc = r;
	sbuf_release(&sb);
	timeline_release(&tl);
	return finish_stdout(rc);
}
