/*
 * tests/test_parse_sendmail.c - io/parse_sendmail.c on real lines from
 * the fail2ban corpus (sendmail-auth: every line a labelled failure;
 * sendmail-reject: rejects, never auth events) and on lines built from
 * Sendmail's and saslauthd's format strings (formats.md 4 and 6), then
 * the same lines through the built binary.
 */
#include "tests/mta_case.h"
#include "tests/e2e_events.h"
#include "io/parse_sendmail.h"

#define OK	PARSE_OK
#define IGN	PARSE_IGNORE

static const struct mta_case sm_cases[] = {
	{ "Feb 16 23:33:20 smtp1 sm-mta[5133]: s1GNXHYB005133: [190.5.230.178]: possible SMTP attack: command=AUTH, count=5",
	  OK, EV_AUTH_FAIL, "190.5.230.178", NULL, SVC_NONE, NULL,
	  "s1GNXHYB005133", NULL, NULL, 4 },
	{ "Feb 24 13:00:17 kismet sm-acceptingconnections[1499]: s1OHxxSn001499: 192.241.70.95.dsl.static.turk.net [95.70.241.192] (may be forged): possible SMTP attack: command=AUTH, count=6",
	  OK, EV_AUTH_FAIL, "95.70.241.192", NULL, SVC_NONE, NULL, NULL,
	  NULL, NULL, 5 },
	{ "Feb 24 14:00:01 server sendmail[3529566]: xA32R2PQ3529566: [192.0.2.2]: possible SMTP attack: command=AUTH, count=5",
	  OK, EV_AUTH_FAIL, "192.0.2.2", NULL, SVC_NONE, NULL,
	  "xA32R2PQ3529566", NULL, NULL, 4 },
	{ "Feb 24 14:00:01 server sendmail[3529566]: xA32R2PQ3529566: [192.0.2.2]: possible SMTP attack: command=VRFY, count=7",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
	{ "Feb 25 04:02:27 relay1 sendmail[16664]: 06I02CNi016764: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=user@example.com, relay=example.com [192.0.2.3] (may be forged)",
	  OK, EV_AUTH_FAIL, "192.0.2.3", "user@example.com", SVC_NONE,
	  "LOGIN", "06I02CNi016764", NULL, NULL, 1 },
	{ "Feb 25 04:02:28 relay1 sendmail[16665]: 06I02CNi016765: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=criminal, relay=[192.0.2.100], relay=[192.0.2.4] (may be forged)",
	  OK, EV_AUTH_FAIL, "192.0.2.4", "criminal, relay=[192.0.2.100]",
	  SVC_NONE, "LOGIN", NULL, NULL, NULL, 1 },
	{ "May 24 01:59:07 server sm-mta[65815]: 14NNx65Q065815: AUTH failure (CRAM-MD5): user not found (-20) SASL(-13): user not found: user: scan@server.example.com property: userPassword not found in sasldb /usr/local/etc/sasldb2, user=scan, relay=[192.0.2.6]",
	  OK, EV_AUTH_FAIL, "192.0.2.6", "scan", SVC_NONE, "CRAM-MD5", NULL,
	  NULL, NULL, 1 },
	{ "May 29 23:14:05 server sendmail[25411]: 26H8MRrS025411: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, relay=[192.0.2.9]",
	  OK, EV_AUTH_FAIL, "192.0.2.9", NULL, SVC_NONE, "LOGIN", NULL, NULL,
	  NULL, 1 },
	/* formats.md 1.5: IPv6 relay. */
	{ "Dec  6 12:02:30 mx1 sm-mta[19515]: xB6C2UaB019515: AUTH failure (PLAIN): authentication failure (-13) SASL(-13): authentication failure: Password verification failed, user=bob, relay=client.example [IPv6:2001:DB8::7]",
	  OK, EV_AUTH_FAIL, "2001:db8::7", "bob", SVC_NONE, "PLAIN", NULL,
	  NULL, NULL, 1 },
	/* formats.md 6: success, then the message's lines. */
	{ "Dec  6 12:02:33 mx1 sm-mta[19515]: AUTH=server, relay=[203.0.113.7], authid=alice, mech=PLAIN, bits=0",
	  OK, EV_AUTH_OK, "203.0.113.7", "alice", SVC_NONE, "PLAIN", "", NULL,
	  NULL, 1 },
	{ "Dec  6 12:02:34 mx1 sm-mta[19515]: xB6C2Y0a019515: from=<alice@example.org>, size=2345, class=0, nrcpts=3, msgid=<x@y>, proto=ESMTPSA, daemon=MSA, relay=laptop.example [203.0.113.7]",
	  OK, EV_SUBMIT, "203.0.113.7", NULL, SVC_SUBMISSION, "ESMTPSA",
	  "xB6C2Y0a019515", NULL, NULL, 3 },
	{ "Nov  3 11:35:30 Microsoft sendmail[26254]: rA37ZTSC026254: from=<davaojk25@domain.com>, size=0, class=0, nrcpts=0, bodytype=8BITMIME, proto=ESMTP, daemon=MTA, relay=163.23.32.95.dsl-dynamic.vsi.ru [95.32.23.163]",
	  OK, EV_QUEUED, "95.32.23.163", NULL, SVC_SMTP, "ESMTP", NULL, NULL,
	  NULL, 0 },
	{ "Dec  6 12:02:35 mx1 sm-mta[19516]: xB6C2Y0a019515: to=<b@example.net>,<c@example.net>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120345, relay=mx.example.net. [198.51.100.25], dsn=2.0.0, stat=Sent (OK)",
	  OK, EV_DELIVERY, NULL, NULL, SVC_NONE, NULL, "xB6C2Y0a019515",
	  NULL, "sent", 2 },
	{ "Dec  6 12:02:36 mx1 sm-mta[19516]: xB6C2Y0a019515: to=<d@example.com>, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=120345, relay=mx.example.com. [198.51.100.26], dsn=5.7.1, stat=Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org",
	  OK, EV_DNSBL, NULL, NULL, SVC_NONE, NULL, NULL, NULL, "bounced", 1 },
	{ "Feb 23 07:00:08 petermurray sm-mta[3992]: s1N706jo003992: ruleset=check_rcpt, arg1=<joaofr@camilopinto.pt>, relay=[151.232.63.226], reject=550 5.7.1 <joaofr@camilopinto.pt>... Rejected: 151.232.63.226 listed at sbl-xbl.spamhaus.org",
	  OK, EV_REJECT, "151.232.63.226", NULL, SVC_NONE, NULL, NULL, NULL,
	  NULL, 0 },
	{ "Mar 29 22:51:46 server sm-mta[50438]: 06QDQnNf050438: example.com [IPv6:2001:DB8::1] did not issue MAIL/EXPN/VRFY/ETRN during connection to IPv6",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
	{ "Feb 13 01:16:50 batman sm-mta[25815]: s1D0GoSs025815: [217.193.142.180]: vrfy info [rejected]",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
};

static const struct mta_case sasl_cases[] = {
	{ "Jul 30 11:39:07 srv2v saslauthd[1771]: do_auth         : auth failure: [user=miller] [service=smtp] [realm=example.com] [mech=pam] [reason=PAM auth error]",
	  OK, EV_AUTH_BACKEND, NULL, "miller", SVC_SMTP, "pam", NULL, NULL,
	  NULL, 1 },
	{ "Jul 30 11:39:08 srv2v saslauthd[1771]: do_auth         : auth failure: [user=a] [service=x] [b] [service=imap] [realm=] [mech=shadow] [reason=Unknown]",
	  OK, EV_AUTH_BACKEND, NULL, "a] [service=x] [b", SVC_IMAP, "shadow",
	  NULL, NULL, NULL, 1 },
	{ "Jul 30 11:39:09 srv2v saslauthd[1771]: do_auth         : auth success: [user=miller] [service=smtp] [realm=] [mech=pam]",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
};

Test(parse_sendmail, table)
{
	size_t i;

	for (i = 0; i < NELEM(sm_cases); i++)
		mta_run(&sm_cases[i], parse_sendmail);
}

Test(parse_sendmail, saslauthd)
{
	size_t i;

	for (i = 0; i < NELEM(sasl_cases); i++)
		mta_run(&sasl_cases[i], parse_saslauthd);
}

Test(parse_sendmail, claims)
{
	cr_expect(parse_sendmail_claims(SPAN_LIT("sm-mta")));
	cr_expect(parse_sendmail_claims(SPAN_LIT("sendmail")));
	cr_expect(parse_sendmail_claims(SPAN_LIT("sm-acceptingconnections")));
	cr_expect(!parse_sendmail_claims(SPAN_LIT("sm-")));
	cr_expect(!parse_sendmail_claims(SPAN_LIT("postfix/sendmail")));
	cr_expect(parse_saslauthd_claims(SPAN_LIT("saslauthd")));
}

/* The corpus's failures and rejects through the binary. */
Test(parse_sendmail, end_to_end)
{
	static const struct e2e_line v[] = {
		{ sm_cases[0].line, "auth-fail", "190.5.230.178", "" },
		{ sm_cases[4].line, "auth-fail", "192.0.2.3",
		  "user@example.com" },
		{ sm_cases[5].line, "auth-fail", "192.0.2.4",
		  "criminal, relay=[192.0.2.100]" },
		{ sm_cases[8].line, "auth-fail", "2001:db8::7", "bob" },
		{ sm_cases[14].line, "reject", "151.232.63.226", "" },
		{ "Feb 23 21:18:47 batman sm-mta[93301]: s1NKIkZa093301: [76.72.174.70]: EXPN root [rejected]",
		  NULL, NULL, NULL },
		{ sasl_cases[0].line, "auth-backend", "", "miller" },
	};

	e2e_check("sendmail.log", v, NELEM(v));
}
