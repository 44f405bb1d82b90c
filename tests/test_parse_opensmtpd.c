/*
 * tests/test_parse_opensmtpd.c - io/parse_opensmtpd.c on lines built
 * from smtpd's format strings (formats.md 7) and the old "smtp-in:" lines
 * of the Wazuh corpus, and the session join through the binary: the
 * authentication line gets the address of its session's connect line.
 */
#include "tests/mta_case.h"
#include "tests/e2e_events.h"
#include "io/parse_opensmtpd.h"

#define OK	PARSE_OK
#define IGN	PARSE_IGNORE

static const struct mta_case cases[] = {
	{ "Dec 11 15:42:50 mx1 smtpd[771]: 7c2b1e0f5a3d4e91 smtp connected address=203.0.113.7 host=<unknown>",
	  OK, EV_CONNECT, "203.0.113.7", NULL, SVC_NONE, NULL, NULL,
	  "7c2b1e0f5a3d4e91", NULL, 1 },
	{ "Dec 11 15:42:51 mx1 smtpd[771]: 7c2b1e0f5a3d4e91 smtp authentication user=alice result=permfail",
	  OK, EV_AUTH_FAIL, NULL, "alice", SVC_NONE, NULL, NULL,
	  "7c2b1e0f5a3d4e91", NULL, 1 },
	{ "Dec 11 15:42:52 mx1 smtpd[771]: 7c2b1e0f5a3d4e91 smtp authentication user=a\\040result=ok result=permfail",
	  OK, EV_AUTH_FAIL, NULL, "a\\040result=ok", SVC_NONE, NULL, NULL,
	  NULL, NULL, 1 },
	{ "Dec 11 15:42:53 mx1 smtpd[771]: 7c2b1e0f5a3d4e92 smtp connected address=[2001:db8::1] host=h.example",
	  OK, EV_CONNECT, "2001:db8::1", NULL, SVC_NONE, NULL, NULL, NULL,
	  NULL, 1 },
	{ "Dec 11 15:42:54 mx1 smtpd[771]: 7c2b1e0f5a3d4e92 smtp authentication user=bob result=ok",
	  OK, EV_AUTH_OK, NULL, "bob", SVC_NONE, NULL, NULL, NULL, NULL, 1 },
	{ "Dec 11 15:42:55 mx1 smtpd[771]: 7c2b1e0f5a3d4e92 smtp authentication user=bob result=tempfail",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
	{ "Dec 11 15:42:56 mx1 smtpd[771]: 7c2b1e0f5a3d4e91 smtp disconnected reason=quit",
	  OK, EV_DISCONNECT, NULL, NULL, SVC_NONE, NULL, NULL, NULL, NULL,
	  1 },
	{ "Dec 11 15:42:57 mx1 smtpd[771]: 7c2b1e0f5a3d4e93 smtp connected address=local host=mx1",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
	{ "Aug 17 01:26:02 ix smtpd[22704]: smtp-in: New session 08d856b172f69c5c from host ix.example.com [local]",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
	{ "Aug 17 01:26:02 ix smtpd[22704]: smtp-in: New session 08d856b172f69c5d from host mail.example.com [192.0.2.8]",
	  OK, EV_CONNECT, "192.0.2.8", NULL, SVC_NONE, NULL, NULL,
	  "08d856b172f69c5d", NULL, 1 },
	{ "Aug 17 01:26:03 ix smtpd[22704]: smtp-in: Authentication failed for user carol on session 08d856b172f69c5d",
	  OK, EV_AUTH_FAIL, NULL, "carol", SVC_NONE, NULL, NULL,
	  "08d856b172f69c5d", NULL, 1 },
	{ "Aug 14 10:15:25 junction.example.com smtpd[28882]: smtp-in: Failed command on session 1f55bdcdf16e28a3: \"MAIL FROM:<root@junction.example.com>  \" => 421 4.3.0: Temporary Error",
	  IGN, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 },
	{ "Aug 17 01:26:02 ix smtpd[22704]: smtp-in: Closing session 08d856b172f69c5c",
	  OK, EV_DISCONNECT, NULL, NULL, SVC_NONE, NULL, NULL, NULL, NULL,
	  1 },
};

Test(parse_opensmtpd, table)
{
	size_t i;

	for (i = 0; i < NELEM(cases); i++)
		mta_run(&cases[i], parse_opensmtpd);
}

/* The address of the connect line reaches the session's other lines. */
Test(parse_opensmtpd, end_to_end)
{
	static const struct e2e_line v[] = {
		{ cases[0].line, "connect", "203.0.113.7", "" },
		{ cases[3].line, "connect", "2001:db8::1", "" },
		{ cases[1].line, "auth-fail", "203.0.113.7", "alice" },
		{ cases[4].line, "auth-ok", "2001:db8::1", "bob" },
		{ cases[6].line, "disconnect", "203.0.113.7", "" },
		/* after the disconnect the session is unknown */
		{ "Dec 11 15:43:00 mx1 smtpd[771]: 7c2b1e0f5a3d4e91 smtp authentication user=eve result=permfail",
		  "auth-fail", "", "eve" },
		{ cases[9].line, "connect", "192.0.2.8", "" },
		{ cases[10].line, "auth-fail", "192.0.2.8", "carol" },
		/* same session id, other host: no join */
		{ "Aug 17 01:26:04 other smtpd[22704]: smtp-in: Authentication failed for user dave on session 08d856b172f69c5d",
		  "auth-fail", "", "dave" },
	};

	e2e_check("opensmtpd.log", v, NELEM(v));
}
