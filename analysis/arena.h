/*
 * analysis/arena.h - one permanent, alloc-only pool for everything that
 * lives as long as the timeline: account names, host and service names.
 * Freed in one call (git mem_pool, Dovecot alloc-only pool).
 */
#ifndef SUBSUBMIT_ANALYSIS_ARENA_H
#define SUBSUBMIT_ANALYSIS_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block	*head;
	size_t			 used;	/* bytes handed out, for the bench */
};

/* arena_alloc - n bytes aligned for any type; exits 71 on OOM. */
void	*arena_alloc(struct arena *, size_t n);
/* arena_strdup - a NUL-terminated copy of p[0..n). */
char	*arena_memdup(struct arena *, const void *p, size_t n);
/* arena_release - free every block; a zeroed arena is a no-op. */
void	 arena_release(struct arena *);

#endif
