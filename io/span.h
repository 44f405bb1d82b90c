/*
 * io/span.h - (pointer, length) views into a line buffer.
 *
 * Log lines are length-delimited and may hold NUL bytes, so nothing in the
 * parsers relies on C strings.  A span is valid as long as the buffer it
 * points into: for spans produced from a line, until the next line is read.
 */
#ifndef SUBSUBMIT_IO_SPAN_H
#define SUBSUBMIT_IO_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct span {
	const char	*p;
	size_t		 len;
};

#define SPAN_LIT(s)	((struct span){ (s), sizeof(s) - 1 })
#define SPAN_NULL	((struct span){ NULL, 0 })

static inline struct span
span_make(const char *p, size_t len)
{
	return (struct span){ p, len };
}

/* span_eq_lit - true when the span holds exactly the NUL-terminated lit. */
static inline bool
span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && (n == 0 ||
	    (s.p[0] == lit[0] && memcmp(s.p, lit, n) == 0));
}

/* span_starts - true when the span begins with lit. */
static inline bool
span_starts(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	/* The first byte settles most misses without a call. */
	return s.len >= n && (n == 0 ||
	    (s.p[0] == lit[0] && memcmp(s.p, lit, n) == 0));
}

/* span_ends - true when the span ends with lit. */
static inline bool
span_ends(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

/* span_all_digits - true for a non-empty run of decimal digits. */
static inline bool
span_all_digits(struct span s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return s.len > 0;
}

/* span_skip - the span without its first n bytes (n is clamped). */
static inline struct span
span_skip(struct span s, size_t n)
{
	if (n > s.len)
		n = s.len;
	if (n == 0)
		return s;	/* s.p may be NULL: NULL + 0 is undefined */
	return (struct span){ s.p + n, s.len - n };
}

/*
 * span_find - offset of the first occurrence of needle (nlen bytes) in s,
 * or -1.  memmem() semantics; binary safe.  memchr() on the first byte,
 * then memcmp(): for the short needles and lines of logs this beats
 * glibc's memmem(), whose per-call set-up dominated profiles.
 */
ptrdiff_t span_find(struct span s, const char *needle, size_t nlen);

#define SPAN_FIND_LIT(s, lit)	span_find((s), (lit), sizeof(lit) - 1)

/*
 * span_rfind - offset of the last occurrence of needle in s, or -1
 * (s.len for an empty needle).  memrchr() on the first byte, then
 * memcmp().
 */
ptrdiff_t span_rfind(struct span s, const char *needle, size_t nlen);

#define SPAN_RFIND_LIT(s, lit)	span_rfind((s), (lit), sizeof(lit) - 1)

/*
 * span_to_u32 - parse the whole span as a decimal number.  Rejects an
 * empty span, signs, overflow past max and trailing junk (strtonum(3)
 * rules).  Returns true and stores the value on success.
 */
bool span_to_u32(struct span s, uint32_t max, uint32_t *out);

/*
 * span_prefix_u32 - parse the leading decimal digits of s (at least one,
 * at most max).  Stores the value and the number of digits consumed.
 */
bool span_prefix_u32(struct span s, uint32_t max, uint32_t *out,
    size_t *used);

#endif
