/*
 * tests/test_faults.c - the built binary when the world misbehaves: a full
 * disk, a closed pipe, an input truncated or rotated while it is read, an
 * input that cannot be read among readable ones, and an audit state file
 * in a folder where nothing can be created.  Each ends with the exit
 * status that subsubmit(1) documents and a clear message, never a crash.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"

#define run run_fmt

/* The commands that write a report to standard output. */
static const char *const commands[] = {
	"events --format text", "events --format csv", "errors",
	"errors --format csv --by day", "report", "report --format csv",
	"timeline regine",
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* count - occurrences of needle in s. */
static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* A full disk: exit 74 and one message naming the cause. */
Test(faults, full_disk_every_command)
{
	const char *err = tmp_path("full.err");
	size_t i;
	char *s;

	if (access("/dev/full", W_OK) != 0)
		cr_skip_test("no /dev/full");
	for (i = 0; i < NCOMMANDS; i++) {
		int rc = run("'%s' %s '%s/demo' > /dev/full 2>'%s'",
		    test_bin(), commands[i], test_data(), err);

		cr_expect_eq(rc, 74, "%s: exit %d", commands[i], rc);
		s = slurp(err, NULL);
		cr_expect_eq(count(s, "write error"), 1, "%s: %s",
		    commands[i], s);
		cr_expect_not_null(strstr(s, "write error on standard output: "
		    "No space left on device"), "%s: %s", commands[i], s);
		free(s);
	}
	unlink(err);
}

/* A chart written to a full disk: 74, as for standard output. */
Test(faults, full_disk_charts)
{
	char png[4096];

	if (access("/dev/full", W_OK) != 0 || run("command -v gnuplot "
	    ">/dev/null") != 0)
		cr_skip_test("no /dev/full or no gnuplot");
	snprintf(png, sizeof(png), "%s.png", tmp_path("full"));
	unlink(png);
	cr_assert_eq(symlink("/dev/full", png), 0);
	cr_expect_eq(run("'%s' plot-errors -q -o '%s' '%s/demo' 2>/dev/null",
	    test_bin(), png, test_data()), 74);
	cr_expect_eq(run("'%s' timeline -q --plot '%s' regine '%s/demo' "
	    ">/dev/null 2>/dev/null", test_bin(), png, test_data()), 74);
	unlink(png);
}

/*
 * The audit remembers only what it could report: after a write error the
 * state file is left alone, and the next run reports the same news.
 */
Test(faults, full_disk_audit_keeps_the_news, .timeout = 120)
{
	char state[4096];
	const char *out = tmp_path("audit.out");
	size_t n;
	char *s;

	if (access("/dev/full", W_OK) != 0)
		cr_skip_test("no /dev/full");
	snprintf(state, sizeof(state), "%s", tmp_path("audit.state"));
	unlink(state);
	cr_expect_eq(run("'%s' audit -q --now 2024-01-21 --state '%s' "
	    "'%s/demo' > /dev/full 2>/dev/null", test_bin(), state,
	    test_data()), 74);
	cr_expect_neq(access(state, F_OK), 0, "state written after the "
	    "report was lost");
	cr_expect_eq(run("'%s' audit -q --now 2024-01-21 --state '%s' "
	    "'%s/demo' > '%s'", test_bin(), state, test_data(), out), 1);
	s = slurp(out, &n);
	cr_expect_not_null(strstr(s, "New compromised accounts"), "%s", s);
	free(s);
	run("rm -f '%s' '%s' '%s.lock'", out, state, state);
}

/*
 * A closed pipe: SIGPIPE ends subsubmit quietly (status 141 in the shell,
 * as subsubmit(1) says), or it had already finished (0).  Even when the
 * caller ignores SIGPIPE, as some daemons and languages do.
 */
Test(faults, closed_pipe_every_command)
{
	static const char *const traps[] = { "", "trap '' PIPE; " };
	const char *err = tmp_path("pipe.err");
	size_t i, t, n;
	char *s;

	for (t = 0; t < 2; t++)
		for (i = 0; i < NCOMMANDS; i++) {
			int rc = run("bash -c \"%s'%s' %s '%s/demo' 2>'%s' | "
			    "head -c 1 >/dev/null; exit \\${PIPESTATUS[0]}\"",
			    traps[t], test_bin(), commands[i], test_data(),
			    err);

			cr_expect(rc == 128 + SIGPIPE || rc == 0,
			    "%s%s: exit %d", traps[t], commands[i], rc);
			s = slurp(err, &n);
			cr_expect_eq(n, 0, "%s: stderr: %s", commands[i], s);
			free(s);
		}
	/* The events of the demo are far more than a pipe holds. */
	cr_expect_eq(run("bash -c \"trap '' PIPE; '%s' events '%s/demo' "
	    "2>/dev/null | head -1 >/dev/null; exit \\${PIPESTATUS[0]}\"",
	    test_bin(), test_data()), 128 + SIGPIPE);
	unlink(err);
}

/* big_log - a plain log of n failure lines (about 130 bytes each). */
static void
big_log(const char *path, int n)
{
	FILE *fp = fopen(path, "w");
	int i;

	cr_assert_not_null(fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "Jan  5 %02d:%02d:%02d mx1 postfix/submission/smtpd"
		    "[7]: warning: unknown[192.0.2.%d]: SASL LOGIN "
		    "authentication failed: UGFzc3dvcmQ6\n", i / 3600 % 24,
		    i / 60 % 60, i % 60, i % 250 + 1);
	cr_assert_eq(fclose(fp), 0);
}

/*
 * Far more than the binary buffers ahead of a blocked output, so that the
 * fault lands in the middle of the file: the decompression thread's 4
 * MiB and a batch of up to 1 MiB in each of 2N + 2 slots, 22 MiB with
 * the default eight parse workers of a large machine.  400000 lines are
 * about 52 MB.
 */
#define BIG_LINES	400000

/*
 * read_while - run events (with opts) over log, read the first 4 KiB of
 * its output (the binary is then blocked on the pipe in the middle of the
 * file), call fn, read the rest.  Returns the exit status; *rows gets the
 * CSV rows.
 */
static int
read_while(const char *opts, const char *log, const char *err,
    void (*fn)(const char *), size_t *rows)
{
	char cmd[8192], buf[4096];
	FILE *p;
	size_t got, i;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' events --format csv --year 2024 %s "
	    "'%s' 2>'%s'", test_bin(), opts, log, err);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	*rows = 0;
	got = fread(buf, 1, sizeof(buf), p);
	cr_assert_eq(got, sizeof(buf), "short output before the fault");
	fn(log);
	do {
		for (i = 0; i < got; i++)
			*rows += buf[i] == '\n';
	} while ((got = fread(buf, 1, sizeof(buf), p)) > 0);
	st = pclose(p);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static void
truncate_it(const char *log)
{
	cr_assert_eq(truncate(log, 1000), 0);
}

static void
rotate_it(const char *log)
{
	char old[4096];
	FILE *fp;

	snprintf(old, sizeof(old), "%s.1", log);
	cr_assert_eq(rename(log, old), 0);
	fp = fopen(log, "w");
	cr_assert_not_null(fp);
	fputs("Jan  6 00:00:00 mx1 postfix/submission/smtpd[8]: warning: "
	    "unknown[192.0.2.1]: SASL LOGIN authentication failed: x\n", fp);
	fclose(fp);
}

/* copytruncate while reading: the lines read are kept, the loss named. */
Test(faults, input_truncated_while_read, .timeout = 120)
{
	const char *log = tmp_path("shrink.log"), *err = tmp_path("shrink.err");
	size_t rows;
	char *s;
	int rc;

	big_log(log, BIG_LINES);
	rc = read_while("", log, err, truncate_it, &rows);
	cr_expect_eq(rc, 0, "exit %d", rc);
	cr_expect_gt(rows, 1);
	cr_expect_lt(rows, BIG_LINES, "%zu rows from a truncated file", rows);
	s = slurp(err, NULL);
	cr_expect_not_null(strstr(s, "shrank while it was read"), "%s", s);
	cr_expect_not_null(strstr(s, "shrink.log"), "%s", s);
	free(s);
	/* --strict makes the loss an error (65); an intact file is not. */
	big_log(log, BIG_LINES);
	rc = read_while("--strict", log, err, truncate_it, &rows);
	cr_expect_eq(rc, 65, "--strict: exit %d", rc);
	big_log(log, BIG_LINES);
	cr_expect_eq(run("'%s' events --strict --year 2024 '%s' >/dev/null "
	    "2>&1", test_bin(), log), 0, "--strict on an intact file");
	unlink(log);
	unlink(err);
}

/* Rotation by renaming: the open file is still read to its end. */
Test(faults, input_rotated_while_read, .timeout = 120)
{
	const char *log = tmp_path("rot.log"), *err = tmp_path("rot.err");
	char old[4096];
	size_t rows, n;
	char *s;
	int rc;

	big_log(log, BIG_LINES);
	rc = read_while("", log, err, rotate_it, &rows);
	cr_expect_eq(rc, 0, "exit %d", rc);
	cr_expect_eq(rows, BIG_LINES + 1, "%zu rows", rows);
	s = slurp(err, &n);
	cr_expect_eq(n, 0, "stderr: %s", s);
	free(s);
	snprintf(old, sizeof(old), "%s.1", log);
	unlink(old);
	unlink(log);
	unlink(err);
}

/*
 * A file that opens but cannot be read (an I/O error; /proc/self/mem
 * gives EIO at offset 0) between readable ones: every command still
 * reports the others, names the gap and exits 66.
 */
Test(faults, read_error_among_readable_files)
{
	const char *out = tmp_path("eio.out"), *err = tmp_path("eio.err");
	size_t i;
	char *s;

	if (access("/proc/self/mem", R_OK) != 0)
		cr_skip_test("no /proc/self/mem");
	for (i = 0; i < NCOMMANDS; i++) {
		int rc = run("'%s' %s --year 2024 '%s/hostile/formula.log' "
		    "/proc/self/mem '%s/hostile/fake.gz' >'%s' 2>'%s'",
		    test_bin(), strncmp(commands[i], "timeline", 8) == 0 ?
		    "timeline admin" : commands[i], test_data(), test_data(),
		    out, err);

		cr_expect_eq(rc, 66, "%s: exit %d", commands[i], rc);
		s = slurp(err, NULL);
		cr_expect_not_null(strstr(s, "cannot read '/proc/self/mem'"),
		    "%s: %s", commands[i], s);
		cr_expect_not_null(strstr(s, "1 input file(s) could not be "
		    "read"), "%s: %s", commands[i], s);
		free(s);
		s = slurp(out, NULL);
		cr_expect_gt(strlen(s), 0, "%s: nothing reported", commands[i]);
		free(s);
	}
	/* Both readable files are in the events. */
	run("'%s' events --format csv --year 2024 '%s/hostile/formula.log' "
	    "/proc/self/mem '%s/hostile/fake.gz' >'%s' 2>/dev/null",
	    test_bin(), test_data(), test_data(), out);
	s = slurp(out, NULL);
	cr_expect_not_null(strstr(s, "formula.log"));
	cr_expect_not_null(strstr(s, "fake.gz"));
	free(s);
	unlink(out);
	unlink(err);
}

/*
 * locked_dir - a folder where no file can be created: a 0555 folder, or,
 * for root (who ignores modes), /sys.  NULL when there is none.
 */
static const char *
locked_dir(void)
{
	static char dir[4096];
	char probe[4200];
	int fd;

	if (geteuid() != 0) {
		snprintf(dir, sizeof(dir), "%s", tmp_path("rodir"));
		mkdir(dir, 0755);
		chmod(dir, 0555);
	} else
		snprintf(dir, sizeof(dir), "/sys");
	snprintf(probe, sizeof(probe), "%s/subsubmit-probe", dir);
	if ((fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1) {
		close(fd);
		unlink(probe);
		return NULL;
	}
	return dir;
}

/* The audit state in a read-only folder: 73 and a message naming it. */
Test(faults, audit_state_in_read_only_folder)
{
	const char *dir = locked_dir(), *err = tmp_path("ro.err");
	char *s;

	if (dir == NULL)
		cr_skip_test("no folder without write permission");
	cr_expect_eq(run("'%s' audit -q --now 2024-01-21 --state "
	    "'%s/state.csv' '%s/demo' >/dev/null 2>'%s'", test_bin(), dir,
	    test_data(), err), 73);
	s = slurp(err, NULL);
	cr_expect_not_null(strstr(s, dir), "%s", s);
	cr_expect_not_null(strstr(s, "state.csv"), "%s", s);
	free(s);
	if (strcmp(dir, "/sys") != 0)
		rmdir(dir);
	unlink(err);
}
