/*
 * tests/test_parse_postfix.c - table-driven tests of io/parse_postfix.c.
 *
 * Each case is a whole syslog line and the fields expected from it.  The
 * envelope is split by a small helper here rather than envelope_parse(),
 * so that these tests depend on the Postfix parser alone.  The SASL
 * failure lines are copied from the labelled corpus (fail2ban and
 * CrowdSec); a last test reads the corpus file itself when it is there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"
#include "io/parse_postfix.h"
#include "io/span.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NO_IP		NULL

struct pf_case {
	const char		*line;
	enum parse_status	 st;
	enum ev_kind		 kind;
	const char		*ip;		/* NULL: has_ip must be false */
	const char		*account;	/* NULL: must be empty */
	enum ev_service		 svc;
	const char		*svc_name;	/* NULL: must be empty */
	const char		*method;	/* NULL: not checked */
	const char		*detail;	/* NULL: not checked */
	const char		*qid;		/* NULL: not checked */
	const char		*status;	/* NULL: not checked */
	const char		*client;	/* NULL: not checked */
	uint32_t		 count;		/* 0: not checked */
	uint32_t		 auth_ok, auth_total;	/* disconnects */
	uint32_t		 set, clear;	/* flags set / clear */
};

/*
 * mkenv - split "... TAG[PID]: MSG" by hand: the first "]: " ends the
 * pid, the tag starts after the space before its '['.
 */
static void
mkenv(const char *line, size_t len, struct envelope *env)
{
	const char *colon, *lb, *tag;
	ptrdiff_t at;

	memset(env, 0, sizeof(*env));
	at = SPAN_FIND_LIT(span_make(line, len), "]: ");
	cr_assert_geq(at, 0, "test line without tag[pid]: '%.*s'",
	    (int)len, line);
	colon = line + at;
	for (lb = colon; lb > line && *lb != '['; lb--)
		;
	for (tag = lb; tag > line && tag[-1] != ' '; tag--)
		;
	env->tag = span_make(tag, (size_t)(lb - tag));
	env->pid = span_make(lb + 1, (size_t)(colon - lb - 1));
	env->msg = span_make(colon + 3, len - (size_t)(colon + 3 - line));
}

static void
expect_span(struct span got, const char *want, const char *what,
    const char *line)
{
	cr_expect(got.len == strlen(want) &&
	    (got.len == 0 || memcmp(got.p, want, got.len) == 0),
	    "%s: got '%.*s', want '%s' in '%s'", what, (int)got.len,
	    got.len ? got.p : "", want, line);
}

static void
expect_ip(const struct raw_event *ev, const char *want, const char *line)
{
	struct ipaddr ip;

	if (want == NULL) {
		cr_expect(!ev->has_ip, "unexpected ip in '%s'", line);
		return;
	}
	cr_assert(ipaddr_parse(span_make(want, strlen(want)), &ip),
	    "bad test ip '%s'", want);
	cr_expect(ev->has_ip, "no ip in '%s'", line);
	cr_expect(memcmp(&ip, &ev->ip, sizeof(ip)) == 0,
	    "ip differs from '%s' in '%s'", want, line);
}

/* check_fields - the event fields a PARSE_OK case names. */
static void
check_fields(const struct pf_case *c, const struct raw_event *ev)
{
	cr_expect_eq(ev->kind, c->kind, "kind %s, want %s in '%s'",
	    event_kind_name(ev->kind), event_kind_name(c->kind), c->line);
	expect_ip(ev, c->ip, c->line);
	expect_span(ev->account, c->account ? c->account : "", "account",
	    c->line);
	cr_expect_eq(ev->service, c->svc, "service %s, want %s in '%s'",
	    service_name(ev->service), service_name(c->svc), c->line);
	expect_span(ev->svc_name, c->svc_name ? c->svc_name : "",
	    "svc_name", c->line);
	if (c->method != NULL)
		expect_span(ev->method, c->method, "method", c->line);
	if (c->detail != NULL)
		expect_span(ev->detail, c->detail, "detail", c->line);
	if (c->qid != NULL)
		expect_span(ev->queue_id, c->qid, "queue_id", c->line);
	if (c->status != NULL)
		expect_span(ev->status, c->status, "status", c->line);
	if (c->client != NULL)
		expect_span(ev->client_name, c->client, "client_name",
		    c->line);
	if (c->count != 0)
		cr_expect_eq(ev->count, c->count, "count %u, want %u in '%s'",
		    ev->count, c->count, c->line);
	if (c->kind == EV_DISCONNECT || c->kind == EV_AUTH_OK) {
		cr_expect_eq(ev->auth_ok, c->auth_ok, "auth_ok in '%s'",
		    c->line);
		cr_expect_eq(ev->auth_total, c->auth_total,
		    "auth_total in '%s'", c->line);
	}
	cr_expect_eq(ev->flags & c->set, c->set, "flags %#x lack %#x in '%s'",
	    ev->flags, c->set, c->line);
	cr_expect_eq(ev->flags & c->clear, 0, "flags %#x have %#x in '%s'",
	    ev->flags, c->clear, c->line);
}

/* run_case - claim, parse and compare one line. */
static void
run_case(const struct pf_case *c)
{
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;
	enum parse_status st;

	mkenv(c->line, strlen(c->line), &env);
	cr_expect(parse_postfix_claims(env.tag), "tag not claimed in '%s'",
	    c->line);
	st = parse_postfix(&env, &ev, &why);
	cr_expect_eq(st, c->st, "status %d (%s), want %d in '%s'", st,
	    why ? why : "-", c->st, c->line);
	if (st == PARSE_OK && c->st == PARSE_OK)
		check_fields(c, &ev);
	if (st == PARSE_BAD)
		cr_expect_not_null(why, "PARSE_BAD without a reason");
}

static void
run_table(const struct pf_case *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_case(&t[i]);
}

#define OK(k)		.st = PARSE_OK, .kind = (k)
#define IGNORE		.st = PARSE_IGNORE
#define BAD		.st = PARSE_BAD

/*
 * Every SASL password failure labelled match:true in
 * corpus/fail2ban/postfix.log, and the CrowdSec ones, verbatim.
 */
static const struct pf_case sasl_corpus[] = {
	{ "Dec  2 22:24:22 hel postfix/smtpd[7676]: warning: 114-44-142-233.dynamic.hinet.net[114.44.142.233]: SASL CRAM-MD5 authentication failed: PDc3OTEwNTkyNTEyMzA2NDIuMTIyODI1MzA2MUBoZWw+",
	  OK(EV_AUTH_FAIL), .ip = "114.44.142.233", .svc = SVC_SMTP,
	  .method = "CRAM-MD5",
	  .detail = "PDc3OTEwNTkyNTEyMzA2NDIuMTIyODI1MzA2MUBoZWw+",
	  .client = "114-44-142-233.dynamic.hinet.net", .count = 1 },
	{ "Mar 10 13:33:30 gandalf postfix/smtpd[3937]: warning: HOSTNAME[1.1.1.1]: SASL LOGIN authentication failed: authentication failure",
	  OK(EV_AUTH_FAIL), .ip = "1.1.1.1", .svc = SVC_SMTP,
	  .method = "LOGIN", .detail = "authentication failure",
	  .client = "HOSTNAME", .clear = EVF_SASL_USERNAME },
	{ "Sep  6 00:44:56 trianon postfix/submission/smtpd[11538]: warning: unknown[82.221.106.233]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
	  OK(EV_AUTH_FAIL), .ip = "82.221.106.233", .svc = SVC_SUBMISSION,
	  .detail = "UGFzc3dvcmQ6", .client = "unknown" },
	{ "Sep  6 00:44:57 trianon postfix/submission/smtpd[11538]: warning: unknown[82.221.106.233]: SASL login authentication failed: UGFzc3dvcmQ6",
	  OK(EV_AUTH_FAIL), .ip = "82.221.106.233", .svc = SVC_SUBMISSION,
	  .method = "login" },
	{ "Jan 29 08:11:45 mail postfix/smtpd[10752]: warning: unknown[1.1.1.1]: SASL LOGIN authentication failed: Password:",
	  OK(EV_AUTH_FAIL), .ip = "1.1.1.1", .svc = SVC_SMTP,
	  .detail = "Password:" },
	{ "Jan 29 08:11:45 mail postfix-incoming/smtpd[10752]: warning: unknown[1.1.1.1]: SASL LOGIN authentication failed: Password:",
	  OK(EV_AUTH_FAIL), .ip = "1.1.1.1", .svc = SVC_SMTP },
	{ "Apr 12 02:24:11 xxx postfix/smtps/smtpd[42]: warning: astra4139.startdedicated.de[62.138.2.143]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
	  OK(EV_AUTH_FAIL), .ip = "62.138.2.143", .svc = SVC_SMTPS },
	{ "Aug 3 15:30:49 ksusha postfix/smtpd[17041]: warning: mail.foldsandwalker.com[98.191.84.74]: SASL Plain authentication failed:",
	  OK(EV_AUTH_FAIL), .ip = "98.191.84.74", .svc = SVC_SMTP,
	  .method = "Plain", .detail = "" },
	{ "Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: authentication failure",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.237", .svc = SVC_SMTP,
	  .method = "LOGIN", .detail = "authentication failure" },
	{ "Nov  4 09:11:01 mail postfix/submission/smtpd[27133]: warning: unknown[192.0.2.150]: SASL PLAIN authentication failed:",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.150", .svc = SVC_SUBMISSION,
	  .method = "PLAIN", .detail = "" },
	{ "Jan 14 16:18:16 xxx postfix/smtpd[14933]: warning: host[192.0.2.5]: SASL CRAM-MD5 authentication failed: Invalid authentication mechanism",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.5", .svc = SVC_SMTP,
	  .set = EVF_NO_PASSWORD },
	{ "Nov  4 09:11:01 mail postfix/smtpd[1234]: warning: unknown[192.0.2.152]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=admin",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.152", .account = "admin",
	  .svc = SVC_SMTP, .detail = "(reason unavailable)",
	  .set = EVF_SASL_USERNAME, .clear = EVF_NO_PASSWORD |
	  EVF_SUSPICIOUS },
	{ "May  6 09:25:41 mail postfix/smtps/smtpd[16997]: warning: unknown[203.0.113.10]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=postmaster@example.org",
	  OK(EV_AUTH_FAIL), .ip = "203.0.113.10",
	  .account = "postmaster@example.org", .svc = SVC_SMTPS },
	{ "May  6 10:00:00 mail postfix/smtps/smtpd[17025]: warning: unknown[203.0.113.80]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=nonexistent_user_26@example.org",
	  OK(EV_AUTH_FAIL), .ip = "203.0.113.80",
	  .account = "nonexistent_user_26@example.org", .svc = SVC_SMTPS },
	{ "May 11 04:02:33 host1 postfix/smtpd[26897]: warning: unknown[203.0.113.42]: SASL LOGIN authentication failed: authentication failure",
	  OK(EV_AUTH_FAIL), .ip = "203.0.113.42", .svc = SVC_SMTP },
	/* Not an attack: a dead auth socket (labelled false). */
	{ "Feb  3 08:29:28 mail postfix/smtpd[21022]: warning: unknown[1.1.1.1]: SASL LOGIN authentication failed: Connection lost to authentication server",
	  IGNORE },
};

/* Other SASL warnings, hostile user names, address forms. */
static const struct pf_case sasl_other[] = {
	{ "Dec 11 15:42:55 mx1 postfix/submission/smtpd[23456]: warning: unknown[203.0.113.7]: SASL LOGIN authentication aborted",
	  OK(EV_AUTH_ABORT), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .method = "LOGIN", .detail = "authentication aborted" },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[23456]: warning: SASL authentication failure: Password verification failed",
	  IGNORE },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[23456]: warning: SASL authentication problem: unable to open Berkeley db /etc/sasldb2",
	  IGNORE },
	{ "Aug 14 10:00:01 mail postfix/smtpd[1234]: warning: hostname bad.example.com does not resolve to address 192.0.2.44: Name or service not known",
	  IGNORE },
	{ "Sep 19 12:10:57 hostname postfix/smtpd[23244]: warning: Connection rate limit exceeded: 31 from spamhost.domain.org[192.0.2.123] for service smtpd",
	  IGNORE },
	{ "2024-10-31T12:38:21.817327+00:00 machine postfix/submission/smtpd[2634372]: warning: non-SMTP command from unknown[192.168.1.1]: GET / HTTP/1.1",
	  IGNORE },
	/* IPv6 with a port, upper-case hex. */
	{ "Dec 11 15:42:55 mx1 postfix/submissions/smtpd[77]: warning: unknown[2001:DB8::1]:50123: SASL PLAIN authentication failed: (reason unavailable), sasl_username=bob@example.org",
	  OK(EV_AUTH_FAIL), .ip = "2001:db8::1", .svc = SVC_SMTPS,
	  .account = "bob@example.org", .method = "PLAIN" },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: mail.example.net[IPv6:2001:db8::25]: SASL LOGIN authentication failed: authentication failure",
	  OK(EV_AUTH_FAIL), .ip = "2001:db8::25", .svc = SVC_SMTP,
	  .client = "mail.example.net" },
	/* The first ", sasl_username=" delimits; the rest is the user. */
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[192.0.2.9]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=a, sasl_username=b",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.9",
	  .account = "a, sasl_username=b", .svc = SVC_SMTP,
	  .detail = "(reason unavailable)",
	  .set = EVF_SASL_USERNAME | EVF_SUSPICIOUS },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[192.0.2.9]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=\x1b[31mroot\x1b[0m",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.9",
	  .account = "\x1b[31mroot\x1b[0m", .svc = SVC_SMTP,
	  .set = EVF_SUSPICIOUS },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[192.0.2.9]: SASL LOGIN authentication failed: (reason unavailable), sasl_username==cmd|' /C calc'!A0",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.9",
	  .account = "=cmd|' /C calc'!A0", .svc = SVC_SMTP,
	  .clear = EVF_SUSPICIOUS },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[192.0.2.9]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=`id` [10.0.0.1]: x y",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.9",
	  .account = "`id` [10.0.0.1]: x y", .svc = SVC_SMTP },
	/* "(unavailable)" is no user. */
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[192.0.2.9]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=(unavailable)",
	  OK(EV_AUTH_FAIL), .ip = "192.0.2.9", .svc = SVC_SMTP,
	  .clear = EVF_SASL_USERNAME },
	/* A known shape with no usable address. */
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[999.1.2.3]: SASL LOGIN authentication failed: authentication failure",
	  BAD },
	{ "Dec 11 15:42:55 mx1 postfix/smtpd[77]: warning: unknown[]: SASL LOGIN authentication failed: authentication failure",
	  BAD },
};

/* connect, disconnect, session ends, service names. */
static const struct pf_case sessions[] = {
	{ "Dec 11 15:42:50 mx1 postfix/submission/smtpd[23456]: connect from unknown[203.0.113.7]",
	  OK(EV_CONNECT), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .client = "unknown" },
	{ "Dec 11 15:42:50 mx1 postfix/smtpd[1]: connect from mail.example.com[2001:db8::7]:41234",
	  OK(EV_CONNECT), .ip = "2001:db8::7", .svc = SVC_SMTP,
	  .client = "mail.example.com" },
	{ "Dec 11 15:42:50 mx1 postfix/smtpd[1]: connect from garbage",
	  BAD },
	{ "Feb 10 13:26:34 srv postfix/smtpd[123]: disconnect from unknown[192.0.2.1] helo=1 auth=0/1 quit=1 commands=2/3",
	  OK(EV_DISCONNECT), .ip = "192.0.2.1", .svc = SVC_SMTP,
	  .auth_ok = 0, .auth_total = 1, .count = 1,
	  .detail = "helo=1 auth=0/1 quit=1 commands=2/3" },
	{ "Feb 10 13:26:34 srv postfix/smtp-25/smtpd[123]: disconnect from unknown[192.0.2.1] helo=1 auth=0/1 quit=1 commands=2/3",
	  OK(EV_DISCONNECT), .ip = "192.0.2.1", .svc = SVC_CUSTOM,
	  .svc_name = "smtp-25", .auth_ok = 0, .auth_total = 1 },
	{ "Feb 18 09:48:04 xxx postfix/smtpd[50903]: disconnect from unknown[192.0.2.23] ehlo=1 auth=0/1 rset=1 commands=2/3",
	  OK(EV_DISCONNECT), .ip = "192.0.2.23", .svc = SVC_SMTP,
	  .auth_ok = 0, .auth_total = 1 },
	{ "Dec 11 15:44:10 mx1 postfix/submission/smtpd[23456]: disconnect from unknown[203.0.113.7] ehlo=2 starttls=1 auth=0/3 quit=1 commands=4/6",
	  OK(EV_DISCONNECT), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .auth_ok = 0, .auth_total = 3 },
	{ "Dec 11 15:44:10 mx1 postfix/submission/smtpd[23456]: disconnect from unknown[203.0.113.7] ehlo=2 starttls=1 auth=1 mail=1 rcpt=48 data=1 quit=1 commands=55",
	  OK(EV_AUTH_OK), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .auth_ok = 1, .auth_total = 1, .count = 1 },
	{ "Dec 11 15:44:10 mx1 postfix/smtpd[9]: disconnect from unknown[203.0.113.7] unknown=0/1 auth=2/5 commands=2/6",
	  OK(EV_AUTH_OK), .ip = "203.0.113.7", .auth_ok = 2,
	  .auth_total = 5, .count = 2, .svc = SVC_SMTP },
	/* Postfix 2.x: no counters. */
	{ "Dec 11 15:44:10 mx1 postfix/smtpd[9]: disconnect from unknown[203.0.113.7]",
	  OK(EV_DISCONNECT), .ip = "203.0.113.7", .auth_ok = 0,
	  .auth_total = 0, .svc = SVC_SMTP, .detail = "" },
	{ "Dec 11 15:44:10 mx1 postfix/smtpd[9]: disconnect from unknown[203.0.113.7] ehlo=1 auth=x commands=1",
	  BAD },
	{ "Feb 18 09:48:04 xxx postfix/smtpd[50903]: lost connection after AUTH from unknown[192.0.2.23]",
	  OK(EV_AUTH_ABORT), .ip = "192.0.2.23", .svc = SVC_SMTP,
	  .detail = "lost connection" },
	{ "Feb 18 09:48:04 xxx postfix/submission/smtpd[50903]: NOQUEUE: too many errors after AUTH from unknown[192.0.2.23]",
	  OK(EV_AUTH_ABORT), .ip = "192.0.2.23", .svc = SVC_SUBMISSION,
	  .detail = "too many errors" },
	{ "Feb 18 09:48:04 xxx postfix/submission/smtpd[50903]: 4F1A52C0A3: timeout after AUTH from unknown[2001:db8::9]:5353",
	  OK(EV_AUTH_ABORT), .ip = "2001:db8::9", .svc = SVC_SUBMISSION,
	  .detail = "timeout", .qid = "4F1A52C0A3" },
	{ "Feb 18 09:45:10 xxx postfix/smtpd[42]: lost connection after CONNECT from spammer.example.com[192.0.2.10]",
	  IGNORE },
	{ "Sep 17 18:19:20 mxhost postfix/smtpd[12345]: NOQUEUE: lost connection after CONNECT from unknown[192.0.2.25]",
	  IGNORE },
	{ "Feb 18 09:50:05 xxx postfix/smtpd[42]: lost connection after DATA (1234 bytes) from good-host.example.com[192.0.2.10]",
	  IGNORE },
	{ "Jun  3 06:25:43 srv postfix/smtpd[29306]: too many errors after RCPT from example.com[192.0.2.11]",
	  IGNORE },
	{ "Jun 12 08:58:35 xxx postfix/smtpd[13533]: improper command pipelining after AUTH from unknown[1.2.3.4]: QUIT",
	  IGNORE },
	{ "Dec 23 19:39:13 xxx postfix/postscreen[21057]: PREGREET 14 after 0.08 from [192.0.2.2]:59415: EHLO ylmf-pc\\r\\n",
	  IGNORE },
	{ "Dec 24 00:54:36 xxx postfix/postscreen[22515]: HANGUP after 16 from [192.0.2.3]:48119 in tests after SMTP handshake",
	  IGNORE },
	{ "Dec 11 15:52:52 mx1 postfix/anvil[901]: statistics: max connection rate 31/60s for (submission:203.0.113.7) at Dec 11 15:43:10",
	  IGNORE },
};

/* client= lines. */
static const struct pf_case submits[] = {
	{ "Dec 11 15:43:02 mx1 postfix/submission/smtpd[23456]: 4F1A52C0A3: client=unknown[203.0.113.7], sasl_method=LOGIN, sasl_username=alice@example.org",
	  OK(EV_SUBMIT), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .account = "alice@example.org", .method = "LOGIN",
	  .qid = "4F1A52C0A3", .set = EVF_SASL_USERNAME },
	{ "Dec 11 15:43:02 mx1 postfix-smo/submission/smtpd[1]: 44JCRG5tYPzCqt2: client=h.example.com[2001:db8::1]:587, sasl_method=PLAIN, sasl_username=bob, sasl_sender=x@y, orig_queue_id=ABCDEF123, orig_client=z[10.0.0.1]",
	  OK(EV_SUBMIT), .ip = "2001:db8::1", .svc = SVC_SUBMISSION,
	  .account = "bob", .method = "PLAIN", .qid = "44JCRG5tYPzCqt2",
	  .client = "h.example.com" },
	/* A user name with ", " inside: split on the fields after it. */
	{ "Dec 11 15:43:02 mx1 postfix/smtps/smtpd[1]: 4F1A52C0A4: client=unknown[198.51.100.4], sasl_method=LOGIN, sasl_username=a, b, sasl_sender=a, sasl_sender=c",
	  OK(EV_SUBMIT), .ip = "198.51.100.4", .svc = SVC_SMTPS,
	  .account = "a, b, sasl_sender=a" },
	{ "Dec 11 15:43:02 mx1 postfix/smtpd[1]: 4F1A52C0A5: client=unknown[198.51.100.4], sasl_method=XCLIENT, sasl_username=carol",
	  OK(EV_SUBMIT), .ip = "198.51.100.4", .account = "carol",
	  .method = "XCLIENT", .svc = SVC_SMTP },
	{ "Dec 11 15:43:02 mx1 postfix/smtpd[1]: 4F1A52C0A6: client=mx.example.net[198.51.100.25]",
	  IGNORE },
	{ "Dec 11 15:43:02 mx1 postfix/smtpd[1]: client=mx.example.net[198.51.100.25], sasl_username=x",
	  BAD },
	{ "Dec 11 15:43:02 mx1 postfix/pickup[77]: 4F1A52C0A7: uid=33 from=<www-data>",
	  IGNORE },
};

/* Rejects, smtpd and postscreen. */
static const struct pf_case rejects[] = {
	{ "Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: Relay access denied; from=<john@example.com> to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>",
	  OK(EV_REJECT), .ip = "1.2.3.4", .svc = SVC_SMTP,
	  .client = "1-2-3-4-example.com",
	  .detail = "554 5.7.1 <smtp@example.com>: Relay access denied",
	  .qid = "" },
	{ "Dec 30 18:19:15 xxx postfix/smtpd[1574]: NOQUEUE: reject: RCPT from badguy.example.com[93.184.216.34]: 454 4.7.1 Service unavailable; Client host [93.184.216.34] blocked using rbl.example.com; http://www.example.com/query?ip=93.184.216.34; from=<spammer@example.com> to=<goodguy@example.com> proto=ESMTP helo=<badguy.example.com>",
	  OK(EV_REJECT), .ip = "93.184.216.34", .svc = SVC_SMTP,
	  .detail = "454 4.7.1 Service unavailable; Client host [93.184.216.34] blocked using rbl.example.com; http://www.example.com/query?ip=93.184.216.34" },
	{ "Mar 7 02:09:33 server postfix/smtpd[27246]: 1D8CC1CA0A7F: milter-reject: DATA from 66-220-155-151.mail-mail.facebook.com[192.0.2.151]: 550 5.7.1 Command rejected; from=<security@mail.example.com> to=<hostmaster@example.com> proto=ESMTP helo=<192-0-2-151.mail-mail.example.com>",
	  OK(EV_REJECT), .ip = "192.0.2.151", .qid = "1D8CC1CA0A7F",
	  .svc = SVC_SMTP, .detail = "550 5.7.1 Command rejected" },
	{ "Mar 11 23:27:54 server postfix-smo/submission/smtpd[22427]: 44JCRG5tYPzCqt2: reject: BDAT from signing-milter.example.com[192.0.2.109]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> to=<some@example.com> proto=ESMTP helo=<domain.tld>",
	  OK(EV_REJECT), .ip = "192.0.2.109", .qid = "44JCRG5tYPzCqt2",
	  .svc = SVC_SUBMISSION },
	{ "Jan 31 13:55:24 xxx postfix/smtps/smtpd[3462]: NOQUEUE: reject: EHLO from s271272.static.corbina.ru[78.107.251.238]: 504 5.5.2 <User>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<User>",
	  OK(EV_REJECT), .ip = "78.107.251.238", .svc = SVC_SMTPS,
	  .detail = "504 5.5.2 <User>: Helo command rejected: need fully-qualified hostname" },
	{ "Aug 10 10:55:38 f-vanier-bourgeois postfix/smtpd[2162]: NOQUEUE: reject: VRFY from 72-53-132-234.cpe.distributel.net[72.53.132.234]: 550 5.1.1 : Recipient address rejected: User unknown in local recipient tab",
	  OK(EV_REJECT), .ip = "72.53.132.234", .svc = SVC_SMTP,
	  .detail = "550 5.1.1 : Recipient address rejected: User unknown in local recipient tab" },
	{ "May 11 04:02:37 host1 postfix/smtpd[26897]: NOQUEUE: reject: RCPT from unknown[1.2.3.4]: 554 5.7.1 Service unavailable",
	  OK(EV_REJECT), .ip = "1.2.3.4", .detail = "554 5.7.1 Service unavailable",
	  .svc = SVC_SMTP },
	{ "May  5 15:51:11 xxx postfix/postscreen[1148]: NOQUEUE: reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com; from=<spammer@example.com>, to=<goodguy@example.com>, proto=ESMTP, helo=<badguy.example.com>",
	  OK(EV_REJECT), .ip = "216.245.194.173", .svc = SVC_SMTP,
	  .client = "",
	  .detail = "550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com" },
	{ "May  8 08:26:55 mail postfix/postscreen[22055]: NOQUEUE: reject: RCPT from [157.122.148.242]:47407: 550 5.7.1 Service unavailable; client [157.122.148.242] blocked using bl.spamcop.net; f$",
	  OK(EV_REJECT), .ip = "157.122.148.242", .svc = SVC_SMTP },
	/* 3.10: authenticated user on an ordinary reject, no brackets. */
	{ "Dec 11 15:43:04 mx1 postfix/submission/smtpd[23456]: 4F1A52C0A3: reject: RCPT from unknown[203.0.113.7]: 550 5.1.1 <x@example.net>: Recipient address rejected: User unknown; from=<alice@example.org> to=<x@example.net> proto=ESMTP helo=<pc> sasl_method=LOGIN sasl_username=alice@example.org",
	  OK(EV_REJECT), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .account = "alice@example.org", .method = "LOGIN",
	  .set = EVF_SASL_USERNAME,
	  .detail = "550 5.1.1 <x@example.net>: Recipient address rejected: User unknown" },
	/* milter: angle brackets. */
	{ "Dec 11 15:43:04 mx1 postfix/submission/smtpd[23456]: 4F1A52C0A3: milter-reject: END-OF-MESSAGE from unknown[203.0.113.7]: 5.7.1 Spam message rejected; from=<alice@example.org> to=<x@example.net> proto=ESMTP helo=<pc> sasl_username=<alice@example.org>",
	  OK(EV_REJECT), .ip = "203.0.113.7", .svc = SVC_SUBMISSION,
	  .account = "alice@example.org",
	  .detail = "5.7.1 Spam message rejected" },
	{ "Dec 11 15:43:04 mx1 postfix/cleanup[99]: 4F1A52C0A3: milter-reject: END-OF-MESSAGE from unknown[203.0.113.7]: 5.7.1 Spam; from=<a@b> to=<c@d> proto=ESMTP helo=<pc>",
	  OK(EV_REJECT), .ip = "203.0.113.7", .svc = SVC_NONE,
	  .detail = "5.7.1 Spam" },
	/* TEXT with "; from=<" inside: split at the last one. */
	{ "Dec 11 15:43:04 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[203.0.113.8]: 550 5.7.1 <a; from=<b>: bad; from=<c@d> to=<e@f> proto=ESMTP helo=<x>",
	  OK(EV_REJECT), .ip = "203.0.113.8",
	  .detail = "550 5.7.1 <a; from=<b>: bad", .svc = SVC_SMTP },
	{ "Jun  1 19:00:55 mail postfix/smtpd[7749]: NOQUEUE: reject: CONNECT from unknown[192.0.2.114]: 450 4.7.25 Client host rejected: cannot find your hostname, [178.215.236.114]; proto=SMTP",
	  OK(EV_REJECT), .ip = "192.0.2.114", .svc = SVC_SMTP,
	  .detail = "450 4.7.25 Client host rejected: cannot find your hostname, [178.215.236.114]" },
	{ "Dec 11 15:43:04 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT garbage",
	  BAD },
	{ "Dec 11 15:43:04 mx1 postfix/smtpd[1]: NOQUEUE: reject_warning: RCPT from unknown[203.0.113.8]: 450 x; proto=SMTP",
	  IGNORE },
};

/* cleanup, qmgr, delivery agents. */
static const struct pf_case queue[] = {
	{ "Dec 11 15:43:03 mx1 postfix/cleanup[23461]: 4F1A52C0A3: message-id=<20231211154302.ABC@example.org>",
	  OK(EV_MSGID), .detail = "20231211154302.ABC@example.org",
	  .qid = "4F1A52C0A3", .svc = SVC_NONE },
	{ "Dec 11 15:43:03 mx1 postfix/qmgr[812]: 4F1A52C0A3: from=<alice@example.org>, size=2345, nrcpt=48 (queue active)",
	  OK(EV_QUEUED), .count = 48, .detail = "alice@example.org",
	  .qid = "4F1A52C0A3", .svc = SVC_NONE },
	{ "Dec 11 15:43:03 mx1 postfix/qmgr[812]: 4F1A52C0A3: from=<>, size=2345, nrcpt=1 (queue active)",
	  OK(EV_QUEUED), .count = 1, .detail = "" },
	/* A hostile sender cannot move the numbers. */
	{ "Dec 11 15:43:03 mx1 postfix/qmgr[812]: 4F1A52C0A3: from=<\"a>, size=1, nrcpt=999 (queue active)\"@x>, size=2345, nrcpt=3 (queue active)",
	  OK(EV_QUEUED), .count = 3,
	  .detail = "\"a>, size=1, nrcpt=999 (queue active)\"@x" },
	{ "Dec 11 15:43:03 mx1 postfix/qmgr[812]: 4F1A52C0A3: from=<a@b>, size=2345, nrcpt=lots (queue active)",
	  BAD },
	{ "Dec 11 15:43:03 mx1 postfix/qmgr[812]: 4F1A52C0A3: from=<a@b>, status=expired, returned to sender",
	  IGNORE },
	{ "Dec 11 15:43:03 mx1 postfix/qmgr[812]: 4F1A52C0A3: removed",
	  IGNORE },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[23470]: 4F1A52C0A3: to=<bob@example.net>, relay=mx.example.net[198.51.100.25]:25, delay=2.1, delays=0.1/0/0.9/1.1, dsn=2.0.0, status=sent (250 2.0.0 OK queued as 1234)",
	  OK(EV_DELIVERY), .status = "sent", .client = "bob@example.net",
	  .qid = "4F1A52C0A3", .svc = SVC_NONE,
	  .detail = "relay=mx.example.net[198.51.100.25]:25, delay=2.1, delays=0.1/0/0.9/1.1, dsn=2.0.0, status=sent (250 2.0.0 OK queued as 1234",
	  .clear = EVF_TRUNCATED },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[23470]: 4F1A52C0A3: to=<bob@example.net>, relay=mx.example.net[198.51.100.25]:25, delay=2.1, delays=0.1/0/0.9/1.1, dsn=5.7.1, status=bounced (host mx.example.net[198.51.100.25] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10 (in reply to RCPT TO command))",
	  OK(EV_DNSBL), .status = "bounced", .client = "bob@example.net" },
	/* Cut short: no closing ')'. */
	{ "Dec 11 15:43:05 mx1 postfix/relay/smtp[23470]: 4F1A52C0A3: to=<bob@example.net>, orig_to=<b@example.org>, relay=mx.example.net[198.51.100.25]:25, delay=2.1, delays=0.1/0/0.9/1.1, dsn=4.7.28, status=deferred (host mx.example.net[198.51.100.25] said: 421-4.7.28 Gmail has detected an unusual rate of unsolici",
	  OK(EV_DELIVERY), .status = "deferred",
	  .client = "bob@example.net", .svc = SVC_NONE,
	  .set = EVF_TRUNCATED },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[23470]: 4F1A52C0A3: to=<bob@example.net>, relay=mx.example.net[198.51.100.25]:25, delay=2.1, delays=0.1/0/0.9/1.1, dsn=4.7.28, status=deferred (host mx.example.net[198.51.100.25] said: 421-4.7.28 Gmail has detected an unusual rate of unsolicited mail",
	  OK(EV_DNSBL), .status = "deferred", .set = EVF_TRUNCATED },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[23470]: 4F1A52C0A3: to=<bob@outlook.com>, relay=outlook-com.olc.protection.outlook.com[52.101.1.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.7.1, status=bounced (host said: 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. (S3150) [x.prod.protection.outlook.com])",
	  OK(EV_DNSBL), .status = "bounced" },
	/* A remote reply faking a later status does not count. */
	{ "Dec 11 15:43:05 mx1 postfix/smtp[23470]: 4F1A52C0A3: to=<bob@example.net>, relay=mx[198.51.100.25]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (said: x, dsn=2.0.0, status=sent (ok))",
	  OK(EV_DELIVERY), .status = "deferred" },
	{ "Dec 11 15:43:05 mx1 postfix/lmtp[11]: 4F1A52C0A3: to=<u@example.org>, relay=mail.example.org[private/dovecot-lmtp], delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 2.0.0 <u@example.org> Saved)",
	  OK(EV_DELIVERY), .status = "sent", .svc = SVC_LMTP,
	  .client = "u@example.org" },
	{ "Dec 11 15:43:05 mx1 postfix/local[11]: 4F1A52C0A3: to=<root@mx1.example.org>, orig_to=<root>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)",
	  OK(EV_DELIVERY), .status = "sent",
	  .client = "root@mx1.example.org" },
	{ "Dec 11 15:43:05 mx1 postfix/error[11]: 4F1A52C0A3: to=<x@example.net>, relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred",
	  OK(EV_DELIVERY), .status = "deferred",
	  .detail = "relay=none, delay=1, delays=1/0/0/0, dsn=4.4.1, status=deferred" },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[11]: 4F1A52C0A3: to=<x@example.net>, relay=none, delay=1",
	  BAD },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[11]: 4F1A52C0A3: host mx.example.net[198.51.100.25] said: 450 try again (in reply to RCPT TO command)",
	  IGNORE },
	{ "Dec 11 15:43:05 mx1 postfix/smtp[11]: connect to mx.example.net[198.51.100.25]:25: Connection timed out",
	  IGNORE },
};

Test(parse_postfix, sasl_failures_from_corpus)
{
	run_table(sasl_corpus, NELEM(sasl_corpus));
}

Test(parse_postfix, sasl_other_and_hostile)
{
	run_table(sasl_other, NELEM(sasl_other));
}

Test(parse_postfix, sessions)
{
	run_table(sessions, NELEM(sessions));
}

Test(parse_postfix, submits)
{
	run_table(submits, NELEM(submits));
}

Test(parse_postfix, rejects)
{
	run_table(rejects, NELEM(rejects));
}

Test(parse_postfix, queue_and_delivery)
{
	run_table(queue, NELEM(queue));
}

Test(parse_postfix, claims)
{
	static const char *const yes[] = {
		"postfix/smtpd", "postfix/submission/smtpd",
		"postfix-incoming/smtpd", "postfix/smtp-25/smtpd",
		"postfix/qmgr", "postfix/cleanup", "postfix/lmtp",
		"postfix/pickup", "postfix/anvil", "postfix/postscreen",
		"postfix-out/relay/smtp",
	};
	static const char *const no[] = {
		"smtpd", "postfix", "/smtpd", "postfix/", "dovecot",
		"postfix/smtpdx", "postfix/imap-login", "exim",
		"sendmail/sm-mta",
	};
	size_t i;

	for (i = 0; i < NELEM(yes); i++)
		cr_expect(parse_postfix_claims(span_make(yes[i],
		    strlen(yes[i]))), "'%s' not claimed", yes[i]);
	for (i = 0; i < NELEM(no); i++)
		cr_expect(!parse_postfix_claims(span_make(no[i],
		    strlen(no[i]))), "'%s' claimed", no[i]);
}

Test(parse_postfix, unknown_daemon_lines_ignored)
{
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;
	static const char line[] = "Dec 11 15:52:52 mx1 postfix/anvil[901]: "
	    "warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: x";

	mkenv(line, sizeof(line) - 1, &env);
	cr_expect_eq(parse_postfix(&env, &ev, &why), PARSE_IGNORE);
	cr_expect_eq(ev.kind, EV_NONE);
}

Test(parse_postfix, dnsbl_cited)
{
	static const char *const yes[] = {
		"554 Client host [1.2.3.4] blocked using zen.spamhaus.org",
		"550 5.7.1 Your IP is LISTED AT bl.example",
		"550 listed in b.barracudacentral.org",
		"554 rejected, see SpamCop",
		"550 http://www.uceprotect.net/",
		"550 Blocked by SORBS",
		"550 on our block list", "550 blocklisted",
		"550 Blacklisted", "550 DNSBL hit", "550 see rbl.example.net",
		"550 RBL", "550 5.7.1 (S3150)",
		"421-4.7.28 unusual rate of unsolicited mail",
		"550-5.7.1 likely unsolicited mail",
		"550 multi.surbl.org",
	};
	static const char *const no[] = {
		"250 2.0.0 OK", "550 5.1.1 User unknown",
		"450 garbled reply", "550 absorbs nothing", "552 verbless",
		"451 unusual rate", "", "r", "rb",
	};
	size_t i;

	for (i = 0; i < NELEM(yes); i++)
		cr_expect(dnsbl_cited(span_make(yes[i], strlen(yes[i]))),
		    "not cited: '%s'", yes[i]);
	for (i = 0; i < NELEM(no); i++)
		cr_expect(!dnsbl_cited(span_make(no[i], strlen(no[i]))),
		    "cited: '%s'", no[i]);
}

Test(parse_postfix, names)
{
	cr_expect_str_eq(event_kind_name(EV_AUTH_FAIL), "auth-fail");
	cr_expect_str_eq(event_kind_name(EV_MSGID), "message-id");
	cr_expect_str_eq(event_kind_name(EV_DNSBL), "dnsbl");
	cr_expect_str_eq(event_kind_name(EV_KIND_MAX), "?");
	cr_expect_str_eq(event_kind_name((enum ev_kind)-1), "?");
	cr_expect_str_eq(service_name(SVC_NONE), "");
	cr_expect_str_eq(service_name(SVC_SUBMISSION), "submission");
	cr_expect_str_eq(service_name(SVC_CUSTOM), "custom");
	cr_expect_str_eq(service_name(SVC_MANAGESIEVE), "managesieve");
}

Test(parse_postfix, raw_event_clear)
{
	struct raw_event ev;

	memset(&ev, 0xa5, sizeof(ev));
	raw_event_clear(&ev);
	cr_expect_eq(ev.kind, EV_NONE);
	cr_expect_eq(ev.count, 1);
	cr_expect_eq(ev.account.len, 0);
	cr_expect_eq(ev.detail.len, 0);
	cr_expect(!ev.has_ip);
	cr_expect_eq(ev.flags, 0);
}

/* Lines cut at every length must never crash or read past the end. */
Test(parse_postfix, every_prefix_is_safe)
{
	static const struct pf_case *const tables[] = {
		sasl_corpus, sasl_other, sessions, submits, rejects, queue,
	};
	static const size_t sizes[] = {
		NELEM(sasl_corpus), NELEM(sasl_other), NELEM(sessions),
		NELEM(submits), NELEM(rejects), NELEM(queue),
	};
	struct envelope env;
	struct raw_event ev;
	const char *why, *line;
	char *copy;
	size_t t, i, n, len;

	for (t = 0; t < NELEM(tables); t++) {
		for (i = 0; i < sizes[t]; i++) {
			line = tables[t][i].line;
			len = strlen(line);
			mkenv(line, len, &env);
			n = (size_t)(env.msg.p - line);
			for (; n <= len; n++) {
				/* Exact-size heap copy: ASan sees overreads. */
				copy = malloc(n ? n : 1);
				cr_assert_not_null(copy);
				memcpy(copy, line, n);
				mkenv(copy, n, &env);
				why = NULL;
				if (parse_postfix(&env, &ev, &why) ==
				    PARSE_BAD)
					cr_expect_not_null(why);
				free(copy);
			}
		}
	}
}

/*
 * Lines found by fuzz/fuzz_postfix.  The tests run with UBSan halting
 * (tests/meson.build); gcc's UBSan does not flag NULL + 0, clang's does,
 * and fuzz/seeds/lines keeps the line for the clang build of fuzz/run.
 */
Test(parse_postfix, fuzz_findings)
{
	/* seek() on an empty detail span: NULL + 0 */
	static const char l1[] = "Feb 22 04:46:22 mx1 postfix/smtpd[79001]: "
	    "disconnect from unknown[2.89.20.185]\036ehlo=1 mail=1 rcpt=0/1 "
	    "quit=1 commands=3/4";
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;

	cr_assert_eq(envelope_parse(l1, sizeof(l1) - 1, &env, NULL), ENV_OK);
	raw_event_clear(&ev);
	cr_expect_eq(parse_postfix(&env, &ev, &why), PARSE_OK, "%s", why);
	cr_expect_eq(ev.kind, EV_DISCONNECT);
	cr_expect_eq(ev.auth_ok, 0);
}

/* json_str - the string value of "key": "..." in a failJSON comment. */
static bool
json_str(const char *json, const char *key, char *out, size_t outsz)
{
	char pat[32];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	if ((p = strstr(json, pat)) == NULL)
		return false;
	p += strlen(pat);
	if ((q = strchr(p, '"')) == NULL || (size_t)(q - p) >= outsz)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

/* is_password_failure - the lines the corpus guarantee covers. */
static bool
is_password_failure(const char *line)
{
	return strstr(line, "SASL ") != NULL &&
	    strstr(line, "authentication failed") != NULL &&
	    strstr(line, "Connection lost to authentication server") == NULL;
}

/* check_labelled - one match:true SASL failure against its label. */
static void
check_labelled(const char *json, const char *line, size_t len)
{
	struct envelope env;
	struct raw_event ev;
	struct ipaddr want;
	const char *why = NULL;
	char host[64], user[128];

	cr_assert(json_str(json, "host", host, sizeof(host)));
	mkenv(line, len, &env);
	cr_assert(parse_postfix_claims(env.tag), "not claimed: %s", line);
	cr_assert_eq(parse_postfix(&env, &ev, &why), PARSE_OK, "%s: %s",
	    why ? why : "-", line);
	cr_expect_eq(ev.kind, EV_AUTH_FAIL, "kind %s: %s",
	    event_kind_name(ev.kind), line);
	cr_assert(ipaddr_parse(span_make(host, strlen(host)), &want));
	cr_expect(ev.has_ip && memcmp(&want, &ev.ip, sizeof(want)) == 0,
	    "ip != %s: %s", host, line);
	if (json_str(json, "user", user, sizeof(user)))
		expect_span(ev.account, user, "account", line);
}

/*
 * The guarantee: every labelled SASL password failure in the fail2ban
 * corpus parses to EV_AUTH_FAIL with the labelled host and user.
 */
Test(parse_postfix, fail2ban_corpus_file)
{
	const char *dir = getenv("CORPUS");
	char path[4096], json[1024];
	char *line = NULL;
	size_t cap = 0, seen = 0;
	ssize_t n;
	bool have = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/fail2ban/postfix.log",
	    dir ? dir : "/work/shared/corpus");
	if ((fp = fopen(path, "r")) == NULL)
		cr_skip_test("corpus not found: %s", path);
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '#') {
			const char *j = strstr(line, "failJSON:");

			have = j != NULL && strstr(j, "\"match\": true") != NULL;
			if (have)
				snprintf(json, sizeof(json), "%s", j);
			continue;
		}
		if (n == 0)
			continue;
		if (have && is_password_failure(line)) {
			check_labelled(json, line, (size_t)n);
			seen++;
		}
		have = false;
	}
	free(line);
	fclose(fp);
	/* 12 labelled lines; one is repeated under two filter modes. */
	cr_expect_eq(seen, 12, "saw %zu labelled failures", seen);
}

/* Every Postfix line of the corpus is claimed and none is PARSE_BAD. */
Test(parse_postfix, corpus_never_bad)
{
	static const char *const files[] = {
		"fail2ban/postfix.log", "crowdsec/postfix-helo.log",
		"crowdsec/postfix-honeypot-users.log",
		"crowdsec/postfix-logs.log", "crowdsec/postfix-relay.log",
		"crowdsec/postfix-sasl-bf.log", "crowdsec/postfix-spam.log",
		"wazuh/postfix.log",
	};
	const char *dir = getenv("CORPUS");
	struct envelope env;
	struct raw_event ev;
	const char *why;
	char path[4096], *line = NULL;
	size_t cap = 0, i, lines = 0;
	ssize_t n;
	FILE *fp;

	for (i = 0; i < NELEM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s",
		    dir ? dir : "/work/shared/corpus", files[i]);
		if ((fp = fopen(path, "r")) == NULL)
			cr_skip_test("corpus not found: %s", path);
		while ((n = getline(&line, &cap, fp)) > 0) {
			if (line[n - 1] == '\n')
				line[--n] = '\0';
			if (n == 0 || line[0] == '#')
				continue;
			mkenv(line, (size_t)n, &env);
			cr_expect(parse_postfix_claims(env.tag),
			    "not claimed: %s", line);
			why = NULL;
			cr_expect_neq(parse_postfix(&env, &ev, &why),
			    PARSE_BAD, "%s: %s", why ? why : "-", line);
			lines++;
		}
		fclose(fp);
	}
	free(line);
	cr_expect_gt(lines, 60);
}
