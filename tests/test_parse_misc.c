/*
 * tests/test_parse_misc.c - table-driven tests of io/parse_misc.c.
 *
 * Each case is a whole log line, run through envelope_parse() and then
 * parse_misc(), and the fields expected from it.  Lines marked [C] are
 * copied from ../shared/corpus; the others are built from the servers'
 * format strings, including hostile user names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"
#include "io/parse_misc.h"
#include "io/span.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ANY		NULL		/* field not checked */

struct misc_case {
	const char		*line;
	bool			 claimed;
	enum parse_status	 st;
	enum ev_kind		 kind;
	enum ev_service		 svc;
	const char		*ip;
	const char		*user;		/* ANY: not checked */
	const char		*method;	/* ANY: not checked */
	uint32_t		 flags;		/* flags that must be set */
};

static const struct misc_case cases[] = {
	/* Cyrus */
	/* [C] */
	{ "Feb 20 17:23:32 domain cyrus/pop3[18635]: badlogin: localhost "
	    "[198.51.100.23] plaintext administrator SASL(-13): authentication "
	    "failure: checkpass failed", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_POP3, "198.51.100.23", "administrator", "", 0 },
	/* [C] */
	{ "Dec 30 16:03:27 somehost imapd[2517]: badlogin: "
	    "local-somehost[1.2.3.4] OTP [SASL(-13): authentication failure: "
	    "External SSF not good enough]", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_IMAP, "1.2.3.4", "", "OTP", 0 },
	/* [C] */
	{ "Mar  8 05:25:21 host imap[22130]: badlogin: [192.0.2.4] plain "
	    "[SASL(-13): authentication failure: Password verification "
	    "failed]", true, PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.4",
	    "", "plain", 0 },
	/* [C] */
	{ "Jul 18 17:21:58 ophelia cyrus/timsieved[12305]: badlogin: "
	    "example.com[1.2.3.4] PLAIN authentication failure", true,
	    PARSE_OK, EV_AUTH_FAIL, SVC_MANAGESIEVE, "1.2.3.4", "", "PLAIN",
	    0 },
	{ "Jan  1 00:00:00 h cyrus/imaps[1]: badlogin: h [192.0.2.9] "
	    "plaintext bob@x invalid user", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_IMAP, "192.0.2.9", "bob@x", "", 0 },
	/* A user name that imitates an address cannot move the real one. */
	{ "Jan  1 00:00:00 h cyrus/imap[1]: badlogin: h [192.0.2.9] "
	    "plaintext [6.6.6.6] SASL(-13): authentication failure", true,
	    PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.9", "[6.6.6.6]", "", 0 },
	{ "Jan  1 00:00:00 h cyrus/imap[1]: badlogin: nobody plaintext x",
	    true, PARSE_BAD, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	/* UW-IMAP */
	/* [C] */
	{ "Jul 29 18:30:19 Linux2 ipop3d[25745]: Login failed user=info "
	    "auth=info host=74-115-52-198-dedicated.multacom.com "
	    "[198.52.115.74]", true, PARSE_OK, EV_AUTH_FAIL, SVC_POP3,
	    "198.52.115.74", "info", ANY, 0 },
	/* [C] */
	{ "Apr 8 16:32:01 abdon imapd[21172]: Login disabled user=test "
	    "auth=test host=localhost.localdomain [127.0.0.1]", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_IMAP, "127.0.0.1", "test", ANY,
	    EVF_NO_PASSWORD },
	/* [C] */
	{ "Feb 23 12:36:01 r2 imapd[3473]: Failed uwmaster override of "
	    "user=pro1  host=r22.j.de [127.0.55.22] ", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_IMAP, "127.0.55.22", "pro1", ANY, 0 },
	{ "Jan  1 00:00:00 h imapd[1]: Login failed user=a host=x [6.6.6.6] "
	    "auth=a host=h [192.0.2.7]", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_IMAP, "192.0.2.7", ANY, ANY, 0 },
	{ "Jan  1 00:00:00 h imapd[1]: Login SYSTEM BREAK-IN ATTEMPT "
	    "user=aaaa auth=aaaa host=h [192.0.2.7]", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_IMAP, "192.0.2.7", "aaaa", ANY, 0 },
	{ "Jan  1 00:00:00 h ipop3d[1]: Authentication failure host=h "
	    "[192.0.2.8]", true, PARSE_OK, EV_AUTH_FAIL, SVC_POP3,
	    "192.0.2.8", "", "", 0 },
	{ "Jan  1 00:00:00 h ipop3d[1]: Excessive authentication failures "
	    "host=h [192.0.2.8]", true, PARSE_OK, EV_AUTH_FAIL, SVC_POP3,
	    "192.0.2.8", "", "", 0 },
	{ "Jan  1 00:00:00 h imapd[1]: AUTHENTICATE LOGIN failure "
	    "host=h [192.0.2.7]", true, PARSE_OK, EV_AUTH_FAIL, SVC_IMAP,
	    "192.0.2.7", "", "LOGIN", 0 },
	{ "Jan  1 00:00:00 h imapd[1]: Login user=a host=h [192.0.2.7]",
	    false, PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	/* solid-pop3d */
	/* [C] */
	{ "Nov 15 00:34:53 r solid-pop3d[3822]: authentication failed: no such "
	    "user: adrian - 123.33.44.45", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_POP3, "123.33.44.45", "adrian", "", 0 },
	/* [C] */
	{ "Nov 15 00:34:53 r solid-pop3d[3822]: root login not allowed - "
	    "123.33.44.45", true, PARSE_OK, EV_AUTH_FAIL, SVC_POP3,
	    "123.33.44.45", "root", "", EVF_NO_PASSWORD },
	{ "Nov 15 00:34:53 r solid-pop3d[3822]: APOP authentication failed "
	    "for user a - b - 192.0.2.3", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_POP3, "192.0.2.3", "a - b", "APOP", 0 },
	{ "Nov 15 00:34:53 r solid-pop3d[3822]: connection from 192.0.2.3",
	    true, PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	/* perdition */
	{ "Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: "
	    "192.168.8.100:2274->193.48.191.9:993 client-secure=ssl "
	    "authorisation_id=NONE authentication_id=\"carles\" "
	    "server=\"imap.biotoul.fr:993\" protocol=IMAP4S server-secure=ssl "
	    "status=\"failed: Re-Authentication Failure\"", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_IMAP, "192.168.8.100", "carles", ANY, 0 },
	{ "Jul 18 16:07:18 ares perdition.pop3[1]: Auth: "
	    "192.0.2.1:2274->193.48.191.9:110 client-secure=plaintext "
	    "authorisation_id=NONE authentication_id=\"a\" server=\"b\" "
	    "protocol=POP3 server-secure=plaintext status=\"ok\"", true,
	    PARSE_OK, EV_AUTH_OK, SVC_POP3, "192.0.2.1", "a", ANY, 0 },
	/* [C] */
	{ "Jul 18 16:08:58 ares perdition.imaps[3194]: Fatal Error reading "
	    "authentication information from client "
	    "192.168.8.100:2274->193.48.191.9:993: Exiting child", true,
	    PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	{ "Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: "
	    "192.0.2.1:2274->193.48.191.9:993 authentication_id=\" server=\" "
	    "protocol=IMAP4S status=\"failed: x\"", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_IMAP, "192.0.2.1", ANY, ANY, 0 },
	/* Kerio Connect */
	/* [C] */
	{ "[18/May/2017 07:25:15] Failed SMTP login from 212.92.127.112 with "
	    "SASL method CRAM-MD5.", true, PARSE_OK, EV_AUTH_FAIL, SVC_SMTP,
	    "212.92.127.112", "", "CRAM-MD5", 0 },
	/* [C] */
	{ "[18/Jan/2014 05:47:17] IP address 112.140.49.130 found in DNS "
	    "blacklist UCEProtect1, mail from <a@b> to <c@d>", true,
	    PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	/* [C] */
	{ "[30/Dec/2013 05:27:59] Relay attempt from IP address 64.31.59.75, "
	    "mail from <a@b> to <c@d> rejected", true, PARSE_IGNORE, EV_NONE,
	    SVC_NONE, NULL, ANY, ANY, 0 },
	/* Lotus Domino */
	/* [C] */
	{ "03-07-2005 23:07:20   SMTP Server: Authentication failed for user "
	    "postmaster ; connecting host 1.2.3.4", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_SMTP, "1.2.3.4", "postmaster", ANY, 0 },
	/* [C] */
	{ "2016-11-07 22:21:21   smtp: user with space in name [192.0.2.4] "
	    "authentication failure using internet password", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_SMTP, "192.0.2.4", "user with space in name",
	    ANY, 0 },
	/* [C] */
	{ "2018-09-19 17:25:50   SMTP Server [0D14:0027-1334] Authentication "
	    "failed for user Bad Hacker ; connecting host [192.0.2.1]", true,
	    PARSE_OK, EV_AUTH_FAIL, SVC_SMTP, "192.0.2.1", "Bad Hacker", ANY,
	    0 },
	/* [C] */
	{ "2016-11-07 22:21:23   smtp: A A A A A A 192.0.2.5", false,
	    PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	/* [C] */
	{ "2018-09-19 17:25:52   SMTP Server [000527:000013-0000001227564800] "
	    "Connection from [192.0.2.2] rejected for policy reasons.", true,
	    PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	{ "2016-11-07 22:21:21   smtp: x [6.6.6.6] authentication failure "
	    "using internet password [192.0.2.4] authentication failure using "
	    "internet password", true, PARSE_OK, EV_AUTH_FAIL, SVC_SMTP,
	    "192.0.2.4", ANY, ANY, 0 },
	{ "03-07-2005 23:07:20   SMTP Server: Authentication failed for user "
	    "; connecting host 1.2.3.4", true, PARSE_OK, EV_AUTH_FAIL,
	    SVC_SMTP, "1.2.3.4", "", ANY, 0 },
	{ "03-07-2005 23:07:20   SMTP Server: Authentication failed for user "
	    "a ; connecting host 6.6.6.6 ; connecting host 1.2.3.4", true,
	    PARSE_OK, EV_AUTH_FAIL, SVC_SMTP, "1.2.3.4", ANY, ANY, 0 },
	/* Oracle IMS */
	/* [C] */
	{ "<co ts=\"2014-06-02T16:06:33.99\" pi=\"72aa.17f0.25622\" "
	    "sc=\"tcp_local\" dr=\"+\" ac=\"U\" "
	    "tr=\"TCP|192.245.12.223|25|89.96.245.78|4299\" ap=\"SMTP\" "
	    "mi=\"Bad password\" us=\"nic@transcend.com\" di=\"535 5.7.8 Bad "
	    "username or password (Authentication failed).\"/>", true,
	    PARSE_OK, EV_AUTH_FAIL, SVC_SMTP, "89.96.245.78",
	    "nic@transcend.com", ANY, 0 },
	{ "<co ts=\"2014-06-02T22:02:13.94\" pi=\"72a9\" sc=\"tcp_submit\" "
	    "dr=\"+\" ac=\"U\" tr=\"TCP|192.245.12.223|465|23.122.129.179|"
	    "6076\" ap=\"SMTP/TLS-128-RC4\" mi=\"Authentication successful - "
	    "switched to channel tcp_submit\" us=\"j@example.org\" "
	    "di=\"235\"/>",
	    true, PARSE_OK, EV_AUTH_OK, SVC_SMTPS, "23.122.129.179",
	    "j@example.org", ANY, 0 },
	/* Zimbra */
	/* [C] */
	{ "2021-03-03 19:51:53,762 INFO  [qtp93314457-324:smtp://smtp.test.fr:"
	    "7073/service/admin/soap/] [oip=192.168.7.15;oport=57752;"
	    "oproto=smtp;soapId=688cb579;] SoapEngine - handler exception: "
	    "authentication failed for [toto.tata], account not found", true,
	    PARSE_OK, EV_AUTH_FAIL, SVC_SMTP, "192.168.7.15", "toto.tata", ANY,
	    0 },
	{ "2021-03-03 19:26:38,616 INFO  [qtp93314457-137:https://test.fr:7071"
	    "/service/admin/soap/AuthRequest] [name=toto@test.fr;"
	    "oip=192.168.7.101;port=52016;ua=ZimbraWebClient - GC88 (Linux);"
	    "soapId=9fd8101;] SoapEngine - handler exception: authentication "
	    "failed for [toto@test.fr], invalid password", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_NONE, "192.168.7.101", "toto@test.fr", ANY, 0 },
	/* [C] */
	{ "2021-03-03 19:53:06,536 WARN  [qtp-589:smtp://s:7073/] "
	    "[name=tata@test.fr;oip=192.168.7.15;oport=41496;oproto=smtp;] "
	    "SoapEngine - handler exception", true, PARSE_IGNORE, EV_NONE,
	    SVC_NONE, NULL, ANY, ANY, 0 },
	/* ZimbraLog doubles ';' inside a value: forged fields stay inside. */
	{ "2021-03-03 19:26:38,616 INFO  [qtp-137:https://t:7071/] "
	    "[name=x;;oip=6.6.6.6;;;oip=192.0.2.5;ua=z;;oip=6.6.6.7;;;] "
	    "SoapEngine - handler exception: authentication failed for "
	    "[x;oip=6.6.6.6;], invalid password", true, PARSE_OK,
	    EV_AUTH_FAIL, SVC_NONE, "192.0.2.5", "x;oip=6.6.6.6;", ANY, 0 },
	{ "2021-03-03 19:26:38,616 INFO  [q] [ip=192.0.2.6;oport=1;"
	    "oproto=imap;] ImapHandler - authentication failed for [a], "
	    "invalid password", true, PARSE_OK, EV_AUTH_FAIL, SVC_IMAP,
	    "192.0.2.6", "a", ANY, 0 },
	/* Not ours */
	{ "Dec  1 15:42:52 mx postfix/smtpd[1]: connect from x[192.0.2.1]",
	    false, PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
	{ "Dec  1 15:42:52 mx smtp: x [192.0.2.1] authentication failure",
	    false, PARSE_IGNORE, EV_NONE, SVC_NONE, NULL, ANY, ANY, 0 },
};

static bool
span_is(struct span s, const char *lit)
{
	return span_eq(s, lit);
}

static void
check(const struct misc_case *k)
{
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;
	enum parse_status st;
	struct ipaddr want;

	cr_assert_eq(envelope_parse(k->line, strlen(k->line), &env, &why),
	    ENV_OK, "'%s': envelope: %s", k->line, why);
	cr_expect_eq(parse_misc_claims(&env), k->claimed, "'%s': claimed",
	    k->line);
	if (!k->claimed)
		return;
	raw_event_clear(&ev);
	st = parse_misc(&env, &ev, &why);
	cr_assert_eq(st, k->st, "'%s': status %d, want %d (%s)", k->line, st,
	    k->st, why ? why : "");
	if (st != PARSE_OK)
		return;
	cr_expect_eq(ev.kind, k->kind, "'%s': kind %d", k->line, ev.kind);
	cr_expect_eq(ev.service, k->svc, "'%s': service %d", k->line,
	    ev.service);
	cr_assert(ipaddr_parse(span_make(k->ip, strlen(k->ip)), &want));
	cr_expect(ev.has_ip && memcmp(&ev.ip, &want, sizeof(want)) == 0,
	    "'%s': ip", k->line);
	if (k->user != ANY)
		cr_expect(span_is(ev.account, k->user), "'%s': user '%.*s'",
		    k->line, (int)ev.account.len, ev.account.p);
	if (k->method != ANY)
		cr_expect(span_is(ev.method, k->method), "'%s': method '%.*s'",
		    k->line, (int)ev.method.len, ev.method.p);
	cr_expect_eq(ev.flags & k->flags, k->flags, "'%s': flags %#x",
	    k->line, ev.flags);
}

Test(parse_misc, table)
{
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		check(&cases[i]);
}

/* Long hostile user names: linear work, no overrun, address kept. */
Test(parse_misc, long_user_names)
{
	static char line[70000];
	struct envelope env;
	struct raw_event ev;
	struct ipaddr want;
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), "2016-11-07 22:21:21   "
	    "smtp: ");
	while (n < sizeof(line) - 100) {
		memcpy(line + n, "A [", 3);
		n += 3;
	}
	n += (size_t)snprintf(line + n, sizeof(line) - n, " [192.0.2.4] "
	    "authentication failure using internet password");
	cr_assert_eq(envelope_parse(line, n, &env, NULL), ENV_OK);
	cr_assert(parse_misc_claims(&env));
	raw_event_clear(&ev);
	cr_assert_eq(parse_misc(&env, &ev, NULL), PARSE_OK);
	cr_assert(ipaddr_parse(SPAN_LIT("192.0.2.4"), &want));
	cr_expect(memcmp(&ev.ip, &want, sizeof(want)) == 0);
}

/*
 * Every prefix of every case, in a buffer of exactly that size, so that
 * the sanitizer sees any read past the end of a cut line.
 */
Test(parse_misc, every_prefix_stays_in_bounds)
{
	size_t i, len, n;

	for (i = 0; i < NELEM(cases); i++) {
		n = strlen(cases[i].line);
		for (len = 0; len <= n; len++) {
			char *buf = malloc(len ? len : 1);
			struct envelope env;
			struct raw_event ev;

			cr_assert_not_null(buf);
			memcpy(buf, cases[i].line, len);
			if (envelope_parse(buf, len, &env, NULL) == ENV_OK &&
			    parse_misc_claims(&env)) {
				raw_event_clear(&ev);
				(void)parse_misc(&env, &ev, NULL);
			}
			free(buf);
		}
	}
}
