/*
 * cmd/events.c - "subsubmit events": every recognized event, one row
 * each, in file order (oldest file first), as CSV or aligned text.
 *
 * Rows stream out as the files are read; nothing is kept, so memory does
 * not grow with the input.  Every log-derived field is escaped for its
 * medium (io/escape.h, io/out_csv.h).
 */
#include "cmd/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/scan.h"
#include "cmd/opts.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/out_csv.h"

#define TEXT_CAP	200	/* bytes of one log field on a terminal */

static const char csv_header[] = "time,host,service,event,account,ip,"
    "client_name,count,queue_id,session,method,status,recipient,detail,"
    "file,line";

struct events_out {
	enum out_format		 fmt;
	struct csv_out		 csv;
	struct sbuf		 text;
	const struct pseudo	*ps;		/* NULL: real names */
	struct sbuf		 detail;	/* the detail, scrubbed */
};

/* The fields that name people or hosts, as they are to be printed. */
struct shown {
	struct span	account, cname, rcpt, detail;
	char		ip[IPADDR_STRLEN];
	char		abuf[PSEUDO_STRLEN], cbuf[PSEUDO_STRLEN];
};

/* ip_text - the event's client address as text ("" when none). */
static const char *
ip_text(const struct events_out *o, const struct raw_event *ev, char *buf)
{
	struct ipaddr p;

	if (!ev->has_ip) {
		buf[0] = '\0';
		return buf;
	}
	return ipaddr_format(pseudo_addr(o->ps, &ev->ip, &p), buf);
}

/* delivery_like - events whose client_name span holds a recipient. */
static bool
delivery_like(const struct raw_event *ev)
{
	return ev->kind == EV_DELIVERY || ev->kind == EV_DNSBL;
}

/*
 * shown - the account, address, reverse name or recipient, and detail
 * of an event, pseudonymized when o->ps is set.  "unknown" (Postfix has
 * no reverse name) is not a name and stays.
 */
static void
shown(struct events_out *o, const struct raw_event *ev, struct shown *sh)
{
	struct span none = SPAN_NULL, cn = ev->client_name;

	sh->account = pseudo_span(o->ps, 'u', ev->account, sh->abuf);
	ip_text(o, ev, sh->ip);
	sh->rcpt = sh->cname = none;
	if (delivery_like(ev))
		sh->rcpt = pseudo_span(o->ps, 'u', cn, sh->cbuf);
	else
		sh->cname = span_eq(cn, "unknown") ? cn :
		    pseudo_span(o->ps, 'h', cn, sh->cbuf);
	sh->detail = ev->detail;
	if (o->ps != NULL && ev->detail.len > 0) {
		sbuf_reset(&o->detail);
		pseudo_scrub(o->ps, &o->detail, ev->detail.p, ev->detail.len);
		sh->detail = span_make(o->detail.buf, o->detail.len);
	}
}

static int
row_csv(struct events_out *o, const struct scan_event *se)
{
	const struct raw_event *ev = se->ev;
	struct csv_out *c = &o->csv;
	char tbuf[40];
	struct shown sh;

	shown(o, ev, &sh);
	csv_out_str(c, scan_format_time(se->when, se->env->t.has_off,
	    se->env->t.off_min, tbuf));
	csv_out_text(c, se->env->host.p, se->env->host.len);
	csv_out_text(c, se->service, strlen(se->service));
	csv_out_str(c, event_kind_name(ev->kind));
	csv_out_text(c, sh.account.p, sh.account.len);
	csv_out_str(c, sh.ip);
	csv_out_text(c, sh.cname.p, sh.cname.len);
	csv_out_u64(c, se->count);
	csv_out_text(c, ev->queue_id.p, ev->queue_id.len);
	csv_out_text(c, ev->session.p, ev->session.len);
	csv_out_text(c, ev->method.p, ev->method.len);
	csv_out_text(c, ev->status.p, ev->status.len);
	csv_out_text(c, sh.rcpt.p, sh.rcpt.len);
	csv_out_text(c, sh.detail.p, sh.detail.len);
	csv_out_text(c, se->file, strlen(se->file));
	csv_out_u64(c, se->line);
	return csv_out_end(c);
}

/* field - " key=value" with the value escaped and capped. */
static void
field(struct sbuf *sb, const char *key, struct span v)
{
	if (v.len == 0)
		return;
	sbuf_addf(sb, " %s=", key);
	escape_text(sb, v.p, v.len, TEXT_CAP);
}

static int
row_text(struct events_out *o, const struct scan_event *se)
{
	const struct raw_event *ev = se->ev;
	struct sbuf *sb = &o->text;
	char tbuf[40];
	bool dl = delivery_like(ev);
	struct shown sh;

	shown(o, ev, &sh);
	sbuf_reset(sb);
	sbuf_adds(sb, scan_format_time(se->when, se->env->t.has_off,
	    se->env->t.off_min, tbuf));
	sbuf_addc(sb, ' ');
	if (se->env->host.len > 0)
		escape_text(sb, se->env->host.p, se->env->host.len, TEXT_CAP);
	else
		sbuf_addc(sb, '-');
	sbuf_addf(sb, " %-11s %-12s", se->service[0] ? se->service : "-",
	    event_kind_name(ev->kind));
	field(sb, "account", sh.account);
	if (ev->has_ip)
		sbuf_addf(sb, " ip=%s", sh.ip);
	field(sb, dl ? "to" : "name", dl ? sh.rcpt : sh.cname);
	if (se->count != 1)
		sbuf_addf(sb, " count=%u", se->count);
	field(sb, "qid", ev->queue_id);
	field(sb, "method", ev->method);
	field(sb, "status", ev->status);
	field(sb, "detail", sh.detail);
	sbuf_addc(sb, ' ');
	escape_text(sb, se->file, strlen(se->file), 0);
	sbuf_addf(sb, ":%llu\n", (unsigned long long)se->line);
	return fwrite(sb->buf, 1, sb->len, stdout) == sb->len ? 0 : -1;
}

static int
on_event(const struct scan_event *se, void *arg)
{
	struct events_out *o = arg;

	return o->fmt == FMT_CSV ? row_csv(o, se) : row_text(o, se);
}

static const struct option longopts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	READ_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

int
cmd_events(int argc, char **argv)
{
	struct read_opts ro;
	struct source_list files;
	struct scan_stats st;
	struct events_out out;
	int c, r, rc;

	read_opts_init(&ro);
	optind = 0;
	while ((c = getopt_long(argc, argv, READ_SHORT_OPTIONS, longopts,
	    NULL)) != -1) {
		if (c == OPT_HELP) {
			printf("usage: %s\n", USAGE_EVENTS);
			return finish_stdout(EXIT_OK);
		}
		if (c == OPT_FORMAT) {
			if (!parse_format(optarg, &ro.format))
				return usage_error(USAGE_EVENTS,
				    "--format wants csv or text");
			continue;
		}
		if ((r = read_opts_handle(&ro, c, optarg)) < 0)
			return EXIT_USAGE;
		if (r == 0)
			return usage_error(USAGE_EVENTS, "unknown option");
	}
	if (optind >= argc)
		return usage_error(USAGE_EVENTS, "no input path given");
	if ((rc = collect_inputs(argv + optind, argc - optind, &files)) != 0)
		return rc;
	memset(&out, 0, sizeof(out));
	out.fmt = ro.format;
	out.ps = read_opts_pseudo(&ro);
	csv_out_init(&out.csv, stdout);
	sbuf_init(&out.text);
	sbuf_init(&out.detail);
	diag_set_progress(true);
	if (ro.format == FMT_CSV && csv_out_header(&out.csv, csv_header) != 0)
		rc = -1;
	if (rc == 0)
		rc = scan_run(&files, &ro.scan, on_event, &out, &st);
	csv_out_release(&out.csv);
	sbuf_release(&out.text);
	sbuf_release(&out.detail);
	source_list_release(&files);
	if (rc != 0)
		return finish_stdout(EXIT_IOERR);
	return finish_stdout(scan_exit_code(&ro, &st));
}
