/*
 * io/bigmem.c - arrays that grow with the input, on huge pages when they
 * are big (see io/bigmem.h).
 *
 * Every array carries a header of HDR bytes in front of its data: the
 * length of its own mapping (0: it is malloc(3)'s) and the bytes usable.
 * A mapped array grows in place while its mapping has room, and beyond
 * that moves with mremap(2) into the start of a fresh 2 MiB-aligned
 * reservation, the rest of which stays mapped: the page tables move, the
 * data is not copied.  (Moving and growing in one mremap(2) made
 * valgrind mark the grown part unaddressable when another thread was
 * mapping memory at the same time.)
 */
#include "io/bigmem.h"

#include <sys/mman.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/diag.h"
#include "io/xalloc.h"

#define HDR		64	/* keeps the data 64-byte aligned */
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)

#if defined(__linux__) && defined(MREMAP_FIXED) && defined(MADV_HUGEPAGE)
#define HAVE_MAPS	1
#else
#define HAVE_MAPS	0
#endif

struct hdr {
	size_t	map;	/* length of the array's own mapping; 0: malloc'd */
	size_t	bytes;	/* usable bytes after the header */
};

_Static_assert(sizeof(struct hdr) <= HDR, "bigmem header too large");

static _Noreturn void
oom(size_t n)
{
	diag_fatal(EXIT_OSERR, "out of memory allocating %zu bytes", n);
}

static struct hdr *
hdr_of(void *p)
{
	return (struct hdr *)(void *)((char *)p - HDR);
}

/* from_malloc - old (NULL or malloc'd) resized to bytes, by realloc. */
static void *
from_malloc(struct hdr *old, size_t bytes, bool zero)
{
	size_t had = old != NULL ? old->bytes : 0;
	struct hdr *h = realloc(old, st_add(HDR, bytes));

	if (h == NULL)
		oom(bytes);
	if (zero && bytes > had)
		memset((char *)h + HDR + had, 0, bytes - had);
	h->map = 0;
	h->bytes = bytes;
	return (char *)h + HDR;
}

#if HAVE_MAPS
/*
 * reserve - len bytes (a multiple of HUGE_PAGE) of fresh zeroed memory
 * aligned to HUGE_PAGE and marked for huge pages, or NULL.  The slack
 * of the over-sized mapping that made the alignment is given back.
 */
static char *
reserve(size_t len)
{
	size_t over = st_add(len, HUGE_PAGE);
	char *r, *a, *end;

	r = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)r + HUGE_PAGE - 1) &
	    ~(uintptr_t)(HUGE_PAGE - 1));
	end = r + over;
	if (a > r)
		(void)munmap(r, (size_t)(a - r));
	if (a + len < end)
		(void)munmap(a + len, (size_t)(end - (a + len)));
	/* Advice only: without transparent huge pages it changes nothing. */
	(void)madvise(a, len, MADV_HUGEPAGE);
	return a;
}

/*
 * to_map - old (NULL, malloc'd or mapped) moved into a mapping of at
 * least HDR + bytes; NULL when no mapping could be made (old is kept).
 */
static void *
to_map(struct hdr *old, size_t bytes)
{
	size_t need = st_add(HDR, bytes);
	size_t len = st_add(need, HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	struct hdr *h;
	char *m;

	if ((m = reserve(len)) == NULL)
		return NULL;
	if (old != NULL && old->map == 0) {
		memcpy(m + HDR, (char *)old + HDR, old->bytes);
		free(old);
	} else if (old != NULL &&
	    mremap(old, old->map, old->map, MREMAP_MAYMOVE | MREMAP_FIXED,
	    m) == MAP_FAILED) {
		memcpy(m + HDR, (char *)old + HDR, old->bytes);
		(void)munmap(old, old->map);
	}
	h = (struct hdr *)(void *)m;
	h->map = len;
	h->bytes = len - HDR;
	return m + HDR;
}
#endif

/* grow - resize p to bytes: malloc'd below BIGMEM_MIN, mapped above. */
static void *
grow(void *p, size_t bytes, bool zero)
{
	struct hdr *old = p != NULL ? hdr_of(p) : NULL;
	bool mapped = old != NULL && old->map != 0;

	if (bytes == 0)
		bytes = 1;
	if (mapped && bytes <= old->bytes)
		return p;
#if HAVE_MAPS
	if (mapped || bytes >= BIGMEM_MIN) {
		void *q = to_map(old, bytes);

		if (q != NULL)
			return q;
		if (mapped)
			oom(bytes);
	}
#endif
	return from_malloc(old, bytes, zero);
}

void *
bigmem_realloc(void *p, size_t nmemb, size_t size)
{
	return grow(p, st_mult(nmemb, size), false);
}

void *
bigmem_calloc(size_t nmemb, size_t size)
{
	return grow(NULL, st_mult(nmemb, size), true);
}

void
bigmem_free(void *p)
{
	struct hdr *h;

	if (p == NULL)
		return;
	h = hdr_of(p);
	if (h->map != 0)
		(void)munmap(h, h->map);
	else
		free(h);
}
