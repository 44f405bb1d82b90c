/*
 * analysis/intern.h - map strings and addresses to dense uint32_t ids, so
 * that passes compare ids, never strings.  Id 0 means "none".
 *
 * Strings are copied once into the arena; addresses (16-byte binary,
 * IPv4 mapped) into a flat array.  Lookups are open-addressing hash
 * probes: no allocation per lookup once the table has grown.
 *
 * A table holds at most INTERN_MAX_ID ids.  Adding one more is a fatal
 * error, exit 71 (EX_OSERR) as when out of memory, rather than an id
 * that would alias another or "none".  At that size the entries and the
 * slots alone take about 100 GiB, so on most machines memory runs out
 * first, with the same status.
 */
#ifndef SUBSUBMIT_ANALYSIS_INTERN_H
#define SUBSUBMIT_ANALYSIS_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/arena.h"
#include "io/ipaddr.h"

/*
 * The largest id.  So n, the ids in use with 0, stays below UINT32_MAX:
 * callers size per-id arrays as n + 1 (CSR offsets) in uint32_t.
 */
#define INTERN_MAX_ID	(UINT32_MAX - 2)

struct intern_str {
	struct arena	*arena;
	struct {
		const char	*s;
		uint32_t	 len;
	}		*v;	/* v[id], v[0] unused */
	uint32_t	 n;	/* ids in use, including 0 */
	uint32_t	*slot;	/* hash slots holding ids */
	size_t		 cap;	/* slots, a power of two (past 2^32 for
				   the last ids) */
};

struct intern_ip {
	struct ipaddr	*v;	/* v[id], v[0] unused */
	uint32_t	 n;
	uint32_t	*slot;
	size_t		 cap;
};

void	intern_str_init(struct intern_str *, struct arena *);
void	intern_str_release(struct intern_str *);
/*
 * intern_str_id - the id of p[0..len) (added if new); 0 for len 0.  A new
 * string past INTERN_MAX_ID ids exits 71.
 */
uint32_t intern_str_id(struct intern_str *, const char *p, size_t len);
/* intern_str_find - the id of p[0..len), or 0 when it was never added. */
uint32_t intern_str_find(const struct intern_str *, const char *p,
    size_t len);
/* intern_str_get - the NUL-terminated string of an id ("" for 0). */
const char *intern_str_get(const struct intern_str *, uint32_t id,
    size_t *len);

void	intern_ip_init(struct intern_ip *);
void	intern_ip_release(struct intern_ip *);
/* intern_ip_id - the id of an address (added if new); as intern_str_id. */
uint32_t intern_ip_id(struct intern_ip *, const struct ipaddr *);
const struct ipaddr *intern_ip_get(const struct intern_ip *, uint32_t id);

/* hash64 - the hash used by the tables (exposed for dedup sets). */
uint64_t hash64(const void *p, size_t n);

#endif
