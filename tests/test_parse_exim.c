/*
 * tests/test_parse_exim.c - io/parse_exim.c: table-driven cases, the
 * labelled Exim lines of the shared corpus, and truncated lines.
 *
 * Lines go through envelope_parse() first, as in the scan: Exim's own
 * mainlog form only exists as an envelope case.  Lines marked [C] are
 * copied from shared/corpus (file named); [S] lines are synthetic, built
 * from Exim's format strings (formats.md section 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"
#include "io/parse_exim.h"
#include "io/span.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct ex_case {
	const char		*line;
	enum parse_status	 st;
	enum ev_kind		 kind;
	const char		*ip;		/* NULL: has_ip must be false */
	const char		*account;	/* NULL: must be empty */
	enum ev_service		 svc;
	const char		*svc_name;	/* NULL: must be empty */
	const char		*method;	/* NULL: not checked */
	const char		*qid;		/* NULL: must be empty */
	const char		*status;	/* NULL: not checked */
	const char		*client;	/* NULL: not checked */
	uint32_t		 nrcpt;
	uint32_t		 set;		/* flags that must be set */
};

#define OK		PARSE_OK
#define IGN		PARSE_IGNORE
#define BAD		PARSE_BAD
#define CUSTOM		SVC_CUSTOM, "exim"

static const struct ex_case cases[] = {
	/* [C fail2ban/exim.log] */
	{ "2014-12-02 03:00:23 auth_plain authenticator failed for (rom182) "
	    "[193.254.202.35]:41556 I=[10.0.0.1]:25: 535 Incorrect "
	    "authentication data (set_id=webmaster)", OK, EV_AUTH_FAIL,
	    "193.254.202.35", "webmaster", SVC_SMTP, NULL, "auth_plain", NULL,
	    NULL, "", 0, 0 },
	{ "2017-04-23 22:45:59 fixed_login authenticator failed for "
	    "bad.host.example.com [192.0.2.2]:54412 I=[172.89.0.6]:587: 535 "
	    "Incorrect authentication data (set_id=user@example.com)", OK,
	    EV_AUTH_FAIL, "192.0.2.2", "user@example.com", SVC_SUBMISSION,
	    NULL, "fixed_login", NULL, NULL, "bad.host.example.com", 0, 0 },
	{ "2024-03-21 19:26:06 dovecot_login authenticator failed for (User) "
	    "[194.169.175.1]:21298 I=[22.33.44.55]:465 Ci=30416: 535 Incorrect "
	    "authentication data (set_id=uaf589@example.com)", OK, EV_AUTH_FAIL,
	    "194.169.175.1", "uaf589@example.com", SVC_SMTPS, NULL, NULL, NULL,
	    NULL, NULL, 0, 0 },
	{ "2013-01-04 17:03:46 login authenticator failed for "
	    "rrcs-24-106-174-74.se.biz.rr.com ([192.168.2.33]) "
	    "[24.106.174.74]: 535 Incorrect authentication data (set_id=brian)",
	    OK, EV_AUTH_FAIL, "24.106.174.74", "brian", CUSTOM, "login", NULL,
	    NULL, "rrcs-24-106-174-74.se.biz.rr.com", 0, 0 },
	{ "2013-06-12 03:57:58 login authenticator failed for (ylmf-pc) "
	    "[120.196.140.45]: 535 Incorrect authentication data: 1 Time(s)",
	    OK, EV_AUTH_FAIL, "120.196.140.45", NULL, CUSTOM, NULL, NULL, NULL,
	    "", 0, 0 },
	{ "2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: dovecot_login "
	    "authenticator failed for (User) [192.0.2.37]: 535 Incorrect "
	    "authentication data (set_id=test@domain.com)", OK, EV_AUTH_FAIL,
	    "192.0.2.37", "test@domain.com", CUSTOM, NULL, NULL, NULL, NULL, 0,
	    0 },
	/* [C fail2ban/exim.log], journal: journalctl -o short adds a stamp */
	{ "Jul 17 23:20:49 mail.example.com exim[3751842]: 2021-07-17 "
	    "23:20:49 plain_server authenticator failed for ([192.0.2.17]) "
	    "[192.0.2.27]: 535 Incorrect authentication data", OK,
	    EV_AUTH_FAIL, "192.0.2.27", NULL, CUSTOM, "plain_server", NULL,
	    NULL, NULL, 0, 0 },
	/* [C wazuh/exim.log] IPv6 */
	{ "2017-01-24 05:22:29 dovecot_plain authenticator failed for (test) "
	    "[::1]:39454: 535 Incorrect authentication data (set_id=test)", OK,
	    EV_AUTH_FAIL, "::1", "test", CUSTOM, NULL, NULL, NULL, NULL, 0, 0 },
	/* [C crowdsec/exim-logs.log] milliseconds */
	{ "2023-05-30 06:10:13.345 login authenticator failed for "
	    "millis.example.org [192.0.2.12]:5432: 535 Incorrect "
	    "authentication data (set_id=user)", OK, EV_AUTH_FAIL,
	    "192.0.2.12", "user", CUSTOM, NULL, NULL, NULL, NULL, 0, 0 },
	/* [S] other ports, replies, hostile set_id, pid */
	{ "2024-01-01 10:00:00 [123] plain authenticator failed for [2001:db8"
	    "::7]:999 I=[2001:db8::1]:2525: 535 Incorrect authentication data "
	    "(set_id=a) (set_id=b)", OK, EV_AUTH_FAIL, "2001:db8::7",
	    "a) (set_id=b", SVC_CUSTOM, "2525", NULL, NULL, NULL, NULL, 0, 0 },
	{ "2024-01-01 10:00:00 plain authenticator failed for [192.0.2.7]: "
	    "535 Incorrect authentication data (set_id=\x1b[31mx", OK,
	    EV_AUTH_FAIL, "192.0.2.7", "\x1b[31mx", CUSTOM, NULL, NULL, NULL,
	    NULL, 0, EVF_SUSPICIOUS | EVF_TRUNCATED },
	{ "2024-01-01 10:00:00 plain authenticator failed for [192.0.2.7]: "
	    "501 Invalid base64 data", OK, EV_AUTH_FAIL, "192.0.2.7", NULL,
	    CUSTOM, NULL, NULL, NULL, NULL, 0, EVF_NO_PASSWORD },
	{ "2024-01-01 10:00:00 plain authenticator failed for [192.0.2.7]: "
	    "501 Authentication cancelled", OK, EV_AUTH_ABORT, "192.0.2.7",
	    NULL, CUSTOM, NULL, NULL, NULL, NULL, 0, 0 },
	{ "2024-01-01 10:00:00 plain authenticator failed for [192.0.2.7]: "
	    "435 Unable to authenticate at present (set_id=x): lookup", IGN,
	    EV_NONE, NULL, NULL, SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	{ "2024-01-01 10:00:00 plain authenticator failed for (helo): 535 "
	    "Incorrect authentication data", BAD, EV_NONE, NULL, NULL,
	    SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	/* [S] receptions, after formats.md 5 */
	{ "2018-12-11 15:43:02 1gWjF2-0004xY-Qm <= alice@example.org "
	    "H=(laptop) [203.0.113.7]:52144 I=[192.0.2.10]:587 P=esmtpsa "
	    "X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no "
	    "A=dovecot_login:alice@example.org S=2345 id=x@y T=\"a for b@c\" "
	    "for bob@example.net carol@example.com", OK, EV_SUBMIT,
	    "203.0.113.7", "alice@example.org", SVC_SUBMISSION, NULL,
	    "dovecot_login", "1gWjF2-0004xY-Qm", NULL, "", 2, 0 },
	{ "2024-01-01 10:00:00.123 [99] 1rABCD-00000000123-XyZw <= a@b "
	    "H=mail.example.net [198.51.100.2]:40000 I=[192.0.2.10]:465 "
	    "P=esmtpsa A=plain:a b S=100 T=\"x for y\"", OK, EV_SUBMIT,
	    "198.51.100.2", "a b", SVC_SMTPS, NULL, "plain",
	    "1rABCD-00000000123-XyZw", NULL, "mail.example.net", 0, 0 },
	{ "2024-01-01 10:00:00 1rABCD-000123-Xy <= \"x H=[6.6.6.6]:1 P=esmtpa "
	    "A=p:root\"@b H=(h) [198.51.100.3]:4 I=[192.0.2.10]:587 "
	    "P=esmtpsa A=plain:u S=1 T=\"a\"@b H=[7.7.7.7]\"", OK, EV_SUBMIT,
	    "198.51.100.3", "u", SVC_SUBMISSION, NULL, "plain",
	    "1rABCD-000123-Xy", NULL, "", 0, 0 },
	{ "2024-01-01 10:00:00 1rABCD-000123-Xy <= a@b H=mx.example.net "
	    "[198.51.100.2]:40000 I=[192.0.2.10]:25 P=esmtps S=100", IGN,
	    EV_NONE, NULL, NULL, SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	{ "2024-01-01 10:00:00 1rABCD-000123-Xy <= root@example.org U=root "
	    "P=local S=100", IGN, EV_NONE, NULL, NULL, SVC_NONE, NULL, NULL,
	    NULL, NULL, NULL, 0, 0 },
	/* [S] deliveries */
	{ "2024-01-01 10:00:01 1rABCD-000123-Xy => bob@example.net "
	    "R=dnslookup T=remote_smtp H=mx.example.net [198.51.100.25] "
	    "C=\"250 OK\"", OK, EV_DELIVERY, NULL, NULL, SVC_NONE, NULL, NULL,
	    "1rABCD-000123-Xy", "sent", "bob@example.net", 0, 0 },
	{ "2024-01-01 10:00:01 1rABCD-000123-Xy -> carol@example.net "
	    "R=dnslookup T=remote_smtp", OK, EV_DELIVERY, NULL, NULL, SVC_NONE,
	    NULL, NULL, "1rABCD-000123-Xy", "sent", "carol@example.net", 0, 0 },
	{ "2024-01-01 10:00:01 1rABCD-000123-Xy ** x@example.com "
	    "R=dnslookup T=remote_smtp H=mail.example.com [203.0.113.5]: SMTP "
	    "error from remote mail server after RCPT TO:<x@example.com>: 554 "
	    "5.7.1 Client host [192.0.2.10] blocked using zen.spamhaus.org",
	    OK, EV_DNSBL, NULL, NULL, SVC_NONE, NULL, NULL, "1rABCD-000123-Xy",
	    "bounced", "x@example.com", 0, 0 },
	{ "2024-01-01 10:00:01 1rABCD-000123-Xy ** x@example.com: Unrouteable "
	    "address", OK, EV_DELIVERY, NULL, NULL, SVC_NONE, NULL, NULL,
	    "1rABCD-000123-Xy", "bounced", "x@example.com", 0, 0 },
	{ "2024-01-01 10:00:01 1rABCD-000123-Xy == y@gmail.com R=dnslookup "
	    "T=remote_smtp defer (-44) H=gmail-smtp-in.l.google.com "
	    "[142.250.27.26]: SMTP error from remote mail server after end of "
	    "data: 421-4.7.28 Gmail has detected an unusual rate of "
	    "unsolicited mail", OK, EV_DNSBL, NULL, NULL, SVC_NONE, NULL, NULL,
	    "1rABCD-000123-Xy", "deferred", "y@gmail.com", 0, 0 },
	{ "2024-01-01 10:00:02 1rABCD-000123-Xy Completed", IGN, EV_NONE, NULL,
	    NULL, SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	/* login and quit */
	{ "2024-01-01 10:00:00 no MAIL in SMTP connection from (x) "
	    "[192.0.2.9]:1234 I=[192.0.2.10]:587 D=2s A=dovecot_login:bob "
	    "C=EHLO,AUTH,QUIT", OK, EV_AUTH_OK, "192.0.2.9", "bob",
	    SVC_SUBMISSION, NULL, "dovecot_login", NULL, NULL, NULL, 0, 0 },
	/* [C fail2ban/exim.log] not authentication failures */
	{ "2016-04-01 11:08:00 info exim[8001]: [8001] no MAIL in SMTP "
	    "connection from (User) [192.0.2.29]:20042 I=[192.0.2.1]:25 "
	    "Ci=8001 D=0.349s C=EHLO,AUTH,QUIT", IGN, EV_NONE, NULL, NULL,
	    SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	{ "2017-11-28 14:14:32 SMTP protocol error in \"aUtH lOgIn\" H=(test) "
	    "[8.8.8.8]\" H=(roxzgj) [192.0.2.6] AUTH command used when not "
	    "advertised", OK, EV_REJECT, "192.0.2.6", NULL, CUSTOM, NULL, NULL,
	    NULL, NULL, 0, 0 },
	{ "2013-06-02 09:22:06 SMTP call from [192.0.2.109] dropped: too many "
	    "syntax or protocol errors (last command was \"AUTH LOGIN\")", OK,
	    EV_REJECT, "192.0.2.109", NULL, CUSTOM, NULL, NULL, NULL, NULL, 0,
	    0 },
	{ "2013-06-02 06:54:20 [13314] SMTP protocol synchronization error "
	    "(input sent without waiting for greeting): rejected connection "
	    "from H=[211.148.195.192]:25936 I=[1.2.3.4]:25 input=\"GET / "
	    "HTTP/1.1\\r\\n\\r\\n\"", OK, EV_REJECT, "211.148.195.192", NULL,
	    SVC_SMTP, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	{ "2016-03-21 04:07:49 [25874] 1ahr79-0006jK-G9 SMTP connection from "
	    "(voyeur.webair.com) [174.137.147.204]:44884 I=[172.89.0.6]:25 "
	    "closed by DROP in ACL", OK, EV_REJECT, "174.137.147.204", NULL,
	    SVC_SMTP, NULL, NULL, "1ahr79-0006jK-G9", NULL, NULL, 0, 0 },
	{ "2017-01-24 03:09:46 SMTP connection from [10.101.1.10]:55010 "
	    "(TCP/IP connection count = 1)", IGN, EV_NONE, NULL, NULL,
	    SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	{ "2013-06-15 11:19:33 [2249] H=([2.181.148.95]) [2.181.148.95]:52391 "
	    "I=[1.2.3.4]:25 F=fantasizesg4@google.com rejected RCPT "
	    "some@email.com: rejected found in dnsbl zen.spamhaus.org", OK,
	    EV_REJECT, "2.181.148.95", NULL, SVC_SMTP, NULL, NULL, NULL, NULL,
	    NULL, 0, 0 },
	{ "2013-06-09 10:21:28 [14127] 1UlasQ-0003fr-45 "
	    "F=mcorporation4@aol.com H=(mail38.fssprus.ru) [46.254.240.82]:43671 "
	    "I=[1.2.3.4]:25 P=esmtp rejected by local_scan(): Rejected", OK,
	    EV_REJECT, "46.254.240.82", NULL, SVC_SMTP, NULL, NULL,
	    "1UlasQ-0003fr-45", NULL, NULL, 0, 0 },
	{ "2013-12-30 00:24:50 1VxPit-000MMd-U4 SA: Action: flagged as Spam "
	    "but accepted: score=8.2 required=5.0 From <spammer@xxx.xx> "
	    "(host=ip-4.net-3-2-1.rev.xxx.xx [178.123.108.196]) for "
	    "trap@example.com", IGN, EV_NONE, NULL, NULL, SVC_NONE, NULL, NULL,
	    NULL, NULL, NULL, 0, 0 },
	{ "2017-12-03 08:32:00 no host name found for IP address 192.0.2.8",
	    IGN, EV_NONE, NULL, NULL, SVC_NONE, NULL, NULL, NULL, NULL, NULL, 0,
	    0 },
};

static void
expect_span(struct span got, const char *want, const char *what,
    const char *line)
{
	cr_expect(got.len == strlen(want) &&
	    (got.len == 0 || memcmp(got.p, want, got.len) == 0),
	    "%s: got '%.*s', want '%s' in '%s'", what, (int)got.len,
	    got.len ? got.p : "", want, line);
}

/* parse_line - envelope and parser; the envelope must be Exim's. */
static enum parse_status
parse_line(const char *line, size_t len, struct envelope *env,
    struct raw_event *ev, const char **why)
{
	const char *ewhy = NULL;

	cr_assert_eq(envelope_parse(line, len, env, &ewhy), ENV_OK,
	    "envelope: %s: '%.*s'", ewhy ? ewhy : "-", (int)len, line);
	cr_assert(parse_exim_claims(env), "not claimed: '%.*s'", (int)len,
	    line);
	*why = NULL;
	return parse_exim(env, ev, why);
}

static void
check_case(const struct ex_case *k)
{
	struct envelope env;
	struct raw_event ev;
	struct ipaddr want;
	const char *why;
	enum parse_status st;

	st = parse_line(k->line, strlen(k->line), &env, &ev, &why);
	cr_assert_eq(st, k->st, "status %d (%s), want %d: %s", st,
	    why ? why : "-", k->st, k->line);
	if (st == PARSE_BAD)
		cr_expect_not_null(why);
	if (st != PARSE_OK) {
		cr_expect_eq(ev.kind, EV_NONE);
		return;
	}
	cr_expect_eq(ev.kind, k->kind, "kind %s: %s",
	    event_kind_name(ev.kind), k->line);
	if (k->ip != NULL) {
		cr_assert(ipaddr_parse(span_make(k->ip, strlen(k->ip)), &want));
		cr_expect(ev.has_ip && memcmp(&want, &ev.ip, sizeof(want)) ==
		    0, "ip != %s: %s", k->ip, k->line);
	} else
		cr_expect(!ev.has_ip, "unexpected ip: %s", k->line);
	expect_span(ev.account, k->account ? k->account : "", "account",
	    k->line);
	cr_expect_eq(ev.service, k->svc, "service %s: %s",
	    service_name(ev.service), k->line);
	expect_span(ev.svc_name, k->svc_name ? k->svc_name : "", "svc_name",
	    k->line);
	if (k->method != NULL)
		expect_span(ev.method, k->method, "method", k->line);
	expect_span(ev.queue_id, k->qid ? k->qid : "", "queue id", k->line);
	if (k->status != NULL)
		expect_span(ev.status, k->status, "status", k->line);
	if (k->client != NULL)
		expect_span(ev.client_name, k->client, "client", k->line);
	cr_expect_eq(ev.nrcpt, k->nrcpt, "nrcpt %u: %s", ev.nrcpt, k->line);
	cr_expect_eq(ev.flags & k->set, k->set, "flags %#x: %s", ev.flags,
	    k->line);
}

Test(parse_exim, cases)
{
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		check_case(&cases[i]);
}

Test(parse_exim, claims)
{
	struct envelope env;

	memset(&env, 0, sizeof(env));
	env.tag = SPAN_LIT("exim");
	cr_expect(parse_exim_claims(&env));
	env.tag = SPAN_LIT("exim4");
	cr_expect(parse_exim_claims(&env));
	env.tag = SPAN_LIT("postfix/smtpd");
	cr_expect(!parse_exim_claims(&env));
	env.tag = SPAN_LIT("eximstats");
	cr_expect(!parse_exim_claims(&env));
}

/* Every prefix of every case parses without reading past its end. */
Test(parse_exim, every_prefix_is_safe)
{
	struct envelope env;
	struct raw_event ev;
	const char *why, *line;
	char *copy;
	size_t i, n, len;

	for (i = 0; i < NELEM(cases); i++) {
		line = cases[i].line;
		len = strlen(line);
		for (n = 20; n <= len; n++) {
			/* Exact-size heap copy: ASan sees overreads. */
			copy = malloc(n);
			cr_assert_not_null(copy);
			memcpy(copy, line, n);
			if (envelope_parse(copy, n, &env, &why) == ENV_OK &&
			    parse_exim_claims(&env)) {
				why = NULL;
				if (parse_exim(&env, &ev, &why) == PARSE_BAD)
					cr_expect_not_null(why);
			}
			free(copy);
		}
	}
}

/* ---------------------------------------------------------------- */
/* The labelled corpus */

/* A label: is the next line an authentication failure, from whom. */
struct label {
	bool	auth;		/* labelled authentication failure */
	char	ip[64];		/* empty: take it from the line's set */
	char	user[128];	/* empty: not labelled */
};

/* json_str - the string value of "key": "..." in a JSON comment. */
static bool
json_str(const char *json, const char *key, char *out, size_t outsz)
{
	char pat[48];
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

/*
 * CrowdSec's parser classes this RCPT reject as a failed login (see
 * corpus/README.md section 2); it is a reject, and must stay one.
 */
static const char *const cs_quirks[] = { "No Such User Here" };

static bool
cs_quirk(const char *line)
{
	size_t i;

	for (i = 0; i < NELEM(cs_quirks); i++)
		if (strstr(line, cs_quirks[i]) != NULL)
			return true;
	return false;
}

/*
 * read_label - turn an annotation comment into a label for the next line.
 * fail2ban's match:true also covers rejects and protocol errors, so its
 * authentication failures are the labelled lines that its exim filter's
 * first expression reads ("authenticator failed"), with host and user.
 * CrowdSec names the class (exim_failed_auth) and the ip and user; Wazuh
 * names the test ("exim auth failure") but no address.
 */
static bool
read_label(const char *c, const char *next, struct label *lb)
{
	const char *j;
	char v[64];

	memset(lb, 0, sizeof(*lb));
	if ((j = strstr(c, "failJSON:")) != NULL) {
		lb->auth = strstr(j, "\"match\": true") != NULL &&
		    strstr(next, " authenticator failed for ") != NULL;
		json_str(j, "host", lb->ip, sizeof(lb->ip));
		json_str(j, "user", lb->user, sizeof(lb->user));
		return true;
	}
	if ((j = strstr(c, "csJSON:")) != NULL) {
		lb->auth = json_str(j, "log_type", v, sizeof(v)) &&
		    strcmp(v, "exim_failed_auth") == 0 && !cs_quirk(next);
		json_str(j, "source_ip", lb->ip, sizeof(lb->ip));
		if (!json_str(j, "username", lb->user, sizeof(lb->user)))
			json_str(j, "target_user", lb->user,
			    sizeof(lb->user));
		return true;
	}
	if ((j = strstr(c, "wazuhJSON:")) != NULL) {
		lb->auth = strstr(j, "\"exim auth failure\"") != NULL;
		return true;
	}
	return false;
}

/* An auth event: what a non-failure line must never give. */
static bool
auth_kind(enum ev_kind k)
{
	return k == EV_AUTH_FAIL || k == EV_AUTH_OK || k == EV_AUTH_BACKEND ||
	    k == EV_AUTH_ABORT;
}

struct tally {
	unsigned	labelled, found, lines;
};

/*
 * check_line - a labelled failure gives EV_AUTH_FAIL with the label's
 * address and user (scenario-only files: an address of the scenario);
 * any other line gives no authentication event.
 */
static void
check_line(const char *line, size_t len, const struct label *lb,
    const char *sources, struct tally *t)
{
	struct envelope env;
	struct raw_event ev;
	struct ipaddr want;
	const char *why;
	char ip[64];
	enum parse_status st;

	t->lines++;
	st = parse_line(line, len, &env, &ev, &why);
	cr_expect(st != PARSE_BAD, "bad: %s: %s", why ? why : "-", line);
	if (!lb->auth) {
		cr_expect(st != PARSE_OK || !auth_kind(ev.kind),
		    "auth event %s from: %s", event_kind_name(ev.kind), line);
		return;
	}
	t->labelled++;
	if (st != PARSE_OK || ev.kind != EV_AUTH_FAIL) {
		cr_expect_fail("no auth-fail: %s", line);
		return;
	}
	cr_expect(ev.has_ip, "no ip: %s", line);
	ipaddr_format(&ev.ip, ip);
	if (lb->ip[0] != '\0') {
		cr_assert(ipaddr_parse(span_make(lb->ip, strlen(lb->ip)),
		    &want));
		cr_expect(memcmp(&want, &ev.ip, sizeof(want)) == 0,
		    "ip %s != %s: %s", ip, lb->ip, line);
	} else if (sources != NULL)
		cr_expect(strstr(sources, ip) != NULL, "ip %s not in %s: %s",
		    ip, sources, line);
	if (lb->user[0] != '\0')
		expect_span(ev.account, lb->user, "account", line);
	t->found++;
}

/*
 * A syslog copy of a journal entry without its time stamp (fail2ban's
 * "logtype": "journal" block) is read as journalctl -o short prints it.
 */
static const char *
journal_stamp(const char *line, char *buf, size_t bufsz)
{
	if (strncmp(line, "mail.example.com exim[", 22) != 0)
		return line;
	snprintf(buf, bufsz, "Jul 17 23:20:49 %s", line);
	return buf;
}

/* walk - one corpus file; returns its tally. */
static struct tally
walk(const char *name)
{
	const char *dir = getenv("CORPUS");
	char path[4096], sources[512] = "", comment[2048] = "", buf[8192];
	char *line = NULL;
	const char *l, *sc;
	struct tally t = { 0, 0, 0 };
	struct label lb;
	bool have = false;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir :
	    "/work/shared/corpus", name);
	if ((fp = fopen(path, "r")) == NULL)
		cr_skip_test("corpus not found: %s", path);
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (line[0] == '#') {
			if ((sc = strstr(line, "csScenario:")) != NULL)
				snprintf(sources, sizeof(sources), "%s", sc);
			have = strstr(line, "JSON:") != NULL;
			if (have)
				snprintf(comment, sizeof(comment), "%s", line);
			continue;
		}
		l = journal_stamp(line, buf, sizeof(buf));
		if (!have || !read_label(comment, l, &lb)) {
			memset(&lb, 0, sizeof(lb));
			/* Scenario-only files: the failures are the alerts. */
			lb.auth = sources[0] != '\0' &&
			    strstr(l, " authenticator failed for ") != NULL;
		}
		check_line(l, strlen(l), &lb, sources[0] ? sources : NULL,
		    &t);
		have = false;
	}
	free(line);
	fclose(fp);
	fprintf(stderr, "parse_exim: %-32s %u/%u labelled authentication "
	    "failures found, %u lines\n", name, t.found, t.labelled, t.lines);
	return t;
}

/*
 * The guarantee: every labelled authentication failure of the Exim
 * corpus files gives EV_AUTH_FAIL with the labelled address and user,
 * and no other line gives an authentication event.  The counts are the
 * files' labelled failures, so a parser that drops lines fails here.
 */
Test(parse_exim, corpus_labels)
{
	static const struct {
		const char	*file;
		unsigned	 failures;
	} files[] = {
		{ "fail2ban/exim.log", 12 },
		{ "fail2ban/exim-spam.log", 0 },
		{ "crowdsec/exim-logs.log", 6 },
		{ "crowdsec/exim-syslog-logs.log", 5 },
		{ "crowdsec/exim-bf.log", 5 },
		{ "crowdsec/exim-spam.log", 0 },
		{ "wazuh/exim.log", 2 },
	};
	struct tally t;
	size_t i;

	for (i = 0; i < NELEM(files); i++) {
		t = walk(files[i].file);
		cr_expect_eq(t.labelled, files[i].failures,
		    "%s: %u labelled failures, want %u", files[i].file,
		    t.labelled, files[i].failures);
		cr_expect_eq(t.found, t.labelled, "%s: %u of %u found",
		    files[i].file, t.found, t.labelled);
		cr_expect_gt(t.lines, 0);
	}
}
