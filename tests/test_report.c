/*
 * tests/test_report.c - end to end: `report` over twelve years of rotated
 * logs from testdata/gen_report.py (seeds 1, 2, 3) against the generator's
 * labels: precision and recall of "compromised", recall of each verdict,
 * no trap account flagged, evidence on every flagged row.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdarg.h>
#include <unistd.h>

#include "tests/testutil.h"

#define NSEEDS		3
#define MAX_LISTED	40	/* names listed in a failure message */

static const int seeds[NSEEDS] = { 1, 2, 3 };
static const char *const verdicts[] = { "bulk", "stealth", "at-risk" };
#define NVERDICTS	3

static char scratch[2 * NSEEDS][4096];	/* labels and output per seed */

#define bin test_bin
#define td test_data

#define run run_fmt

static int
verdict_index(const char *v)
{
	int i;

	for (i = 0; i < NVERDICTS; i++)
		if (strcmp(v, verdicts[i]) == 0)
			return i;
	return -1;
}

/* the row of account in t (column name), or -1 */
static long
find_row(const struct csv_table *t, const char *col, const char *account)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		if (strcmp(tbl_get(t, i, col), account) == 0)
			return (long)i;
	return -1;
}

/* append "name" to a bounded, comma-separated list */
static void
listed(char *buf, size_t size, size_t *n, const char *name)
{
	size_t len = strlen(buf);

	if (++*n > MAX_LISTED) {
		if (*n == MAX_LISTED + 1 && len + 5 < size)
			strcat(buf, ", ...");
		return;
	}
	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
}

struct tally {
	size_t	tp, fp, fn;		/* compromised vs not */
	size_t	label[NVERDICTS];	/* accounts with that label */
	size_t	hit[NVERDICTS];		/* ... flagged with that verdict */
	size_t	flagged;
	size_t	trap_fp;
	char	traps[4096];		/* clean accounts flagged */
	size_t	noevid;
	char	noevids[4096];		/* rows without time or evidence */
	size_t	bad_verdict;
	char	bad_verdicts[4096];
	char	misses[8192];		/* compromised accounts not flagged */
	size_t	nmiss;
	char	wrong[8192];		/* flagged with another verdict */
	size_t	nwrong;
};

static const char *const report_cols[] = {
	"account", "verdict", "score", "cracked_at", "crack_ip", "abuse_first",
	"abuse_last", "abuse_ips", "messages", "recipients", "bounced",
	"deferred", "dnsbl_rejects",
};

/*
 * generate and report one seed, and add it to the tally.  Skips the test
 * when python3 is missing.
 */
static void
one_seed(int seed, struct tally *ty)
{
	char dir[4096], labels[4096], out[4096], err[4096], tag[64], who[256];
	struct csv_table lab, rep;
	size_t i;
	int rc;

	snprintf(tag, sizeof(tag), "report-%d", seed);
	snprintf(dir, sizeof(dir), "%s", tmp_path(tag));
	snprintf(tag, sizeof(tag), "report-%d.labels.csv", seed);
	snprintf(labels, sizeof(labels), "%s", tmp_path(tag));
	snprintf(tag, sizeof(tag), "report-%d.out.csv", seed);
	snprintf(out, sizeof(out), "%s", tmp_path(tag));
	snprintf(tag, sizeof(tag), "report-%d.err", seed);
	snprintf(err, sizeof(err), "%s", tmp_path(tag));

	cr_assert_eq(run("rm -rf '%s'", dir), 0);
	cr_assert_eq(run("python3 '%s/gen_report.py' --out '%s' --labels '%s' "
	    "--seed %d 2>/dev/null", td(), dir, labels, seed), 0,
	    "generator failed: %s", test_cmdline);
	rc = run("'%s' report --format csv -q '%s' > '%s' 2> '%s'", bin(), dir,
	    out, err);
	cr_assert_eq(rc, 0, "seed %d: `subsubmit report` exited %d (see %s): "
	    "%s", seed, rc, err, test_cmdline);

	cr_assert_eq(tbl_load(labels, &lab), 0, "cannot read %s", labels);
	cr_assert_eq(tbl_load(out, &rep), 0, "cannot read %s", out);
	cr_assert_geq(rep.ncols, 13, "seed %d: report has %d columns", seed,
	    rep.ncols);
	for (i = 0; i < 13; i++)
		cr_assert_str_eq(rep.cols[i], report_cols[i],
		    "seed %d: report column %zu is '%s', want '%s'", seed,
		    i + 1, rep.cols[i], report_cols[i]);
	cr_assert_gt(lab.nrows, 100, "seed %d: %zu labels", seed, lab.nrows);

	/* every flagged row: a known verdict, a time, some evidence */
	for (i = 0; i < rep.nrows; i++) {
		const char *acct = tbl_get(&rep, i, "account");
		const char *v = tbl_get(&rep, i, "verdict");
		bool evid = *tbl_get(&rep, i, "crack_ip") != '\0' ||
		    *tbl_get(&rep, i, "abuse_ips") != '\0' ||
		    atol(tbl_get(&rep, i, "messages")) > 0 ||
		    atol(tbl_get(&rep, i, "recipients")) > 0;
		bool when = *tbl_get(&rep, i, "cracked_at") != '\0' ||
		    *tbl_get(&rep, i, "abuse_first") != '\0';

		snprintf(who, sizeof(who), "%s (seed %d)", acct, seed);
		ty->flagged++;
		if (verdict_index(v) < 0)
			listed(ty->bad_verdicts, sizeof(ty->bad_verdicts),
			    &ty->bad_verdict, who);
		if (!evid || !when)
			listed(ty->noevids, sizeof(ty->noevids), &ty->noevid,
			    who);
	}

	for (i = 0; i < lab.nrows; i++) {
		const char *acct = tbl_get(&lab, i, "account");
		const char *l = tbl_get(&lab, i, "label");
		int li = verdict_index(l);
		long r = find_row(&rep, "account", acct);
		const char *v = r >= 0 ? tbl_get(&rep, (size_t)r, "verdict") :
		    "";

		snprintf(who, sizeof(who), "%s (seed %d, %s%s%s)", acct, seed,
		    l, r >= 0 ? " flagged " : "", v);
		if (li >= 0) {
			ty->label[li]++;
			if (r >= 0) {
				ty->tp++;
				if (strcmp(v, l) == 0) {
					ty->hit[li]++;
				} else {
					listed(ty->wrong, sizeof(ty->wrong),
					    &ty->nwrong, who);
				}
			} else {
				ty->fn++;
				listed(ty->misses, sizeof(ty->misses),
				    &ty->nmiss, who);
			}
		} else if (r >= 0) {
			ty->fp++;
			if (strcmp(l, "clean") == 0) {
				snprintf(who, sizeof(who), "%s (seed %d, %s: %.120s)",
				    acct, seed, v, tbl_get(&lab, i, "detail"));
				listed(ty->traps, sizeof(ty->traps), &ty->trap_fp,
				    who);
			}
		}
	}
	/* flagged accounts the labels do not know count as false positives */
	for (i = 0; i < rep.nrows; i++)
		if (find_row(&lab, "account", tbl_get(&rep, i, "account")) < 0)
			ty->fp++;
	tbl_free(&lab);
	tbl_free(&rep);
	run("rm -rf '%s' '%s'", dir, err);
	snprintf(scratch[2 * (seed - 1)], sizeof(scratch[0]), "%s", labels);
	snprintf(scratch[2 * (seed - 1) + 1], sizeof(scratch[0]), "%s", out);
}

Test(report, seeds_precision_recall, .timeout = 600)
{
	struct tally ty;
	double prec, rec, vrec[NVERDICTS];
	char metrics[4096], mpath[4096];
	size_t i, len;
	FILE *fp;

	if (run("command -v python3 >/dev/null 2>&1") != 0)
		cr_skip_test("python3 not found");
	memset(&ty, 0, sizeof(ty));
	for (i = 0; i < NSEEDS; i++)
		one_seed(seeds[i], &ty);

	prec = ty.tp + ty.fp ? (double)ty.tp / (double)(ty.tp + ty.fp) : 0;
	rec = ty.tp + ty.fn ? (double)ty.tp / (double)(ty.tp + ty.fn) : 0;
	len = (size_t)snprintf(metrics, sizeof(metrics),
	    "seeds 1 2 3: %zu flagged; compromised: precision %.3f "
	    "(%zu/%zu) recall %.3f (%zu/%zu)", ty.flagged, prec, ty.tp,
	    ty.tp + ty.fp, rec, ty.tp, ty.tp + ty.fn);
	for (i = 0; i < NVERDICTS; i++) {
		vrec[i] = ty.label[i] ? (double)ty.hit[i] /
		    (double)ty.label[i] : 0;
		len += (size_t)snprintf(metrics + len, sizeof(metrics) - len,
		    "; %s recall %.3f (%zu/%zu)", verdicts[i], vrec[i],
		    ty.hit[i], ty.label[i]);
	}
	snprintf(metrics + len, sizeof(metrics) - len,
	    "; clean flagged %zu\n", ty.trap_fp);
	cr_log_info("%s", metrics);
	/* the fixed name, next to the per-run scratch files */
	snprintf(mpath, sizeof(mpath), "%s/report-metrics.txt",
	    env_or("TEST_TMPDIR", "/tmp"));
	if ((fp = fopen(mpath, "w")) != NULL) {
		fputs(metrics, fp);
		if (ty.nmiss)
			fprintf(fp, "missed: %s\n", ty.misses);
		if (ty.nwrong)
			fprintf(fp, "other verdict: %s\n", ty.wrong);
		if (ty.trap_fp)
			fprintf(fp, "clean flagged: %s\n", ty.traps);
		fclose(fp);
	}
	if (ty.nmiss)
		cr_log_info("missed: %s", ty.misses);
	if (ty.nwrong)
		cr_log_info("flagged with another verdict: %s", ty.wrong);

	cr_expect_eq(ty.trap_fp, 0, "%zu clean (trap) accounts flagged: %s",
	    ty.trap_fp, ty.traps);
	cr_expect_eq(ty.bad_verdict, 0, "%zu rows with an unknown verdict: %s",
	    ty.bad_verdict, ty.bad_verdicts);
	cr_expect_eq(ty.noevid, 0, "%zu flagged rows without cracked_at/"
	    "abuse_first or evidence: %s", ty.noevid, ty.noevids);
	cr_expect_geq(prec, 0.95, "precision %.3f < 0.95 (%zu false "
	    "positives)", prec, ty.fp);
	cr_expect_geq(rec, 0.95, "recall %.3f < 0.95; missed: %s", rec,
	    ty.nmiss ? ty.misses : "-");
	for (i = 0; i < NVERDICTS; i++)
		cr_expect_geq(vrec[i], 0.9, "%s recall %.3f < 0.9 (%zu/%zu); "
		    "missed or other verdict: %s %s", verdicts[i], vrec[i],
		    ty.hit[i], ty.label[i], ty.misses, ty.wrong);
	/* keep the labels and outputs of a failing run for a look */
	if (ty.trap_fp == 0 && ty.bad_verdict == 0 && ty.noevid == 0 &&
	    prec >= 0.95 && rec >= 0.95 && vrec[0] >= 0.9 && vrec[1] >= 0.9 &&
	    vrec[2] >= 0.9)
		for (i = 0; i < 2 * NSEEDS; i++)
			unlink(scratch[i]);
}

/* The generator's own checker finds every labelled pattern in the logs. */
Test(report, scenario_labels_are_honest, .timeout = 300)
{
	const char *dir = tmp_path("report-check");
	const char *labels = tmp_path("report-check.labels.csv");

	if (run("command -v python3 >/dev/null 2>&1") != 0)
		cr_skip_test("python3 not found");
	cr_assert_eq(run("rm -rf '%s'", dir), 0);
	cr_assert_eq(run("python3 '%s/gen_report.py' --out '%s' --labels '%s' "
	    "--seed 2 2>/dev/null", td(), dir, labels), 0,
	    "generator failed: %s", test_cmdline);
	cr_expect_eq(run("python3 '%s/check_report_scenario.py' '%s' '%s' "
	    ">&2", td(), dir, labels), 0, "labels not borne out by the logs: "
	    "%s", test_cmdline);
	run("rm -rf '%s' '%s'", dir, labels);
}

/*
 * The cohort rule under threads: one foreign address logs in as four
 * accounts, each with a home network of its own, and sends a few
 * messages as each, for weeks (the stealth pattern, with no failures to
 * link it to an attack).  The address is linked only by the number of
 * accounts it logged in as, which step 1 counts; with -j2 and -j4 the
 * accounts are walked on separate threads, two or one per thread, and
 * the counts must still be added up to four.
 */
#define COHORT_ACCTS	4

static void
cohort_line(FILE *fp, unsigned day, unsigned sec, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
cohort_line(FILE *fp, unsigned day, unsigned sec, const char *fmt, ...)
{
	va_list ap;

	/* 2024-01-01 plus day days and sec seconds; January to March */
	unsigned d = day + 1, mon = 1;

	if (d > 31) {
		d -= 31;
		mon++;
	}
	if (mon == 2 && d > 29) {
		d -= 29;
		mon++;
	}
	fprintf(fp, "2024-%02u-%02uT%02u:%02u:%02u+00:00 mx1 ", mon, d,
	    sec / 3600, sec / 60 % 60, sec % 60);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

/* cohort_session - a login as uA from ip and n messages, at day, sec. */
static void
cohort_session(FILE *fp, unsigned day, unsigned sec, unsigned a,
    const char *ip, unsigned n, unsigned *qid)
{
	unsigned pid = 2000 + (day * 7 + a) % 30000, k;

	cohort_line(fp, day, sec, "postfix/submission/smtpd[%u]: connect from "
	    "unknown[%s]", pid, ip);
	for (k = 0; k < n; k++) {
		unsigned q = ++*qid;

		cohort_line(fp, day, sec + 1, "postfix/submission/smtpd[%u]: "
		    "%010X: client=unknown[%s], sasl_method=PLAIN, "
		    "sasl_username=u%u", pid, q, ip, a);
		cohort_line(fp, day, sec + 1, "postfix/qmgr[400]: %010X: "
		    "from=<u%u@example.org>, size=2048, nrcpt=1 (queue active)",
		    q, a);
		cohort_line(fp, day, sec + 2, "postfix/smtp[5000]: %010X: "
		    "to=<friend%u@example.net>, relay=mx.example.net"
		    "[198.51.100.7]:25, delay=1, delays=0.1/0/0.5/0.4, "
		    "dsn=2.0.0, status=sent (250 2.0.0 Ok)", q, k);
		cohort_line(fp, day, sec + 2, "postfix/qmgr[400]: %010X: "
		    "removed", q);
	}
	cohort_line(fp, day, sec + 3, "postfix/submission/smtpd[%u]: "
	    "disconnect from unknown[%s] ehlo=1 auth=1 mail=%u rcpt=%u "
	    "data=%u quit=1 commands=%u", pid, ip, n, n, n, 3 + 3 * n);
}

Test(report, cohort_rule_same_on_threads, .timeout = 120)
{
	const char *log = tmp_path("cohort.log");
	const char *geo = tmp_path("cohort-geo.csv");
	char *out[3];
	size_t len[3], i;
	unsigned a, day, qid = 0;
	int j;
	FILE *fp;

	cr_assert_not_null(fp = fopen(geo, "w"));
	fprintf(fp, "84.0.0.0,84.255.255.255,DE\n45.0.0.0,45.255.255.255,CN\n");
	cr_assert_eq(fclose(fp), 0);
	cr_assert_not_null(fp = fopen(log, "w"));
	/* Two weeks at home, each account from its own address... */
	for (day = 0; day < 14; day++)
		for (a = 1; a <= COHORT_ACCTS; a++) {
			char ip[32];

			snprintf(ip, sizeof(ip), "84.150.%u.10", a);
			cohort_session(fp, day, 28800 + 600 * a, a, ip, 2,
			    &qid);
		}
	/* ...then the same foreign address as each, every few days. */
	for (day = 30; day < 70; day += 5)
		for (a = 1; a <= COHORT_ACCTS; a++)
			cohort_session(fp, day, 3600 + 600 * a, a, "45.9.9.9",
			    3, &qid);
	cr_assert_eq(fclose(fp), 0);

	for (i = 0, j = 1; i < 3; i++, j *= 2) {
		const char *o = tmp_path("cohort.out");

		cr_assert_eq(run("'%s' report --format csv -q -j%d --home DE "
		    "--geo '%s' '%s' > '%s'", bin(), j, geo, log, o), 0,
		    "report -j%d failed: %s", j, test_cmdline);
		out[i] = slurp(o, &len[i]);
	}
	/* The rule fires: every account is reported, as stealth. */
	for (a = 1; a <= COHORT_ACCTS; a++) {
		char want[32];

		snprintf(want, sizeof(want), "\nu%u,stealth,", a);
		cr_expect_not_null(strstr(out[0], want), "-j1: no '%s' in:\n%s",
		    want + 1, out[0]);
	}
	for (i = 1; i < 3; i++)
		cr_expect(len[i] == len[0] && memcmp(out[i], out[0], len[0]) ==
		    0, "-j%d differs from -j1:\n%s\n---\n%s", 1 << i, out[i],
		    out[0]);
	for (i = 0; i < 3; i++)
		free(out[i]);
	unlink(tmp_path("cohort.out"));
	unlink(log);
	unlink(geo);
}
