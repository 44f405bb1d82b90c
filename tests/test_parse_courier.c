/*
 * tests/test_parse_courier.c - io/parse_courier.c on real lines from the
 * fail2ban corpus (courier-auth, courier-smtp) and through the binary.
 * courier-smtp's "550 User unknown" lines are labelled by fail2ban but
 * are rejects, not authentication failures.
 */
#include "tests/mta_case.h"
#include "tests/e2e_events.h"
#include "io/parse_courier.h"

#define OK	PARSE_OK
#define IGN	PARSE_IGNORE

static const struct mta_case cases[] = {
	{ "Apr 23 21:59:01 dns2 imapd: LOGIN FAILED, user=sales@example.com, ip=[::ffff:1.2.3.4]",
	  OK, EV_AUTH_FAIL, "1.2.3.4", "sales@example.com", SVC_IMAP, NULL,
	  NULL, NULL, NULL, 1 },
	{ "Apr 23 21:59:38 dns2 pop3d: LOGIN FAILED, user=info@example.com, ip=[::ffff:198.51.100.76]",
	  OK, EV_AUTH_FAIL, "198.51.100.76", "info@example.com", SVC_POP3,
	  NULL, NULL, NULL, NULL, 1 },
	{ "Apr 17 19:17:11 SERVER courierpop3login: LOGIN FAILED, user=USER@EXAMPLE.org, ip=[::ffff:1.2.3.4]",
	  OK, EV_AUTH_FAIL, "1.2.3.4", "USER@EXAMPLE.org", SVC_POP3, NULL,
	  NULL, NULL, NULL, 1 },
	{ "Apr 17 19:17:12 server imapd-ssl: LOGIN FAILED, method=PLAIN, ip=[::ffff:192.0.2.4]",
	  OK, EV_AUTH_FAIL, "192.0.2.4", NULL, SVC_IMAP, "PLAIN", NULL, NULL,
	  NULL, 1 },
	{ "Apr 27 09:00:00 servername imapd: LOGIN FAILED, user=tester, ip=[::ffff:192.0.2.5], port=[255]",
	  OK, EV_AUTH_FAIL, "192.0.2.5", "tester", SVC_IMAP, NULL, NULL, NULL,
	  NULL, 1 },
	{ "Apr 27 09:00:01 servername imapd: LOGIN FAILED, user=x, ip=[1.1.1.1], ip=[::ffff:192.0.2.6], port=[255]",
	  OK, EV_AUTH_FAIL, "192.0.2.6", "x, ip=[1.1.1.1]", SVC_IMAP, NULL,
	  NULL, NULL, NULL, 1 },
	{ "Apr 27 09:01:00 servername imapd: LOGIN, user=tester, ip=[::ffff:192.0.2.5], port=[4711], protocol=IMAP",
	  OK, EV_AUTH_OK, "192.0.2.5", "tester", SVC_IMAP, NULL, NULL, NULL,
	  NULL, 1 },
	{ "Jul  3 23:07:20 szerver courieresmtpd: error,relay=::ffff:1.2.3.4,msg=\"535 Authentication failed.\",cmd: YWRvYmVhZG9iZQ==",
	  OK, EV_AUTH_FAIL, "1.2.3.4", NULL, SVC_NONE, NULL, NULL, NULL, NULL,
	  1 },
	{ "Aug 14 12:51:04 mail.server courieresmtpd[26762]: error,relay=::ffff:1.2.3.4,msg=\"535 Authentication failed.\",cmd: AUTH PLAIN AAAAABBBBCCCCWxlZA== admin",
	  OK, EV_AUTH_FAIL, "1.2.3.4", NULL, SVC_NONE, "PLAIN", NULL, NULL,
	  NULL, 1 },
	{ "Aug 14 12:51:05 mail.server courieresmtpd[425070]: error,relay=::ffff:192.0.2.3,port=43632,msg=\"535 Authentication failed.\",cmd: AUTH LOGIN PlcmSpIp@example.com",
	  OK, EV_AUTH_FAIL, "192.0.2.3", "PlcmSpIp@example.com", SVC_NONE,
	  "LOGIN", NULL, NULL, NULL, 1 },
	{ "Aug 14 12:51:06 mail.server courieresmtpd[425070]: error,relay=::ffff:192.0.2.3,port=43632,msg=\"535 Authentication failed.\",cmd: AUTH LOGIN Ym9i",
	  OK, EV_AUTH_FAIL, "192.0.2.3", NULL, SVC_NONE, "LOGIN", NULL, NULL,
	  NULL, 1 },
	{ "Apr 10 03:47:57 web courieresmtpd: error,relay=::ffff:1.2.3.4,ident=tmf,from=<tmf@example.com>,to=<mailman-subscribe@example.com>: 550 User unknown.",
	  OK, EV_REJECT, "1.2.3.4", NULL, SVC_NONE, NULL, NULL, NULL, NULL,
	  1 },
	{ "Apr 10 03:47:58 web imapd: DISCONNECTED, user=tester, ip=[::ffff:192.0.2.5], headers=0, body=0",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
};

Test(parse_courier, table)
{
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		mta_run(&cases[i], parse_courier);
}

Test(parse_courier, claims_only_courier_words)
{
	struct envelope env;
	const char *why;
	static const char uw[] = "Jun 21 16:47:48 host imapd[1]: Login failed user=x auth=x host=h [192.0.2.1]";

	cr_assert_eq(envelope_parse(uw, strlen(uw), &env, &why), ENV_OK);
	cr_expect(!parse_courier_claims(&env));
	cr_assert_eq(envelope_parse(cases[0].line, strlen(cases[0].line), &env,
	    &why), ENV_OK);
	cr_expect(parse_courier_claims(&env));
}

Test(parse_courier, end_to_end)
{
	static const struct e2e_line v[] = {
		{ cases[0].line, "auth-fail", "1.2.3.4", "sales@example.com" },
		{ cases[3].line, "auth-fail", "192.0.2.4", "" },
		{ cases[4].line, "auth-fail", "192.0.2.5", "tester" },
		{ cases[7].line, "auth-fail", "1.2.3.4", "" },
		{ cases[9].line, "auth-fail", "192.0.2.3",
		  "PlcmSpIp@example.com" },
		{ cases[11].line, "reject", "1.2.3.4", "" },
	};

	e2e_check("courier.log", v, NELEM(v));
}
