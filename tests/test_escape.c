/*
 * tests/test_escape.c - terminal and CSV escaping of hostile log text.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "io/escape.h"
#include "io/out_csv.h"

struct esc_case {
	const char	*in;
	size_t		 len;
	const char	*want;
};

#define C(s, w)	{ s, sizeof(s) - 1, w }

static const struct esc_case text_cases[] = {
	C("alice", "alice"),
	C("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
	C("\x1b[2J", "\\x1b[2J"),
	C("a\\b", "a\\\\b"),
	C("nul\0byte", "nul\\x00byte"),
	C("del\x7f", "del\\x7f"),
	C("caf\xc3\xa9", "caf\xc3\xa9"),			/* valid UTF-8 */
	C("bad\xc3", "bad\\xc3"),				/* cut sequence */
	C("over\xc0\xaf", "over\\xc0\\xaf"),			/* overlong */
	C("c1\xc2\x9b", "c1\\u{009b}"),				/* C1 CSI */
	C("rlo\xe2\x80\xae", "rlo\\u{202e}"),			/* bidi */
	C("sur\xed\xa0\x80", "sur\\xed\\xa0\\x80"),		/* surrogate */
	C("tab\tcr\rlf\n", "tab\\x09cr\\x0dlf\\x0a"),
};

Test(escape, text_table)
{
	size_t i;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		escape_text(&sb, text_cases[i].in, text_cases[i].len, 0);
		cr_expect_str_eq(sb.buf, text_cases[i].want, "case %zu", i);
		sbuf_release(&sb);
	}
}

Test(escape, output_is_printable)
{
	char all[256];
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	escape_text(&sb, all, sizeof(all), 0);
	for (i = 0; i < sb.len; i++)
		cr_assert(sb.buf[i] >= 0x20 && sb.buf[i] < 0x7f,
		    "byte 0x%02x at %zu survived", (unsigned char)sb.buf[i], i);
	sbuf_release(&sb);
}

Test(escape, cap_marks_cut)
{
	struct sbuf sb = SBUF_INIT;

	escape_text(&sb, "abcdefghij", 10, 4);
	cr_assert_str_eq(sb.buf, "abcd...");
	sbuf_release(&sb);
}

/*
 * escape_text() makes room for the worst case once and then writes
 * without checks: the text that grows most (four bytes out per byte in)
 * must land exactly, after text already in the buffer, for every length
 * around the buffer's growth steps (ASan sees a write past the end).
 */
Test(escape, worst_case_growth)
{
	static const char *const unit[] = { "\x01", "\xc2\x80", "\xff" };
	static const char *const want[] = { "\\x01", "\\u{0080}", "\\xff" };
	static const size_t ulen[] = { 1, 2, 1 };
	char in[600], exp[2600];
	size_t u, k, n, i, e;

	for (u = 0; u < 3; u++)
		for (k = 1; k < 300; k += 37) {
			struct sbuf sb = SBUF_INIT;

			sbuf_add(&sb, "head:", 5);
			for (n = 0, e = 0, i = 0; i < k; i++) {
				memcpy(in + n, unit[u], ulen[u]);
				n += ulen[u];
				memcpy(exp + e, want[u], strlen(want[u]));
				e += strlen(want[u]);
			}
			exp[e] = '\0';
			escape_text(&sb, in, n, 0);
			cr_assert_eq(sb.len, 5 + e, "unit %zu, %zu times", u, k);
			cr_assert_str_eq(sb.buf + 5, exp);
			cr_assert_eq(sb.buf[sb.len], '\0');
			sbuf_release(&sb);
		}
}

/*
 * Plain runs are found eight bytes at a time: every byte value, at every
 * position of a word and of the tail, must end the run where the byte
 * table says, whatever plain bytes are around it.
 */
Test(escape, every_byte_at_every_offset)
{
	char in[40], want[64];
	size_t n, k;
	unsigned b;

	for (b = 0; b < 0x80; b++)
		for (n = 1; n <= 24; n++)
			for (k = 0; k < n; k++) {
				struct sbuf sb = SBUF_INIT;
				size_t w;

				memset(in, 'a' + (int)(n % 26), n);
				in[k] = (char)b;
				memcpy(want, in, k);
				w = k;
				if (b == '\\') {
					memcpy(want + w, "\\\\", 2);
					w += 2;
				} else if (b < 0x20 || b == 0x7f) {
					w += (size_t)snprintf(want + w, 5,
					    "\\x%02x", b);
				} else
					want[w++] = (char)b;
				memcpy(want + w, in + k + 1, n - k - 1);
				w += n - k - 1;
				want[w] = '\0';
				escape_text(&sb, in, n, 0);
				cr_assert_str_eq(sb.buf, want,
				    "byte 0x%02x at %zu of %zu", b, k, n);
				sbuf_release(&sb);
			}
	/* A high byte ends the run too: a lone one is not UTF-8. */
	for (n = 1; n <= 24; n++)
		for (k = 0; k < n; k++) {
			struct sbuf sb = SBUF_INIT;

			memset(in, 'x', n);
			in[k] = (char)0xe9;
			escape_text(&sb, in, n, 0);
			cr_assert_eq(sb.len, n + 3, "0xe9 at %zu of %zu", k, n);
			cr_assert(memcmp(sb.buf + k, "\\xe9", 4) == 0,
			    "0xe9 at %zu of %zu", k, n);
			sbuf_release(&sb);
		}
}

static const struct esc_case csv_cases[] = {
	C("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
	C("@SUM(1+1)", "'@SUM(1+1)"),
	C("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
	C("-2+3", "'-2+3"),
	C("\tx", "'\\x09x"),
	C("a=b", "a=b"),
};

Test(escape, csv_neutralizes_formulas)
{
	size_t i;

	for (i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		escape_csv_cell(&sb, csv_cases[i].in, csv_cases[i].len);
		cr_expect_str_eq(sb.buf, csv_cases[i].want, "case %zu", i);
		sbuf_release(&sb);
	}
}

Test(escape, csv_row_quoting)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct csv_out c;

	cr_assert_not_null(fp);
	csv_out_init(&c, fp);
	csv_out_text(&c, "a,b", 3);
	csv_out_text(&c, "say \"hi\"", 8);
	csv_out_text(&c, "=1+1", 4);
	csv_out_u64(&c, 42);
	cr_assert_eq(csv_out_end(&c), 0);
	csv_out_release(&c);
	fclose(fp);
	cr_assert_str_eq(buf, "\"a,b\",\"say \"\"hi\"\"\",'=1+1,42\n");
	free(buf);
}
