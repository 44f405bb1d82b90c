/*
 * tests/test_ipaddr.c - every logged address form maps to one value.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "io/ipaddr.h"

struct ip_case {
	const char	*in;
	bool		 ok;
	const char	*want;
	uint16_t	 port;
};

static const struct ip_case loose_cases[] = {
	{ "192.0.2.1", true, "192.0.2.1", 0 },
	{ "[192.0.2.1]", true, "192.0.2.1", 0 },
	{ "[192.0.2.1]:60591", true, "192.0.2.1", 60591 },
	{ "192.0.2.1:25", true, "192.0.2.1", 25 },
	{ "::ffff:192.0.2.5", true, "192.0.2.5", 0 },
	{ "[::ffff:192.0.2.5]", true, "192.0.2.5", 0 },
	{ "2001:DB8::1", true, "2001:db8::1", 0 },
	{ "[IPv6:2001:db8::1]", true, "2001:db8::1", 0 },
	{ "IPv6:2001:DB8:0:0:0:0:0:1", true, "2001:db8::1", 0 },
	{ "[2001:db8::1]:587", true, "2001:db8::1", 587 },
	{ "[::1]:39454", true, "::1", 39454 },
	{ "256.1.1.1", false, NULL, 0 },
	{ "1.2.3", false, NULL, 0 },
	{ "1.2.3.4.5", false, NULL, 0 },
	{ "unknown", false, NULL, 0 },
	{ "", false, NULL, 0 },
	{ "[1.2.3.4]:99999", false, NULL, 0 },
	{ "01234.1.1.1", false, NULL, 0 },
};

Test(ipaddr, loose_forms)
{
	size_t i;

	for (i = 0; i < sizeof(loose_cases) / sizeof(loose_cases[0]); i++) {
		const struct ip_case *c = &loose_cases[i];
		struct ipaddr a;
		uint16_t port = 7;
		char buf[IPADDR_STRLEN];
		bool ok = ipaddr_parse_loose(span_make(c->in, strlen(c->in)),
		    &a, &port);

		cr_expect_eq(ok, c->ok, "case %zu '%s'", i, c->in);
		if (!ok || !c->ok)
			continue;
		cr_expect_str_eq(ipaddr_format(&a, buf), c->want, "case %zu", i);
		cr_expect_eq(port, c->port, "case %zu port", i);
	}
}

Test(ipaddr, mapped_equals_plain)
{
	struct ipaddr a, b;

	cr_assert(ipaddr_parse(SPAN_LIT("::ffff:203.0.113.9"), &a));
	cr_assert(ipaddr_parse(SPAN_LIT("203.0.113.9"), &b));
	cr_assert(memcmp(&a, &b, sizeof(a)) == 0);
	cr_assert(ipaddr_is_v4(&a));
}

/* IPv4 as inet_ntop() writes it: every octet value, in every place. */
Test(ipaddr, format_v4_every_octet)
{
	char want[INET_ADDRSTRLEN], got[IPADDR_STRLEN];
	struct ipaddr a;
	int v, at;

	cr_assert(ipaddr_parse(SPAN_LIT("1.20.255.0"), &a));
	for (at = 12; at < 16; at++)
		for (v = 0; v < 256; v++) {
			struct ipaddr b = a;

			b.b[at] = (uint8_t)v;
			cr_assert_not_null(inet_ntop(AF_INET, b.b + 12, want,
			    sizeof(want)));
			cr_assert_str_eq(ipaddr_format(&b, got), want);
		}
}

/*
 * An empty address (found by fuzz_misc: solid-pop3d with nothing after
 * "from") is refused without touching the span's NULL pointer.
 */
Test(ipaddr, loose_empty)
{
	struct ipaddr a;
	uint16_t port = 7;

	cr_assert(!ipaddr_parse_loose(SPAN_NULL, &a, &port));
	cr_assert_eq(port, 0);
}

/* same_as_pton - ipaddr_parse() and inet_pton(AF_INET6) agree on s. */
static void
same_as_pton(const char *s)
{
	struct ipaddr a;
	unsigned char want[16];
	bool ok = ipaddr_parse(span_make(s, strlen(s)), &a);
	bool pton = inet_pton(AF_INET6, s, want) == 1;

	cr_expect_eq(ok, pton, "'%s': ours %d, inet_pton %d", s, ok, pton);
	if (ok && pton)
		cr_expect(memcmp(a.b, want, 16) == 0, "'%s': other value", s);
}

/*
 * The hand-written IPv6 parser accepts what glibc's inet_pton() accepts,
 * with the same value: the edge cases, then strings made of the bytes of
 * addresses (deterministic, about 200000 of them).
 */
Test(ipaddr, v6_agrees_with_inet_pton)
{
	static const char *const edge[] = {
		"::", "::1", "1::", "1:", ":1", ":::", "1:::2", "::1::2",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "1::2:3:4:5:6:7:8",
		"12345::", "0000:0000:0000:0000:0000:0000:0000:0000",
		"::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5",
		"::01.2.3.4", "::0.0.0.0", "::256.1.1.1", "::1.2.3.4:5",
		"::1..2.3", "::1.2.3.4.", "::.1.2.3", "fe80::1%eth0",
		"FE80::ABCD:Ef01", "2001:db8:::1", "2001:db8::g",
		"1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7", "::ffff:1.2.3.04",
		"1::1.2.3.4", "1:2:3:4:5:6:7:8:1.2.3.4", "::1 ", " ::1",
	};
	static const char alpha[] = "0123456789abcdefABCDEF:::::....xg ";
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[48];
	size_t i, j, n;

	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		same_as_pton(edge[i]);
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = 2 + (size_t)(x % 44);
		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = alpha[x % (sizeof(alpha) - 1)];
		}
		buf[n] = '\0';
		if (strchr(buf, ':') != NULL)
			same_as_pton(buf);
	}
}

/* Addresses written out in full, every group width, agree too. */
Test(ipaddr, v6_agrees_on_real_shapes)
{
	static const char *const g[] = { "0", "1", "db8", "ffff", "0db8",
	    "00", "ABCD" };
	char buf[64];
	size_t a, b, c, k;

	for (a = 0; a < 7; a++)
		for (b = 0; b < 7; b++)
			for (c = 0; c < 7; c++)
				for (k = 0; k < 6; k++) {
					static const char *const fmt[] = {
					    "%s:%s::%s", "%s::%s:%s",
					    "::%s:%s:%s", "%s:%s:%s::",
					    "%s:0:0:0:0:%s:0:%s",
					    "%s:%s:%s:1:2:3:9.8.7.6" };

					snprintf(buf, sizeof(buf), fmt[k],
					    g[a], g[b], g[c]);
					same_as_pton(buf);
				}
}
