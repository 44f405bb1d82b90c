/*
 * analysis/origin.h - what the operator's data files say of an address:
 * country (geo file), network owner (ASN file), hosting or residential
 * (hosting ASNs, the reverse name Postfix logged), trusted relay
 * (loopback, private networks, --trusted).  Feeds analysis/pass_abuse.
 */
#ifndef SUBSUBMIT_ANALYSIS_ORIGIN_H
#define SUBSUBMIT_ANALYSIS_ORIGIN_H

#include <pthread.h>
#include <stdbool.h>

#include "analysis/pass_abuse.h"
#include "io/geo.h"
#include "io/netclass.h"
#include "io/sbuf.h"

/* A load on a thread of its own (origin_db_load_start). */
struct origin_loader {
	const char *const	*geo;
	size_t			 ngeo;
	const char		*asn;
	struct sbuf		 err;
	struct sbuf		 said;	/* its warnings, held (diag_hold) */
	int			 rc;
	bool			 started, threaded;
	pthread_t		 thr;
};

struct origin_db {
	struct geo_db		country;
	struct geo_db		asn;
	struct netclass_set	trusted;
	int			ncountry_files;
	int			nasn_files;
	struct origin_loader	ld;
};

void	origin_db_init(struct origin_db *);
void	origin_db_release(struct origin_db *);

/*
 * origin_db_load - load the country files (NULL: Debian's tor-geoipdb
 * files when installed) and the ASN file (NULL: none).  Returns 0 or -1
 * with a message in err.
 */
int	origin_db_load(struct origin_db *, const char *const *geo, size_t ngeo,
    const char *asn, struct sbuf *err);

/*
 * origin_db_load_start - origin_db_load() on a thread of its own (the
 * files take a tenth of a second or more, and the logs can be read
 * meanwhile), or in place when a file is standard input (the logs may be
 * read from there) or no thread can be started.  The arrays must outlive
 * the wait.
 */
void	origin_db_load_start(struct origin_db *, const char *const *geo,
    size_t ngeo, const char *asn);

/*
 * origin_db_load_wait - the result of the load started: 0, or -1 with
 * the message in err.  The warnings of a load on a thread (lines of the
 * files skipped) print here, so that they do not come between the
 * scan's.  origin_db_release() waits for a load not waited for.
 */
int	origin_db_load_wait(struct origin_db *, struct sbuf *err);

/* origin_lookup - an origin_fn for pass_abuse (ctx is the origin_db). */
void	origin_lookup(void *ctx, const struct ipaddr *, const char *rdns,
    struct ip_origin *out);

#endif
