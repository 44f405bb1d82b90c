/*
 * io/sbuf.h - growable byte strings.
 *
 * A struct sbuf is never NULL-data after sbuf_init(): buf always points at
 * a NUL-terminated array, len is authoritative and the contents may hold
 * NUL bytes.  Memory comes from xmalloc(), so appends either succeed or
 * exit 71.
 */
#ifndef SUBSUBMIT_IO_SBUF_H
#define SUBSUBMIT_IO_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct sbuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

#define SBUF_INIT	{ sbuf_empty, 0, 0 }
extern char sbuf_empty[];

void	sbuf_init(struct sbuf *);
void	sbuf_release(struct sbuf *);	/* no-op on a zeroed or SBUF_INIT sbuf */
void	sbuf_reset(struct sbuf *);	/* len = 0, keeps capacity */
/* sbuf_grow_slow - make room for extra more bytes; see sbuf_grow(). */
void	sbuf_grow_slow(struct sbuf *, size_t extra);

/* sbuf_grow - make room for extra more bytes plus the NUL. */
static inline void
sbuf_grow(struct sbuf *sb, size_t extra)
{
	if (sb->cap == 0 || extra >= sb->cap - sb->len)
		sbuf_grow_slow(sb, extra);
}

/* sbuf_add - append n bytes (binary safe). */
static inline void
sbuf_add(struct sbuf *sb, const void *p, size_t n)
{
	sbuf_grow(sb, n);
	if (n > 0)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void
sbuf_addc(struct sbuf *sb, char c)
{
	sbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void	sbuf_adds(struct sbuf *, const char *);
void	sbuf_addf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	sbuf_vaddf(struct sbuf *, const char *, va_list);
/* sbuf_detach - hand the buffer to the caller (free() it); sbuf is reset. */
char	*sbuf_detach(struct sbuf *, size_t *len);

#endif
