/*
 * io/bigmem.h - memory for the arrays that grow with the input: the
 * timeline's events, the intern tables, the sending ledger, the
 * duplicate sets, the address ranges.
 *
 * Small arrays are malloc(3)'s.  From BIGMEM_MIN bytes on, an array has
 * a mapping of its own, aligned to 2 MiB and marked for transparent huge
 * pages, and grows by moving its pages with mremap(2) instead of copying
 * them.  Faulting memory in 4 KiB at a time cost about 12 us a page on
 * the benchmark machine (a paravirtualized guest), a tenth of a report's
 * time; a huge page is one fault for 512 pages.  Where the system has no
 * huge pages or no mremap(2), the arrays are plain malloc(3) memory.
 *
 * Memory from here is freed with bigmem_free() only.  Like io/xalloc.h,
 * failure exits 71 (EX_OSERR).
 */
#ifndef SUBSUBMIT_IO_BIGMEM_H
#define SUBSUBMIT_IO_BIGMEM_H

#include <stddef.h>

#define BIGMEM_MIN	(1024 * 1024)

/*
 * bigmem_realloc - resize p (NULL: a new array) to nmemb elements of
 * size bytes, keeping its contents, like reallocarray(3).  New bytes
 * are zero when the array has its own mapping, undefined otherwise.
 */
void	*bigmem_realloc(void *p, size_t nmemb, size_t size);

/* bigmem_calloc - a new array of nmemb zeroed elements. */
void	*bigmem_calloc(size_t nmemb, size_t size);

/* bigmem_free - free an array of this module; NULL is a no-op. */
void	 bigmem_free(void *p);

#endif
