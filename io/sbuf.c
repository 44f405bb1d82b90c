/*
 * io/sbuf.c - growable, binary-safe, always NUL-terminated byte strings
 * (git strbuf, Postfix VSTRING).
 */
#include "io/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/xalloc.h"

char sbuf_empty[1];

void
sbuf_init(struct sbuf *sb)
{
	sb->buf = sbuf_empty;
	sb->len = 0;
	sb->cap = 0;
}

void
sbuf_release(struct sbuf *sb)
{
	if (sb->cap > 0)
		free(sb->buf);
	sbuf_init(sb);
}

void
sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->cap > 0)
		sb->buf[0] = '\0';
}

/* sbuf_grow_slow - make room for extra more bytes plus the NUL. */
void
sbuf_grow_slow(struct sbuf *sb, size_t extra)
{
	size_t want = st_add(st_add(sb->len, extra), 1);
	size_t ncap;

	if (sb->buf == NULL)
		sbuf_init(sb);
	if (want <= sb->cap)
		return;
	ncap = sb->cap < 64 ? 64 : sb->cap;
	while (ncap < want)
		ncap = st_mult(ncap, 2);
	if (sb->cap == 0) {
		sb->buf = xmalloc(ncap);
		sb->buf[0] = '\0';
	} else
		sb->buf = xrealloc(sb->buf, ncap);
	sb->cap = ncap;
}

void
sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void
sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	sbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		sbuf_grow(sb, (size_t)n);
		va_copy(cp, ap);
		n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
		va_end(cp);
		if (n < 0)
			return;
	}
	sb->len += (size_t)n;
}

void
sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *
sbuf_detach(struct sbuf *sb, size_t *len)
{
	char *p;

	if (sb->cap == 0)
		sbuf_grow(sb, 0);
	p = sb->buf;
	if (len != NULL)
		*len = sb->len;
	sbuf_init(sb);
	return p;
}
