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
void	csv_out_u64(struct csv_out *, uint64_t);
/* csv_out_header - a whole header row from a comma-separated list. */
int	csv_out_header(struct csv_out *, const char *names);
/*
 * csv_out_end - end the row; it is written once 64 KiB of rows are
 * buffered.  Returns -1 on a write error (errno set).
 */
int	csv_out_end(struct csv_out *);
/* csv_out_flush - write every buffered row; -1 on a write error. */
int	csv_out_flush(struct csv_out *);

#endif
