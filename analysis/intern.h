/*
 * analysis/intern.h - map strings and addresses to dense uint32_t ids, so
 * that passes compare ids, never strings.  Id 0 means "none".
 *
 * Strings are copied once into the arena; addresses (16-byte binary,
 * IPv4 mapped) into a flat array.  Lookups are open-addressing hash
 * probes: no allocation per lookup once the table has grown.
 */
#ifndef SUBSUBMIT_ANALYSIS_INTERN_H
#define SUBSUBMIT_ANALYSIS_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/arena.h"
#include "io/ipaddr.h"

struct intern_str {
	struct arena	*arena;
	struct {
		const char	*s;
		uint32_t	 len;
	}		*v;	/* v[id], v[0] unused */
	uint32_t	 n;	/* ids in use, including 0 */
	uint32_t	*slot;	/* hash slots holding ids */
	uint32_t	 cap;	/* slots, a power of two */
};

struct intern_ip {
	struct ipaddr	*v;	/* v[id], v[0] unused */
	uint32_t	 n;
	uint32_t	*slot;
	uint32_t	 cap;
};

void	intern_str_init(struct intern_str *, struct arena *);
void	intern_str_release(struct intern_str *);
/* intern_str_id - the id of p[0..len) (added if new); 0 for len 0. */
uint32_t intern_str_id(struct intern_str *, const char *p, size_t len);
/* intern_str_find - the id of p[0..len), or 0 when it was never added. */
uint32_t intern_str_find(const struct intern_str *, const char *p,
    size_t len);
/* intern_str_get - the NUL-terminated string of an id ("" for 0). */
const char *intern_str_get(const struct intern_str *, uint32_t id,
    size_t *len);

void	intern_ip_init(struct intern_ip *);
void	intern_ip_release(struct intern_ip *);
uint32_t intern_ip_id(struct intern_ip *, const struct ipaddr *);
const struct ipaddr *intern_ip_get(const struct intern_ip *, uint32_t id);

/* hash64 - the hash used by the tables (exposed for dedup sets). */
uint64_t hash64(const void *p, size_t n);

#endif
