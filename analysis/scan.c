/*
 * analysis/scan.c - the read pipeline shared by every subcommand.
 *
 * For each file of the ordered list: open it (io/reader), decide where its
 * year walk starts (io/yearinfer: the file's own anchor, the previous
 * file's end, --year), split each line's envelope (io/envelope), unwrap
 * rsyslog repeat records, dispatch on the tag to the mail-system
 * parser, drop lines that the previous file already delivered (copytruncate
 * overlaps, a rotated file next to its dateext twin), apply the time
 * window and hand each event to the caller.  Bad lines are counted per
 * file, the first ten shown with their file:line, never fatal.
 */
#include "analysis/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/intern.h"
#include "analysis/scan_rec.h"
#include "analysis/sessjoin.h"
#include "io/bigmem.h"
#include "io/diag.h"
#include "io/numfmt.h"
#include "io/xalloc.h"
#include "io/yearinfer.h"

#define SHOW_SKIPS	10

/*
 * The event lines of one file, as 64-bit hashes and times in file order,
 * and the latest time among them.  Appending is sequential and cheap.
 * When the next file starts before this one ended (plus the slack), the
 * lines of this file at or after the next file's first time, less the
 * slack, are sorted by hash, and the next file's early lines are looked up
 * among them, each copy used once (a multiset).  Sorting only that tail
 * keeps the seam cheap: a whole week of hashes took 7% of a run.
 */
struct dupset {
	uint64_t	*h;
	int64_t		*t;
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
	const char		*site;		/* host sub-folder, or NULL */
	struct rec_file		 info;		/* what stage one knew */
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
	bool			 last_event_ok;	/* a replay has a date */
	uint64_t		 bad_date_line;	/* its later skips are one */
	int64_t			 pending_at;	/* time of the repeat line */
	uint64_t		 unmapped_warned;
	struct sessjoin		*join;		/* session -> address */
	/* The last date turned into seconds (day_mon 0: none yet). */
	int32_t			 day_year;
	uint8_t			 day_mon, day_mday;
	int64_t			 day_start;
};

static void
dupset_release(struct dupset *d)
{
	bigmem_free(d->h);
	bigmem_free(d->t);
	free(d->taken);
	memset(d, 0, sizeof(*d));
	d->last = INT64_MIN;
}

/*
 * dupset_clear - empty, keeping the arrays: the next file fills them
 * again, and growing them afresh each file cost page faults and copies.
 */
static void
dupset_clear(struct dupset *d)
{
	free(d->taken);
	d->taken = NULL;
	d->n = 0;
	d->last = INT64_MIN;
	d->sorted = false;
}

static void
dupset_add(struct dupset *d, uint64_t h, int64_t when)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? st_mult(d->cap, 2) : 4096;
		d->h = bigmem_realloc(d->h, d->cap, sizeof(*d->h));
		d->t = bigmem_realloc(d->t, d->cap, sizeof(*d->t));
	}
	d->t[d->n] = when;
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
 * dupset_sort_tail - keep the hashes of lines at or after from, sorted.
 * Lines of the next file earlier than that are not looked up as copies.
 */
static void
dupset_sort_tail(struct dupset *d, int64_t from)
{
	size_t i, k = 0;

	for (i = 0; i < d->n; i++)
		if (d->t[i] >= from)
			d->h[k++] = d->h[i];
	d->n = k;
	qsort(d->h, d->n, sizeof(*d->h), cmp_u64);
	d->taken = xcalloc(d->n > 0 ? d->n : 1, 1);
	d->sorted = true;
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
	if (!d->sorted)
		dupset_sort_tail(d, when - OVERLAP_SLACK);
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
	} else if ((gz = fc->info.gz_mtime) != 0)
		year_anchor_from_epoch(&fc->own, ANCHOR_GZIP_MTIME, gz);
	else if (fc->info.comp == COMP_NONE && fc->info.has_mtime) {
		mtime = fc->info.mtime;
		year_anchor_from_epoch(&fc->own, ANCHOR_MTIME, mtime);
	}
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

	if (fc->info.comp != COMP_NONE || strcmp(sf->path, "-") == 0)
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
	/* Most lines are of the day before them: skip the calendar. */
	if (t->mon == fc->day_mon && t->mday == fc->day_mday &&
	    year == fc->day_year) {
		if (t->hour > 23 || t->min > 59 || t->sec > 60)
			return false;
		*when = fc->day_start + t->hour * 3600 + t->min * 60 + t->sec;
		return true;
	}
	if (!logtime_civil(t, year, when))
		return false;
	fc->day_year = year;
	fc->day_mon = t->mon;
	fc->day_mday = t->mday;
	fc->day_start = *when - (t->hour * 3600 + t->min * 60 + t->sec);
	return true;
}

/* resolve_service - the reported name of the event's service. */
static const char *
resolve_service(struct filectx *fc, const struct raw_event *ev,
    const struct envelope *env)
{
	const struct scan_opts *o = fc->opts;
	struct span tag = env->tag;
	ptrdiff_t slash;
	size_t i;

	/* Most runs have no map: no search of the tag on every event. */
	if (o->nsmap > 0 && (slash = SPAN_RFIND_LIT(tag, "/")) > 0) {
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
	uint64_t over = fc->info.overlong;

	if (fc->skipped > 0)
		diag_warn(fc->name, 0, "%llu lines skipped (%llu shown), "
		    "%llu over-long", (unsigned long long)fc->skipped,
		    (unsigned long long)fc->shown, (unsigned long long)over);
	else if (over > 0)
		diag_warn(fc->name, 0, "%llu over-long lines cut at %d bytes",
		    (unsigned long long)over, READER_LINE_CAP);
	diag_info("%s: %s, %llu lines, year anchor: %s", fc->name,
	    reader_comp_name(fc->info.comp), (unsigned long long)lines,
	    anchor_kind_name(fc->own.kind));
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
show_progress(const struct progress *pg, uint64_t file_out,
    const struct scan_stats *st)
{
	double secs = elapsed(pg), rate, left = 0, done;
	uint64_t out = st->bytes_out + file_out;

	rate = secs > 0 ? (double)out / 1e6 / secs : 0;
	done = (double)pg->done_in;
	if (done > 0 && pg->total_in > pg->done_in)
		left = secs * ((double)pg->total_in - done) / done;
	diag_progress("files %zu/%zu, %.0f MB read, %.0f MB/s, %d:%02d left",
	    pg->done_files + 1, pg->nfiles, (double)out / 1e6, rate,
	    (int)left / 60, (int)left % 60);
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

/* The state of stage two across files. */
struct run {
	const struct source_list *l;
	const struct scan_opts	*o;
	scan_fn			 fn;
	void			*arg;
	struct scan_stats	*st;
	struct filectx		 fc;
	bool			 in_file;
	size_t			 file;		/* index of the next file */
	struct dupset		 sets[2];
	size_t			 k;
	bool			 have_prev;
	struct year_walk	 walk;
	struct sessjoin		 join;
	struct progress		 pg_own;
	struct progress		*pg;		/* pg_own, or the merge's */
	uint64_t		 recs;
	char			 family[4096];	/* folder/stem of the last set */

	/* The event being passed on (env and ev point into a held chunk). */
	struct envelope		 env;
	struct raw_event	 ev;
	struct scan_event	 se;

	/* Merging several rotated sets in time order (merge_run). */
	bool			 hold;		/* keep the event for the merge */
	bool			 pending;	/* se holds a kept event */
	bool			 timed;		/* at holds a line's time */
	int64_t			 at;
	bool			 done;
	struct source_list	 sub;		/* this set's files (copies:
						   the list owns them) */
	struct scan_reader	 rd;
	struct rec_chunk	*c;		/* whose records are read (in
						   single_run() too) */
	size_t			 pos;
};

/*
 * family_key - "folder/stem" of the rotated set sf belongs to, in buf;
 * false for a file of no known family (standard input, an odd name).
 */
static bool
family_key(const struct source_file *sf, char *buf, size_t size)
{
	const char *slash = strrchr(sf->path, '/');
	const char *base = slash != NULL ? slash + 1 : sf->path, *stem;
	int32_t dateext;
	uint32_t rot;

	if ((stem = source_name_info(base, &dateext, &rot)) == NULL)
		return false;
	snprintf(buf, size, "%.*s/%s", slash != NULL ?
	    (int)(slash - sf->path) : 0, sf->path, stem);
	return true;
}

/*
 * new_family - true when sf starts another rotated set than the file
 * before: another folder or another family.  The year walk and the
 * duplicate check then start afresh.  Files of no known family continue
 * the set before them.
 */
static bool
new_family(struct run *rn, const struct source_file *sf)
{
	char key[sizeof(rn->family)];
	bool changed;

	if (!family_key(sf, key, sizeof(key)))
		return false;
	changed = rn->family[0] != '\0' && strcmp(key, rn->family) != 0;
	memcpy(rn->family, key, sizeof(key));
	return changed;
}

/* emit - the window and the caller, for an event with its time. */
static int
emit(struct run *rn, const struct envelope *env, const struct raw_event *ev,
    int64_t when, uint64_t lineno, uint32_t count)
{
	const struct scan_opts *o = rn->o;
	struct scan_event se;

	rn->st->events++;
	if ((o->has_since && when < o->since) ||
	    (o->has_until && when >= o->until))
		return 0;
	se.ev = ev;
	se.env = env;
	se.when = when;
	se.service = resolve_service(&rn->fc, ev, env);
	se.file = rn->fc.name;
	se.site = rn->fc.site;
	se.line = lineno;
	se.count = count;
	rn->st->emitted++;
	if (rn->hold) {
		rn->se = se;
		rn->pending = true;
		return 0;
	}
	return rn->fn(&se, rn->arg);
}

/*
 * mark_time - a line's time, for the span and the longest silence.  When
 * sets are merged it waits for the merge, like an event: a set reads
 * ahead of the others, and a silence is one only when every set is
 * silent.
 */
static void
mark_time(struct run *rn, int64_t when)
{
	if (!rn->hold) {
		note_time(rn->st, when);
		return;
	}
	rn->timed = true;
	rn->at = when;
}

/* on_time - lines without an event: the walk and the span of time. */
static void
on_time(struct run *rn, const struct rec *r)
{
	struct filectx *fc = &rn->fc;
	int64_t when;
	uint32_t i;

	if (!line_when(fc, &r->t, &when)) {
		for (i = 0; i < r->n; i++)
			skip(fc, r->lineno + i, "date does not exist in the "
			    "inferred year");
		fc->bad_date_line = r->lineno + r->n - 1;
		return;
	}
	mark_time(rn, when);
}

/* on_event - an event line: date, duplicates, window, caller. */
static int
on_event(struct run *rn, const struct rec *r)
{
	struct filectx *fc = &rn->fc;
	struct envelope *env = &rn->env;
	struct raw_event *ev = &rn->ev;
	uint64_t c;
	int64_t when;

	if (!line_when(fc, &r->t, &when)) {
		skip(fc, r->lineno, "date does not exist in the inferred year");
		fc->bad_date_line = r->lineno;
		fc->last_event_ok = false;
		return 0;
	}
	fc->last_event_ok = true;
	mark_time(rn, when);
	rec_unpack(rn->c, r, env, ev);
	sessjoin_apply(fc->join, env, ev, when);
	if (dupset_take(fc->prev, r->u.hash, when)) {
		rn->st->duplicates++;
		return 0;
	}
	dupset_add(fc->cur, r->u.hash, when);
	c = r->n > 1 ? (uint64_t)ev->count * r->n : ev->count;
	if (c > EV_COUNT_MAX) {
		skip(fc, r->lineno, "repeats times attempts over 1000000");
		return 0;
	}
	return emit(rn, env, ev, when, r->lineno, (uint32_t)c);
}

/* on_replay - "last message repeated N times": the copy, N times. */
static int
on_replay(struct run *rn, const struct rec *r)
{
	struct filectx *fc = &rn->fc;
	struct envelope *env = &rn->env;
	struct raw_event *ev = &rn->ev;
	int64_t when;

	if (!fc->last_event_ok)
		return 0;
	rec_unpack(rn->c, r, env, ev);
	if (!logtime_civil(&env->t, fc->walk.year, &when))
		return 0;
	if (env->t.year != 0)
		(void)logtime_civil(&env->t, env->t.year, &when);
	if (r->has_at && fc->pending_at != INT64_MIN)
		when = fc->pending_at;
	sessjoin_apply(fc->join, env, ev, when);
	return emit(rn, env, ev, when, r->lineno, r->n);
}

/* on_begin - a file starts: its anchor and where its year walk starts. */
static void
on_begin(struct run *rn, const struct rec *r)
{
	const struct source_file *sf = &rn->l->v[rn->file];
	struct filectx *fc = &rn->fc;

	memset(fc, 0, sizeof(*fc));
	memcpy(&fc->info, rec_blob(r), sizeof(fc->info));
	fc->opts = rn->o;
	fc->name = sf->name;
	fc->site = sf->site;
	fc->st = rn->st;
	fc->join = &rn->join;
	if (fc->info.status == FILE_SAME) {
		diag_info("%s: skipped: the same file as one read before",
		    sf->name);
		rn->file++;
		return;
	}
	if (fc->info.status == FILE_UNREADABLE) {
		diag_error(NULL, 0, "%s; its lines are missing from the "
		    "report", rec_blob(r) + sizeof(struct rec_file));
		rn->st->unreadable++;
		rn->file++;
		return;
	}
	rn->in_file = true;
	if (new_family(rn, sf)) {
		rn->have_prev = false;
		dupset_release(&rn->sets[0]);
		dupset_release(&rn->sets[1]);
	}
	file_anchor(fc, sf);
	fc->have_prev = rn->have_prev;
	fc->walk = rn->walk;
	if (!rn->have_prev && rn->o->year == 0)
		prescan(fc, sf);
	fc->prev = &rn->sets[(rn->k + 1) % 2];
	fc->cur = &rn->sets[rn->k % 2];
	rn->k++;
}

/* print_kept - the reader's warnings, one per line, kept by stage one. */
static void
print_kept(const char *name, const char *text)
{
	const char *nl;

	for (; *text != '\0'; text = nl + 1) {
		if ((nl = strchr(text, '\n')) == NULL)
			break;
		diag_warn(name, 0, "%.*s", (int)(nl - text), text);
	}
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
	const struct rec_file *fi = &fc->info;

	if (fi->comp != COMP_NONE || fi->damaged || fi->bytes_in >= fi->size)
		return;
	diag_warn(fc->name, 0, "the file shrank while it was read (truncated "
	    "by log rotation?): %llu of %llu bytes read, the rest is missing",
	    (unsigned long long)fi->bytes_in, (unsigned long long)fi->size);
	fc->st->damaged++;
}

/* on_end - a file ends: checks, summary, counts. */
static void
on_end(struct run *rn, const struct rec *r)
{
	struct filectx *fc = &rn->fc;

	memcpy(&fc->info, rec_blob(r), sizeof(fc->info));
	if (r->blob_len > sizeof(fc->info))
		print_kept(fc->name, rec_blob(r) + sizeof(fc->info));
	check_end(fc);
	check_shrunk(fc);
	file_summary(fc, fc->info.lines);
	rn->st->lines += fc->info.lines;
	rn->st->skipped += fc->skipped;
	rn->st->overlong += fc->info.overlong;
	rn->st->bytes_in += fc->info.bytes_in;
	rn->st->bytes_out += fc->info.bytes_out;
	if (fc->info.damaged)
		rn->st->damaged++;
	if (fc->started) {
		rn->walk = fc->walk;
		rn->have_prev = true;
	}
	rn->pg->done_in += fc->info.bytes_in;
	rn->pg->done_files++;
	rn->st->files++;
	dupset_clear(fc->prev);
	rn->in_file = false;
	rn->file++;
}

/* on_record - one record of stage one. */
static int
on_record(struct run *rn, const struct rec *r)
{
	struct filectx *fc = &rn->fc;
	int64_t at;

	switch ((enum rec_kind)r->kind) {
	case REC_BEGIN:
		on_begin(rn, r);
		return 0;
	case REC_END:
		on_end(rn, r);
		return 0;
	case REC_TIME:
		on_time(rn, r);
		return 0;
	case REC_EVENT:
		return on_event(rn, r);
	case REC_RTIME:
		fc->pending_at = line_when(fc, &r->t, &at) ? at : INT64_MIN;
		return 0;
	case REC_REPLAY:
		return on_replay(rn, r);
	case REC_SKIP:
		if (r->lineno != fc->bad_date_line)
			skip(fc, r->lineno, r->u.why);
		return 0;
	}
	return 0;
}

/*
 * run_new - the state of stage two over the files of l; its progress is
 * pg when that is given (several sets share the merge's).
 */
static struct run *
run_new(const struct source_list *l, const struct scan_opts *o,
    scan_fn fn, void *arg, struct scan_stats *st, struct progress *pg)
{
	struct run *rn = xcalloc(1, sizeof(*rn));

	rn->l = l;
	rn->o = o;
	rn->fn = fn;
	rn->arg = arg;
	rn->st = st;
	rn->sets[0].last = rn->sets[1].last = INT64_MIN;
	sessjoin_init(&rn->join);
	if ((rn->pg = pg) == NULL) {
		progress_init(&rn->pg_own, l);
		rn->pg = &rn->pg_own;
	}
	return rn;
}

static void
run_free(struct run *rn)
{
	dupset_release(&rn->sets[0]);
	dupset_release(&rn->sets[1]);
	sessjoin_release(&rn->join);
	free(rn);
}

/* single_run - one rotated set: stage one ahead, in file order. */
static int
single_run(struct run *rn, int jobs)
{
	struct scan_reader rd;
	struct rec_chunk *c;
	const struct rec *r;
	size_t pos;
	int rc = 0;

	/*
	 * -j N: N parse workers, besides this thread, the dispatcher and
	 * the inflater.
	 */
	scan_read_start(&rd, rn->l, jobs > 1 ? (size_t)jobs : 0, jobs > 1,
	    rn->o->batch_lines);
	while (rc == 0 && (c = scan_read_next(&rd)) != NULL) {
		rn->c = c;
		for (pos = 0; rc == 0 && pos < c->len; pos += r->size) {
			r = (const struct rec *)(const void *)(c->buf + pos);
			rc = on_record(rn, r);
		}
		if (diag_progress_enabled() && rn->in_file)
			show_progress(rn->pg, c->bytes_out, rn->st);
		scan_read_done(&rd, c);
		rn->c = NULL;
	}
	scan_read_stop(&rd);
	return rc;
}

/*
 * advance - read one set's records until it has an event to pass on, a
 * line's time to note, or ends.  The chunk of a kept event stays held
 * until the next call.
 */
static int
advance(struct run *rn)
{
	const struct rec *r;
	int rc;

	while (!rn->pending && !rn->timed && !rn->done) {
		if (rn->c == NULL) {
			if ((rn->c = scan_read_next(&rn->rd)) == NULL) {
				rn->done = true;
				break;
			}
			rn->pos = 0;
		}
		if (rn->pos >= rn->c->len) {
			scan_read_done(&rn->rd, rn->c);
			rn->c = NULL;
			continue;
		}
		r = (const struct rec *)(const void *)(rn->c->buf + rn->pos);
		rn->pos += r->size;
		if ((rc = on_record(rn, r)) != 0)
			return rc;
	}
	return 0;
}

/* next_time - when a set's waiting time or event is (the same if both). */
static int64_t
next_time(const struct run *rn)
{
	return rn->timed ? rn->at : rn->se.when;
}

/*
 * group_sets - the rotated sets of l: files of one family, wherever they
 * stand in the list (files named in the order maillog.1 mainlog.1
 * maillog mainlog are two sets, not four), numbered in the order their
 * families first appear; a file of no known family goes with the file
 * before it.  set_of[i], when given, is the set of file i.  Returns the
 * number of sets.
 */
static size_t
group_sets(const struct source_list *l, size_t *set_of)
{
	char key[4096], (*keys)[4096] = NULL;
	size_t i, k, n = 0, cap = 0, cur = 0;

	for (i = 0; i < l->n; i++) {
		if (!family_key(&l->v[i], key, sizeof(key))) {
			if (i > 0) {
				if (set_of != NULL)
					set_of[i] = cur;
				continue;	/* goes with the file before */
			}
			key[0] = '\0';
		}
		for (k = 0; k < n && strcmp(keys[k], key) != 0; k++)
			;
		if (k == n) {
			if (n == cap) {
				cap = cap ? st_mult(cap, 2) : 8;
				keys = xreallocarray(keys, cap, sizeof(*keys));
			}
			memcpy(keys[n++], key, sizeof(key));
		}
		cur = k;
		if (set_of != NULL)
			set_of[i] = cur;
	}
	free(keys);
	return n;
}

/*
 * room_for_files - each merged set keeps a file open: raise the limit of
 * open files toward the hard one when nsets would not fit, and say so
 * when even that is too few.
 */
static void
room_for_files(size_t nsets)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)nsets + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
	    want : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < want)
		diag_warn(NULL, 0, "%zu rotated sets are read at once, but "
		    "only %llu files may be open (ulimit -n): the sets past "
		    "that cannot be read", nsets,
		    (unsigned long long)rl.rlim_cur);
}

/*
 * merge_run - several rotated sets (per-host folders, Exim's mainlog next
 * to maillog): each is dated and checked for duplicates on its own, and
 * their events are passed on in time order, the earlier set first on a
 * tie.  Stage one of each set works in place, one batch at a time, so
 * that memory stays a few megabytes a set and the order is the same with
 * any -j.  XXX: a linear pick per event; hundreds of sets would want a
 * heap.
 */
static int
merge_run(const struct source_list *l, const struct scan_opts *o,
    scan_fn fn, void *arg, struct scan_stats *st, size_t nsets)
{
	size_t *set_of = xcalloc(l->n, sizeof(*set_of)), i, best;
	struct run **set = xcalloc(nsets, sizeof(*set));
	struct progress pg;
	uint64_t picks = 0;
	int rc = 0;

	group_sets(l, set_of);
	room_for_files(nsets);
	progress_init(&pg, l);
	for (i = 0; i < nsets; i++)
		set[i] = run_new(l, o, fn, arg, st, &pg);
	/* Each set's files, in list order: shallow copies, l owns them. */
	for (i = 0; i < l->n; i++) {
		struct source_list *sub = &set[set_of[i]]->sub;

		if (sub->n == sub->cap) {
			sub->cap = sub->cap ? st_mult(sub->cap, 2) : 8;
			sub->v = xreallocarray(sub->v, sub->cap,
			    sizeof(*sub->v));
		}
		sub->v[sub->n++] = l->v[i];
	}
	for (i = 0; i < nsets; i++) {
		set[i]->l = &set[i]->sub;
		set[i]->hold = true;
		scan_read_start(&set[i]->rd, &set[i]->sub, 0, false,
		    o->batch_lines);
	}
	while (rc == 0) {
		best = nsets;
		for (i = 0; i < nsets && rc == 0; i++) {
			rc = advance(set[i]);
			if ((set[i]->pending || set[i]->timed) &&
			    (best == nsets || next_time(set[i]) <
			    next_time(set[best])))
				best = i;
		}
		if (rc != 0 || best == nsets)
			break;
		if (++picks % 65536 == 0 && diag_progress_enabled())
			show_progress(&pg, 0, st);
		if (set[best]->timed) {
			note_time(st, set[best]->at);
			set[best]->timed = false;
		}
		if (set[best]->pending) {
			set[best]->pending = false;
			rc = fn(&set[best]->se, arg);
		}
	}
	for (i = 0; i < nsets; i++) {
		scan_read_stop(&set[i]->rd);
		free(set[i]->sub.v);
		run_free(set[i]);
	}
	free(set);
	free(set_of);
	return rc;
}

int
scan_run(const struct source_list *l, const struct scan_opts *o,
    scan_fn fn, void *arg, struct scan_stats *st)
{
	struct run *rn;
	size_t nsets = group_sets(l, NULL);
	int rc;

	memset(st, 0, sizeof(*st));
	if (nsets > 1)
		rc = merge_run(l, o, fn, arg, st, nsets);
	else {
		rn = run_new(l, o, fn, arg, st, NULL);
		rc = single_run(rn, scan_jobs(o));
		run_free(rn);
	}
	diag_progress_done();
	return rc;
}

int
scan_jobs(const struct scan_opts *o)
{
	long n;

	if (o->jobs > 0)
		return o->jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	/*
	 * Past a few parse workers the main thread is the limit, and each
	 * worker holds two batches of records (a few MB): by default, no
	 * more than DEFAULT_JOBS.
	 */
	return n < 1 ? 1 : n > DEFAULT_JOBS ? DEFAULT_JOBS : (int)n;
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
