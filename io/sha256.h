/*
 * io/sha256.h - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the
 * keyed pseudonyms of --pseudonymize (io/pseudo.h).
 *
 * A small, dependency-free implementation: subsubmit links only zlib and
 * libcsv, and a keyed hash of a few bytes per printed name does not
 * justify a crypto library.  Tested against the FIPS 180-4 examples and
 * the RFC 4231 HMAC vectors (tests/test_pseudo.c).
 */
#ifndef SUBSUBMIT_IO_SHA256_H
#define SUBSUBMIT_IO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32	/* digest bytes */
#define SHA256_BLOCK	64	/* block bytes */

struct sha256 {
	uint32_t	h[8];
	uint64_t	nbytes;		/* message bytes so far */
	uint8_t		buf[SHA256_BLOCK];
	size_t		nbuf;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *p, size_t len);
/* sha256_final - write the digest to out; the context is then spent. */
void	sha256_final(struct sha256 *, uint8_t out[SHA256_LEN]);

/*
 * A key made ready for HMAC: the inner and outer hash states after their
 * padded key blocks, so that each MAC costs only the message and two
 * final blocks.  Holds key material: wipe it with sha256_hmac_release().
 */
struct sha256_hmac {
	struct sha256	inner, outer;
};

/* sha256_hmac_init - prepare a key of any length (longer keys are hashed). */
void	sha256_hmac_init(struct sha256_hmac *, const void *key, size_t len);
/* sha256_hmac_release - wipe the key state. */
void	sha256_hmac_release(struct sha256_hmac *);
/* sha256_hmac - HMAC-SHA256 of p[0..len) under the prepared key. */
void	sha256_hmac(const struct sha256_hmac *, const void *p, size_t len,
    uint8_t out[SHA256_LEN]);
/* sha256_hmac2 - HMAC-SHA256 of the concatenation of two parts. */
void	sha256_hmac2(const struct sha256_hmac *, const void *a, size_t alen,
    const void *b, size_t blen, uint8_t out[SHA256_LEN]);

#endif
