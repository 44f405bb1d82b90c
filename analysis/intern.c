/*
 * analysis/intern.c - string and address interning with open addressing.
 * Slots hold ids; the key is compared through the id's entry, so a table
 * of N ids costs 4 bytes a slot plus the entries.
 */
#include "analysis/intern.h"

#include <stdlib.h>
#include <string.h>

#include "io/bigmem.h"
#include "io/diag.h"
#include "io/xalloc.h"

#define P1	0x9e3779b185ebca87ULL	/* xxHash64's primes */
#define P2	0xc2b2ae3d27d4eb4fULL

static inline uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* round64 - one lane step, as in xxHash64. */
static inline uint64_t
round64(uint64_t acc, uint64_t v)
{
	return rotl(acc + v * P2, 31) * P1;
}

/*
 * hash64 - four independent lanes over 32-byte blocks, so that the
 * multiplies overlap (the line hash of every event line is on the hot
 * path), then 8 bytes at a time and a final mix.
 */
uint64_t
hash64(const void *vp, size_t n)
{
	const unsigned char *p = vp;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n, v = 0;
	size_t total = n, i;

	if (n >= 32) {
		uint64_t a = h + P1 + P2, b = h + P2, c = h, d = h - P1;

		do {
			a = round64(a, load64(p));
			b = round64(b, load64(p + 8));
			c = round64(c, load64(p + 16));
			d = round64(d, load64(p + 24));
			p += 32;
			n -= 32;
		} while (n >= 32);
		h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
	}
	while (n >= 8) {
		h = (h ^ load64(p)) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	/*
	 * The tail: the last 8 bytes again when there are that many (a byte
	 * copy into a word stalls the load that follows), else by shifts.
	 */
	if (n > 0 && total >= 8)
		v = load64(p + n - 8);
	else
		for (i = 0; i < n; i++)
			v |= (uint64_t)p[i] << (8 * i);
	h = (h ^ v) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

/*
 * full - whether a table of n ids needs more than its cap slots before
 * it takes one more id (at most 3/4 of the slots in use).  In 64 bits:
 * n + 1 and the products pass 2^32 for the last ids, and cap stays far
 * below 2^62.  Plain arithmetic: this runs for every event stored.
 */
static bool
full(uint32_t n, size_t cap)
{
	return ((uint64_t)n + 1) * 4 > (uint64_t)cap * 3;
}

/*
 * grow_slots - double the slot table; rehash through key_hash.  The
 * sizes are checked: a slot count past SIZE_MAX exits 71.
 */
static void
grow_slots(uint32_t **slot, size_t *cap, uint32_t n,
    uint64_t (*key_hash)(const void *, uint32_t), const void *tbl)
{
	size_t ncap = *cap ? st_mult(*cap, 2) : 1024, i;
	uint32_t *ns = bigmem_calloc(ncap, sizeof(*ns)), id;

	for (id = 1; id < n; id++) {
		i = (size_t)key_hash(tbl, id) & (ncap - 1);
		while (ns[i] != 0)
			i = (i + 1) & (ncap - 1);
		ns[i] = id;
	}
	bigmem_free(*slot);
	*slot = ns;
	*cap = ncap;
}

/*
 * next_id - the id a new entry gets, n + 1 ids in use after; exits 71
 * past INTERN_MAX_ID.  *v is doubled when the id is a power of two.
 */
static uint32_t
next_id(uint32_t *n, void **v, size_t size, const char *what)
{
	uint32_t id = *n;

	if (id > INTERN_MAX_ID)
		diag_fatal(EXIT_OSERR, "out of memory: more than %lu "
		    "distinct %s", (unsigned long)INTERN_MAX_ID, what);
	if ((id & (id - 1)) == 0)	/* capacity doubles at powers of two */
		*v = bigmem_realloc(*v, st_mult(id, 2), size);
	(*n)++;
	return id;
}

static uint64_t
str_key_hash(const void *tbl, uint32_t id)
{
	const struct intern_str *t = tbl;

	return hash64(t->v[id].s, t->v[id].len);
}

void
intern_str_init(struct intern_str *t, struct arena *a)
{
	memset(t, 0, sizeof(*t));
	t->arena = a;
	t->n = 1;
	t->v = bigmem_calloc(1, sizeof(*t->v));
	t->v[0].s = "";
}

void
intern_str_release(struct intern_str *t)
{
	bigmem_free(t->v);
	bigmem_free(t->slot);
	memset(t, 0, sizeof(*t));
}

uint32_t
intern_str_id(struct intern_str *t, const char *p, size_t len)
{
	void *v = t->v;
	uint32_t id;
	size_t i;

	if (len == 0)
		return 0;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	if (full(t->n, t->cap))
		grow_slots(&t->slot, &t->cap, t->n, str_key_hash, t);
	i = (size_t)hash64(p, len) & (t->cap - 1);
	while ((id = t->slot[i]) != 0) {
		if (t->v[id].len == len && memcmp(t->v[id].s, p, len) == 0)
			return id;
		i = (i + 1) & (t->cap - 1);
	}
	id = next_id(&t->n, &v, sizeof(*t->v), "names");
	t->v = v;
	t->v[id].s = arena_memdup(t->arena, p, len);
	t->v[id].len = (uint32_t)len;
	t->slot[i] = id;
	return id;
}

uint32_t
intern_str_find(const struct intern_str *t, const char *p, size_t len)
{
	uint32_t id;
	size_t i;

	if (len == 0 || t->cap == 0)
		return 0;
	i = (size_t)hash64(p, len) & (t->cap - 1);
	while ((id = t->slot[i]) != 0) {
		if (t->v[id].len == len && memcmp(t->v[id].s, p, len) == 0)
			return id;
		i = (i + 1) & (t->cap - 1);
	}
	return 0;
}

const char *
intern_str_get(const struct intern_str *t, uint32_t id, size_t *len)
{
	if (id == 0 || id >= t->n) {
		if (len != NULL)
			*len = 0;
		return "";
	}
	if (len != NULL)
		*len = t->v[id].len;
	return t->v[id].s;
}

static uint64_t
ip_key_hash(const void *tbl, uint32_t id)
{
	const struct intern_ip *t = tbl;

	return hash64(t->v[id].b, sizeof(t->v[id].b));
}

void
intern_ip_init(struct intern_ip *t)
{
	memset(t, 0, sizeof(*t));
	t->n = 1;
	t->v = bigmem_calloc(1, sizeof(*t->v));
}

void
intern_ip_release(struct intern_ip *t)
{
	bigmem_free(t->v);
	bigmem_free(t->slot);
	memset(t, 0, sizeof(*t));
}

uint32_t
intern_ip_id(struct intern_ip *t, const struct ipaddr *a)
{
	void *v = t->v;
	uint32_t id;
	size_t i;

	if (full(t->n, t->cap))
		grow_slots(&t->slot, &t->cap, t->n, ip_key_hash, t);
	i = (size_t)hash64(a->b, sizeof(a->b)) & (t->cap - 1);
	while ((id = t->slot[i]) != 0) {
		if (memcmp(t->v[id].b, a->b, sizeof(a->b)) == 0)
			return id;
		i = (i + 1) & (t->cap - 1);
	}
	id = next_id(&t->n, &v, sizeof(*t->v), "addresses");
	t->v = v;
	t->v[id] = *a;
	t->slot[i] = id;
	return id;
}

const struct ipaddr *
intern_ip_get(const struct intern_ip *t, uint32_t id)
{
	if (id == 0 || id >= t->n)
		return NULL;
	return &t->v[id];
}
