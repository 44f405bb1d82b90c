/*
 * io/out_csv.c - CSV rows with escaping, formula neutralization and
 * libcsv quoting.  Buffers are reused row after row: no allocation once
 * warm.  Rows collect in one buffer written in blocks of about 64 KiB;
 * "subsubmit events" writes a row for nearly every log line, so a write
 * per row and a full escaping pass per cell showed up in profiles.
 *
 * Most cells are plain printable ASCII.  One look at their bytes (16 at
 * a time where SSE2 is there) tells whether escape_csv_cell() would
 * change them and whether they need quotes; plain cells are then copied
 * straight into the row, an apostrophe or a pair of quotes added as the
 * general rules would add them.  Every other cell goes the general way:
 * escape_csv_cell(), needs_quotes(), csv_write().  tests/test_out_csv.c
 * holds the fast way to the general one, byte for byte.
 */
#include "io/out_csv.h"

#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdbool.h>
#include <string.h>

#include "io/escape.h"
#include "io/numfmt.h"
#include "io/xalloc.h"

#define FLUSH_AT	(64 * 1024)	/* bytes of rows written at once */
#define ROW_EXTRA	24	/* a cell's bytes beyond its text, and a NUL */

/*
 * What the bytes of a cell ask for.  K_SLOW: escaping (control bytes,
 * DEL, the backslash, every non-ASCII byte: what escape_text() changes)
 * or a quote (doubled when quoted).  K_SEP: quoting, for the comma.  The
 * other bytes are printable ASCII that every cell copies as it is.
 */
#define K_SLOW	1
#define K_SEP	2

#define S4	K_SLOW, K_SLOW, K_SLOW, K_SLOW
#define S16	S4, S4, S4, S4
static const unsigned char cls[256] = {
	S16, S16,					/* 0x00-0x1f */
	[0x22] = K_SLOW, [0x2c] = K_SEP, [0x5c] = K_SLOW, /* '"' ',' '\\' */
	[0x7f] = K_SLOW, S16, S16, S16, S16, S16, S16, S16, S16,
};

/*
 * lead[c] - a first byte that gets the apostrophe (CWE-1236), as in
 * escape_csv_cell(); TAB and CR are K_SLOW and take its own way.
 */
static const unsigned char lead[256] = {
	['='] = 1, ['+'] = 1, ['-'] = 1, ['@'] = 1, ['\t'] = 1, ['\r'] = 1,
};

/* classify_bytes - the K_* bits of p[0..n), a byte at a time. */
static inline unsigned
classify_bytes(const unsigned char *p, size_t n)
{
	unsigned k = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		k |= cls[p[i]] | cls[p[i + 1]] | cls[p[i + 2]] |
		    cls[p[i + 3]];
	for (; i < n; i++)
		k |= cls[p[i]];
	return k;
}

#ifdef __SSE2__
/*
 * classify - the K_* bits of p[0..n), sixteen bytes at a time.  Every
 * test looks at whole blocks of real bytes of the cell: the last block
 * overlaps the one before, a short cell is loaded twice over itself.
 * A signed compare takes bytes from 0x80 up as below 0x20.
 */
static inline unsigned
classify(const unsigned char *p, size_t n)
{
	__m128i slow = _mm_setzero_si128(), sp = slow, v;
	uint32_t lo, hi;
	size_t i;

#define TEST(v) do {							\
	slow = _mm_or_si128(slow, _mm_or_si128(				\
	    _mm_or_si128(_mm_cmplt_epi8((v), _mm_set1_epi8(0x20)),	\
	    _mm_cmpeq_epi8((v), _mm_set1_epi8(0x7f))),			\
	    _mm_or_si128(_mm_cmpeq_epi8((v), _mm_set1_epi8('\\')),	\
	    _mm_cmpeq_epi8((v), _mm_set1_epi8('"')))));			\
	sp = _mm_or_si128(sp, _mm_cmpeq_epi8((v), _mm_set1_epi8(',')));	\
} while (0)
	if (n < 4)
		return classify_bytes(p, n);
	if (n < 8) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4);
		v = _mm_set_epi32((int)hi, (int)lo, (int)hi, (int)lo);
		TEST(v);
	} else if (n < 16) {
		v = _mm_unpacklo_epi64(_mm_loadl_epi64((const void *)p),
		    _mm_loadl_epi64((const void *)(p + n - 8)));
		TEST(v);
	} else {
		for (i = 0; i + 16 < n; i += 16) {
			v = _mm_loadu_si128((const void *)(p + i));
			TEST(v);
		}
		v = _mm_loadu_si128((const void *)(p + n - 16));
		TEST(v);
	}
#undef TEST
	return (_mm_movemask_epi8(slow) != 0 ? K_SLOW : 0) |
	    (_mm_movemask_epi8(sp) != 0 ? K_SEP : 0);
}
#else
static inline unsigned
classify(const unsigned char *p, size_t n)
{
	return classify_bytes(p, n);
}
#endif

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

/* quote_tail - quote the cell text at out[start..] in place. */
static void
quote_tail(struct sbuf *out, struct sbuf *tmp, size_t start)
{
	size_t n = out->len - start, need;

	sbuf_reset(tmp);
	sbuf_add(tmp, out->buf + start, n);
	out->len = start;
	/* Quoted, a cell is at most twice as long plus its two quotes. */
	sbuf_grow(out, 2 * n + 2);
	need = csv_write(out->buf + start, 2 * n + 2, tmp->buf, n);
	out->len = start + need;
	out->buf[out->len] = '\0';
}

/* sep - the comma before every cell but the first of a row. */
static inline void
sep(struct csv_out *c)
{
	if (c->ncells++ > 0)
		c->row.buf[c->row.len++] = ',';
}

/*
 * copy - memcpy() of a cell, inline for short cells: at most two moves
 * of a fixed size, which may overlap, each inside both p[0..n) and d.
 */
static inline void
copy(char *d, const char *p, size_t n)
{
	if (n > 16)
		memcpy(d, p, n);
	else if (n >= 8) {
		memcpy(d, p, 8);
		memcpy(d + n - 8, p + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, p, 4);
		memcpy(d + n - 4, p + n - 4, 4);
	} else if (n > 0) {
		d[0] = p[0];
		d[n / 2] = p[n / 2];
		d[n - 1] = p[n - 1];
	}
}

/* put_text_slow - put_text() of text that has to be escaped. */
static void
put_text_slow(struct sbuf *out, struct sbuf *tmp, const char *p, size_t len)
{
	size_t start = out->len;

	escape_csv_cell(out, p, len);
	if (needs_quotes(out->buf + start, out->len - start))
		quote_tail(out, tmp, start);
}

/*
 * text_fast - write the cell of p[0..len) at d and return its end, when
 * the text needs no escaping and holds no quote; NULL for any other
 * text, which takes the general way (put_text_slow()).  d has room for
 * len + 3 bytes and a NUL.
 *
 * This is the common case: escape_csv_cell() would give the text itself
 * behind the apostrophe that a leading '=' '+' '-' '@' gets, and
 * needs_quotes() would ask for quotes for a comma or an edge space only,
 * which csv_write() would put at either end and nowhere else.  So the
 * cell is written here in one copy.
 */
static inline char *
text_fast(char *d, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned k;
	bool quote;

	if (len == 0)
		return d;
	k = classify(p, len);
	if ((k & K_SLOW) != 0)
		return NULL;
	quote = k != 0 || p[0] == ' ' || p[len - 1] == ' ';
	if (quote)
		*d++ = '"';
	if (lead[p[0]])
		*d++ = '\'';
	copy(d, s, len);
	d += len;
	if (quote)
		*d++ = '"';
	return d;
}

/* str_plain - true when csv_out_strn() writes s[0..n) as it is. */
static inline bool
str_plain(const char *s, size_t n)
{
	return n == 0 || (classify((const unsigned char *)s, n) == 0 &&
	    s[0] != ' ' && s[n - 1] != ' ');
}

/*
 * put_raw - append a cell of text that needs no escaping.  Text without
 * a comma, quote, line break or edge space is copied; the rest takes the
 * general way (needs_quotes(), then libcsv).
 */
static inline void
put_raw(struct sbuf *out, struct sbuf *tmp, const char *p, size_t n)
{
	size_t start = out->len;

	sbuf_grow(out, n);
	copy(out->buf + start, p, n);
	out->len = start + n;
	out->buf[out->len] = '\0';
	if (!str_plain(p, n) && needs_quotes(p, n))
		quote_tail(out, tmp, start);
}

/* put_text - append the escaped, neutralized and quoted cell text. */
static inline void
put_text(struct sbuf *out, struct sbuf *tmp, const char *s, size_t len)
{
	char *d;

	sbuf_grow(out, len + 3);
	d = text_fast(out->buf + out->len, s, len);
	if (d == NULL) {
		put_text_slow(out, tmp, s, len);
		return;
	}
	*d = '\0';
	out->len = (size_t)(d - out->buf);
}

void
csv_out_text(struct csv_out *c, const char *p, size_t len)
{
	sbuf_grow(&c->row, 1);
	sep(c);
	put_text(&c->row, &c->cell, p, len);
}

/* need_add - a + b, or exit 71 when that overflows. */
static inline size_t
need_add(size_t a, size_t b)
{
	return a + b >= a ? a + b : st_add(a, b);
}

/*
 * put_cell - the general way for cell v of a row, at the end of c->row:
 * text to escape, or our text to quote.
 */
static void
put_cell(struct csv_out *c, const struct csv_cell *v)
{
	if (v->type == CSV_TEXT)
		put_text_slow(&c->row, &c->cell, v->p, v->len);
	else
		put_raw(&c->row, &c->cell, v->p, v->len);
}

/*
 * row_cell - write cell v at d and return its end; NULL when the cell
 * takes the general way.  d has room for v->len + 21 bytes.
 */
static inline char *
row_cell(char *d, const struct csv_cell *v)
{
	switch (v->type) {
	case CSV_TEXT:
		return text_fast(d, v->p, v->len);
	case CSV_STR:
		if (!str_plain(v->p, v->len))
			return NULL;
		/* FALLTHROUGH */
	case CSV_CELL:
		copy(d, v->p, v->len);
		return d + v->len;
	case CSV_U64:
		return d + fmt_u64(d, v->v);
	}
	return NULL;
}

int
csv_out_row(struct csv_out *c, const struct csv_cell *v, size_t n)
{
	bool comma = c->ncells > 0;
	size_t i, room;
	char *d, *end;

	d = c->row.buf + c->row.len;
	end = c->row.buf + c->row.cap;
	for (i = 0; i < n; i++) {
		char *e;

		/* The comma, two quotes and the apostrophe, or 20 digits. */
		room = (size_t)(end - d);
		if (room < ROW_EXTRA || v[i].len > room - ROW_EXTRA) {
			c->row.len = (size_t)(d - c->row.buf);
			sbuf_grow(&c->row, need_add(v[i].len, ROW_EXTRA));
			d = c->row.buf + c->row.len;
			end = c->row.buf + c->row.cap;
		}
		if (comma)
			*d++ = ',';
		comma = true;
		if ((e = row_cell(d, &v[i])) != NULL) {
			d = e;
			continue;
		}
		/* Rare: the general way grows the row as it goes. */
		c->row.len = (size_t)(d - c->row.buf);
		put_cell(c, &v[i]);
		d = c->row.buf + c->row.len;
		end = c->row.buf + c->row.cap;
	}
	c->row.len = (size_t)(d - c->row.buf);
	return csv_out_end(c);
}

void
csv_out_format_text(struct sbuf *out, const char *p, size_t len)
{
	struct sbuf tmp;

	sbuf_init(&tmp);
	put_text(out, &tmp, p, len);
	sbuf_release(&tmp);
}

void
csv_out_format_str(struct sbuf *out, const char *s, size_t n)
{
	struct sbuf tmp;

	sbuf_init(&tmp);
	put_raw(out, &tmp, s, n);
	sbuf_release(&tmp);
}

void
csv_out_cell(struct csv_out *c, const char *cell, size_t len)
{
	sbuf_grow(&c->row, len + 1);
	sep(c);
	copy(c->row.buf + c->row.len, cell, len);
	c->row.len += len;
	c->row.buf[c->row.len] = '\0';
}

void
csv_out_raw_text(struct csv_out *c, const char *p, size_t len)
{
	csv_out_strn(c, p, len);
}

void
csv_out_str(struct csv_out *c, const char *s)
{
	csv_out_strn(c, s, strlen(s));
}

void
csv_out_strn(struct csv_out *c, const char *s, size_t n)
{
	sbuf_grow(&c->row, 1);
	sep(c);
	put_raw(&c->row, &c->cell, s, n);
}

void
csv_out_u64(struct csv_out *c, uint64_t v)
{
	/* The comma and 20 digits; digits never need quotes. */
	sbuf_grow(&c->row, 21);
	sep(c);
	c->row.len += fmt_u64(c->row.buf + c->row.len, v);
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
