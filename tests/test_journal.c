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
