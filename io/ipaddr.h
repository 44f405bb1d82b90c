/*
 * io/ipaddr.h - client addresses as 16-byte binary, IPv4 mapped.
 *
 * Logs write addresses in many forms (brackets, "IPv6:" prefix, ":port",
 * "::ffff:a.b.c.d", upper-case hex).  ipaddr_parse() accepts all of them
 * and yields one canonical binary value, so the same client compares equal
 * whatever program logged it; ipaddr_format() prints RFC 5952 text.
 */
#ifndef SUBSUBMIT_IO_IPADDR_H
#define SUBSUBMIT_IO_IPADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "io/span.h"

struct ipaddr {
	uint8_t	b[16];		/* IPv4 as ::ffff:a.b.c.d */
};

#define IPADDR_STRLEN	46	/* INET6_ADDRSTRLEN */

/*
 * ipaddr_parse - parse a bare address (no brackets, no port, optionally
 * "IPv6:"-prefixed).  Returns false on anything else.
 */
bool	ipaddr_parse(struct span s, struct ipaddr *out);

/*
 * ipaddr_parse_loose - strip surrounding brackets, an "IPv6:" prefix and a
 * trailing ":port" (for IPv4 and bracketed IPv6), then parse.  Stores the
 * port (0 = none) when port is not NULL.
 */
bool	ipaddr_parse_loose(struct span s, struct ipaddr *out, uint16_t *port);

/* ipaddr_is_v4 - true for an IPv4(-mapped) address. */
bool	ipaddr_is_v4(const struct ipaddr *);

/* ipaddr_format - RFC 5952 text into buf (IPADDR_STRLEN bytes); returns buf. */
char	*ipaddr_format(const struct ipaddr *, char *buf);

#endif
