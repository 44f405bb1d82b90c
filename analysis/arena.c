/*
 * analysis/arena.c - bump allocation in 1 MiB blocks; large requests get a
 * block of their own.
 */
#include "analysis/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "io/xalloc.h"

#define BLOCK_SIZE	(1024 * 1024)

struct arena_block {
	struct arena_block	*next;
	size_t			 size, off;
	alignas(max_align_t) unsigned char data[];
};

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t al = alignof(max_align_t), need = st_add(n, al - 1) & ~(al - 1);

	if (b == NULL || b->size - b->off < need) {
		size_t size = need > BLOCK_SIZE / 4 ? need : BLOCK_SIZE;

		b = xmalloc(st_add(sizeof(*b), size));
		b->size = size;
		b->off = 0;
		if (size == need && a->head != NULL) {
			/* keep filling the current block afterwards */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	b->off += need;
	a->used += need;
	return b->data + b->off - need;
}

char *
arena_memdup(struct arena *a, const void *p, size_t n)
{
	char *s = arena_alloc(a, st_add(n, 1));

	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void
arena_release(struct arena *a)
{
	struct arena_block *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}
