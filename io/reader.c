/*
 * io/reader.c - one input file as a stream of bounded lines.
 *
 * This is the first step of the data flow: io/source names the files, the
 * reader turns each into lines for the parsers.  It is the hot path of the
 * program.  Text arrives in blocks of 256 KiB: read(2) fills them for a
 * plain file, a codec (io/codec.h: gzip, bzip2, xz, zstd) for a compressed
 * one.  memchr() finds the newlines and a line is handed out as a span
 * into its block.  The partial line at the end of a block is copied into
 * the room kept in front of the next block; it is never longer than the
 * line cap, so memory stays bounded whatever the input holds.
 *
 * With reader_prefetch() a thread of its own decompresses the next blocks
 * while the caller parses this one: on two cores inflate and parsing then
 * overlap instead of taking turns.  The blocks are handed over under a
 * mutex; a block is either free (the producer may fill it), full, or in
 * use by the reader of lines.
 *
 * Damage never stops a run.  A truncated or corrupt stream, or a read
 * error, ends the file after the last byte that could be recovered; one
 * warning, given when the caller reaches the end, says where and how many
 * lines were kept.
 */
#include "io/reader.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/bigmem.h"
#include "io/codec.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/xalloc.h"

#define IN_SIZE		(256 * 1024)	/* compressed bytes per read(2) */
#define BLK_SIZE	(256 * 1024)	/* text per block */
#define HEAD		(READER_LINE_CAP + 64)	/* room for a carried line */
#define NBLK		16		/* blocks: one in use, 15 read ahead */
/* A block with its head room and a NUL, rounded to a cache line. */
#define BLK_STRIDE	((HEAD + BLK_SIZE + 1 + 63) & ~(size_t)63)
/* Blocks ready before a sleeping side is woken; at most NBLK - 1. */
#define WAKE_AT		(NBLK / 2)
#define SNIFF_LEN	10		/* a gzip header; the longest magic */

enum blk_state {
	BLK_FREE = 0,
	BLK_FULL,
	BLK_INUSE,
};

struct block {
	char		*mem;		/* HEAD bytes of room, then the text */
	size_t		 len;		/* text bytes at mem + HEAD */
	bool		 last;		/* no text after this block */
	enum blk_state	 state;
	uint64_t	 bytes_in;	/* counters at the end of the block */
	uint64_t	 bytes_out;
};

struct reader {
	char		*name;
	char		*mem;		/* in.buf and the blocks' memory */
	bool		 close_fd;	/* false for standard input */
	enum reader_comp comp;
	const struct codec *codec;	/* NULL for plain text */
	void		*cst;		/* the codec's state */
	struct codec_in	 in;

	/* Producer side: only the producer touches these once it runs. */
	struct block	 blk[NBLK];
	size_t		 prod;		/* next block to fill */
	uint64_t	 p_out;		/* text produced */
	bool		 p_done;

	/*
	 * The decompression thread, when there is one.  A wake-up costs
	 * tens of microseconds on a virtual machine, so a waiting side is
	 * woken when WAKE_AT blocks are ready for it, not at every block.
	 */
	bool		 threaded;
	bool		 stop;		/* reader_free() wants it gone */
	bool		 p_wait, c_wait;	/* producer, consumer asleep */
	size_t		 nfree, nfull;
	pthread_t	 thr;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;

	/* Consumer side: the block being split into lines. */
	bool		 have_cur;
	size_t		 cur;
	char		*out;		/* blk[cur].mem */
	size_t		 pos;		/* start of the unread text */
	size_t		 scan;		/* out[pos, scan) holds no newline */
	size_t		 end;		/* end of the text */
	bool		 done;		/* the last block is in use */
	bool		 skipping;	/* dropping the tail of a cut line */
	bool		 cut;		/* the last line returned was cut */
	bool		 damaged;
	bool		 warned;
	bool		 defer;		/* keep warnings for the caller */
	struct sbuf	 deferred;

	uint64_t	 lineno;
	uint64_t	 overlong;
	uint64_t	 bytes_in;
	uint64_t	 bytes_out;
	uint64_t	 size;
	uint32_t	 gz_mtime;
	bool		 has_mtime;
	int64_t		 mtime;
};

/* add_errno - "cannot VERB 'NAME': strerror" into err. */
static void
add_errno(struct sbuf *err, const char *verb, const char *name, int errnum)
{
	sbuf_addf(err, "cannot %s '", verb);
	escape_text(err, name, strlen(name), 0);
	sbuf_addf(err, "': %s", strerror(errnum));
}

/* open_fd - open the file and record what fstat() knows about it. */
static int
open_fd(struct reader *r, const char *path, struct sbuf *err)
{
	struct stat st;

	if (strcmp(path, "-") == 0) {
		r->in.fd = STDIN_FILENO;
		r->close_fd = false;
	} else if ((r->in.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		add_errno(err, "open", r->name, errno);
		return -1;
	} else
		r->close_fd = true;
	if (fstat(r->in.fd, &st) == -1) {
		add_errno(err, "open", r->name, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		add_errno(err, "open", r->name, EISDIR);
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		r->has_mtime = true;
		r->mtime = st.st_mtime;
		r->size = (uint64_t)st.st_size;
		(void)posix_fadvise(r->in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	return 0;
}

/*
 * sniff - read the first bytes (at least a gzip header, unless the file
 * is shorter) into the input buffer.  Returns the count, or -1 with a
 * message in err when the very first read fails.
 */
static ssize_t
sniff(struct reader *r, struct sbuf *err)
{
	struct codec_in *in = &r->in;
	size_t got = 0;
	ssize_t n;

	while (got < SNIFF_LEN && !in->eof) {
		do
			n = read(in->fd, in->buf + got, in->cap - got);
		while (n == -1 && errno == EINTR);
		if (n <= 0) {
			in->eof = true;
			if (n == -1) {
				in->fault = CODEC_READ;
				in->fault_errno = errno;
				in->fault_off = got;
			}
			break;
		}
		got += (size_t)n;
	}
	if (got == 0 && in->fault == CODEC_READ) {
		add_errno(err, "read", r->name, in->fault_errno);
		return -1;
	}
	in->bytes_in = got;
	in->next = in->buf;
	in->avail = got;
	return (ssize_t)got;
}

/* Formats recognized to refuse them when their library is not built in. */
static const struct magic {
	const char	*bytes;
	size_t		 len;
	const char	*name;
} unsupported[] = {
	{ "BZh", 3, "bzip2" },
	{ "\xfd" "7zXZ\0", 6, "xz" },
	{ "\x28\xb5\x2f\xfd", 4, "zstd" },
};

/*
 * refuse - a message in err when the first got bytes are compressed in a
 * format this build cannot read.  A bzip2 stream must also show its block
 * size and first block magic, so that text starting with "BZh" is still
 * text.
 */
static int
refuse(struct reader *r, size_t got, struct sbuf *err)
{
	const unsigned char *p = r->in.buf;
	const struct magic *m;
	size_t i;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		m = &unsupported[i];
		if (got < m->len || memcmp(p, m->bytes, m->len) != 0)
			continue;
		if (m->len == 3 && (got < 10 || p[3] < '1' || p[3] > '9' ||
		    memcmp(p + 4, "1AY&SY", 6) != 0))
			continue;
		sbuf_adds(err, "cannot read '");
		escape_text(err, r->name, strlen(r->name), 0);
		sbuf_addf(err, "': %s compression is not supported by this "
		    "build", m->name);
		return -1;
	}
	return 0;
}

/* start_codec - pick the codec that claims the first got bytes. */
static int
start_codec(struct reader *r, size_t got, struct sbuf *err)
{
	const struct codec *const *c;
	const unsigned char *h = r->in.buf;

	for (c = codec_list(); *c != NULL; c++)
		if ((*c)->sniff(h, got))
			break;
	if (*c == NULL)
		return refuse(r, got, err);
	r->codec = *c;
	r->comp = (*c)->comp;
	if (r->comp == COMP_GZIP && got >= 8)
		r->gz_mtime = (uint32_t)h[4] | (uint32_t)h[5] << 8 |
		    (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
	if ((r->cst = (*c)->start()) == NULL) {
		sbuf_adds(err, "cannot read '");
		escape_text(err, r->name, strlen(r->name), 0);
		sbuf_addf(err, "': %s: out of memory", (*c)->name);
		return -1;
	}
	return 0;
}

/*
 * The memory of the last reader freed waits for the next one: a rotated
 * set is read a file after another, and a fresh mapping for each cost
 * its huge pages faulted in and zeroed again (about 6 MiB a file).  It
 * stays mapped at exit.
 */
#define MEM_SIZE	(IN_SIZE + NBLK * BLK_STRIDE)

static pthread_mutex_t spare_mu = PTHREAD_MUTEX_INITIALIZER;
static char *spare;

static char *
mem_get(void)
{
	char *p;

	pthread_mutex_lock(&spare_mu);
	p = spare;
	spare = NULL;
	pthread_mutex_unlock(&spare_mu);
	return p != NULL ? p : bigmem_realloc(NULL, 1, MEM_SIZE);
}

static void
mem_put(char *p)
{
	pthread_mutex_lock(&spare_mu);
	if (spare == NULL) {
		spare = p;
		p = NULL;
	}
	pthread_mutex_unlock(&spare_mu);
	bigmem_free(p);
}

struct reader *
reader_open(const char *path, const char *name, struct sbuf *err)
{
	struct reader *r;
	ssize_t got;
	size_t i;

	r = xcalloc(1, sizeof(*r));
	r->in.fd = -1;
	r->name = xstrdup(name != NULL ? name : path);
	/*
	 * One allocation for the input and the blocks: above BIGMEM_MIN it
	 * is in huge pages, a page fault per 2 MiB instead of per 4 KiB.
	 */
	r->mem = mem_get();
	r->in.buf = (unsigned char *)r->mem;
	r->in.cap = IN_SIZE;
	for (i = 0; i < NBLK; i++)
		r->blk[i].mem = r->mem + IN_SIZE + i * BLK_STRIDE;
	if (open_fd(r, path, err) == -1 || (got = sniff(r, err)) == -1 ||
	    start_codec(r, (size_t)got, err) == -1) {
		reader_free(r);
		return NULL;
	}
	return r;
}

/* plain_read - text of an uncompressed file: the sniffed bytes first. */
static size_t
plain_read(struct codec_in *in, unsigned char *out, size_t room)
{
	size_t n;

	if (in->avail > 0) {
		n = in->avail < room ? in->avail : room;
		memcpy(out, in->next, n);
		in->next += n;
		in->avail -= n;
		return n;
	}
	return codec_in_read_into(in, out, room);
}

/* produce - fill block b with text; mark it last at the end of the data. */
static void
produce(struct reader *r, struct block *b)
{
	unsigned char *out = (unsigned char *)b->mem + HEAD;
	size_t n = 0, got;
	bool done = r->p_done;

	while (n < BLK_SIZE && !done) {
		if (r->codec == NULL) {
			if ((got = plain_read(&r->in, out + n,
			    BLK_SIZE - n)) == 0)
				done = true;
		} else
			got = r->codec->step(r->cst, &r->in, out + n,
			    BLK_SIZE - n, &done);
		n += got;
	}
	r->p_done = done;
	r->p_out += n;
	b->len = n;
	b->last = done;
	b->bytes_in = r->in.bytes_in;
	b->bytes_out = r->p_out;
}

/* producer - the decompression thread: fill free blocks in turn. */
static void *
producer(void *arg)
{
	struct reader *r = arg;
	struct block *b;
	bool last;

	for (;;) {
		b = &r->blk[r->prod];
		pthread_mutex_lock(&r->mu);
		while (b->state != BLK_FREE && !r->stop) {
			/* A consumer held back by WAKE_AT must not wait. */
			if (r->c_wait)
				pthread_cond_broadcast(&r->cv);
			r->p_wait = true;
			pthread_cond_wait(&r->cv, &r->mu);
		}
		r->p_wait = false;
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		r->nfree--;
		pthread_mutex_unlock(&r->mu);
		produce(r, b);
		pthread_mutex_lock(&r->mu);
		b->state = BLK_FULL;
		last = b->last;
		r->nfull++;
		if (r->c_wait && (r->nfull >= WAKE_AT || last))
			pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (last)
			break;
		r->prod = (r->prod + 1) % NBLK;
	}
	return NULL;
}

void
reader_prefetch(struct reader *r)
{
	if (r->threaded || r->have_cur)
		return;
	if (pthread_mutex_init(&r->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&r->cv, NULL) != 0) {
		pthread_mutex_destroy(&r->mu);
		return;
	}
	r->nfree = NBLK;
	r->nfull = 0;
	if (pthread_create(&r->thr, NULL, producer, r) != 0) {
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		return;
	}
	r->threaded = true;
}

void
reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	if (r->threaded) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thr, NULL);
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
	}
	if (r->codec != NULL)
		r->codec->end(r->cst);
	if (r->close_fd && r->in.fd != -1)
		close(r->in.fd);
	if (r->mem != NULL)
		mem_put(r->mem);
	free(r->name);
	sbuf_release(&r->deferred);
	free(r);
}

/* take_block - block k, full: made here, or waited for from the thread. */
static struct block *
take_block(struct reader *r, size_t k)
{
	struct block *b = &r->blk[k];

	if (!r->threaded) {
		produce(r, b);
		b->state = BLK_INUSE;
		return b;
	}
	pthread_mutex_lock(&r->mu);
	while (b->state != BLK_FULL) {
		/* A producer held back by WAKE_AT must not wait for us. */
		if (r->p_wait)
			pthread_cond_broadcast(&r->cv);
		r->c_wait = true;
		pthread_cond_wait(&r->cv, &r->mu);
	}
	r->c_wait = false;
	r->nfull--;
	b->state = BLK_INUSE;
	pthread_mutex_unlock(&r->mu);
	return b;
}

/* drop_block - the block in use goes back to the producer. */
static void
drop_block(struct reader *r, size_t k)
{
	if (!r->threaded) {
		r->blk[k].state = BLK_FREE;
		return;
	}
	pthread_mutex_lock(&r->mu);
	r->blk[k].state = BLK_FREE;
	if (++r->nfree >= WAKE_AT && r->p_wait)
		pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/*
 * refill - go on with the next block, the partial line in front of it.
 * The partial line holds no newline and is at most the cap long: a longer
 * one has been cut already.
 */
static void
refill(struct reader *r)
{
	/*
	 * Read ahead, the blocks go round the ring; in place, two take
	 * turns, so that the pages of the others are never touched.
	 */
	size_t k = !r->have_cur ? 0 : r->threaded ? (r->cur + 1) % NBLK :
	    r->cur ^ 1;
	size_t tail = r->end - r->pos;
	struct block *b = take_block(r, k);

	if (tail > 0)
		memcpy(b->mem + HEAD - tail, r->out + r->pos, tail);
	if (r->have_cur)
		drop_block(r, r->cur);
	r->have_cur = true;
	r->cur = k;
	r->out = b->mem;
	r->pos = HEAD - tail;
	r->scan = HEAD;
	r->end = HEAD + b->len;
	r->bytes_in = b->bytes_in;
	r->bytes_out = b->bytes_out;
	if (b->last) {
		r->done = true;
		r->damaged = r->in.fault != CODEC_OK;
	}
}

/* give - hand out len bytes at r->pos as the next line. */
static void
give(struct reader *r, struct span *line, size_t len)
{
	r->cut = len > READER_LINE_CAP;
	if (r->cut) {
		len = READER_LINE_CAP;
		r->overlong++;
	}
	*line = span_make(r->out + r->pos, len);
	r->lineno++;
}

/*
 * skip_rest - drop the rest of a cut line.  True when its newline was
 * found (it is consumed), false when the whole buffer was dropped.
 */
static bool
skip_rest(struct reader *r)
{
	char *nl;

	nl = memchr(r->out + r->scan, '\n', r->end - r->scan);
	if (nl == NULL) {
		r->pos = r->scan = r->end;
		return false;
	}
	r->pos = r->scan = (size_t)(nl - r->out) + 1;
	r->skipping = false;
	return true;
}

/*
 * take_line - the next complete line in the buffer, or a cut one when
 * more than the cap is buffered without a newline.  False when more text
 * is needed.
 */
static inline bool
take_line(struct reader *r, struct span *line)
{
	char *nl;

	if (r->out == NULL || (r->skipping && !skip_rest(r)))
		return false;
	nl = memchr(r->out + r->scan, '\n', r->end - r->scan);
	if (nl != NULL) {
		give(r, line, (size_t)(nl - r->out) - r->pos);
		r->pos = r->scan = (size_t)(nl - r->out) + 1;
		return true;
	}
	r->scan = r->end;
	if (r->end - r->pos <= READER_LINE_CAP)
		return false;
	give(r, line, r->end - r->pos);
	r->pos = r->scan = r->pos + READER_LINE_CAP;
	r->skipping = true;
	return true;
}

/* warn - a warning now, or kept for reader_warnings() when deferred. */
static void
warn(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (r->defer) {
		sbuf_vaddf(&r->deferred, fmt, ap);
		sbuf_addc(&r->deferred, '\n');
	} else {
		struct sbuf sb = SBUF_INIT;

		sbuf_vaddf(&sb, fmt, ap);
		diag_warn(r->name, 0, "%s", sb.buf);
		sbuf_release(&sb);
	}
	va_end(ap);
}

/* report_fault - the one warning about a damaged file. */
static void
report_fault(struct reader *r)
{
	const struct codec_in *in = &r->in;
	const char *what = r->codec != NULL ? r->codec->name : "";
	const char *unit = r->codec != NULL ? r->codec->unit : "";

	if (r->warned)
		return;
	r->warned = true;
	if (in->garbage)
		warn(r, "trailing garbage after %s data at offset %" PRIu64
		    " ignored", what, in->garbage_off);
	switch (in->fault) {
	case CODEC_OK:
		break;
	case CODEC_TRUNCATED:
		warn(r, "truncated %s %s at offset %" PRIu64 "; kept the %"
		    PRIu64 " lines read so far", what, unit, in->fault_off,
		    r->lineno);
		break;
	case CODEC_CORRUPT:
		warn(r, "corrupt %s data at offset %" PRIu64 " (%s); kept the %"
		    PRIu64 " lines read so far", what, in->fault_off,
		    in->fault_msg, r->lineno);
		break;
	case CODEC_READ:
		warn(r, "read error at offset %" PRIu64 ": %s; kept the %"
		    PRIu64 " lines read so far", in->fault_off,
		    strerror(in->fault_errno), r->lineno);
		break;
	}
}

void
reader_defer_warnings(struct reader *r)
{
	r->defer = true;
}

const char *
reader_warnings(const struct reader *r)
{
	return r->deferred.len > 0 ? r->deferred.buf : "";
}

/* finish - at the end of the text: the last line without a newline. */
static int
finish(struct reader *r, struct span *line)
{
	if (r->end > r->pos && !r->skipping) {
		give(r, line, r->end - r->pos);
		r->pos = r->scan = r->end;
		return 1;
	}
	r->cut = false;
	r->pos = r->scan = r->end;
	report_fault(r);
	return 0;
}

int
reader_next(struct reader *r, struct span *line, uint64_t *lineno)
{
	for (;;) {
		if (take_line(r, line))
			break;
		if (r->done) {
			if (finish(r, line) == 0)
				return 0;
			break;
		}
		refill(r);
	}
	*lineno = r->lineno;
	return 1;
}

bool
reader_line_cut(const struct reader *r)
{
	return r->cut;
}

enum reader_comp
reader_compression(const struct reader *r)
{
	return r->comp;
}

const char *
reader_comp_name(enum reader_comp c)
{
	switch (c) {
	case COMP_NONE:
		return "plain";
	case COMP_GZIP:
		return "gzip";
	case COMP_BZIP2:
		return "bzip2";
	case COMP_XZ:
		return "xz";
	case COMP_ZSTD:
		return "zstd";
	}
	return "unknown";
}

uint32_t
reader_gzip_mtime(const struct reader *r)
{
	return r->gz_mtime;
}

bool
reader_file_mtime(const struct reader *r, int64_t *mtime)
{
	if (r->has_mtime)
		*mtime = r->mtime;
	return r->has_mtime;
}

uint64_t
reader_bytes_in(const struct reader *r)
{
	return r->bytes_in;
}

uint64_t
reader_bytes_out(const struct reader *r)
{
	return r->bytes_out;
}

bool
reader_damaged(const struct reader *r)
{
	return r->damaged;
}

uint64_t
reader_overlong(const struct reader *r)
{
	return r->overlong;
}

uint64_t
reader_file_size(const struct reader *r)
{
	return r->size;
}

void
reader_codecs(struct sbuf *out)
{
	const struct codec *const *c;

	for (c = codec_list(); *c != NULL; c++)
		sbuf_addf(out, "%s%s (%s)", c == codec_list() ? "" : ", ",
		    (*c)->name, (*c)->library());
}
