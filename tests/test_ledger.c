/*
 * tests/test_ledger.c - analysis/ledger.c: what one message's delivery
 * lines add up to, through the ledger's calls and through the built
 * binary's report.  The counters saturate at the caps ledger.h gives;
 * the distinct recipient domains are exact below theirs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/ledger.h"
#include "io/span.h"
#include "tests/testutil.h"

#define T0	1700000000u	/* a submission time */

/* submit - a message of queue id qid on host 0 at when. */
static uint32_t
submit(struct ledger *l, const char *qid, uint32_t when)
{
	struct message m;

	memset(&m, 0, sizeof(m));
	m.when = when;
	m.account = 1;
	return ledger_submit(l, 0, span_make(qid, strlen(qid)), &m);
}

/* deliver - one delivery line of qid, its recipient rcpt. */
static void
deliver(struct ledger *l, const char *qid, uint32_t when,
    const char *status, const char *rcpt)
{
	cr_assert_geq(ledger_delivery(l, 0, span_make(qid, strlen(qid)), when,
	    span_make(status, strlen(status)), span_make(rcpt, strlen(rcpt)),
	    false), 0, "no message '%s'", qid);
}

/* deliver_fmt - deliver() to a formatted recipient, status sent. */
static void
deliver_fmt(struct ledger *l, const char *qid, uint32_t when,
    const char *fmt, int a, int b)
{
	char rcpt[128];

	snprintf(rcpt, sizeof(rcpt), fmt, a, b);
	deliver(l, qid, when, "sent", rcpt);
}

/*
 * 20 recipients in 10 domains, dom0 to dom9
 * twice over.  Only 8 domains were remembered, so the ninth and tenth
 * counted again on their second recipients: 12.
 */
Test(ledger, domains_past_eight_are_distinct)
{
	struct ledger l;
	uint32_t m;
	int i;

	ledger_init(&l);
	m = submit(&l, "CCCC1DDDD2", T0);
	for (i = 0; i < 20; i++)
		deliver_fmt(&l, "CCCC1DDDD2", T0 + 2, "u%d@dom%d.example", i,
		    i % 10);
	cr_expect_eq(l.msg[m].domains, 10, "domains %u", l.msg[m].domains);
	cr_expect_eq(l.msg[m].sent, 20);
	ledger_release(&l);
}

/*
 * Exact up to the cap: 254 domains, three recipients each, are 254 (one
 * short of the cap, so a recount would show); 300 are the cap, 255.
 */
Test(ledger, domains_exact_up_to_cap)
{
	struct ledger l;
	uint32_t a, b;
	int i, r;

	ledger_init(&l);
	a = submit(&l, "AAAA1", T0);
	b = submit(&l, "BBBB2", T0);
	for (r = 0; r < 3; r++)
		for (i = 0; i < 300; i++) {
			if (i < 254)
				deliver_fmt(&l, "AAAA1", T0 + 1, "u%d@d%d.example",
				    r, i);
			deliver_fmt(&l, "BBBB2", T0 + 1, "u%d@d%d.example", r,
			    i);
		}
	cr_expect_eq(l.msg[a].domains, 254, "domains %u", l.msg[a].domains);
	cr_expect_eq(l.msg[b].domains, MSG_DOMAINS_MAX, "domains %u",
	    l.msg[b].domains);
	cr_expect_eq(l.msg[a].freemail, 0);
	cr_expect_eq(l.msg[b].freemail, 0);
	ledger_release(&l);
}

/*
 * Freemail names are counted once each, even past the domain cap (there
 * are fewer of them than the cap); the case of a domain does not make
 * it another, and a quoted local part's '@' is not the domain's.
 */
Test(ledger, freemail_once_each_past_cap)
{
	struct ledger l;
	uint32_t a, b;
	int i;

	ledger_init(&l);
	a = submit(&l, "AAAA1", T0);
	b = submit(&l, "BBBB2", T0);
	deliver(&l, "AAAA1", T0 + 1, "sent", "x@Example.COM");
	deliver(&l, "AAAA1", T0 + 1, "sent", "y@example.com");
	deliver(&l, "AAAA1", T0 + 1, "sent", "\"q@r\"@example.com");
	deliver(&l, "AAAA1", T0 + 1, "sent", "no-domain");
	deliver(&l, "AAAA1", T0 + 1, "sent", "trailing@");
	for (i = 0; i < 12; i++)
		deliver(&l, "AAAA1", T0 + 1, "deferred", i % 2 ?
		    "a@gmail.com" : "b@GMail.Com");
	cr_expect_eq(l.msg[a].domains, 2, "domains %u", l.msg[a].domains);
	cr_expect_eq(l.msg[a].freemail, 1, "freemail %u", l.msg[a].freemail);
	cr_expect_eq(l.msg[a].deferred, 12);
	for (i = 0; i < 300; i++)
		deliver_fmt(&l, "BBBB2", T0 + 1, "u%d@d%d.example", i, i);
	for (i = 0; i < 3; i++) {
		deliver(&l, "BBBB2", T0 + 1, "sent", "a@gmail.com");
		deliver(&l, "BBBB2", T0 + 1, "sent", "a@YAHOO.de");
		deliver(&l, "BBBB2", T0 + 1, "sent", "a@d7.example");
	}
	cr_expect_eq(l.msg[b].domains, MSG_DOMAINS_MAX);
	cr_expect_eq(l.msg[b].freemail, 2, "freemail %u", l.msg[b].freemail);
	cr_expect_eq(l.msg[b].sent, 309);
	ledger_release(&l);
}

/* Interleaved messages with the same domains count them apart. */
Test(ledger, messages_count_apart)
{
	struct ledger l;
	uint32_t a, b;
	int i;

	ledger_init(&l);
	a = submit(&l, "AAAA1", T0);
	b = submit(&l, "BBBB2", T0 + 1);
	for (i = 0; i < 40; i++) {
		deliver_fmt(&l, "AAAA1", T0 + 2, "u%d@d%d.example", i, i % 12);
		deliver_fmt(&l, "BBBB2", T0 + 2, "u%d@d%d.example", i, i % 20);
	}
	cr_expect_eq(l.msg[a].domains, 12, "domains %u", l.msg[a].domains);
	cr_expect_eq(l.msg[b].domains, 20, "domains %u", l.msg[b].domains);
	ledger_release(&l);
}

/*
 * Counters stop at their caps instead of wrapping, and a counter at the
 * cap stays there.
 */
Test(ledger, counters_saturate)
{
	struct ledger l;
	uint32_t m;
	long i;

	ledger_init(&l);
	m = submit(&l, "AAAA1", T0);
	ledger_queued(&l, 0, SPAN_LIT("AAAA1"), T0, 100000);
	for (i = 0; i < MSG_COUNT_MAX + 10L; i++)
		deliver(&l, "AAAA1", T0 + 1, "bounced", "a@b.example");
	cr_expect_eq(l.msg[m].nrcpt, MSG_COUNT_MAX);
	cr_expect_eq(l.msg[m].bounced, MSG_COUNT_MAX);
	cr_expect_eq(l.msg[m].sent, 0);
	cr_expect_eq(l.msg[m].domains, 1);
	ledger_release(&l);
}

/*
 * The domains a join slot cannot hold are kept only while the message
 * can be joined: two months of mail, 50 messages a day of 20 domains
 * each, keep the table at what six days need.  A queue id reused after
 * its lifetime starts its count afresh.
 */
Test(ledger, other_domains_expire)
{
	struct ledger l;
	char qid[32];
	uint32_t when = T0, m = 0;
	int day, k, i;

	ledger_init(&l);
	for (day = 0; day < 60; day++)
		for (k = 0; k < 50; k++) {
			when = T0 + (uint32_t)day * 86400 + (uint32_t)k * 60;
			snprintf(qid, sizeof(qid), "Q%d", k);
			m = submit(&l, qid, when);
			for (i = 0; i < 20; i++)
				deliver_fmt(&l, qid, when + 1,
				    "u%d@d%d.example", i, i);
			cr_assert_eq(l.msg[m].domains, 20, "day %d msg %d: "
			    "domains %u", day, k, l.msg[m].domains);
		}
	/*
	 * At most 7 days of 50 messages with 12 such domains are live,
	 * 4200 keys: a table of 16384 slots (36000 keys, all 60 days,
	 * would need 65536).
	 */
	cr_expect_leq(l.dcap, 16384, "%zu slots", l.dcap);
	cr_expect_leq(l.dn * 4, l.dcap * 3, "%zu keys", l.dn);
	ledger_release(&l);
}

/* The same in the report, from a log the binary reads. */
Test(ledger, report_counts_distinct_domains)
{
	const char *log = tmp_path("ledger.log"), *out = tmp_path("ledger.csv");
	static const char *const fm[] = { "GMAIL.com", "gmail.com", "Gmail.Com" };
	struct csv_table t;
	FILE *fp;
	int i;

	cr_assert_not_null(fp = fopen(log, "w"));
	fprintf(fp, "Mar  3 00:00:00 mx1 dovecot: imap-login: Disconnected "
	    "(auth failed, 1 attempts in 5 secs): user=<alice>, method=PLAIN, "
	    "rip=198.51.100.9, lip=192.0.2.10, TLS, session=<x0>\n");
	for (i = 0; i < 10; i++)
		fprintf(fp, "Mar  3 00:00:1%d mx1 dovecot: imap-login: "
		    "Disconnected (auth failed, 1 attempts in 5 secs): "
		    "user=<alice>, method=PLAIN, rip=45.0.0.%d, "
		    "lip=192.0.2.10, TLS, session=<b%d>\n", i, i, i);
	fprintf(fp, "Mar  3 02:46:31 mx1 dovecot: imap-login: Login: "
	    "user=<alice>, method=PLAIN, rip=198.51.100.9, lip=192.0.2.10, "
	    "mpid=1, TLS, session=<ok1>\n"
	    "Mar  3 03:00:10 mx1 postfix/submission/smtpd[777]: CCCC1DDDD2: "
	    "client=unknown[198.51.100.9], sasl_method=PLAIN, "
	    "sasl_username=alice\n"
	    "Mar  3 03:00:11 mx1 postfix/qmgr[900]: CCCC1DDDD2: "
	    "from=<alice@example.org>, size=1000, nrcpt=23 (queue active)\n");
	for (i = 0; i < 23; i++) {
		fprintf(fp, "Mar  3 03:00:12 mx1 postfix/smtp[901]: CCCC1DDDD2: ");
		if (i < 20)
			fprintf(fp, "to=<u%d@dom%d.example>", i, i % 10);
		else
			fprintf(fp, "to=<f%d@%s>", i, fm[i - 20]);
		fprintf(fp, ", relay=mx.example.com[192.0.2.250]:25, delay=1, "
		    "delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)\n");
	}
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(run_fmt("'%s' report --year 2024 --format csv '%s' > "
	    "'%s'", test_bin(), log, out), 0, "%s", test_cmdline);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_assert_eq(t.nrows, 1, "%zu rows", t.nrows);
	cr_expect_str_eq(tbl_get(&t, 0, "account"), "alice");
	cr_expect_str_eq(tbl_get(&t, 0, "recipients"), "23");
	cr_expect_str_eq(tbl_get(&t, 0, "sent"), "23");
	/* dom0..dom9 and gmail.com; was 15 and 3. */
	cr_expect_str_eq(tbl_get(&t, 0, "domains"), "11");
	cr_expect_str_eq(tbl_get(&t, 0, "freemail"), "1");
	tbl_free(&t);
	unlink(log);
	unlink(out);
}
