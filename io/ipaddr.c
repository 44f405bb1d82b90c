/*
 * io/ipaddr.c - parse any logged form of a client address into one
 * canonical 16-byte value and print it back in RFC 5952 form.
 *
 * The parsers call this once per event line, and the address range files
 * (io/geo.c) hold half a million IPv6 addresses, so both forms are parsed
 * here by hand: glibc's inet_pton() wants a C string (a copy) and cost
 * about 600 instructions an address.  parse_v6() accepts exactly what
 * inet_pton(AF_INET6) does (tests/test_ipaddr.c compares the two).
 */
#include "io/ipaddr.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff };

/* parse_v4 - dotted quad, exactly four decimal parts 0-255. */
static bool
parse_v4(struct span s, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9') {
			v = v * 10 + (unsigned)(s.p[i] - '0');
			if (++digits > 3 || v > 255)
				return false;
			i++;
		}
		if (digits == 0)
			return false;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= s.len || s.p[i] != '.')
				return false;
			i++;
		}
	}
	return i == s.len;
}

/* Hex digit values plus one; 0 for any other byte. */
static const uint8_t hexv1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
	['E'] = 15, ['F'] = 16,
};

/*
 * tail_v4 - the dotted quad that ends an IPv6 address, as inet_pton()
 * takes it: four parts 0-255 without a leading zero.
 */
static bool
tail_v4(struct span s, uint8_t out[4])
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.p[i] == '0' && (i == 0 || s.p[i - 1] == '.') &&
		    i + 1 < s.len && s.p[i + 1] >= '0' && s.p[i + 1] <= '9')
			return false;
	return parse_v4(s, out);
}

/*
 * parse_v6 - RFC 4291 text: up to eight groups of 1-4 hex digits, one
 * "::" for a run of zero groups, a dotted quad in place of the last two.
 * The same rules, case by case, as glibc's inet_pton6().
 */
static bool
parse_v6(struct span s, uint8_t out[16])
{
	uint8_t tmp[16] = { 0 };
	size_t i = 0, tp = 0, gap = SIZE_MAX, tok, n;
	unsigned val = 0, digits = 0, d;

	if (s.len == 0)
		return false;
	if (s.p[0] == ':') {
		if (s.len < 2 || s.p[1] != ':')
			return false;
		i = 1;
	}
	tok = i;
	while (i < s.len) {
		size_t g = i;
		char c;

		/* A group's hex digits in one go; more than four fail. */
		for (val = 0; g < s.len && (d = hexv1[(unsigned char)s.p[g]]);
		    g++)
			val = val << 4 | (d - 1);
		if ((digits = (unsigned)(g - i)) > 4)
			return false;
		i = g;
		if (i == s.len)
			break;
		c = s.p[i++];
		if (c == ':') {
			tok = i;
			if (digits == 0) {
				if (gap != SIZE_MAX)
					return false;
				gap = tp;
				continue;
			}
			if (i == s.len || tp + 2 > 16)
				return false;
			tmp[tp++] = (uint8_t)(val >> 8);
			tmp[tp++] = (uint8_t)val;
			digits = 0;
			continue;
		}
		if (c == '.' && tp + 4 <= 16 &&
		    tail_v4(span_make(s.p + tok, s.len - tok), tmp + tp)) {
			tp += 4;
			digits = 0;
			break;
		}
		return false;
	}
	if (digits > 0) {
		if (tp + 2 > 16)
			return false;
		tmp[tp++] = (uint8_t)(val >> 8);
		tmp[tp++] = (uint8_t)val;
	}
	if (gap != SIZE_MAX) {
		if (tp == 16)
			return false;	/* "::" would stand for no group */
		n = tp - gap;
		memmove(tmp + 16 - n, tmp + gap, n);
		memset(tmp + gap, 0, 16 - n - gap);
		tp = 16;
	}
	if (tp != 16)
		return false;
	memcpy(out, tmp, 16);
	return true;
}

bool
ipaddr_parse(struct span s, struct ipaddr *out)
{
	uint8_t v4[4];

	if (s.len >= 5 && (s.p[0] == 'I' || s.p[0] == 'i') &&
	    strncasecmp(s.p, "IPv6:", 5) == 0)
		s = span_skip(s, 5);
	if (s.len == 0)
		return false;
	if (memchr(s.p, ':', s.len) == NULL) {
		if (!parse_v4(s, v4))
			return false;
		memcpy(out->b, v4_prefix, 12);
		memcpy(out->b + 12, v4, 4);
		return true;
	}
	/* ::ffff:a.b.c.d is taken, and yields the mapped form. */
	return parse_v6(s, out->b);
}

bool
ipaddr_parse_loose(struct span s, struct ipaddr *out, uint16_t *port)
{
	const char *colon;
	uint32_t pv = 0;

	if (port != NULL)
		*port = 0;
	if (s.len == 0)
		return false;
	if (s.p[0] == '[') {
		const char *close = memchr(s.p, ']', s.len);
		struct span rest;

		if (close == NULL)
			return false;
		rest = span_make(close + 1, s.len - (size_t)(close + 1 - s.p));
		if (rest.len > 0) {
			if (rest.p[0] != ':' ||
			    !span_to_u32(span_skip(rest, 1), 65535, &pv))
				return false;
		}
		if (port != NULL)
			*port = (uint16_t)pv;
		return ipaddr_parse(span_make(s.p + 1,
		    (size_t)(close - s.p - 1)), out);
	}
	if (ipaddr_parse(s, out))
		return true;
	/* a.b.c.d:port */
	colon = memchr(s.p, ':', s.len);
	if (colon == NULL || memchr(colon + 1, ':',
	    s.len - (size_t)(colon + 1 - s.p)) != NULL)
		return false;
	if (!span_to_u32(span_make(colon + 1,
	    s.len - (size_t)(colon + 1 - s.p)), 65535, &pv))
		return false;
	if (!ipaddr_parse(span_make(s.p, (size_t)(colon - s.p)), out) ||
	    !ipaddr_is_v4(out))
		return false;
	if (port != NULL)
		*port = (uint16_t)pv;
	return true;
}

bool
ipaddr_is_v4(const struct ipaddr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

/* put_octet - v (0-255) in decimal at b; returns its length. */
static inline size_t
put_octet(char *b, unsigned v)
{
	if (v >= 100) {
		b[0] = (char)('0' + v / 100);
		v %= 100;
		b[1] = (char)('0' + v / 10);
		b[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		b[0] = (char)('0' + v / 10);
		b[1] = (char)('0' + v % 10);
		return 2;
	}
	b[0] = (char)('0' + v);
	return 1;
}

char *
ipaddr_format(const struct ipaddr *a, char *buf)
{
	if (memcmp(a->b, v4_prefix, 12) == 0) {
		size_t n;

		/* By hand: inet_ntop() formats with sprintf, once per row. */
		n = put_octet(buf, a->b[12]);
		buf[n++] = '.';
		n += put_octet(buf + n, a->b[13]);
		buf[n++] = '.';
		n += put_octet(buf + n, a->b[14]);
		buf[n++] = '.';
		n += put_octet(buf + n, a->b[15]);
		buf[n] = '\0';
		return buf;
	}
	inet_ntop(AF_INET6, a->b, buf, IPADDR_STRLEN);
	return buf;
}
