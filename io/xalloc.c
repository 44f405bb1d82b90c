/*
 * io/xalloc.c - allocation wrappers that succeed or exit 71.
 *
 * A forensic run that cannot allocate has nothing useful left to do; the
 * callers are spared the error paths and size arithmetic cannot wrap.
 */
#include "io/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/diag.h"

static _Noreturn void
oom(size_t n)
{
	diag_fatal(EXIT_OSERR, "out of memory allocating %zu bytes", n);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(st_mult(nmemb, size));
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	return xrealloc(old, st_mult(nmemb, size));
}

char *
xmemdup(const void *src, size_t n)
{
	char *p = xmalloc(st_add(n, 1));

	if (n > 0)
		memcpy(p, src, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

size_t
st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		diag_fatal(EXIT_OSERR, "size overflow: %zu + %zu", a, b);
	return a + b;
}

size_t
st_mult(size_t a, size_t b)
{
	if (b != 0 && a > SIZE_MAX / b)
		diag_fatal(EXIT_OSERR, "size overflow: %zu * %zu", a, b);
	return a * b;
}
