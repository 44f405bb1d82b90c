/*
 * analysis/scan_read.c - the first stage of a scan: files -> lines ->
 * envelopes -> parsed events, as records (analysis/scan_rec.h).
 *
 * Nothing here needs the year or the caller: that is stage two's
 * (analysis/scan.c).  With -j above 1 this stage runs on threads of its
 * own: the dispatcher copies batch after batch of lines out of the reader
 * (the dispatcher's state in struct scan_reader is only its), and the
 * workers parse them, each with a state of its own (struct pstate).
 * Every message is left to stage two, except the reader's one warning
 * about a damaged file, which is deferred to the file's end.
 */
#include "analysis/scan_rec.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/intern.h"
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
	slot[3] = &ev->svc_name;
	slot[4] = &ev->account;
	slot[5] = &ev->client_name;
	slot[6] = &ev->queue_id;
	slot[7] = &ev->session;
	slot[8] = &ev->method;
	slot[9] = &ev->status;
	slot[10] = &ev->detail;
}

/*
 * A new field in struct raw_event must be added to span_slots() (a span)
 * or to struct rec_ev and REC_EV_SAME (any other): the record would
 * otherwise lose it, or carry a pointer into a line long gone.
 */
_Static_assert(sizeof(struct raw_event) == RAW_EVENT_SIZE,
    "struct raw_event changed: update span_slots(), struct rec_ev and "
    "RAW_EVENT_SIZE");
_Static_assert(REC_NSPAN <= 16, "struct rec's spans has 16 bits");
_Static_assert(2 * (BATCH_TEXT + READER_LINE_CAP) < REC_IN_TEXT,
    "a batch's text outgrows a rec_span offset");

/* The fields struct rec_ev keeps as they are (the enums go as uint32_t). */
#define REC_EV_SAME(X) \
	X(count) X(auth_ok) X(auth_total) X(flags) X(nrcpt) X(has_ip) X(ip)

static void
rec_ev_pack(struct rec_ev *p, const struct raw_event *ev)
{
#define TO_REC(f)	p->f = ev->f;
	p->kind = (uint32_t)ev->kind;
	p->service = (uint32_t)ev->service;
	REC_EV_SAME(TO_REC)
#undef TO_REC
}

void
rec_unpack(const struct rec_chunk *c, const struct rec *r,
    struct envelope *env, struct raw_event *ev)
{
	const struct rec_ev *p = rec_ev_of(r);
	const struct rec_span *sp = rec_spans(r);
	struct span *slot[REC_NSPAN];
	const char *blob = rec_blob(r);
	size_t i;

	env->t = r->t;
	env->msg = SPAN_NULL;
#define FROM_REC(f)	ev->f = p->f;
	ev->kind = (enum ev_kind)p->kind;
	ev->service = (enum ev_service)p->service;
	REC_EV_SAME(FROM_REC)
#undef FROM_REC
	span_slots(env, ev, slot);
	for (i = 0; i < REC_NSPAN; i++)
		if (r->spans & (1u << i)) {
			slot[i]->p = sp->off & REC_IN_TEXT ?
			    c->text + (sp->off & ~REC_IN_TEXT) : blob + sp->off;
			slot[i]->len = sp->len;
			sp++;
		} else
			*slot[i] = SPAN_NULL;
}

/* --- records ------------------------------------------------------- */

#define NOREC	SIZE_MAX

/* What a worker knows while it parses one batch. */
struct pstate {
	struct rec_chunk *out;
	const char	*text;		/* the batch's lines */
	size_t		 text_len;
	struct span	 last_line;	/* the last event line: in the batch's
					   text, or its context line */
	bool		 last_was_event;
	size_t		 last_time;	/* a TIME record that may grow */
};

static struct rec *
at(const struct pstate *ps, size_t off)
{
	return (struct rec *)(void *)(ps->out->buf + off);
}

/*
 * room - *buf (of *cap bytes, NULL at first) made to hold need bytes:
 * first bytes at first, doubled as often as it takes.
 */
static void
room(char **buf, size_t *cap, size_t need, size_t first)
{
	size_t c = *cap > 0 ? *cap : first;

	if (*buf != NULL && need <= *cap)
		return;
	while (need > c)
		c = st_mult(c, 2);
	/* bigmem_realloc() aborts rather than fail. */
	*buf = bigmem_realloc(*buf, c, 1);
	*cap = c;
}

/* reserve - room in the batch's records for one with blob bytes. */
static struct rec *
reserve(struct pstate *ps, enum rec_kind kind, size_t blob)
{
	size_t need = (sizeof(struct rec) + blob + 7) & ~(size_t)7;
	struct rec_chunk *c = ps->out;
	struct rec *r;

	room(&c->buf, &c->cap, c->len + need, 2 * BATCH_TEXT_1);
	r = (struct rec *)(void *)(c->buf + c->len);
	c->len += need;
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->size = (uint32_t)need;
	r->blob_len = (uint32_t)blob;
	return r;
}

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
emit_time(struct pstate *ps, uint64_t lineno, const struct logtime *t)
{
	struct rec *r;

	if (ps->last_time != NOREC) {
		r = at(ps, ps->last_time);
		if (r->lineno + r->n == lineno && same_time(&r->t, t)) {
			r->n++;
			return;
		}
	}
	ps->last_time = ps->out->len;
	r = reserve(ps, REC_TIME, 0);
	r->lineno = lineno;
	r->n = 1;
	r->t = *t;
}

static void
emit_skip(struct pstate *ps, uint64_t lineno, const char *why)
{
	struct rec *r = reserve(ps, REC_SKIP, 0);

	r->lineno = lineno;
	r->u.why = why;
}

/*
 * emit_event - the event, its spans as offsets into the batch's text, and
 * the bytes of those that are elsewhere (a context line's).  The spans
 * must not point into the batch's records: reserve() may move them.
 */
static struct rec *
emit_event(struct pstate *ps, enum rec_kind kind, uint64_t lineno,
    struct envelope *env, struct raw_event *ev)
{
	struct span *slot[REC_NSPAN];
	uint32_t off[REC_NSPAN];
	struct rec_ev *e;
	struct rec_span *sp;
	size_t i, nspan = 0, blen = 0;
	uint16_t spans = 0, copied = 0;
	uintptr_t at;
	char *blob;
	struct rec *r;

	span_slots(env, ev, slot);
	for (i = 0; i < REC_NSPAN; i++) {
		if (slot[i]->p == NULL)
			continue;
		spans |= (uint16_t)(1u << i);
		nspan++;
		/* In the text: at and the length fit in it (at wraps below). */
		at = (uintptr_t)slot[i]->p - (uintptr_t)ps->text;
		if (slot[i]->len <= ps->text_len &&
		    at <= ps->text_len - slot[i]->len)
			off[i] = (uint32_t)at | REC_IN_TEXT;
		else {
			copied |= (uint16_t)(1u << i);
			off[i] = (uint32_t)blen;
			blen += slot[i]->len;
		}
	}
	r = reserve(ps, kind, sizeof(struct rec_ev) +
	    nspan * sizeof(struct rec_span) + blen);
	r->spans = spans;
	r->lineno = lineno;
	r->t = env->t;
	/* The layout rec_ev_of(), rec_spans() and rec_blob() read. */
	e = (struct rec_ev *)(void *)(r + 1);
	rec_ev_pack(e, ev);
	sp = (struct rec_span *)(void *)(e + 1);
	blob = (char *)(sp + nspan);
	for (i = 0; i < REC_NSPAN; i++) {
		if (!(spans & (1u << i)))
			continue;
		sp->off = off[i];
		sp->len = (uint32_t)slot[i]->len;
		if (copied & (1u << i))
			memcpy(blob + off[i], slot[i]->p, slot[i]->len);
		sp++;
	}
	return r;
}

static void
emit_file(struct pstate *ps, enum rec_kind kind,
    const struct rec_file *fi, const struct sbuf *msg)
{
	size_t mlen = msg->len > 0 ? msg->len + 1 : 0;
	struct rec *r = reserve(ps, kind, sizeof(*fi) + mlen);

	memcpy((char *)(r + 1), fi, sizeof(*fi));
	if (mlen > 0)
		memcpy((char *)(r + 1) + sizeof(*fi), msg->buf, mlen);
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
	if (!span_prefix_u32(rest, EV_COUNT_MAX, &n, &used) || n == 0)
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
	if (!span_prefix_u32(rest, EV_COUNT_MAX, &n, &used))
		return 0;
	return n;
}

/* dispatch - hand the envelope to the parser that claims it. */
static enum parse_status
dispatch(const struct envelope *env, struct raw_event *ev, const char **why)
{
	enum parse_status st;

	if (env->tag.len == 0)
		return PARSE_IGNORE;
	if (parse_postfix_try(env, ev, why, &st))
		return st;
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
 * may_repeat - a line whose envelope came out so is looked at as
 * sysklogd's "last message repeated" (no tag, or the tag "last").
 */
static bool
may_repeat(enum env_status es, const struct envelope *env)
{
	return es == ENV_BAD || (es == ENV_OK && span_eq(env->tag, "last"));
}

/*
 * is_repeat_line - true for sysklogd's "last message repeated N times",
 * which one_line() hands to repeat_line(): the lines that leave the
 * repeat state as it was.
 */
static bool
is_repeat_line(struct span line)
{
	struct envelope env;
	const char *why;

	if (last_repeat(line) == 0)
		return false;
	return may_repeat(envelope_parse(line.p, line.len, &env, &why), &env);
}

/* What a line is to one_line(). */
enum line_kind {
	LK_MAYBE_REPEAT,	/* no envelope, or the tag "last": perhaps
				   sysklogd's "last message repeated" */
	LK_SKIP,		/* an envelope to pass over ("-- Boot ...") */
	LK_BAD_WRAPPER,		/* rsyslog's "message repeated" malformed */
	LK_IGNORED,		/* no parser's, or nothing a parser reports */
	LK_BAD,			/* a parser's line it did not understand */
	LK_EVENT,		/* an event, in *ev */
};

/*
 * classify - envelope, "message repeated" wrapper (*times copies) and
 * parser of a line that is not blank.  one_line(), prime() and replay()
 * all go through here, so that the repeat state they leave agrees.
 */
static enum line_kind
classify(struct span line, struct envelope *env, struct raw_event *ev,
    const char **why, uint32_t *times)
{
	enum env_status es;
	enum parse_status pst;

	*why = NULL;
	es = envelope_parse(line.p, line.len, env, why);
	if (may_repeat(es, env))
		return LK_MAYBE_REPEAT;
	if (es != ENV_OK)
		return LK_SKIP;
	if ((*times = unwrap_repeat(env)) == 0)
		return LK_BAD_WRAPPER;
	/* Each parser clears the event first; no need to here. */
	pst = dispatch(env, ev, why);
	return pst == PARSE_OK ? LK_EVENT : pst == PARSE_BAD ? LK_BAD :
	    LK_IGNORED;
}

/*
 * replay - "last message repeated N times": the previous event line again,
 * parsed afresh; stage two dates it.
 */
static void
replay(struct pstate *ps, uint64_t lineno, uint32_t n, bool has_at)
{
	struct envelope env;
	struct raw_event ev;
	const char *why;
	uint32_t times;
	struct rec *r;

	if (classify(ps->last_line, &env, &ev, &why, &times) != LK_EVENT)
		return;
	ev.flags |= EVF_REPEATED;
	r = emit_event(ps, REC_REPLAY, lineno, &env, &ev);
	r->n = n;
	r->has_at = has_at;
}

/* repeat_line - sysklogd's "last message repeated N times" (no tag). */
static bool
repeat_line(struct pstate *ps, struct span line, uint64_t lineno)
{
	struct logtime t;
	uint32_t n;
	size_t used;
	bool has_at;

	if ((n = last_repeat(line)) == 0)
		return false;
	has_at = logtime_parse(line, &t, &used);
	if (has_at) {
		struct rec *r = reserve(ps, REC_RTIME, 0);

		r->lineno = lineno;
		r->t = t;
	}
	if (ps->last_was_event)
		replay(ps, lineno, n, has_at);
	return true;
}

/* one_line - the records of one physical line. */
static void
one_line(struct pstate *ps, struct span line, uint64_t lineno)
{
	struct envelope env;
	struct raw_event ev;
	const char *why;
	uint32_t times = 1;
	struct rec *r;

	if (line.len == 0)
		return;
	switch (classify(line, &env, &ev, &why, &times)) {
	case LK_MAYBE_REPEAT:
		if (repeat_line(ps, line, lineno))
			return;
		emit_skip(ps, lineno, why != NULL ? why : "no syslog envelope");
		break;
	case LK_SKIP:
		break;
	case LK_BAD_WRAPPER:
		emit_time(ps, lineno, &env.t);
		emit_skip(ps, lineno, "malformed 'message repeated' record");
		break;
	case LK_IGNORED:
		emit_time(ps, lineno, &env.t);
		break;
	case LK_BAD:
		emit_time(ps, lineno, &env.t);
		emit_skip(ps, lineno, why != NULL ? why :
		    "record not understood");
		break;
	case LK_EVENT:
		if (times > 1)
			ev.flags |= EVF_REPEATED;
		ps->last_was_event = true;
		ps->last_line = line;
		r = emit_event(ps, REC_EVENT, lineno, &env, &ev);
		r->n = times;
		r->u.hash = hash64(line.p, line.len);
		return;
	}
	ps->last_was_event = false;
}

/*
 * prime - the repeat state one_line() left after the batch's context
 * line: an event line is repeated by a "last message repeated" line.
 */
static void
prime(struct pstate *ps, const struct sbuf *ctx)
{
	struct envelope env;
	struct raw_event ev;
	struct span line = span_make(ctx->buf, ctx->len);
	const char *why;
	uint32_t times;

	if (line.len == 0 ||
	    classify(line, &env, &ev, &why, &times) != LK_EVENT)
		return;
	ps->last_was_event = true;
	ps->last_line = line;
}

/* parse_batch - the records of a batch, into its chunk. */
static void
parse_batch(struct rec_batch *b)
{
	struct pstate ps;
	size_t i, pos = 0;

	ps.out = &b->out;
	ps.text = b->text;
	ps.text_len = b->text_len;
	b->out.text = b->text;
	ps.last_line = SPAN_NULL;
	ps.last_was_event = false;
	ps.last_time = NOREC;
	b->out.len = 0;
	if (b->has_begin)
		emit_file(&ps, REC_BEGIN, &b->begin, &b->begin_msg);
	prime(&ps, &b->ctx);
	for (i = 0; i < b->nlines; i++) {
		one_line(&ps, span_make(b->text + pos, b->lens[i]),
		    b->lineno0 + i);
		pos += b->lens[i];
	}
	if (b->has_end)
		emit_file(&ps, REC_END, &b->end, &b->end_msg);
}

/* --- the dispatcher ------------------------------------------------- */

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

/* file_facts - what the reader knows of its file from the start. */
static void
file_facts(const struct reader *rd, struct rec_file *fi)
{
	fi->comp = reader_compression(rd);
	fi->gz_mtime = reader_gzip_mtime(rd);
	fi->has_mtime = reader_file_mtime(rd, &fi->mtime);
}

/* open_next - the next file of the list, announced in the batch. */
static void
open_next(struct scan_reader *w, struct rec_batch *b)
{
	const struct source_file *sf = &w->files->v[w->next_file];
	struct rec_file *fi = &b->begin;

	memset(fi, 0, sizeof(*fi));
	b->has_begin = true;
	w->lines = 0;
	sbuf_reset(&w->ctx);
	if (same_file(w->files, w->next_file))
		fi->status = FILE_SAME;
	else if ((w->rd = reader_open(sf->path, sf->name,
	    &b->begin_msg)) == NULL)
		fi->status = FILE_UNREADABLE;
	else {
		sbuf_reset(&b->begin_msg);	/* only a failure writes it */
		reader_defer_warnings(w->rd);
		if (w->prefetch)
			reader_prefetch(w->rd);
		file_facts(w->rd, fi);
	}
	w->next_file++;
}

/* close_file - the file's counts, then the reader goes. */
static void
close_file(struct scan_reader *w, struct rec_batch *b)
{
	struct rec_file *fi = &b->end;

	memset(fi, 0, sizeof(*fi));
	b->has_end = true;
	fi->status = FILE_OK;
	/* Stage two takes the end's record whole: the begin's facts too. */
	file_facts(w->rd, fi);
	fi->lines = w->lines;
	fi->overlong = reader_overlong(w->rd);
	fi->bytes_in = reader_bytes_in(w->rd);
	fi->bytes_out = reader_bytes_out(w->rd);
	fi->damaged = reader_damaged(w->rd);
	fi->size = reader_file_size(w->rd);
	sbuf_adds(&b->end_msg, reader_warnings(w->rd));
	reader_free(w->rd);
	w->rd = NULL;
}

/* add_line - copy a line into the batch. */
static void
add_line(struct rec_batch *b, struct span line, uint64_t lineno)
{
	if (b->nlines == b->lens_cap) {
		b->lens_cap = b->lens_cap > 0 ? st_mult(b->lens_cap, 2) : 1024;
		b->lens = xreallocarray(b->lens, b->lens_cap, sizeof(*b->lens));
	}
	/* Allocated at the first line, even a blank one: text is never NULL. */
	room(&b->text, &b->text_cap, b->text_len + line.len, BATCH_TEXT_1);
	if (b->nlines == 0)
		b->lineno0 = lineno;
	memcpy(b->text + b->text_len, line.p, line.len);
	b->text_len += line.len;
	b->lens[b->nlines++] = (uint32_t)line.len;
}

/*
 * keep_context - the batch's last line that sets the repeat state becomes
 * the context of the next batch of the file.
 */
static void
keep_context(struct scan_reader *w, const struct rec_batch *b)
{
	size_t i = b->nlines, pos = b->text_len;
	struct span line;

	while (i-- > 0) {
		pos -= b->lens[i];
		line = span_make(b->text + pos, b->lens[i]);
		if (line.len == 0 || is_repeat_line(line))
			continue;
		sbuf_reset(&w->ctx);
		sbuf_add(&w->ctx, line.p, line.len);
		return;
	}
}

/*
 * fill - the next batch: the start of the next file, lines of the current
 * one, its end.  A batch never holds lines of two files.  False when every
 * file was read.
 */
static bool
fill(struct scan_reader *w, struct rec_batch *b)
{
	struct span line;
	uint64_t lineno;

	b->has_begin = b->has_end = false;
	sbuf_reset(&b->begin_msg);
	sbuf_reset(&b->end_msg);
	b->text_len = 0;
	b->nlines = 0;
	b->lineno0 = 1;
	b->out.bytes_out = 0;
	sbuf_reset(&b->ctx);
	if (w->rd == NULL) {
		if (w->next_file >= w->files->n)
			return false;
		open_next(w, b);
		if (w->rd == NULL)
			return true;
	}
	sbuf_add(&b->ctx, w->ctx.buf, w->ctx.len);
	while (b->text_len < w->batch_text && b->nlines < w->batch_lines) {
		if (reader_next(w->rd, &line, &lineno) != 1) {
			b->out.bytes_out = reader_bytes_out(w->rd);
			close_file(w, b);
			return true;
		}
		w->lines++;
		add_line(b, line, lineno);
	}
	b->out.bytes_out = reader_bytes_out(w->rd);
	keep_context(w, b);
	return true;
}

/* --- the threads --------------------------------------------------- */

/*
 * The stages that run in one thread each (the inflater of a file, io/
 * reader.c; the dispatcher; stage two) bound the speed of a run, and the
 * workers need only keep up with them.  A fair scheduler gives every
 * runnable thread its share of a core, so on two cores the one-thread
 * stages got about half a core each while the workers parsed ahead, and
 * the workers then waited for text.  The workers therefore run at a lower
 * priority: WORKER_NICE (analysis/scan_rec.h) above the thread's nice
 * value, at most 19.  Raising one's own nice value needs no privilege;
 * where it fails, nothing else changes.
 */

static void
lower_priority(void)
{
#ifdef __linux__
	id_t self = (id_t)gettid();	/* Linux: a thread's own nice value */
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, self);
	if (now == -1 && errno != 0)
		return;
	(void)setpriority(PRIO_PROCESS, self,
	    now + WORKER_NICE > 19 ? 19 : now + WORKER_NICE);
#endif
}

/*
 * dispatcher - fill the batches in turn, each when stage two has given
 * its slot back.
 */
static void *
dispatcher(void *arg)
{
	struct scan_reader *w = arg;
	struct rec_batch *b;
	bool got;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		b = &w->slot[w->filled % w->nslot];
		if (b->state != BATCH_FREE) {
			w->d_wait = true;
			pthread_cond_wait(&w->cv_disp, &w->mu);
			w->d_wait = false;
			continue;
		}
		b->state = BATCH_FILLING;
		pthread_mutex_unlock(&w->mu);
		got = fill(w, b);
		pthread_mutex_lock(&w->mu);
		if (!got) {
			b->state = BATCH_FREE;
			w->input_done = true;
			pthread_cond_broadcast(&w->cv_work);
			if (w->c_wait)
				pthread_cond_signal(&w->cv_cons);
			break;
		}
		b->state = BATCH_FILLED;
		w->filled++;
		if (w->idle > 0)
			pthread_cond_signal(&w->cv_work);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* work - a worker: parse the filled batches, the oldest first. */
static void *
work(void *arg)
{
	struct scan_reader *w = arg;
	struct rec_batch *b;

	lower_priority();
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		if (w->taken == w->filled) {
			if (w->input_done)
				break;
			w->idle++;
			pthread_cond_wait(&w->cv_work, &w->mu);
			w->idle--;
			continue;
		}
		b = &w->slot[w->taken++ % w->nslot];
		b->state = BATCH_PARSING;
		pthread_mutex_unlock(&w->mu);
		parse_batch(b);
		pthread_mutex_lock(&w->mu);
		b->state = BATCH_READY;
		if (w->c_wait && b == &w->slot[w->consumed % w->nslot])
			pthread_cond_signal(&w->cv_cons);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/*
 * stop_threads - every thread told to stop, the workers joined (the
 * dispatcher, when it runs, is its caller's to join).
 */
static void
stop_threads(struct scan_reader *w)
{
	size_t i;

	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv_work);
	pthread_cond_broadcast(&w->cv_disp);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->nworkers; i++)
		pthread_join(w->thr[i], NULL);
}

/* batch_limits - the size of a batch, in place or for workers. */
static void
batch_limits(struct scan_reader *w, bool workers, size_t batch_lines)
{
	w->batch_text = workers ? BATCH_TEXT : BATCH_TEXT_1;
	w->batch_lines = workers ? BATCH_LINES : BATCH_LINES_1;
	if (batch_lines > 0 && batch_lines < w->batch_lines)
		w->batch_lines = batch_lines;
}

void
scan_read_start(struct scan_reader *w, const struct source_list *l,
    size_t workers, bool prefetch, size_t batch_lines)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->files = l;
	w->prefetch = prefetch;
	sbuf_init(&w->ctx);
	if (workers > SCAN_MAX_WORKERS)
		workers = SCAN_MAX_WORKERS;
	batch_limits(w, workers > 0, batch_lines);
	/*
	 * Each worker's batch and one more, parsed or waiting for a worker;
	 * one for stage two; one being filled.
	 */
	w->nslot = workers > 0 ? 2 * workers + 2 : 1;
	w->slot = xcalloc(w->nslot, sizeof(*w->slot));
	for (i = 0; i < w->nslot; i++) {
		sbuf_init(&w->slot[i].begin_msg);
		sbuf_init(&w->slot[i].end_msg);
		sbuf_init(&w->slot[i].ctx);
	}
	if (workers == 0 || pthread_mutex_init(&w->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&w->cv_work, NULL) != 0)
		goto no_cv_work;
	if (pthread_cond_init(&w->cv_disp, NULL) != 0)
		goto no_cv_disp;
	if (pthread_cond_init(&w->cv_cons, NULL) != 0)
		goto no_cv_cons;
	w->thr = xcalloc(workers, sizeof(*w->thr));
	for (i = 0; i < workers; i++)
		if (pthread_create(&w->thr[i], NULL, work, w) != 0)
			break;
	w->nworkers = i;
	if (i > 0 && pthread_create(&w->disp, NULL, dispatcher, w) == 0)
		return;
	/* Not a worker or no dispatcher: in place, as with -j1. */
	stop_threads(w);
	w->nworkers = 0;
	w->stop = false;
	batch_limits(w, false, batch_lines);
	free(w->thr);
	w->thr = NULL;
	pthread_cond_destroy(&w->cv_cons);
no_cv_cons:
	pthread_cond_destroy(&w->cv_disp);
no_cv_disp:
	pthread_cond_destroy(&w->cv_work);
no_cv_work:
	pthread_mutex_destroy(&w->mu);
}

struct rec_chunk *
scan_read_next(struct scan_reader *w)
{
	struct rec_batch *b = &w->slot[w->consumed % w->nslot];

	if (w->nworkers == 0) {
		if (b->state == BATCH_FREE) {
			if (!fill(w, b))
				return NULL;
			parse_batch(b);
			b->state = BATCH_READY;
		}
		return &b->out;
	}
	pthread_mutex_lock(&w->mu);
	while (b->state != BATCH_READY &&
	    !(w->input_done && w->consumed == w->filled)) {
		w->c_wait = true;
		pthread_cond_wait(&w->cv_cons, &w->mu);
	}
	w->c_wait = false;
	pthread_mutex_unlock(&w->mu);
	return b->state == BATCH_READY ? &b->out : NULL;
}

void
scan_read_done(struct scan_reader *w, struct rec_chunk *c)
{
	struct rec_batch *b = &w->slot[w->consumed % w->nslot];

	if (c != &b->out)
		abort();	/* given back out of order */
	if (w->nworkers == 0) {
		b->state = BATCH_FREE;
		w->consumed++;
		return;
	}
	pthread_mutex_lock(&w->mu);
	b->state = BATCH_FREE;
	w->consumed++;
	if (w->d_wait)
		pthread_cond_signal(&w->cv_disp);
	pthread_mutex_unlock(&w->mu);
}

void
scan_read_stop(struct scan_reader *w)
{
	size_t i;

	if (w->nworkers > 0) {
		stop_threads(w);
		pthread_join(w->disp, NULL);
		free(w->thr);
		pthread_cond_destroy(&w->cv_cons);
		pthread_cond_destroy(&w->cv_disp);
		pthread_cond_destroy(&w->cv_work);
		pthread_mutex_destroy(&w->mu);
	}
	reader_free(w->rd);
	w->rd = NULL;
	for (i = 0; i < w->nslot; i++) {
		struct rec_batch *b = &w->slot[i];

		sbuf_release(&b->begin_msg);
		sbuf_release(&b->end_msg);
		sbuf_release(&b->ctx);
		bigmem_free(b->text);
		free(b->lens);
		bigmem_free(b->out.buf);
	}
	free(w->slot);
	sbuf_release(&w->ctx);
	memset(w, 0, sizeof(*w));
}
