/*
 * tests/test_cli.c - end to end: the built binary over testdata/, its
 * exit codes, escaping of hostile input and the usage texts against the
 * man page.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tests/testutil.h"


#define bin test_bin
#define td test_data

/* run - format and run a command line; returns the exit status. */
#define run run_fmt

Test(cli, version_names_compression)
{
	const char *out = tmp_path("version");
	size_t n;
	char *s;

	cr_assert_eq(run("'%s' --version > '%s'", bin(), out), 0);
	s = slurp(out, &n);
	cr_expect(strstr(s, "subsubmit ") == s);
	cr_expect_not_null(strstr(s, "compression: gzip ("));
#ifdef HAVE_ISAL
	cr_expect_not_null(strstr(s, "ISA-L"));
#else
	cr_expect_not_null(strstr(s, "zlib"));
#endif
	free(s);
	unlink(out);
}

Test(cli, bad_usage_exits_64)
{
	cr_expect_eq(run("'%s' frobnicate 2>/dev/null", bin()), 64);
	cr_expect_eq(run("'%s' 2>/dev/null", bin()), 64);
	cr_expect_eq(run("'%s' events --format xml x 2>/dev/null", bin()), 64);
	cr_expect_eq(run("'%s' events 2>/dev/null", bin()), 64);
	cr_expect_eq(run("'%s' events --since 2024-13-01 x 2>/dev/null",
	    bin()), 64);
}

Test(cli, missing_inputs_exit_66)
{
	cr_expect_eq(run("'%s' events /nonexistent/maillog 2>/dev/null",
	    bin()), 66);
	cr_expect_eq(run("'%s' events '%s/hostile/nologs' 2>/dev/null", bin(),
	    td()), 66);
}

/*
 * A geo file that cannot be opened stops report and audit before the
 * scan; one that opens but cannot be read (a folder) is loaded while the
 * logs are read (-j2), and stops them after it: exit 66 and no report
 * either way, with one thread or two.
 */
Test(cli, bad_geo_file_exits_66)
{
	const char *out = tmp_path("badgeo");
	const char *cmd[] = { "report", "audit" };
	size_t i, n;
	int j;
	char *s;

	for (i = 0; i < 2; i++)
		for (j = 1; j <= 2; j++) {
			cr_expect_eq(run("'%s' %s -j%d --geo /nonexistent/g.csv"
			    " '%s/demo' > '%s' 2>/dev/null", bin(), cmd[i], j,
			    td(), out), 66, "%s", test_cmdline);
			s = slurp(out, &n);
			cr_expect_eq(n, 0, "%s printed a report", test_cmdline);
			free(s);
			cr_expect_eq(run("'%s' %s -j%d --geo '%s' '%s/demo' > "
			    "'%s' 2>/dev/null", bin(), cmd[i], j, td(), td(),
			    out), 66, "%s", test_cmdline);
			s = slurp(out, &n);
			cr_expect_eq(n, 0, "%s printed a report", test_cmdline);
			free(s);
		}
	unlink(out);
}

/*
 * The warnings of a geo file loaded beside the scan (-j2) come out whole,
 * once, after the scan's, in every run: never between them.
 */
Test(cli, geo_warnings_after_scan_warnings)
{
	const char *geo = tmp_path("geo.csv"), *log = tmp_path("geo.log");
	const char *err = tmp_path("geo.err");
	FILE *fp;
	char *s, *g, *l, *first = NULL;
	int i;

	fp = fopen(geo, "w");
	cr_assert_not_null(fp);
	/* A bad first line would be taken for a header: the second. */
	fputs("192.0.2.0,192.0.2.255,AU\nnot,a,range\n", fp);
	fclose(fp);
	fp = fopen(log, "w");
	cr_assert_not_null(fp);
	for (i = 0; i < 3; i++)
		fprintf(fp, "garbage line %d\nJan  5 10:00:0%d mx1 postfix/"
		    "submission/smtpd[9]: warning: unknown[192.0.2.7]: SASL "
		    "LOGIN authentication failed: UGFzc3dvcmQ6\n", i, i);
	fclose(fp);
	for (i = 0; i < 5; i++) {
		cr_assert_eq(run("'%s' report -j2 --year 2024 --geo '%s' '%s' "
		    "> /dev/null 2> '%s'", bin(), geo, log, err), 0, "%s",
		    test_cmdline);
		s = slurp(err, NULL);
		g = strstr(s, ":2: skipped line: bad start address");
		l = strstr(s, ":5: skipped line: month name");
		cr_assert_not_null(g, "%s", s);
		cr_assert_not_null(l, "%s", s);
		cr_expect(g > l, "a geo warning before the scan's: %s", s);
		cr_expect_null(strstr(g + 1, ":2: skipped line: bad start"),
		    "twice: %s", s);
		if (first == NULL)
			first = s;
		else {
			cr_expect_str_eq(s, first);
			free(s);
		}
	}
	free(first);
	unlink(geo);
	unlink(log);
	unlink(err);
}

Test(cli, empty_file_exits_65)
{
	cr_expect_eq(run("'%s' events '%s/hostile/empty.log' 2>/dev/null",
	    bin(), td()), 65);
}

/* The usage line of every command is a SYNOPSIS line of the man page. */
Test(cli, usage_matches_man_synopsis)
{
	const char *man = tmp_path("man"), *names = tmp_path("names");
	const char *use = tmp_path("usage");
	char *m, *list, *name, *save = NULL;
	size_t n;
	int checked = 0;

	if (run("command -v mandoc >/dev/null") != 0)
		cr_skip_test("mandoc not installed");
	cr_assert_eq(run("mandoc -Tascii '%s/../man/subsubmit.1' | col -b | "
	    "tr -s ' \\t\\n' '   ' > '%s'", td(), man), 0);
	cr_assert_eq(run("'%s' help | awk '/^   [a-z]/ { print $1 }' > '%s'",
	    bin(), names), 0);
	m = slurp(man, &n);
	list = slurp(names, &n);
	for (name = strtok_r(list, "\n", &save); name != NULL;
	    name = strtok_r(NULL, "\n", &save)) {
		char *u;

		cr_assert_eq(run("'%s' help %s | head -1 | sed 's/^usage: //' "
		    "> '%s'", bin(), name, use), 0);
		u = slurp(use, &n);
		u[strcspn(u, "\n")] = '\0';
		cr_expect_not_null(strstr(m, u), "usage '%s' not in the man "
		    "page", u);
		checked++;
		free(u);
	}
	cr_expect_geq(checked, 3, "only %d commands listed", checked);
	free(m);
	free(list);
	unlink(man);
	unlink(names);
	unlink(use);
}

/*
 * next_line - the line at *p (without its newline), *p moved past it;
 * NULL at the end.
 */
static char *
next_line(char **p)
{
	char *s = *p, *nl;

	if (*s == '\0')
		return NULL;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else
		*p = s + strlen(s);
	return s;
}

/*
 * The text rows of "events" (built without printf and written in 64 KiB
 * blocks) say row for row what the CSV rows say: the same time first, the
 * same file and line last, nothing lost or doubled at a block's seam.
 * The demo's text is over a megabyte, so many seams are crossed.
 */
Test(cli, events_text_matches_csv)
{
	const char *txt = tmp_path("ev.txt"), *csv = tmp_path("ev.csv");
	char *ts, *cs, *tp, *cp, *tl, *cl, *c1, *c2;
	size_t tn, cn, rows = 0;

	cr_assert_eq(run("'%s' events -q '%s/demo' > '%s'", bin(), td(),
	    txt), 0);
	cr_assert_eq(run("'%s' events -q --format csv '%s/demo' > '%s'",
	    bin(), td(), csv), 0);
	ts = slurp(txt, &tn);
	cs = slurp(csv, &cn);
	cr_assert_gt(tn, 128 * 1024, "the text is too short to cross seams");
	cr_assert_eq(strlen(ts), tn, "a NUL byte in the text output");
	cr_assert_eq(ts[tn - 1], '\n');
	tp = ts;
	cp = cs;
	cr_assert_not_null(next_line(&cp));	/* the header */
	while ((cl = next_line(&cp)) != NULL) {
		tl = next_line(&tp);
		cr_assert_not_null(tl, "text ends before CSV row %zu", rows);
		/* time: the first cell; file and line: the last two. */
		c1 = strchr(cl, ',');
		cr_assert_not_null(c1);
		cr_expect(strncmp(tl, cl, (size_t)(c1 - cl)) == 0 &&
		    tl[c1 - cl] == ' ', "row %zu: %s / %s", rows, tl, cl);
		c2 = strrchr(cl, ',');
		*c2 = ':';
		while (c2 > cl && c2[-1] != ',')
			c2--;
		cr_expect(strlen(tl) > strlen(c2) && strcmp(tl + strlen(tl) -
		    strlen(c2), c2) == 0 && tl[strlen(tl) - strlen(c2) - 1] ==
		    ' ', "row %zu: %s / %s", rows, tl, c2);
		rows++;
	}
	cr_expect_null(next_line(&tp), "text has more rows than CSV");
	cr_expect_gt(rows, 1000);
	free(ts);
	free(cs);
	unlink(txt);
	unlink(csv);
}

/* Nothing from a hostile log reaches the terminal unescaped. */
Test(cli, hostile_text_output_is_clean)
{
	static const char *const files[] = { "escapes.log", "formula.log",
		"nul.log" };
	const char *out = tmp_path("hostile");
	size_t i, j, n;

	for (i = 0; i < 3; i++) {
		char *s;
		int rc = run("'%s' events --format text '%s/hostile/%s' > '%s' "
		    "2>&1", bin(), td(), files[i], out);

		cr_expect(rc == 0, "%s: exit %d", files[i], rc);
		s = slurp(out, &n);
		cr_expect_gt(n, 0, "%s: no output", files[i]);
		for (j = 0; j < n; j++) {
			unsigned char c = (unsigned char)s[j];

			cr_expect(c == '\n' || (c >= 0x20 && c != 0x7f),
			    "%s: raw byte 0x%02x at %zu", files[i], c, j);
		}
		free(s);
	}
	unlink(out);
}

/* CSV cells from hostile user names never start a formula. */
Test(cli, hostile_csv_is_neutralized)
{
	const char *out = tmp_path("formula");
	struct csv_table t;
	size_t r;
	int c, found = 0;

	cr_assert_eq(run("'%s' events --format csv -q '%s/hostile/formula.log' "
	    "> '%s'", bin(), td(), out), 0);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_assert_gt(t.nrows, 0);
	for (r = 0; r < t.nrows; r++) {
		for (c = 0; c < t.ncols; c++) {
			const char *v = t.rows[r][c];

			if (v == NULL || v[0] == '\0')
				continue;
			cr_expect(strchr("=+@\t\r", v[0]) == NULL &&
			    (v[0] != '-' || strcmp(t.cols[c], "count") == 0),
			    "row %zu col %s starts a formula: %s", r,
			    t.cols[c], v);
		}
		if (tbl_get(&t, r, "account")[0] == '\'')
			found++;
	}
	cr_expect_gt(found, 0, "no neutralized account cell");
	unlink(out);
}

Test(cli, overlong_line_is_cut_not_split)
{
	const char *log = tmp_path("long.log"), *out = tmp_path("long.out");
	FILE *fp = fopen(log, "w");
	size_t i, n;
	char *s;

	cr_assert_not_null(fp);
	fputs("Jan  5 10:00:00 mx1 postfix/submission/smtpd[7]: warning: "
	    "unknown[192.0.2.9]: SASL LOGIN authentication failed: ", fp);
	for (i = 0; i < 1024 * 1024; i++)
		fputc(i % 97 == 0 ? ' ' : 'A', fp);
	fputs("\nJan  5 10:00:01 mx1 postfix/submission/smtpd[7]: warning: "
	    "unknown[192.0.2.10]: SASL LOGIN authentication failed: x\n", fp);
	fclose(fp);
	cr_assert_eq(run("'%s' events --format csv --year 2024 '%s' > '%s' "
	    "2>/dev/null", bin(), log, out), 0);
	s = slurp(out, &n);
	cr_expect_not_null(strstr(s, "192.0.2.10"));
	cr_expect_lt(n, 64 * 1024, "over-long line leaked into output");
	free(s);
	unlink(log);
	unlink(out);
}

Test(cli, truncated_gzip_keeps_lines_and_warns)
{
	const char *out = tmp_path("trunc"), *err = tmp_path("trunc.err");
	size_t n;
	char *s;

	cr_assert_eq(run("'%s' events --format csv --year 2024 "
	    "'%s/hostile/truncated.log.gz' > '%s' 2> '%s'", bin(), td(), out,
	    err), 0);
	s = slurp(err, &n);
	cr_expect_not_null(strstr(s, "truncated.log.gz"), "stderr: %s", s);
	free(s);
	s = slurp(out, &n);
	cr_expect_gt(n, 1000, "lines before the damage were lost");
	free(s);
	unlink(out);
	unlink(err);
}

/*
 * The verbose summary of a file names its compression as the reader found
 * it, on the file's last line as on its first, with and without workers.
 */
Test(cli, verbose_summary_names_compression)
{
	const char *err = tmp_path("comp.err");
	const char *jobs[] = { "1", "2" };
	size_t i, n;
	char *s;

	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		cr_assert_eq(run("'%s' events -v -j %s --year 2024 "
		    "'%s/hostile/truncated.log.gz' '%s/hostile/fake.gz' "
		    "> /dev/null 2> '%s'", bin(), jobs[i], td(), td(), err), 0);
		s = slurp(err, &n);
		cr_expect_not_null(strstr(s, "truncated.log.gz: gzip, "),
		    "-j %s: %s", jobs[i], s);
		cr_expect_not_null(strstr(s, "fake.gz: plain, "),
		    "-j %s: %s", jobs[i], s);
		free(s);
	}
	unlink(err);
}

Test(cli, fake_gz_read_as_text)
{
	cr_expect_eq(run("'%s' events --year 2024 '%s/hostile/fake.gz' "
	    ">/dev/null 2>&1", bin(), td()), 0);
}

Test(cli, write_error_exits_74)
{
	if (access("/dev/full", W_OK) != 0)
		cr_skip_test("no /dev/full");
	cr_expect_eq(run("'%s' events '%s/demo' > /dev/full 2>/dev/null",
	    bin(), td()), 74);
}

Test(cli, closed_pipe_is_quiet)
{
	const char *err = tmp_path("pipe.err");
	size_t n;
	char *s;

	cr_assert_eq(run("bash -c \"'%s' events '%s/demo' 2>'%s' | head -1 "
	    ">/dev/null; exit \\${PIPESTATUS[0]}\"", bin(), td(), err), 141);
	s = slurp(err, &n);
	cr_expect_eq(n, 0, "stderr: %s", s);
	free(s);
	unlink(err);
}

/* The summary's block-list line counts days in words that agree. */
Test(cli, block_list_days_agree_in_number)
{
	const char *out = tmp_path("bl.out");
	const char *line;
	unsigned long days;
	char *end;
	size_t n;
	char *s;

	cr_assert_eq(run("'%s' report --format text '%s/demo' > '%s' "
	    "2>/dev/null", bin(), td(), out), 0);
	s = slurp(out, &n);
	line = strstr(s, "  block-listed        2");
	cr_assert_not_null(line, "the demo has no block-list line: %s", s);
	line = strstr(line, ", on ");
	cr_assert_not_null(line);
	days = strtoul(line + 5, &end, 10);
	cr_expect(strncmp(end, days == 1 ? " day\n" : " days\n",
	    days == 1 ? 5 : 6) == 0, "%.40s", line);
	free(s);
	unlink(out);
}

/*
 * The summary's first line counts the files read, once each, in words
 * that agree: the Exim demo's two sets (mainlog and maillog) are merged a
 * batch at a time, and the count once went up at every change of file.
 */
Test(cli, report_counts_each_file_once)
{
	const char *out = tmp_path("nfiles.out");
	const char *vout = tmp_path("nfiles.err");
	char want[64];
	unsigned taken = 0;
	const char *p;
	size_t n;
	char *s;

	cr_assert_eq(run("'%s' report -v --format text '%s/demo-exim' > '%s' "
	    "2> '%s'", bin(), td(), out, vout), 0);
	s = slurp(vout, &n);
	for (p = s; (p = strstr(p, "subsubmit: taking '")) != NULL; p++)
		taken++;
	free(s);
	cr_assert_gt(taken, 2, "-v named %u files taken", taken);
	snprintf(want, sizeof(want), "subsubmit report: %u files, ", taken);
	s = slurp(out, &n);
	cr_expect_eq(strncmp(s, want, strlen(want)), 0, "%.60s, want %s", s,
	    want);
	free(s);
	cr_assert_eq(run("'%s' report --format text "
	    "'%s/demo-journal/journal.json.gz' > '%s' 2>/dev/null", bin(), td(),
	    out), 0);
	s = slurp(out, &n);
	cr_expect_eq(strncmp(s, "subsubmit report: 1 file, ", 26), 0, "%.60s",
	    s);
	free(s);
	unlink(out);
	unlink(vout);
}

Test(cli, unreadable_file_among_readable_ones)
{
	char dir[4096];
	const char *out = tmp_path("unread.out");
	size_t n;
	char *s;

	snprintf(dir, sizeof(dir), "%s", tmp_path("unread"));
	cr_assert_eq(run("mkdir -p '%s' && cp '%s/hostile/formula.log' "
	    "'%s/maillog' && ln -sf /nonexistent '%s/maillog.1'", dir, td(),
	    dir, dir), 0);
	cr_expect_eq(run("'%s' events --year 2024 '%s' > '%s' 2>&1", bin(),
	    dir, out), 66);
	s = slurp(out, &n);
	cr_expect_not_null(strstr(s, "maillog.1"), "the gap is not named");
	cr_expect_not_null(strstr(s, "auth-fail"), "the rest was not read");
	free(s);
	run("rm -rf '%s' '%s'", dir, out);
}

/*
 * Golden: the New Year window of the demo set, byte for byte.  Regenerate
 * with the command in the test after a deliberate output change, and read
 * the diff.
 */
Test(cli, demo_events_golden)
{
	const char *out = tmp_path("golden");

	cr_assert_eq(run("cd '%s/..' && '%s' events --format csv -q --since "
	    "2023-12-31T23:00 --until 2024-01-01T10:00 testdata/demo > '%s'",
	    td(), bin(), out), 0);
	cr_expect_eq(run("cmp -s '%s' '%s/demo.events.expected'", out, td()),
	    0, "output differs from testdata/demo.events.expected");
	unlink(out);
}

/* find_row - the row of file:line with one of two event kinds, or -1. */
static long
find_row(const struct csv_table *t, const char *file, const char *line,
    const char *kind)
{
	size_t r;

	for (r = 0; r < t->nrows; r++) {
		const char *f = tbl_get(t, r, "file");
		size_t fl = strlen(f), bl = strlen(file);

		if (strcmp(tbl_get(t, r, "line"), line) == 0 &&
		    strcmp(tbl_get(t, r, "event"), kind) == 0 && fl >= bl &&
		    strcmp(f + fl - bl, file) == 0)
			return (long)r;
	}
	return -1;
}

/*
 * The generator's own record of every failure line it wrote
 * (testdata/demo.truth.csv) against what events finds: same lines, same
 * time (year included), service, address, user and count, and nothing
 * more.
 */
Test(cli, demo_failures_match_generator_truth)
{
	const char *out = tmp_path("truth");
	char truth[4096];
	struct csv_table t, want;
	size_t r, nfail = 0;

	snprintf(truth, sizeof(truth), "%s/demo.truth.csv", td());
	cr_assert_eq(run("'%s' events --format csv -q '%s/demo' > '%s'", bin(),
	    td(), out), 0);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_assert_eq(tbl_load(truth, &want), 0);
	cr_assert_gt(want.nrows, 100);
	for (r = 0; r < want.nrows; r++) {
		const char *svc = tbl_get(&want, r, "service");
		bool backend = strcmp(svc, "auth") == 0;
		long k = find_row(&t, tbl_get(&want, r, "file"),
		    tbl_get(&want, r, "line"),
		    backend ? "auth-backend" : "auth-fail");

		cr_expect_geq(k, 0, "no event for %s:%s",
		    tbl_get(&want, r, "file"), tbl_get(&want, r, "line"));
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
	for (r = 0; r < t.nrows; r++) {
		const char *ev = tbl_get(&t, r, "event");

		nfail += strcmp(ev, "auth-fail") == 0 ||
		    strcmp(ev, "auth-backend") == 0;
	}
	cr_expect_eq(nfail, want.nrows, "events has %zu failure rows, the "
	    "generator wrote %zu", nfail, want.nrows);
	unlink(out);
}

/*
 * -j: stage one of the scan on a thread of its own, decompression on
 * threads of their own; the output must be the same bytes as with -j1,
 * for every command and every kind of input (plain and gzip, Exim,
 * journal JSON), and the diagnostics too.
 */
Test(cli, jobs_give_identical_output, .timeout = 240)
{
	static const char *const cmds[] = {
		"events --format csv", "errors --by day --format csv",
		"report --format csv", "timeline regine",
	};
	char inputs[4096];
	size_t i, la, lb, ea, eb;
	char *a, *b, *x, *y;
	int j;

	/* One rotated set (read ahead on a thread), then several (merged). */
	for (i = 0; i < 2 * sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (i % 2 == 0)
			snprintf(inputs, sizeof(inputs), "'%s/demo'", td());
		else
			snprintf(inputs, sizeof(inputs), "'%s/demo' "
			    "'%s/demo-exim' '%s/demo-journal/journal.json.gz'",
			    td(), td(), td());
		cr_assert_lt(run("'%s' %s -j1 %s > '%s' 2> '%s'", bin(),
		    cmds[i / 2], inputs, tmp_path("j1.out"), tmp_path("j1.err")),
		    2);
		a = slurp(tmp_path("j1.out"), &la);
		x = slurp(tmp_path("j1.err"), &ea);
		cr_assert_gt(la, 100, "%s: no output", cmds[i / 2]);
		for (j = 2; j <= 5; j += 3) {
			cr_assert_lt(run("'%s' %s -j%d %s > '%s' 2> '%s'",
			    bin(), cmds[i / 2], j, inputs, tmp_path("jn.out"),
			    tmp_path("jn.err")), 2);
			b = slurp(tmp_path("jn.out"), &lb);
			y = slurp(tmp_path("jn.err"), &eb);
			cr_expect(la == lb && memcmp(a, b, la) == 0,
			    "%s -j%d: output differs from -j1", cmds[i / 2], j);
			cr_expect(ea == eb && memcmp(x, y, ea) == 0,
			    "%s -j%d: messages differ from -j1", cmds[i / 2], j);
			free(b);
			free(y);
		}
		free(a);
		free(x);
	}
}

Test(cli, bad_jobs_exit_64)
{
	cr_expect_eq(run("'%s' events -j0 '%s/demo' >/dev/null 2>&1", bin(),
	    td()), 64);
	cr_expect_eq(run("'%s' events -j x '%s/demo' >/dev/null 2>&1", bin(),
	    td()), 64);
}

/*
 * Several rotated sets (per-host folders, Exim's mainlog beside maillog)
 * are merged in time order: the time column of events never goes back,
 * and every set's events are all there.
 */
Test(cli, sets_merged_in_time_order, .timeout = 120)
{
	const char *dir = tmp_path("hosts");
	char *out, *p, *line, prev[32] = "";
	size_t n, rows = 0, one;

	cr_assert_eq(run("rm -rf '%s' && mkdir -p '%s/mx1' '%s/mx2' && "
	    "cp '%s/demo/'* '%s/mx1/' && cp '%s/demo-exim/mainlog'* '%s/mx2/'",
	    dir, dir, dir, td(), dir, td(), dir), 0);
	cr_assert_eq(run("'%s' events --format csv -q '%s/mx1' > '%s'", bin(),
	    dir, tmp_path("one.csv")), 0);
	free(slurp(tmp_path("one.csv"), &one));
	cr_assert_eq(run("'%s' events --format csv -q '%s' > '%s'", bin(),
	    dir, tmp_path("merged.csv")), 0);
	out = slurp(tmp_path("merged.csv"), &n);
	p = strchr(out, '\n') + 1;	/* past the header */
	while ((line = strsep(&p, "\n")) != NULL && *line != '\0') {
		cr_assert_geq(strncmp(line, prev, 19), 0,
		    "row %zu goes back in time: %.40s after %s", rows + 1,
		    line, prev);
		memcpy(prev, line, 19);
		prev[19] = '\0';
		rows++;
	}
	cr_expect_gt(n, one, "the second host's events are missing");
	cr_expect_gt(rows, 1000);
	free(out);
	cr_assert_eq(run("rm -rf '%s'", dir), 0);
}
