/*
 * tests/test_geo.c - country and ASN range files: every shape, range
 * edges, overlaps and hostile lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/diag.h"
#include "io/geo.h"
#include "io/ipaddr.h"
#include "io/sbuf.h"
#include "tests/testutil.h"

/* fixture - path of testdata/geo/NAME (valid for the next 7 calls). */
static const char *
fixture(const char *name)
{
	static char buf[8][4096];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/geo/%s", env_or("TESTDATA",
	    "testdata"), name);
	return b;
}

static void
quiet(void)
{
	diag_set_quiet(true);
}

/* load_ok - load a fixture of the given kind, asserting success. */
static void
load_ok(struct geo_db *db, const char *name, bool asn)
{
	struct sbuf err = SBUF_INIT;
	int rc = asn ? geo_load_asn(db, fixture(name), &err) :
	    geo_load_country(db, fixture(name), &err);

	cr_assert_eq(rc, 0, "%s: %s", name, err.buf);
	sbuf_release(&err);
}

/* cc_of - the country for text (static buffer), or "-" for a miss. */
static const char *
cc_of(const struct geo_db *db, const char *text)
{
	static char out[3];
	struct ipaddr a;
	struct geo_hit h;

	cr_assert(ipaddr_parse(span_make(text, strlen(text)), &a), "%s", text);
	if (!geo_lookup(db, &a, &h))
		return "-";
	memcpy(out, h.cc, sizeof(out));
	return out;
}

struct cc_case {
	const char	*ip;
	const char	*cc;		/* "-" = miss */
};

static void
check_cases(const struct geo_db *db, const struct cc_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cr_expect_str_eq(cc_of(db, c[i].ip), c[i].cc, "lookup %s",
		    c[i].ip);
}

#define CHECK(db, tab)	check_cases((db), (tab), sizeof(tab) / sizeof((tab)[0]))

static const struct cc_case tor_cases[] = {
	{ "1.0.0.0", "AU" }, { "1.0.0.255", "AU" }, { "1.0.1.0", "CN" },
	{ "1.0.3.255", "CN" }, { "1.0.4.0", "-" }, { "0.255.255.255", "-" },
	{ "8.8.8.8", "US" }, { "8.8.7.255", "-" }, { "8.8.9.0", "-" },
	{ "192.0.2.0", "DE" }, { "192.0.2.255", "DE" }, { "192.0.3.0", "-" },
	{ "198.51.100.77", "FR" }, { "203.0.113.1", "-" },
	{ "255.255.255.255", "-" }, { "::ffff:8.8.8.8", "US" },
	{ "2001:db8::", "DE" }, { "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	"DE" }, { "2001:db9::", "-" }, { "2001:db7:ffff::", "-" },
	{ "2001:4860:4860::8888", "US" }, { "2c0f:ffff::1", "ZA" },
	{ "::1", "-" }, { "ffff::", "-" },
};

Test(geo, tor_shape, .init = quiet)
{
	struct geo_db db;

	geo_init(&db);
	load_ok(&db, "tor-geoip", false);
	load_ok(&db, "tor-geoip6", false);
	cr_expect_eq(db.kind, GEO_COUNTRY);
	cr_expect_eq(geo_count(&db), 5 + 4);
	cr_expect_eq(db.stats.unknown, 2);	/* "??" and "ZZ" */
	cr_expect_eq(db.stats.bad, 0);
	CHECK(&db, tor_cases);
	geo_release(&db);
	geo_release(&db);	/* released twice: still a no-op */
}

static const struct cc_case dotted_cases[] = {
	{ "1.0.0.9", "AU" }, { "1.0.2.0", "CN" }, { "8.8.8.8", "US" },
	{ "192.0.2.128", "DE" }, { "198.51.100.255", "FR" },
	{ "203.0.113.5", "-" }, { "2001:db8::1", "NL" }, { "2001:db9::1", "-" },
	{ "100.64.0.0", "JP" }, { "100.127.255.255", "JP" },
	{ "100.128.0.0", "-" },
};

Test(geo, start_end_dotted, .init = quiet)
{
	struct geo_db db = { 0 };

	load_ok(&db, "country-dotted.csv", false);
	cr_expect_eq(db.stats.bad, 0);		/* the header is not bad */
	cr_expect_eq(db.stats.unknown, 2);
	cr_expect_eq(geo_count(&db), 7);
	CHECK(&db, dotted_cases);
	geo_release(&db);
}

static const struct cc_case int_cases[] = {
	{ "0.0.0.1", "-" }, { "1.0.0.0", "AU" }, { "8.8.8.8", "US" },
	{ "192.0.2.1", "DE" }, { "255.255.255.0", "GB" },
	{ "255.255.255.255", "GB" }, { "255.255.254.255", "-" },
	{ "2001:db8::", "NL" }, { "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
	"NL" }, { "2001:db9::", "-" },
};

Test(geo, start_end_integer, .init = quiet)
{
	struct geo_db db = { 0 };

	load_ok(&db, "country-int.csv", false);
	cr_expect_eq(db.stats.bad, 0);
	cr_expect_eq(geo_count(&db), 5);
	CHECK(&db, int_cases);
	geo_release(&db);
}

static const struct cc_case cidr_cases[] = {
	{ "1.0.0.255", "AU" }, { "1.0.1.0", "-" }, { "8.8.8.8", "US" },
	{ "198.51.100.127", "-" }, { "198.51.100.128", "FR" },
	{ "198.51.100.255", "FR" }, { "203.0.113.7", "IT" },
	{ "203.0.113.6", "-" }, { "10.1.2.3", "-" }, { "2001:db8::1", "NL" },
	{ "2001:db8:1::1", "NL" },	/* narrower, later start: see geo.h */
	{ "2001:db8:ffff::", "NL" }, { "2001:db9::", "-" },
};

Test(geo, cidr_shape, .init = quiet)
{
	struct geo_db db = { 0 };

	load_ok(&db, "country-cidr.csv", false);
	cr_expect_eq(db.stats.bad, 0);
	cr_expect_eq(db.stats.unknown, 2);
	cr_expect_eq(db.stats.overlaps, 1);
	CHECK(&db, cidr_cases);
	geo_release(&db);
}

struct asn_case {
	const char	*ip;
	uint32_t	 asn;		/* 0 = miss */
	const char	*org;
};

static const struct asn_case asn_cases[] = {
	{ "1.0.0.1", 13335, "Cloudflare, Inc." },
	{ "1.0.7.255", 38803, "Gtelecom Pty Ltd" },
	{ "1.0.64.0", 18144, "Enecom,Inc." },
	{ "3.120.1.1", 16509, "AMAZON-02" },
	{ "45.32.1.1", 20473, "The Constant Company, LLC" },
	{ "192.0.2.9", 64496, "Example \"Quoted\" Org, Ltd" },
	{ "198.51.100.1", 64497, "" },
	{ "198.51.101.1", 64498, "" },
	{ "203.0.113.1", 0, NULL },
	{ "2001:db8::5", 64499, "Documentation Net" },
	{ "2a05:d07f::1", 16509, "AMAZON-02" },
	{ "100.64.0.1", 64500, "CGN, Shared" },
	{ "100.127.255.255", 64500, "CGN, Shared" },
	{ "2001:db9:ffff::", 64501, "Cidr Org, With Commas" },
	{ "9.9.9.9", 0, NULL },
};

Test(geo, asn_shape, .init = quiet)
{
	struct geo_db db = { 0 };
	struct sbuf err = SBUF_INIT;
	size_t i;

	load_ok(&db, "asn.csv", true);
	cr_expect_eq(db.kind, GEO_ASN);
	cr_expect_eq(db.stats.bad, 0);
	cr_expect_eq(db.stats.unknown, 1);		/* AS 0 */
	cr_expect_eq(db.stats.overlaps, 1);		/* 16777216 = 1.0.0.0 */
	for (i = 0; i < sizeof(asn_cases) / sizeof(asn_cases[0]); i++) {
		const struct asn_case *c = &asn_cases[i];
		struct ipaddr a;
		struct geo_hit h;
		bool hit;

		cr_assert(ipaddr_parse(span_make(c->ip, strlen(c->ip)), &a));
		hit = geo_lookup(&db, &a, &h);
		cr_expect_eq(hit, c->asn != 0, "hit %s", c->ip);
		if (!hit || c->asn == 0)
			continue;
		cr_expect_eq(h.asn, c->asn, "asn %s", c->ip);
		cr_expect_str_eq(h.org, c->org, "org %s", c->ip);
		cr_expect_str_eq(h.cc, "", "cc %s", c->ip);
	}
	/* Country data cannot go into an ASN table. */
	cr_expect_eq(geo_load_country(&db, fixture("tor-geoip"), &err), -1);
	cr_expect(strstr(err.buf, "country and AS data") != NULL, "%s",
	    err.buf);
	sbuf_release(&err);
	geo_release(&db);
}

static const struct cc_case overlap_cases[] = {
	{ "10.0.0.0", "BB" }, { "10.0.0.127", "BB" }, { "10.0.0.128", "AA" },
	{ "10.0.0.255", "AA" }, { "10.0.1.0", "FF" }, { "10.0.1.10", "FF" },
	{ "10.0.1.11", "DD" }, { "10.0.1.255", "DD" }, { "10.0.2.9", "CC" },
	{ "10.0.3.127", "HH" }, { "10.0.3.128", "GG" }, { "10.0.4.0", "-" },
	{ "2001:db8:1::8000", "YY" }, { "2001:db8:1::1:0", "ZY" },
	{ "2001:db8:1:1::", "ZY" }, { "2001:db8:1:1::1", "-" },
	{ "2001:db8:2::1", "XX" },
};

Test(geo, overlapping_unsorted, .init = quiet)
{
	struct geo_db db = { 0 };

	load_ok(&db, "overlap.csv", false);
	cr_expect_eq(db.stats.bad, 0);
	cr_expect_eq(db.stats.overlaps, 6);
	cr_expect_eq(geo_count(&db), 10);
	CHECK(&db, overlap_cases);
	geo_release(&db);
}

Test(geo, bad_lines_counted, .init = quiet)
{
	struct geo_db db = { 0 };

	load_ok(&db, "hostile.csv", false);
	cr_expect_eq(db.stats.bad, 19);
	cr_expect_eq(geo_count(&db), 2);
	cr_expect_str_eq(cc_of(&db, "1.2.3.4"), "AA");
	cr_expect_str_eq(cc_of(&db, "1.2.16.4"), "BB");
	cr_expect_str_eq(cc_of(&db, "1.2.4.4"), "-");
	cr_expect_str_eq(cc_of(&db, "0.0.0.1"), "-");
	geo_release(&db);
}

/* write_file - a scratch file with n bytes of p. */
static const char *
write_file(const char *leaf, const char *p, size_t n)
{
	const char *path = tmp_path(leaf);
	FILE *fp = fopen(path, "wb");

	cr_assert(fp != NULL, "%s", path);
	cr_assert_eq(fwrite(p, 1, n, fp), n);
	cr_assert_eq(fclose(fp), 0);
	return path;
}

Test(geo, hostile_bytes, .init = quiet)
{
	static const char nul[] = "1.0.0.0,1.0.0.255,A\0\n"
	    "2.0.0.0\0,2.0.0.255,DE\n"
	    "3.0.0.0,3.0.0.255,DE\n"
	    "4.0.0.0,4.0.0.255,\x1b[31m\n"
	    "5.0.0.0,5.0.0.255,\xc3\xa9\xc3\xa9\n";
	struct sbuf big = SBUF_INIT, err = SBUF_INIT;
	struct geo_db db = { 0 };
	const char *path;
	size_t i;

	path = write_file("geo-nul", nul, sizeof(nul) - 1);
	cr_assert_eq(geo_load_country(&db, path, &err), 0);
	cr_expect_eq(db.stats.bad, 4);
	cr_expect_eq(geo_count(&db), 1);
	cr_expect_str_eq(cc_of(&db, "3.0.0.1"), "DE");
	unlink(path);
	geo_release(&db);

	/* A 10 KB line is cut by the reader and skipped as one bad line. */
	sbuf_adds(&big, "6.0.0.0,6.0.0.255,\"");
	for (i = 0; i < 10240; i++)
		sbuf_addc(&big, (char)('a' + i % 26));
	sbuf_adds(&big, "\"\n7.0.0.0,7.0.0.255,FR\n");
	path = write_file("geo-long", big.buf, big.len);
	cr_assert_eq(geo_load_asn(&db, path, &err), 0, "%s", err.buf);
	cr_expect_eq(db.stats.bad, 2);	/* the long line, "FR" is no ASN */
	unlink(path);
	geo_release(&db);

	/* The same line as an org name is cut to GEO_ORG_MAX bytes. */
	sbuf_reset(&big);
	sbuf_adds(&big, "6.0.0.0,6.0.0.255,64496,\"");
	for (i = 0; i < 4000; i++)
		sbuf_adds(&big, "\xc3\xa9");
	sbuf_adds(&big, "\"\n");
	path = write_file("geo-org", big.buf, big.len);
	cr_assert_eq(geo_load_asn(&db, path, &err), 0, "%s", err.buf);
	{
		struct ipaddr a;
		struct geo_hit h;

		cr_assert(ipaddr_parse(SPAN_LIT("6.0.0.1"), &a));
		cr_assert(geo_lookup(&db, &a, &h));
		cr_expect_eq(strlen(h.org), GEO_ORG_MAX);	/* even */
	}
	unlink(path);
	geo_release(&db);
	sbuf_release(&big);
	sbuf_release(&err);
}

Test(geo, missing_file_is_error, .init = quiet)
{
	struct geo_db db = { 0 };
	struct sbuf err = SBUF_INIT;

	cr_expect_eq(geo_load_country(&db, "/nonexistent/geoip", &err), -1);
	cr_expect(strncmp(err.buf, "cannot open '/nonexistent/geoip': ",
	    34) == 0, "%s", err.buf);
	cr_expect_eq(geo_count(&db), 0);
	sbuf_release(&err);
	geo_release(&db);
}

Test(geo, empty_db_misses)
{
	struct geo_db db = { 0 };
	struct ipaddr a;

	cr_assert(ipaddr_parse(SPAN_LIT("8.8.8.8"), &a));
	cr_expect(!geo_lookup(&db, &a, NULL));
	cr_assert(ipaddr_parse(SPAN_LIT("2001:db8::1"), &a));
	cr_expect(!geo_lookup(&db, &a, NULL));
	geo_release(&db);
}

/* Debian's tor-geoipdb, when installed: real size, quick load. */
Test(geo, tor_geoipdb_installed, .init = quiet)
{
	struct geo_db db = { 0 };
	struct sbuf err = SBUF_INIT;
	struct timespec t0, t1;
	double secs;
	int n;

	if (access(geo_default_paths[0], R_OK) != 0)
		cr_skip_test("tor-geoipdb is not installed");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = geo_load_defaults(&db, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert(n >= 1, "%s", err.buf);
	cr_expect_gt(geo_count(&db), 100000);
	cr_expect_lt(db.stats.bad, 10);
	cr_expect_str_eq(cc_of(&db, "8.8.8.8"), "US");
	cr_expect_lt(secs, 10.0);	/* generous for sanitizer builds */
	sbuf_release(&err);
	geo_release(&db);
}

/*
 * Tor's IPv4 lines take a shortcut (io/geo.c plain_v4_line); with a
 * trailing space, which the general steps trim, they do not.  Both files
 * must load the same: counts, and the country at and around every edge.
 * The lines hold the shapes at the shortcut's borders: codes it leaves
 * alone, ranges out of order, ten and eleven digits, the top address,
 * leading zeros, empty and missing fields, a header.
 */
Test(geo, tor_ipv4_shortcut_agrees, .init = quiet)
{
	static const char *const lines[] = {
		"start,end,cc", "0,255,AU", "256,511,??", "512,767,ZZ",
		"768,1023,de", "1024,1279,--", "1280,1535,", "1536,1791",
		"2047,1792,FR", "0000002048,0000002303,NL",
		"00000002304,2559,BE", "4294967040,4294967295,US",
		"4294967040,4294967296,CA", "3000,3255,A1", "3256,3511,Ab",
		"3512,3767,ABC", ",3768,IT", "3769,,IT", "4000,4000,JP",
		"4001,4255,J", "16777216,16777471,AU", "16777472,16778239,CN",
		"16778240,16779263,AU", "1e3,2000,SE", "5000,6000,XX",
		"5500,7000,YY", "100000,200000,GB",
	};
	const char *path[2] = { tmp_path("tor4a"), tmp_path("tor4b") };
	struct geo_db db[2];
	size_t i, k;
	int j;

	for (j = 0; j < 2; j++) {
		struct sbuf err = SBUF_INIT;
		FILE *f = fopen(path[j], "w");

		cr_assert_not_null(f);
		for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
			fprintf(f, "%s%s\n", lines[i], j ? " " : "");
		fclose(f);
		geo_init(&db[j]);
		cr_assert_eq(geo_load_country(&db[j], path[j], &err), 0);
		sbuf_release(&err);
	}
	cr_expect_eq(db[0].stats.ranges, db[1].stats.ranges);
	cr_expect_eq(db[0].stats.bad, db[1].stats.bad);
	cr_expect_eq(db[0].stats.unknown, db[1].stats.unknown);
	cr_expect_eq(db[0].stats.overlaps, db[1].stats.overlaps);
	cr_expect_geq(db[0].stats.ranges, 12);
	for (k = 0; k < db[1].n4; k++) {
		static const int64_t d[] = { -1, 0, 1 };
		const struct geo_r4 *r = &db[1].r4[k];
		size_t m;

		for (m = 0; m < 6; m++) {
			int64_t v = (int64_t)(m < 3 ? r->lo : r->hi) + d[m % 3];
			char text[16];
			char a[3];

			if (v < 0 || v > (int64_t)UINT32_MAX)
				continue;
			snprintf(text, sizeof(text), "%u.%u.%u.%u",
			    (unsigned)(v >> 24), (unsigned)(v >> 16 & 255),
			    (unsigned)(v >> 8 & 255), (unsigned)(v & 255));
			snprintf(a, sizeof(a), "%s", cc_of(&db[0], text));
			cr_expect_str_eq(a, cc_of(&db[1], text), "%s", text);
		}
	}
	cr_expect_eq(db[0].n4, db[1].n4);
	geo_release(&db[0]);
	geo_release(&db[1]);
	unlink(path[0]);
	unlink(path[1]);
}
