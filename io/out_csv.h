/*
 * io/out_csv.h - CSV rows (RFC 4180) for spreadsheets and scripts.
 *
 * Text cells from logs are escaped (io/escape.h), neutralized against
 * formula injection (a leading '=', '+', '-', '@', TAB or CR gets an
 * apostrophe) and quoted by libcsv when they hold a comma, quote or
 * space at either end.  Numbers we format ourselves are written as they
 * are.  Rows are built in memory and written in blocks of about 64 KiB.
 */
#ifndef SUBSUBMIT_IO_OUT_CSV_H
#define SUBSUBMIT_IO_OUT_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "io/sbuf.h"

struct csv_out {
	FILE		*fp;
	struct sbuf	 row;
	struct sbuf	 cell;
	int		 ncells;
};

void	csv_out_init(struct csv_out *, FILE *);
/*
 * csv_out_release - write the rows still buffered, then free.  A write
 * error shows in ferror(fp); call csv_out_flush() first to see it here.
 */
void	csv_out_release(struct csv_out *);

/* csv_out_text - a cell of untrusted text (escaped, neutralized). */
void	csv_out_text(struct csv_out *, const char *p, size_t len);
/*
 * csv_out_raw_text - a cell written back exactly as given (quoted if
 * needed, not escaped): only for files this program reads back itself,
 * never for output meant for people or spreadsheets.
 */
void	csv_out_raw_text(struct csv_out *, const char *p, size_t len);
/* csv_out_str - a cell of text this program produced (quoted if needed). */
void	csv_out_str(struct csv_out *, const char *s);
/* csv_out_strn - csv_out_str() of the n bytes at s (no NUL needed). */
void	csv_out_strn(struct csv_out *, const char *s, size_t n);
/*
 * csv_out_format_text, csv_out_format_str - append to out the cell that
 * csv_out_text(), csv_out_strn() would write, without the comma before
 * it: for text repeated row after row (a file name), to be added with
 * csv_out_cell().
 */
void	csv_out_format_text(struct sbuf *out, const char *p, size_t len);
void	csv_out_format_str(struct sbuf *out, const char *s, size_t n);
/*
 * csv_out_cell - a cell made by csv_out_format_text() or _str(), written
 * as it is.  Never give it anything else: it neither escapes nor quotes.
 */
void	csv_out_cell(struct csv_out *, const char *cell, size_t len);
void	csv_out_u64(struct csv_out *, uint64_t);
/* csv_out_header - a whole header row from a comma-separated list. */
int	csv_out_header(struct csv_out *, const char *names);
/*
 * csv_out_end - end the row; it is written once 64 KiB of rows are
 * buffered.  Returns -1 on a write error (errno set).
 */
int	csv_out_end(struct csv_out *);
/*
 * A cell of a row given whole to csv_out_row(): p[0..len) for the text
 * types, v for CSV_U64 (len 0).
 */
enum csv_cell_type {
	CSV_TEXT,		/* untrusted text, as csv_out_text() */
	CSV_STR,		/* our own text, as csv_out_strn() */
	CSV_CELL,		/* made by csv_out_format_*(), as csv_out_cell() */
	CSV_U64,		/* a number, as csv_out_u64() */
};

struct csv_cell {
	enum csv_cell_type	 type;
	const char		*p;
	size_t			 len;
	uint64_t		 v;
};

/*
 * csv_out_row - a whole row: the n cells, written as the functions
 * above write them, then csv_out_end() (and its return value).  Cheaper
 * than a call per cell: the row's room is reserved once.
 */
int	csv_out_row(struct csv_out *, const struct csv_cell *v, size_t n);
/* csv_out_flush - write every buffered row; -1 on a write error. */
int	csv_out_flush(struct csv_out *);

#endif
