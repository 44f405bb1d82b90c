/*
 * io/xalloc.h - allocation that succeeds or exits 71 (EX_OSERR).
 *
 * Size arithmetic goes through st_add()/st_mult(), which also exit 71 on
 * overflow rather than wrap.
 */
#ifndef SUBSUBMIT_IO_XALLOC_H
#define SUBSUBMIT_IO_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t nmemb, size_t size);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t nmemb, size_t size);
char	*xstrdup(const char *);
char	*xmemdup(const void *, size_t);	/* NUL-terminated copy */
size_t	 st_add(size_t, size_t);
size_t	 st_mult(size_t, size_t);

#endif
