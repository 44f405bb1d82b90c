/*
 * io/out_csv.c - CSV rows with escaping, formula neutralization and
 * libcsv quoting.  Buffers are reused row after row: no allocation once
 * warm.
 */
#include "io/out_csv.h"

#include <csv.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "io/escape.h"

void
csv_out_init(struct csv_out *c, FILE *fp)
{
	c->fp = fp;
	sbuf_init(&c->row);
	sbuf_init(&c->cell);
	sbuf_init(&c->quoted);
	c->ncells = 0;
}

void
csv_out_release(struct csv_out *c)
{
	sbuf_release(&c->row);
	sbuf_release(&c->cell);
	sbuf_release(&c->quoted);
}

/* needs_quotes - RFC 4180: separators, quotes, line breaks, edge spaces. */
static bool
needs_quotes(const char *p, size_t n)
{
	if (n == 0)
		return false;
	if (p[0] == ' ' || p[n - 1] == ' ')
		return true;
	return memchr(p, ',', n) != NULL || memchr(p, '"', n) != NULL ||
	    memchr(p, '\n', n) != NULL || memchr(p, '\r', n) != NULL;
}

/* add_cell - append the prepared cell text to the row. */
static void
add_cell(struct csv_out *c, const char *p, size_t n)
{
	size_t need;

	if (c->ncells++ > 0)
		sbuf_addc(&c->row, ',');
	if (!needs_quotes(p, n)) {
		sbuf_add(&c->row, p, n);
		return;
	}
	need = csv_write(NULL, 0, p, n);
	sbuf_reset(&c->quoted);
	sbuf_grow(&c->quoted, need);
	csv_write(c->quoted.buf, need, p, n);
	sbuf_add(&c->row, c->quoted.buf, need);
}

void
csv_out_text(struct csv_out *c, const char *p, size_t len)
{
	sbuf_reset(&c->cell);
	escape_csv_cell(&c->cell, p, len);
	add_cell(c, c->cell.buf, c->cell.len);
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
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	add_cell(c, b, (size_t)n);
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
csv_out_end(struct csv_out *c)
{
	size_t want, n;

	sbuf_addc(&c->row, '\n');
	want = c->row.len;
	n = fwrite(c->row.buf, 1, want, c->fp);
	sbuf_reset(&c->row);
	c->ncells = 0;
	return n == want && !ferror(c->fp) ? 0 : -1;
}
