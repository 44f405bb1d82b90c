/*
 * io/ipaddr.c - parse any logged form of a client address into one
 * canonical 16-byte value and print it back in RFC 5952 form.
 *
 * The parsers call this once per event line, so it avoids copies beyond a
 * small stack buffer for inet_pton(), which needs a C string.
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

bool
ipaddr_parse(struct span s, struct ipaddr *out)
{
	char buf[IPADDR_STRLEN];
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
	if (s.len >= sizeof(buf))
		return false;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	/* inet_pton accepts ::ffff:a.b.c.d and yields the mapped form. */
	return inet_pton(AF_INET6, buf, out->b) == 1;
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
