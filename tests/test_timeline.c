/*
 * tests/test_timeline.c - the store timeline_build() fills: what each
 * stored event says of its file, when several rotated sets are merged.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/timeline.h"
#include "io/diag.h"
#include "io/source.h"
#include "tests/testutil.h"

static char dir[4096];

static void
setup_dir(void)
{
	fixture_dir(dir, sizeof(dir), "timeline");
	diag_set_quiet(true);
}

static void
teardown_dir(void)
{
	fixture_dir_remove(dir);
}

#define FAIL_LINE "Jan %2d %02d:%02d:%02d %s postfix/submission/smtpd[%d]: " \
	"warning: unknown[192.0.2.%d]: SASL LOGIN authentication failed: " \
	"UGFzc3dvcmQ6\n"

/* host_file - dir/HOST/maillog-20240131, open for writing. */
static FILE *
host_file(const char *host)
{
	char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, host);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s/maillog-20240131", dir, host);
	cr_assert_not_null(fp = fopen(path, "w"));
	return fp;
}

/*
 * host_log - n SASL failures of HOST on Jan 6, one a minute from 10:00
 * on, at second `sec` of the minute.
 */
static void
host_log(const char *host, int n, int sec)
{
	FILE *fp = host_file(host);
	int i;

	for (i = 0; i < n; i++)
		fprintf(fp, FAIL_LINE, 6, 10 + i / 60, i % 60, sec, host,
		    100 + i, 1 + i % 200);
	cr_assert_eq(fclose(fp), 0);
}

/* build - the timeline of dir's host folders, read -j1. */
static void
build(struct timeline *tl, struct source_list *l, uint32_t batch_lines)
{
	struct scan_opts o = { .jobs = 1, .batch_lines = batch_lines };
	struct sbuf err = SBUF_INIT;
	char *args[] = { dir };

	memset(l, 0, sizeof(*l));
	cr_assert_eq(source_collect(args, 1, l, &err), 0, "%s", err.buf);
	sbuf_release(&err);
	cr_assert_eq(timeline_build(tl, l, &o), 0);
}

TestSuite(timeline, .init = setup_dir, .fini = teardown_dir);

/*
 * Two hosts' sets are merged a batch at a time (two lines here), so the
 * scan goes back and forth between their files: each file is still one
 * entry of files[], and every event names the file it came from.  The
 * store once added a file each time the scan came back to it.
 */
Test(timeline, merged_sets_keep_one_index_per_file)
{
	struct source_list l;
	struct timeline tl;
	size_t i, per_host[2] = { 0, 0 };

	host_log("mx1", 40, 10);
	host_log("mx2", 40, 20);
	build(&tl, &l, 2);
	cr_assert_eq(tl.n, 80, "%zu events stored, want 80", tl.n);
	cr_assert_eq(tl.nfiles, 2, "%zu files, want 2", tl.nfiles);
	for (i = 0; i < tl.n; i++) {
		const struct event *e = &tl.ev[i];
		const char *host = tl.hosts[e->host];
		char want[16];
		int h;

		cr_assert(strcmp(host, "mx1") == 0 || strcmp(host, "mx2") == 0,
		    "host %s", host);
		h = host[2] - '1';
		per_host[h]++;
		snprintf(want, sizeof(want), "/%s/", host);
		cr_assert_not_null(strstr(tl.files[e->source], want),
		    "an event of %s names %s", host, tl.files[e->source]);
		/* Events are in time order: the host's k-th is line k. */
		cr_assert_eq(e->line, per_host[h], "%s line %u, want %zu",
		    host, e->line, per_host[h]);
	}
	cr_assert_eq(per_host[0], 40);
	cr_assert_eq(per_host[1], 40);
	timeline_release(&tl);
	source_list_release(&l);
}

/*
 * The logs are silent only when every host is: mx1 logs on Jan 1 and 20,
 * mx2 every day in between, so no silence is longer than a day.  The
 * merge once noted each set's times as it read ahead, and found 18 days.
 */
Test(timeline, merged_sets_silent_only_when_all_are)
{
	struct source_list l;
	struct timeline tl;
	FILE *fp = host_file("mx1");
	int d;

	fprintf(fp, FAIL_LINE, 1, 10, 0, 0, "mx1", 100, 1);
	fprintf(fp, FAIL_LINE, 20, 10, 0, 0, "mx1", 101, 2);
	cr_assert_eq(fclose(fp), 0);
	fp = host_file("mx2");
	for (d = 2; d <= 19; d++)
		fprintf(fp, FAIL_LINE, d, 10, 0, 0, "mx2", 200 + d, 3);
	cr_assert_eq(fclose(fp), 0);
	build(&tl, &l, 0);
	cr_assert_eq(tl.n, 20);
	cr_expect_eq(tl.stats.gap, 86400, "longest silence %lld s after %lld",
	    (long long)tl.stats.gap, (long long)tl.stats.gap_at);
	cr_expect_eq(tl.stats.last - tl.stats.first, 19 * 86400);
	timeline_release(&tl);
	source_list_release(&l);
}

/* write_lines - dir/HOST/maillog-20240131 with the given text. */
static void
write_lines(const char *host, const char *text)
{
	FILE *fp = host_file(host);

	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

/*
 * Two host folders are two servers, even when both log the host name
 * "mail": alice's message on one is not given the bounces of the same
 * queue id on the other.  Lines without a host name (Exim's mainlog)
 * match the back-end lines of their own folder only.
 */
Test(timeline, host_folders_are_servers)
{
	struct source_list l;
	struct timeline tl;
	size_t i;
	int fails = 0;

	write_lines("a", "Jan 10 10:00:00 mail postfix/submission/smtpd[100]: "
	    "1A2B3C4D5E: client=unknown[203.0.113.9], sasl_method=PLAIN, "
	    "sasl_username=alice\n"
	    "Jan 10 10:00:02 mail postfix/smtp[101]: 1A2B3C4D5E: "
	    "to=<x@example.com>, relay=mx.example.com[192.0.2.50]:25, "
	    "delay=1, delays=0.1/0/0.4/0.5, dsn=2.0.0, status=sent (250 ok)\n"
	    "Jan 10 10:59:59 mail dovecot: auth: passwd-file(alice,"
	    "203.0.113.7): Password mismatch\n"
	    "Jan 10 11:00:02 mail postfix/submission/smtpd[102]: warning: "
	    "unknown[203.0.113.7]: SASL LOGIN authentication failed: "
	    "UGFzc3dvcmQ6\n");
	write_lines("b", "Jan 10 10:05:00 mail postfix/smtp[200]: 1A2B3C4D5E: "
	    "to=<y@example.net>, relay=mx.example.net[192.0.2.60]:25, "
	    "delay=1, delays=0.1/0/0.4/0.5, dsn=5.1.1, status=bounced "
	    "(host mx.example.net[192.0.2.60] said: 550 5.1.1 no such user)\n"
	    "Jan 10 11:00:00 mail dovecot: auth: passwd-file(bob,"
	    "203.0.113.7): Password mismatch\n");
	build(&tl, &l, 0);
	cr_assert_eq(tl.nhosts, 2, "%u servers, want 2", tl.nhosts);
	cr_expect_str_eq(tl.hosts[0], "mail");
	cr_expect_str_eq(tl.hosts[1], "mail");
	cr_assert_eq(tl.ledger.n, 1);
	cr_expect_eq(tl.ledger.msg[0].sent, 1);
	cr_expect_eq(tl.ledger.msg[0].bounced, 0, "the other server's bounce");
	/*
	 * bob's back-end line on b is 2 s before the failure (Dovecot's
	 * delay), alice's on a 3 s; but b is not the failure's server.
	 */
	for (i = 0; i < tl.n; i++)
		if (tl.ev[i].kind == EV_AUTH_FAIL) {
			cr_expect_str_eq(timeline_account(&tl,
			    tl.ev[i].account), "alice");
			fails++;
		}
	cr_expect_eq(fails, 1);
	timeline_release(&tl);
	source_list_release(&l);
}

/*
 * The store keeps 32-bit times: a line dated before 1970 or after 2106
 * is a skipped line (counted, so that --strict sees it), not silently
 * left out.
 */
Test(timeline, out_of_range_dates_are_skipped_lines)
{
	struct source_list l;
	struct timeline tl;

	write_lines("mx1", "1969-12-31T23:59:58+00:00 mx1 postfix/submission/"
	    "smtpd[1]: warning: unknown[192.0.2.1]: SASL LOGIN authentication "
	    "failed: UGFzc3dvcmQ6\n"
	    "2024-03-03T10:00:00+00:00 mx1 postfix/submission/smtpd[2]: "
	    "warning: unknown[192.0.2.2]: SASL LOGIN authentication failed: "
	    "UGFzc3dvcmQ6\n"
	    "2107-01-01T00:00:00+00:00 mx1 postfix/submission/smtpd[3]: "
	    "warning: unknown[192.0.2.3]: SASL LOGIN authentication failed: "
	    "UGFzc3dvcmQ6\n");
	build(&tl, &l, 0);
	cr_expect_eq(tl.n, 1);
	cr_expect_eq(tl.stats.skipped, 2, "%llu skipped",
	    (unsigned long long)tl.stats.skipped);
	timeline_release(&tl);
	source_list_release(&l);
}
