/*
 * io/escape.c - escaping of attacker-controlled log text for terminals,
 * stderr and CSV cells.
 *
 * Printable ASCII runs are copied in bulk; everything else is decoded as
 * UTF-8.  Control bytes, DEL, invalid or overlong sequences and surrogates
 * become \xHH per byte; a backslash becomes \\, so the output can be read
 * back unambiguously.  Valid UTF-8 is kept except C1 controls and the
 * bidirectional controls that can reorder what a terminal or spreadsheet
 * shows (Trojan Source), which become \u{HHHH}.
 */
#include "io/escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "io/xalloc.h"

static const char hex[] = "0123456789abcdef";

/* plain[c] - printable ASCII copied as it is: not '\\', not DEL. */
#define P4	1, 1, 1, 1
static const unsigned char plain[256] = {
	[0x20] = P4, P4, P4, P4,		/* 0x20-0x2f */
	P4, P4, P4, P4,				/* 0x30-0x3f */
	P4, P4, P4, P4,				/* 0x40-0x4f */
	P4, P4, P4, 0, 1, 1, 1,			/* 0x50-0x5f, '\\' */
	P4, P4, P4, P4,				/* 0x60-0x6f */
	P4, P4, P4, 1, 1, 1, 0,			/* 0x70-0x7f, DEL */
};

/* put_hex_byte - "\xHH" at d; returns the end. */
static inline char *
put_hex_byte(char *d, unsigned char c)
{
	d[0] = '\\';
	d[1] = 'x';
	d[2] = hex[c >> 4];
	d[3] = hex[c & 15];
	return d + 4;
}

/*
 * utf8_len - length of the valid UTF-8 sequence at p (at most n bytes),
 * storing the code point; 0 when the bytes are not valid UTF-8.
 */
static size_t
utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* dangerous_cp - code points that are valid but must not be shown raw. */
static bool
dangerous_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) ||		/* C1 controls */
	    (c >= 0x202a && c <= 0x202e) ||		/* bidi embeddings */
	    (c >= 0x2066 && c <= 0x2069) ||		/* bidi isolates */
	    c == 0x200e || c == 0x200f || c == 0x061c ||
	    c == 0xfeff;				/* BOM / ZWNBSP */
}

/*
 * put_nonascii - escape or copy one non-ASCII sequence of p[0..n) at d;
 * *used gets the bytes of p it took.  Returns the end.  At most four
 * bytes are written per byte taken: \xHH for one, \u{HHHH} for two.
 */
static char *
put_nonascii(char *d, const unsigned char *p, size_t n, size_t *used)
{
	uint32_t c = 0;
	size_t len = utf8_len(p, n, &c);
	int k;

	if (len == 0) {
		*used = 1;
		return put_hex_byte(d, p[0]);
	}
	*used = len;
	if (!dangerous_cp(c)) {
		memcpy(d, p, len);
		return d + len;
	}
	/* Every dangerous code point is below 0x10000: four digits. */
	memcpy(d, "\\u{", 3);
	for (k = 0; k < 4; k++)
		d[3 + k] = hex[(c >> (12 - 4 * k)) & 15];
	d[7] = '}';
	return d + 8;
}

/*
 * plain_run - the end of the run of plain bytes (see plain[]) that starts
 * at p, at most e.  Eight bytes are tested at a time: a word is all plain
 * when no byte is below 0x20, none has the high bit, and none is DEL or
 * '\\'.  Each test flags a byte's high bit; only whether any flag is set
 * is used, which the borrow of the subtraction cannot change.  The first
 * word with a flag is finished byte by byte.
 */
static const unsigned char *
plain_run(const unsigned char *p, const unsigned char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;

	while (e - p >= 8) {
		uint64_t w, x, y, m;

		memcpy(&w, p, sizeof(w));
		m = w | ((w - ones * 0x20) & ~w);	/* >= 0x80 or < 0x20 */
		x = w ^ (ones * 0x7f);
		y = w ^ (ones * '\\');
		m |= ((x - ones) & ~x) | ((y - ones) & ~y);
		if ((m & highs) != 0)
			break;
		p += 8;
	}
#endif
	while (p < e && plain[*p])
		p++;
	return p;
}

/*
 * escape_text - room for the worst case is made once (four bytes out
 * per byte in, and the "..."), and the text is written straight into
 * it: this runs for several fields of every row "subsubmit events"
 * prints.
 */
void
escape_text(struct sbuf *out, const char *s, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = len, i = 0, run, used;
	bool cut = false;
	char *d;

	if (cap > 0 && n > cap) {
		n = cap;
		cut = true;
	}
	sbuf_grow(out, st_add(st_mult(n, 4), 3));
	d = out->buf + out->len;
	while (i < n) {
		run = (size_t)(plain_run(p + i, p + n) - p);
		if (run > i) {
			memcpy(d, p + i, run - i);
			d += run - i;
			i = run;
			if (i == n)
				break;
		}
		if (p[i] == '\\') {
			*d++ = '\\';
			*d++ = '\\';
			i++;
		} else if (p[i] < 0x80) {
			d = put_hex_byte(d, p[i]);
			i++;
		} else {
			d = put_nonascii(d, p + i, n - i, &used);
			i += used;
		}
	}
	if (cut) {
		memcpy(d, "...", 3);
		d += 3;
	}
	*d = '\0';
	out->len = (size_t)(d - out->buf);
}

void
escape_csv_cell(struct sbuf *out, const char *p, size_t len)
{
	if (len > 0 && (p[0] == '=' || p[0] == '+' || p[0] == '-' ||
	    p[0] == '@' || p[0] == '\t' || p[0] == '\r'))
		sbuf_addc(out, '\'');
	escape_text(out, p, len, 0);
}
