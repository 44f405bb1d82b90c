/*
 * tests/test_bounds.c - resource bounds, through the binary: each hostile
 * shape of input (a line without a newline, one account attacked from
 * very many addresses, very many accounts, one address with very many
 * sessions) is generated here at two sizes, N and 4N, and `report` run on
 * each; the child's CPU time and peak RSS (wait4) must grow at most
 * linearly: over a one-line baseline, within 4 x 1.6 of the growth at N,
 * plus a fixed slack.  A quadratic pass would grow 16-fold.
 *
 * CPU time (user + system), not wall time, is what is checked: the test
 * machine is shared, and wall time there says more about the neighbours
 * than about subsubmit.  Wall time is printed with the other figures.
 * A run at 4N that misses the time bound is measured once more before the
 * test fails, for the same reason.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

#define FACTOR		4
#define MARGIN		1.6
#define SLACK_CPU	0.5		/* seconds */
#define SLACK_RSS	(16 * 1024)	/* KiB */

enum shape {
	LONG_LINE,	/* n MiB, one line, no newline but a last line */
	ACCOUNT_IPS,	/* n failures of one account, each from a new
			 * address */
	ACCOUNTS,	/* n failures, each of a new account */
	IP_SESSIONS,	/* n Postfix sessions of one address */
	LOGIN_NETS,	/* n logins of one account, each from a new network,
			 * each sending a message; two hours apart */
};

struct usage {
	double	cpu, wall;	/* seconds */
	long	rss;		/* KiB */
};

/* stamp - a syslog time stamp, t seconds after 1 January 00:00. */
static void
stamp(FILE *fp, unsigned t)
{
	fprintf(fp, "Jan %2u %02u:%02u:%02u", t / 86400 + 1, t / 3600 % 24,
	    t / 60 % 60, t % 60);
}

/* addr - a public IPv4 address, distinct for each k < 2^24. */
static const char *
addr(unsigned k)
{
	static char buf[32];

	k++;
	snprintf(buf, sizeof(buf), "45.%u.%u.%u", k >> 16 & 255, k >> 8 & 255,
	    k & 255);
	return buf;
}

static void
sasl_fail(FILE *fp, unsigned t, unsigned pid, const char *ip,
    const char *user)
{
	stamp(fp, t);
	fprintf(fp, " mx1 postfix/submission/smtpd[%u]: warning: unknown[%s]: "
	    "SASL LOGIN authentication failed: UGFzc3dvcmQ6", pid, ip);
	if (user != NULL)
		fprintf(fp, ", sasl_username=%s", user);
	fputc('\n', fp);
}

/* session - connect, a Dovecot back-end failure, the SASL failure that
 * it explains (attribution), a login now and then, disconnect. */
static void
session(FILE *fp, unsigned i)
{
	unsigned t = 4 * i, pid = 1000 + i % 50000;
	const char *ip = "45.1.2.3";

	stamp(fp, t);
	fprintf(fp, " mx1 postfix/submission/smtpd[%u]: connect from "
	    "unknown[%s]\n", pid, ip);
	stamp(fp, t);
	fprintf(fp, " mx1 dovecot: auth: passwd-file(user%u,%s): Password "
	    "mismatch\n", i % 10, ip);
	sasl_fail(fp, t + 2, pid, ip, NULL);
	if (i % 100 == 99) {
		stamp(fp, t + 2);
		fprintf(fp, " mx1 postfix/submission/smtpd[%u]: 0%07X: "
		    "client=unknown[%s], sasl_method=PLAIN, "
		    "sasl_username=user%u\n", pid, i, ip, i % 10);
	}
	stamp(fp, t + 3);
	fprintf(fp, " mx1 postfix/submission/smtpd[%u]: disconnect from "
	    "unknown[%s] ehlo=1 auth=0/1 quit=1 commands=2/3\n", pid, ip);
}

/* net_login - login i of LOGIN_NETS, with its message (ISO stamps). */
static void
net_login(FILE *fp, unsigned i)
{
	time_t t = 1704067200 + (time_t)i * 7200;	/* 2024-01-01 on */
	char ts[40];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	fprintf(fp, "%s mx1 postfix/submission/smtpd[%u]: %07X: "
	    "client=unknown[%u.%u.%u.9], sasl_method=PLAIN, "
	    "sasl_username=victim\n", ts, 1000 + i % 50000, i,
	    11 + (i >> 16) % 100, i >> 8 & 255, i & 255);
	fprintf(fp, "%s mx1 postfix/qmgr[98]: %07X: from=<victim@example.org>,"
	    " size=999, nrcpt=1 (queue active)\n", ts, i);
	fprintf(fp, "%s mx1 postfix/smtp[97]: %07X: to=<r%u@example.net>, "
	    "relay=mx.example.net[192.0.2.25]:25, delay=1, delays=0/0/0/1, "
	    "dsn=2.0.0, status=sent (250 ok)\n", ts, i, i);
}

/* long_line - n MiB: a failure whose text runs on, then one more line;
 * the file is sparse, so the test writes almost nothing. */
static void
long_line(const char *path, size_t n)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	sasl_fail(fp, 0, 7, addr(0), NULL);
	cr_assert_eq(fflush(fp), 0);
	/* overwrite the newline: the line goes on, as NUL bytes */
	cr_assert_eq(ftruncate(fileno(fp), ftell(fp) - 1), 0);
	cr_assert_eq(ftruncate(fileno(fp), (off_t)n << 20), 0);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	fputc('\n', fp);
	sasl_fail(fp, 1, 7, addr(1), NULL);
	cr_assert_eq(fclose(fp), 0);
}

/* gen - the shape at size n into path. */
static void
gen(enum shape s, size_t n, const char *path)
{
	char user[64];
	FILE *fp;
	size_t i;

	if (s == LONG_LINE) {
		long_line(path, n);
		return;
	}
	fp = fopen(path, "w");
	cr_assert_not_null(fp);
	for (i = 0; i < n; i++) {
		switch (s) {
		case ACCOUNT_IPS:
			sasl_fail(fp, (unsigned)i, 7, addr((unsigned)i),
			    "victim@example.org");
			break;
		case ACCOUNTS:
			snprintf(user, sizeof(user), "user%zu@example.org", i);
			sasl_fail(fp, (unsigned)i, 7, addr((unsigned)i % 200),
			    user);
			break;
		case LOGIN_NETS:
			net_login(fp, (unsigned)i);
			break;
		default:
			session(fp, (unsigned)i);
		}
	}
	cr_assert_eq(fclose(fp), 0);
}

/*
 * warm - read a file once, so that the runs measured do not pay for
 * filling the page cache (the holes of a sparse file above all).
 */
static void
warm(const char *path)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);

	cr_assert_neq(fd, -1);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static double
seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* measure - run report on log; its exit status must be 0. */
static void
measure(const char *log, struct usage *u)
{
	char geo[4096];
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int st, fd;

	snprintf(geo, sizeof(geo), "%s/geo/country-cidr.csv", test_data());
	warm(log);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		/* --geo: a small file, not the default tor database */
		execl(test_bin(), "subsubmit", "report", "-q", "--year", "2024",
		    "--geo", geo, log, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "report %s: status "
	    "%d", log, st);
	u->cpu = seconds(ru.ru_utime) + seconds(ru.ru_stime);
	u->wall = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	u->rss = ru.ru_maxrss;
}

static double
over(double v, double base)
{
	return v > base ? v - base : 0;
}

/* linear - the shape at n and FACTOR * n against a one-line baseline. */
static void
linear(const char *name, enum shape s, size_t n)
{
	const char *base = tmp_path("bounds-base"), *small = tmp_path(name);
	const char *big = tmp_path("bounds-big");
	struct usage u0, u1, u4;
	double cpu_max, rss_max;
	FILE *fp = fopen(base, "w");

	cr_assert_not_null(fp);
	sasl_fail(fp, 0, 7, addr(0), "victim@example.org");
	fclose(fp);
	gen(s, n, small);
	gen(s, FACTOR * n, big);
	measure(base, &u0);
	measure(small, &u1);
	measure(big, &u4);
	cpu_max = FACTOR * MARGIN * over(u1.cpu, u0.cpu) + SLACK_CPU;
	if (over(u4.cpu, u0.cpu) > cpu_max)
		measure(big, &u4);	/* a busy neighbour, or us? */
	rss_max = FACTOR * MARGIN * over((double)u1.rss, (double)u0.rss) +
	    SLACK_RSS;
	fprintf(stderr, "# bounds %s: base %.2fs %ldK; n=%zu %.2fs cpu %.2fs "
	    "wall %ldK; 4n %.2fs cpu %.2fs wall %ldK (limits %.2fs %.0fK)\n",
	    name, u0.cpu, u0.rss, n, u1.cpu, u1.wall, u1.rss, u4.cpu, u4.wall,
	    u4.rss, cpu_max + u0.cpu, rss_max + (double)u0.rss);
	cr_expect_leq(over(u4.cpu, u0.cpu), cpu_max, "%s: CPU time %.2fs at "
	    "4n against %.2fs at n: worse than linear", name, u4.cpu, u1.cpu);
	cr_expect_leq(over((double)u4.rss, (double)u0.rss), rss_max, "%s: "
	    "peak RSS %ldK at 4n against %ldK at n: worse than linear", name,
	    u4.rss, u1.rss);
	unlink(base);
	unlink(small);
	unlink(big);
}

/* 64 and 256 MiB in one line: memory must not follow the line at all. */
Test(bounds, line_without_newline, .timeout = 120)
{
	const char *log = tmp_path("bounds-line"), *out = tmp_path("b-out");
	struct csv_table t;

	linear("long-line", LONG_LINE, 64);
	/* and the line after it is read, not lost */
	long_line(log, 64);
	cr_assert_eq(run_fmt("'%s' events -q --format csv --year 2024 '%s' > "
	    "'%s'", test_bin(), log, out), 0);
	cr_assert_eq(tbl_load(out, &t), 0);
	cr_expect_eq(t.nrows, 2);
	if (t.nrows == 2)
		cr_expect_str_eq(tbl_get(&t, 1, "ip"), "45.0.0.2");
	tbl_free(&t);
	unlink(log);
	unlink(out);
}

Test(bounds, one_account_many_addresses, .timeout = 120)
{
	linear("account-ips", ACCOUNT_IPS, 50000);
}

Test(bounds, many_accounts, .timeout = 120)
{
	linear("accounts", ACCOUNTS, 50000);
}

Test(bounds, one_address_many_sessions, .timeout = 120)
{
	linear("ip-sessions", IP_SESSIONS, 12500);
}

/* Quadratic before: every login searched the account's networks one by
 * one, and every network scanned all the account's messages. */
Test(bounds, one_account_many_networks, .timeout = 120)
{
	linear("login-nets", LOGIN_NETS, 10000);
}
