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
#include "io/numfmt.h"
#include "io/out_csv.h"

#define TEXT_CAP	200	/* bytes of one log field on a terminal */

static const char csv_header[] = "time,host,service,event,account,ip,"
    "client_name,count,queue_id,session,method,status,recipient,detail,"
    "file,line";

/*
 * The time cell of the previous row.  Rows come in time order, so most
 * share their date with the row before: only HH:MM:SS is written again.
 */
struct time_cache {
	bool		patch;		/* cell holds a day's time to patch */
	int64_t		day;		/* days since the epoch */
	bool		has_off;
	int		off_min;
	struct sbuf	cell;		/* the CSV cell; with patch set, also
					   the text (it needs no quotes) */
};

struct events_out {
	enum out_format		 fmt;
	struct csv_out		 csv;
	struct sbuf		 text;		/* text rows not yet written */
	const struct pseudo	*ps;		/* NULL: real names */
	struct sbuf		 detail;	/* the detail, scrubbed */
	/* The same text for row after row, formatted once. */
	struct time_cache	 tc;
	struct sbuf		 kinds[EV_KIND_MAX];	/* CSV: event_kind_name() */
	struct sbuf		 fname;		/* the file of fcell */
	struct sbuf		 fcell;		/* its CSV cell or escaped text */
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
		sh->cname = o->ps == NULL || span_eq(cn, "unknown") ? cn :
		    pseudo_span(o->ps, 'h', cn, sh->cbuf);
	sh->detail = ev->detail;
	if (o->ps != NULL && ev->detail.len > 0) {
		sbuf_reset(&o->detail);
		pseudo_scrub(o->ps, &o->detail, ev->detail.p, ev->detail.len);
		sh->detail = span_make(o->detail.buf, o->detail.len);
	}
}

/*
 * time_cell - the cell of scan_format_time() of the event, in tc->cell.
 * Within the day of the previous row only the time of day is written
 * again, at the fixed places of the "YYYY-MM-DDTHH:MM:SS" that starts
 * scan_format_time() text.  That is done only when the cell is the text
 * itself, not quoted, so digits for digits leave it right.
 */
static void
time_cell(struct time_cache *tc, int64_t when, bool has_off, int off_min)
{
	int64_t day = when / 86400, rem = when % 86400;
	char buf[40];
	size_t n;

	if (rem < 0) {
		rem += 86400;
		day--;
	}
	if (!tc->patch || day != tc->day || has_off != tc->has_off ||
	    off_min != tc->off_min) {
		scan_format_time(when, has_off, off_min, buf);
		n = strlen(buf);
		sbuf_reset(&tc->cell);
		csv_out_format_str(&tc->cell, buf, n);
		tc->patch = tc->cell.len == n && n >= 19 && buf[10] == 'T' &&
		    buf[13] == ':' && buf[16] == ':';
		tc->day = day;
		tc->has_off = has_off;
		tc->off_min = off_min;
		return;
	}
	fmt_digits(tc->cell.buf + 11, (unsigned)(rem / 3600), 2);
	fmt_digits(tc->cell.buf + 14, (unsigned)(rem / 60 % 60), 2);
	fmt_digits(tc->cell.buf + 17, (unsigned)(rem % 60), 2);
}

/* kinds_init - the cells of the names of the event kinds. */
static void
kinds_init(struct sbuf *k)
{
	const char *s;
	int i;

	for (i = 0; i < EV_KIND_MAX; i++) {
		s = event_kind_name((enum ev_kind)i);
		sbuf_init(&k[i]);
		csv_out_format_str(&k[i], s, strlen(s));
	}
}

/* kinds_release - undo kinds_init(). */
static void
kinds_release(struct sbuf *k)
{
	int i;

	for (i = 0; i < EV_KIND_MAX; i++)
		sbuf_release(&k[i]);
}

/*
 * file_cell - the file name as a CSV cell or as escaped text, formatted
 * once per file.
 */
static void
file_cell(struct events_out *o, const char *file)
{
	size_t n;

	if (strcmp(file, o->fname.buf) == 0)
		return;
	n = strlen(file);
	sbuf_reset(&o->fname);
	sbuf_add(&o->fname, file, n);
	sbuf_reset(&o->fcell);
	if (o->fmt == FMT_CSV)
		csv_out_format_text(&o->fcell, file, n);
	else
		escape_text(&o->fcell, file, n, 0);
}

/* cell - one cell of a row for csv_out_row(). */
static inline struct csv_cell
cell(enum csv_cell_type type, const char *p, size_t len)
{
	struct csv_cell v = { type, p, len, 0 };

	return v;
}

static int
row_csv(struct events_out *o, const struct scan_event *se)
{
	const struct raw_event *ev = se->ev;
	struct time_cache *tc = &o->tc;
	struct csv_cell v[16];
	struct shown sh;

	shown(o, ev, &sh);
	time_cell(tc, se->when, se->env->t.has_off, se->env->t.off_min);
	file_cell(o, se->file);
	v[0] = cell(CSV_CELL, tc->cell.buf, tc->cell.len);
	v[1] = cell(CSV_TEXT, se->env->host.p, se->env->host.len);
	v[2] = cell(CSV_TEXT, se->service, strlen(se->service));
	if ((unsigned)ev->kind < EV_KIND_MAX)
		v[3] = cell(CSV_CELL, o->kinds[ev->kind].buf,
		    o->kinds[ev->kind].len);
	else
		v[3] = cell(CSV_STR, event_kind_name(ev->kind),
		    strlen(event_kind_name(ev->kind)));
	v[4] = cell(CSV_TEXT, sh.account.p, sh.account.len);
	v[5] = cell(CSV_STR, sh.ip, strlen(sh.ip));
	v[6] = cell(CSV_TEXT, sh.cname.p, sh.cname.len);
	v[7] = cell(CSV_U64, NULL, 0);
	v[7].v = se->count;
	v[8] = cell(CSV_TEXT, ev->queue_id.p, ev->queue_id.len);
	v[9] = cell(CSV_TEXT, ev->session.p, ev->session.len);
	v[10] = cell(CSV_TEXT, ev->method.p, ev->method.len);
	v[11] = cell(CSV_TEXT, ev->status.p, ev->status.len);
	v[12] = cell(CSV_TEXT, sh.rcpt.p, sh.rcpt.len);
	v[13] = cell(CSV_TEXT, sh.detail.p, sh.detail.len);
	v[14] = cell(CSV_CELL, o->fcell.buf, o->fcell.len);
	v[15] = cell(CSV_U64, NULL, 0);
	v[15].v = se->line;
	return csv_out_row(&o->csv, v, 16);
}

/*
 * The text rows are put together without printf (its format parsing
 * cost more than the rest of a row) and written in blocks of about
 * 64 KiB, as the CSV rows are.
 */
#define TEXT_FLUSH_AT	(64 * 1024)

/* add_lit - a string literal, its length known at compile time. */
#define add_lit(sb, s)	sbuf_add((sb), (s), sizeof(s) - 1)

/* add_padded - s, then spaces up to width bytes ("%-*s"). */
static void
add_padded(struct sbuf *sb, const char *s, size_t width)
{
	size_t n = strlen(s);

	sbuf_add(sb, s, n);
	if (n < width) {
		sbuf_grow(sb, width - n);
		memset(sb->buf + sb->len, ' ', width - n);
		sb->len += width - n;
		sb->buf[sb->len] = '\0';
	}
}

/* add_u64 - v in decimal. */
static void
add_u64(struct sbuf *sb, uint64_t v)
{
	char b[24];

	sbuf_add(sb, b, fmt_u64(b, v));
}

/* field - " key=value" with the value escaped and capped. */
static void
field(struct sbuf *sb, const char *key, size_t klen, struct span v)
{
	if (v.len == 0)
		return;
	sbuf_addc(sb, ' ');
	sbuf_add(sb, key, klen);
	sbuf_addc(sb, '=');
	escape_text(sb, v.p, v.len, TEXT_CAP);
}

#define FIELD(sb, key, v)	field((sb), (key), sizeof(key) - 1, (v))

/* text_flush - write the text rows held; -1 on a write error. */
static int
text_flush(struct events_out *o)
{
	size_t n = o->text.len, w;

	if (n == 0)
		return ferror(stdout) ? -1 : 0;
	w = fwrite(o->text.buf, 1, n, stdout);
	sbuf_reset(&o->text);
	return w == n ? 0 : -1;
}

static int
row_text(struct events_out *o, const struct scan_event *se)
{
	const struct raw_event *ev = se->ev;
	struct sbuf *sb = &o->text;
	struct time_cache *tc = &o->tc;
	char tbuf[40];
	bool dl = delivery_like(ev);
	struct shown sh;

	shown(o, ev, &sh);
	/* tc->patch: the cell is the time's own text (no quotes). */
	time_cell(tc, se->when, se->env->t.has_off, se->env->t.off_min);
	if (tc->patch)
		sbuf_add(sb, tc->cell.buf, tc->cell.len);
	else
		sbuf_adds(sb, scan_format_time(se->when, se->env->t.has_off,
		    se->env->t.off_min, tbuf));
	sbuf_addc(sb, ' ');
	if (se->env->host.len > 0)
		escape_text(sb, se->env->host.p, se->env->host.len, TEXT_CAP);
	else
		sbuf_addc(sb, '-');
	sbuf_addc(sb, ' ');
	add_padded(sb, se->service[0] ? se->service : "-", 11);
	sbuf_addc(sb, ' ');
	add_padded(sb, event_kind_name(ev->kind), 12);
	FIELD(sb, "account", sh.account);
	if (ev->has_ip) {
		add_lit(sb, " ip=");
		sbuf_adds(sb, sh.ip);
	}
	if (dl)
		FIELD(sb, "to", sh.rcpt);
	else
		FIELD(sb, "name", sh.cname);
	if (se->count != 1) {
		add_lit(sb, " count=");
		add_u64(sb, se->count);
	}
	FIELD(sb, "qid", ev->queue_id);
	FIELD(sb, "method", ev->method);
	FIELD(sb, "status", ev->status);
	FIELD(sb, "detail", sh.detail);
	sbuf_addc(sb, ' ');
	file_cell(o, se->file);
	sbuf_add(sb, o->fcell.buf, o->fcell.len);
	sbuf_addc(sb, ':');
	add_u64(sb, se->line);
	sbuf_addc(sb, '\n');
	return sb->len < TEXT_FLUSH_AT ? 0 : text_flush(o);
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
	if ((rc = collect_inputs(&ro, argv + optind, argc - optind,
	    &files)) != 0)
		return rc;
	memset(&out, 0, sizeof(out));
	out.fmt = ro.format;
	out.ps = read_opts_pseudo(&ro);
	csv_out_init(&out.csv, stdout);
	sbuf_init(&out.text);
	sbuf_init(&out.detail);
	kinds_init(out.kinds);
	sbuf_init(&out.tc.cell);
	sbuf_init(&out.fname);
	sbuf_init(&out.fcell);
	diag_set_progress(true);
	if (ro.format == FMT_CSV && csv_out_header(&out.csv, csv_header) != 0)
		rc = -1;
	if (rc == 0)
		rc = scan_run(&files, &ro.scan, on_event, &out, &st);
	if (text_flush(&out) != 0)
		rc = -1;
	csv_out_release(&out.csv);
	sbuf_release(&out.text);
	sbuf_release(&out.detail);
	sbuf_release(&out.fname);
	sbuf_release(&out.tc.cell);
	kinds_release(out.kinds);
	sbuf_release(&out.fcell);
	source_list_release(&files);
	if (rc != 0)
		return finish_stdout(EXIT_IOERR);
	return finish_stdout(scan_exit_code(&ro, &st));
}
