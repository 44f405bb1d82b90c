/*
 * io/reader.h - one input file as a stream of bounded lines.
 *
 * Compression is recognized by magic bytes, never by name: gzip (1f 8b,
 * multi-member, inflated with ISA-L or zlib), bzip2, xz and zstd when the
 * build has their libraries (io/codec.h), or plain text; a file named .gz
 * that is not gzip is read as text.  A truncated or corrupt stream keeps
 * every line read so far: the reader warns once with the file name and
 * the compressed offset and then reports end of file.
 *
 * Lines are length-delimited spans (NUL bytes are data).  A line longer
 * than the cap (8 KiB by default) is returned cut at the cap with
 * reader_line_cut() true; the rest up to the newline is dropped and
 * counted, never returned as a second line.  A final line without a
 * newline is returned.  A trailing CR is kept (it is data).
 *
 * Memory is fixed per reader (about 1.3 MiB of buffers), whatever the
 * input: a gigabyte without a newline costs no more than a short line.
 * Files compressed in a format whose library the build lacks are
 * recognized by their magic bytes and refused by reader_open() rather
 * than read as text.
 */
#ifndef SUBSUBMIT_IO_READER_H
#define SUBSUBMIT_IO_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "io/sbuf.h"
#include "io/span.h"

enum reader_comp {
	COMP_NONE = 0,
	COMP_GZIP,
	COMP_BZIP2,
	COMP_XZ,
	COMP_ZSTD,
};

#define READER_LINE_CAP	8192

struct reader;

/*
 * reader_open - open path ("-" is standard input) and sniff its format.
 * name is the display name used in messages (a copy is kept; NULL means
 * path).  Returns NULL with a message appended to err when the file
 * cannot be opened or read ("cannot open 'x': Permission denied", "cannot
 * open 'x': Is a directory", "cannot read 'x': xz compression is not
 * supported").  Standard input is read but never closed.
 */
struct reader *reader_open(const char *path, const char *name,
    struct sbuf *err);

/*
 * reader_prefetch - read and decompress on a thread of its own from now
 * on, ahead of the caller, so that reading and parsing overlap.  Plain
 * text too: copying it out of the page cache cost the parsing thread a
 * tenth of its time.  Call it before the first reader_next(); a no-op
 * when no thread can be started.  The lines, counts and warnings are the
 * same either way.
 */
void	reader_prefetch(struct reader *);

/*
 * reader_defer_warnings - keep the warning about a damaged file (and any
 * trailing garbage) for reader_warnings() instead of printing it, so that
 * a caller reading on another thread can print it in order.
 */
void	reader_defer_warnings(struct reader *);

/* reader_warnings - the kept warnings, one per line; "" when none. */
const char *reader_warnings(const struct reader *);

/* reader_free - close and free (stopping the thread); NULL is a no-op. */
void	reader_free(struct reader *);

/*
 * reader_next - the next line (without its newline) in *line, valid until
 * the next call; *lineno counts physical lines of the decompressed file
 * from 1 (a cut line counts once, however long it was).  Returns 1 for a
 * line, 0 at end of input, and 0 again on later calls.  After a truncated
 * or corrupt member or a read error the lines before the damage are still
 * returned, the last one possibly partial; the one warning is given by
 * the call that returns 0, so that it can say how many lines were kept.
 */
int	reader_next(struct reader *, struct span *line, uint64_t *lineno);

/* reader_line_cut - true when the last line returned was over the cap. */
bool	reader_line_cut(const struct reader *);

enum reader_comp reader_compression(const struct reader *);
const char *reader_comp_name(enum reader_comp);

/* reader_gzip_mtime - MTIME of the first gzip member header, 0 if none. */
uint32_t reader_gzip_mtime(const struct reader *);

/* reader_file_mtime - st_mtime of the file; false for pipes/stdin. */
bool	reader_file_mtime(const struct reader *, int64_t *mtime);

/* Byte counters: compressed bytes read, decompressed bytes produced. */
uint64_t reader_bytes_in(const struct reader *);
uint64_t reader_bytes_out(const struct reader *);

/*
 * reader_damaged - a truncated/corrupt member or read error was seen.
 * It turns true when the damage is met, which may be before the lines
 * in front of it have all been returned.
 */
bool	reader_damaged(const struct reader *);

/* reader_overlong - number of lines cut at the cap so far. */
uint64_t reader_overlong(const struct reader *);

/* reader_file_size - size of the (compressed) file, 0 when unknown. */
uint64_t reader_file_size(const struct reader *);

/* reader_codecs - "gzip (zlib 1.2.13), xz (liblzma 5.4.1)..." into out. */
void	reader_codecs(struct sbuf *out);

#endif
