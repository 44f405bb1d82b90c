/*
 * tests/test_exim_demo.c - the Exim variants of the scenarios against
 * their Postfix originals: the demo (testdata/demo-exim, gen_demo.py
 * --mta exim, against testdata/demo) and the multi-year report scenario
 * (gen_report.py --mta exim, generated here).  Each pair is the same
 * scenario, so report and errors must come to the same verdicts and
 * counts.  Both sides are computed by running the built binary; nothing
 * is written down here but which columns name files (they differ by
 * design).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <unistd.h>

#include "io/envelope.h"
#include "tests/testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/*
 * Postfix logs a submission when the client is accepted ("client="),
 * Exim when the data is in ("<="): times of the same message may differ
 * by the length of the DATA phase.
 */
#define TIME_SLACK	5

/* Columns holding file:line locators, which differ between variants. */
static const char *const locators[] = {
	"crack_evidence", "abuse_evidence", "file", "line",
};

static bool
is_locator(const char *col)
{
	size_t i;

	for (i = 0; i < NELEM(locators); i++)
		if (strcmp(col, locators[i]) == 0)
			return true;
	return false;
}

/* csv_at - run "subsubmit CMD --format csv -q PATH" into t. */
static void
csv_at(const char *cmd, const char *path, struct csv_table *t)
{
	const char *out = tmp_path("exim-demo.csv");

	cr_assert_eq(run_fmt("'%s' %s --format csv -q '%s' > '%s'",
	    test_bin(), cmd, path, out), 0, "%s", test_cmdline);
	memset(t, 0, sizeof(*t));
	cr_assert_eq(tbl_load(out, t), 0, "%s: not csv", out);
	unlink(out);
}

/* csv_of - csv_at for testdata/DIR. */
static void
csv_of(const char *cmd, const char *dir, struct csv_table *t)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", test_data(), dir);
	csv_at(cmd, path, t);
}

/* when_of - civil seconds of an ISO time cell; false for other text. */
static bool
when_of(const char *cell, int64_t *out)
{
	struct logtime t;
	size_t used;

	return strlen(cell) == 19 && cell[10] == 'T' &&
	    logtime_parse(span_make(cell, 19), &t, &used) && used == 19 &&
	    logtime_civil(&t, t.year, out);
}

/* same_cell - equal text, or times at most TIME_SLACK apart. */
static bool
same_cell(const char *a, const char *b)
{
	int64_t ta, tb;

	if (strcmp(a, b) == 0)
		return true;
	return when_of(a, &ta) && when_of(b, &tb) &&
	    (ta > tb ? ta - tb : tb - ta) <= TIME_SLACK;
}

/*
 * same_tables - equal headers, and equal cells row by row except in the
 * locator columns.
 */
static void
same_tables(const char *what, const struct csv_table *a,
    const struct csv_table *b)
{
	size_t r;
	int c;

	cr_assert_eq(a->ncols, b->ncols, "%s: columns", what);
	for (c = 0; c < a->ncols; c++)
		cr_assert_str_eq(a->cols[c], b->cols[c], "%s: column %d", what,
		    c);
	cr_assert_eq(a->nrows, b->nrows, "%s: %zu rows for Postfix, %zu for "
	    "Exim", what, a->nrows, b->nrows);
	for (r = 0; r < a->nrows; r++)
		for (c = 0; c < a->ncols; c++) {
			if (is_locator(a->cols[c]))
				continue;
			cr_expect(same_cell(tbl_get(a, r, a->cols[c]),
			    tbl_get(b, r, a->cols[c])), "%s row %zu %s: "
			    "Postfix '%s', Exim '%s'", what, r, a->cols[c],
			    tbl_get(a, r, a->cols[c]), tbl_get(b, r, a->cols[c]));
		}
}

Test(exim_demo, report_same_verdicts, .timeout = 120)
{
	struct csv_table pf, ex;
	size_t r, found = 0;

	csv_of("report", "demo", &pf);
	csv_of("report", "demo-exim", &ex);
	/* The scenario has a cracked account of each kind. */
	for (r = 0; r < pf.nrows; r++)
		found += strcmp(tbl_get(&pf, r, "verdict"), "bulk") == 0 ||
		    strcmp(tbl_get(&pf, r, "verdict"), "stealth") == 0;
	cr_expect_geq(found, 2, "the Postfix demo lost its verdicts");
	same_tables("report", &pf, &ex);
	tbl_free(&pf);
	tbl_free(&ex);
}

Test(exim_demo, errors_same_counts, .timeout = 120)
{
	static const char *const by[] = { "month", "week", "year" };
	struct csv_table pf, ex;
	char cmd[64];
	size_t i;

	for (i = 0; i < NELEM(by); i++) {
		snprintf(cmd, sizeof(cmd), "errors --by %s", by[i]);
		csv_of(cmd, "demo", &pf);
		csv_of(cmd, "demo-exim", &ex);
		cr_expect_gt(pf.nrows, 0);
		same_tables(cmd, &pf, &ex);
		tbl_free(&pf);
		tbl_free(&ex);
	}
}

/* find_row - the row of file:line with the given event kind, or -1. */
static long
find_row(const struct csv_table *t, const char *file, const char *line,
    const char *kind)
{
	size_t r, bl = strlen(file);

	for (r = 0; r < t->nrows; r++) {
		const char *f = tbl_get(t, r, "file");
		size_t fl = strlen(f);

		if (strcmp(tbl_get(t, r, "line"), line) == 0 &&
		    strcmp(tbl_get(t, r, "event"), kind) == 0 && fl >= bl &&
		    strcmp(f + fl - bl, file) == 0)
			return (long)r;
	}
	return -1;
}

/*
 * The generator's record of the failure lines it wrote in the Exim
 * variant (testdata/demo-exim.truth.csv) against events: same lines,
 * time, service, address, user and count, and nothing more.
 */
Test(exim_demo, failures_match_generator_truth, .timeout = 120)
{
	struct csv_table t, want;
	char truth[4096];
	size_t r, nfail = 0, nexim = 0;

	snprintf(truth, sizeof(truth), "%s/demo-exim.truth.csv", test_data());
	csv_of("events", "demo-exim", &t);
	memset(&want, 0, sizeof(want));
	cr_assert_eq(tbl_load(truth, &want), 0);
	cr_assert_gt(want.nrows, 100);
	for (r = 0; r < want.nrows; r++) {
		const char *svc = tbl_get(&want, r, "service");
		const char *file = tbl_get(&want, r, "file");
		bool backend = strcmp(svc, "auth") == 0;
		long k = find_row(&t, file, tbl_get(&want, r, "line"),
		    backend ? "auth-backend" : "auth-fail");

		nexim += strncmp(file, "mainlog", 7) == 0;
		cr_expect_geq(k, 0, "no event for %s:%s", file,
		    tbl_get(&want, r, "line"));
		if (k < 0)
			continue;
		cr_expect_str_eq(tbl_get(&t, (size_t)k, "time"),
		    tbl_get(&want, r, "time"), "row %zu time", r);
		cr_expect_str_eq(tbl_get(&t, (size_t)k, "service"), svc,
		    "row %zu service", r);
		cr_expect_str_eq(tbl_get(&t, (size_t)k, "ip"),
		    tbl_get(&want, r, "ip"), "row %zu ip", r);
		cr_expect_str_eq(tbl_get(&t, (size_t)k, "count"),
		    tbl_get(&want, r, "count"), "row %zu count", r);
		if (tbl_get(&want, r, "account")[0] != '\0')
			cr_expect_str_eq(tbl_get(&t, (size_t)k, "account"),
			    tbl_get(&want, r, "account"), "row %zu account", r);
	}
	cr_expect_gt(nexim, 100, "only %zu failures in Exim's mainlog", nexim);
	for (r = 0; r < t.nrows; r++) {
		const char *ev = tbl_get(&t, r, "event");

		nfail += strcmp(ev, "auth-fail") == 0 ||
		    strcmp(ev, "auth-backend") == 0;
	}
	cr_expect_eq(nfail, want.nrows, "events has %zu failure rows, the "
	    "generator wrote %zu", nfail, want.nrows);
	tbl_free(&t);
	tbl_free(&want);
}

/*
 * The multi-year scenario of gen_report.py (seed 1, 2013 to 2024, Postfix
 * 2.11 to 3.9, Dovecot auth_verbose on and off) rendered both ways.
 */
Test(exim_demo, multi_year_same_verdicts, .timeout = 600)
{
	static const char *const mta[2] = { "postfix", "exim" };
	char dir[2][4096], labels[2][4096], tag[64];
	struct csv_table rep[2], err[2];
	size_t i, r, cracked = 0;

	for (i = 0; i < 2; i++) {
		snprintf(tag, sizeof(tag), "exim-demo-%s", mta[i]);
		snprintf(dir[i], sizeof(dir[i]), "%s", tmp_path(tag));
		snprintf(tag, sizeof(tag), "exim-demo-%s.labels", mta[i]);
		snprintf(labels[i], sizeof(labels[i]), "%s", tmp_path(tag));
		cr_assert_eq(run_fmt("rm -rf '%s' && python3 '%s/gen_report.py' "
		    "--out '%s' --labels '%s' --seed 1 --mta %s 2>/dev/null",
		    dir[i], test_data(), dir[i], labels[i], mta[i]), 0,
		    "generator failed: %s", test_cmdline);
		csv_at("report", dir[i], &rep[i]);
		csv_at("errors --by month", dir[i], &err[i]);
	}
	cr_assert_eq(run_fmt("cmp -s '%s' '%s'", labels[0], labels[1]), 0,
	    "the two variants were given different scenarios");
	cr_assert_eq(run_fmt("ls '%s' | grep -q '^mainlog-'", dir[1]), 0,
	    "no Exim mainlog in %s", dir[1]);
	for (r = 0; r < rep[0].nrows; r++)
		cracked += strcmp(tbl_get(&rep[0], r, "verdict"), "bulk") == 0;
	cr_expect_geq(cracked, 2, "the scenario lost its bulk senders");
	same_tables("multi-year report", &rep[0], &rep[1]);
	same_tables("multi-year errors", &err[0], &err[1]);
	for (i = 0; i < 2; i++) {
		tbl_free(&rep[i]);
		tbl_free(&err[i]);
		run_fmt("rm -rf '%s' '%s'", dir[i], labels[i]);
	}
}
