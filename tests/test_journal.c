/*
 * tests/test_journal.c - end to end: the demo as the journal prints it.
 *
 * testdata/demo-journal holds what journalctl -o json and -o short-iso
 * print for the entries of testdata/demo (testdata/to_journal.py, wall
 * time taken as UTC).  `report` and `errors` run on the syslog set and on
 * each journal form, and must agree: the same compromised accounts with
 * the same verdicts and figures, the same failure counts per period and
 * service.  Nothing is hard-coded: each side is computed by a run.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdarg.h>
#include <unistd.h>

#include "tests/testutil.h"

#define run run_fmt

/* The journal forms, as files under testdata/demo-journal. */
static const char *const forms[] = {
	"journal.json.gz",
	"journal.short-iso.gz",
};
#define NFORMS	(sizeof(forms) / sizeof(forms[0]))

/* report columns that do not name a file (evidence cells do). */
static const char *const report_cols[] = {
	"account", "verdict", "score", "cracked_at", "crack_ip", "abuse_first",
	"abuse_last", "abuse_ips", "messages", "recipients", "bounced",
	"deferred", "dnsbl_rejects", "sent", "fails", "fail_ips",
	"attack_first", "contained_at", "why",
};

/*
 * run_csv - run `subsubmit CMD ARGS --format csv -q INPUT` into a
 * scratch file and load it; fails the test on a non-zero exit.
 */
static void
run_csv(const char *cmd, const char *args, const char *input,
    const char *tag, struct csv_table *t)
{
	char out[4096], err[4200];
	int rc;

	snprintf(out, sizeof(out), "%s", tmp_path(tag));
	snprintf(err, sizeof(err), "%s.err", out);
	rc = run("'%s' %s %s --format csv -q %s > '%s' 2> '%s'", test_bin(),
	    cmd, args, input, out, err);
	cr_assert_eq(rc, 0, "`%s` exited %d (see %s)", test_cmdline, rc, err);
	cr_assert_eq(tbl_load(out, t), 0, "cannot read %s", out);
	cr_assert_gt(t->ncols, 0, "%s: no header", out);
}

/* same_tables - every named column of every row equal, in order. */
static void
same_tables(const struct csv_table *a, const struct csv_table *b,
    const char *const *cols, size_t ncols, const char *what)
{
	size_t i, c;

	cr_expect_eq(a->nrows, b->nrows, "%s: %zu rows, syslog has %zu", what,
	    b->nrows, a->nrows);
	for (i = 0; i < a->nrows && i < b->nrows; i++)
		for (c = 0; c < ncols; c++)
			cr_expect_str_eq(tbl_get(b, i, cols[c]),
			    tbl_get(a, i, cols[c]), "%s: row %zu column %s",
			    what, i + 1, cols[c]);
}

static const char *
form_path(size_t i)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "'%s/demo-journal/%s'", test_data(),
	    forms[i]);
	return buf;
}

Test(journal, report_verdicts_agree)
{
	struct csv_table sys, jr;
	char demo[4096], tag[64];
	size_t i;

	snprintf(demo, sizeof(demo), "'%s/demo'", test_data());
	run_csv("report", "", demo, "journal-report-syslog", &sys);
	/* the comparison means something only if the demo finds accounts */
	cr_assert_geq(sys.nrows, 2, "the syslog demo reports %zu accounts",
	    sys.nrows);
	for (i = 0; i < NFORMS; i++) {
		snprintf(tag, sizeof(tag), "journal-report-%zu", i);
		run_csv("report", "", form_path(i), tag, &jr);
		same_tables(&sys, &jr, report_cols,
		    sizeof(report_cols) / sizeof(report_cols[0]), forms[i]);
		tbl_free(&jr);
	}
	tbl_free(&sys);
}

Test(journal, error_counts_agree)
{
	static const char *const by[] = { "--by month", "--by day" };
	struct csv_table sys, jr;
	char demo[4096], tag[64];
	size_t i, b;

	snprintf(demo, sizeof(demo), "'%s/demo'", test_data());
	for (b = 0; b < sizeof(by) / sizeof(by[0]); b++) {
		snprintf(tag, sizeof(tag), "journal-errors-syslog-%zu", b);
		run_csv("errors", by[b], demo, tag, &sys);
		cr_assert_gt(sys.nrows, 2, "%s: %zu rows", by[b], sys.nrows);
		for (i = 0; i < NFORMS; i++) {
			snprintf(tag, sizeof(tag), "journal-errors-%zu-%zu", b,
			    i);
			run_csv("errors", by[b], form_path(i), tag, &jr);
			same_tables(&sys, &jr, (const char *const *)sys.cols,
			    (size_t)sys.ncols, forms[i]);
			tbl_free(&jr);
		}
		tbl_free(&sys);
	}
}

Test(journal, json_from_stdin)
{
	struct csv_table file, in;
	char input[4200];

	run_csv("errors", "", form_path(0), "journal-stdin-file", &file);
	snprintf(input, sizeof(input), "- < %s", form_path(0));
	run_csv("errors", "", input, "journal-stdin", &in);
	same_tables(&file, &in, (const char *const *)file.cols,
	    (size_t)file.ncols, "standard input");
	tbl_free(&file);
	tbl_free(&in);
}

Test(journal, converter_output_is_current)
{
	char dir[4096];
	size_t i;

	if (run("command -v python3 >/dev/null 2>&1") != 0)
		cr_skip_test("python3 not found");
	snprintf(dir, sizeof(dir), "%s", tmp_path("journal-conv"));
	cr_assert_eq(run("rm -rf '%s' && python3 '%s/to_journal.py' --in "
	    "'%s/demo' --out '%s'", dir, test_data(), test_data(), dir), 0,
	    "converter failed: %s", test_cmdline);
	for (i = 0; i < NFORMS; i++)
		cr_expect_eq(run("cmp -s '%s/%s' %s", dir, forms[i],
		    form_path(i)), 0, "%s differs from a fresh conversion of "
		    "testdata/demo: rerun testdata/to_journal.py", forms[i]);
	(void)run("rm -rf '%s'", dir);
}

/*
 * Several hosts: the demo as mx1 and again as mx2 (host renamed), once in
 * per-host folders (hosts/mx1/maillog-*, hosts/mx2/maillog-*), once as
 * one short-iso file holding both hosts' lines merged in time order, as a
 * central syslog server writes them.  Every event keeps its host, each
 * host's sessions stay its own, so the failures double and the verdicts
 * stay those of one host.
 */

/* host_counts - events per host in an `events --format csv` table. */
static void
host_counts(const struct csv_table *t, size_t *mx1, size_t *mx2,
    size_t *other)
{
	size_t i;

	*mx1 = *mx2 = *other = 0;
	for (i = 0; i < t->nrows; i++) {
		const char *h = tbl_get(t, i, "host");

		if (strcmp(h, "mx1") == 0)
			++*mx1;
		else if (strcmp(h, "mx2") == 0)
			++*mx2;
		else
			++*other;
	}
}

/* doubled - errors of two identical hosts against one host. */
static void
doubled(const struct csv_table *one, const struct csv_table *two,
    const char *what)
{
	static const char *const same[] = { "period", "service", "ips",
	    "accounts" };
	size_t i;

	same_tables(one, two, same, sizeof(same) / sizeof(same[0]), what);
	for (i = 0; i < one->nrows && i < two->nrows; i++)
		cr_expect_eq(strtoul(tbl_get(two, i, "failures"), NULL, 10),
		    2 * strtoul(tbl_get(one, i, "failures"), NULL, 10),
		    "%s: row %zu failures not doubled", what, i + 1);
}

/* make_hosts - the two multi-host inputs under dir. */
static void
make_hosts(const char *dir)
{
	cr_assert_eq(run("set -e; rm -rf '%s'; mkdir -p '%s/hosts/mx1' "
	    "'%s/hosts/mx2'; cd '%s/demo'; for f in maillog-*; do "
	    "cp \"$f\" '%s/hosts/mx1/'; case \"$f\" in "
	    "*.gz) gzip -dc \"$f\" | sed 's/^\\(.\\{15\\}\\) mx1 /\\1 mx2 /' "
	    "| gzip -n > '%s/hosts/mx2/'\"$f\";; "
	    "*) sed 's/^\\(.\\{15\\}\\) mx1 /\\1 mx2 /' \"$f\" > "
	    "'%s/hosts/mx2/'\"$f\";; esac; done",
	    dir, dir, dir, test_data(), dir, dir, dir), 0, "%s",
	    test_cmdline);
	cr_assert_eq(run("set -e; cd '%s'; gzip -dc %s | grep -v '^-- ' > a; "
	    "sed 's/^\\([^ ]*\\) mx1 /\\1 mx2 /' a > b; "
	    "LC_ALL=C sort -m -s -k1,1 a b > both.short-iso; rm a b", dir,
	    form_path(1)), 0, "%s", test_cmdline);
}

Test(journal, several_hosts)
{
	static const char *const verdict_cols[] = { "account", "verdict",
	    "cracked_at", "crack_ip" };
	static const char *const inputs[] = { "hosts", "both.short-iso" };
	struct csv_table one, two;
	char dir[4096], in[4200], tag[64];
	size_t i, mx1, mx2, other, total;

	snprintf(dir, sizeof(dir), "%s", tmp_path("journal-hosts"));
	make_hosts(dir);
	snprintf(in, sizeof(in), "'%s/demo'", test_data());
	run_csv("events", "", in, "journal-hosts-ev1", &one);
	host_counts(&one, &mx1, &mx2, &other);
	cr_assert(mx1 > 0 && mx2 == 0 && other == 0);
	total = mx1;
	tbl_free(&one);
	for (i = 0; i < 2; i++) {
		snprintf(in, sizeof(in), "'%s/%s'", dir, inputs[i]);
		snprintf(tag, sizeof(tag), "journal-hosts-ev-%zu", i);
		run_csv("events", "", in, tag, &two);
		host_counts(&two, &mx1, &mx2, &other);
		cr_expect(mx1 == total && mx2 == total && other == 0,
		    "%s: %zu mx1, %zu mx2, %zu other events; one host has %zu",
		    inputs[i], mx1, mx2, other, total);
		tbl_free(&two);
	}

	snprintf(in, sizeof(in), "'%s/demo'", test_data());
	run_csv("errors", "--by day", in, "journal-hosts-err1", &one);
	for (i = 0; i < 2; i++) {
		snprintf(in, sizeof(in), "'%s/%s'", dir, inputs[i]);
		snprintf(tag, sizeof(tag), "journal-hosts-err-%zu", i);
		run_csv("errors", "--by day", in, tag, &two);
		doubled(&one, &two, inputs[i]);
		tbl_free(&two);
	}
	tbl_free(&one);

	snprintf(in, sizeof(in), "'%s/demo'", test_data());
	run_csv("report", "", in, "journal-hosts-rep1", &one);
	cr_assert_geq(one.nrows, 2);
	for (i = 0; i < 2; i++) {
		snprintf(in, sizeof(in), "'%s/%s'", dir, inputs[i]);
		snprintf(tag, sizeof(tag), "journal-hosts-rep-%zu", i);
		run_csv("report", "", in, tag, &two);
		same_tables(&one, &two, verdict_cols,
		    sizeof(verdict_cols) / sizeof(verdict_cols[0]), inputs[i]);
		tbl_free(&two);
	}
	tbl_free(&one);
	(void)run("rm -rf '%s'", dir);
}
