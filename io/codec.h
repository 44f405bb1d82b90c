/*
 * io/codec.h - the decompressors behind io/reader (internal to io/).
 *
 * A codec turns the compressed bytes of one file into text, a buffer at a
 * time.  The reader owns the input (struct codec_in: the descriptor, a
 * read buffer, byte counts and the one fault of the file); a codec pulls
 * from it with codec_in_read() and records damage with codec_in_fault().
 * Every codec reads concatenated streams (gzip members, bzip2 streams, xz
 * streams, zstd frames) as one text, ignores zero padding after the last
 * one, and reports other trailing bytes through codec_in_garbage().
 *
 * Codecs may run on the reader's decompression thread: they touch only
 * their own state and the codec_in they are given, and never write to
 * stderr.
 */
#ifndef SUBSUBMIT_IO_CODEC_H
#define SUBSUBMIT_IO_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "io/reader.h"

enum codec_fault {
	CODEC_OK = 0,
	CODEC_TRUNCATED,	/* the input ended inside a stream */
	CODEC_CORRUPT,		/* the decompressor refused the data */
	CODEC_READ,		/* read(2) failed */
};

struct codec_in {
	int		 fd;
	unsigned char	*buf;
	size_t		 cap;
	unsigned char	*next;		/* unread bytes of buf */
	size_t		 avail;
	bool		 eof;		/* read(2) returned 0 or failed */
	uint64_t	 bytes_in;	/* bytes read so far */

	enum codec_fault fault;
	uint64_t	 fault_off;	/* compressed offset of the fault */
	int		 fault_errno;	/* CODEC_READ */
	char		 fault_msg[80];	/* CODEC_CORRUPT: the library's reason */
	bool		 garbage;	/* non-zero bytes after the last stream */
	uint64_t	 garbage_off;
};

/*
 * codec_in_read - when no input is left, read more.  Returns the bytes now
 * available, 0 at the end of the file (or after a read error, which is
 * recorded as the fault).
 */
size_t	codec_in_read(struct codec_in *);

/*
 * codec_in_read_into - read(2) up to cap bytes into buf (not the input
 * buffer: plain text goes straight to its block).  Returns the count, 0
 * at the end of the file or after a read error, recorded as the fault.
 */
size_t	codec_in_read_into(struct codec_in *, void *buf, size_t cap);

/* codec_in_fault - record the file's first fault at the current offset. */
void	codec_in_fault(struct codec_in *, enum codec_fault, const char *why);

/*
 * codec_in_trailer - after the end of a stream: true when another stream
 * starts with byte magic0 (nothing is consumed), false at the end of the
 * data.  Zero padding is ignored silently, other bytes are noted as
 * garbage and end the data.
 */
bool	codec_in_trailer(struct codec_in *, unsigned char magic0);

struct codec {
	const char	*name;		/* "gzip", "bzip2", "xz", "zstd" */
	const char	*unit;		/* "member", "stream", "frame" */
	enum reader_comp comp;
	const char	*(*library)(void);	/* "zlib 1.2.13", for --version */
	/* sniff - the first n bytes (n >= 10 unless the file is shorter). */
	bool		(*sniff)(const unsigned char *p, size_t n);
	/* start - state for a new file, or NULL when out of memory. */
	void		*(*start)(void);
	/*
	 * step - up to room bytes of text at out; returns the count.  Sets
	 * *done (and the fault, if any) when no more text can come.  A step
	 * may return 0 without being done (a stream header, a new member).
	 */
	size_t		(*step)(void *st, struct codec_in *in,
	    unsigned char *out, size_t room, bool *done);
	void		(*end)(void *st);
};

/*
 * The codecs built in, in the order they are tried; NULL-terminated.
 * gzip is inflated with ISA-L when the build has it (unless the
 * environment sets SUBSUBMIT_INFLATE=zlib), else with zlib.
 */
const struct codec *const *codec_list(void);

extern const struct codec codec_gzip_zlib;
#ifdef HAVE_ISAL
extern const struct codec codec_gzip_isal;
#endif
#ifdef HAVE_BZIP2
extern const struct codec codec_bzip2;
#endif
#ifdef HAVE_LZMA
extern const struct codec codec_xz;
#endif
#ifdef HAVE_ZSTD
extern const struct codec codec_zstd;
#endif

#endif
