/*
 * tests/test_envelope.c - io/envelope: time stamp forms, host/tag/pid/msg
 * spans on corpus lines, host-less forms, hostile input and the calendar.
 *
 * Lines marked [C] are copied from shared/corpus (file named); [S] lines
 * are synthetic, built from the format descriptions in formats.md 1.1.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <unistd.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/envelope.h"

#define NOOFF	INT_MIN		/* expect has_off == false */
#define MIB	(1024 * 1024)

/* span_is - the span holds exactly the NUL-terminated want. */
static bool
span_is(struct span s, const char *want)
{
	size_t n = strlen(want);

	return s.len == n && (n == 0 || memcmp(s.p, want, n) == 0);
}

/* ---------------------------------------------------------------- */
/* Time stamps through logtime_parse() */

struct stamp_case {
	const char	*in;
	size_t		 used;
	int32_t		 year;
	int		 mon, mday, hour, min, sec;
	uint32_t	 usec;
	int		 off;		/* minutes east, or NOOFF */
};

static const struct stamp_case stamps[] = {
	/* BSD: space-, zero- and un-padded day, fraction, UTC word */
	{ "Dec  1 15:42:52 mx", 15, 0, 12, 1, 15, 42, 52, 0, NOOFF },
	{ "Dec 01 15:42:52", 15, 0, 12, 1, 15, 42, 52, 0, NOOFF },
	{ "Sep 8 07:46:30 canyon", 14, 0, 9, 8, 7, 46, 30, 0, NOOFF },
	{ "Jan     9 00:00:00", 18, 0, 1, 9, 0, 0, 0, 0, NOOFF },
	{ "Dec 01 15:42:52.123456 x", 22, 0, 12, 1, 15, 42, 52, 123456,
	    NOOFF },
	{ "Feb 29 23:59:60", 15, 0, 2, 29, 23, 59, 60, 0, NOOFF },
	{ "Jun 21 16:47:46 UTC machine", 19, 0, 6, 21, 16, 47, 46, 0, 0 },
	/* RFC 3339 and journalctl -o short-iso */
	{ "2018-12-11T15:42:52.123456+09:00 mx", 32, 2018, 12, 11, 15, 42,
	    52, 123456, 540 },
	{ "2018-12-11T15:42:52Z", 20, 2018, 12, 11, 15, 42, 52, 0, 0 },
	{ "2018-12-11T15:42:52+0900", 24, 2018, 12, 11, 15, 42, 52, 0, 540 },
	{ "2018-12-11T15:42:52-05:30", 25, 2018, 12, 11, 15, 42, 52, 0,
	    -330 },
	{ "2018-12-11T15:42:52+09 x", 22, 2018, 12, 11, 15, 42, 52, 0, 540 },
	{ "2018-12-11T15:42:52.1Z", 22, 2018, 12, 11, 15, 42, 52, 100000, 0 },
	{ "2018-12-11T15:42:52.123456789Z", 30, 2018, 12, 11, 15, 42, 52,
	    123456, 0 },
	{ "2018-12-11T15:42:52.003-00:00", 29, 2018, 12, 11, 15, 42, 52,
	    3000, 0 },
	{ "2024-08-26T01:33:38.572449+00:00", 32, 2024, 8, 26, 1, 33, 38,
	    572449, 0 },
	{ "2024-02-29T12:00:00Z", 20, 2024, 2, 29, 12, 0, 0, 0, 0 },
	/* Dovecot log_path, Exim, Zimbra: no zone unless a UTC/GMT word */
	{ "2013-08-11 03:56:40 auth-worker(default):", 19, 2013, 8, 11, 3,
	    56, 40, 0, NOOFF },
	{ "2023-05-30 06:10:13.345 login", 23, 2023, 5, 30, 6, 10, 13,
	    345000, NOOFF },
	{ "2021-03-03 19:26:38,616 INFO", 23, 2021, 3, 3, 19, 26, 38,
	    616000, NOOFF },
	{ "2005-06-21 14:55:10 UTC machine", 23, 2005, 6, 21, 14, 55, 10, 0,
	    0 },
	{ "2005-06-21 14:55:11 GMT", 23, 2005, 6, 21, 14, 55, 11, 0, 0 },
	/* journalctl -o short-full */
	{ "Tue 2018-12-11 15:42:52 JST mx1", 27, 2018, 12, 11, 15, 42, 52, 0,
	    NOOFF },
	{ "Tue 2018-12-11 06:42:52 UTC", 27, 2018, 12, 11, 6, 42, 52, 0, 0 },
	{ "Tue 2018-12-11 15:42:52 +0900", 29, 2018, 12, 11, 15, 42, 52, 0,
	    540 },
	{ "Tue 2018-12-11 15:42:52.5 CEST", 30, 2018, 12, 11, 15, 42, 52,
	    500000, NOOFF },
	{ "Tue 2018-12-11 15:42:52 mx1 a:", 23, 2018, 12, 11, 15, 42, 52, 0,
	    NOOFF },
	/* journalctl -o short-unix: UTC */
	{ "1544510572.123456 mx1", 17, 2018, 12, 11, 6, 42, 52, 123456, 0 },
	{ "1544510572", 10, 2018, 12, 11, 6, 42, 52, 0, 0 },
	/* TAI64N (2^62 + 10 + Unix seconds) */
	{ "@400000004c91b044077a9e94 imap-login:", 25, 2010, 9, 16, 5, 50, 50,
	    125476, 0 },
};

Test(envelope, stamp_forms)
{
	size_t i;

	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		const struct stamp_case *k = &stamps[i];
		struct logtime t;
		size_t used = 0;
		bool ok;

		ok = logtime_parse(span_make(k->in, strlen(k->in)), &t, &used);
		cr_assert(ok, "'%s' not parsed", k->in);
		cr_expect_eq(used, k->used, "'%s': used %zu, want %zu", k->in,
		    used, k->used);
		cr_expect(t.year == k->year && t.mon == k->mon &&
		    t.mday == k->mday, "'%s': date %d-%d-%d", k->in,
		    (int)t.year, t.mon, t.mday);
		cr_expect(t.hour == k->hour && t.min == k->min &&
		    t.sec == k->sec, "'%s': time %d:%d:%d", k->in, t.hour,
		    t.min, t.sec);
		cr_expect_eq(t.usec, k->usec, "'%s': usec %u", k->in,
		    (unsigned)t.usec);
		if (k->off == NOOFF)
			cr_expect(!t.has_off, "'%s': unexpected offset", k->in);
		else
			cr_expect(t.has_off && t.off_min == k->off,
			    "'%s': offset %d/%d, want %d", k->in, t.has_off,
			    t.off_min, k->off);
	}
}

static const char *const bad_stamps[] = {
	"Aou 12 10:00:00",		/* fail2ban's French month */
	"dec  1 15:42:52",		/* month names are case-sensitive */
	"Dec 32 10:00:00",
	"Feb 30 10:00:00",
	"Apr 31 10:00:00",
	"Dec  0 10:00:00",
	"Dec 123 10:00:00",
	"Dec  1 24:00:00",
	"Dec  1 15:60:00",
	"Dec  1 15:42:61",
	"Dec  1 15:42",
	"Dec  1 15:42:52x",
	"Dec  1 15:42:52.",
	"Dec1 15:42:52",
	"2023-02-29 10:00:00",		/* not a leap year */
	"1900-02-29 10:00:00",
	"0000-12-30 00:00:00",		/* [C] zzz-generic-example.log */
	"2018-13-01T00:00:00Z",
	"2018-12-11X15:42:52Z",
	"2018-12-11T15:42:52.1234567890Z",
	"2018-12-11T15:42:52+24:00",
	"2018-12-11T15:42:52+09:60",
	"2018-12-11T15:42:52+",
	"2018-12-11T15:42:52+09:",
	"2018-12-11T15:42:52+09:7",
	"2018-12-11T15:42:52+097",
	"2018-1-11T15:42:52Z",
	"Tue 2018-12-11 15:42:52 +09:00x",
	"Tue 2018-12-11T15:42:52",
	"12345 foo",			/* too few digits for epoch seconds */
	"154451057212.5",		/* too many */
	"@4000",
	"@400000004c91b044077a9e9g",
	"@000000004c91b044077a9e94",	/* before 2^62: not a TAI64 label */
	"@400000004c91b044ffffffff",	/* nanoseconds >= 10^9 */
	"[Dec  1 15:42:52]",		/* brackets are envelope business */
	"",
	" Dec  1 15:42:52",
};

Test(envelope, stamp_rejects)
{
	size_t i;

	for (i = 0; i < sizeof(bad_stamps) / sizeof(bad_stamps[0]); i++) {
		const char *s = bad_stamps[i];
		struct logtime t;
		size_t used = 0;

		cr_expect(!logtime_parse(span_make(s, strlen(s)), &t, &used),
		    "'%s' accepted", s);
	}
}

/* epoch - Unix seconds of a parsed stamp, applying its offset. */
static int64_t
epoch(const struct logtime *t)
{
	int64_t s = 0;

	cr_assert(logtime_civil(t, t->year, &s));
	return s - (t->has_off ? t->off_min * 60 : 0);
}

Test(envelope, tai64n_matches_fail2ban_label)
{
	const char *s = "@400000004c91b044077a9e94";
	struct logtime t;
	size_t used;
	int64_t d;

	cr_assert(logtime_parse(span_make(s, strlen(s)), &t, &used));
	/* fail2ban reads 0x4c91b044 as Unix time; allow the 10 s. */
	d = epoch(&t) - 0x4c91b044;
	cr_expect(d >= -10 && d <= 10, "off by %lld s", (long long)d);
}

Test(envelope, offsets_give_the_same_instant)
{
	static const char *const same[] = {
		"2018-12-11T15:42:52+09:00",
		"2018-12-11T15:42:52+0900",
		"2018-12-11T06:42:52Z",
		"2018-12-11T01:12:52-05:30",
		"Tue 2018-12-11 06:42:52 UTC",
		"2018-12-11 06:42:52 GMT",
		"1544510572",
	};
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		struct logtime t;
		size_t used;

		cr_assert(logtime_parse(span_make(same[i], strlen(same[i])),
		    &t, &used), "'%s'", same[i]);
		cr_expect_eq(epoch(&t), 1544510572, "'%s': %lld", same[i],
		    (long long)epoch(&t));
	}
}

Test(envelope, epoch_agrees_with_gmtime)
{
	char buf[32];
	int64_t s;

	for (s = 100000000; s < 99999999999; s += 7777777777 / 1000) {
		struct logtime t;
		struct tm tm;
		time_t tt = (time_t)s;
		size_t used;

		snprintf(buf, sizeof(buf), "%lld", (long long)s);
		cr_assert(logtime_parse(span_make(buf, strlen(buf)), &t,
		    &used), "'%s'", buf);
		cr_assert(gmtime_r(&tt, &tm) != NULL);
		cr_assert(t.year == tm.tm_year + 1900 &&
		    t.mon == tm.tm_mon + 1 && t.mday == tm.tm_mday &&
		    t.hour == tm.tm_hour && t.min == tm.tm_min &&
		    t.sec == tm.tm_sec, "'%s'", buf);
	}
}

/* ---------------------------------------------------------------- */
/* Whole lines */

struct line_case {
	const char	*line;
	size_t		 len;		/* 0: strlen(line) */
	const char	*host, *tag, *pid, *msg;
	int		 mon, mday, hour;	/* a sanity check of the time */
	int		 off;
};

static const struct line_case lines[] = {
	/* [C] fail2ban/postfix.log */
	{ "Feb 21 09:21:54 xxx postfix/smtpd[14398]: NOQUEUE: reject: RCPT "
	    "from example.com[192.0.43.10]: 450 4.7.1 : Helo command "
	    "rejected: Host not found; from=<> to=<> proto=ESMTP helo=", 0,
	    "xxx", "postfix/smtpd", "14398", "NOQUEUE: reject: RCPT "
	    "from example.com[192.0.43.10]: 450 4.7.1 : Helo command "
	    "rejected: Host not found; from=<> to=<> proto=ESMTP helo=",
	    2, 21, 9, NOOFF },
	{ "Mar 11 23:27:54 server postfix-smo/submission/smtpd[22427]: "
	    "44JCRG5tYPzCqt2: reject: BDAT", 0, "server",
	    "postfix-smo/submission/smtpd", "22427",
	    "44JCRG5tYPzCqt2: reject: BDAT", 3, 11, 23, NOOFF },
	/* [C] crowdsec/postfix-honeypot-users.log */
	{ "May  6 09:25:41 mail postfix/smtps/smtpd[16997]: warning: "
	    "unknown[203.0.113.10]: SASL LOGIN authentication failed: "
	    "(reason unavailable), sasl_username=postmaster@example.org", 0,
	    "mail", "postfix/smtps/smtpd", "16997", "warning: "
	    "unknown[203.0.113.10]: SASL LOGIN authentication failed: "
	    "(reason unavailable), sasl_username=postmaster@example.org",
	    5, 6, 9, NOOFF },
	/* [C] crowdsec/postfix-logs.log: RFC 3339, 7-digit pid */
	{ "2024-08-25T12:31:56.154748+00:00 machine postfix/smtpd[3887453]: "
	    "NOQUEUE: reject: RCPT from unknown[192.168.1.1]", 0, "machine",
	    "postfix/smtpd", "3887453",
	    "NOQUEUE: reject: RCPT from unknown[192.168.1.1]", 8, 25, 12, 0 },
	/* [C] crowdsec/dovecot-logs.log: unpadded day, no pid */
	{ "Sep 8 07:46:30 canyon dovecot: auth-worker(24544): "
	    "pam(toto,1.1.1.1): unknown user", 0, "canyon", "dovecot", "",
	    "auth-worker(24544): pam(toto,1.1.1.1): unknown user",
	    9, 8, 7, NOOFF },
	/* [C] fail2ban/dovecot.log */
	{ "Jul 02 13:49:31 hostname dovecot[442]: pop3-login: Aborted login "
	    "(auth failed, 1 attempts in 17 secs): user=<test>", 0,
	    "hostname", "dovecot", "442", "pop3-login: Aborted login "
	    "(auth failed, 1 attempts in 17 secs): user=<test>",
	    7, 2, 13, NOOFF },
	/* [C] fail2ban/dovecot.log: host-less log_path forms */
	{ "Jan 29 09:33:58 pop3-login: Info: Aborted login (auth failed, 1 "
	    "attempts in 2 secs): user=<grace>, method=PLAIN, "
	    "rip=212.9.180.3", 0, "", "pop3-login", "",
	    "Info: Aborted login (auth failed, 1 attempts in 2 secs): "
	    "user=<grace>, method=PLAIN, rip=212.9.180.3", 1, 29, 9, NOOFF },
	{ "@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth "
	    "failed, 1 attempts): user=<martin@waschbuesch.de>", 0, "",
	    "imap-login", "", "Info: Aborted login (auth failed, 1 "
	    "attempts): user=<martin@waschbuesch.de>", 9, 16, 5, 0 },
	{ "2013-08-11 03:56:40 auth-worker(default): Info: "
	    "pam(username,1.2.3.4): pam_authenticate() failed", 0, "",
	    "auth-worker(default)", "",
	    "Info: pam(username,1.2.3.4): pam_authenticate() failed",
	    8, 11, 3, NOOFF },
	{ "Aug 30 00:10:57 auth(info@example.com,192.0.2.110,sasl:login)"
	    "<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch (given "
	    "password: XxxxXXxx123)", 0, "",
	    "auth(info@example.com,192.0.2.110,sasl:login)<CvN+E95Uf4e7eEnj>",
	    "", "Info: sql: Password mismatch (given password: XxxxXXxx123)",
	    8, 30, 0, NOOFF },
	{ "Mar 23 06:10:52 auth: Info: ldap(dog,52.37.139.121,): invalid "
	    "credentials", 0, "", "auth", "",
	    "Info: ldap(dog,52.37.139.121,): invalid credentials",
	    3, 23, 6, NOOFF },
	/* [S] Dovecot 2.4 prefix with a user name holding spaces */
	{ "Aug 30 00:10:57 auth(john smith,192.0.2.110,sasl:plain)<Cv1>: "
	    "Info: sql: unknown user", 0, "",
	    "auth(john smith,192.0.2.110,sasl:plain)<Cv1>", "",
	    "Info: sql: unknown user", 8, 30, 0, NOOFF },
	/* [S] ": " inside the parentheses does not end the tag */
	{ "Aug 30 00:10:57 auth(a: b,192.0.2.1)<S1>: Info: sql: unknown user",
	    0, "", "auth(a: b,192.0.2.1)<S1>", "", "Info: sql: unknown user",
	    8, 30, 0, NOOFF },
	/* [C] fail2ban/zzz-generic-example.log */
	{ "Jun 21 16:47:48 test-demo[13709]: F2B: failure from 192.0.2.1", 0,
	    "", "test-demo", "13709", "F2B: failure from 192.0.2.1",
	    6, 21, 16, NOOFF },
	{ "Jun 21 16:50:02 machine test-demo(pam_unix)[13709] F2B: failure "
	    "from 192.0.2.3", 0, "machine", "test-demo(pam_unix)", "13709",
	    "F2B: failure from 192.0.2.3", 6, 21, 16, NOOFF },
	{ "Jun 21 16:55:02   <auth.info> machine kernel: [  970.699396] "
	    "@vserver_demo x", 0, "machine", "kernel", "",
	    "[  970.699396] @vserver_demo x", 6, 21, 16, NOOFF },
	{ "[Jun 21 16:56:02] machine test-demo(pam_unix)[13709] F2B: error "
	    "from 192.0.2.250", 0, "machine", "test-demo(pam_unix)", "13709",
	    "F2B: error from 192.0.2.250", 6, 21, 16, NOOFF },
	{ "2005-06-21 14:55:10 UTC machine test-demo(pam_unix)[13709] F2B: "
	    "error from 192.0.2.10", 0, "machine", "test-demo(pam_unix)",
	    "13709", "F2B: error from 192.0.2.10", 6, 21, 14, 0 },
	/* [C] fail2ban/cyrus-imap.log: host-less with pid */
	{ "Feb 20 17:23:32 cyrus/pop3[4297]: badlogin: example.com [1.2.3.4] "
	    "plaintext mail0001", 0, "", "cyrus/pop3", "4297",
	    "badlogin: example.com [1.2.3.4] plaintext mail0001",
	    2, 20, 17, NOOFF },
	/* [C] fail2ban/perdition.log, sendmail-auth.log, courier-smtp.log */
	{ "Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: "
	    "192.168.8.100:2274->193.48.191.9:993", 0, "ares",
	    "perdition.imaps", "3194",
	    "Auth: 192.168.8.100:2274->193.48.191.9:993", 7, 18, 16, NOOFF },
	{ "Feb 16 23:33:20 smtp1 sm-mta[5133]: s1GNXHYB005133: "
	    "[190.5.230.178]: possible SMTP attack: command=AUTH, count=5", 0,
	    "smtp1", "sm-mta", "5133", "s1GNXHYB005133: [190.5.230.178]: "
	    "possible SMTP attack: command=AUTH, count=5", 2, 16, 23, NOOFF },
	{ "Jul  3 23:07:20 szerver courieresmtpd: error,relay=::ffff:1.2.3.4,"
	    "msg=\"535 Authentication failed.\",cmd: YWRvYmVhZG9iZQ==", 0,
	    "szerver", "courieresmtpd", "", "error,relay=::ffff:1.2.3.4,"
	    "msg=\"535 Authentication failed.\",cmd: YWRvYmVhZG9iZQ==",
	    7, 3, 23, NOOFF },
	/* [C] fail2ban/sendmail-reject.log: FreeBSD <facility.level> */
	{ "Jun 17 14:37:39 <mail.info> robin sm-mta[2794]: 55HIbcGI002794: "
	    "from=<root@yourhost.com>, size=108", 0, "robin", "sm-mta",
	    "2794", "55HIbcGI002794: from=<root@yourhost.com>, size=108",
	    6, 17, 14, NOOFF },
	{ "Jun 17 14:37:39 <4.6> robin sm-mta[2794]: x", 0, "robin",
	    "sm-mta", "2794", "x", 6, 17, 14, NOOFF },
	/* [C] fail2ban/exim.log: Exim through syslog */
	{ "2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: dovecot_login "
	    "authenticator failed for (User) [192.0.2.37]: 535 Incorrect "
	    "authentication data (set_id=test@domain.com)", 0,
	    "mx1.fqdn.local", "exim", "29786", "dovecot_login "
	    "authenticator failed for (User) [192.0.2.37]: 535 Incorrect "
	    "authentication data (set_id=test@domain.com)",
	    10, 22, 3, NOOFF },
	/* [C] wazuh/dovecot.log: 1.x host-less, level word as tag */
	{ "Jun 23 15:04:05 Info: imap-login: Login: user=<username>", 0, "",
	    "Info", "", "imap-login: Login: user=<username>",
	    6, 23, 15, NOOFF },
	/* [S] Solaris "[ID n facility.level]" */
	{ "Jun 21 16:47:46 machine test-demo[13709]: [ID 255 test] F2B: "
	    "failure from 192.0.2.1", 0, "machine", "test-demo", "13709",
	    "F2B: failure from 192.0.2.1", 6, 21, 16, NOOFF },
	{ "Jun 21 16:47:46 mx sendmail[77]: [ID 801593 mail.info] "
	    "w1: from=<a@b>", 0, "mx", "sendmail", "77", "w1: from=<a@b>",
	    6, 21, 16, NOOFF },
	/* [S] "[ID" that is not a Solaris message id stays */
	{ "Jun 21 16:47:46 mx a[1]: [ID x] y", 0, "mx", "a", "1",
	    "[ID x] y", 6, 21, 16, NOOFF },
	/* [S] RFC 5424 */
	{ "<22>1 2018-12-11T15:42:52.123Z mx1 postfix/smtpd 1234 - - "
	    "warning: unknown[192.0.2.1]: SASL LOGIN authentication failed",
	    0, "mx1", "postfix/smtpd", "1234", "warning: unknown[192.0.2.1]: "
	    "SASL LOGIN authentication failed", 12, 11, 15, 0 },
	{ "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
	    "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"App\"]"
	    "[x@1 a=\"q\\]\" b=\"]\"] \xef\xbb\xbf" "An application event", 0,
	    "mymachine.example.com", "evntslog", "", "An application event",
	    10, 11, 22, 0 },
	{ "<34>1 2003-10-11T22:14:15.003+02:00 - su - ID47 - 'su root' "
	    "failed", 0, "", "su", "", "'su root' failed", 10, 11, 22, 120 },
	{ "<34>1 2003-10-11T22:14:15Z host app 77 - -", 0, "host", "app",
	    "77", "", 10, 11, 22, 0 },
	{ "<34>1 2003-10-11T22:14:15Z host app proc-x - - m", 0, "host",
	    "app", "", "m", 10, 11, 22, 0 },
	/* [S] <PRI> before a BSD stamp */
	{ "<34>Oct 11 22:14:15 mymachine su: 'su root' failed", 0,
	    "mymachine", "su", "", "'su root' failed", 10, 11, 22, NOOFF },
	/* [S] journalctl short-full, short-unix, short-iso */
	{ "Tue 2018-12-11 15:42:52 JST mx1 postfix/submission/smtpd[2345]: "
	    "connect from unknown[192.0.2.7]", 0, "mx1",
	    "postfix/submission/smtpd", "2345",
	    "connect from unknown[192.0.2.7]", 12, 11, 15, NOOFF },
	{ "1544510572.123456 mx1 postfix/smtpd[99]: connect", 0, "mx1",
	    "postfix/smtpd", "99", "connect", 12, 11, 6, 0 },
	{ "2018-12-11T15:42:52+0900 mx1 postfix/smtpd[99]: connect", 0,
	    "mx1", "postfix/smtpd", "99", "connect", 12, 11, 15, 540 },
	/* [S] an IPv6 host, a host ending in "::" */
	{ "Dec  1 15:42:52 2001:db8::1 postfix/smtpd[1]: connect", 0,
	    "2001:db8::1", "postfix/smtpd", "1", "connect", 12, 1, 15, NOOFF },
	{ "Dec  1 15:42:52 2001:db8:: postfix/smtpd[1]: connect", 0,
	    "2001:db8::", "postfix/smtpd", "1", "connect", 12, 1, 15, NOOFF },
	/* [S] NUL bytes are data; CR of CRLF is dropped; empty message */
	{ "Dec  1 15:42:52 mx postfix/smtpd[77]: user=<a\0b> x", 50, "mx",
	    "postfix/smtpd", "77", "user=<a", 12, 1, 15, NOOFF },
	{ "Dec  1 15:42:52 m\0x dovecot: imap-login: x\r", 43, "m", "dovecot",
	    "", "imap-login: x", 12, 1, 15, NOOFF },
	{ "Dec  1 15:42:52 mx kernel:", 0, "mx", "kernel", "", "",
	    12, 1, 15, NOOFF },
	{ "Dec  1 15:42:52 mx kernel:x", 0, "mx", "kernel", "", "x",
	    12, 1, 15, NOOFF },
};

/* expect_span - compare a span, treating NUL-containing wants by length. */
static void
expect_span(const struct line_case *k, const char *what, struct span got,
    const char *want)
{
	cr_expect(span_is(got, want) ||
	    /* NUL cases: compare the prefix up to the NUL, check length */
	    (got.len > strlen(want) && memcmp(got.p, want, strlen(want)) == 0 &&
	    memchr(got.p, '\0', got.len) != NULL),
	    "'%s': %s is '%.*s', want '%s'", k->line, what, (int)got.len,
	    got.p != NULL ? got.p : "", want);
}

Test(envelope, lines)
{
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct line_case *k = &lines[i];
		size_t len = k->len != 0 ? k->len : strlen(k->line);
		struct envelope env;
		const char *why = "(none)";
		enum env_status st;

		st = envelope_parse(k->line, len, &env, &why);
		cr_expect_eq(st, ENV_OK, "'%s': status %d (%s)", k->line, st,
		    why);
		if (st != ENV_OK)
			continue;
		expect_span(k, "host", env.host, k->host);
		expect_span(k, "tag", env.tag, k->tag);
		expect_span(k, "pid", env.pid, k->pid);
		expect_span(k, "msg", env.msg, k->msg);
		cr_expect(env.t.mon == k->mon && env.t.mday == k->mday &&
		    env.t.hour == k->hour, "'%s': time %d-%d %d", k->line,
		    env.t.mon, env.t.mday, env.t.hour);
		if (k->off == NOOFF)
			cr_expect(!env.t.has_off, "'%s': offset", k->line);
		else
			cr_expect(env.t.has_off && env.t.off_min == k->off,
			    "'%s': offset %d", k->line, env.t.off_min);
	}
}

Test(envelope, nul_keeps_full_length)
{
	static const char line[] = "Dec  1 15:42:52 mx postfix/smtpd[77]: "
	    "user=<a\0b> x";
	struct envelope env;

	cr_assert_eq(envelope_parse(line, sizeof(line) - 1, &env, NULL),
	    ENV_OK);
	cr_expect_eq(env.msg.len, 12);
	cr_expect_eq(env.msg.p[7], '\0');
	cr_expect_eq(env.msg.p[11], 'x');
}

struct bad_case {
	const char	*line;
	const char	*why;
};

static const struct bad_case bad_lines[] = {
	{ "Aou 12 10:00:00 host postfix/smtpd[1]: x",
	    "month name not understood" },
	{ "2023-02-29 10:00:00 mx postfix/smtpd[1]: x", "no such date" },
	{ "Feb 30 10:00:00 mx postfix/smtpd[1]: x", "no such date" },
	{ "0000-12-30 00:00:00 server test-demo[47831]:  F2B: failure from "
	    "192.0.2.1", "year out of range" },
	{ "Dec  1 25:42:52 mx a: b", "bad time of day" },
	{ "Dec  1 15:42:52.1234567890 mx a: b", "bad fraction of a second" },
	{ "2018-12-11T15:42:52+24:00 mx a: b", "bad utc offset" },
	{ "             absentCircleWithNoReason = 0;", "bad time stamp" },
	{ "}", "bad time stamp" },
	{ "[17/Jux/2011 17:00:45] Attempt to deliver", "bad time stamp" },
	{ "[31/Jun/2011 17:00:45] Failed SMTP login", "bad time stamp" },
	{ "31-06-2014 09:56:12   smtp: x", "bad time stamp" },
	{ "22-06-2014 09:56:12 smtp: x", "bad time stamp" },
	{ "<co ts=\"2014-06-31T22:02:13.94\" x=\"y\"/>", "bad time stamp" },
	{ "[Jun 21 16:56:02 machine a: b", "bad time stamp" },
	{ "Jun 21 16:47:52 machine [test-demo] F2B: failure", "no tag" },
	{ "Jun 21 16:50:00 machine test-demo(pam_unix) F2B: failure",
	    "no tag" },
	{ "Dec  1 15:42:52 mx", "no tag" },
	{ "Dec  1 15:42:52", "no tag" },
	{ "Dec  1 15:42:52 mx : x", "no tag" },
	{ "Dec  1 15:42:52 mx postfix/smtpd[12a]: x", "bad pid" },
	{ "Dec  1 15:42:52 mx postfix/smtpd[]: x", "bad pid" },
	{ "Dec  1 15:42:52 mx postfix/smtpd[12345678901]: x", "bad pid" },
	{ "<22>1 - mx app 1 - - msg", "bad time stamp" },
	{ "<22>1 2018-12-11T15:42:52Z mx app", "bad rfc 5424 header" },
	{ "<22>1 2018-12-11T15:42:52Z mx - 1 - - msg", "no tag" },
	{ "<22>1 2018-12-11T15:42:52Z mx app 1 - [id a=\"]",
	    "bad rfc 5424 structured data" },
	{ "<22>1 2018-12-11T15:42:52Z mx app 1 - x msg",
	    "bad rfc 5424 structured data" },
	{ "<22>1 2018-12-11T15:42:52Z mx app 1 - [a]x",
	    "bad rfc 5424 structured data" },
	{ "<1234>Dec  1 15:42:52 mx a: b", "bad time stamp" },
};

Test(envelope, bad_lines)
{
	size_t i;

	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		const struct bad_case *k = &bad_lines[i];
		struct envelope env;
		const char *why = NULL;
		enum env_status st;

		st = envelope_parse(k->line, strlen(k->line), &env, &why);
		cr_expect_eq(st, ENV_BAD, "'%s': status %d", k->line, st);
		cr_expect(why != NULL && strcmp(why, k->why) == 0,
		    "'%s': why '%s', want '%s'", k->line,
		    why != NULL ? why : "(null)", k->why);
	}
}

/* Application-own files: fixed tag, the rest of the line as message. */
static const struct app_case {
	const char	*line;
	const char	*tag;
	const char	*msg;
	int		 y, mo, d, h, mi, s;
	uint32_t	 usec;
} app_lines[] = {
	{ "[18/May/2017 07:25:15] Failed SMTP login from 212.92.127.112 with "
	    "SASL method CRAM-MD5.", "kerio", "Failed SMTP login from "
	    "212.92.127.112 with SASL method CRAM-MD5.",
	    2017, 5, 18, 7, 25, 15, 0 },
	{ "03-07-2005 23:07:20   SMTP Server: Authentication failed for user "
	    "postmaster ; connecting host 1.2.3.4", "domino", "SMTP Server: "
	    "Authentication failed for user postmaster ; connecting host "
	    "1.2.3.4", 2005, 7, 3, 23, 7, 20, 0 },
	{ "[28325:00010-3735542592] 22-06-2014 09:56:12   smtp: postmaster "
	    "[1.2.3.4] authentication failure using internet password",
	    "domino", "smtp: postmaster [1.2.3.4] authentication failure "
	    "using internet password", 2014, 6, 22, 9, 56, 12, 0 },
	{ "2018-09-19 17:25:50   SMTP Server [0D14:0027-1334] Authentication "
	    "failed for user Bad Hacker ; connecting host [192.0.2.1]",
	    "domino", "SMTP Server [0D14:0027-1334] Authentication failed for "
	    "user Bad Hacker ; connecting host [192.0.2.1]",
	    2018, 9, 19, 17, 25, 50, 0 },
	{ "2021-03-03 19:26:38,616 INFO  [qtp-137:https://t:7071/] [oip=1.2.3.4"
	    ";] SoapEngine - x", "zimbra", "[qtp-137:https://t:7071/] "
	    "[oip=1.2.3.4;] SoapEngine - x", 2021, 3, 3, 19, 26, 38, 616000 },
	{ "2021-03-03 19:53:06,536 WARN  [q] x", "zimbra", "[q] x",
	    2021, 3, 3, 19, 53, 6, 536000 },
	{ "<co ts=\"2014-06-02T16:06:33.99\" pi=\"72aa\"/>", "oracle-ims",
	    "<co ts=\"2014-06-02T16:06:33.99\" pi=\"72aa\"/>",
	    2014, 6, 2, 16, 6, 33, 990000 },
};

Test(envelope, application_stamps)
{
	size_t i;

	for (i = 0; i < sizeof(app_lines) / sizeof(app_lines[0]); i++) {
		const struct app_case *k = &app_lines[i];
		struct envelope env;
		const char *why = NULL;

		cr_assert_eq(envelope_parse(k->line, strlen(k->line), &env,
		    &why), ENV_OK, "'%s': %s", k->line, why);
		cr_expect(span_eq(env.tag, k->tag), "'%s': tag '%.*s'",
		    k->line, (int)env.tag.len, env.tag.p);
		cr_expect(span_eq(env.msg, k->msg), "'%s': msg '%.*s'",
		    k->line, (int)env.msg.len, env.msg.p);
		cr_expect_eq(env.host.len, 0);
		cr_expect(env.t.year == k->y && env.t.mon == k->mo &&
		    env.t.mday == k->d && env.t.hour == k->h &&
		    env.t.min == k->mi && env.t.sec == k->s &&
		    env.t.usec == k->usec && !env.t.has_off,
		    "'%s': time %d-%d-%d %d:%d:%d.%u", k->line, env.t.year,
		    env.t.mon, env.t.mday, env.t.hour, env.t.min, env.t.sec,
		    env.t.usec);
	}
}

/*
 * A syslog line without its stamp, from a program that writes its own
 * (fail2ban's journal sample of Exim): the program's stamp dates it.  An
 * Exim-like stamp followed by text that is no Zimbra record is an Exim
 * line we pass over, not a bad one.
 */
Test(envelope, stampless_syslog_line)
{
	static const char l1[] = "mail.example.com exim[3751842]: "
	    "2021-07-17 23:20:49 plain_server authenticator failed";
	static const char l2[] = "2021-03-03 19:26:38,616 info  [qtp] x";
	static const char l3[] = "mail.example.com exim[1]: no stamp here";
	struct envelope env;
	const char *why = NULL;

	cr_assert_eq(envelope_parse(l1, sizeof(l1) - 1, &env, &why), ENV_OK);
	cr_expect(span_eq(env.host, "mail.example.com"));
	cr_expect(span_eq(env.tag, "exim"));
	cr_expect(span_eq(env.pid, "3751842"));
	cr_expect(span_starts(env.msg, "2021-07-17 23:20:49 plain_server"));
	cr_expect(env.t.year == 2021 && env.t.mon == 7 && env.t.mday == 17 &&
	    env.t.hour == 23 && env.t.min == 20 && env.t.sec == 49);
	cr_assert_eq(envelope_parse(l2, sizeof(l2) - 1, &env, &why), ENV_OK);
	cr_expect(span_eq(env.tag, "exim"));
	cr_assert_eq(envelope_parse(l3, sizeof(l3) - 1, &env, &why), ENV_BAD);
}

/* Every prefix of the application lines, in buffers of exactly that size. */
Test(envelope, application_prefixes_stay_in_bounds)
{
	size_t i, len, n;

	for (i = 0; i < sizeof(app_lines) / sizeof(app_lines[0]); i++) {
		n = strlen(app_lines[i].line);
		for (len = 0; len <= n; len++) {
			char *buf = malloc(len ? len : 1);
			struct envelope env;

			cr_assert_not_null(buf);
			memcpy(buf, app_lines[i].line, len);
			(void)envelope_parse(buf, len, &env, NULL);
			free(buf);
		}
	}
}

Test(envelope, skip_lines)
{
	static const char *const skips[] = {
		"",
		"   ",
		"\t",
		"\r",
		"-- Boot 3c1f0e2d5b2a4a6f8a1b2c3d4e5f6a7b --",
		"-- Logs begin at Tue 2018-12-11 15:42:52 JST, end at Wed "
		    "2018-12-12 10:00:00 JST. --",
		"-- No entries --",
	};
	size_t i;

	for (i = 0; i < sizeof(skips) / sizeof(skips[0]); i++) {
		struct envelope env;
		const char *why = NULL;

		cr_expect_eq(envelope_parse(skips[i], strlen(skips[i]), &env,
		    &why), ENV_SKIP, "'%s' not skipped", skips[i]);
	}
	cr_expect_eq(envelope_parse("--x", 3, &(struct envelope){ 0 }, NULL),
	    ENV_BAD);
}

/* ---------------------------------------------------------------- */
/* Hostile sizes */

/* big_line - prefix followed by n copies of fill; caller frees. */
static char *
big_line(const char *prefix, char fill, size_t n, size_t *len)
{
	size_t plen = strlen(prefix);
	char *s = malloc(plen + n);

	cr_assert(s != NULL);
	memcpy(s, prefix, plen);
	memset(s + plen, fill, n);
	*len = plen + n;
	return s;
}

Test(envelope, one_megabyte_lines)
{
	static const struct {
		const char	*prefix;
		char		 fill;
		enum env_status	 st;
	} big[] = {
		{ "", 'A', ENV_BAD },
		{ "", ' ', ENV_SKIP },
		{ "Dec", ' ', ENV_BAD },
		{ "Dec  1 15:42:52 ", 'h', ENV_BAD },
		{ "Dec  1 15:42:52 mx ", 't', ENV_BAD },
		{ "Dec  1 15:42:52 auth(", 'u', ENV_BAD },
		{ "Dec  1 15:42:52 auth(", ' ', ENV_BAD },
		{ "Dec  1 15:42:52 mx a(", ':', ENV_BAD },
		{ "Dec  1 15:42:52.", '1', ENV_BAD },
		{ "1", '1', ENV_BAD },
		{ "<22>1 2018-12-11T15:42:52Z mx app 1 - [", 'x', ENV_BAD },
		{ "<22>1 2018-12-11T15:42:52Z mx app 1 - ", '[', ENV_BAD },
		{ "Dec  1 15:42:52 mx postfix/smtpd[1]: ", 'm', ENV_OK },
		{ "Dec  1 15:42:52 mx postfix/smtpd[", '1', ENV_BAD },
	};
	size_t i, len;

	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		char *s = big_line(big[i].prefix, big[i].fill, MIB, &len);
		struct envelope env;
		const char *why = NULL;

		cr_expect_eq(envelope_parse(s, len, &env, &why), big[i].st,
		    "'%s' + 1 MiB of '%c'", big[i].prefix, big[i].fill);
		if (big[i].st == ENV_OK)
			cr_expect_eq(env.msg.len, MIB);
		free(s);
	}
}

/* ---------------------------------------------------------------- */
/* Calendar */

Test(envelope, leap_years)
{
	cr_expect(is_leap_year(2024));
	cr_expect(!is_leap_year(2023));
	cr_expect(!is_leap_year(1900));
	cr_expect(is_leap_year(2000));
	cr_expect(!is_leap_year(2100));
	cr_expect_eq(days_in_month(2024, 2), 29);
	cr_expect_eq(days_in_month(2023, 2), 28);
	cr_expect_eq(days_in_month(2023, 4), 30);
	cr_expect_eq(days_in_month(2023, 12), 31);
	cr_expect_eq(days_in_month(2023, 0), 0);
	cr_expect_eq(days_in_month(2023, 13), 0);
}

Test(envelope, logtime_civil_refuses_bad_dates)
{
	struct logtime t = { .mon = 2, .mday = 29, .hour = 12 };
	int64_t s = -1;

	cr_expect(logtime_civil(&t, 2024, &s));
	cr_expect_eq(s, 1709208000);		/* 2024-02-29T12:00:00Z */
	cr_expect(!logtime_civil(&t, 2023, &s));
	cr_expect(!logtime_civil(&t, 1900, &s));
	cr_expect(logtime_civil(&t, 2000, &s));
	t.mon = 4;
	t.mday = 31;
	cr_expect(!logtime_civil(&t, 2024, &s));
	t.mon = 13;
	t.mday = 1;
	cr_expect(!logtime_civil(&t, 2024, &s));
	t.mon = 1;
	t.mday = 0;
	cr_expect(!logtime_civil(&t, 2024, &s));
	t.mday = 1;
	t.hour = 24;
	cr_expect(!logtime_civil(&t, 2024, &s));
	t = (struct logtime){ .mon = 12, .mday = 31, .hour = 23, .min = 59,
	    .sec = 60 };
	cr_expect(logtime_civil(&t, 2016, &s), "leap second refused");
	cr_expect_eq(s, 1483228800);
	t = (struct logtime){ .year = 1999, .mon = 1, .mday = 1 };
	cr_expect(logtime_civil(&t, 1970, &s));
	cr_expect_eq(s, 0, "the year argument overrides t->year");
}

Test(envelope, days_from_civil_known_values)
{
	cr_expect_eq(days_from_civil(1970, 1, 1), 0);
	cr_expect_eq(days_from_civil(1969, 12, 31), -1);
	cr_expect_eq(days_from_civil(2000, 3, 1), 11017);
	cr_expect_eq(days_from_civil(2018, 12, 11), 17876);
	cr_expect_eq(days_from_civil(1600, 1, 1), -135140);
}

Test(envelope, days_from_civil_round_trip)
{
	int64_t d, first = days_from_civil(1600, 1, 1);
	int64_t last = days_from_civil(2400, 12, 31);
	int32_t y, py = 1599;
	int m, md, pm = 12, pmd = 31;

	for (d = first; d <= last; d++) {
		civil_from_days(d, &y, &m, &md);
		cr_assert_eq(days_from_civil(y, m, md), d, "day %lld",
		    (long long)d);
		cr_assert(md >= 1 && md <= days_in_month(y, m));
		/* consecutive days: next mday, or the 1st of the next month */
		if (md == 1)
			cr_assert(pmd == days_in_month(py, pm) &&
			    (m == pm % 12 + 1) && (y == py + (m == 1)),
			    "%d-%d-%d after %d-%d-%d", (int)y, m, md, (int)py,
			    pm, pmd);
		else
			cr_assert(y == py && m == pm && md == pmd + 1);
		py = y;
		pm = m;
		pmd = md;
	}
}

/* ---------------------------------------------------------------- */
/* The corpus: every line of these syslog files must parse */

static const char *const syslog_files[] = {
	"fail2ban/postfix.log",
	"fail2ban/dovecot.log",
	"fail2ban/sendmail-auth.log",
	"fail2ban/sendmail-reject.log",
	"fail2ban/courier-auth.log",
	"fail2ban/courier-smtp.log",
	"fail2ban/cyrus-imap.log",
	"fail2ban/perdition.log",
	"fail2ban/sieve.log",
	"fail2ban/solid-pop3d.log",
	"fail2ban/uwimap-auth.log",
	"crowdsec/postfix-logs.log",
	"crowdsec/postfix-sasl-bf.log",
	"crowdsec/postfix-honeypot-users.log",
	"crowdsec/dovecot-logs.log",
	"crowdsec/dovecot-spam.log",
	"crowdsec/exim-syslog-logs.log",
	"wazuh/dovecot.log",
	"wazuh/postfix.log",
	"wazuh/opensmtpd.log",
};

/* check_file - count lines of one corpus file that fail to parse. */
static unsigned
check_file(const char *dir, const char *name, unsigned *seen)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	cr_assert(f != NULL, "cannot open %s", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		struct envelope env;
		const char *why = NULL;

		if (line[n - 1] == '\n')
			n--;
		if (n == 0 || line[0] == '#')
			continue;
		(*seen)++;
		if (envelope_parse(line, (size_t)n, &env, &why) != ENV_OK) {
			cr_expect_fail("%s: %s: %.*s", name, why, (int)n, line);
			bad++;
		} else
			cr_expect(env.tag.len > 0 && env.msg.p != NULL);
	}
	free(line);
	fclose(f);
	return bad;
}

Test(envelope, corpus_syslog_files)
{
	const char *dir = getenv("CORPUS");
	unsigned seen = 0, bad = 0;
	size_t i;

	if (dir == NULL || access(dir, R_OK) != 0)
		cr_skip_test("corpus not found (CORPUS=%s)", dir ? dir : "");
	for (i = 0; i < sizeof(syslog_files) / sizeof(syslog_files[0]); i++)
		bad += check_file(dir, syslog_files[i], &seen);
	cr_expect(seen > 300, "only %u lines read", seen);
	cr_expect_eq(bad, 0);
}

struct mainlog_case {
	const char	*line;
	const char	*host, *tag, *pid, *msg;
	int		 off_min;
};

/* Exim's own mainlog and Exim through syslog ([C] fail2ban/exim.log). */
static const struct mainlog_case mainlog_lines[] = {
	{ "2013-01-04 17:03:46 login authenticator failed for x "
	    "([192.168.2.33]) [24.106.174.74]: 535 Incorrect", "", "exim", "",
	    "login authenticator failed for x ([192.168.2.33]) "
	    "[24.106.174.74]: 535 Incorrect", NOOFF },
	{ "2013-06-15 11:19:33 [2249] H=([2.181.148.95]) [2.181.148.95]:52391",
	    "", "exim", "2249", "H=([2.181.148.95]) [2.181.148.95]:52391",
	    NOOFF },
	{ "2023-05-30 06:10:13.345 1rABCD-000123-Xy Completed", "", "exim", "",
	    "1rABCD-000123-Xy Completed", NOOFF },
	{ "2024-01-01 10:00:00 +0100 [77] 1rABCD-00000000123-XyZw SA: x", "",
	    "exim", "77", "1rABCD-00000000123-XyZw SA: x", 60 },
	{ "2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: dovecot_login a",
	    "mx1.fqdn.local", "exim", "29786", "dovecot_login a", NOOFF },
	{ "2013-08-11 03:56:40 imap-login: Info: x", "", "imap-login", "",
	    "Info: x", NOOFF },
};

Test(envelope, exim_mainlog)
{
	size_t i;

	for (i = 0; i < sizeof(mainlog_lines) / sizeof(mainlog_lines[0]);
	    i++) {
		const struct mainlog_case *k = &mainlog_lines[i];
		struct envelope env;
		const char *why = NULL;

		cr_assert_eq(envelope_parse(k->line, strlen(k->line), &env,
		    &why), ENV_OK, "'%s': %s", k->line, why ? why : "");
		cr_expect(span_is(env.host, k->host), "'%s': host", k->line);
		cr_expect(span_is(env.tag, k->tag), "'%s': tag", k->line);
		cr_expect(span_is(env.pid, k->pid), "'%s': pid", k->line);
		cr_expect(span_is(env.msg, k->msg), "'%s': msg", k->line);
		cr_expect_eq(env.t.has_off, k->off_min != NOOFF, "'%s'",
		    k->line);
		if (k->off_min != NOOFF)
			cr_expect_eq(env.t.off_min, k->off_min);
	}
}

Test(envelope, exim_id_len)
{
	cr_expect_eq(exim_id_len(SPAN_LIT("1rABCD-000123-Xy")), 16);
	cr_expect_eq(exim_id_len(SPAN_LIT("1rABCD-000123-Xy <= a")), 16);
	cr_expect_eq(exim_id_len(SPAN_LIT("1qvK4g-00000000Evw-1Ml8 =>")), 23);
	cr_expect_eq(exim_id_len(SPAN_LIT("1rABCD-000123-Xy:")), 0);
	cr_expect_eq(exim_id_len(SPAN_LIT("1rABCD-000123-X")), 0);
	cr_expect_eq(exim_id_len(SPAN_LIT("1rAB D-000123-Xy")), 0);
	cr_expect_eq(exim_id_len(SPAN_LIT("")), 0);
}

/*
 * Every month name is found (io/envelope.c looks them up by a hash of
 * the three bytes), and a name off by one byte or in other case is not.
 */
Test(envelope, every_month_name)
{
	static const char *const names[12] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const char *const wrong[] = { "JAN", "jan", "Jam", "Dez",
	    "Okt", "Mai", "Fev", "Set", "Juk", "Nop", "Xyz", "Ja\\x00" };
	static const char rest[] = " 9 10:11:12 h postfix/qmgr[1]: x";
	char line[64];
	struct envelope env;
	const char *why;
	size_t i;

	for (i = 0; i < 12; i++) {
		snprintf(line, sizeof(line), "%s%s", names[i], rest);
		cr_assert_eq(envelope_parse(line, strlen(line), &env, &why),
		    ENV_OK, "%s", line);
		cr_expect_eq(env.t.mon, i + 1, "%s", line);
		cr_expect_eq(env.t.mday, 9);
	}
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		snprintf(line, sizeof(line), "%s%s", wrong[i], rest);
		cr_expect_neq(envelope_parse(line, strlen(line), &env, &why),
		    ENV_OK, "%s", line);
	}
}

/* ---------------------------------------------------------------- */
/* The shortcut for the common line against the general steps */

static bool
same_span(struct span a, struct span b)
{
	return a.p == b.p && a.len == b.len;
}

static bool
same_text(struct span a, struct span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* agree - both ways of parsing give the same envelope for line. */
static bool
agree(const char *line, size_t len)
{
	struct envelope a, b;
	const char *wa = NULL, *wb = NULL;
	enum env_status sa = envelope_parse(line, len, &a, &wa);
	enum env_status sb = envelope_parse_general(line, len, &b, &wb);

	if (sa != sb || wa != wb)
		return false;
	if (sa != ENV_OK)
		return true;
	/* JSON records point into their own text: compare by contents. */
	if (memcmp(&a.t, &b.t, sizeof(a.t)) != 0)
		return false;
	if (len > 0 && line[0] == '{')
		return same_text(a.host, b.host) && same_text(a.tag, b.tag) &&
		    same_text(a.pid, b.pid) && same_text(a.msg, b.msg);
	return same_span(a.host, b.host) && same_span(a.tag, b.tag) &&
	    same_span(a.pid, b.pid) && same_span(a.msg, b.msg);
}

/* agree_file - every line of a file; the number of lines, or -1. */
static long
agree_file(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long seen = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		cr_expect(agree(line, (size_t)n), "%s: %.*s", path, (int)n,
		    line);
		seen++;
	}
	free(line);
	fclose(f);
	return seen;
}

Test(envelope, shortcut_agrees_on_real_lines)
{
	static const char *const dirs[] = { "crowdsec", "fail2ban", "wazuh" };
	static const char *const own[] = { "demo/maillog-20240310",
	    "hostile/escapes.log", "hostile/formula.log", "hostile/nul.log" };
	const char *corpus = getenv("CORPUS"), *td = getenv("TESTDATA");
	char path[4096];
	long seen = 0, n;
	size_t i;

	cr_assert_not_null(td, "TESTDATA not set");
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", td, own[i]);
		cr_assert((n = agree_file(path)) > 0, "cannot read %s", path);
		seen += n;
	}
	if (corpus == NULL || access(corpus, R_OK) != 0)
		cr_skip_test("corpus not found (CORPUS=%s); own files agree",
		    corpus ? corpus : "");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", corpus, dirs[i]);
		cr_assert_not_null(d = opendir(path), "cannot open %s", path);
		while ((de = readdir(d)) != NULL) {
			if (strstr(de->d_name, ".log") == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", corpus,
			    dirs[i], de->d_name);
			cr_assert((n = agree_file(path)) >= 0, "%s", path);
			seen += n;
		}
		closedir(d);
	}
	cr_expect(seen > 1500, "only %ld lines read", seen);
}

/*
 * Near misses of the common shape: each base line with every byte of its
 * first 48 (stamp, host, tag and pid) replaced by each of a set of bytes
 * that matter to some form, and cut at every length.
 */
Test(envelope, shortcut_agrees_on_near_misses)
{
	static const char *const base[] = {
		"Dec  3 00:45:00 mx1 postfix/smtpd[674732]: connect from x",
		"Feb 29 23:59:60 h dovecot: imap-login: Login: user=<a>",
		"Jan 01 01:02:03 UTC host postfix/qmgr[1]: removed",
		"Apr 31 10:11:12 h sshd[1]: x",
		"Sep  9 09:09:09 h.example postfix/smtps/smtpd[99]: msg\r",
		"Oct 10 10:10:10 <mail.info> h postfix/smtpd[1]: x",
		"Nov 11 11:11:11 pop3-login: Login: user=<u>",
		"Mar  1 00:00:00 h auth(u,1.2.3.4)<s>: unknown user",
		"May  5 05:05:05 h postfix/smtpd[12345678901]: long pid",
		"Jun  6 06:06:06 h sendmail[77] no colon after the pid",
		"Jul  7 07:07:07 h postfix/smtpd[7]: [ID 123 mail.info] m",
		"Aug  8 08:08:08 h cyrus/pop3[4297]:msg without a space",
		"Aug  8 08:08:08 h x:",
		"Dec 24 12:00:00 2001:db8::1 postfix/smtpd[1]: v6 host",
	};
	static const char subst[] = " 0139:.UG<[(-\r\t\0aDz\xff]>/_";
	char line[128];
	size_t i, k, s, n, len;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		len = strlen(base[i]);
		for (n = 0; n <= len; n++)
			cr_expect(agree(base[i], n), "%.*s", (int)n, base[i]);
		for (k = 0; k < 48 && k < len; k++)
			for (s = 0; s < sizeof(subst) - 1 + 1; s++) {
				memcpy(line, base[i], len);
				line[k] = subst[s];
				cr_expect(agree(line, len),
				    "byte %zu = 0x%02x: %.*s", k,
				    (unsigned char)subst[s], (int)len, line);
			}
	}
}
