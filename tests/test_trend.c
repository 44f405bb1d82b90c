/*
 * tests/test_trend.c - end to end: `errors --by month|year` over seven
 * years of rotated, gzipped logs from testdata/gen_trend.py against the
 * generator's own count of every month and service.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdarg.h>
#include <unistd.h>

#include "tests/testutil.h"

#define MAX_REPORT	10	/* differing cells listed before giving up */


#define bin test_bin
#define td test_data

#define run run_fmt

/*
 * generate - a fresh log set in dir and its month truth in truth; skips
 * the test when python3 is missing.
 */
static void
generate(const char *dir, const char *truth)
{
	if (run("command -v python3 >/dev/null 2>&1") != 0)
		cr_skip_test("python3 not found");
	cr_assert_eq(run("rm -rf '%s'", dir), 0);
	cr_assert_eq(run("python3 '%s/gen_trend.py' --out '%s' --seed 1 "
	    "--truth '%s' 2>/dev/null", td(), dir, truth), 0,
	    "generator failed: %s", test_cmdline);
}

static void
load(const char *path, struct csv_table *t)
{
	static const char *const want[] = {
		"period", "service", "failures", "ips", "accounts",
	};
	size_t i;

	cr_assert_eq(tbl_load(path, t), 0, "cannot read %s", path);
	cr_assert_eq(t->ncols, 5, "%s: %d columns", path, t->ncols);
	for (i = 0; i < 5; i++)
		cr_assert_str_eq(t->cols[i], want[i], "%s: column %zu", path,
		    i + 1);
}

static long
num(const struct csv_table *t, size_t row, const char *col)
{
	const char *s = tbl_get(t, row, col);
	char *end;
	long v = strtol(s, &end, 10);

	cr_assert(*s != '\0' && *end == '\0', "row %zu: %s = '%s'", row + 2,
	    col, s);
	return v;
}

/* Every cell of the tool's month table equals the generator's truth. */
Test(trend, month_table_matches_truth)
{
	static const char *const cols[] = {
		"period", "service", "failures", "ips", "accounts",
	};
	const char *dir = tmp_path("trend-month"), *truth =
	    tmp_path("trend-month.truth.csv"), *out =
	    tmp_path("trend-month.out.csv");
	struct csv_table want, got;
	size_t i, j, bad = 0;
	bool order_ok = true;
	int c;

	generate(dir, truth);
	cr_assert_eq(run("'%s' errors --by month --format csv -q '%s' > '%s'",
	    bin(), dir, out), 0, "%s", test_cmdline);
	load(truth, &want);
	load(out, &got);
	cr_assert_gt(want.nrows, 0);
	for (i = 0; i < want.nrows; i++) {
		const char *per = tbl_get(&want, i, "period");
		const char *svc = tbl_get(&want, i, "service");

		/* the same row, or (out of order) the row of that key */
		j = i;
		if (j >= got.nrows || strcmp(tbl_get(&got, j, "period"), per) ||
		    strcmp(tbl_get(&got, j, "service"), svc)) {
			if (order_ok && ++bad <= MAX_REPORT)
				cr_log_error("row %zu: %s %s where the truth "
				    "has %s %s", i + 2, i < got.nrows ?
				    tbl_get(&got, i, "period") : "(none)",
				    i < got.nrows ? tbl_get(&got, i, "service")
				    : "", per, svc);
			order_ok = false;
			for (j = 0; j < got.nrows; j++)
				if (!strcmp(tbl_get(&got, j, "period"), per) &&
				    !strcmp(tbl_get(&got, j, "service"), svc))
					break;
		}
		if (j == got.nrows) {
			if (++bad <= MAX_REPORT)
				cr_log_error("%s %s: no such row in the output "
				    "(truth %s,%s,%s)", per, svc,
				    tbl_get(&want, i, "failures"),
				    tbl_get(&want, i, "ips"),
				    tbl_get(&want, i, "accounts"));
			continue;
		}
		for (c = 2; c < 5; c++) {
			const char *w = tbl_get(&want, i, cols[c]);
			const char *g = tbl_get(&got, j, cols[c]);

			if (strcmp(w, g) == 0)
				continue;
			if (++bad <= MAX_REPORT)
				cr_log_error("%s %s: %s is %s, truth %s", per,
				    svc, cols[c], g, w);
		}
	}
	cr_expect_eq(got.nrows, want.nrows, "%zu rows, truth has %zu",
	    got.nrows, want.nrows);
	cr_expect_eq(bad, 0, "%zu cells or rows differ from the truth%s", bad,
	    bad > MAX_REPORT ? " (first ones logged)" : "");
	tbl_free(&want);
	tbl_free(&got);
	if (bad == 0 && got.nrows == want.nrows)
		run("rm -rf '%s' '%s' '%s'", dir, truth, out);
}

/*
 * The year table's failures are the sums of the month truth; its
 * distinct counts lie between the busiest month's and the months' sum;
 * and submission failures grew at least tenfold from 2015 to 2021.
 */
Test(trend, year_table_sums_months)
{
	const char *dir = tmp_path("trend-year"), *truth =
	    tmp_path("trend-year.truth.csv"), *out =
	    tmp_path("trend-year.out.csv");
	struct csv_table m, y;
	size_t i, j, bad = 0, seen = 0;
	long sub2015 = -1, sub2021 = -1;

	generate(dir, truth);
	cr_assert_eq(run("'%s' errors --by year --format csv -q '%s' > '%s'",
	    bin(), dir, out), 0, "%s", test_cmdline);
	load(truth, &m);
	load(out, &y);
	cr_expect_eq(y.nrows, (2021 - 2015 + 1) * (m.nrows / (7 * 12)),
	    "%zu year rows for %zu month rows", y.nrows, m.nrows);
	for (i = 0; i < y.nrows; i++) {
		const char *per = tbl_get(&y, i, "period");
		const char *svc = tbl_get(&y, i, "service");
		long f = 0, ips = 0, acc = 0, maxips = 0, maxacc = 0;
		size_t rows = 0;

		for (j = 0; j < m.nrows; j++) {
			if (strncmp(tbl_get(&m, j, "period"), per, 4) != 0 ||
			    strcmp(tbl_get(&m, j, "service"), svc) != 0)
				continue;
			rows++;
			f += num(&m, j, "failures");
			ips += num(&m, j, "ips");
			acc += num(&m, j, "accounts");
			if (num(&m, j, "ips") > maxips)
				maxips = num(&m, j, "ips");
			if (num(&m, j, "accounts") > maxacc)
				maxacc = num(&m, j, "accounts");
		}
		seen += rows;
		if (rows != 12 || num(&y, i, "failures") != f ||
		    num(&y, i, "ips") < maxips || num(&y, i, "ips") > ips ||
		    num(&y, i, "accounts") < maxacc ||
		    num(&y, i, "accounts") > acc) {
			if (++bad <= MAX_REPORT)
				cr_log_error("%s %s: failures %ld ips %ld "
				    "accounts %ld; months: %zu rows, failures "
				    "%ld, ips %ld..%ld, accounts %ld..%ld", per,
				    svc, num(&y, i, "failures"),
				    num(&y, i, "ips"), num(&y, i, "accounts"),
				    rows, f, maxips, ips, maxacc, acc);
		}
		if (strcmp(svc, "submission") == 0 && strcmp(per, "2015") == 0)
			sub2015 = num(&y, i, "failures");
		if (strcmp(svc, "submission") == 0 && strcmp(per, "2021") == 0)
			sub2021 = num(&y, i, "failures");
	}
	cr_expect_eq(bad, 0, "%zu year rows disagree with the months", bad);
	cr_expect_eq(seen, m.nrows, "year rows cover %zu of %zu month rows",
	    seen, m.nrows);
	cr_assert_gt(sub2015, 0, "no submission failures in 2015");
	cr_expect_geq(sub2021, 10 * sub2015,
	    "submission failures 2021 %ld < 10 x 2015 (%ld)", sub2021,
	    sub2015);
	tbl_free(&m);
	tbl_free(&y);
	if (bad == 0)
		run("rm -rf '%s' '%s' '%s'", dir, truth, out);
}
