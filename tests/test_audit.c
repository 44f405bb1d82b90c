/*
 * tests/test_audit.c - the weekly audit over consecutive weeks of the
 * demo set: each compromised account is new exactly once, quiet weeks
 * print nothing and exit 0, weeks with news exit 1; the state file stays
 * valid under concurrent runs and a damaged one is an error; --strict
 * holds, and --since and --until are refused.
 */
#include <criterion/criterion.h>
#include <unistd.h>

#include "io/envelope.h"
#include "tests/testutil.h"

#define run run_fmt

/* sunday - the date of Sunday k weeks after 2023-12-10. */
static void
sunday(int k, char *buf, size_t sz)
{
	int32_t y;
	int m, d;

	civil_from_days(days_from_civil(2023, 12, 10) + 7 * k, &y, &m, &d);
	snprintf(buf, sz, "%04d-%02d-%02d", (int)y, m, d);
}

Test(audit, each_account_new_once_quiet_weeks_silent, .timeout = 120)
{
	static const char *const want[] = { "regine", "nadia", "jonass" };
	char state[4096], day[16];
	const char *out = tmp_path("audit.out");
	int seen[3] = { 0, 0, 0 }, k, rc, i;

	snprintf(state, sizeof(state), "%s", tmp_path("audit.state"));
	unlink(state);
	for (k = 0; k < 14; k++) {
		struct csv_table t;
		size_t r;
		int news = 0;

		sunday(k, day, sizeof(day));
		rc = run("'%s' audit --format csv -q --now %s --state '%s' "
		    "'%s/demo' > '%s'", test_bin(), day, state, test_data(),
		    out);
		cr_assert(rc == 0 || rc == 1, "%s: exit %d", day, rc);
		cr_assert_eq(tbl_load(out, &t), 0);
		for (r = 0; r < t.nrows; r++) {
			if (strcmp(tbl_get(&t, r, "status"), "new") != 0)
				continue;
			news++;
			for (i = 0; i < 3; i++)
				if (strcmp(tbl_get(&t, r, "account"),
				    want[i]) == 0)
					seen[i]++;
		}
		if (rc == 0)
			cr_expect_eq(t.nrows, 0, "%s: quiet week printed rows",
			    day);
		cr_expect_eq(rc == 1, news > 0, "%s: exit %d with %d new",
		    day, rc, news);
	}
	for (i = 0; i < 3; i++)
		cr_expect_eq(seen[i], 1, "%s reported new %d times", want[i],
		    seen[i]);
	unlink(out);
	unlink(state);
}

Test(audit, concurrent_runs_leave_a_valid_state, .timeout = 120)
{
	char state[4096];
	const char *out = tmp_path("audit.conc");
	size_t n;
	struct csv_table t;

	snprintf(state, sizeof(state), "%s", tmp_path("audit.cstate"));
	unlink(state);
	cr_assert_eq(run("for i in 1 2 3 4; do '%s' audit -q --now 2024-01-01 "
	    "--state '%s' '%s/demo' >/dev/null & done; wait", test_bin(),
	    state, test_data()), 0);
	/* the state parses: a further run accepts it */
	cr_assert_lt(run("'%s' audit -q --now 2024-01-01 --state '%s' "
	    "'%s/demo' > '%s'", test_bin(), state, test_data(), out), 2);
	cr_assert_eq(tbl_load(state, &t), 0);
	for (n = 0; n < t.nrows; n++)
		cr_expect_neq(strcmp(tbl_get(&t, n, "account"), ""), 0);
	cr_expect_eq(t.nrows, 2, "state has %zu rows (regine, nadia)",
	    t.nrows);
	unlink(out);
	unlink(state);
}

Test(audit, damaged_state_is_an_error)
{
	char state[4096];
	const char *err = tmp_path("audit.err");
	FILE *fp;

	snprintf(state, sizeof(state), "%s", tmp_path("audit.damaged"));
	fp = fopen(state, "w");
	cr_assert_not_null(fp);
	fputs("account,verdict,first_seen\nregine,bulk,17037", fp);
	fclose(fp);
	cr_expect_eq(run("'%s' audit -q --now 2024-01-01 --state '%s' "
	    "'%s/demo' >/dev/null 2>'%s'", test_bin(), state, test_data(),
	    err), 65);
	cr_expect_eq(run("grep -q 'damaged state file' '%s'", err), 0);
	cr_expect_eq(run("grep -q '%s' '%s'", state, err), 0);
	unlink(state);
	unlink(err);
}

/*
 * --strict holds for the audit too: a skipped line is status 65, as for
 * every other command (the audit once turned it into 0, as it does a
 * week of lines without a mail event).  Lines without an event, and no
 * skipped one, are still a quiet week under --strict.
 */
Test(audit, strict_skipped_line_is_an_error)
{
	const char *quiet = tmp_path("audit.quiet.log");
	FILE *fp;

	cr_expect_eq(run("'%s' audit -q --always --strict --now 2024-03-01 "
	    "--year 2024 '%s/hostile/nul.log' >/dev/null 2>&1", test_bin(),
	    test_data()), 65);
	cr_expect_eq(run("'%s' audit -q --always --now 2024-03-01 --year 2024 "
	    "'%s/hostile/nul.log' >/dev/null 2>&1", test_bin(), test_data()),
	    0);
	fp = fopen(quiet, "w");
	cr_assert_not_null(fp);
	fputs("Feb 20 10:00:00 mx kernel: eth0 up\n", fp);
	fclose(fp);
	cr_expect_eq(run("'%s' audit -q --strict --now 2024-03-01 --year 2024 "
	    "'%s' >/dev/null 2>&1", test_bin(), quiet), 0);
	unlink(quiet);
}

/* The audit's window is its own: --since and --until are refused. */
Test(audit, since_and_until_are_refused)
{
	cr_expect_eq(run("'%s' audit -q --since 2023-01-01 '%s/demo' "
	    ">/dev/null 2>&1", test_bin(), test_data()), 64);
	cr_expect_eq(run("'%s' audit -q --until 2024-01-01 '%s/demo' "
	    ">/dev/null 2>&1", test_bin(), test_data()), 64);
}
