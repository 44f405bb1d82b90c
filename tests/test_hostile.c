/*
 * tests/test_hostile.c - a hostile copy of three weeks of the demo,
 * through every output of the built binary, checked byte by byte.
 *
 * The copy is made at run time: the cracked accounts get names with
 * terminal escapes (ESC, OSC, CSI, C1), spreadsheet formulas
 * (=HYPERLINK, @SUM, +cmd), shell syntax (backquotes, $(...),
 * system(...)) and invalid UTF-8; the client host names the same plus
 * 300 bytes more than a DNS name may hold; the Postfix component (the
 * service of a master.cf entry) carries shell syntax and is renamed by
 * --service-map, or not; the files live
 * in a folder whose name carries an escape and a backquote.  Then: text
 * output holds no raw control character (C0, DEL, C1, as bytes or
 * UTF-8), CSV cells never start a formula, the gnuplot script holds
 * nothing from the log, the chart data files hold no control bytes, and
 * the escaped names still read as the names.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/testutil.h"

#define U_REGINE	"\x1b]0;pwned\x07=HYPERLINK(\"http://x/\",\"y\")" \
			"`reboot`"
#define U_NADIA		"@SUM(1+1)system(\"id\")\xff\xfe\xc2\x9b" "2J"
#define U_JONASS	"+cmd|'/C'!A0$(id)\x9b" "31m\x7f"
#define COMPONENT	"sub`id`$(id)system(x)"
#define FOLDER		"hostile-\x1b[2J`touch pwned`"

/* What the escaped names of the cracked accounts must still show. */
static const char *const readable[] = {
	"\\x1b]0;pwned\\x07=HYPERLINK",		/* U_REGINE */
	"@SUM(1+1)system(",			/* U_NADIA */
};

static const struct { const char *from, *to; } swaps[] = {
	{ "regine", U_REGINE },
	{ "nadia", U_NADIA },
	{ "jonass", U_JONASS },
	{ "unknown[", "evil\x1b]8;;http://x/\x07`id`.aaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaa.example[" },
	{ "postfix/submission/", "postfix/" COMPONENT "/" },
};

static const char *const weeks[] = {
	"maillog-20231224.gz", "maillog-20231231.gz", "maillog-20240107.gz",
};

static char dir[4096];		/* the hostile folder */

/* swap_line - one line with every swap applied, written to fp. */
static void
swap_line(const char *s, size_t len, FILE *fp)
{
	size_t i = 0, k;

	while (i < len) {
		for (k = 0; k < sizeof(swaps) / sizeof(swaps[0]); k++) {
			size_t n = strlen(swaps[k].from);

			if (len - i >= n &&
			    memcmp(s + i, swaps[k].from, n) == 0)
				break;
		}
		if (k < sizeof(swaps) / sizeof(swaps[0])) {
			fputs(swaps[k].to, fp);
			i += strlen(swaps[k].from);
		} else
			fputc(s[i++], fp);
	}
}

/* make_fixture - the hostile folder with the three weeks, plain text. */
static void
make_fixture(void)
{
	char in[4096], out[8192], line[65536];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/" FOLDER ".%d",
	    env_or("TEST_TMPDIR", "/tmp"), (int)getpid());
	cr_assert_eq(mkdir(dir, 0755), 0);
	for (i = 0; i < sizeof(weeks) / sizeof(weeks[0]); i++) {
		gzFile gz;
		FILE *fp;

		snprintf(in, sizeof(in), "%s/demo/%s", test_data(), weeks[i]);
		snprintf(out, sizeof(out), "%s/%.*s", dir,
		    (int)strlen(weeks[i]) - 3, weeks[i]);
		gz = gzopen(in, "rb");
		cr_assert_not_null(gz, "%s", in);
		fp = fopen(out, "w");
		cr_assert_not_null(fp);
		while (gzgets(gz, line, sizeof(line)) != NULL)
			swap_line(line, strlen(line), fp);
		gzclose(gz);
		cr_assert_eq(fclose(fp), 0);
	}
}

static void
drop_fixture(void)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

TestSuite(hostile, .init = make_fixture, .fini = drop_fixture,
    .timeout = 120);

/*
 * run_argv - run the binary with argv (no shell: the hostile bytes go as
 * they are), stdout to out.  Returns the exit status.
 */
static int
run_argv(const char *const *argv, const char *out)
{
	pid_t pid = fork();
	int st, fd;

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd == -1 || dup2(fd, 1) == -1)
			_exit(127);
		fd = open("/dev/null", O_WRONLY);
		if (fd == -1 || dup2(fd, 2) == -1)
			_exit(127);
		execv(test_bin(), (char *const *)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * check_text - valid UTF-8 with no control character but newline: no C0
 * (ESC above all), no DEL, no C1 whether raw or UTF-8 encoded.  tabs says
 * whether a tab is allowed (the chart data files separate with it).
 */
static void
check_text(const char *what, const char *s, size_t n, bool tabs)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k, len;
		unsigned cp;

		if (c < 0x80) {
			cr_expect(c == '\n' || (c == '\t' && tabs) ||
			    (c >= 0x20 && c != 0x7f),
			    "%s: control byte 0x%02x at %zu", what, c, i);
			i++;
			continue;
		}
		len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		cr_assert(len > 0 && c < 0xf5 && i + len <= n,
		    "%s: invalid UTF-8 0x%02x at %zu", what, c, i);
		cp = c & (0x7f >> len);
		for (k = 1; k < len; k++) {
			cr_assert(((unsigned char)s[i + k] & 0xc0) == 0x80,
			    "%s: invalid UTF-8 at %zu", what, i + k);
			cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
		}
		cr_expect(cp > 0x9f, "%s: C1 control U+%04X at %zu", what, cp,
		    i);
		i += len;
	}
}

/* check_readable - every hostile account, escaped, is in s. */
static void
check_readable(const char *what, const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(readable) / sizeof(readable[0]); i++)
		cr_expect_not_null(strstr(s, readable[i]),
		    "%s: no '%s' in the output", what, readable[i]);
}

/* is_number - a cell we formatted ourselves: digits, sign, point. */
static bool
is_number(const char *v)
{
	char *end;

	(void)strtod(v, &end);
	return *end == '\0';
}

/* check_csv - no cell starts a formula; the text rules hold too. */
static void
check_csv(const char *what, const char *path)
{
	struct csv_table t;
	size_t r, n;
	int c;
	char *s = slurp(path, &n);

	check_text(what, s, n, false);
	free(s);
	cr_assert_eq(tbl_load(path, &t), 0, "%s: not CSV", what);
	for (r = 0; r < t.nrows; r++)
		for (c = 0; c < t.ncols; c++) {
			const char *v = t.rows[r][c];

			if (v == NULL || v[0] == '\0' || is_number(v))
				continue;
			cr_expect(strchr("=+-@\t\r", v[0]) == NULL,
			    "%s: row %zu column %s starts a formula: %s",
			    what, r, t.cols[c], v);
		}
	tbl_free(&t);
}

/* Text output of every command. */
Test(hostile, text_outputs)
{
	static const char *const cmds[][4] = {
		{ "events", "--format", "text", NULL },
		{ "errors", "--by", "day", NULL },
		{ "report", NULL },
		{ "timeline", U_REGINE, NULL },
		{ "timeline", U_NADIA, NULL },
	};
	const char *out = tmp_path("hostile.txt");
	size_t i, j, n;
	int all = 0;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *argv[12] = { "subsubmit" };
		char *s;
		int rc;

		for (j = 0; cmds[i][j] != NULL; j++)
			argv[j + 1] = cmds[i][j];
		argv[++j] = "--service-map";
		argv[++j] = COMPONENT "=msa";
		argv[++j] = dir;
		rc = run_argv(argv, out);
		cr_expect_eq(rc, 0, "%s: exit %d", cmds[i][0], rc);
		s = slurp(out, &n);
		cr_expect_gt(n, 0, "%s: no output", cmds[i][0]);
		check_text(cmds[i][0], s, n, false);
		if (strcmp(cmds[i][0], "report") == 0 ||
		    strcmp(cmds[i][0], "events") == 0)
			check_readable(cmds[i][0], s);
		if (strcmp(cmds[i][0], "events") == 0)
			cr_expect_not_null(strstr(s, "+cmd|'/C'!A0$(id)\\x9b31m"
			    "\\x7f"), "U_JONASS is not shown");
		all += strstr(s, "evil\\x1b]8;;http://x/\\x07`id`.aaa") != NULL;
		free(s);
	}
	cr_expect_gt(all, 0, "the hostile host name is shown nowhere");
	unlink(out);
}

/* CSV output of every command that has it. */
Test(hostile, csv_outputs)
{
	static const char *const cmds[][4] = {
		{ "events", NULL }, { "errors", NULL }, { "report", NULL },
	};
	const char *out = tmp_path("hostile.csv");
	size_t i, n;
	char *s;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *argv[] = { "subsubmit", cmds[i][0], "--format",
		    "csv", "--service-map", COMPONENT "=msa", dir, NULL };

		cr_expect_eq(run_argv(argv, out), 0, "%s", cmds[i][0]);
		check_csv(cmds[i][0], out);
		if (strcmp(cmds[i][0], "report") == 0) {
			s = slurp(out, &n);
			cr_expect_not_null(strstr(s, "'@SUM(1+1)system("), "%s",
			    s);
			free(s);
		}
	}
	unlink(out);
}

/*
 * plot-errors --script: the script is the program's own text, the data
 * file holds the service names (from the log when not mapped), escaped.
 */
Test(hostile, chart_script_and_data)
{
	static const char *const banned[] = {
		"`", "$(", "system", "pwned", "HYPERLINK", "SUM", "evil",
		"sub`", "\x1b",
	};
	static const char *const maps[] = { "x=y", COMPONENT "=msa" };
	char sdir[4200], png[4200], gp[4300], dat[4300];
	const char *out = tmp_path("hostile.plot");
	size_t i, m, n;
	char *s;
	int rc;

	for (m = 0; m < 2; m++) {
		/* Unmapped, the component is the series "unknown". */
		const char *argv[] = { "subsubmit", "plot-errors", "-q", "-o",
		    png, "--by", "week", "--script", sdir, "--service-map",
		    maps[m], dir, NULL };

		snprintf(sdir, sizeof(sdir), "%s/script%zu", dir, m);
		snprintf(png, sizeof(png), "%s/chart%zu.png", dir, m);
		rc = run_argv(argv, out);
		cr_assert_eq(rc, 0, "exit %d", rc);
		snprintf(gp, sizeof(gp), "%s/plot-errors.gp", sdir);
		snprintf(dat, sizeof(dat), "%s/plot-errors.dat", sdir);
		s = slurp(gp, &n);
		check_text("script", s, n, true);
		for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
			cr_expect_null(strstr(s, banned[i]),
			    "script holds '%s'", banned[i]);
		free(s);
		s = slurp(dat, &n);
		check_text("data", s, n, true);
		for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
			cr_expect_null(strstr(s, banned[i]),
			    "data holds '%s'", banned[i]);
		cr_expect_not_null(strstr(s, m == 0 ? "\"unknown\"" :
		    "\"msa\""), "the series is not named: %s", s);
		free(s);
	}
	unlink(out);
}

/* The charts themselves, when gnuplot is there: drawn, not run. */
Test(hostile, charts_drawn)
{
	char png[4200], tpng[4200], pwned[4200];
	const char *out = tmp_path("hostile.plot2");
	struct stat sb;

	if (run_fmt("command -v gnuplot >/dev/null") != 0)
		cr_skip_test("no gnuplot");
	snprintf(png, sizeof(png), "%s/errors.png", dir);
	snprintf(tpng, sizeof(tpng), "%s/timeline.png", dir);
	{
		const char *a1[] = { "subsubmit", "plot-errors", "-q", "-o",
		    png, "--title", "`touch pwned`", dir, NULL };
		const char *a2[] = { "subsubmit", "timeline", "-q", "--plot",
		    tpng, U_REGINE, dir, NULL };

		cr_expect_eq(run_argv(a1, out), 0);
		cr_expect_eq(run_argv(a2, out), 0);
	}
	cr_expect_eq(stat(png, &sb), 0);
	cr_expect_gt(sb.st_size, 1000);
	cr_expect_eq(stat(tpng, &sb), 0);
	snprintf(pwned, sizeof(pwned), "%s/pwned", dir);
	cr_expect_neq(access(pwned, F_OK), 0, "a backquote ran");
	cr_expect_neq(access("pwned", F_OK), 0, "a backquote ran");
	unlink(out);
}
