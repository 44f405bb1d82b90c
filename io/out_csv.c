/*
 * io/out_csv.c - CSV rows with escaping, formula neutralization and
 * libcsv quoting.  Buffers are reused row after row: no allocation once
 * warm.  Rows collect in one buffer written in blocks of about 64 KiB;
 * "subsubmit events" writes a row for nearly every log line, so a write
 * per row and a full escaping pass per cell showed up in profiles.
 */
#include "io/out_csv.h"

#include <csv.h>
#include <stdbool.h>
#include <string.h>

#include "io/escape.h"
#include "io/numfmt.h"

#define FLUSH_AT	(64 * 1024)	/* bytes of rows written at once */

/*
 * fast[c] - bytes a cell can hold and stay as it is: printable ASCII but
 * not the backslash (escaped), DEL, the comma or the quote (quoted).
 */
#define F4	1, 1, 1, 1
static const unsigned char fast[256] = {
	[0x20] = 1, 1, 0, 1, F4, 1, 1, 1, 1, 0, 1, 1, 1,	/* '"' ',' */
	F4, F4, F4, F4,					/* 0x30-0x3f */
	F4, F4, F4, F4,					/* 0x40-0x4f */
	F4, F4, F4, 0, 1, 1, 1,				/* 0x50-0x5f, '\\' */
	F4, F4, F4, F4,					/* 0x60-0x6f */
	F4, F4, F4, 1, 1, 1, 0,				/* 0x70-0x7f, DEL */
};

/* plain_cell - true when p[0..n) can be copied without any change. */
static inline bool
plain_cell(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (n == 0)
		return true;
	if (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' ||
	    p[0] == ' ' || p[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if (!fast[p[i]])
			return false;
	return true;
}

void
csv_out_init(struct csv_out *c, FILE *fp)
{
	c->fp = fp;
	sbuf_init(&c->row);
	sbuf_init(&c->cell);
	c->ncells = 0;
}

void
csv_out_release(struct csv_out *c)
{
	(void)csv_out_flush(c);
	sbuf_release(&c->row);
	sbuf_release(&c->cell);
}

/* needs_quotes - RFC 4180: separators, quotes, line breaks, edge spaces. */
static bool
needs_quotes(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	if (p[0] == ' ' || p[n - 1] == ' ')
		return true;
	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r')
			return true;
	return false;
}

/* quote_tail - quote the cell text at row[start..] in place. */
static void
quote_tail(struct csv_out *c, size_t start)
{
	size_t n = c->row.len - start, need;

	sbuf_reset(&c->cell);
	sbuf_add(&c->cell, c->row.buf + start, n);
	c->row.len = start;
	/* Quoted, a cell is at most twice as long plus its two quotes. */
	sbuf_grow(&c->row, 2 * n + 2);
	need = csv_write(c->row.buf + start, 2 * n + 2, c->cell.buf, n);
	c->row.len = start + need;
	c->row.buf[c->row.len] = '\0';
}

/* add_cell - append a cell of text that needs no escaping. */
static void
add_cell(struct csv_out *c, const char *p, size_t n)
{
	size_t start;

	if (c->ncells++ > 0)
		sbuf_addc(&c->row, ',');
	start = c->row.len;
	sbuf_add(&c->row, p, n);
	if (needs_quotes(p, n))
		quote_tail(c, start);
}

void
csv_out_text(struct csv_out *c, const char *p, size_t len)
{
	size_t start;

	if (c->ncells++ > 0)
		sbuf_addc(&c->row, ',');
	if (plain_cell(p, len)) {
		sbuf_add(&c->row, p, len);
		return;
	}
	start = c->row.len;
	escape_csv_cell(&c->row, p, len);
	if (needs_quotes(c->row.buf + start, c->row.len - start))
		quote_tail(c, start);
}

void
csv_out_raw_text(struct csv_out *c, const char *p, size_t len)
{
	add_cell(c, p, len);
}

void
csv_out_str(struct csv_out *c, const char *s)
{
	add_cell(c, s, strlen(s));
}

void
csv_out_u64(struct csv_out *c, uint64_t v)
{
	char b[24];

	add_cell(c, b, fmt_u64(b, v));
}

int
csv_out_header(struct csv_out *c, const char *names)
{
	sbuf_reset(&c->row);
	c->ncells = 0;
	sbuf_adds(&c->row, names);
	c->ncells = 1;
	return csv_out_end(c);
}

int
csv_out_flush(struct csv_out *c)
{
	size_t want = c->row.len, n;

	if (want == 0)
		return ferror(c->fp) ? -1 : 0;
	n = fwrite(c->row.buf, 1, want, c->fp);
	sbuf_reset(&c->row);
	return n == want && !ferror(c->fp) ? 0 : -1;
}

int
csv_out_end(struct csv_out *c)
{
	sbuf_addc(&c->row, '\n');
	c->ncells = 0;
	if (c->row.len < FLUSH_AT)
		return 0;
	return csv_out_flush(c);
}
