/*
 * tests/test_ipaddr.c - every logged address form maps to one value.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
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
