/*
 * tests/test_out_csv.c - the CSV writer's fast paths against the rules
 * they shortcut: every text cell must come out exactly as
 * escape_csv_cell(), then needs_quotes(), then libcsv's csv_write() make
 * it, every cell of our own text as needs_quotes() and csv_write() make
 * it, every number as printf("%llu").
 */
#include <criterion/criterion.h>
#include <csv.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "io/escape.h"
#include "io/numfmt.h"
#include "io/out_csv.h"

/* The quoting rule of io/out_csv.c, written out plainly. */
static bool
ref_needs_quotes(const char *p, size_t n)
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

/* ref_quote - out[start..] quoted by libcsv when the rule says so. */
static void
ref_quote(struct sbuf *out, size_t start)
{
	size_t n = out->len - start;
	char *tmp;

	if (!ref_needs_quotes(out->buf + start, n))
		return;
	tmp = malloc(n + 1);
	cr_assert_not_null(tmp);
	memcpy(tmp, out->buf + start, n);
	out->len = start;
	sbuf_grow(out, 2 * n + 2);
	out->len = start + csv_write(out->buf + start, 2 * n + 2, tmp, n);
	out->buf[out->len] = '\0';
	free(tmp);
}

static void
ref_text(struct sbuf *out, const char *p, size_t n)
{
	size_t start = out->len;

	escape_csv_cell(out, p, n);
	ref_quote(out, start);
}

static void
ref_str(struct sbuf *out, const char *p, size_t n)
{
	size_t start = out->len;

	sbuf_add(out, p, n);
	ref_quote(out, start);
}

/* A small xorshift generator: the same cells on every run. */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Bytes that matter to one rule or another, and some that do not. */
static const char alphabet[] = " ,\"\\=+-@\t\r\n\x7f\x80\x9b\xc2\xc3\xa9"
    "\xe2\x80\xae\xed\xa0\xf0\x9f\x98\x80\xff\x01\x00'aZ09.:;/<>[]()";

/* random_cell - len bytes, mostly plain text, sometimes hostile. */
static void
random_cell(char *buf, size_t len)
{
	unsigned mode = (unsigned)(rng() % 4);
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t r = rng();

		if (mode == 0 || r % 8 != 0)
			buf[i] = (char)('a' + r / 8 % 26);
		else if (mode == 1)
			buf[i] = (char)(r / 8 % 256);
		else
			buf[i] = alphabet[r / 8 % (sizeof(alphabet) - 1)];
	}
}

/* check_text - csv_out_text(), _format_text() and _row() against ref. */
static void
check_text(const char *p, size_t n)
{
	struct sbuf want = SBUF_INIT, got = SBUF_INIT;
	struct csv_out c;
	struct csv_cell v[3] = {
		{ CSV_TEXT, p, n, 0 }, { CSV_STR, p, n, 0 }, { CSV_U64, NULL, 0, n },
	};
	char num[24];

	csv_out_init(&c, stdout);
	sbuf_addc(&want, ',');
	ref_text(&want, p, n);
	csv_out_u64(&c, 7);
	csv_out_text(&c, p, n);
	cr_assert_eq(c.row.len, want.len + 1, "length %zu", n);
	cr_assert(memcmp(c.row.buf + 1, want.buf, want.len) == 0,
	    "text cell of %zu bytes differs", n);
	cr_assert_eq(c.row.buf[c.row.len], '\0');

	csv_out_format_text(&got, p, n);
	cr_assert_eq(got.len, want.len - 1);
	cr_assert(memcmp(got.buf, want.buf + 1, got.len) == 0);

	/* A whole row: text, the same as our text, a number. */
	sbuf_reset(&c.row);
	sbuf_reset(&want);
	ref_text(&want, p, n);
	sbuf_addc(&want, ',');
	ref_str(&want, p, n);
	sbuf_addc(&want, ',');
	snprintf(num, sizeof(num), "%zu", n);
	sbuf_adds(&want, num);
	sbuf_addc(&want, '\n');
	c.ncells = 0;
	cr_assert_eq(csv_out_row(&c, v, 3), 0);
	cr_assert_eq(c.row.len, want.len, "row of a %zu-byte cell", n);
	cr_assert(memcmp(c.row.buf, want.buf, want.len) == 0,
	    "row of a %zu-byte cell differs", n);
	sbuf_reset(&c.row);
	csv_out_release(&c);
	sbuf_release(&want);
	sbuf_release(&got);
}

/* check_str - csv_out_strn() and _format_str() against ref. */
static void
check_str(const char *p, size_t n)
{
	struct sbuf want = SBUF_INIT, got = SBUF_INIT;
	struct csv_out c;

	csv_out_init(&c, stdout);
	ref_str(&want, p, n);
	csv_out_strn(&c, p, n);
	cr_assert_eq(c.row.len, want.len);
	cr_assert(memcmp(c.row.buf, want.buf, want.len) == 0,
	    "cell of %zu bytes differs", n);
	csv_out_format_str(&got, p, n);
	cr_assert_eq(got.len, want.len);
	cr_assert(memcmp(got.buf, want.buf, want.len) == 0);
	sbuf_reset(&c.row);
	csv_out_release(&c);
	sbuf_release(&want);
	sbuf_release(&got);
}

/* Every byte value, alone and at every place of plain cells. */
Test(out_csv, every_byte_everywhere)
{
	char buf[40];
	size_t len, at;
	int b;

	for (b = 0; b < 256; b++)
		for (len = 1; len <= sizeof(buf); len++)
			for (at = 0; at < len; at++) {
				memset(buf, 'x', len);
				buf[at] = (char)b;
				check_text(buf, len);
				check_str(buf, len);
			}
}

Test(out_csv, random_cells)
{
	char buf[600];
	int i;

	for (i = 0; i < 200000; i++) {
		size_t len = (size_t)(rng() % (i % 10 == 0 ? sizeof(buf) : 40));

		random_cell(buf, len);
		check_text(buf, len);
		check_str(buf, len);
	}
}

Test(out_csv, empty_cells)
{
	check_text("", 0);
	check_str("", 0);
}

/* A row that grows the buffer in the middle, with cells that escape. */
Test(out_csv, long_row_with_slow_cells)
{
	static char big[100000];
	struct csv_cell v[4];
	struct sbuf want = SBUF_INIT;
	struct csv_out c;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	cr_assert_not_null(fp);
	memset(big, '\x1b', sizeof(big));
	v[0] = (struct csv_cell){ CSV_TEXT, "a", 1, 0 };
	v[1] = (struct csv_cell){ CSV_TEXT, big, sizeof(big), 0 };
	v[2] = (struct csv_cell){ CSV_STR, "x,y", 3, 0 };
	v[3] = (struct csv_cell){ CSV_TEXT, "say \"hi\"", 8, 0 };
	ref_text(&want, "a", 1);
	sbuf_addc(&want, ',');
	ref_text(&want, big, sizeof(big));
	sbuf_addc(&want, ',');
	ref_str(&want, "x,y", 3);
	sbuf_addc(&want, ',');
	ref_text(&want, "say \"hi\"", 8);
	sbuf_addc(&want, '\n');
	csv_out_init(&c, fp);
	cr_assert_eq(csv_out_row(&c, v, 4), 0);
	csv_out_release(&c);
	fclose(fp);
	cr_assert_eq(len, want.len);
	cr_assert(memcmp(buf, want.buf, want.len) == 0);
	free(buf);
	sbuf_release(&want);
}

/* Rows and cells mixed: the comma goes before every cell but a row's first. */
Test(out_csv, rows_after_cells)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct csv_cell v[2] = {
		{ CSV_U64, NULL, 0, 1 }, { CSV_TEXT, "-x", 2, 0 },
	};
	struct csv_out c;

	cr_assert_not_null(fp);
	csv_out_init(&c, fp);
	cr_assert_eq(csv_out_header(&c, "a,b,c"), 0);
	csv_out_text(&c, "=t", 2);
	cr_assert_eq(csv_out_row(&c, v, 2), 0);
	cr_assert_eq(csv_out_row(&c, v, 2), 0);
	cr_assert_eq(csv_out_row(&c, v, 0), 0);
	csv_out_release(&c);
	fclose(fp);
	cr_assert_str_eq(buf, "a,b,c\n'=t,1,'-x\n1,'-x\n\n");
	free(buf);
}

Test(out_csv, fmt_u64_matches_printf)
{
	char want[32], got[32];
	uint64_t v, p;
	int i;

	for (p = 1, i = 0; i < 20; i++, p *= 10) {
		uint64_t around[] = { p - 1, p, p + 1 };
		size_t j;

		for (j = 0; j < 3; j++) {
			v = around[j];
			snprintf(want, sizeof(want), "%" PRIu64, v);
			cr_assert_eq(fmt_u64(got, v), strlen(want));
			cr_assert_str_eq(got, want);
		}
	}
	for (i = 0; i < 100000; i++) {
		v = rng() >> (rng() % 64);
		snprintf(want, sizeof(want), "%" PRIu64, v);
		cr_assert_eq(fmt_u64(got, v), strlen(want));
		cr_assert_str_eq(got, want);
	}
	snprintf(want, sizeof(want), "%" PRIu64, UINT64_MAX);
	cr_assert_eq(fmt_u64(got, UINT64_MAX), strlen(want));
	cr_assert_str_eq(got, want);
}
