/*
 * tests/e2e_events.h - run "subsubmit events --format csv" on lines the
 * test writes to a scratch file and check each row against the line.
 */
#ifndef SUBSUBMIT_TESTS_E2E_EVENTS_H
#define SUBSUBMIT_TESTS_E2E_EVENTS_H

#include "tests/testutil.h"

struct e2e_line {
	const char	*line;
	const char	*event;		/* expected event, NULL: no row */
	const char	*ip;		/* expected ip column */
	const char	*account;	/* expected account column */
};

/* e2e_check - one row per line that expects one, with its fields. */
static inline void
e2e_check(const char *leaf, const struct e2e_line *v, size_t n)
{
	const char *in = tmp_path(leaf), *out = tmp_path("e2e.csv");
	struct csv_table t;
	FILE *fp = fopen(in, "w");
	size_t i, row = 0, want = 0;
	char lno[32];

	cr_assert(fp != NULL);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s\n", v[i].line);
	fclose(fp);
	cr_assert_eq(run_fmt("'%s' events --format csv --year 2005 '%s' "
	    ">'%s' 2>/dev/null", test_bin(), in, out), 0, "%s", test_cmdline);
	cr_assert_eq(tbl_load(out, &t), 0);
	for (i = 0; i < n; i++) {
		if (v[i].event == NULL)
			continue;
		want++;
		snprintf(lno, sizeof(lno), "%zu", i + 1);
		for (row = 0; row < t.nrows; row++)
			if (strcmp(tbl_get(&t, row, "line"), lno) == 0)
				break;
		cr_assert_lt(row, t.nrows, "no row for '%s'", v[i].line);
		cr_expect_str_eq(tbl_get(&t, row, "event"), v[i].event,
		    "event of '%s'", v[i].line);
		cr_expect_str_eq(tbl_get(&t, row, "ip"), v[i].ip,
		    "ip of '%s'", v[i].line);
		cr_expect_str_eq(tbl_get(&t, row, "account"), v[i].account,
		    "account of '%s'", v[i].line);
	}
	cr_expect_eq(t.nrows, want, "%zu rows, want %zu", t.nrows, want);
	tbl_free(&t);
	remove(in);
	remove(out);
}

#endif
