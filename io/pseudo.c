/*
 * io/pseudo.c - keyed pseudonyms (see io/pseudo.h).  The cmd/ writers
 * call these just before a value is printed; detection always runs on
 * the real values.
 *
 * Each MAC input starts with a domain byte ('u', 'h', '4', '6') so that
 * a name and an address prefix with equal bytes never share a MAC.
 */
#include "io/pseudo.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

void
pseudo_init(struct pseudo *ps, const void *key, size_t len)
{
	sha256_hmac_init(&ps->mac, key, len);
}

void
pseudo_release(struct pseudo *ps)
{
	sha256_hmac_release(&ps->mac);
}

char *
pseudo_name(const struct pseudo *ps, char tag, const char *p, size_t len,
    char buf[PSEUDO_STRLEN])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[SHA256_LEN];
	int i;

	sha256_hmac2(&ps->mac, &tag, 1, p, len, d);
	buf[0] = tag;
	buf[1] = '-';
	for (i = 0; i < 8; i++) {
		buf[2 + 2 * i] = hex[d[i] >> 4];
		buf[3 + 2 * i] = hex[d[i] & 15];
	}
	buf[18] = '\0';
	return buf;
}

/*
 * permute - a keyed permutation of one byte: a four-round Feistel network
 * on its two nibbles, each round function a 16-nibble table taken from
 * the MAC.  Any round functions make a Feistel network a bijection.
 */
static uint8_t
permute(const uint8_t d[SHA256_LEN], uint8_t x)
{
	unsigned l = x >> 4, r = x & 15, f, t;
	int round;

	for (round = 0; round < 4; round++) {
		t = d[8 * round + r / 2];
		f = r & 1 ? t >> 4 : t & 15;
		t = r;
		r = l ^ f;
		l = t;
	}
	return (uint8_t)(l << 4 | r);
}

void
pseudo_ip(const struct pseudo *ps, const struct ipaddr *in,
    struct ipaddr *out)
{
	uint8_t msg[1 + 16], d[SHA256_LEN];
	size_t first, i;

	/* IPv4-mapped: keep ::ffff: and permute the four IPv4 bytes. */
	first = ipaddr_is_v4(in) ? 12 : 0;
	msg[0] = first ? '4' : '6';
	memcpy(out->b, in->b, first);
	for (i = first; i < 16; i++) {
		memcpy(msg + 1, in->b + first, i - first);
		sha256_hmac(&ps->mac, msg, 1 + i - first, d);
		out->b[i] = permute(d, in->b[i]);
	}
}

/* word_end - a byte that ends a word in pseudo_scrub(). */
static bool
word_end(char c)
{
	return c == ' ' || c == '\t' || strchr("<>[](),;=\"'/?&", c) != NULL;
}

/*
 * host_like - a word of letters, digits, '-', '_' and '.' with a dot
 * inside it and a letter in it: a host name such as a relay's.
 */
static bool
host_like(const char *p, size_t n)
{
	bool dot = false, alpha = false;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			alpha = true;
		else if (c == '.' && i > 0 && i + 1 < n && p[i + 1] != '.')
			dot = true;
		else if (!(c >= '0' && c <= '9') && c != '-' && c != '_' &&
		    c != '.')
			return false;
	}
	return dot && alpha;
}

/* scrub_word - one word: a pseudonym, or the word itself. */
static void
scrub_word(const struct pseudo *ps, struct sbuf *out, const char *p,
    size_t n)
{
	char buf[IPADDR_STRLEN > PSEUDO_STRLEN ? IPADDR_STRLEN : PSEUDO_STRLEN];
	struct ipaddr a, b;

	if (memchr(p, '@', n) != NULL)
		sbuf_adds(out, pseudo_name(ps, 'u', p, n, buf));
	else if (n > 0 && ipaddr_parse(span_make(p, n), &a)) {
		pseudo_ip(ps, &a, &b);
		sbuf_adds(out, ipaddr_format(&b, buf));
	} else if (host_like(p, n))
		sbuf_adds(out, pseudo_name(ps, 'h', p, n, buf));
	else
		sbuf_add(out, p, n);
}

void
pseudo_scrub(const struct pseudo *ps, struct sbuf *out, const char *p,
    size_t len)
{
	size_t i = 0, start;

	while (i < len) {
		if (p[i] != '\0' && word_end(p[i])) {
			sbuf_addc(out, p[i++]);
			continue;
		}
		start = i;
		while (i < len && (p[i] == '\0' || !word_end(p[i])))
			i++;
		scrub_word(ps, out, p + start, i - start);
	}
}

struct span
pseudo_span(const struct pseudo *ps, char tag, struct span v,
    char buf[PSEUDO_STRLEN])
{
	if (ps == NULL || v.len == 0)
		return v;
	pseudo_name(ps, tag, v.p, v.len, buf);
	return span_make(buf, PSEUDO_STRLEN - 1);
}

const char *
pseudo_str(const struct pseudo *ps, char tag, const char *s,
    char buf[PSEUDO_STRLEN])
{
	if (ps == NULL || s[0] == '\0')
		return s;
	return pseudo_name(ps, tag, s, strlen(s), buf);
}

const struct ipaddr *
pseudo_addr(const struct pseudo *ps, const struct ipaddr *in,
    struct ipaddr *buf)
{
	if (ps == NULL || in == NULL)
		return in;
	pseudo_ip(ps, in, buf);
	return buf;
}
