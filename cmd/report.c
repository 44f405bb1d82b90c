/*
 * cmd/report.c - "subsubmit report": the accounts that were cracked and
 * then used for spam, with the evidence to act on.
 *
 * Builds the timeline, runs analysis/pass_abuse with what the geo and ASN
 * files and the logged reverse names say of each address, and writes a
 * summary and one story per flagged account (text, for a terminal or a
 * mail body), or one CSV row per flagged account.
 */
#include "cmd/commands.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/origin.h"
#include "analysis/pass_abuse.h"
#include "analysis/timeline.h"
#include "cmd/opts.h"
#include "cmd/settings.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/out_csv.h"

static const char csv_header[] = "account,verdict,score,cracked_at,crack_ip,"
    "abuse_first,abuse_last,abuse_ips,messages,recipients,bounced,deferred,"
    "dnsbl_rejects,sent,domains,freemail,fails,fail_ips,attack_first,"
    "contained_at,why,crack_evidence,abuse_evidence";

/* when_text - ISO time of civil seconds, "" for 0. */
static const char *
when_text(uint32_t t, char *buf)
{
	if (t == 0) {
		buf[0] = '\0';
		return buf;
	}
	return scan_format_time(t, false, 0, buf);
}


/* where - "file:line" of an event (the evidence). */
static void
where_event(struct sbuf *sb, const struct timeline *tl, uint32_t ev)
{
	const struct event *e;

	if (ev >= tl->n)
		return;
	e = &tl->ev[ev];
	escape_text(sb, tl->files[e->source], strlen(tl->files[e->source]), 0);
	sbuf_addf(sb, ":%u", e->line);
}

static void
where_msg(struct sbuf *sb, const struct timeline *tl, uint32_t m)
{
	const struct message *msg;

	if (m >= tl->ledger.n)
		return;
	msg = &tl->ledger.msg[m];
	escape_text(sb, tl->files[msg->source], strlen(tl->files[msg->source]),
	    0);
	sbuf_addf(sb, ":%u", msg->line);
}

static int
write_csv(const struct timeline *tl, const struct abuse_report *rep,
    const struct pseudo *ps)
{
	struct csv_out c;
	struct sbuf sb = SBUF_INIT;
	char t[40], ip[IPADDR_STRLEN], pn[PSEUDO_STRLEN];
	size_t i, k;
	int rc;

	csv_out_init(&c, stdout);
	rc = csv_out_header(&c, csv_header);
	for (i = 0; i < rep->nf && rc == 0; i++) {
		const struct finding *f = &rep->f[i];
		const char *acct = shown_account(tl, ps, f->account, pn);

		csv_out_text(&c, acct, strlen(acct));
		csv_out_str(&c, verdict_name(f->verdict));
		csv_out_u64(&c, f->score);
		csv_out_str(&c, when_text(f->cracked_at, t));
		csv_out_str(&c, shown_ip(tl, ps, f->crack_ip, ip));
		csv_out_str(&c, when_text(f->abuse_first, t));
		csv_out_str(&c, when_text(f->abuse_last, t));
		sbuf_reset(&sb);
		for (k = 0; k < f->abuse_nips && k < FINDING_IPS; k++)
			sbuf_addf(&sb, "%s%s", k ? " " : "",
			    shown_ip(tl, ps, f->abuse_ip[k], ip));
		if (f->abuse_nips > FINDING_IPS)
			sbuf_addf(&sb, " +%u", f->abuse_nips - FINDING_IPS);
		csv_out_str(&c, sb.buf);
		csv_out_u64(&c, f->messages);
		csv_out_u64(&c, f->recipients);
		csv_out_u64(&c, f->bounced);
		csv_out_u64(&c, f->deferred);
		csv_out_u64(&c, f->dnsbl_rejects);
		csv_out_u64(&c, f->sent);
		csv_out_u64(&c, f->domains);
		csv_out_u64(&c, f->freemail);
		csv_out_u64(&c, f->fails);
		csv_out_u64(&c, f->fail_ips);
		csv_out_str(&c, when_text(f->attack_first, t));
		csv_out_str(&c, when_text(f->contained_at, t));
		csv_out_str(&c, f->why ? f->why : "");
		sbuf_reset(&sb);
		where_event(&sb, tl, f->crack_ev);
		csv_out_text(&c, sb.buf, sb.len);
		sbuf_reset(&sb);
		where_msg(&sb, tl, f->first_msg);
		csv_out_text(&c, sb.buf, sb.len);
		rc = csv_out_end(&c);
	}
	sbuf_release(&sb);
	csv_out_release(&c);
	return rc;
}

/* line - one story line: "  2023-12-28 14:02  text". */
static void
story(struct sbuf *sb, uint32_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
story(struct sbuf *sb, uint32_t t, const char *fmt, ...)
{
	char buf[40];
	va_list ap;

	when_text(t, buf);
	buf[16] = '\0';
	buf[10] = ' ';
	sbuf_addf(sb, "  %-16s  ", t ? buf : "");
	va_start(ap, fmt);
	sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* ip_story - "203.0.113.7 (cloud, US, AS14061)". */
static void
ip_story(struct sbuf *sb, const struct timeline *tl,
    const struct abuse_report *rep, const struct pseudo *ps, uint32_t ip)
{
	const struct ip_origin *o = &rep->origin[ip];
	char buf[IPADDR_STRLEN], pn[PSEUDO_STRLEN];
	const char *name = shown_ip_name(tl, ps, ip, pn);

	sbuf_adds(sb, shown_ip(tl, ps, ip, buf));
	sbuf_adds(sb, " (");
	if (name[0] != '\0')
		escape_text(sb, name, strlen(name), 48);
	else
		sbuf_adds(sb, "no reverse name");
	if (o->cloud)
		sbuf_adds(sb, ", hosting");
	if (o->cc[0] != '\0')
		sbuf_addf(sb, ", %s", o->cc);
	if (o->asn != 0)
		sbuf_addf(sb, ", AS%u", (unsigned)o->asn);
	sbuf_addc(sb, ')');
}

/* account_block - the story of one flagged account, in time order. */
static void
account_block(struct sbuf *sb, const struct timeline *tl,
    const struct abuse_report *rep, const struct pseudo *ps,
    const struct finding *f)
{
	char pn[PSEUDO_STRLEN];
	const char *acct = shown_account(tl, ps, f->account, pn);
	uint32_t k;

	sbuf_addf(sb, "\n%s: ", verdict_name(f->verdict));
	escape_text(sb, acct, strlen(acct), 60);
	sbuf_addc(sb, '\n');
	if (f->fails > 0) {
		story(sb, f->attack_first, "attack began: %llu failed logins "
		    "from %u%s addresses until ", (unsigned long long)f->fails,
		    f->fail_ips, f->fail_ips >= 8 ? "+" : "");
		sbuf_addf(sb, "%.10s\n", when_text(f->attack_last,
		    (char[40]){ 0 }));
	}
	story(sb, f->cracked_at, "%s from ", f->verdict == VERDICT_AT_RISK ||
	    f->fails > 0 ? "cracked: login" : "suspect login");
	ip_story(sb, tl, rep, ps, f->crack_ip);
	sbuf_addc(sb, '\n');
	story(sb, 0, "  %s; ", f->why ? f->why : "");
	where_event(sb, tl, f->crack_ev);
	sbuf_addc(sb, '\n');
	if (f->messages > 0) {
		story(sb, f->abuse_first, "sent %llu messages to %llu "
		    "recipients until ", (unsigned long long)f->messages,
		    (unsigned long long)f->recipients);
		sbuf_addf(sb, "%.16s from\n", when_text(f->abuse_last,
		    (char[40]){ 0 }));
		for (k = 0; k < f->abuse_nips && k < FINDING_IPS; k++) {
			story(sb, 0, "  ");
			ip_story(sb, tl, rep, ps, f->abuse_ip[k]);
			sbuf_addc(sb, '\n');
		}
		if (f->abuse_nips > FINDING_IPS)
			story(sb, 0, "  and %u more addresses\n",
			    f->abuse_nips - FINDING_IPS);
		story(sb, 0, "  %llu sent, %llu deferred, %llu bounced, "
		    "%llu block-list rejections; ", (unsigned long long)f->sent,
		    (unsigned long long)f->deferred,
		    (unsigned long long)f->bounced,
		    (unsigned long long)f->dnsbl_rejects);
		where_msg(sb, tl, f->first_msg);
		sbuf_addc(sb, '\n');
	} else
		story(sb, 0, "nothing sent yet: reset the password\n");
	if (f->contained_at != 0) {
		story(sb, f->contained_at, "contained: the abuse address now "
		    "fails; ");
		where_event(sb, tl, f->contained_ev);
		sbuf_addc(sb, '\n');
	}
}

/* top_list - "US 1234, CN 567, ..." */
static void
top_list(struct sbuf *sb, const struct count_by *t)
{
	size_t i;

	for (i = 0; i < SUMMARY_TOP && t[i].n > 0; i++)
		sbuf_addf(sb, "%s%s %llu", i ? ", " : "", t[i].key,
		    (unsigned long long)t[i].n);
	if (i == 0)
		sbuf_adds(sb, "unknown (no geo or ASN file)");
	sbuf_addc(sb, '\n');
}

static void
summary_text(struct sbuf *sb, const struct timeline *tl,
    const struct abuse_report *rep)
{
	char a[40], b[40];

	sbuf_addf(sb, "subsubmit report: %llu file%s, %.10s to %.10s\n",
	    (unsigned long long)tl->stats.files, tl->stats.files == 1 ? "" :
	    "s", when_text(tl->n ? tl->ev[0].when : 0, a),
	    when_text(tl->n ? tl->ev[tl->n - 1].when : 0, b));
	sbuf_addf(sb, "  lines read          %llu (%llu skipped)\n",
	    (unsigned long long)tl->stats.lines,
	    (unsigned long long)tl->stats.skipped);
	sbuf_addf(sb, "  failed logins       %llu\n",
	    (unsigned long long)rep->failures);
	sbuf_addf(sb, "  attacked accounts   %llu (%llu not cracked)\n",
	    (unsigned long long)rep->attacked,
	    (unsigned long long)rep->attacked_only);
	sbuf_addf(sb, "  compromised         %zu: %llu bulk, %llu stealth, "
	    "%llu at-risk\n", rep->nf,
	    (unsigned long long)rep->by_verdict[VERDICT_BULK],
	    (unsigned long long)rep->by_verdict[VERDICT_STEALTH],
	    (unsigned long long)rep->by_verdict[VERDICT_AT_RISK]);
	sbuf_addf(sb, "  home country        %s\n",
	    rep->home_cc[0] ? rep->home_cc : "unknown");
	sbuf_adds(sb, "  attacks from        ");
	top_list(sb, rep->top_cc);
	sbuf_adds(sb, "  attacking networks  ");
	top_list(sb, rep->top_asn);
	if (rep->dnsbl_days > 0)
		sbuf_addf(sb, "  block-listed        %.10s to %.10s, on %llu "
		    "day%s\n", when_text(rep->dnsbl_first, a),
		    when_text(rep->dnsbl_last, b),
		    (unsigned long long)rep->dnsbl_days,
		    rep->dnsbl_days == 1 ? "" : "s");
	else
		sbuf_adds(sb, "  block-listed        no rejection cited a "
		    "block list\n");
}

static int
write_text(const struct timeline *tl, const struct abuse_report *rep,
    const struct pseudo *ps)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;
	int rc;

	summary_text(&sb, tl, rep);
	for (i = 0; i < rep->nf; i++)
		account_block(&sb, tl, rep, ps, &rep->f[i]);
	rc = fwrite(sb.buf, 1, sb.len, stdout) == sb.len ? 0 : -1;
	sbuf_release(&sb);
	return rc;
}

static const struct option longopts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	SETTINGS_LONG_OPTIONS,
	READ_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

int
cmd_report(int argc, char **argv)
{
	struct read_opts ro;
	struct settings set;
	struct origin_db db;
	struct source_list files;
	struct timeline tl;
	struct abuse_report rep;
	int c, r, rc;

	read_opts_init(&ro);
	settings_init(&set);
	origin_db_init(&db);
	optind = 0;
	rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, READ_SHORT_OPTIONS,
	    longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			printf("usage: %s\n", USAGE_REPORT);
			rc = EXIT_OK;
		} else if (c == OPT_FORMAT) {
			if (!parse_format(optarg, &ro.format))
				rc = usage_error(USAGE_REPORT,
				    "--format wants csv or text");
		} else if ((r = settings_option(&set, c, optarg)) < 0)
			rc = EXIT_USAGE;
		else if (r == 0 && (r = read_opts_handle(&ro, c, optarg)) <= 0)
			rc = r < 0 ? EXIT_USAGE :
			    usage_error(USAGE_REPORT, "unknown option");
	}
	if (rc < 0 && optind >= argc)
		rc = usage_error(USAGE_REPORT, "no input path given");
	if (rc < 0 && (r = settings_finish(&set, &db,
	    scan_jobs(&ro.scan))) != 0)
		rc = r;
	if (rc < 0 && (r = collect_inputs(&ro, argv + optind,
	    argc - optind, &files)) != 0)
		rc = r;
	if (rc < 0) {
		diag_set_progress(true);
		timeline_build(&tl, &files, &ro.scan);
		source_list_release(&files);
		if ((rc = settings_wait(&set)) == 0) {
			abuse_run(&tl, &set.abuse, &rep);
			r = ro.format == FMT_CSV ? write_csv(&tl, &rep,
			    read_opts_pseudo(&ro)) : write_text(&tl, &rep,
			    read_opts_pseudo(&ro));
			rc = r != 0 ? EXIT_IOERR :
			    scan_exit_code(&ro, &tl.stats);
			abuse_report_release(&rep);
		}
		timeline_release(&tl);
	}
	origin_db_release(&db);
	settings_release(&set);
	return finish_stdout(rc);
}
