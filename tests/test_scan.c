/*
 * tests/test_scan.c - the read pipeline: years across files, duplicate
 * lines in rotated sets, repeat records, the time window.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <zlib.h>

#include "analysis/scan.h"
#include "analysis/scan_rec.h"
#include "io/diag.h"
#include "tests/testutil.h"

#define FAIL_FMT "%s mx1 postfix/submission/smtpd[%d]: warning: " \
	"unknown[192.0.2.%d]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n"

struct seen {
	int64_t		when[512];
	uint32_t	count[512];
	uint64_t	line[512];
	int		n;
};

static int
collect(const struct scan_event *se, void *arg)
{
	struct seen *s = arg;

	if (s->n < 512) {
		s->when[s->n] = se->when;
		s->count[s->n] = se->count;
		s->line[s->n] = se->line;
		s->n++;
	}
	return 0;
}

static char dir[4096];

static void
setup_dir(void)
{
	fixture_dir(dir, sizeof(dir), "scan");
	diag_set_quiet(true);
}

static void
teardown_dir(void)
{
	fixture_dir_remove(dir);
}

/* write_file - a log file in dir from a NULL-ended list of lines. */
static const char *
write_file(const char *leaf, const char *text, int64_t mtime)
{
	static char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
	if (mtime != 0) {
		struct utimbuf ut = { (time_t)mtime, (time_t)mtime };

		utime(path, &ut);
	}
	return path;
}

static void
run_scan(struct seen *s, const struct scan_opts *o, struct scan_stats *st)
{
	struct source_list l;
	struct sbuf err = SBUF_INIT;
	char *args[] = { dir };

	memset(s, 0, sizeof(*s));
	memset(&l, 0, sizeof(l));
	cr_assert_eq(source_collect(args, 1, &l, &err), 0, "%s", err.buf);
	scan_run(&l, o, collect, s, st);
	source_list_release(&l);
	sbuf_release(&err);
}

static int64_t
civil(int y, int m, int d, int h, int mi, int sec)
{
	return days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + sec;
}

static void
fail_line(char *buf, size_t sz, const char *stamp, int pid, int host)
{
	size_t n = strlen(buf);

	snprintf(buf + n, sz - n, FAIL_FMT, stamp, pid, host);
}

TestSuite(scan, .init = setup_dir, .fini = teardown_dir);

Test(scan, new_year_inside_a_dateext_file)
{
	char text[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	fail_line(text, sizeof(text), "Dec 31 23:59:58", 10, 1);
	fail_line(text, sizeof(text), "Jan  1 00:00:02", 11, 2);
	fail_line(text, sizeof(text), "Dec 31 23:59:59", 12, 3);
	write_file("maillog-20240107", text, 0);
	run_scan(&s, &o, &st);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(s.when[0], civil(2023, 12, 31, 23, 59, 58));
	cr_expect_eq(s.when[1], civil(2024, 1, 1, 0, 0, 2));
	cr_expect_eq(s.when[2], civil(2023, 12, 31, 23, 59, 59));
}

Test(scan, year_carries_across_rotated_files)
{
	char a[4096] = "", b[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	fail_line(a, sizeof(a), "Dec 30 10:00:00", 10, 1);
	fail_line(b, sizeof(b), "Jan  2 10:00:00", 11, 2);
	fail_line(b, sizeof(b), "Feb 29 10:00:00", 12, 3);
	/* Plain rotations keep their mtimes: 2023-12-30, 2024-03-01. */
	write_file("maillog.1", a, 1703937600);
	write_file("maillog", b, 1709290800);
	run_scan(&s, &o, &st);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(s.when[0], civil(2023, 12, 30, 10, 0, 0));
	cr_expect_eq(s.when[2], civil(2024, 2, 29, 10, 0, 0));
	cr_expect_eq(s.when[1], civil(2024, 1, 2, 10, 0, 0));
}

Test(scan, leap_day_in_plain_file_by_mtime)
{
	char a[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	fail_line(a, sizeof(a), "Feb 28 10:00:00", 10, 1);
	fail_line(a, sizeof(a), "Feb 29 10:00:00", 11, 2);
	fail_line(a, sizeof(a), "Mar  1 10:00:00", 12, 3);
	write_file("maillog", a, 1583060400 + 86400);	/* 2020-03-02 */
	run_scan(&s, &o, &st);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(s.when[1], civil(2020, 2, 29, 10, 0, 0));
}

Test(scan, multi_year_plain_file)
{
	char a[8192] = "";
	static const char *const stamps[] = { "Mar  3 10:00:00",
		"Jul  1 10:00:00", "Dec 30 10:00:00", "Jan  5 10:00:00",
		"Jun  1 10:00:00", "Dec 30 10:00:00", "Jan  5 10:00:00",
		"May  5 10:00:00" };
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;
	size_t i;

	for (i = 0; i < 8; i++)
		fail_line(a, sizeof(a), stamps[i], 10 + (int)i, 1 + (int)i);
	/* mtime 2019-05-06: the file runs from March 2017. */
	write_file("maillog", a, 1557100800);
	run_scan(&s, &o, &st);
	cr_assert_eq(s.n, 8);
	cr_expect_eq(s.when[0], civil(2017, 3, 3, 10, 0, 0));
	cr_expect_eq(s.when[4], civil(2018, 6, 1, 10, 0, 0));
	cr_expect_eq(s.when[7], civil(2019, 5, 5, 10, 0, 0));
}

Test(scan, copytruncate_overlap_counted_once)
{
	char a[4096] = "", b[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	fail_line(a, sizeof(a), "Jan  5 10:00:00", 10, 1);
	fail_line(a, sizeof(a), "Jan  5 10:00:01", 10, 1);
	fail_line(a, sizeof(a), "Jan  5 10:00:01", 10, 1);	/* twice */
	fail_line(b, sizeof(b), "Jan  5 10:00:01", 10, 1);	/* overlap */
	fail_line(b, sizeof(b), "Jan  5 10:00:01", 10, 1);	/* overlap */
	fail_line(b, sizeof(b), "Jan  5 10:00:02", 10, 1);
	write_file("maillog-20240106", a, 0);
	write_file("maillog", b, 1704500000);
	run_scan(&s, &o, &st);
	cr_expect_eq(s.n, 4);
	cr_expect_eq(st.duplicates, 2);
	cr_expect_eq(s.line[3], 3);
}

/*
 * Files named in an order that interleaves two families are still two
 * rotated sets: the copytruncate overlap of maillog.1 and maillog is
 * dropped although mail.log.1 stands between them.  (They were four
 * sets, and the overlap was counted twice.)
 */
Test(scan, interleaved_families_are_two_sets)
{
	char a[4096] = "", b[4096] = "", c[4096] = "", d[4096] = "";
	char paths[4][4200];
	char *args[4];
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct source_list l;
	struct sbuf err = SBUF_INIT;
	struct seen s;
	int i;

	fail_line(a, sizeof(a), "Jan  5 10:00:01", 10, 1);
	fail_line(a, sizeof(a), "Jan  5 10:00:03", 10, 3);
	fail_line(b, sizeof(b), "Jan  5 10:00:02", 20, 2);
	fail_line(c, sizeof(c), "Jan  5 10:00:03", 10, 3);	/* overlap */
	fail_line(c, sizeof(c), "Jan  5 10:00:05", 10, 5);
	fail_line(d, sizeof(d), "Jan  5 10:00:04", 20, 4);
	snprintf(paths[0], sizeof(paths[0]), "%s",
	    write_file("maillog.1", a, 1704450000));
	snprintf(paths[1], sizeof(paths[1]), "%s",
	    write_file("mail.log.1", b, 1704450000));
	snprintf(paths[2], sizeof(paths[2]), "%s",
	    write_file("maillog", c, 1704500000));
	snprintf(paths[3], sizeof(paths[3]), "%s",
	    write_file("mail.log", d, 1704500000));
	for (i = 0; i < 4; i++)
		args[i] = paths[i];
	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	cr_assert_eq(source_collect(args, 4, &l, &err), 0, "%s", err.buf);
	scan_run(&l, &o, collect, &s, &st);
	source_list_release(&l);
	sbuf_release(&err);
	cr_expect_eq(s.n, 5, "%d events, want 5", s.n);
	cr_expect_eq(st.duplicates, 1);
	for (i = 1; i < s.n; i++)
		cr_expect_gt(s.when[i], s.when[i - 1], "event %d out of order",
		    i);
}

Test(scan, twin_files_counted_once)
{
	char a[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;
	gzFile gz;
	char path[4200];

	fail_line(a, sizeof(a), "Jan  5 10:00:00", 10, 1);
	fail_line(a, sizeof(a), "Jan  6 10:00:00", 11, 2);
	write_file("maillog.1", a, 1704560000);
	snprintf(path, sizeof(path), "%s/maillog-20240107.gz", dir);
	gz = gzopen(path, "wb");
	cr_assert_not_null(gz);
	gzputs(gz, a);
	gzclose(gz);
	run_scan(&s, &o, &st);
	cr_expect_eq(s.n, 2);
	cr_expect_eq(st.duplicates, 2);
}

Test(scan, repeat_records_count)
{
	char a[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	strcat(a, "Jan  5 10:00:00 mx1 postfix/submission/smtpd[9]: message "
	    "repeated 3 times: [ warning: unknown[192.0.2.7]: SASL LOGIN "
	    "authentication failed: UGFzc3dvcmQ6]\n");
	fail_line(a, sizeof(a), "Jan  5 10:00:05", 10, 1);
	strcat(a, "Jan  5 10:00:09 mx1 last message repeated 4 times\n");
	write_file("maillog-20240106", a, 0);
	run_scan(&s, &o, &st);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(s.count[0], 3);
	cr_expect_eq(s.count[1], 1);
	cr_expect_eq(s.count[2], 4);
	cr_expect_eq(s.when[2], civil(2024, 1, 5, 10, 0, 9));
	cr_expect_eq(st.skipped, 0);
}

/*
 * A repeat record of a line that itself stands for many attempts: the
 * product is bounded like each count (EV_COUNT_MAX), and a line over it
 * is skipped, not turned into billions of attempts (65537 stored events
 * each for the timeline).
 */
Test(scan, repeats_times_attempts_bounded)
{
	char a[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	strcat(a, "Jan  5 10:00:00 mx1 dovecot: message repeated 1000000 "
	    "times: [ imap-login: Disconnected (auth failed, 1000000 attempts "
	    "in 2 secs): user=<a>, method=PLAIN, rip=192.0.2.1, "
	    "lip=192.0.2.2, session=<x>]\n");
	strcat(a, "Jan  5 10:00:01 mx1 dovecot: message repeated 2 times: [ "
	    "imap-login: Disconnected (auth failed, 3 attempts in 2 secs): "
	    "user=<a>, method=PLAIN, rip=192.0.2.1, lip=192.0.2.2, "
	    "session=<y>]\n");
	write_file("maillog-20240106", a, 0);
	run_scan(&s, &o, &st);
	cr_assert_eq(s.n, 1);
	cr_expect_eq(s.count[0], 6);
	cr_expect_eq(st.skipped, 1);
}

Test(scan, since_until_window)
{
	char a[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	fail_line(a, sizeof(a), "Jan  4 23:59:59", 10, 1);
	fail_line(a, sizeof(a), "Jan  5 00:00:00", 10, 1);
	fail_line(a, sizeof(a), "Jan  5 23:59:59", 10, 1);
	fail_line(a, sizeof(a), "Jan  6 00:00:00", 10, 1);
	write_file("maillog-20240107", a, 0);
	cr_assert(scan_parse_time("2024-01-05", &o.since));
	cr_assert(scan_parse_time("2024-01-06T00:00", &o.until));
	o.has_since = o.has_until = true;
	run_scan(&s, &o, &st);
	cr_expect_eq(s.n, 2);
	cr_expect_eq(st.events, 4);
}

Test(scan, bad_lines_counted_not_fatal)
{
	char a[4096] = "";
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct seen s;

	strcat(a, "Aou 12 10:00:00 mx1 postfix/smtpd[1]: connect from "
	    "unknown[192.0.2.1]\n");
	strcat(a, "garbage without a time stamp\n");
	fail_line(a, sizeof(a), "Jan  5 10:00:05", 10, 1);
	write_file("maillog-20240106", a, 0);
	run_scan(&s, &o, &st);
	cr_expect_eq(s.n, 1);
	cr_expect_eq(st.skipped, 2);
	cr_expect_eq(s.line[0], 3);
}

Test(scan, time_parse_and_format)
{
	int64_t t;
	char buf[40];

	cr_assert(scan_parse_time("2024-02-29 13:14:15", &t));
	cr_assert_str_eq(scan_format_time(t, false, 0, buf),
	    "2024-02-29T13:14:15");
	cr_assert_str_eq(scan_format_time(t, true, -330, buf),
	    "2024-02-29T13:14:15-05:30");
	cr_assert_not(scan_parse_time("2023-02-29", &t));
	cr_assert_not(scan_parse_time("2023-1-5", &t));
	cr_assert_not(scan_parse_time("2023-01-05T1", &t));
}

/* The events of the batch test, checked as they come. */
struct cycle {
	uint64_t	n, bad, sum;
};

/*
 * The groups of repeats_across_batches: per group, the line numbers and
 * counts of its three events.
 */
#define GROUP_LINES	6

static int
check_cycle(const struct scan_event *se, void *arg)
{
	struct cycle *c = arg;
	uint64_t k = (se->line - 1) / GROUP_LINES, at = (se->line - 1) %
	    GROUP_LINES, want_n = c->n % 3;
	static const uint64_t want_at[3] = { 0, 1, 3 };
	uint32_t want_count = want_n == 0 ? (k % 2 ? 3 : 1) :
	    want_n == 1 ? 2 : 3;

	if (at != want_at[want_n] || se->count != want_count ||
	    c->n / 3 != k)
		c->bad++;
	c->n++;
	c->sum += se->count;
	return 0;
}

/*
 * A "last message repeated" line repeats the last line that was not blank
 * or itself a repeat line, when that was an event.  The file is read in
 * batches of seven lines, so that the seams fall at every place of the
 * six-line groups, with one and with several threads.
 */
Test(scan, repeats_across_batches)
{
	enum { GROUPS = 9000 };
	struct scan_opts o = { 0 };
	struct scan_stats st;
	struct source_list l;
	struct sbuf err = SBUF_INIT, text = SBUF_INIT;
	char *args[] = { dir }, line[512];
	struct cycle c;
	int k, jobs;

	for (k = 0; k < GROUPS; k++) {
		char stamp[32];

		snprintf(stamp, sizeof(stamp), "Jan  5 %02d:%02d:%02d",
		    k / 3600 % 24, k / 60 % 60, k % 60);
		if (k % 2 == 0)
			snprintf(line, sizeof(line), FAIL_FMT, stamp, k,
			    k % 250 + 1);
		else
			snprintf(line, sizeof(line), "%s mx1 postfix/"
			    "submission/smtpd[%d]: message repeated 3 times: "
			    "[ warning: unknown[192.0.2.%d]: SASL LOGIN "
			    "authentication failed: UGFzc3dvcmQ6%.*s]\n",
			    stamp, k, k % 250 + 1, k % 7, "=======");
		sbuf_adds(&text, line);
		snprintf(line, sizeof(line), "%s mx1 last message repeated "
		    "2 times\n\n%s mx1 last message repeated 3 times\n"
		    "%s mx1 kernel: eth%d link up\n%s mx1 last message "
		    "repeated 7 times\n", stamp, stamp, stamp, k % 10, stamp);
		sbuf_adds(&text, line);
	}
	write_file("maillog-20240106", text.buf, 0);
	sbuf_release(&text);
	for (jobs = 1; jobs <= 3; jobs += 2) {
		memset(&l, 0, sizeof(l));
		memset(&c, 0, sizeof(c));
		o.jobs = jobs;
		o.batch_lines = GROUP_LINES + 1;
		cr_assert_eq(source_collect(args, 1, &l, &err), 0, "%s",
		    err.buf);
		scan_run(&l, &o, check_cycle, &c, &st);
		source_list_release(&l);
		cr_expect_eq(c.n, 3 * GROUPS, "-j%d: %llu events", jobs,
		    (unsigned long long)c.n);
		cr_expect_eq(c.bad, 0, "-j%d: %llu out of place", jobs,
		    (unsigned long long)c.bad);
		cr_expect_eq(c.sum, (uint64_t)GROUPS * 5 + GROUPS / 2 +
		    (GROUPS - GROUPS / 2) * 3, "-j%d", jobs);
		cr_expect_eq(st.skipped, 0);
	}
	sbuf_release(&err);
}

/* The nice values of the process's threads, at the first event. */
struct nices {
	int	main;		/* the thread that gets the events */
	int	base;		/* the process's before the scan */
	int	lowered;	/* threads at base + WORKER_NICE */
	int	seen;		/* threads read */
	bool	done;
};

/* nice_of - field 19 of /proc/self/task/TID/stat; 99 if unreadable. */
static int
nice_of(const char *tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int k, v = 99;

	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", tid);
	if ((f = fopen(path, "r")) == NULL)
		return v;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL) {
		/* After "pid (comm)": state is field 3, nice field 19. */
		for (k = 3, p += 2; k < 19 && p != NULL; k++)
			if ((p = strchr(p, ' ')) != NULL)
				p++;
		if (p != NULL)
			v = atoi(p);
	}
	fclose(f);
	return v;
}

/* read_nices - the nice values of the process's threads, now. */
static void
read_nices(struct nices *n)
{
	struct dirent *d;
	char self[32];
	DIR *dir;

	snprintf(self, sizeof(self), "%ld", (long)gettid());
	n->main = nice_of(self);
	if ((dir = opendir("/proc/self/task")) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		n->seen++;
		if (nice_of(d->d_name) == n->base + WORKER_NICE)
			n->lowered++;
	}
	closedir(dir);
	n->done = true;
}

/*
 * With workers, the parse workers run at a lower priority than the
 * threads of the one-thread stages (analysis/scan_read.c); the thread
 * that gets the events keeps the process's.
 */
Test(scan, workers_run_at_lower_priority)
{
	struct source_list l;
	struct scan_reader rd;
	struct rec_chunk *c;
	struct sbuf err = SBUF_INIT;
	struct nices n;
	char *args[] = { dir };
	char buf[8192] = "";
	int k;

	if (access("/proc/self/task", R_OK) != 0)
		cr_skip_test("no /proc/self/task to read nice values from");
	for (k = 0; k < 40; k++)
		fail_line(buf, sizeof(buf), "Jan  6 10:00:00", 100 + k, k);
	write_file("maillog-20240106", buf, 0);
	memset(&n, 0, sizeof(n));
	errno = 0;
	n.base = getpriority(PRIO_PROCESS, 0);
	cr_assert(n.base != -1 || errno == 0);
	if (n.base > 19 - WORKER_NICE)
		cr_skip_test("at nice %d: no room for %d more", n.base,
		    WORKER_NICE);
	memset(&l, 0, sizeof(l));
	cr_assert_eq(source_collect(args, 1, &l, &err), 0, "%s", err.buf);
	/*
	 * Batches of a line: the dispatcher and the workers wait for stage
	 * two to take the first, which its worker parsed after it lowered
	 * itself.
	 */
	scan_read_start(&rd, &l, 2, true, 1);
	cr_assert_not_null(c = scan_read_next(&rd));
	read_nices(&n);
	scan_read_done(&rd, c);
	scan_read_stop(&rd);
	source_list_release(&l);
	sbuf_release(&err);
	cr_assert(n.done, "/proc/self/task unreadable");
	cr_expect_eq(n.main, n.base, "stage two's thread at nice %d, "
	    "process %d", n.main, n.base);
	/* This thread, the file's inflater, the dispatcher, two workers. */
	cr_expect(n.seen >= 4, "%d threads", n.seen);
	cr_expect(n.lowered >= 1 && n.lowered <= 2,
	    "%d of %d threads at nice %d", n.lowered, n.seen,
	    n.base + WORKER_NICE);
}
