/*
 * analysis/scan_rec.h - the records between the two stages of a scan
 * (internal to analysis/scan*.c).
 *
 * Stage one (analysis/scan_read.c) opens the files in order, reads their
 * lines, splits the envelopes and runs the mail-system parsers; it keeps
 * nothing that needs a year.  Stage two (analysis/scan.c) infers years,
 * drops duplicate lines across files, applies the window and calls the
 * caller, in file order.  With -j above 1 stage one runs on worker
 * threads, a batch of lines each, and records pass through a ring of a
 * few batches, so memory stays bounded whatever the input.  With -j1 the
 * same batches are made and parsed on one thread, so the output is byte
 * for byte the same.
 *
 * A record is a header and a blob.  An event's record is small: the
 * raw_event without its spans, then each span that is there as an offset
 * into the batch's text, which stays in place while stage two holds the
 * batch's records, or, for the few spans that are not in it (those of a
 * context line), into the blob, which holds their bytes.  The records
 * cross from the workers to stage two's thread, so every byte saved here
 * is saved twice.
 */
#ifndef SUBSUBMIT_ANALYSIS_SCAN_REC_H
#define SUBSUBMIT_ANALYSIS_SCAN_REC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/reader.h"
#include "io/sbuf.h"
#include "io/source.h"

enum rec_kind {
	REC_BEGIN,	/* a file starts (blob: struct rec_file) */
	REC_END,	/* a file ends (blob: struct rec_file, then the
			   reader's warnings, if any, one per line) */
	REC_TIME,	/* n lines with this time stamp and no event */
	REC_EVENT,	/* a parsed event: envelope and raw_event */
	REC_RTIME,	/* the time of a "last message repeated" line */
	REC_REPLAY,	/* the event that line repeats, n times */
	REC_SKIP,	/* a bad line: lineno and why */
};

enum rec_file_status {
	FILE_OK,
	FILE_SAME,	/* the same file as one read before */
	FILE_UNREADABLE,	/* blob after the struct: the message */
};

struct rec_file {
	enum rec_file_status status;
	enum reader_comp comp;
	uint32_t	 gz_mtime;
	bool		 has_mtime;
	int64_t		 mtime;
	/* REC_END only: */
	uint64_t	 lines, overlong, bytes_in, bytes_out;
	uint64_t	 size;		/* of the file when it was opened */
	bool		 damaged;
};

/*
 * The spans a record carries (span_slots() in scan_read.c): the host, tag
 * and pid of the envelope and the eight of the raw_event.  The message
 * (env->msg) stays behind: stage two reads nothing of it.
 */
#define REC_NSPAN	11

struct rec {
	uint8_t		 kind;		/* enum rec_kind */
	bool		 has_at;	/* REPLAY: an RTIME went before */
	uint16_t	 spans;		/* EVENT, REPLAY: bit i set when span
					   slot i is there (a rec_span) */
	uint32_t	 size;		/* all of it, 8-aligned */
	uint32_t	 n;		/* TIME: lines; EVENT, REPLAY: times */
	uint32_t	 blob_len;	/* bytes after the header */
	uint64_t	 lineno;
	union {
		uint64_t	 hash;	/* EVENT: hash64() of the line, for
					   stage two's duplicate check */
		const char	*why;	/* SKIP: a static reason */
	} u;
	struct logtime	 t;
	/*
	 * EVENT and REPLAY: a struct rec_ev, a struct rec_span for each
	 * span that is there, then the blob; other kinds: the blob.
	 */
};

/* The raw_event without its spans. */
struct rec_ev {
	uint32_t	 kind, service;		/* enum ev_kind, ev_service */
	uint32_t	 count, auth_ok, auth_total, flags, nrcpt;
	bool		 has_ip;
	struct ipaddr	 ip;
};

/*
 * A span as an offset into the batch's text (REC_IN_TEXT set) or into
 * the blob (the span's own bytes, copied).
 */
struct rec_span {
	uint32_t	 off, len;
};

#define REC_IN_TEXT	UINT32_C(0x80000000)

/*
 * A batch: the lines of one stretch of one file, up to a number of bytes
 * or lines, copied out of the reader by the dispatcher, then parsed into
 * records by a worker.  Batches are numbered in file order and stage two
 * takes them in that order, so the records, and the output, are the same
 * whatever worker parsed them and however many there are.  Batches
 * handed between threads are larger than those parsed in place: fewer
 * hand-overs (a thread woken on the other core for each), against text
 * and records that stay in cache with -j1.
 */
#define BATCH_TEXT	(1024 * 1024)	/* with workers */
#define BATCH_LINES	16384
#define BATCH_TEXT_1	(512 * 1024)	/* in place */
#define BATCH_LINES_1	8192
#define SCAN_MAX_WORKERS 64

/* The records made of one batch, for stage two. */
struct rec_chunk {
	char		*buf;
	size_t		 len, cap;
	const char	*text;		/* the batch's lines, while held */
	uint64_t	 bytes_out;	/* text read of the file so far */
};

/* The parse workers run at this much above the thread's nice value. */
#define WORKER_NICE	10

enum batch_state {
	BATCH_FREE,		/* stage two gave it back */
	BATCH_FILLING,		/* the dispatcher copies lines into it */
	BATCH_FILLED,		/* for a worker to parse */
	BATCH_PARSING,		/* a worker makes its records */
	BATCH_READY,		/* for stage two */
};

struct rec_batch {
	enum batch_state state;
	/* filled in by the dispatcher */
	bool		 has_begin, has_end;	/* the file starts, ends */
	struct rec_file	 begin, end;
	struct sbuf	 begin_msg, end_msg;
	/*
	 * The file's last line before the batch that was neither blank nor
	 * a "last message repeated" line: a repeat line at the start of the
	 * batch repeats it, when it was an event.
	 */
	struct sbuf	 ctx;
	char		*text;		/* the lines, one after the other */
	size_t		 text_len, text_cap;
	uint32_t	*lens;		/* their lengths */
	size_t		 nlines, lens_cap;
	uint64_t	 lineno0;	/* of the first */
	/* made by a worker */
	struct rec_chunk out;
};

/*
 * The first stage.  With workers, scan_read_start() starts a dispatcher
 * thread, which fills the batches in turn, and that many workers, which
 * parse them; otherwise scan_read_next() fills and parses one batch in
 * place.
 */
struct scan_reader {
	const struct source_list *files;
	bool		 prefetch;	/* reader_prefetch() each file */
	size_t		 nworkers;	/* 0: in place */
	pthread_t	*thr;
	pthread_t	 disp;		/* the dispatcher */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv_work;	/* a worker may go on */
	pthread_cond_t	 cv_disp;	/* the dispatcher may go on */
	pthread_cond_t	 cv_cons;	/* stage two may go on */
	bool		 stop;
	size_t		 idle;		/* workers asleep */
	bool		 d_wait;	/* the dispatcher asleep */
	bool		 c_wait;	/* stage two asleep */

	struct rec_batch *slot;		/* batch k is slot[k % nslot] */
	size_t		 nslot;
	uint64_t	 filled;	/* batches handed to parsing */
	uint64_t	 taken;		/* batches a worker took */
	uint64_t	 consumed;	/* batches given back */
	bool		 input_done;	/* every file was read */
	size_t		 batch_text, batch_lines;	/* a batch at most */

	/* the dispatcher's state: only the thread filling batches uses it */
	size_t		 next_file;
	struct reader	*rd;
	uint64_t	 lines;		/* of the current file */
	struct sbuf	 ctx;		/* see struct rec_batch */
};

/*
 * scan_read_start - set up stage one over the list, with that many
 * worker threads (0, or none could be started: in place), batches of at
 * most batch_lines lines (0: the default).
 */
void	scan_read_start(struct scan_reader *, const struct source_list *,
    size_t workers, bool prefetch, size_t batch_lines);

/* scan_read_next - the records of the next batch, in order; NULL at the end. */
struct rec_chunk *scan_read_next(struct scan_reader *);

/* scan_read_done - give the batch back to stage one. */
void	scan_read_done(struct scan_reader *, struct rec_chunk *);

/* scan_read_stop - stop stage one (early or at the end) and free it. */
void	scan_read_stop(struct scan_reader *);

/*
 * rec_unpack - the envelope and raw_event of an EVENT or REPLAY record of
 * chunk c, spans pointing into the batch's text or the record's blob
 * (valid while c is held).
 */
void	rec_unpack(const struct rec_chunk *c, const struct rec *,
    struct envelope *, struct raw_event *);

/* rec_ev_of, rec_spans - the parts of an EVENT or REPLAY record. */
static inline const struct rec_ev *
rec_ev_of(const struct rec *r)
{
	return (const struct rec_ev *)(const void *)(r + 1);
}

static inline const struct rec_span *
rec_spans(const struct rec *r)
{
	return (const struct rec_span *)(const void *)(rec_ev_of(r) + 1);
}

/*
 * rec_nspans - the spans present, bits of a 16-bit mask counted by
 * shifts: __builtin_popcount() is a library call unless the build
 * targets a CPU with POPCNT, and this runs for every event.
 */
static inline unsigned
rec_nspans(unsigned m)
{
	m = m - ((m >> 1) & 0x5555u);
	m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
	m = (m + (m >> 4)) & 0x0f0fu;
	return (m + (m >> 8)) & 0x1fu;
}

/* rec_blob - the blob of a record. */
static inline const char *
rec_blob(const struct rec *r)
{
	if (r->kind == REC_EVENT || r->kind == REC_REPLAY)
		return (const char *)(rec_spans(r) +
		    rec_nspans(r->spans));
	return (const char *)(r + 1);
}

#endif
