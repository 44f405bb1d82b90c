/*
 * tests/test_netclass.c - reverse names, hosting ASNs, private and
 * trusted networks.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "io/ipaddr.h"
#include "io/netclass.h"
#include "io/sbuf.h"

struct name_case {
	const char	*name;
	enum net_kind	 want;
};

static const struct name_case name_cases[] = {
	/* cloud by suffix */
	{ "ec2-3-120-1-1.eu-central-1.compute.amazonaws.com", NET_CLOUD },
	{ "ec2-54-1-2-3.compute-1.amazonaws.com", NET_CLOUD },
	{ "EC2-54-1-2-3.COMPUTE-1.AMAZONAWS.COM.", NET_CLOUD },
	{ "static.1.2.3.4.clients.your-server.de", NET_CLOUD },
	{ "45-32-1-1.vultrusercontent.com", NET_CLOUD },
	{ "45.32.1.1.vultr.com", NET_CLOUD },
	{ "4.3.2.1.bc.googleusercontent.com", NET_CLOUD },
	{ "myvm.westeurope.cloudapp.azure.com", NET_CLOUD },
	{ "li123-45.members.linode.com", NET_CLOUD },
	{ "172-105-1-1.ip.linodeusercontent.com", NET_CLOUD },
	{ "vmi123456.contaboserver.net", NET_CLOUD },
	{ "ns3012345.ip-51-38-1.eu", NET_CLOUD },
	{ "ip-51-38-1-1.eu", NET_CLOUD },
	{ "vps-1a2b3c4d.vps.ovh.net", NET_CLOUD },
	{ "163-172-1-1.rev.poneytelecom.eu", NET_CLOUD },
	{ "vps12345.example-hoster.com", NET_CLOUD },
	/* residential by ISP suffix or label words */
	{ "p5b0a1c2d.dip0.t-ipconnect.de", NET_RESIDENTIAL },
	{ "c-73-1-2-3.hsd1.ma.comcast.net", NET_RESIDENTIAL },
	{ "cpe-1-2-3-4.nyc.res.rr.com", NET_RESIDENTIAL },
	{ "pool-71-1-2-3.bstnma.fios.verizon.net", NET_RESIDENTIAL },
	{ "host81-1-2-3.range81-1.btcentralplus.com", NET_RESIDENTIAL },
	{ "lfbn-lyo-1-2-3.w86-1.abo.wanadoo.fr", NET_RESIDENTIAL },
	{ "host-1-2-3-4.retail.telecomitalia.it", NET_RESIDENTIAL },
	{ "1-2-3-4.dynamic.isp.example", NET_RESIDENTIAL },
	{ "adsl-1-2-3-4.dsl.isp.example", NET_RESIDENTIAL },
	{ "dhcp-192-0-2-1.cable.isp.example", NET_RESIDENTIAL },
	{ "customer-1-2-3-4.ipngn.isp.example", NET_RESIDENTIAL },
	{ "mobile-1-2-3-4.4g.carrier.example", NET_RESIDENTIAL },
	{ "ftth-1-2-3-4.fibre.isp.example", NET_RESIDENTIAL },
	/* unknown */
	{ "unknown", NET_UNKNOWN },
	{ "UNKNOWN", NET_UNKNOWN },
	{ "", NET_UNKNOWN },
	{ ".", NET_UNKNOWN },
	{ "mail.example.org", NET_UNKNOWN },
	{ "home.example.org", NET_UNKNOWN },	/* words need a digit */
	{ "dsl.example", NET_UNKNOWN },
	{ "vps-1-2-3-4.dsl.isp.example", NET_UNKNOWN },	/* conflicting */
	{ "1-2-3-4.example.pool", NET_UNKNOWN },	/* TLD is not a word */
	/* hostile: suffix confusion, odd bytes */
	{ "amazonaws.com.attacker.tld", NET_UNKNOWN },
	{ "ec2-1-2-3-4.compute.amazonaws.com.evil.example", NET_UNKNOWN },
	{ "notamazonaws.com", NET_UNKNOWN },
	{ "x.evil-amazonaws.com", NET_UNKNOWN },
	{ "fakeyour-server.de", NET_UNKNOWN },
	{ "evilcomcast.net", NET_UNKNOWN },
	{ "a..amazonaws.com", NET_UNKNOWN },
	{ "x.amazonaws.com\x1b[0m", NET_UNKNOWN },
	{ "x amazonaws.com", NET_UNKNOWN },
	{ "ip-51-38-1-1.eu.evil.example", NET_UNKNOWN },
	{ "ip-51-38-x.eu", NET_UNKNOWN },
	{ "amazonaws.com", NET_CLOUD },
};

Test(netclass, reverse_names)
{
	size_t i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const struct name_case *c = &name_cases[i];
		enum net_kind k = netclass_from_name(span_make(c->name,
		    strlen(c->name)));

		cr_expect_eq(k, c->want, "'%s': got %s, want %s", c->name,
		    netclass_name(k), netclass_name(c->want));
	}
}

Test(netclass, hostile_name_bytes)
{
	static const char nul[] = "x.amazonaws.com\0.evil.example";
	char big[1000];

	/* A NUL makes the name invalid: no cut at the NUL. */
	cr_expect_eq(netclass_from_name(span_make(nul, sizeof(nul) - 1)),
	    NET_UNKNOWN);
	memset(big, 'a', sizeof(big));
	memcpy(big + sizeof(big) - 14, ".amazonaws.com", 14);
	cr_expect_eq(netclass_from_name(span_make(big, sizeof(big))),
	    NET_UNKNOWN);
	cr_expect_eq(netclass_from_name(SPAN_NULL), NET_UNKNOWN);
}

Test(netclass, hosting_asns)
{
	static const uint32_t yes[] = { 16509, 14618, 396982, 19527, 8075,
		14061, 16276, 24940, 213230, 63949, 20473, 51167, 12876, 60781,
		16265, 28753, 45102, 37963, 132203, 45090, 31898, 8560, 9009,
		47583, 36352, 40676, 6724, 398101 };
	static const uint32_t no[] = { 0, 1, 15169, 3320, 7922, 3215, 4134,
		6724 + 1, 398102, UINT32_MAX };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(netclass_hosting_asn(yes[i]), "AS%u", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect(!netclass_hosting_asn(no[i]), "AS%u", no[i]);
}

struct ip_case {
	const char	*ip;
	bool		 want;
};

static const struct ip_case private_cases[] = {
	{ "127.0.0.1", true }, { "127.255.255.254", true },
	{ "::ffff:127.0.0.1", true }, { "::1", true }, { "::", true },
	{ "10.0.0.1", true }, { "10.255.255.255", true },
	{ "172.16.0.1", true }, { "172.31.255.255", true },
	{ "172.15.255.255", false }, { "172.32.0.0", false },
	{ "192.168.1.1", true }, { "192.169.0.1", false },
	{ "169.254.1.1", true }, { "0.0.0.0", true },
	{ "100.64.0.1", false },	/* CGNAT: mobile and home users */
	{ "100.127.255.255", false }, { "8.8.8.8", false },
	{ "fe80::1", true }, { "febf::1", true }, { "fec0::1", false },
	{ "fd00::1", true }, { "fc00::1", true }, { "fe00::1", false },
	{ "2001:db8::1", false }, { "::2", false }, { "11.0.0.1", false },
};

Test(netclass, private_ranges)
{
	size_t i;

	for (i = 0; i < sizeof(private_cases) / sizeof(private_cases[0]);
	    i++) {
		const struct ip_case *c = &private_cases[i];
		struct ipaddr a;

		cr_assert(ipaddr_parse(span_make(c->ip, strlen(c->ip)), &a));
		cr_expect_eq(netclass_private(&a), c->want, "%s", c->ip);
	}
}

struct cidr_case {
	const char	*text;
	bool		 ok;
	unsigned	 plen;
};

static const struct cidr_case cidr_cases[] = {
	{ "192.0.2.0/24", true, 120 }, { "192.0.2.77/24", true, 120 },
	{ "0.0.0.0/0", true, 96 }, { "192.0.2.1", true, 128 },
	{ "192.0.2.1/32", true, 128 }, { "2001:db8::/32", true, 32 },
	{ "::/0", true, 0 }, { "2001:db8::1", true, 128 },
	{ "::ffff:10.0.0.0/104", true, 104 },
	{ "192.0.2.0/33", false, 0 }, { "2001:db8::/129", false, 0 },
	{ "192.0.2.0/", false, 0 }, { "/24", false, 0 },
	{ "192.0.2.0/024", false, 0 }, { "192.0.2.0/+24", false, 0 },
	{ "192.0.2.0/-1", false, 0 }, { "192.0.2.0/24x", false, 0 },
	{ "192.0.2.0/99999999999", false, 0 }, { "[2001:db8::]/32", false, 0 },
	{ "host.example/24", false, 0 }, { "", false, 0 },
	{ "192.0.2.0/24/8", false, 0 },
};

Test(netclass, cidr_parse)
{
	size_t i;

	for (i = 0; i < sizeof(cidr_cases) / sizeof(cidr_cases[0]); i++) {
		const struct cidr_case *c = &cidr_cases[i];
		struct netclass_cidr n;
		bool ok = netclass_cidr_parse(span_make(c->text,
		    strlen(c->text)), &n);

		cr_expect_eq(ok, c->ok, "'%s'", c->text);
		if (ok && c->ok)
			cr_expect_eq(n.plen, c->plen, "'%s'", c->text);
	}
}

static const struct ip_case trusted_cases[] = {
	{ "192.0.2.0", true }, { "192.0.2.255", true }, { "192.0.3.0", false },
	{ "192.0.1.255", false }, { "198.51.100.7", true },
	{ "198.51.100.8", false }, { "2001:db8:5::1", true },
	{ "2001:db8:6::1", false }, { "::ffff:192.0.2.9", true },
};

Test(netclass, trusted_set)
{
	static const char *const nets[] = { "192.0.2.77/24",
		"198.51.100.7", "2001:db8:5::/48" };
	struct netclass_set set;
	struct sbuf err = SBUF_INIT;
	size_t i;

	netclass_set_init(&set);
	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		cr_assert_eq(netclass_set_add(&set, span_make(nets[i],
		    strlen(nets[i])), &err), 0, "%s", err.buf);
	cr_expect_eq(netclass_set_add(&set, SPAN_LIT("10.0.0.0/8\x1b"), &err),
	    -1);
	cr_expect_str_eq(err.buf, "bad network '10.0.0.0/8\\x1b'");
	for (i = 0; i < sizeof(trusted_cases) / sizeof(trusted_cases[0]);
	    i++) {
		const struct ip_case *c = &trusted_cases[i];
		struct ipaddr a;

		cr_assert(ipaddr_parse(span_make(c->ip, strlen(c->ip)), &a));
		cr_expect_eq(netclass_set_contains(&set, &a), c->want, "%s",
		    c->ip);
	}
	netclass_set_release(&set);
	netclass_set_release(&set);
	sbuf_release(&err);
}

Test(netclass, combined_evidence)
{
	struct netclass_set set = { 0 };
	struct sbuf err = SBUF_INIT;
	struct ipaddr a, lo, pub;

	cr_assert_eq(netclass_set_add(&set, SPAN_LIT("192.0.2.0/24"), &err), 0);
	cr_assert(ipaddr_parse(SPAN_LIT("192.0.2.5"), &a));
	cr_assert(ipaddr_parse(SPAN_LIT("127.0.0.1"), &lo));
	cr_assert(ipaddr_parse(SPAN_LIT("203.0.113.5"), &pub));
	/* The name cannot make anything trusted or private. */
	cr_expect_eq(netclass_of(&set, &a, SPAN_LIT("x.amazonaws.com"), 16509),
	    NET_TRUSTED);
	cr_expect_eq(netclass_of(&set, &lo, SPAN_LIT("localhost"), 0),
	    NET_PRIVATE);
	cr_expect_eq(netclass_of(&set, &pub, SPAN_LIT("localhost"), 0),
	    NET_UNKNOWN);
	cr_expect_eq(netclass_of(NULL, &pub, SPAN_LIT("unknown"), 24940),
	    NET_CLOUD);
	cr_expect_eq(netclass_of(&set, &pub,
	    SPAN_LIT("c-73-1-2-3.hsd1.ma.comcast.net"), 7922),
	    NET_RESIDENTIAL);
	cr_expect_eq(netclass_of(NULL, NULL, SPAN_LIT("unknown"), 0),
	    NET_UNKNOWN);
	cr_expect_str_eq(netclass_name(NET_RESIDENTIAL), "residential");
	cr_expect_str_eq(netclass_name((enum net_kind)99), "unknown");
	netclass_set_release(&set);
	sbuf_release(&err);
}
