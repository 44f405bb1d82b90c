/*
 * analysis/scan_rec.h - the records between the two stages of a scan
 * (internal to analysis/scan*.c).
 *
 * Stage one (analysis/scan_read.c) opens the files in order, reads their
 * lines, splits the envelopes and runs the mail-system parsers; it keeps
 * nothing that needs a year.  Stage two (analysis/scan.c) infers years,
 * drops duplicate lines across files, applies the window and calls the
 * caller, in file order.  With -j above 1 stage one runs on a thread of
 * its own; records pass in chunks of 1 MiB through a ring of eight, so
 * memory stays bounded whatever the input.  With -j1 the same records
 * are made and read on one thread, so the output is byte for byte the
 * same.
 *
 * A record is a header and a blob: the line's bytes, then any span text
 * that was not inside the line (a journal MESSAGE unescaped elsewhere).
 * Spans travel as offsets into the blob.
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

#define REC_NSPAN	12	/* 4 of the envelope, 8 of the raw_event */
/* sizeof(struct raw_event) when span_slots() was last brought up to date */
#define RAW_EVENT_SIZE	184
#define REC_NOSPAN	UINT32_MAX	/* a span whose pointer was NULL */

struct rec {
	uint32_t	 kind;		/* enum rec_kind */
	uint32_t	 size;		/* header and blob, 8-aligned */
	uint32_t	 blob_len;
	uint32_t	 n;		/* TIME: lines; EVENT, REPLAY: times */
	bool		 has_at;	/* REPLAY: an RTIME went before */
	uint64_t	 lineno;
	uint32_t	 line_len;	/* EVENT: the line, first in the blob;
					   stage two hashes it for duplicates
					   (stage one is the busier thread) */
	const char	*why;		/* SKIP: a static reason */
	struct logtime	 t;
	struct raw_event ev;
	uint32_t	 off[REC_NSPAN], len[REC_NSPAN];
	/* the blob follows */
};

#define REC_CHUNK	(1024 * 1024)
#define REC_NCHUNK	8
#define WAKE_AT		(REC_NCHUNK / 2)	/* at most REC_NCHUNK - 1 */

struct rec_chunk {
	char		*buf;
	size_t		 len;
	bool		 full;
	uint64_t	 bytes_out;	/* text read of the current file */
};

/*
 * The first stage and its output ring.  scan_read_start() runs it on a
 * thread when threaded is true; otherwise scan_read_next() runs it in
 * place until a chunk is ready.
 */
struct scan_reader {
	const struct source_list *files;
	bool		 prefetch;	/* reader_prefetch() each file */
	bool		 threaded;
	pthread_t	 thr;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 stop, eof;
	/*
	 * A wake-up costs tens of microseconds on a virtual machine: a
	 * sleeping side is woken when WAKE_AT chunks are ready for it (or
	 * at the end), not at every chunk.
	 */
	bool		 p_wait, c_wait;	/* producer, consumer asleep */
	size_t		 nfull;		/* chunks published, not yet done */

	struct rec_chunk ring[REC_NCHUNK];
	char		*ring_mem;	/* the chunks' memory, in one piece */
	size_t		 nchunk;	/* of ring in use */
	size_t		 prod, cons;

	/* stage one's state */
	size_t		 next_file;
	struct reader	*rd;
	struct sbuf	 last_line;	/* the last event line, once its
					   chunk went out (else last_ev) */
	const struct rec *last_ev;	/* its record, while in our chunk */
	bool		 last_was_event;
	bool		 published;	/* a chunk went out in this step */
	bool		 have_chunk;	/* ring[prod] is ours to write */
	bool		 all_done;
	uint64_t	 lines;		/* of the current file */
	struct rec	*last_time;	/* a TIME record that may grow */
	size_t		 last_time_chunk;
};

/*
 * scan_read_start - set up stage one over the list; with threaded, start
 * its thread (falling back to in-place work if none can be started).
 */
void	scan_read_start(struct scan_reader *, const struct source_list *,
    bool threaded, bool prefetch);

/* scan_read_next - the next full chunk, in order; NULL at the end. */
struct rec_chunk *scan_read_next(struct scan_reader *);

/* scan_read_done - give the chunk back to stage one. */
void	scan_read_done(struct scan_reader *, struct rec_chunk *);

/* scan_read_stop - stop stage one (early or at the end) and free it. */
void	scan_read_stop(struct scan_reader *);

/*
 * rec_unpack - the envelope and raw_event of an EVENT or REPLAY record,
 * spans pointing into the record's blob (valid while its chunk is held).
 */
void	rec_unpack(const struct rec *, struct envelope *, struct raw_event *);

/* rec_blob - the blob of a record. */
static inline const char *
rec_blob(const struct rec *r)
{
	return (const char *)(r + 1);
}

#endif
