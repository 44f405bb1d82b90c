/*
 * io/geo.h - origin of an address from local CSV range files.
 *
 * A struct geo_db maps address ranges to either a country code (country
 * files: --geo, Tor's geoip/geoip6) or an AS number and organisation
 * (--asn files).  Everything is read from files named by the operator;
 * there are no network lookups.
 *
 * Accepted line shapes, detected per line:
 *	country:  START,END,CC		Tor geoip ("16777216,16777471,AU"),
 *					Tor geoip6, DB-IP lite, ip-location-db
 *		  CIDR,CC		"192.0.2.0/24,DE", "2001:db8::/32,DE"
 *	asn:	  START,END,ASN,ORG	ip-location-db asn, DB-IP asn lite
 *		  CIDR,ASN,ORG
 * START and END are dotted IPv4, textual IPv6 or a decimal integer (IPv4
 * only, 0 to 4294967295).  Both ends must be of the same family.  Any
 * field may be double-quoted; ORG may also be unquoted and then runs to
 * the end of the line, commas included.  ASN may carry an "AS" prefix.
 * Blank lines and lines starting with '#' are ignored, and so is a
 * first data line whose first field holds no digit (a CSV header).
 *
 * Every byte of these files is untrusted.  A malformed line is counted in
 * stats.bad and skipped, never fatal; the first 10 per file are reported
 * through diag_warn() with file and line, then one summary line.  Country
 * codes are two ASCII letters, upper-cased; "??", "ZZ", "--", "-" and an
 * empty code mean unknown and are counted in stats.unknown, not stored.
 * ORG text is kept as found (control bytes included, NUL refused, cut at
 * GEO_ORG_MAX bytes): escape it before printing.
 *
 * After each load the ranges are sorted and made disjoint.  Where ranges
 * overlap, the one with the lower start keeps the shared addresses; of
 * two with the same start the narrower, of two identical ranges the one
 * loaded first.  The other keeps only its addresses past the end of the
 * winner, if any.  Ranges cut or dropped are counted in stats.overlaps.
 * XXX a narrow range nested inside a wider one that starts before it is
 * dropped rather than carved out of the wider one.
 */
#ifndef SUBSUBMIT_IO_GEO_H
#define SUBSUBMIT_IO_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/ipaddr.h"
#include "io/sbuf.h"

#define GEO_ORG_MAX	200	/* longer organisation names are cut */

/* Tor's files from Debian's tor-geoipdb, NULL-terminated. */
extern const char *const geo_default_paths[];

enum geo_kind {
	GEO_EMPTY = 0,		/* nothing loaded yet */
	GEO_COUNTRY,
	GEO_ASN,
};

struct geo_stats {
	uint64_t	ranges;		/* ranges held */
	uint64_t	bad;		/* malformed lines skipped */
	uint64_t	unknown;	/* lines with an unknown country/AS 0 */
	uint64_t	overlaps;	/* ranges dropped as overlapping */
};

/* Private: an IPv4 range (host order) and an IPv6 range (two halves). */
struct geo_r4 {
	uint32_t	lo, hi;
	uint32_t	val;		/* country as 'D'<<8|'E', or ASN */
	uint32_t	org;		/* offset into orgs, 0 = "" */
};

struct geo_r6 {
	uint64_t	lo[2], hi[2];	/* [0] is the high half */
	uint32_t	val;
	uint32_t	org;
};

struct geo_db {
	enum geo_kind	 kind;
	struct geo_stats stats;		/* totals over every file loaded */
	/* private */
	struct geo_r4	*r4;
	size_t		 n4, cap4;
	struct geo_r6	*r6;
	size_t		 n6, cap6;
	struct sbuf	 orgs;		/* NUL-separated names, [0] = "" */
	uint32_t	*orgtab;	/* hash ASN -> org offset (load only) */
	size_t		 orgcap, orgused;
};

/* The answer of a lookup. */
struct geo_hit {
	char		 cc[3];		/* "DE"; "" in an ASN db */
	uint32_t	 asn;		/* 0 in a country db */
	const char	*org;		/* "" if none; valid until the next
					   load into or release of the db */
};

/* geo_init - an empty db (a zeroed struct is also a valid empty db). */
void	geo_init(struct geo_db *);

/* geo_release - free everything; a no-op on a zeroed db. */
void	geo_release(struct geo_db *);

/*
 * geo_load_country - add the ranges of a country file to db.  path "-"
 * is standard input; gzip is recognised by magic bytes.  Returns 0, or -1
 * with "cannot open 'PATH': reason" (or a read error) in err when the file
 * cannot be read, or when db already holds ASN data.  Bad lines are not
 * errors (see above).  Several files may be loaded into one db.
 */
int	geo_load_country(struct geo_db *, const char *path, struct sbuf *err);

/* geo_load_asn - the same for an ASN file (START,END,ASN,ORG). */
int	geo_load_asn(struct geo_db *, const char *path, struct sbuf *err);

/*
 * geo_load_defaults - load those of geo_default_paths that exist into a
 * country db.  Returns the number of files loaded (0 when none is
 * installed), or -1 with a message in err.
 */
int	geo_load_defaults(struct geo_db *, struct sbuf *err);

/*
 * geo_lookup - find the range holding addr (binary search).  Fills hit
 * (when not NULL) and returns true; returns false on a miss.
 */
bool	geo_lookup(const struct geo_db *, const struct ipaddr *,
	    struct geo_hit *);

/* geo_count - number of ranges held. */
size_t	geo_count(const struct geo_db *);

#endif
