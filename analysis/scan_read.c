/*
 * analysis/scan_read.c - the first stage of a scan: files -> lines ->
 * envelopes -> parsed events, as records (analysis/scan_rec.h).
 *
 * Nothing here needs the year or the caller: that is stage two's
 * (analysis/scan.c).  This stage runs on a thread of its own with -j
 * above 1, so it keeps to its own state and the ring of chunks, and
 * leaves every message to stage two, except the reader's one warning
 * about a damaged file.
 */
#include "analysis/scan_rec.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "io/bigmem.h"
#include "io/parse_courier.h"
#include "io/parse_dovecot.h"
#include "io/parse_exim.h"
#include "io/parse_misc.h"
#include "io/parse_opensmtpd.h"
#include "io/parse_postfix.h"
#include "io/parse_sendmail.h"
#include "io/xalloc.h"

/* The spans a record carries, in a fixed order. */
static void
span_slots(struct envelope *env, struct raw_event *ev,
    struct span *slot[REC_NSPAN])
{
	slot[0] = &env->host;
	slot[1] = &env->tag;
	slot[2] = &env->pid;
	slot[3] = &env->msg;
	slot[4] = &ev->svc_name;
	slot[5] = &ev->account;
	slot[6] = &ev->client_name;
	slot[7] = &ev->queue_id;
	slot[8] = &ev->session;
	slot[9] = &ev->method;
	slot[10] = &ev->status;
	slot[11] = &ev->detail;
}

/*
 * A new span in struct raw_event must be added to span_slots(): the
 * record would otherwise carry a pointer into a line long gone.
 */
_Static_assert(sizeof(struct raw_event) == RAW_EVENT_SIZE,
    "struct raw_event changed: update span_slots() and RAW_EVENT_SIZE");

void
rec_unpack(const struct rec *r, struct envelope *env, struct raw_event *ev)
{
	struct span *slot[REC_NSPAN];
	const char *blob = rec_blob(r);
	size_t i;

	env->t = r->t;
	*ev = r->ev;
	span_slots(env, ev, slot);
	for (i = 0; i < REC_NSPAN; i++) {
		slot[i]->p = r->off[i] == REC_NOSPAN ? NULL : blob + r->off[i];
		slot[i]->len = r->len[i];
	}
}

/* --- the ring ------------------------------------------------------ */

/* publish - hand the chunk being written to stage two. */
static void
publish(struct scan_reader *w)
{
	struct rec_chunk *c = &w->ring[w->prod];

	/* The last event line leaves with its chunk: keep a copy. */
	if (w->last_ev != NULL) {
		sbuf_reset(&w->last_line);
		sbuf_add(&w->last_line, rec_blob(w->last_ev), w->last_ev->line_len);
		w->last_ev = NULL;
	}
	if (w->threaded)
		pthread_mutex_lock(&w->mu);
	c->full = true;
	if (w->rd != NULL)
		c->bytes_out = reader_bytes_out(w->rd);
	w->prod = (w->prod + 1) % w->nchunk;
	w->have_chunk = false;
	w->published = true;
	w->nfull++;
	if (w->threaded) {
		if (w->c_wait && w->nfull >= WAKE_AT)
			pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
}

/*
 * writable - the chunk to write into, once stage two gave it back.  Only
 * taking a new chunk needs the lock: a chunk being written stays ours.
 */
static struct rec_chunk *
writable(struct scan_reader *w)
{
	struct rec_chunk *c = &w->ring[w->prod];

	if (w->have_chunk)
		return c;
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		while (c->full && !w->stop) {
			/* A consumer held back by WAKE_AT must not wait. */
			if (w->c_wait)
				pthread_cond_broadcast(&w->cv);
			w->p_wait = true;
			pthread_cond_wait(&w->cv, &w->mu);
		}
		w->p_wait = false;
		pthread_mutex_unlock(&w->mu);
		if (w->stop)
			return NULL;
	}
	if (c->buf == NULL) {
		/* The whole ring at once: huge pages, few page faults. */
		size_t i;

		w->ring_mem = bigmem_realloc(NULL, w->nchunk, REC_CHUNK);
		for (i = 0; i < w->nchunk; i++)
			w->ring[i].buf = w->ring_mem + i * REC_CHUNK;
	}
	w->have_chunk = true;
	return c;
}

/* reserve - room for a record with blob bytes; NULL when stopping. */
static struct rec *
reserve(struct scan_reader *w, enum rec_kind kind, size_t blob)
{
	size_t need = (sizeof(struct rec) + blob + 7) & ~(size_t)7;
	struct rec_chunk *c;
	struct rec *r;

	if (need > REC_CHUNK)
		abort();	/* lines are capped far below a chunk */
	if ((c = writable(w)) == NULL)
		return NULL;
	if (c->len + need > REC_CHUNK) {
		publish(w);
		if ((c = writable(w)) == NULL)
			return NULL;
	}
	r = (struct rec *)(void *)(c->buf + c->len);
	c->len += need;
	/* ev, off and len are emit_event()'s to fill, and only its. */
	memset(r, 0, offsetof(struct rec, ev));
	r->kind = kind;
	r->size = (uint32_t)need;
	r->blob_len = (uint32_t)blob;
	return r;
}

/* --- records -------------------------------------------------------- */

static bool
same_time(const struct logtime *a, const struct logtime *b)
{
	return a->year == b->year && a->mon == b->mon && a->mday == b->mday &&
	    a->hour == b->hour && a->min == b->min && a->sec == b->sec &&
	    a->has_off == b->has_off && a->off_min == b->off_min;
}

/*
 * emit_time - a line without an event still moves the year walk and the
 * span of time covered.  Consecutive lines with the same stamp share one
 * record.
 */
static void
emit_time(struct scan_reader *w, uint64_t lineno, const struct logtime *t)
{
	struct rec_chunk *c = &w->ring[w->prod];
	struct rec *r;

	if (w->last_time != NULL && !c->full && w->last_time_chunk ==
	    w->prod && w->last_time->lineno + w->last_time->n == lineno &&
	    same_time(&w->last_time->t, t)) {
		w->last_time->n++;
		return;
	}
	if ((r = reserve(w, REC_TIME, 0)) == NULL)
		return;
	r->lineno = lineno;
	r->n = 1;
	r->t = *t;
	w->last_time = r;
	w->last_time_chunk = w->prod;
}

static void
emit_skip(struct scan_reader *w, uint64_t lineno, const char *why)
{
	struct rec *r;

	if ((r = reserve(w, REC_SKIP, 0)) == NULL)
		return;
	r->lineno = lineno;
	r->why = why;
}

static bool
inside(struct span line, struct span s)
{
	return s.p >= line.p && s.p + s.len <= line.p + line.len;
}

/* emit_event - the line and the spans outside it, with the event. */
static struct rec *
emit_event(struct scan_reader *w, enum rec_kind kind, struct span line,
    uint64_t lineno, struct envelope *env, struct raw_event *ev)
{
	struct span *slot[REC_NSPAN];
	size_t i, extra = 0, pos;
	char *blob;
	struct rec *r;

	span_slots(env, ev, slot);
	for (i = 0; i < REC_NSPAN; i++)
		if (slot[i]->p != NULL && !inside(line, *slot[i]))
			extra += slot[i]->len;
	if ((r = reserve(w, kind, line.len + extra)) == NULL)
		return NULL;
	r->lineno = lineno;
	r->t = env->t;
	r->ev = *ev;
	blob = (char *)(r + 1);
	memcpy(blob, line.p, line.len);
	pos = line.len;
	for (i = 0; i < REC_NSPAN; i++) {
		r->len[i] = (uint32_t)slot[i]->len;
		if (slot[i]->p == NULL)
			r->off[i] = REC_NOSPAN;
		else if (inside(line, *slot[i]))
			r->off[i] = (uint32_t)(slot[i]->p - line.p);
		else {
			memcpy(blob + pos, slot[i]->p, slot[i]->len);
			r->off[i] = (uint32_t)pos;
			pos += slot[i]->len;
		}
	}
	return r;
}

static void
emit_file(struct scan_reader *w, enum rec_kind kind,
    const struct rec_file *fi, const char *msg)
{
	size_t mlen = msg != NULL && *msg != '\0' ? strlen(msg) + 1 : 0;
	struct rec *r;

	if ((r = reserve(w, kind, sizeof(*fi) + mlen)) == NULL)
		return;
	memcpy((char *)(r + 1), fi, sizeof(*fi));
	if (mlen > 0)
		memcpy((char *)(r + 1) + sizeof(*fi), msg, mlen);
}

/* --- lines ---------------------------------------------------------- */

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
	if (parse_exim_claims(env))
		return parse_exim(env, ev, why);
	if (parse_sendmail_claims(env->tag))
		return parse_sendmail(env, ev, why);
	if (parse_saslauthd_claims(env->tag))
		return parse_saslauthd(env, ev, why);
	if (parse_opensmtpd_claims(env))
		return parse_opensmtpd(env, ev, why);
	if (parse_courier_claims(env))
		return parse_courier(env, ev, why);
	if (parse_misc_claims(env))		/* by message text: last */
		return parse_misc(env, ev, why);
	return PARSE_IGNORE;
}

/*
 * replay - "last message repeated N times": the previous event line again,
 * parsed afresh; stage two dates it.
 */
static void
replay(struct scan_reader *w, uint64_t lineno, uint32_t n, bool has_at)
{
	struct span copy = w->last_ev != NULL ?
	    span_make(rec_blob(w->last_ev), w->last_ev->line_len) :
	    span_make(w->last_line.buf, w->last_line.len);
	struct envelope env;
	struct raw_event ev;
	const char *why;
	struct rec *r;

	if (envelope_parse(copy.p, copy.len, &env, &why) != ENV_OK ||
	    unwrap_repeat(&env) == 0)
		return;
	if (dispatch(&env, &ev, &why) != PARSE_OK)
		return;
	ev.flags |= EVF_REPEATED;
	if ((r = emit_event(w, REC_REPLAY, copy, lineno, &env, &ev)) != NULL) {
		r->n = n;
		r->has_at = has_at;
	}
}

/* repeat_line - sysklogd's "last message repeated N times" (no tag). */
static bool
repeat_line(struct scan_reader *w, struct span line, uint64_t lineno)
{
	struct logtime t;
	uint32_t n;
	size_t used;
	bool has_at;

	if ((n = last_repeat(line)) == 0)
		return false;
	has_at = logtime_parse(line, &t, &used);
	if (has_at) {
		struct rec *r = reserve(w, REC_RTIME, 0);

		if (r != NULL) {
			r->lineno = lineno;
			r->t = t;
		}
	}
	if (w->last_was_event)
		replay(w, lineno, n, has_at);
	return true;
}

/* one_line - the records of one physical line. */
static void
one_line(struct scan_reader *w, struct span line, uint64_t lineno)
{
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;
	enum env_status es;
	enum parse_status ps;
	uint32_t times;
	struct rec *r;

	if (line.len == 0)
		return;
	es = envelope_parse(line.p, line.len, &env, &why);
	if (es == ENV_BAD || (es == ENV_OK && span_eq(env.tag, "last"))) {
		if (repeat_line(w, line, lineno))
			return;
		emit_skip(w, lineno, why != NULL ? why : "no syslog envelope");
		w->last_was_event = false;
		return;
	}
	if (es != ENV_OK) {
		w->last_was_event = false;
		return;
	}
	if ((times = unwrap_repeat(&env)) == 0) {
		emit_time(w, lineno, &env.t);
		emit_skip(w, lineno, "malformed 'message repeated' record");
		w->last_was_event = false;
		return;
	}
	/* Each parser clears the event first; no need to here. */
	if ((ps = dispatch(&env, &ev, &why)) != PARSE_OK) {
		emit_time(w, lineno, &env.t);
		if (ps == PARSE_BAD)
			emit_skip(w, lineno, why != NULL ? why :
			    "record not understood");
		w->last_was_event = false;
		return;
	}
	if (times > 1)
		ev.flags |= EVF_REPEATED;
	w->last_was_event = true;
	if ((r = emit_event(w, REC_EVENT, line, lineno, &env, &ev)) != NULL) {
		r->n = times;
		r->line_len = (uint32_t)line.len;
		w->last_ev = r;
	}
}

/* --- files ---------------------------------------------------------- */

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

/* open_next - the next file of the list, announced with its facts. */
static void
open_next(struct scan_reader *w)
{
	const struct source_file *sf = &w->files->v[w->next_file];
	struct sbuf err = SBUF_INIT;
	struct rec_file fi;

	memset(&fi, 0, sizeof(fi));
	w->lines = 0;
	if (same_file(w->files, w->next_file)) {
		fi.status = FILE_SAME;
		emit_file(w, REC_BEGIN, &fi, NULL);
	} else if ((w->rd = reader_open(sf->path, sf->name, &err)) == NULL) {
		fi.status = FILE_UNREADABLE;
		emit_file(w, REC_BEGIN, &fi, err.buf);
	} else {
		reader_defer_warnings(w->rd);
		if (w->prefetch)
			reader_prefetch(w->rd);
		fi.comp = reader_compression(w->rd);
		fi.gz_mtime = reader_gzip_mtime(w->rd);
		fi.has_mtime = reader_file_mtime(w->rd, &fi.mtime);
		emit_file(w, REC_BEGIN, &fi, NULL);
	}
	sbuf_release(&err);
	sbuf_reset(&w->last_line);
	w->last_ev = NULL;
	w->last_was_event = false;
	w->last_time = NULL;
	w->next_file++;
}

/* close_file - the file's counts, then the reader goes. */
static void
close_file(struct scan_reader *w)
{
	struct rec_file fi;

	memset(&fi, 0, sizeof(fi));
	fi.status = FILE_OK;
	fi.lines = w->lines;
	fi.overlong = reader_overlong(w->rd);
	fi.bytes_in = reader_bytes_in(w->rd);
	fi.bytes_out = reader_bytes_out(w->rd);
	fi.damaged = reader_damaged(w->rd);
	fi.size = reader_file_size(w->rd);
	emit_file(w, REC_END, &fi, reader_warnings(w->rd));
	reader_free(w->rd);
	w->rd = NULL;
	w->last_time = NULL;
}

/* step - one line or one file boundary; false when all is read. */
static bool
step(struct scan_reader *w)
{
	struct span line;
	uint64_t lineno;

	if (w->rd == NULL) {
		if (w->next_file >= w->files->n)
			return false;
		open_next(w);
		return true;
	}
	if (reader_next(w->rd, &line, &lineno) == 1) {
		w->lines++;
		one_line(w, line, lineno);
	} else
		close_file(w);
	return true;
}

/* finish - the last chunk out, even when short. */
static void
finish(struct scan_reader *w)
{
	if (w->ring[w->prod].len > 0)
		publish(w);
	if (w->threaded)
		pthread_mutex_lock(&w->mu);
	w->all_done = true;
	if (w->threaded) {
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
}

static void *
run(void *arg)
{
	struct scan_reader *w = arg;

	while (!w->stop && step(w))
		;
	if (!w->stop)
		finish(w);
	return NULL;
}

void
scan_read_start(struct scan_reader *w, const struct source_list *l,
    bool threaded, bool prefetch)
{
	memset(w, 0, sizeof(*w));
	w->files = l;
	w->prefetch = prefetch;
	/* In place, one chunk is read while the next is written: two do. */
	w->nchunk = threaded ? REC_NCHUNK : 2;
	sbuf_init(&w->last_line);
	if (!threaded || pthread_mutex_init(&w->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return;
	}
	w->threaded = true;
	if (pthread_create(&w->thr, NULL, run, w) != 0) {
		w->threaded = false;
		w->nchunk = 2;
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
	}
}

struct rec_chunk *
scan_read_next(struct scan_reader *w)
{
	struct rec_chunk *c = &w->ring[w->cons];

	if (!w->threaded) {
		w->published = false;
		while (!c->full && !w->all_done) {
			if (!step(w))
				finish(w);
		}
		return c->full ? c : NULL;
	}
	pthread_mutex_lock(&w->mu);
	while (!c->full && !w->all_done) {
		if (w->p_wait)
			pthread_cond_broadcast(&w->cv);
		w->c_wait = true;
		pthread_cond_wait(&w->cv, &w->mu);
	}
	w->c_wait = false;
	pthread_mutex_unlock(&w->mu);
	return c->full ? c : NULL;
}

void
scan_read_done(struct scan_reader *w, struct rec_chunk *c)
{
	if (w->threaded)
		pthread_mutex_lock(&w->mu);
	c->len = 0;
	c->full = false;
	w->cons = (w->cons + 1) % w->nchunk;
	w->nfull--;
	if (w->threaded) {
		if (w->p_wait && w->nchunk - w->nfull >= WAKE_AT)
			pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
}

void
scan_read_stop(struct scan_reader *w)
{
	size_t i;

	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thr, NULL);
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
	}
	reader_free(w->rd);
	w->rd = NULL;
	bigmem_free(w->ring_mem);
	w->ring_mem = NULL;
	for (i = 0; i < REC_NCHUNK; i++)
		w->ring[i].buf = NULL;
	sbuf_release(&w->last_line);
}
