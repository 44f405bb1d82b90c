/*
 * io/numfmt.h - decimal formatting without printf, for the per-event
 * output paths (printf's format parsing costs more than the rest of a
 * CSV row).
 */
#ifndef SUBSUBMIT_IO_NUMFMT_H
#define SUBSUBMIT_IO_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* fmt_u64 - v in decimal into buf (at least 21 bytes); returns length. */
static inline size_t
fmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
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
