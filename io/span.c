/*
 * io/span.c - helpers on (pointer, length) views: reverse search and
 * strict decimal parsing.  Used by every parser; nothing here allocates.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memmem(3) */
#endif
#include "io/span.h"

/* span_find - offset of the first occurrence of needle in s, or -1. */
ptrdiff_t
span_find(struct span s, const char *needle, size_t nlen)
{
	const char *p, *end, *hit;

	if (nlen == 0)
		return 0;
	if (s.len < nlen)
		return -1;	/* s.p may be NULL: NULL + 0 is undefined */
	p = s.p;
	end = s.p + s.len;
	while ((size_t)(end - p) >= nlen) {
		hit = memchr(p, needle[0], (size_t)(end - p) - nlen + 1);
		if (hit == NULL)
			return -1;
		if (memcmp(hit + 1, needle + 1, nlen - 1) == 0)
			return hit - s.p;
		p = hit + 1;
	}
	return -1;
}

/* span_rfind - offset of the last occurrence of needle in s, or -1. */
ptrdiff_t
span_rfind(struct span s, const char *needle, size_t nlen)
{
	const char *hit;
	size_t lim;

	if (nlen == 0)
		return (ptrdiff_t)s.len;
	if (s.len < nlen)
		return -1;
	/* memrchr() on the first byte, then memcmp(), as span_find(). */
	for (lim = s.len - nlen + 1; lim > 0; lim = (size_t)(hit - s.p)) {
		if ((hit = memrchr(s.p, needle[0], lim)) == NULL)
			return -1;
		if (memcmp(hit + 1, needle + 1, nlen - 1) == 0)
			return hit - s.p;
	}
	return -1;
}

/* span_prefix_u32 - leading decimal digits of s, bounded by max. */
bool
span_prefix_u32(struct span s, uint32_t max, uint32_t *out, size_t *used)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > max)
			return false;
	}
	if (i == 0)
		return false;
	*out = (uint32_t)v;
	if (used != NULL)
		*used = i;
	return true;
}

/* span_to_u32 - the whole span as a decimal number, strtonum(3) rules. */
bool
span_to_u32(struct span s, uint32_t max, uint32_t *out)
{
	size_t used;

	if (!span_prefix_u32(s, max, out, &used))
		return false;
	return used == s.len;
}
