/*
 * io/geo.c - load country and ASN range files into sorted tables and
 * answer "where is this address from" by binary search.
 *
 * The db is filled once at start-up from files the operator named (or
 * Tor's geoip files) and then only read, by the analysis passes that
 * annotate client addresses.  Each line goes through a short pipeline:
 * trim, split into fields, parse the range, parse the value, store.  IPv4
 * ranges are kept as 16-byte records (host-order integers), IPv6 ranges
 * as 40-byte records, so Tor's 380k IPv4 lines cost about 6 MB.
 * Organisation names are stored once per (ASN, name) in one buffer.
 */
#include "io/geo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "io/bigmem.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/netclass.h"
#include "io/reader.h"
#include "io/span.h"
#include "io/xalloc.h"

#define SHOW_MAX	10	/* bad lines reported per file */
#define MAX_FIELDS	4

const char *const geo_default_paths[] = {
	"/usr/share/tor/geoip",
	"/usr/share/tor/geoip6",
	NULL,
};

/* A parsed range before it is stored: both ends as 16-byte addresses. */
struct range {
	struct ipaddr	lo, hi;
};

enum line_status {
	LINE_OK,
	LINE_IGNORE,		/* blank, comment, header */
	LINE_UNKNOWN,		/* well formed, unknown country or AS 0 */
	LINE_BAD,
};

/* Per-file state while loading. */
struct load {
	struct geo_db	*db;
	const char	*name;
	uint64_t	 bad;
	bool		 seen_data;	/* a header is allowed before this */
	char		 why[400];	/* reason for the last LINE_BAD */
};

void
geo_init(struct geo_db *db)
{
	memset(db, 0, sizeof(*db));
	sbuf_init(&db->orgs);
}

void
geo_release(struct geo_db *db)
{
	bigmem_free(db->r4);
	bigmem_free(db->r6);
	free(db->orgtab);
	sbuf_release(&db->orgs);
	geo_init(db);
}

size_t
geo_count(const struct geo_db *db)
{
	return db->n4 + db->n6;
}

/* bad - record why a line is bad; returns LINE_BAD. */
static enum line_status
bad(struct load *ld, const char *what, struct span s)
{
	if (s.p == NULL)
		snprintf(ld->why, sizeof(ld->why), "%s", what);
	else
		snprintf(ld->why, sizeof(ld->why), "%s '%s'", what,
		    diag_quote(s.p, s.len));
	return LINE_BAD;
}

/* trim - the span without leading and trailing blanks and a final CR. */
static struct span
trim(struct span s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t'))
		s = span_skip(s, 1);
	while (s.len > 0 && (s.p[s.len - 1] == ' ' ||
	    s.p[s.len - 1] == '\t' || s.p[s.len - 1] == '\r'))
		s.len--;
	return s;
}

/*
 * quoted_end - offset of the quote closing a field that starts with '"'
 * at s.p[0] ("" is an escaped quote), or 0 when it is not closed.
 */
static size_t
quoted_end(struct span s)
{
	size_t i;

	for (i = 1; i < s.len; i++) {
		if (s.p[i] != '"')
			continue;
		if (i + 1 < s.len && s.p[i + 1] == '"')
			i++;
		else
			return i;
	}
	return 0;
}

/*
 * split - cut line into at most max comma-separated fields; an unquoted
 * last field takes the rest of the line.  Quoted fields keep their inner
 * text (with "" pairs; see unquote()) and are marked in quoted[].
 * Returns the number of fields, or -1 on a bad quote.
 */
static int
split(struct span line, struct span *f, bool *quoted, int max)
{
	int n = 0;

	for (;;) {
		struct span s = trim(line);
		const char *comma;
		size_t end;

		quoted[n] = s.len > 0 && s.p[0] == '"';
		if (quoted[n]) {
			if ((end = quoted_end(s)) == 0)
				return -1;
			f[n++] = span_make(s.p + 1, end - 1);
			line = trim(span_skip(s, end + 1));
			if (line.len == 0)
				return n;
			if (line.p[0] != ',' || n == max)
				return -1;
			line = span_skip(line, 1);
			continue;
		}
		comma = memchr(s.p, ',', s.len);
		if (comma == NULL || n == max - 1) {
			f[n++] = s;
			return n;
		}
		f[n++] = trim(span_make(s.p, (size_t)(comma - s.p)));
		line = span_skip(s, (size_t)(comma - s.p) + 1);
	}
}

/* has_digit - true when s holds a decimal digit. */
static bool
has_digit(struct span s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.p[i] >= '0' && s.p[i] <= '9')
			return true;
	return false;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BE64(v)	__builtin_bswap64(v)
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BE64(v)	(v)
#endif

/* put_be64 - store v big-endian at p. */
static void
put_be64(uint8_t *p, uint64_t v)
{
#ifdef BE64
	v = BE64(v);
	memcpy(p, &v, sizeof(v));
#else
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
#endif
}

/* get_be64 - load 8 big-endian bytes. */
static uint64_t
get_be64(const uint8_t *p)
{
	uint64_t v = 0;
#ifdef BE64
	memcpy(&v, p, sizeof(v));
	v = BE64(v);
#else
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
#endif
	return v;
}

/*
 * parse_int - a decimal address: up to 4294967295 is IPv4, larger values
 * are 128-bit IPv6 (ip-location-db "-num" files).  Rejects overflow.
 */
static bool
parse_int(struct span s, struct ipaddr *out)
{
	uint64_t hi = 0, lo = 0;
	size_t i = 0;

	/* Up to 19 digits fit 64 bits: the common case, one word. */
	if (s.len <= 19)
		for (; i < s.len; i++)
			lo = lo * 10 + (uint64_t)(s.p[i] - '0');
	for (; i < s.len; i++) {
		uint64_t d = (uint64_t)(s.p[i] - '0');
		uint64_t l0 = (lo & 0xffffffffu) * 10 + d;
		uint64_t l1 = (lo >> 32) * 10 + (l0 >> 32);
		uint64_t carry = l1 >> 32;

		if (hi > (UINT64_MAX - carry) / 10)
			return false;
		hi = hi * 10 + carry;
		lo = l1 << 32 | (l0 & 0xffffffffu);
	}
	if (hi == 0 && lo <= UINT32_MAX)
		lo |= (uint64_t)0xffff << 32;	/* IPv4-mapped */
	put_be64(out->b, hi);
	put_be64(out->b + 8, lo);
	return true;
}

/*
 * parse_point - one end of a range; *v6text tells whether it was written
 * as IPv6 text, so that both ends can be required to agree.
 */
static bool
parse_point(struct span s, struct ipaddr *out, bool *v6text)
{
	*v6text = memchr(s.p, ':', s.len) != NULL;
	if (span_all_digits(s)) {
		if (s.len > 39)
			return false;
		return parse_int(s, out);
	}
	if (s.len > 0 && (s.p[0] == '[' || s.p[0] == 'I' || s.p[0] == 'i'))
		return false;	/* no brackets or "IPv6:" in data files */
	return ipaddr_parse(s, out);
}

/* parse_range - "START","END" into r; LINE_OK or LINE_BAD. */
static enum line_status
parse_range(struct load *ld, struct span a, struct span b, struct range *r)
{
	bool t6a, t6b;

	if (!parse_point(a, &r->lo, &t6a))
		return bad(ld, "bad start address", a);
	if (!parse_point(b, &r->hi, &t6b))
		return bad(ld, "bad end address", b);
	if (t6a != t6b || ipaddr_is_v4(&r->lo) != ipaddr_is_v4(&r->hi))
		return bad(ld, "start and end of different families",
		    SPAN_NULL);
	if (memcmp(r->lo.b, r->hi.b, 16) > 0)
		return bad(ld, "start after end", SPAN_NULL);
	return LINE_OK;
}

/* parse_cidr - "NET/LEN" into r; LINE_OK or LINE_BAD. */
static enum line_status
parse_cidr(struct load *ld, struct span s, struct range *r)
{
	struct netclass_cidr c;
	int i;

	if (memchr(s.p, '/', s.len) == NULL || !netclass_cidr_parse(s, &c))
		return bad(ld, "bad network", s);
	r->lo = c.net;
	r->hi = c.net;
	for (i = c.plen; i < 128; i++)
		r->hi.b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return LINE_OK;
}

/*
 * parse_cc - two ASCII letters, upper-cased, into *val.  Returns LINE_OK,
 * LINE_UNKNOWN for the "no country" codes, or LINE_BAD.
 */
static enum line_status
parse_cc(struct load *ld, struct span s, uint32_t *val)
{
	char cc[2];
	size_t i;

	/* The "no country" codes: "", "-", "--", "??" and "ZZ". */
	if (s.len == 0 || (s.len == 1 && s.p[0] == '-'))
		return LINE_UNKNOWN;
	if (s.len != 2)
		return bad(ld, "bad country code", s);
	if ((s.p[0] == '-' && s.p[1] == '-') || (s.p[0] == '?' &&
	    s.p[1] == '?'))
		return LINE_UNKNOWN;
	for (i = 0; i < 2; i++) {
		char c = s.p[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return bad(ld, "bad country code", s);
		cc[i] = c;
	}
	if (cc[0] == 'Z' && cc[1] == 'Z')
		return LINE_UNKNOWN;
	*val = (uint32_t)(unsigned char)cc[0] << 8 | (unsigned char)cc[1];
	return LINE_OK;
}

/* parse_asn - "13335" or "AS13335"; AS 0 is LINE_UNKNOWN. */
static enum line_status
parse_asn(struct load *ld, struct span s, uint32_t *asn)
{
	struct span d = s;

	if (d.len > 2 && strncasecmp(d.p, "AS", 2) == 0)
		d = span_skip(d, 2);
	if (!span_to_u32(d, UINT32_MAX, asn))
		return bad(ld, "bad AS number", s);
	return *asn == 0 ? LINE_UNKNOWN : LINE_OK;
}

/* grow - make room for one more element of size sz in *v. */
static void *
grow(void *v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return v;
	*cap = *cap == 0 ? 1024 : st_mult(*cap, 2);
	return bigmem_realloc(v, *cap, sz);
}

/* store4 - append the IPv4 range lo-hi. */
static void
store4(struct geo_db *db, uint32_t lo, uint32_t hi, uint32_t val,
    uint32_t org)
{
	struct geo_r4 *e;

	db->r4 = grow(db->r4, db->n4, &db->cap4, sizeof(*db->r4));
	e = &db->r4[db->n4++];
	e->lo = lo;
	e->hi = hi;
	e->val = val;
	e->org = org;
}

/* store - append range r with value val and org offset org. */
static void
store(struct geo_db *db, const struct range *r, uint32_t val, uint32_t org)
{
	if (ipaddr_is_v4(&r->lo) && ipaddr_is_v4(&r->hi)) {
		store4(db, (uint32_t)get_be64(r->lo.b + 8),
		    (uint32_t)get_be64(r->hi.b + 8), val, org);
		return;
	}
	db->r6 = grow(db->r6, db->n6, &db->cap6, sizeof(*db->r6));
	db->r6[db->n6] = (struct geo_r6){
		{ get_be64(r->lo.b), get_be64(r->lo.b + 8) },
		{ get_be64(r->hi.b), get_be64(r->hi.b + 8) }, val, org };
	db->n6++;
}

/* org_hash - slot for asn in a table of cap (a power of two) slots. */
static size_t
org_hash(uint32_t asn, size_t cap)
{
	return (size_t)((asn * 2654435761u) & (cap - 1));
}

/* org_rehash - double the ASN -> org table. */
static void
org_rehash(struct geo_db *db)
{
	size_t ocap = db->orgcap, ncap = ocap == 0 ? 1024 : st_mult(ocap, 2);
	uint32_t *nt = xcalloc(st_mult(ncap, 2), sizeof(*nt));
	size_t i, h;

	for (i = 0; i < ocap; i++) {
		if (db->orgtab[2 * i] == 0)
			continue;
		h = org_hash(db->orgtab[2 * i], ncap);
		while (nt[2 * h] != 0)
			h = (h + 1) & (ncap - 1);
		nt[2 * h] = db->orgtab[2 * i];
		nt[2 * h + 1] = db->orgtab[2 * i + 1];
	}
	free(db->orgtab);
	db->orgtab = nt;
	db->orgcap = ncap;
}

/*
 * org_intern - offset of name in db->orgs, adding it unless the last
 * name stored for this ASN is the same.  Empty names are offset 0.
 */
static uint32_t
org_intern(struct geo_db *db, uint32_t asn, const char *name, size_t len)
{
	uint32_t *slot, off;
	size_t h;

	if (len == 0 || db->orgs.len > UINT32_MAX - GEO_ORG_MAX - 2)
		return 0;
	if (st_mult(db->orgused + 1, 2) > db->orgcap)
		org_rehash(db);
	h = org_hash(asn, db->orgcap);
	while (db->orgtab[2 * h] != 0 && db->orgtab[2 * h] != asn)
		h = (h + 1) & (db->orgcap - 1);
	slot = &db->orgtab[2 * h];
	if (slot[0] == asn && strlen(db->orgs.buf + slot[1]) == len &&
	    memcmp(db->orgs.buf + slot[1], name, len) == 0)
		return slot[1];
	if (slot[0] == 0)
		db->orgused++;
	off = (uint32_t)db->orgs.len;
	sbuf_add(&db->orgs, name, len);
	sbuf_addc(&db->orgs, '\0');
	slot[0] = asn;
	slot[1] = off;
	return off;
}

/*
 * org_text - the organisation field as stored: "" pairs of a quoted
 * field collapsed, cut at GEO_ORG_MAX bytes but not inside a UTF-8
 * sequence.  Returns the length written to buf.
 */
static size_t
org_text(struct span s, bool quoted, char buf[GEO_ORG_MAX])
{
	size_t i, j, n = 0, want;
	unsigned char lead;

	for (i = 0; i < s.len && n < GEO_ORG_MAX; i++) {
		if (quoted && s.p[i] == '"' && i + 1 < s.len)
			i++;
		buf[n++] = s.p[i];
	}
	if (i >= s.len || n == 0)
		return n;
	for (j = n - 1; j > 0 && ((unsigned char)buf[j] & 0xc0) == 0x80; j--)
		;
	lead = (unsigned char)buf[j];
	want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return n - j < want ? j : n;
}

/* country_line - CIDR,CC or START,END,CC; stores the range. */
static enum line_status
country_line(struct load *ld, const struct span *f, int n)
{
	struct range r;
	enum line_status st;
	uint32_t cc = 0;

	if (n == 2)
		st = parse_cidr(ld, f[0], &r);
	else if (n == 3)
		st = parse_range(ld, f[0], f[1], &r);
	else
		return bad(ld, "expected 2 or 3 fields", SPAN_NULL);
	if (st == LINE_OK)
		st = parse_cc(ld, f[n - 1], &cc);
	if (st == LINE_OK)
		store(ld->db, &r, cc, 0);
	return st;
}

/* asn_line - START,END,ASN[,ORG] or CIDR,ASN[,ORG]; stores the range. */
static enum line_status
asn_line(struct load *ld, struct span line, struct span *f, bool *q, int n)
{
	struct range r;
	enum line_status st;
	char org[GEO_ORG_MAX];
	uint32_t asn = 0;
	int i = 2;

	if (memchr(f[0].p, '/', f[0].len) != NULL) {
		n = split(line, f, q, 3);
		i = 1;
		st = n < 2 ? bad(ld, "expected 2 or 3 fields", SPAN_NULL) :
		    parse_cidr(ld, f[0], &r);
	} else
		st = n < 3 ? bad(ld, "expected 3 or 4 fields", SPAN_NULL) :
		    parse_range(ld, f[0], f[1], &r);
	if (st == LINE_OK)
		st = parse_asn(ld, f[i], &asn);
	if (st == LINE_OK)
		store(ld->db, &r, asn, n > i + 1 ? org_intern(ld->db, asn, org,
		    org_text(f[i + 1], q[i + 1], org)) : 0);
	return st;
}

/*
 * dec_field - up to ten decimal digits ending at a ',' at *pp, at most
 * UINT32_MAX; *pp moves past the ','.
 */
static bool
dec_field(const char **pp, const char *e, uint32_t *out)
{
	const char *p = *pp, *lim = e - p > 10 ? p + 10 : e;
	uint64_t v = 0;
	unsigned d;

	while (p < lim && (d = (unsigned)(*p - '0')) < 10) {
		v = v * 10 + d;
		p++;
	}
	if (p == *pp || p == e || *p != ',' || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	*pp = p + 1;
	return true;
}

/*
 * plain_v4_line - Tor's IPv4 country line as it nearly always is,
 * "16777216,16777471,AU": two decimal IPv4 ends in order and a two-byte
 * code that parse_cc() takes (a country, or one of the unknown codes).
 * Stored and counted as the general steps would; any other line (spaces,
 * quotes, a bad code, a bad range) is left to them, which also say what
 * is wrong.  True when it took the line, its status in *st.
 */
static bool
plain_v4_line(struct load *ld, struct span line, enum line_status *st)
{
	const char *p = line.p, *e = line.p + line.len;
	uint32_t lo, hi, cc = 0;

	if (!dec_field(&p, e, &lo) || !dec_field(&p, e, &hi) || lo > hi ||
	    e - p != 2 ||
	    (*st = parse_cc(ld, span_make(p, 2), &cc)) == LINE_BAD)
		return false;
	if (*st == LINE_OK)
		store4(ld->db, lo, hi, cc, 0);
	ld->seen_data = true;
	return true;
}

/* parse_line - classify and, when good, store one line. */
static enum line_status
parse_line(struct load *ld, struct span line)
{
	struct span f[MAX_FIELDS];
	bool q[MAX_FIELDS];
	enum line_status st;
	int n;

	if (ld->db->kind == GEO_COUNTRY && plain_v4_line(ld, line, &st))
		return st;
	line = trim(line);
	if (line.len == 0 || line.p[0] == '#')
		return LINE_IGNORE;
	if (memchr(line.p, '\0', line.len) != NULL)
		return bad(ld, "NUL byte in line", SPAN_NULL);
	n = split(line, f, q, ld->db->kind == GEO_ASN ? 4 : 3);
	if (n < 0)
		return bad(ld, "bad quoting", SPAN_NULL);
	if (ld->db->kind == GEO_ASN)
		st = asn_line(ld, line, f, q, n);
	else
		st = country_line(ld, f, n);
	if (st == LINE_BAD && !ld->seen_data && !has_digit(f[0]))
		st = LINE_IGNORE;	/* a CSV header */
	ld->seen_data = true;
	return st;
}

/* count - account for one line's outcome; report the first bad ones. */
static void
count(struct load *ld, enum line_status st, uint64_t lineno)
{
	if (st == LINE_UNKNOWN)
		ld->db->stats.unknown++;
	if (st != LINE_BAD)
		return;
	ld->db->stats.bad++;
	if (++ld->bad <= SHOW_MAX)
		diag_warn(ld->name, lineno, "skipped line: %s", ld->why);
}

/* merge - merge the runs [i, i+w) and [i+w, i+2w) of src into dst. */
static void
merge(const char *src, char *dst, size_t i, size_t w, size_t n, size_t sz,
    int (*cmp)(const void *, const void *))
{
	size_t l = i, m = n - i > w ? i + w : n;
	size_t r = m, e = n - m > w ? m + w : n, k = i;

	while (l < m || r < e) {
		size_t pick;

		if (r >= e || (l < m && cmp(src + r * sz, src + l * sz) >= 0))
			pick = l++;
		else
			pick = r++;
		memcpy(dst + k++ * sz, src + pick * sz, sz);
	}
}

/*
 * msort - stable merge sort (identical ranges keep load order, so the
 * first loaded wins).  Already sorted input costs one pass of cmp.
 */
static void
msort(void *base, size_t n, size_t sz,
    int (*cmp)(const void *, const void *))
{
	char *src = base, *dst, *t;
	size_t w, i;

	for (i = 1; i < n && cmp(src + (i - 1) * sz, src + i * sz) <= 0; i++)
		;
	if (i >= n)
		return;
	dst = bigmem_realloc(NULL, n, sz);
	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w)
			merge(src, dst, i, w, n, sz, cmp);
		t = src;
		src = dst;
		dst = t;
	}
	if (src != base) {
		memcpy(base, src, n * sz);
		bigmem_free(src);
	} else
		bigmem_free(dst);
}

/* cmp128 - compare two big-endian (high, low) pairs. */
static int
cmp128(const uint64_t a[2], const uint64_t b[2])
{
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

/* cmp4 - by start, then the narrower first. */
static int
cmp4(const void *pa, const void *pb)
{
	const struct geo_r4 *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return 0;
}

static int
cmp6(const void *pa, const void *pb)
{
	const struct geo_r6 *a = pa, *b = pb;
	int c = cmp128(a->lo, b->lo);

	return c != 0 ? c : cmp128(a->hi, b->hi);
}

/* inc128 - a + 1 (a is below the maximum). */
static void
inc128(uint64_t a[2])
{
	if (++a[1] == 0)
		a[0]++;
}

/*
 * resolve4 - after sorting, make the ranges disjoint: a range that
 * overlaps the last one kept loses the overlapping part, or all of it
 * when nothing is left.  Both count as an overlap.
 */
static void
resolve4(struct geo_db *db)
{
	size_t i, k = 0;

	for (i = 0; i < db->n4; i++) {
		struct geo_r4 e = db->r4[i];

		if (k > 0 && e.lo <= db->r4[k - 1].hi) {
			db->stats.overlaps++;
			if (e.hi <= db->r4[k - 1].hi)
				continue;
			e.lo = db->r4[k - 1].hi + 1;
		}
		db->r4[k++] = e;
	}
	db->n4 = k;
}

static void
resolve6(struct geo_db *db)
{
	size_t i, k = 0;

	for (i = 0; i < db->n6; i++) {
		struct geo_r6 e = db->r6[i];

		if (k > 0 && cmp128(e.lo, db->r6[k - 1].hi) <= 0) {
			db->stats.overlaps++;
			if (cmp128(e.hi, db->r6[k - 1].hi) <= 0)
				continue;
			memcpy(e.lo, db->r6[k - 1].hi, sizeof(e.lo));
			inc128(e.lo);
		}
		db->r6[k++] = e;
	}
	db->n6 = k;
}

/* finish - sort both tables, make them disjoint and trim spare room. */
static void
finish(struct geo_db *db)
{
	msort(db->r4, db->n4, sizeof(*db->r4), cmp4);
	resolve4(db);
	msort(db->r6, db->n6, sizeof(*db->r6), cmp6);
	resolve6(db);
	if (db->n4 > 0 && db->n4 < db->cap4) {
		db->r4 = bigmem_realloc(db->r4, db->n4, sizeof(*db->r4));
		db->cap4 = db->n4;
	}
	if (db->n6 > 0 && db->n6 < db->cap6) {
		db->r6 = bigmem_realloc(db->r6, db->n6, sizeof(*db->r6));
		db->cap6 = db->n6;
	}
	db->stats.ranges = db->n4 + db->n6;
}

/* load - read one file of the given kind into db. */
static int
load(struct geo_db *db, const char *path, enum geo_kind kind,
    struct sbuf *err)
{
	struct load ld = { .db = db, .name = path };
	struct reader *r;
	struct span line;
	uint64_t lineno;

	if (db->kind != GEO_EMPTY && db->kind != kind) {
		sbuf_adds(err, "cannot load '");
		escape_text(err, path, strlen(path), 0);
		sbuf_adds(err, "': country and AS data in one table");
		return -1;
	}
	if ((r = reader_open(path, NULL, err)) == NULL)
		return -1;
	db->kind = kind;
	if (db->orgs.len == 0)
		sbuf_addc(&db->orgs, '\0');
	while (reader_next(r, &line, &lineno) == 1)
		count(&ld, reader_line_cut(r) ? bad(&ld, "line too long",
		    SPAN_NULL) : parse_line(&ld, line), lineno);
	if (ld.bad > 0)
		diag_warn(path, 0, "%" PRIu64 " lines skipped (%d shown)",
		    ld.bad, ld.bad < SHOW_MAX ? (int)ld.bad : SHOW_MAX);
	reader_free(r);
	free(db->orgtab);
	db->orgtab = NULL;
	db->orgcap = db->orgused = 0;
	finish(db);
	return 0;
}

int
geo_load_country(struct geo_db *db, const char *path, struct sbuf *err)
{
	return load(db, path, GEO_COUNTRY, err);
}

int
geo_load_asn(struct geo_db *db, const char *path, struct sbuf *err)
{
	return load(db, path, GEO_ASN, err);
}

/* geo_load_defaults - Tor's files, those that are installed. */
int
geo_load_defaults(struct geo_db *db, struct sbuf *err)
{
	int i, n = 0;

	for (i = 0; geo_default_paths[i] != NULL; i++) {
		if (access(geo_default_paths[i], F_OK) != 0)
			continue;
		if (geo_load_country(db, geo_default_paths[i], err) != 0)
			return -1;
		n++;
	}
	return n;
}

/* find4 - the range holding x, or NULL. */
static const struct geo_r4 *
find4(const struct geo_db *db, uint32_t x)
{
	size_t lo = 0, hi = db->n4;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (db->r4[mid].lo <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && x <= db->r4[lo - 1].hi ? &db->r4[lo - 1] : NULL;
}

static const struct geo_r6 *
find6(const struct geo_db *db, const uint64_t x[2])
{
	size_t lo = 0, hi = db->n6;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp128(db->r6[mid].lo, x) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && cmp128(x, db->r6[lo - 1].hi) <= 0 ?
	    &db->r6[lo - 1] : NULL;
}

/* fill - the hit for a value and org offset. */
static void
fill(const struct geo_db *db, uint32_t val, uint32_t org, struct geo_hit *h)
{
	memset(h, 0, sizeof(*h));
	h->org = db->orgs.len > org ? db->orgs.buf + org : "";
	if (db->kind == GEO_ASN) {
		h->asn = val;
		return;
	}
	h->cc[0] = (char)(val >> 8);
	h->cc[1] = (char)(val & 0xff);
}

/*
 * geo_lookup - IPv4 is looked up in the IPv4 table first, then (as a
 * mapped address) in the IPv6 table, which may hold ranges such as ::/0.
 */
bool
geo_lookup(const struct geo_db *db, const struct ipaddr *a,
    struct geo_hit *hit)
{
	uint64_t x[2] = { get_be64(a->b), get_be64(a->b + 8) };
	const struct geo_r4 *e4 = NULL;
	const struct geo_r6 *e6 = NULL;
	struct geo_hit dummy;

	if (hit == NULL)
		hit = &dummy;
	if (ipaddr_is_v4(a))
		e4 = find4(db, (uint32_t)x[1]);
	if (e4 != NULL) {
		fill(db, e4->val, e4->org, hit);
		return true;
	}
	if ((e6 = find6(db, x)) == NULL)
		return false;
	fill(db, e6->val, e6->org, hit);
	return true;
}
