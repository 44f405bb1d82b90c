/*
 * io/reader.c - one input file as a stream of bounded lines.
 *
 * This is the first step of the data flow: io/source names the files, the
 * reader turns each into lines for the parsers.  It is the hot path of the
 * program, so decompression and line splitting are fused: zlib inflates
 * straight into the line buffer, memchr() finds the newlines, and a line
 * is handed out as a span into that buffer.  The only copy is the partial
 * line at the end of the buffer, moved to the front before the next
 * refill; it is never longer than the line cap, so memory stays bounded
 * whatever the input holds.
 *
 * Damage never stops a run.  A truncated or corrupt gzip member, or a read
 * error, ends the file after the last byte that could be recovered; one
 * warning, given when the caller reaches the end, says where and how many
 * lines were kept.
 */
#include "io/reader.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io/diag.h"
#include "io/escape.h"
#include "io/xalloc.h"

/*
 * Buffer sizes: the time goes to inflate() and its CRC, and timing showed
 * no difference between 256 KiB and 1 MiB of line buffer; the smaller one
 * leaves more cache to the parsers.
 */
#define IN_SIZE		(256 * 1024)	/* compressed bytes per read(2) */
#define OUT_SIZE	(512 * 1024)	/* line buffer; > READER_LINE_CAP */
#define SNIFF_LEN	10		/* a gzip header; the longest magic */

_Static_assert(OUT_SIZE >= 4 * READER_LINE_CAP, "line buffer too small");

/* Why the input ended early; reported once, at the end. */
enum fault {
	FAULT_NONE = 0,
	FAULT_TRUNCATED,
	FAULT_CORRUPT,
	FAULT_READ,
};

struct reader {
	int		 fd;
	bool		 close_fd;	/* false for standard input */
	char		*name;
	enum reader_comp comp;

	z_stream	 zs;
	bool		 zs_live;	/* inflateInit2() done */
	bool		 member_end;	/* Z_STREAM_END, next member not seen */
	unsigned char	*in;		/* compressed input */
	bool		 in_eof;	/* read(2) returned 0 or failed */

	char		*out;		/* decompressed text, the line buffer */
	size_t		 pos;		/* start of the unread text */
	size_t		 scan;		/* out[pos, scan) holds no newline */
	size_t		 end;		/* end of the text */
	bool		 done;		/* no more text will be added */
	bool		 skipping;	/* dropping the tail of a cut line */
	bool		 cut;		/* the last line returned was cut */

	enum fault	 fault;
	uint64_t	 fault_off;	/* compressed offset of the fault */
	int		 fault_errno;	/* FAULT_READ */
	char		 fault_msg[80];	/* FAULT_CORRUPT: zlib's reason */
	bool		 warned;

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
		r->fd = STDIN_FILENO;
		r->close_fd = false;
	} else if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		add_errno(err, "open", r->name, errno);
		return -1;
	} else
		r->close_fd = true;
	if (fstat(r->fd, &st) == -1) {
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
		(void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	return 0;
}

/*
 * read_some - read(2) up to cap bytes into buf.  Returns the count, 0 at
 * end of file.  A read error is recorded as the fault and looks like the
 * end of the file from then on.
 */
static size_t
read_some(struct reader *r, void *buf, size_t cap)
{
	ssize_t n;

	if (r->in_eof)
		return 0;
	do
		n = read(r->fd, buf, cap);
	while (n == -1 && errno == EINTR);
	if (n <= 0) {
		if (n == -1 && r->fault == FAULT_NONE) {
			r->fault = FAULT_READ;
			r->fault_errno = errno;
			r->fault_off = r->bytes_in;
		}
		r->in_eof = true;
		return 0;
	}
	r->bytes_in += (uint64_t)n;
	return (size_t)n;
}

/*
 * sniff - read the first bytes (at least a gzip header, unless the file
 * is shorter) into r->in.  Returns the count, or -1 with a message in err
 * when the very first read fails.
 */
static ssize_t
sniff(struct reader *r, struct sbuf *err)
{
	size_t got = 0, n;

	while (got < SNIFF_LEN) {
		if ((n = read_some(r, r->in + got, IN_SIZE - got)) == 0)
			break;
		got += n;
	}
	if (got == 0 && r->fault == FAULT_READ) {
		add_errno(err, "read", r->name, r->fault_errno);
		return -1;
	}
	return (ssize_t)got;
}

/* Formats recognized only to refuse them, rather than read them as text. */
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
 * format the reader cannot inflate.  A bzip2 stream must also show its
 * block size and first block magic, so that text starting with "BZh" is
 * still text.
 */
static int
refuse(struct reader *r, size_t got, struct sbuf *err)
{
	const struct magic *m;
	size_t i;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		m = &unsupported[i];
		if (got < m->len || memcmp(r->in, m->bytes, m->len) != 0)
			continue;
		if (m->len == 3 && (got < 10 || r->in[3] < '1' ||
		    r->in[3] > '9' || memcmp(r->in + 4, "1AY&SY", 6) != 0))
			continue;
		sbuf_adds(err, "cannot read '");
		escape_text(err, r->name, strlen(r->name), 0);
		sbuf_addf(err, "': %s compression is not supported", m->name);
		return -1;
	}
	return 0;
}

/* start_gzip - set up inflate over the first got bytes in r->in. */
static int
start_gzip(struct reader *r, size_t got, struct sbuf *err)
{
	const unsigned char *h = r->in;

	r->comp = COMP_GZIP;
	if (got >= 8)
		r->gz_mtime = (uint32_t)h[4] | (uint32_t)h[5] << 8 |
		    (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
	if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK) {
		sbuf_adds(err, "cannot read '");
		escape_text(err, r->name, strlen(r->name), 0);
		sbuf_addf(err, "': zlib: %s",
		    r->zs.msg != NULL ? r->zs.msg : "out of memory");
		return -1;
	}
	r->zs_live = true;
	r->zs.next_in = r->in;
	r->zs.avail_in = (uInt)got;
	return 0;
}

/* start_plain - the sniffed bytes are text: they open the line buffer. */
static void
start_plain(struct reader *r, size_t got)
{
	r->comp = COMP_NONE;
	memcpy(r->out, r->in, got);
	r->end = got;
	r->bytes_out = got;
}

struct reader *
reader_open(const char *path, const char *name, struct sbuf *err)
{
	struct reader *r;
	ssize_t got;

	r = xcalloc(1, sizeof(*r));
	r->fd = -1;
	r->name = xstrdup(name != NULL ? name : path);
	r->in = xmalloc(IN_SIZE);
	r->out = xmalloc(OUT_SIZE);
	if (open_fd(r, path, err) == -1 || (got = sniff(r, err)) == -1 ||
	    refuse(r, (size_t)got, err) == -1)
		goto fail;
	if (got >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		if (start_gzip(r, (size_t)got, err) == -1)
			goto fail;
	} else
		start_plain(r, (size_t)got);
	return r;
fail:
	reader_free(r);
	return NULL;
}

void
reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	if (r->zs_live)
		inflateEnd(&r->zs);
	if (r->close_fd && r->fd != -1)
		close(r->fd);
	free(r->out);
	free(r->in);
	free(r->name);
	free(r);
}

/* set_corrupt - record a zlib error at the current input position. */
static void
set_corrupt(struct reader *r, int ret)
{
	const char *why = r->zs.msg;

	if (why == NULL)
		why = ret == Z_MEM_ERROR ? "out of memory" : "bad data";
	r->fault = FAULT_CORRUPT;
	r->fault_off = r->bytes_in - r->zs.avail_in;
	snprintf(r->fault_msg, sizeof(r->fault_msg), "%s", why);
}

/*
 * next_member - after the end of a gzip member: true when another member
 * follows (the stream is reset for it), false at the end of the data.
 * Zero padding after the last member is ignored silently, other trailing
 * bytes with a warning.
 */
static bool
next_member(struct reader *r)
{
	if (r->zs.avail_in == 0) {
		r->zs.next_in = r->in;
		r->zs.avail_in = (uInt)read_some(r, r->in, IN_SIZE);
		if (r->zs.avail_in == 0)
			return false;
	}
	if (r->zs.next_in[0] == 0x1f) {
		inflateReset(&r->zs);
		r->member_end = false;
		return true;
	}
	if (r->zs.next_in[0] != 0)
		diag_warn(r->name, 0, "trailing garbage after gzip data at "
		    "offset %" PRIu64 " ignored", r->bytes_in - r->zs.avail_in);
	return false;
}

/*
 * inflate_step - one inflate() call into the free end of the line buffer.
 * Returns the number of bytes produced; sets r->done when no more can
 * come (end of the data, or a fault).  Input that ends inside a member
 * shows as Z_BUF_ERROR once zlib has flushed all it holds.
 */
static size_t
inflate_step(struct reader *r)
{
	size_t room = OUT_SIZE - r->end;
	int ret;

	if (r->zs.avail_in == 0) {
		r->zs.next_in = r->in;
		r->zs.avail_in = (uInt)read_some(r, r->in, IN_SIZE);
	}
	if (r->member_end && !next_member(r)) {
		r->done = true;
		return 0;
	}
	r->zs.next_out = (unsigned char *)r->out + r->end;
	r->zs.avail_out = (uInt)room;
	ret = inflate(&r->zs, Z_NO_FLUSH);
	room -= r->zs.avail_out;
	if (ret == Z_STREAM_END)
		r->member_end = true;
	else if (ret == Z_BUF_ERROR && r->zs.avail_in == 0 && r->in_eof) {
		if (r->fault == FAULT_NONE) {
			r->fault = FAULT_TRUNCATED;
			r->fault_off = r->bytes_in;
		}
		r->done = true;
	} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		set_corrupt(r, ret);
		r->done = true;
	}
	return room;
}

/* fill - add text at r->end; sets r->done at the end of the input. */
static void
fill(struct reader *r)
{
	size_t n = 0;

	if (r->comp == COMP_GZIP) {
		while (n == 0 && !r->done)
			n = inflate_step(r);
	} else if ((n = read_some(r, r->out + r->end, OUT_SIZE - r->end)) ==
	    0)
		r->done = true;
	r->end += n;
	r->bytes_out += n;
}

/* refill - move the partial line to the front, then add text after it. */
static void
refill(struct reader *r)
{
	size_t tail = r->end - r->pos;

	if (r->pos > 0) {
		memmove(r->out, r->out + r->pos, tail);
		r->scan -= r->pos;
		r->pos = 0;
		r->end = tail;
	}
	fill(r);
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

	if (r->skipping && !skip_rest(r))
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

/* report_fault - the one warning about a damaged file. */
static void
report_fault(struct reader *r)
{
	if (r->fault == FAULT_NONE || r->warned)
		return;
	r->warned = true;
	switch (r->fault) {
	case FAULT_TRUNCATED:
		diag_warn(r->name, 0, "truncated gzip member at offset %"
		    PRIu64 "; kept the %" PRIu64 " lines read so far",
		    r->fault_off, r->lineno);
		break;
	case FAULT_CORRUPT:
		diag_warn(r->name, 0, "corrupt gzip data at offset %" PRIu64
		    " (%s); kept the %" PRIu64 " lines read so far",
		    r->fault_off, r->fault_msg, r->lineno);
		break;
	default:
		diag_warn(r->name, 0, "read error at offset %" PRIu64
		    ": %s; kept the %" PRIu64 " lines read so far",
		    r->fault_off, strerror(r->fault_errno), r->lineno);
		break;
	}
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
	return r->fault != FAULT_NONE;
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
