/*
 * tests/test_limits.c - no fixed-size table or counter decides a result:
 * the summary's top lists, the audit's and the home country count every
 * country and network however many came before the biggest, and no
 * number of failures between an address's own and its login hides a
 * crack, and no sum of failures wraps; no threshold is allowed past the
 * counter it is compared with.  Each log is generated here, in the Dovecot
 * line format of testdata/demo, and the built binary run on it.
 */
#include <criterion/criterion.h>
#include <unistd.h>

#include "tests/testutil.h"

#define run run_fmt

static char dir[4096];

static void
setup(void)
{
	fixture_dir(dir, sizeof(dir), "limits");
}

static void
teardown(void)
{
	fixture_dir_remove(dir);
}

TestSuite(limits, .init = setup, .fini = teardown);

/* path - a file in the suite's folder; valid for the next 7 calls. */
static const char *
path(const char *leaf)
{
	static char buf[8][4200];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, leaf);
	return b;
}

static FILE *
create(const char *leaf)
{
	FILE *fp = fopen(path(leaf), "w");

	cr_assert_not_null(fp, "cannot create %s", path(leaf));
	return fp;
}

/* stamp - a syslog time stamp, t seconds after 3 March 00:00. */
static void
stamp(FILE *fp, unsigned t)
{
	fprintf(fp, "Mar %2u %02u:%02u:%02u", 3 + t / 86400, t / 3600 % 24,
	    t / 60 % 60, t % 60);
}

/* fail - a Dovecot IMAP login failure of n attempts. */
static void
fail(FILE *fp, unsigned t, const char *user, const char *ip,
    unsigned long n)
{
	static unsigned sess;

	stamp(fp, t);
	fprintf(fp, " mx1 dovecot: imap-login: Disconnected (auth failed, %lu "
	    "attempts in 5 secs): user=<%s>, method=PLAIN, rip=%s, "
	    "lip=192.0.2.10, TLS, session=<f%u>\n", n, user, ip, sess++);
}

/* login - a Dovecot IMAP login. */
static void
login(FILE *fp, unsigned t, const char *user, const char *ip)
{
	static unsigned sess;

	stamp(fp, t);
	fprintf(fp, " mx1 dovecot: imap-login: Login: user=<%s>, "
	    "method=PLAIN, rip=%s, lip=192.0.2.10, mpid=%u, TLS, "
	    "session=<l%u>\n", user, ip, 1000 + sess, sess);
	sess++;
}

/* cc - a distinct country code for each k < 26 * 25 ("AA", "AB", ...). */
static const char *
cc(unsigned k)
{
	static char buf[3];

	buf[0] = (char)('A' + k / 26);
	buf[1] = (char)('A' + k % 26);
	return buf;
}

/* net - the k-th /24 of 21.0.0.0/8, with host h. */
static const char *
net(unsigned k, unsigned h)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "21.%u.%u.%u", k >> 8 & 255, k & 255, h);
	return buf;
}

/*
 * origin_files - geo and ASN files giving the k-th /24 of 21.0.0.0/8
 * (k < n) country cc(k) and AS 64000 + k.
 */
static void
origin_files(unsigned n)
{
	FILE *geo = create("geo.csv"), *asn = create("asn.csv");
	unsigned k;

	for (k = 0; k < n; k++) {
		fprintf(geo, "%s/24,%s\n", net(k, 0), cc(k));
		fprintf(asn, "%s,", net(k, 0));
		fprintf(asn, "%s,%u,Org %u\n", net(k, 255), 64000 + k, k);
	}
	fclose(geo);
	fclose(asn);
}

/* has - the file holds the text. */
static bool
has(const char *file, const char *text)
{
	char *buf = slurp(file, NULL);
	bool yes = strstr(buf, text) != NULL;

	free(buf);
	return yes;
}

/*
 * many_origins - 299 networks, each in a country and an AS of its own,
 * fail once; then the 300th fails 50 times: the biggest attacker is the
 * one met last.
 */
static void
many_origins(void)
{
	FILE *fp = create("origins.log");
	char user[32];
	unsigned k;

	origin_files(300);
	for (k = 0; k < 299; k++) {
		snprintf(user, sizeof(user), "x%u", k);
		fail(fp, k, user, net(k, 1), 1);
	}
	for (k = 0; k < 50; k++) {
		snprintf(user, sizeof(user), "y%u", k);
		fail(fp, 300 + k, user, net(299, 7), 1);
	}
	fclose(fp);
}

/*
 * The summary's "attacks from" and "attacking networks" once tallied the
 * first 256 countries and networks met, so an attacker met after them
 * was missing from the lists however big it was.
 */
Test(limits, summary_counts_every_country_and_network)
{
	char out[4096];

	many_origins();
	snprintf(out, sizeof(out), "%s", path("origins.report"));
	cr_assert_eq(run("'%s' report -q --year 2024 --geo '%s' --asn '%s' "
	    "'%s' > '%s'", test_bin(), path("geo.csv"), path("asn.csv"),
	    path("origins.log"), out), 0, "%s", test_cmdline);
	cr_expect(has(out, "  attacks from        LN 50, AA 1, AB 1, AC 1, "
	    "AD 1\n"), "the 300th country is missing from the top list");
	cr_expect(has(out, "  attacking networks  AS64299 50, AS64000 1, "
	    "AS64001 1, AS64002 1, AS64003 1\n"),
	    "the 300th network is missing from the top list");
}

/*
 * The audit's "Attacks came from" once tallied the first 64 countries
 * met in the window.
 */
Test(limits, audit_counts_every_country)
{
	char out[4096];

	many_origins();
	snprintf(out, sizeof(out), "%s", path("origins.audit"));
	cr_assert_eq(run("'%s' audit -q --always --year 2024 --now 2024-03-04 "
	    "--geo '%s' '%s' > '%s'", test_bin(), path("geo.csv"),
	    path("origins.log"), out), 0, "%s", test_cmdline);
	cr_expect(has(out, "Attacks came from: LN 50, "),
	    "the 300th country is missing from the audit");
}

/*
 * The home country is the one most accounts log in from; it was chosen
 * among the first 64 countries met.  69 countries see one account each,
 * then three accounts log in from a 70th.
 */
Test(limits, home_country_among_every_country)
{
	FILE *fp = create("home.log");
	char user[32], out[4096];
	unsigned k;

	origin_files(70);
	for (k = 0; k < 69; k++) {
		snprintf(user, sizeof(user), "h%u", k);
		login(fp, k, user, net(k, 1));
	}
	for (k = 0; k < 3; k++) {
		snprintf(user, sizeof(user), "w%u", k);
		login(fp, 100 + k, user, net(69, 1 + k));
	}
	fclose(fp);
	snprintf(out, sizeof(out), "%s", path("home.report"));
	cr_assert_eq(run("'%s' report -q --year 2024 --geo '%s' '%s' > '%s'",
	    test_bin(), path("geo.csv"), path("home.log"), out), 0, "%s",
	    test_cmdline);
	cr_expect(has(out, "  home country        CR\n"),
	    "the home country is not the 70th country's");
}

/*
 * crack_log - 198.51.100.9 fails once for alice, then n failures from
 * other addresses, one a second, then it logs in; the attack addresses
 * are given a country, so that no system geo file decides the home.
 */
static void
crack_log(const char *leaf, unsigned n, unsigned gap)
{
	FILE *fp = create(leaf), *geo = create("crack-geo.csv");
	char ip[32];
	unsigned k;

	fputs("45.0.0.0/16,BR\n", geo);
	fclose(geo);
	fail(fp, 0, "alice", "198.51.100.9", 1);
	for (k = 0; k < n; k++) {
		snprintf(ip, sizeof(ip), "45.0.%u.%u", k / 250, k % 250 + 1);
		fail(fp, gap + k, "alice", ip, 1);
	}
	login(fp, gap + n, "alice", "198.51.100.9");
	fclose(fp);
}

/* crack_verdict - report's CSV on a crack_log: alice's verdict, or "". */
static void
crack_verdict(const char *leaf, char *verdict, size_t size)
{
	char out[4096];
	struct csv_table t;

	snprintf(out, sizeof(out), "%s.csv", path(leaf));
	cr_assert_eq(run("'%s' report -q --format csv --year 2024 --geo '%s' "
	    "'%s' > '%s'", test_bin(), path("crack-geo.csv"), path(leaf), out),
	    0, "%s", test_cmdline);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_assert_leq(t.nrows, 1);
	snprintf(verdict, size, "%s", t.nrows ? tbl_get(&t, 0, "verdict") :
	    "");
	if (t.nrows)
		cr_expect_str_eq(tbl_get(&t, 0, "crack_ip"), "198.51.100.9");
	tbl_free(&t);
}

/*
 * The look back for a crack stopped after 10000 events, so an attack of
 * more failures between the cracking address's own failure and its login
 * hid the crack: the bigger the dictionary attack, the safer the
 * attacker.
 */
Test(limits, crack_found_past_a_big_attack)
{
	char v[32];

	crack_log("crack-small.log", 20, 1);
	crack_verdict("crack-small.log", v, sizeof(v));
	cr_expect_str_eq(v, "at-risk", "crack after 20 failures: '%s'", v);
	crack_log("crack-big.log", 10050, 1);
	crack_verdict("crack-big.log", v, sizeof(v));
	cr_expect_str_eq(v, "at-risk", "crack after 10050 failures: '%s'", v);
}

/*
 * The abuse addresses past the few shown are counted once each: alice,
 * cracked, sends 3 messages from each of 6 addresses of the cracking
 * network, "+2" more than the 4 shown.  The count went up by one for each
 * message from a fifth or later address once 4 were met (+6 here).
 */
Test(limits, abuse_addresses_counted_once_each)
{
	FILE *fp;
	char out[4096];
	struct csv_table t;
	const char *ips;
	unsigned k;

	crack_log("abuse-ips.log", 20, 1);
	fp = fopen(path("abuse-ips.log"), "a");
	cr_assert_not_null(fp);
	for (k = 0; k < 18; k++) {
		stamp(fp, 100 + 10 * k);
		fprintf(fp, " mx1 postfix/submission/smtpd[%u]: 4B%08X: "
		    "client=unknown[198.51.100.%u], sasl_method=PLAIN, "
		    "sasl_username=alice\n", 300 + k, k, 10 + k % 6);
		stamp(fp, 101 + 10 * k);
		fprintf(fp, " mx1 postfix/qmgr[50]: 4B%08X: "
		    "from=<alice@example.org>, size=100, nrcpt=1 "
		    "(queue active)\n", k);
	}
	fclose(fp);
	snprintf(out, sizeof(out), "%s.csv", path("abuse-ips.log"));
	cr_assert_eq(run("'%s' report -q --format csv --year 2024 --geo '%s' "
	    "'%s' > '%s'", test_bin(), path("crack-geo.csv"),
	    path("abuse-ips.log"), out), 0, "%s", test_cmdline);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_assert_eq(t.nrows, 1);
	cr_expect_str_eq(tbl_get(&t, 0, "messages"), "18");
	ips = tbl_get(&t, 0, "abuse_ips");
	cr_expect(strlen(ips) > 3 && strcmp(ips + strlen(ips) - 3, " +2") == 0,
	    "abuse_ips '%s', want 4 addresses and +2", ips);
	tbl_free(&t);
}

/* A failure older than crack-window-hours (168) still does not count. */
Test(limits, crack_window_still_holds)
{
	char v[32];

	crack_log("crack-old.log", 20, 8 * 86400);
	crack_verdict("crack-old.log", v, sizeof(v));
	cr_expect_str_eq(v, "", "a failure 8 days before the login: '%s'", v);
}

/*
 * An account's failures were summed in 32 bits: past 2^32 the sum
 * wrapped, and the account was not even counted as attacked.  4295 lines
 * of 1000000 attempts (the most a line may claim) and 2 more from one
 * address; two other addresses fail too, and the first logs in: a crack,
 * whose story and CSV row give the whole sum, 4295000004.
 */
Test(limits, failure_sums_do_not_wrap)
{
	FILE *fp = create("wrap.log");
	char out[4096], csv[4096];
	struct csv_table t;
	unsigned i;

	for (i = 0; i < 4295; i++)
		fail(fp, i, "erin", "203.0.113.5", 1000000);
	fail(fp, 4300, "erin", "203.0.113.5", 2);
	fail(fp, 4310, "erin", "198.51.100.7", 1);
	fail(fp, 4315, "erin", "198.51.100.8", 1);
	login(fp, 4320, "erin", "203.0.113.5");
	fclose(fp);
	snprintf(out, sizeof(out), "%s", path("wrap.report"));
	snprintf(csv, sizeof(csv), "%s", path("wrap.csv"));
	cr_assert_eq(run("'%s' report -q --year 2024 --home DE '%s' > '%s'",
	    test_bin(), path("wrap.log"), out), 0, "%s", test_cmdline);
	cr_expect(has(out, "  failed logins       4295000004\n"));
	cr_expect(has(out, "  attacked accounts   1 (0 not cracked)\n"),
	    "the attacked account is not counted");
	cr_expect(has(out, "attack began: 4295000004 failed logins"));
	cr_assert_eq(run("'%s' report -q --year 2024 --home DE --format csv "
	    "'%s' > '%s'", test_bin(), path("wrap.log"), csv), 0, "%s",
	    test_cmdline);
	cr_assert_eq(tbl_load(csv, &t), 0);
	cr_assert_eq(t.nrows, 1);
	cr_expect_str_eq(tbl_get(&t, 0, "account"), "erin");
	cr_expect_str_eq(tbl_get(&t, 0, "fails"), "4295000004");
	tbl_free(&t);
}

/*
 * The cohort threshold is compared with a count of accounts per address
 * that stops at 65535: a larger threshold could never be met, and is
 * refused.
 */
Test(limits, cohort_threshold_within_the_count)
{
	FILE *fp = create("cohort.log");

	login(fp, 0, "alice", "203.0.113.5");
	fclose(fp);
	cr_expect_eq(run("'%s' report -q --year 2024 --threshold cohort=65535 "
	    "'%s' > /dev/null 2>&1", test_bin(), path("cohort.log")), 0);
	cr_expect_eq(run("'%s' report -q --year 2024 --threshold cohort=65536 "
	    "'%s' > /dev/null 2>&1", test_bin(), path("cohort.log")), 64,
	    "cohort=65536 is accepted");
}
