/*
 * tests/test_bigmem.c - io/bigmem: arrays keep their contents across
 * every kind of move (malloc to malloc, malloc to mapping, mapping to a
 * larger mapping), new mapped bytes are zero, shrinking keeps the data.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "io/bigmem.h"

/* fill - a pattern that depends on the index, so moves show. */
static void
fill(uint32_t *v, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		v[i] = (uint32_t)(i * 2654435761u);
}

static bool
holds(const uint32_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] != (uint32_t)(i * 2654435761u))
			return false;
	return true;
}

Test(bigmem, doubling_keeps_contents_across_the_threshold)
{
	uint32_t *v = NULL;
	size_t n = 0, cap = 16;

	/* From 64 bytes to 64 MiB: malloc, then mappings that move. */
	for (; cap <= 16 * 1024 * 1024; cap *= 2) {
		v = bigmem_realloc(v, cap, sizeof(*v));
		cr_assert(holds(v, n), "lost data growing to %zu", cap);
		fill(v, n, cap);
		n = cap;
	}
	cr_assert(holds(v, n));
	bigmem_free(v);
}

Test(bigmem, calloc_is_zero_small_and_big)
{
	size_t sizes[] = { 1, 1000, BIGMEM_MIN - 64, BIGMEM_MIN,
	    3 * BIGMEM_MIN + 5 };
	size_t k, i;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned char *p = bigmem_calloc(sizes[k], 1);

		for (i = 0; i < sizes[k]; i++)
			cr_assert_eq(p[i], 0, "byte %zu of %zu", i, sizes[k]);
		memset(p, 0xa5, sizes[k]);
		bigmem_free(p);
	}
}

Test(bigmem, grown_mapping_is_zero_beyond_old_data)
{
	size_t half = 2 * BIGMEM_MIN, i;
	unsigned char *p = bigmem_calloc(half, 1);

	memset(p, 0x5a, half);
	p = bigmem_realloc(p, 4 * half, 1);
	for (i = 0; i < half; i++)
		cr_assert_eq(p[i], 0x5a);
	for (i = half; i < 4 * half; i++)
		cr_assert_eq(p[i], 0, "byte %zu", i);
	bigmem_free(p);
}

Test(bigmem, shrinking_keeps_the_data)
{
	size_t n = BIGMEM_MIN;	/* elements of 4 bytes: a mapping */
	uint32_t *v = bigmem_realloc(NULL, n, sizeof(*v));

	fill(v, 0, n);
	v = bigmem_realloc(v, 10, sizeof(*v));
	cr_assert(holds(v, 10));
	v = bigmem_realloc(v, n, sizeof(*v));
	cr_assert(holds(v, 10));
	bigmem_free(v);
	bigmem_free(NULL);
}
