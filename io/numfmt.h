/*
 * io/numfmt.h - decimal formatting without printf, for the per-event
 * output paths (printf's format parsing costs more than the rest of a
 * CSV row).
 */
#ifndef SUBSUBMIT_IO_NUMFMT_H
#define SUBSUBMIT_IO_NUMFMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* fmt_u64 - v in decimal into buf (at least 21 bytes); returns length. */
static inline size_t
fmt_u64(char *buf, uint64_t v)
{
	static const char pairs[] =
	    "0001020304050607080910111213141516171819"
	    "2021222324252627282930313233343536373839"
	    "4041424344454647484950515253545556575859"
	    "6061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	uint64_t t = 10;
	size_t n = 1, i;

	/* Count the digits, then write them from the end two at a time. */
	while (n < 20 && v >= t) {
		n++;
		t *= 10;
	}
	buf[n] = '\0';
	for (i = n; v >= 100; i -= 2, v /= 100)
		memcpy(buf + i - 2, pairs + 2 * (v % 100), 2);
	if (v >= 10)
		memcpy(buf + i - 2, pairs + 2 * v, 2);
	else
		buf[i - 1] = (char)('0' + v);
	return n;
}

/* fmt_digits - v as exactly width digits (zero padded, truncated left). */
static inline void
fmt_digits(char *buf, unsigned v, int width)
{
	while (width-- > 0) {
		buf[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

#endif
