/*
 * io/netclass.h - what kind of network a client address comes from.
 *
 * Brute-forced accounts are usually attacked from rented servers (cloud,
 * hosting) while their owners log in from home or mobile access networks.
 * The evidence, all local:
 *  - the reverse name Postfix logged ("ec2-3-1-1-1.eu-central-1.compute.
 *    amazonaws.com[3.1.1.1]"), matched against built-in suffix and label
 *    token tables;
 *  - the AS number from an --asn file, against a built-in list of hosting
 *    networks;
 *  - the address itself: loopback and private ranges, and the operator's
 *    --trusted CIDR list.
 * The reverse name is chosen by whoever controls the PTR record, so it is
 * only ever a hint: it can make an address look cloud or residential,
 * never private or trusted.  No lookups are made.
 */
#ifndef SUBSUBMIT_IO_NETCLASS_H
#define SUBSUBMIT_IO_NETCLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/ipaddr.h"
#include "io/sbuf.h"
#include "io/span.h"

enum net_kind {
	NET_UNKNOWN = 0,
	NET_CLOUD,		/* hosting, cloud, VPS, proxy network */
	NET_RESIDENTIAL,	/* home, DSL, cable, fibre, mobile access */
	NET_PRIVATE,		/* loopback, RFC 1918, link-local, ULA */
	NET_TRUSTED,		/* in the operator's --trusted list */
};

/* netclass_name - "unknown", "cloud", "residential", "private", "trusted". */
const char *netclass_name(enum net_kind);

/*
 * netclass_from_name - classify a reverse name (as logged; a trailing dot
 * is ignored, case does not matter).  Returns NET_CLOUD, NET_RESIDENTIAL
 * or NET_UNKNOWN, never anything else.  "unknown", an empty name and a
 * name with bytes outside [A-Za-z0-9._-] are NET_UNKNOWN.  Suffixes match
 * only whole trailing labels: "x.amazonaws.com.evil.example" is not cloud.
 */
enum net_kind netclass_from_name(struct span rdns);

/* netclass_hosting_asn - true for a well-known hosting or cloud AS. */
bool	netclass_hosting_asn(uint32_t asn);

/*
 * netclass_private - true for addresses that never come from the public
 * Internet: 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, ::, ::1,
 * fe80::/10, fc00::/7 (IPv4-mapped forms included).  Carrier-grade NAT
 * (100.64/10) is not private: it is where mobile and home users are.
 */
bool	netclass_private(const struct ipaddr *);

/* A network: the first plen bits of net (IPv4 as ::ffff:0:0/96 + n). */
struct netclass_cidr {
	struct ipaddr	net;
	uint8_t		plen;		/* 0-128, in IPv6 bits */
};

/*
 * netclass_cidr_parse - "192.0.2.0/24", "2001:db8::/32", or a bare
 * address (a host).  The prefix is decimal without sign or leading
 * zeros, at most 32 for dotted IPv4 and 128 otherwise; host bits are
 * cleared.  Returns false on anything else.
 */
bool	netclass_cidr_parse(struct span, struct netclass_cidr *out);

/* netclass_cidr_contains - true when addr lies in c. */
bool	netclass_cidr_contains(const struct netclass_cidr *,
	    const struct ipaddr *);

/* A small list of networks (--trusted); zeroed is empty. */
struct netclass_set {
	struct netclass_cidr	*v;
	size_t			 n, cap;
};

void	netclass_set_init(struct netclass_set *);
void	netclass_set_release(struct netclass_set *);	/* zeroed: no-op */

/*
 * netclass_set_add - parse text with netclass_cidr_parse() and add it.
 * Returns 0, or -1 with "bad network 'TEXT'" (escaped) in err.
 */
int	netclass_set_add(struct netclass_set *, struct span text,
	    struct sbuf *err);

/* netclass_set_contains - true when addr lies in any network of set. */
bool	netclass_set_contains(const struct netclass_set *,
	    const struct ipaddr *);

/*
 * netclass_of - combine the evidence, strongest first: trusted (set may
 * be NULL), private, hosting ASN (asn 0 = unknown), then the reverse
 * name.  addr may be NULL when the address is unknown.
 */
enum net_kind netclass_of(const struct netclass_set *trusted,
	    const struct ipaddr *addr, struct span rdns, uint32_t asn);

#endif
