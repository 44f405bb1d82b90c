/*
 * analysis/scan.c - the read pipeline shared by every subcommand.
 *
 * For each file of the ordered list: open it (io/reader), decide where its
 * year walk starts (io/yearinfer: the file's own anchor, the previous
 * file's end, --year), split each line's envelope (io/envelope), unwrap
 * rsyslog repeat records, dispatch on the tag to the Postfix or Dovecot
 * parser, drop lines that the previous file already delivered (copytruncate
 * overlaps, a rotated file next to its dateext twin), apply the time
 * window and hand each event to the caller.  Bad lines are counted per
 * file, the first ten shown with their file:line, never fatal.
 */
#include "analysis/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "analysis/intern.h"
#include "io/diag.h"
#include "io/numfmt.h"
#include "io/parse_dovecot.h"
#include "io/parse_postfix.h"
#include "io/reader.h"
#include "io/xalloc.h"
#include "io/yearinfer.h"

#define SHOW_SKIPS	10

/*
 * The event lines of one file, as 64-bit hashes in file order, and the
 * latest time among them.  Appending is sequential and cheap; only when
 * the next file starts before this one ended is the list sorted, and
 * then the next file's early lines are looked up in it, each copy used
 * once (a multiset).
 */
struct dupset {
	uint64_t	*h;
	uint8_t		*taken;
	size_t		 n, cap;
	int64_t		 last;		/* latest event time */
	bool		 sorted;
};

/* Lines of the next file up to this long after the seam are checked. */
#define OVERLAP_SLACK	3600

struct filectx {
	const struct scan_opts	*opts;
	const char		*name;
	struct reader		*rd;
	struct year_anchor	 own;		/* the file's own anchor */
	bool			 have_prev;	/* a previous file's walk */
	struct year_walk	 walk;
	bool			 started;	/* walk position decided */
	int			 last_mon, last_mday;
	uint32_t		 pre_rollovers;
	bool			 pre_scanned;
	uint64_t		 skipped, shown;
	struct dupset		*prev, *cur;
	struct scan_stats	*st;
	struct sbuf		 last_line;	/* copy of the last event line */
	bool			 last_was_event;
	uint64_t		 unmapped_warned;
};

static void
dupset_release(struct dupset *d)
{
	free(d->h);
	free(d->taken);
	memset(d, 0, sizeof(*d));
	d->last = INT64_MIN;
}

static void
dupset_add(struct dupset *d, uint64_t h, int64_t when)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? st_mult(d->cap, 2) : 4096;
		d->h = xreallocarray(d->h, d->cap, sizeof(*d->h));
	}
	d->h[d->n++] = h;
	if (when > d->last)
		d->last = when;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * dupset_take - true (and one copy used up) when a line with hash h at
 * time when was already in the previous file.
 */
static bool
dupset_take(struct dupset *d, uint64_t h, int64_t when)
{
	size_t lo = 0, hi;

	if (d->n == 0 || when > d->last + OVERLAP_SLACK)
		return false;
	if (!d->sorted) {
		qsort(d->h, d->n, sizeof(*d->h), cmp_u64);
		d->taken = xcalloc(d->n, 1);
		d->sorted = true;
	}
	hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->h[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < d->n && d->h[lo] == h; lo++)
		if (!d->taken[lo]) {
			d->taken[lo] = 1;
			return true;
		}
	return false;
}

/* skip - count a bad line; show the first few with their locator. */
static void
skip(struct filectx *fc, uint64_t lineno, const char *why)
{
	fc->skipped++;
	if (fc->shown < SHOW_SKIPS) {
		fc->shown++;
		diag_warn(fc->name, lineno, "skipped line: %s", why);
	}
}

/* file_anchor - the best date the file carries about its last line. */
static void
file_anchor(struct filectx *fc, const struct source_file *sf)
{
	int64_t mtime;
	uint32_t gz;

	memset(&fc->own, 0, sizeof(fc->own));
	if (sf->dateext > 0) {
		fc->own.kind = ANCHOR_DATEEXT;
		fc->own.year = sf->dateext / 10000;
		fc->own.mon = sf->dateext / 100 % 100;
		fc->own.mday = sf->dateext % 100;
	} else if ((gz = reader_gzip_mtime(fc->rd)) != 0)
		year_anchor_from_epoch(&fc->own, ANCHOR_GZIP_MTIME, gz);
	else if (reader_compression(fc->rd) == COMP_NONE &&
	    reader_file_mtime(fc->rd, &mtime))
		year_anchor_from_epoch(&fc->own, ANCHOR_MTIME, mtime);
}

/*
 * prescan - for the first file of a set, count its New Years and find its
 * last date, so that a plain file spanning several years gets every year
 * right.  Only plain regular files: re-reading them is cheap.
 */
static void
prescan(struct filectx *fc, const struct source_file *sf)
{
	struct reader *rd;
	struct sbuf err = SBUF_INIT;
	struct span line;
	struct logtime t;
	uint64_t lineno;
	size_t used;
	int state = 0;

	if (reader_compression(fc->rd) != COMP_NONE ||
	    strcmp(sf->path, "-") == 0)
		return;
	rd = reader_open(sf->path, sf->name, &err);
	sbuf_release(&err);
	if (rd == NULL)
		return;
	fc->pre_rollovers = 0;
	while (reader_next(rd, &line, &lineno) == 1) {
		if (!logtime_parse(line, &t, &used))
			continue;
		if (t.year != 0) {
			state = t.mon;
			fc->pre_rollovers = 0;
			continue;
		}
		if (year_count_step(&state, &fc->pre_rollovers, t.mon))
			continue;
		fc->last_mon = t.mon;
		fc->last_mday = t.mday;
	}
	fc->pre_scanned = fc->last_mon != 0;
	reader_free(rd);
}

/* strong_anchor - anchors that survive copying the file. */
static bool
strong_anchor(enum anchor_kind k)
{
	return k == ANCHOR_DATEEXT || k == ANCHOR_GZIP_MTIME;
}

/*
 * start_walk - decide the year of the file's first year-less line from the
 * file's own anchor and the previous file's walk; disagreements are
 * warned about, never settled silently.
 */
static void
start_walk(struct filectx *fc, const struct logtime *t)
{
	struct year_walk own = { 0, 0, 0 }, cont;
	int32_t y_own = 0, y_cont;

	fc->started = true;
	if (fc->opts->year != 0 && !fc->have_prev) {
		fc->walk.year = fc->opts->year;
		fc->walk.ref_mon = 0;
		return;
	}
	if (fc->own.kind == ANCHOR_NONE && !fc->have_prev) {
		year_anchor_from_epoch(&fc->own, ANCHOR_CLOCK, fc->opts->now);
		diag_warn(fc->name, 0, "no date to infer the year from; "
		    "assuming the log ends before today (use --year)");
	}
	if (fc->own.kind != ANCHOR_NONE) {
		if (fc->pre_scanned)
			year_walk_start_last(&own, &fc->own, fc->last_mon,
			    fc->last_mday, fc->pre_rollovers);
		else
			year_walk_start(&own, &fc->own, t->mon, t->mday, 0);
		y_own = year_walk_next(&own, t->mon);
	}
	if (!fc->have_prev) {
		fc->walk = own;
		return;
	}
	cont = fc->walk;
	y_cont = year_walk_next(&cont, t->mon);
	if (fc->own.kind == ANCHOR_NONE || fc->opts->year != 0 ||
	    y_own == y_cont) {
		fc->walk = cont;
		return;
	}
	if (strong_anchor(fc->own.kind) || y_own < y_cont) {
		if (y_own < y_cont)
			diag_warn(fc->name, 0, "conflicting year anchors: "
			    "the %s says %d, the previous file %d; using %d",
			    anchor_kind_name(fc->own.kind), (int)y_own,
			    (int)y_cont, (int)y_own);
		else
			diag_info("%s: the %s puts the first line in %d, "
			    "after a gap since the previous file",
			    fc->name, anchor_kind_name(fc->own.kind),
			    (int)y_own);
		fc->walk = own;
		return;
	}
	diag_warn(fc->name, 0, "conflicting year anchors: the %s says %d, "
	    "the previous file %d; using %d (the mtime may come from a copy; "
	    "use --year to override)", anchor_kind_name(fc->own.kind),
	    (int)y_own, (int)y_cont, (int)y_cont);
	fc->walk = cont;
}

/* note_time - the span of time covered, and its longest silence. */
static void
note_time(struct scan_stats *st, int64_t when)
{
	if (!st->have_time) {
		st->first = st->last = when;
		st->have_time = true;
		return;
	}
	if (when > st->last) {
		if (when - st->last > st->gap) {
			st->gap = when - st->last;
			st->gap_at = st->last;
		}
		st->last = when;
	}
	if (when < st->first)
		st->first = when;
}

/* line_when - civil seconds of the line, inferring the year if needed. */
static bool
line_when(struct filectx *fc, const struct logtime *t, int64_t *when)
{
	int32_t year;

	if (t->year != 0) {
		year_walk_sync(&fc->walk, t->year, t->mon);
		fc->started = true;
		year = t->year;
	} else {
		if (!fc->started)
			start_walk(fc, t);
		year = year_walk_next(&fc->walk, t->mon);
		if (year == fc->walk.year) {
			fc->last_mon = t->mon;
			fc->last_mday = t->mday;
		}
	}
	return logtime_civil(t, year, when);
}

/*
 * unwrap_repeat - rsyslog's "message repeated N times: [ MSG]" carries
 * the original message; make env->msg point at it and return N (1 for an
 * ordinary line, 0 for a malformed wrapper).
 */
static uint32_t
unwrap_repeat(struct envelope *env)
{
	static const char pre[] = "message repeated ";
	struct span m = env->msg, rest;
	uint32_t n;
	size_t used;

	if (!span_starts(m, pre))
		return 1;
	rest = span_skip(m, sizeof(pre) - 1);
	if (!span_prefix_u32(rest, 1000000, &n, &used) || n == 0)
		return 0;
	rest = span_skip(rest, used);
	if (!span_starts(rest, " times: ["))
		return 0;
	rest = span_skip(rest, 9);
	if (rest.len > 0 && rest.p[0] == ' ')
		rest = span_skip(rest, 1);
	if (rest.len > 0 && rest.p[rest.len - 1] == ']')
		rest.len--;
	env->msg = rest;
	return n;
}

/*
 * last_repeat - sysklogd's "last message repeated N times" (no tag): N
 * more copies of the previous line.  Returns N, or 0 for other lines.
 */
static uint32_t
last_repeat(struct span line)
{
	ptrdiff_t at = SPAN_FIND_LIT(line, "last message repeated ");
	uint32_t n;
	struct span rest;
	size_t used;

	if (at < 0 || at > 64)
		return 0;
	rest = span_skip(line, (size_t)at + 22);
	if (!span_prefix_u32(rest, 1000000, &n, &used))
		return 0;
	return n;
}

/* resolve_service - the reported name of the event's service. */
static const char *
resolve_service(struct filectx *fc, const struct raw_event *ev,
    const struct envelope *env)
{
	const struct scan_opts *o = fc->opts;
	struct span tag = env->tag;
	ptrdiff_t slash = SPAN_RFIND_LIT(tag, "/");
	size_t i;

	if (o->nsmap > 0 && slash > 0) {
		struct span sys = span_make(tag.p, (size_t)slash);

		for (i = 0; i < o->nsmap; i++)
			if (span_eq(sys, o->smap[i].name))
				return o->smap[i].service;
	}
	if (ev->service != SVC_CUSTOM)
		return service_name(ev->service);
	for (i = 0; i < o->nsmap; i++)
		if (span_eq(ev->svc_name, o->smap[i].name))
			return o->smap[i].service;
	if (fc->unmapped_warned++ == 0)
		diag_warn(fc->name, 0, "syslog name '%s' names no known "
		    "service; reported as 'unknown' (use --service-map)",
		    diag_quote(ev->svc_name.p, ev->svc_name.len));
	return "unknown";
}

/* dispatch - hand the envelope to the parser that claims it. */
static enum parse_status
dispatch(const struct envelope *env, struct raw_event *ev, const char **why)
{
	if (env->tag.len == 0)
		return PARSE_IGNORE;
	if (parse_postfix_claims(env->tag))
		return parse_postfix(env, ev, why);
	if (parse_dovecot_claims(env))
		return parse_dovecot(env, ev, why);
	return PARSE_IGNORE;
}

struct linectx {
	struct filectx		*fc;
	scan_fn			 fn;
	void			*arg;
	struct scan_stats	*st;
};

/* deliver - dedup, window, callback for one event. */
static int
deliver(struct linectx *lc, struct span line, uint64_t lineno,
    const struct envelope *env, const struct raw_event *ev, int64_t when,
    uint32_t times)
{
	struct filectx *fc = lc->fc;
	const struct scan_opts *o = fc->opts;
	struct scan_event se;
	uint64_t h = hash64(line.p, line.len);

	if (dupset_take(fc->prev, h, when)) {
		lc->st->duplicates++;
		return 0;
	}
	dupset_add(fc->cur, h, when);
	lc->st->events++;
	if ((o->has_since && when < o->since) ||
	    (o->has_until && when >= o->until))
		return 0;
	se.ev = ev;
	se.env = env;
	se.when = when;
	se.service = resolve_service(fc, ev, env);
	se.file = fc->name;
	se.line = lineno;
	se.count = ev->count;
	if (times > 1)
		se.count = (uint64_t)ev->count * times > UINT32_MAX ?
		    UINT32_MAX : ev->count * times;
	lc->st->emitted++;
	return lc->fn(&se, lc->arg);
}

/*
 * parse_event - envelope and parser for one line: 1 when *ev is an event,
 * 2 for a "last message repeated N times" line (N in *times), else 0.
 */
static int
parse_event(struct filectx *fc, struct span line, uint64_t lineno,
    struct envelope *env, struct raw_event *ev, int64_t *when,
    uint32_t *times)
{
	const char *why = NULL;
	enum env_status es;

	es = envelope_parse(line.p, line.len, env, &why);
	if (es == ENV_SKIP)
		return 0;
	if (es == ENV_BAD || span_eq(env->tag, "last")) {
		if ((*times = last_repeat(line)) > 0) {
			struct logtime t;
			size_t used;

			*when = INT64_MIN;
			if (logtime_parse(line, &t, &used) &&
			    !line_when(fc, &t, when))
				*when = INT64_MIN;
			return 2;
		}
		skip(fc, lineno, why ? why : "no syslog envelope");
		return 0;
	}
	if (!line_when(fc, &env->t, when)) {
		skip(fc, lineno, "date does not exist in the inferred year");
		return 0;
	}
	note_time(fc->st, *when);
	if ((*times = unwrap_repeat(env)) == 0) {
		skip(fc, lineno, "malformed 'message repeated' record");
		return 0;
	}
	raw_event_clear(ev);
	switch (dispatch(env, ev, &why)) {
	case PARSE_OK:
		return 1;
	case PARSE_BAD:
		skip(fc, lineno, why ? why : "record not understood");
		return 0;
	default:
		return 0;
	}
}

/* replay_last - "last message repeated N times": re-emit the copy. */
static int
replay_last(struct linectx *lc, uint64_t lineno, uint32_t n, int64_t at)
{
	struct filectx *fc = lc->fc;
	struct envelope env;
	struct raw_event ev;
	struct span copy = span_make(fc->last_line.buf, fc->last_line.len);
	const char *why;
	int64_t when;

	if (!fc->last_was_event)
		return 0;
	if (envelope_parse(copy.p, copy.len, &env, &why) != ENV_OK ||
	    !logtime_civil(&env.t, fc->walk.year, &when))
		return 0;
	if (env.t.year != 0)
		(void)logtime_civil(&env.t, env.t.year, &when);
	if (at != INT64_MIN)
		when = at;
	if (unwrap_repeat(&env) == 0)
		return 0;
	raw_event_clear(&ev);
	if (dispatch(&env, &ev, &why) != PARSE_OK)
		return 0;
	ev.flags |= EVF_REPEATED;
	lc->st->events++;
	if ((fc->opts->has_since && when < fc->opts->since) ||
	    (fc->opts->has_until && when >= fc->opts->until))
		return 0;
	{
		struct scan_event se = { &ev, &env, when,
		    resolve_service(fc, &ev, &env), fc->name, lineno, n };

		lc->st->emitted++;
		return lc->fn(&se, lc->arg);
	}
}

/* do_line - one physical line. */
static int
do_line(struct linectx *lc, struct span line, uint64_t lineno)
{
	struct filectx *fc = lc->fc;
	struct envelope env;
	struct raw_event ev;
	int64_t when;
	uint32_t times = 1;
	int r;

	if (line.len == 0)
		return 0;
	r = parse_event(fc, line, lineno, &env, &ev, &when, &times);
	if (r == 2)
		return replay_last(lc, lineno, times, when);
	if (r == 0) {
		fc->last_was_event = false;
		return 0;
	}
	if (times > 1)
		ev.flags |= EVF_REPEATED;
	sbuf_reset(&fc->last_line);
	sbuf_add(&fc->last_line, line.p, line.len);
	fc->last_was_event = true;
	return deliver(lc, line, lineno, &env, &ev, when, times);
}

/* check_end - the walk's last date against the file's own anchor. */
static void
check_end(struct filectx *fc)
{
	const struct year_anchor *a = &fc->own;
	int64_t end, lim;

	if (!fc->started || fc->last_mon == 0 || a->kind == ANCHOR_NONE ||
	    a->kind == ANCHOR_CLOCK || fc->opts->year != 0)
		return;
	if (fc->last_mday > days_in_month(fc->walk.year, fc->last_mon))
		return;
	end = days_from_civil(fc->walk.year, fc->last_mon, fc->last_mday);
	lim = days_from_civil(a->year, a->mon, a->mday) + 1;
	if (end > lim)
		diag_warn(fc->name, 0, "conflicting year anchors: the lines "
		    "run to %04d-%02d-%02d but the %s says %04d-%02d-%02d",
		    (int)fc->walk.year, fc->last_mon, fc->last_mday,
		    anchor_kind_name(a->kind), (int)a->year, a->mon, a->mday);
}

/* file_summary - the per-file skip summary and verbose facts. */
static void
file_summary(struct filectx *fc, uint64_t lines)
{
	uint64_t over = reader_overlong(fc->rd);

	if (fc->skipped > 0)
		diag_warn(fc->name, 0, "%llu lines skipped (%llu shown), "
		    "%llu over-long", (unsigned long long)fc->skipped,
		    (unsigned long long)fc->shown, (unsigned long long)over);
	else if (over > 0)
		diag_warn(fc->name, 0, "%llu over-long lines cut at %d bytes",
		    (unsigned long long)over, READER_LINE_CAP);
	diag_info("%s: %s, %llu lines, year anchor: %s", fc->name,
	    reader_comp_name(reader_compression(fc->rd)),
	    (unsigned long long)lines, anchor_kind_name(fc->own.kind));
}

struct progress {
	uint64_t	total_in;	/* compressed bytes of all files */
	uint64_t	done_in;	/* of finished files */
	size_t		nfiles, done_files;
	struct timespec	t0;
};

static double
elapsed(const struct progress *pg)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - pg->t0.tv_sec) +
	    (double)(now.tv_nsec - pg->t0.tv_nsec) / 1e9;
}

/* show_progress - "files 3/12, 812 MB, 410 MB/s, 0:42 left". */
static void
show_progress(const struct progress *pg, const struct reader *rd,
    const struct scan_stats *st)
{
	double secs = elapsed(pg), in, rate, left = 0;
	uint64_t out = st->bytes_out + reader_bytes_out(rd);

	in = (double)(pg->done_in + reader_bytes_in(rd));
	rate = secs > 0 ? (double)out / 1e6 / secs : 0;
	if (in > 0 && pg->total_in > in)
		left = secs * ((double)pg->total_in - in) / in;
	diag_progress("files %zu/%zu, %.0f MB read, %.0f MB/s, %d:%02d left",
	    pg->done_files + 1, pg->nfiles, (double)out / 1e6, rate,
	    (int)left / 60, (int)left % 60);
}

/*
 * check_shrunk - a plain file that ended before the size it had when it
 * was opened was truncated while being read (copytruncate rotation, an
 * operator): its tail is missing.  A file renamed away is still read to
 * its end through the open descriptor, so rotation by renaming loses
 * nothing.
 */
static void
check_shrunk(struct filectx *fc)
{
	uint64_t size = reader_file_size(fc->rd), got = reader_bytes_in(fc->rd);

	if (reader_compression(fc->rd) != COMP_NONE || reader_damaged(fc->rd) ||
	    got >= size)
		return;
	diag_warn(fc->name, 0, "the file shrank while it was read (truncated "
	    "by log rotation?): %llu of %llu bytes read, the rest is missing",
	    (unsigned long long)got, (unsigned long long)size);
	fc->st->damaged++;
}

/* scan_file - read one opened file to the end. */
static int
scan_file(struct linectx *lc, struct progress *pg)
{
	struct filectx *fc = lc->fc;
	struct span line;
	uint64_t lineno = 0, lines = 0;
	int rc = 0;

	while (reader_next(fc->rd, &line, &lineno) == 1) {
		lines++;
		if ((lines & 0xffff) == 0 && diag_progress_enabled())
			show_progress(pg, fc->rd, lc->st);
		if ((rc = do_line(lc, line, lineno)) != 0)
			break;
	}
	check_end(fc);
	if (rc == 0)
		check_shrunk(fc);
	file_summary(fc, lines);
	lc->st->lines += lines;
	lc->st->skipped += fc->skipped;
	lc->st->overlong += reader_overlong(fc->rd);
	lc->st->bytes_in += reader_bytes_in(fc->rd);
	lc->st->bytes_out += reader_bytes_out(fc->rd);
	if (reader_damaged(fc->rd))
		lc->st->damaged++;
	return rc;
}

/* same_file - true when sf is a file already read (same device/inode). */
static bool
same_file(const struct source_list *l, size_t i)
{
	struct stat a, b;
	size_t j;

	if (strcmp(l->v[i].path, "-") == 0 || stat(l->v[i].path, &a) != 0)
		return false;
	for (j = 0; j < i; j++)
		if (strcmp(l->v[j].path, "-") != 0 &&
		    stat(l->v[j].path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return true;
	return false;
}

static void
progress_init(struct progress *pg, const struct source_list *l)
{
	struct stat st;
	size_t i;

	memset(pg, 0, sizeof(*pg));
	pg->nfiles = l->n;
	clock_gettime(CLOCK_MONOTONIC, &pg->t0);
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].path, "-") != 0 &&
		    stat(l->v[i].path, &st) == 0)
			pg->total_in += (uint64_t)st.st_size;
}

int
scan_run(const struct source_list *l, const struct scan_opts *o,
    scan_fn fn, void *arg, struct scan_stats *st)
{
	struct dupset sets[2] = { { NULL, NULL, 0, 0, INT64_MIN, false },
	    { NULL, NULL, 0, 0, INT64_MIN, false } };
	struct filectx fc;
	struct linectx lc = { &fc, fn, arg, st };
	struct progress pg;
	struct sbuf err = SBUF_INIT;
	bool have_prev = false;
	struct year_walk walk = { 0, 0, 0 };
	size_t i, k = 0;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	progress_init(&pg, l);
	for (i = 0; i < l->n && rc == 0; i++) {
		const struct source_file *sf = &l->v[i];

		if (same_file(l, i)) {
			diag_info("%s: skipped: the same file as one read "
			    "before", sf->name);
			continue;
		}
		memset(&fc, 0, sizeof(fc));
		sbuf_init(&fc.last_line);
		fc.opts = o;
		fc.name = sf->name;
		fc.st = st;
		sbuf_reset(&err);
		if ((fc.rd = reader_open(sf->path, sf->name, &err)) == NULL) {
			diag_error(NULL, 0, "%s; its lines are missing from "
			    "the report", err.buf);
			st->unreadable++;
			continue;
		}
		file_anchor(&fc, sf);
		fc.have_prev = have_prev;
		fc.walk = walk;
		if (!have_prev && o->year == 0)
			prescan(&fc, sf);
		fc.prev = &sets[(k + 1) % 2];
		fc.cur = &sets[k % 2];
		k++;
		rc = scan_file(&lc, &pg);
		if (fc.started) {
			walk = fc.walk;
			have_prev = true;
		}
		pg.done_in += reader_bytes_in(fc.rd);
		pg.done_files++;
		st->files++;
		reader_free(fc.rd);
		sbuf_release(&fc.last_line);
		dupset_release(fc.prev);
	}
	diag_progress_done();
	dupset_release(&sets[0]);
	dupset_release(&sets[1]);
	sbuf_release(&err);
	return rc;
}

/* two - two decimal digits at s; -1 if not digits. */
static int
two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

bool
scan_parse_time(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	int y1, y2, mon, mday, h = 0, mi = 0, sec = 0;
	int32_t year;

	if (n < 10 || s[4] != '-' || s[7] != '-')
		return false;
	if ((y1 = two(s)) < 0 || (y2 = two(s + 2)) < 0 ||
	    (mon = two(s + 5)) < 0 || (mday = two(s + 8)) < 0)
		return false;
	year = y1 * 100 + y2;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || s[13] != ':' ||
		    (h = two(s + 11)) < 0 || (mi = two(s + 14)) < 0)
			return false;
		if (n > 16 && (n != 19 || s[16] != ':' ||
		    (sec = two(s + 17)) < 0))
			return false;
	}
	if (mon < 1 || mon > 12 || mday < 1 ||
	    mday > days_in_month(year, mon) || h > 23 || mi > 59 || sec > 59)
		return false;
	*out = days_from_civil(year, mon, mday) * 86400 + h * 3600 +
	    mi * 60 + sec;
	return true;
}

char *
scan_format_time(int64_t when, bool has_off, int off_min, char *buf)
{
	int64_t days = when / 86400, rem = when % 86400;
	int32_t year;
	int mon, mday;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &year, &mon, &mday);
	if (year < 0 || year > 9999)
		year = 0;
	/* YYYY-MM-DDTHH:MM:SS, without printf: this runs once per row. */
	fmt_digits(buf, (unsigned)year, 4);
	buf[4] = '-';
	fmt_digits(buf + 5, (unsigned)mon, 2);
	buf[7] = '-';
	fmt_digits(buf + 8, (unsigned)mday, 2);
	buf[10] = 'T';
	fmt_digits(buf + 11, (unsigned)(rem / 3600), 2);
	buf[13] = ':';
	fmt_digits(buf + 14, (unsigned)(rem / 60 % 60), 2);
	buf[16] = ':';
	fmt_digits(buf + 17, (unsigned)(rem % 60), 2);
	buf[19] = '\0';
	if (has_off) {
		int a = off_min < 0 ? -off_min : off_min;

		buf[19] = off_min < 0 ? '-' : '+';
		fmt_digits(buf + 20, (unsigned)(a / 60 % 100), 2);
		buf[22] = ':';
		fmt_digits(buf + 23, (unsigned)(a % 60), 2);
		buf[25] = '\0';
	}
	return buf;
}
