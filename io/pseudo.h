/*
 * io/pseudo.h - keyed pseudonyms for --pseudonymize: account names, mail
 * addresses, reverse names and client addresses replaced, on output only,
 * by values derived from a secret key with HMAC-SHA256 (io/sha256.h).
 *
 * The same key gives the same pseudonym in every run, so reports of
 * several weeks can be compared; another key gives unrelated ones, and
 * without the key a pseudonym cannot be tied to its value (short of
 * hashing guesses, hence a long random key).
 *
 * Names become "<tag>-" and 16 hex digits (64 bits of the MAC): 'u' for
 * accounts and mail addresses (one address gets one pseudonym whether it
 * logged in or received mail), 'h' for host names.
 *
 * Addresses keep their prefix structure, byte by byte: byte i of the
 * pseudonym is a keyed permutation of byte i of the address, chosen by
 * the bytes before it.  So a.b.c.d and a.b.c.x share their first three
 * pseudonymous bytes (one /24 stays one /24; IPv6 /48 and /64 likewise),
 * distinct addresses stay distinct, and IPv4 stays IPv4.  The pseudonym
 * may fall in any range, private ones included: it is not an address.
 */
#ifndef SUBSUBMIT_IO_PSEUDO_H
#define SUBSUBMIT_IO_PSEUDO_H

#include <stddef.h>

#include "io/ipaddr.h"
#include "io/sbuf.h"
#include "io/sha256.h"
#include "io/span.h"

#define PSEUDO_STRLEN		19	/* "u-" + 16 hex + NUL */
#define PSEUDO_KEY_SHORT	16	/* warn below this many key bytes */

struct pseudo {
	struct sha256_hmac	mac;
};

/* pseudo_init - prepare the key (any bytes, any length). */
void	pseudo_init(struct pseudo *, const void *key, size_t len);
/* pseudo_release - wipe the key state. */
void	pseudo_release(struct pseudo *);

/*
 * pseudo_name - the pseudonym of p[0..len) with the tag ('u' or 'h'),
 * written to buf; returns buf.
 */
char	*pseudo_name(const struct pseudo *, char tag, const char *p,
    size_t len, char buf[PSEUDO_STRLEN]);

/* pseudo_ip - the prefix-preserving pseudonym of an address. */
void	pseudo_ip(const struct pseudo *, const struct ipaddr *in,
    struct ipaddr *out);

/*
 * pseudo_scrub - append free text (a remote reply, a sender, a message
 * id) to out with every word holding an '@' replaced by its 'u'
 * pseudonym, every address literal by its pseudonym, and every host name
 * (letters, digits, '-', '_' and an inner dot) by its 'h' pseudonym,
 * the one the same name gets as a reverse name.  Words are split
 * at blanks and <>[](),;="'/?& (so an address in a URL is found too).
 * The rest is copied as it is: the caller escapes the result for its
 * medium.
 */
void	pseudo_scrub(const struct pseudo *, struct sbuf *out, const char *p,
    size_t len);

/*
 * The same, NULL-safe: with ps NULL (pseudonymization off) each returns
 * its input unchanged; an empty value stays empty.
 */
struct span pseudo_span(const struct pseudo *ps, char tag, struct span v,
    char buf[PSEUDO_STRLEN]);
const char *pseudo_str(const struct pseudo *ps, char tag, const char *s,
    char buf[PSEUDO_STRLEN]);
/* pseudo_addr - in itself, or its pseudonym in buf; NULL stays NULL. */
const struct ipaddr *pseudo_addr(const struct pseudo *ps,
    const struct ipaddr *in, struct ipaddr *buf);

#endif
