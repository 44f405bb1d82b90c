/*
 * tests/test_parse_dovecot.c - table-driven tests of io/parse_dovecot.c.
 *
 * Each case is a whole log line and the fields expected from it.  The
 * table tests split the envelope with a small helper here (the
 * conventions io/envelope.c follows for Dovecot lines), so they depend on
 * the Dovecot parser alone; the corpus test runs the real pipeline,
 * envelope_parse() then parse_dovecot(), over the labelled fail2ban file
 * when $CORPUS points at it.  Lines marked [C] are copied verbatim from
 * the corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"
#include "io/parse_dovecot.h"
#include "io/span.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ANY		NULL		/* field not checked */

struct dv_case {
	const char		*line;
	enum parse_status	 st;
	enum ev_kind		 kind;
	enum ev_service		 svc;
	const char		*ip;		/* ANY: has_ip not checked */
	const char		*user;		/* ANY: not checked */
	uint32_t		 count;
	uint32_t		 set;		/* flags that must be set */
	uint32_t		 clear;		/* flags that must be clear */
	const char		*session;	/* ANY: not checked */
	const char		*method;	/* ANY: not checked */
};

/* token_end - end of the space-free run at p. */
static const char *
token_end(const char *p, const char *end)
{
	while (p < end && *p != ' ')
		p++;
	return p;
}

/* skip_spaces - first non-space byte at or after p. */
static const char *
skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/*
 * skip_time - past the time stamp: "@4000..." (TAI64N), "YYYY-MM-DD
 * hh:mm:ss" or a single RFC 3339 token, or BSD "Mon dd hh:mm:ss".
 */
static const char *
skip_time(const char *p, const char *end)
{
	int i, n;

	if (*p == '@')
		n = 1;
	else if (*p >= '0' && *p <= '9')
		n = memchr(p, 'T', (size_t)(token_end(p, end) - p)) ? 1 : 2;
	else
		n = 3;
	for (i = 0; i < n; i++)
		p = skip_spaces(token_end(p, end), end);
	return p;
}

/*
 * mkenv - split a Dovecot test line as the envelope parser does: an
 * optional host (a first token not ending in ':'), the tag up to ':' with
 * an optional "[pid]", the message after ": ", and under the "dovecot"
 * tag a repeated "dovecot: " dropped.
 */
static void
mkenv(const char *line, struct envelope *env)
{
	const char *end = line + strlen(line), *p, *t, *te, *lb;

	memset(env, 0, sizeof(*env));
	p = skip_time(line, end);
	t = token_end(p, end);
	if (t > p && t[-1] != ':') {
		env->host = span_make(p, (size_t)(t - p));
		p = skip_spaces(t, end);
		t = token_end(p, end);
	}
	cr_assert(t > p && t[-1] == ':', "test line without tag: '%s'", line);
	te = t - 1;
	if (te[-1] == ']' && (lb = memchr(p, '[', (size_t)(te - p))) != NULL) {
		env->pid = span_make(lb + 1, (size_t)(te - 1 - lb - 1));
		te = lb;
	}
	env->tag = span_make(p, (size_t)(te - p));
	p = skip_spaces(t, end);
	env->msg = span_make(p, (size_t)(end - p));
	if (span_eq(env->tag, "dovecot") && span_starts(env->msg, "dovecot: "))
		env->msg = span_skip(env->msg, 9);
}

static void
expect_span(struct span got, const char *want, const char *what,
    const char *line)
{
	cr_expect(got.len == strlen(want) &&
	    (got.len == 0 || memcmp(got.p, want, got.len) == 0),
	    "%s: got '%.*s', want '%s' in '%.200s'", what, (int)got.len,
	    got.len ? got.p : "", want, line);
}

static void
expect_ip(const struct raw_event *ev, const char *want, const char *line)
{
	struct ipaddr ip;
	char buf[IPADDR_STRLEN];

	cr_assert(ipaddr_parse(span_make(want, strlen(want)), &ip),
	    "bad test ip '%s'", want);
	cr_expect(ev->has_ip, "no ip in '%.200s'", line);
	cr_expect(memcmp(&ip, &ev->ip, sizeof(ip)) == 0,
	    "ip %s, want '%s' in '%.200s'", ipaddr_format(&ev->ip, buf), want,
	    line);
}

/* check_case - run one table line through the parser. */
static void
check_case(const struct dv_case *c)
{
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;
	enum parse_status st;

	mkenv(c->line, &env);
	cr_expect(parse_dovecot_claims(&env), "not claimed: '%.200s'",
	    c->line);
	st = parse_dovecot(&env, &ev, &why);
	cr_expect_eq(st, c->st, "status %d (%s), want %d in '%.200s'", st,
	    why ? why : "", c->st, c->line);
	if (st != PARSE_OK || c->st != PARSE_OK)
		return;
	cr_expect_eq(ev.kind, c->kind, "kind %d, want %d in '%.200s'",
	    ev.kind, c->kind, c->line);
	cr_expect_eq(ev.service, c->svc, "service %d, want %d in '%.200s'",
	    ev.service, c->svc, c->line);
	if (c->ip != ANY)
		expect_ip(&ev, c->ip, c->line);
	if (c->user != ANY)
		expect_span(ev.account, c->user, "account", c->line);
	if (c->session != ANY)
		expect_span(ev.session, c->session, "session", c->line);
	if (c->method != ANY)
		expect_span(ev.method, c->method, "method", c->line);
	if (c->count != 0)
		cr_expect_eq(ev.count, c->count,
		    "count %u, want %u in '%.200s'", ev.count, c->count,
		    c->line);
	cr_expect_eq(ev.flags & c->set, c->set, "flags %#x lack %#x in "
	    "'%.200s'", ev.flags, c->set, c->line);
	cr_expect_eq(ev.flags & c->clear, 0, "flags %#x have %#x in '%.200s'",
	    ev.flags, c->clear, c->line);
	cr_expect_eq(!!(ev.flags & EVF_SESSION), ev.session.len > 0,
	    "EVF_SESSION disagrees with the session in '%.200s'", c->line);
}

static void
check_table(const struct dv_case *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_case(&tab[i]);
}

/* Login-process failures, [C] fail2ban/dovecot.log unless noted. */
static const struct dv_case login_fail[] = {
	{ "@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth "
	  "failed, 1 attempts): user=<martin@waschbuesch.de>, method=CRAM-MD5, "
	  "rip=80.187.101.33, lip=80.254.129.240, TLS",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "80.187.101.33",
	  "martin@waschbuesch.de", 1, 0, EVF_SUSPICIOUS | EVF_NO_PASSWORD,
	  "", "CRAM-MD5" },
	{ "Jun 13 16:30:54 platypus dovecot: imap-login: Disconnected (auth "
	  "failed, 2 attempts): user=<username.bob>, method=PLAIN, "
	  "rip=49.176.98.87, lip=113.212.99.194, TLS",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "49.176.98.87", "username.bob",
	  2, 0, EVF_SUSPICIOUS, "", "PLAIN" },
	{ "Jun 14 00:48:21 platypus dovecot: imap-login: Disconnected (auth "
	  "failed, 1 attempts): method=PLAIN, rip=59.167.242.100, "
	  "lip=113.212.99.194, TLS: Disconnected",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "59.167.242.100", "", 1, 0,
	  EVF_SUSPICIOUS, ANY, "PLAIN" },
	{ "Jun 23 00:52:43 vhost1-ua dovecot: pop3-login: Disconnected: "
	  "Inactivity (auth failed, 1 attempts): user=<info>, method=PLAIN, "
	  "rip=193.95.245.163, lip=176.214.13.210",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "193.95.245.163", "info", 1, 0,
	  EVF_SUSPICIOUS, ANY, ANY },
	{ "Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login aborted: "
	  "Connection closed (auth failed, 3 attempts in 16 secs) "
	  "(auth_failed): user=<test>, method=PLAIN, rip=192.0.2.241, "
	  "lip=203.0.113.104, TLS, session=<9ZHq02g3J8S60fan>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.241", "test", 3,
	  EVF_SESSION, EVF_SUSPICIOUS, "9ZHq02g3J8S60fan", "PLAIN" },
	{ "Jun 13 16:35:56 mx dovecot[241]: managesieve-login: Login aborted: "
	  "Logged out (auth failed, 1 attempts in 10 secs) (auth_failed): "
	  "user=<user@domain>, method=PLAIN, rip=192.0.2.241, "
	  "lip=203.0.113.104, TLS, session=<Dp8j1Ho3suQYdo+k>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_MANAGESIEVE, "192.0.2.241",
	  "user@domain", 1, EVF_SESSION, 0, "Dp8j1Ho3suQYdo+k", ANY },
	{ "Jul 02 13:49:31 hostname dovecot[442]: pop3-login: Aborted login "
	  "(auth failed, 1 attempts in 17 secs): user=<test>, method=PLAIN, "
	  "rip=192.51.100.13, lip=203.0.113.17, session=<YADINsQCDs5BH8Pg>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "192.51.100.13", "test", 1,
	  EVF_SESSION, 0, "YADINsQCDs5BH8Pg", ANY },
	{ "Jan 13 20:51:05 valhalla dovecot: pop3-login: Disconnected: "
	  "Inactivity (auth failed, 1 attempts in 178 secs): user=<ivo>, "
	  "method=PLAIN, rip=1.2.3.4, lip=1.1.2.2, "
	  "session=<6brQWt/vCADDhP/+>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "1.2.3.4", "ivo", 1, EVF_SESSION,
	  0, "6brQWt/vCADDhP/+", ANY },
	{ "Jan 14 15:54:30 valhalla dovecot: pop3-login: Disconnected (auth "
	  "failed, 1 attempts in 2 secs): user=<ivo>, method=PLAIN, "
	  "rip=1.2.3.4, lip=1.1.2.2, TLS: Disconnected, "
	  "session=<q454Xu/vMwBZApgg>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "1.2.3.4", "ivo", 1, EVF_SESSION,
	  0, "q454Xu/vMwBZApgg", ANY },
	{ "Jan 29 09:33:58 pop3-login: Info: Aborted login (auth failed, 1 "
	  "attempts in 2 secs): user=<grace>, method=PLAIN, rip=212.9.180.3",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "212.9.180.3", "grace", 1, 0, 0,
	  ANY, "PLAIN" },
	{ "Jan 29 09:34:17 pop3-login: Info: Aborted login (auth failed, 1 "
	  "attempts in 62 secs): user=<carl.matx@sxxxxxxx.net>, method=PLAIN, "
	  "rip=1.2.3.4, TLS",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "1.2.3.4",
	  "carl.matx@sxxxxxxx.net", 1, 0, 0, ANY, ANY },
	{ "Jan 29 09:38:03 pop3-login: Info: Disconnected: Inactivity (auth "
	  "failed, 1 attempts in 178 secs): user=<suzanne>, method=PLAIN, "
	  "rip=117.218.51.80",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "117.218.51.80", "suzanne", 1, 0,
	  0, ANY, ANY },
	{ "Jul 17 09:21:22 mailproxy dovecot: imap-login: Disconnected (proxy "
	  "dest auth failed): user=<rtomes@acenet.com.au>, method=PLAIN, "
	  "rip=192.0.2.4, lip=192.168.1.2, session=<NTI4FiZxcQCSud4G>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.4",
	  "rtomes@acenet.com.au", 1, EVF_SESSION, EVF_NO_PASSWORD, ANY, ANY },
	{ "Jul 26 11:12:19 hostname dovecot: imap-login: Disconnected: Too "
	  "many invalid commands (auth failed, 1 attempts in 17 secs): "
	  "user=<test>, method=PLAIN, rip=192.0.2.2, lip=192.168.1.1, TLS, "
	  "session=<g3ZKeDECFqlWWMbU>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.2", "test", 1, 0, 0,
	  ANY, ANY },
	{ "Aug 28 06:38:51 s166-62-100-187 dovecot: imap-login: Disconnected "
	  "(auth failed, 1 attempts in 9 secs): "
	  "user=<administrator@example.com>, method=PLAIN, rip=192.0.2.3, "
	  "lip=192.168.1.2, TLS: Disconnected, TLSv1.2 with cipher "
	  "ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.3",
	  "administrator@example.com", 1, 0, 0, ANY, ANY },
	/* gh-3210: parentheses in the REASON. */
	{ "Aug 28 06:38:52 s166-62-100-187 dovecot: imap-login: Disconnected: "
	  "Connection closed: read(size=1003) failed: Connection reset by peer "
	  "(auth failed, 1 attempts in 0 secs): user=<test@example.com>, "
	  "rip=192.0.2.4, lip=127.0.0.19, session=<Lsz0Oo7WXti3b7xe>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.4", "test@example.com",
	  1, 0, EVF_SUSPICIOUS, ANY, "" },
	{ "Aug 29 03:17:18 server dovecot: submission-login: Client has quit "
	  "the connection (auth failed, 1 attempts in 2 secs): user=<user1>, "
	  "method=LOGIN, rip=192.0.2.133, lip=0.0.0.0",
	  PARSE_OK, EV_AUTH_FAIL, SVC_SUBMISSION, "192.0.2.133", "user1", 1,
	  0, 0, ANY, "LOGIN" },
	{ "Aug 29 03:53:52 server dovecot: submission-login: Remote closed "
	  "connection (auth failed, 1 attempts in 2 secs): user=<user4>, "
	  "method=PLAIN, rip=192.0.2.169, lip=0.0.0.0",
	  PARSE_OK, EV_AUTH_FAIL, SVC_SUBMISSION, "192.0.2.169", "user4", 1,
	  0, 0, ANY, ANY },
	{ "Aug 29 15:33:53 server dovecot: managesieve-login: Disconnected: "
	  "Too many invalid commands. (auth failed, 1 attempts in 2 secs): "
	  "user=<myself>, method=PLAIN, rip=192.0.2.100, lip=0.0.0.0, TLS, "
	  "TLSv1.3 with cipher TLS_CHACHA20_POLY1305_SHA256 (256/256 bits)",
	  PARSE_OK, EV_AUTH_FAIL, SVC_MANAGESIEVE, "192.0.2.100", "myself", 1,
	  0, 0, ANY, ANY },
	{ "Aug 30 00:11:05 imap-login: Info: Login aborted: Connection closed "
	  "(auth failed, 3 attempts in 16 secs) (auth_failed): "
	  "user=<info@example.com>, method=PLAIN, rip=192.0.2.110, "
	  "lip=0.0.0.0, TLS, session=<CvN+E95Uf4e7eEnj>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.110", "info@example.com",
	  3, EVF_SESSION, 0, "CvN+E95Uf4e7eEnj", "PLAIN" },
	/* [C] wazuh/dovecot.log */
	{ "Dec 19 06:21:06 ny dovecot: imap-login: Disconnected (auth failed, "
	  "7 attempts in 111 secs): user=<thousands>, method=PLAIN, "
	  "rip=109.201.200.201, lip=67.205.141.203, "
	  "session=<+hgd5vxDBMZtycjJ>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "109.201.200.201", "thousands", 7,
	  EVF_SESSION, 0, ANY, ANY },
	/* [C] wazuh: 1.x count and ::ffff: addresses. */
	{ "May 31 09:43:57 pop3-login: Info: Aborted login (1 authentication "
	  "attempts): user=<username>, method=PLAIN, rip=::ffff:1.2.3.4, "
	  "lip=::ffff:1.2.3.5, secured",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "1.2.3.4", "username", 1, 0, 0,
	  ANY, ANY },
	/* [C] crowdsec/dovecot-logs.log: level word after the process. */
	{ "Oct 12 15:44:43 canyon dovecot: pop3-login: Info: Disconnected: "
	  "Connection closed (auth failed, 2 attempts in 30 secs): "
	  "user=<hess@lol.fr>, method=PLAIN, rip=172.17.0.1, lip=172.17.0.2, "
	  "TLS: Connection closed, session=<oEOptynOHNasEQAB>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "172.17.0.1", "hess@lol.fr", 2,
	  EVF_SESSION, 0, "oEOptynOHNasEQAB", ANY },
	/* [S] 2.1.x/2.2 authorization failure. */
	{ "Jan  2 10:00:00 mx dovecot: imap-login: Disconnected "
	  "(authorization failed, 2 attempts in 4 secs): user=<bob>, "
	  "method=PLAIN, rip=192.0.2.9, lip=192.0.2.1",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.9", "bob", 2, 0, 0, ANY,
	  ANY },
	/* [S] 2.4 wording of a proxy failure, and an IPv6 client. */
	{ "Jan  2 10:00:01 mx dovecot: imap-login: Login aborted: Disconnected "
	  "(proxy dest authentication failure to backend.example.org) "
	  "(proxy_dest_auth_failed): user=<bob>, method=PLAIN, "
	  "rip=2001:DB8::1, lip=2001:db8::2, session=<abc>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "2001:db8::1", "bob", 1,
	  EVF_SESSION, EVF_NO_PASSWORD, "abc", ANY },
};

/* Plaintext refusals: failures without a password check. */
static const struct dv_case login_nopass[] = {
	{ "Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted login (tried "
	  "to use disabled plaintext auth): rip=190.210.136.21, "
	  "lip=113.212.99.193",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "190.210.136.21", "", 1,
	  EVF_NO_PASSWORD, 0, ANY, ANY },
	{ "Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted login (tried "
	  "to use disallowed plaintext auth): rip=190.210.136.21, "
	  "lip=113.212.99.193, session=<LgDINsQCkttVIMPg>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "190.210.136.21", "", 1,
	  EVF_NO_PASSWORD | EVF_SESSION, 0, "LgDINsQCkttVIMPg", ANY },
	{ "Jul 26 11:11:21 hostname dovecot: imap-login: Disconnected: Too "
	  "many invalid commands (tried to use disallowed plaintext auth): "
	  "user=<test>, rip=192.0.2.1, lip=192.168.1.1, "
	  "session=<S5dIdTFCDKUWWMbU>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.1", "test", 1,
	  EVF_NO_PASSWORD, 0, ANY, ANY },
	/* [S] 2.4 "cleartext". */
	{ "Jan  2 10:00:02 mx dovecot: imap-login: Login aborted: Logged out "
	  "(tried to use disallowed cleartext auth) (cleartext_auth_disabled): "
	  "user=<>, rip=192.0.2.8, lip=192.0.2.1, session=<x1>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.8", "", 1,
	  EVF_NO_PASSWORD, 0, "x1", ANY },
	/* GHSA-33wh-ccjc-p397 positive case: "a: " garbage and parentheses. */
	{ "Aug 31 16:06:05 s166-62-100-187 dovecot: imap-login: Disconnected: "
	  "a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: "
	  "(reason: some unknown reason) (tried to use disallowed test auth): "
	  "user=<>, rip=192.0.2.111",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "192.0.2.111", "", 1,
	  EVF_NO_PASSWORD, 0, ANY, ANY },
};

/* Successful logins. */
static const struct dv_case login_ok[] = {
	/* [C] crowdsec/dovecot-logs.log */
	{ "Oct 13 09:22:59 canyon dovecot: pop3-login: Info: Login: "
	  "user=<test@yourdomain.net>, method=PLAIN, rip=172.17.0.1, "
	  "lip=172.17.0.2, mpid=18, TLS, session=<PeYcgjjOGOisEQAB>",
	  PARSE_OK, EV_AUTH_OK, SVC_POP3, "172.17.0.1", "test@yourdomain.net",
	  1, EVF_SESSION, EVF_SUSPICIOUS, "PeYcgjjOGOisEQAB", "PLAIN" },
	/* [C] wazuh/dovecot.log, host-less with a level word for tag. */
	{ "Jun 23 15:04:05 Info: imap-login: Login: user=<username>, "
	  "method=PLAIN, rip=1.2.3.4, lip=1.2.3.5 Authentication Failure:",
	  PARSE_OK, EV_AUTH_OK, SVC_IMAP, "1.2.3.4", "username", 1, 0, 0,
	  ANY, "PLAIN" },
	/* [S] 2.4 */
	{ "Jan  2 10:00:03 mx dovecot: submission-login: Logged in: "
	  "user=<alice@example.org>, method=LOGIN, rip=198.51.100.7, "
	  "lip=192.0.2.1, mpid=4242, TLS, session=<Zx9>",
	  PARSE_OK, EV_AUTH_OK, SVC_SUBMISSION, "198.51.100.7",
	  "alice@example.org", 1, EVF_SESSION, 0, "Zx9", "LOGIN" },
};

/* Back-end auth lines, [C] fail2ban/dovecot.log unless noted. */
static const struct dv_case backend[] = {
	{ "Jul 02 13:49:32 hostname dovecot[442]: dovecot: auth(default): "
	  "pam(account@MYSERVERNAME.com,200.76.17.206): pam_authenticate() "
	  "failed: User not known to the underlying authentication module: 2 "
	  "Time(s)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "200.76.17.206",
	  "account@MYSERVERNAME.com", 1, 0, EVF_SUSPICIOUS, "", ANY },
	{ "2013-08-11 03:56:40 auth-worker(default): Info: "
	  "pam(username,1.2.3.4): pam_authenticate() failed: Authentication "
	  "failure (password mismatch?)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "1.2.3.4", "username", 1, 0, 0,
	  ANY, ANY },
	{ "Jan 29 05:32:50 mail dovecot: auth-worker(304): "
	  "pam(username,1.2.3.4): pam_authenticate() failed: Authentication "
	  "failure (password mismatch?)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "1.2.3.4", "username", 1, 0, 0,
	  ANY, ANY },
	{ "Jan 29 18:55:55 mail dovecot: auth-worker(12182): "
	  "pam(user,192.0.2.4): pam_authenticate() failed: Authentication "
	  "failure (Password mismatch?)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.4", "user", 1, 0, 0,
	  ANY, ANY },
	{ "Jan 29 05:13:40 mail dovecot: auth-worker(31326): "
	  "pam(username,1.2.3.4): unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "1.2.3.4", "username", 1, 0, 0,
	  ANY, ANY },
	{ "Jan 29 05:13:50 mail dovecot: auth: passwd-file(username,1.2.3.4): "
	  "unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "1.2.3.4", "username", 1, 0, 0,
	  ANY, ANY },
	{ "Jan 29 13:54:06 auth-worker(22401): Info: "
	  "sql(admin@example.de,192.0.2.5,<n4JLdHNVngZGpV2j>): unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.5", "admin@example.de",
	  1, EVF_SESSION, 0, "n4JLdHNVngZGpV2j", ANY },
	{ "Jun 11 13:57:17 main dovecot: auth: "
	  "ldap(user@server.org,192.168.178.25,<LZmGp6mZaMrAqLIZ>): unknown "
	  "user (SHA1 of given password: f638ff)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.168.178.25",
	  "user@server.org", 1, EVF_SESSION, 0, "LZmGp6mZaMrAqLIZ", ANY },
	{ "Jun 11 13:57:17 main dovecot: auth: "
	  "sql(admin@example.ru,192.168.144.226,<6rXunFtu493AqJDi>): Password "
	  "mismatch",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.168.144.226",
	  "admin@example.ru", 1, EVF_SESSION, 0, "6rXunFtu493AqJDi", ANY },
	{ "Jun 11 13:57:17 main dovecot: auth: "
	  "ldap(user@server.org,192.168.178.25,<LZmGp6mZaMrAqLIZ>): Password "
	  "mismatch (for LDAP bind) (SHA1 of given password: f638ff)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.168.178.25",
	  "user@server.org", 1, EVF_SESSION, 0, ANY, ANY },
	{ "Jun 12 11:48:12 auth-worker(80180): Info: conn unix:auth-worker "
	  "(uid=143): auth-worker<13247>: sql(support,192.0.2.6): unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.6", "support", 1, 0,
	  0, ANY, ANY },
	{ "Jun 12 23:06:05 auth-worker(57065): Info: conn unix:auth-worker "
	  "(uid=143): auth-worker<225622>: "
	  "sql(user@domain.com,192.0.2.7,<Yx7+W8+Io>): Password mismatch",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.7", "user@domain.com",
	  1, EVF_SESSION, 0, "Yx7+W8+Io", ANY },
	{ "Jun 15 11:28:21 hostname dovecot: auth-worker(5787): conn "
	  "unix:auth-worker (pid=27359,uid=97): auth-worker<55>: "
	  "pam(webapps,192.0.2.7): unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.7", "webapps", 1, 0,
	  0, ANY, ANY },
	{ "Jun 15 13:57:41 hostname dovecot: auth-worker(3270): conn "
	  "unix:auth-worker (pid=27359,uid=97): auth-worker<128>: "
	  "pam(webapps,192.0.2.7): pam_authenticate() failed: Authentication "
	  "failure (Password mismatch?)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.7", "webapps", 1, 0,
	  0, ANY, ANY },
	{ "Jan 29 14:38:51 example.com dovecot[24941]: auth-worker(30165): "
	  "pam(user@example.com,192.0.2.6,<PNHQq8pZhqIKAQGd>): "
	  "pam_authenticate() failed: Permission denied",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.6",
	  "user@example.com", 1, EVF_SESSION, 0, "PNHQq8pZhqIKAQGd", ANY },
	/* Empty element after the address. */
	{ "Mar 23 06:10:52 auth: Info: ldap(dog,52.37.139.121,): invalid "
	  "credentials",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "52.37.139.121", "dog", 1, 0,
	  0, ANY, ANY },
	/* 2.4, host-less: the prefix is the tag, the mechanism is in it. */
	{ "Aug 30 00:10:57 auth(info@example.com,192.0.2.110,sasl:login)"
	  "<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch (given password: "
	  "XxxxXXxx123)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.110",
	  "info@example.com", 1, EVF_SESSION, 0, "CvN+E95Uf4e7eEnj",
	  "login" },
	/* [S] 2.4 through syslog, with a worker pid and a request number. */
	{ "Jan  2 10:00:04 mx dovecot: auth(bob,192.0.2.10,sasl:plain,master)"
	  "<1234><sEs5>: request [7]: passwd-file: unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.10", "bob", 1,
	  EVF_SESSION, 0, "sEs5", "plain" },
	/* [C] wazuh/dovecot.log: 1.x forms. */
	{ "Jan 11 03:45:09 hostname dovecot: auth-worker(default): "
	  "sql(username,1.2.3.4): unknown user",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "1.2.3.4", "username", 1, 0, 0,
	  ANY, ANY },
	{ "Mar 13 15:25:07 Info: auth(default): "
	  "pam(user@example.com,::ffff:1.2.3.4): pam_authenticate() failed: "
	  "User not known to the underlying authentication module",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "1.2.3.4", "user@example.com",
	  1, 0, 0, ANY, ANY },
	/* [C] crowdsec: verbose password suffix. */
	{ "2024-12-31T06:56:17.784598+01:00 mail dovecot: auth-worker(10377): "
	  "conn unix:auth-worker (pid=919,uid=112): auth-worker<1>: "
	  "sql(testing@example.com,192.168.1.1): unknown user (given "
	  "password: Password123$)",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.168.1.1",
	  "testing@example.com", 1, 0, 0, ANY, ANY },
};

/* pam_unix lines of the dovecot service, [C] fail2ban/dovecot.log. */
static const struct dv_case pam[] = {
	{ "@400000004c91b044077a9e94 dovecot-auth: pam_unix(dovecot:auth): "
	  "authentication failure; logname= uid=0 euid=0 tty=dovecot "
	  "ruser=web rhost=176.61.140.224",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "176.61.140.224", "web", 1, 0,
	  EVF_SUSPICIOUS, ANY, ANY },
	{ "@400000004c91b044077a9e94 dovecot-auth: pam_unix(dovecot:auth): "
	  "authentication failure; logname= uid=0 euid=0 tty=dovecot "
	  "ruser=rhost=1.2.3.4 rhost=192.0.43.10",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.43.10", ANY, 1,
	  EVF_SUSPICIOUS, 0, ANY, ANY },
	{ "@400000004c91b044077a9e94 dovecot-auth: pam_unix(dovecot:auth): "
	  "authentication failure; logname= uid=0 euid=0 tty=dovecot "
	  "ruser=root rhost=176.61.140.225  user=root",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "176.61.140.225", "root", 1, 0,
	  EVF_SUSPICIOUS, ANY, ANY },
	{ "Apr 19 05:22:20 vm5 auth: pam_unix(dovecot:auth): authentication "
	  "failure; logname= uid=0 euid=0 tty=dovecot ruser=informix "
	  "rhost=80.255.3.104",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "80.255.3.104", "informix", 1,
	  0, 0, ANY, ANY },
	/* [S] a forged " rhost=" in both copies of the name. */
	{ "Apr 19 05:22:21 vm5 auth: pam_unix(dovecot:auth): authentication "
	  "failure; logname= uid=0 euid=0 tty=dovecot ruser=x rhost=6.6.6.6 "
	  "rhost=192.0.2.50  user=x rhost=6.6.6.6",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.50",
	  "x rhost=6.6.6.6", 1, EVF_SUSPICIOUS, 0, ANY, ANY },
};

/* Lines that are ours but report nothing we count. */
static const struct dv_case ignored[] = {
	{ "Jan 29 09:38:46 pop3-login: Info: Disconnected (no auth attempts in "
	  "10 secs): user=<>, rip=176.61.137.100, TLS handshaking: "
	  "SSL_accept() failed: error:140760FC:SSL "
	  "routines:SSL23_GET_CLIENT_HELLO:unknown protocol",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Jun 13 20:48:11 platypus dovecot: pop3-login: Disconnected (no auth "
	  "attempts): rip=121.44.24.254, lip=113.212.99.194, TLS: Disconnected",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Aug 22 12:09:41 server dovecot: imap-login: Login aborted: "
	  "Connection closed: read(size=653) failed: Connection reset by peer "
	  "(no auth attempts in 1 secs) (no_auth_attempts): user=<>, "
	  "rip=192.0.2.6, lip=192.0.2.1, TLS: read(size=653) failed: "
	  "Connection reset by peer, session=<qMLsbvY8PLSkXGoP>",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Aug 29 16:06:58 s166-62-100-187 dovecot: imap-login: Disconnected "
	  "(disconnected before auth was ready, waited 0 secs): user=<>, "
	  "rip=192.0.2.5, lip=192.168.1.2, TLS handshaking: SSL_accept() "
	  "syscall failed: Connection reset by peer",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Aug 31 16:15:10 s166-62-100-187 dovecot: imap-login: Disconnected "
	  "(client didn't finish SASL auth, waited 2 secs): user=<>, "
	  "method=PLAIN, rip=192.0.2.6, lip=192.168.1.2, TLS: SSL_read() "
	  "syscall failed: Connection reset by peer, TLSv1.2 with cipher "
	  "DHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Aug 22 12:09:41 server dovecot: imap-login: Login aborted: "
	  "Connection closed: SSL_accept() failed: error:0A0000C1:SSL "
	  "routines::no shared cipher (disconnected during TLS handshake) "
	  "(tls_handshake_not_finished): user=<>, rip=192.0.2.7, "
	  "lip=192.0.2.1, TLS handshaking: SSL_accept() failed: "
	  "error:0A0000C1:SSL routines::no shared cipher, "
	  "session=<Q23ybvY8RLSkXGoP>",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* GHSA-33wh-ccjc-p397 negative case. */
	{ "Aug 31 16:06:06 s166-62-100-187 dovecot: imap-login: Disconnected: "
	  "a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: a: "
	  "test no match",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* [C] wazuh: configuration errors and other records. */
	{ "Jun 17 10:15:24 hostname dovecot: Fatal: auth(default): Support not "
	  "compiled in for passdb driver 'ldap'",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Jun 17 10:15:24 hostname dovecot: Dovecot v1.2.rc3 starting up "
	  "(core dumps disabled)",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Jan 07 14:46:28 Warn: auth(default): "
	  "userdb(username,::ffff:127.0.0.1): user not found from userdb",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Jul  4 17:30:51 hostname dovecot[2992]: pop3-login: Disconnected: "
	  "rip=1.2.3.4, lip=1.2.3.5",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Jan 30 09:37:55 hostname dovecot: pop3-login: Aborted login: "
	  "user=<username>, method=PLAIN, rip=::ffff:1.2.3.4, "
	  "lip=::ffff:1.2.3.5",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* [S] a mail process and an auth line that is not a failure. */
	{ "Jan  2 10:00:05 mx dovecot: imap(bob)<123><sEs5>: Disconnected: "
	  "Logged out in=10 out=20",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Jan  2 10:00:06 mx dovecot: auth: passwd-file(bob,192.0.2.1): "
	  "Password expired",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
};

/*
 * Forged elements in attacker-chosen user names (formats.md 3.6): the
 * address must be the genuine one and the line must be flagged.
 */
static const struct dv_case injected[] = {
	{ "Jan  3 10:00:00 mx dovecot: imap-login: Disconnected (auth failed, "
	  "1 attempts in 2 secs): user=<x>, rip=6.6.6.6>, method=PLAIN, "
	  "rip=1.2.3.4, lip=192.0.2.1, TLS",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "1.2.3.4", "x>, rip=6.6.6.6", 1,
	  EVF_SUSPICIOUS, 0, ANY, "PLAIN" },
	{ "Jan  3 10:00:01 mx dovecot: imap-login: Disconnected (auth failed, "
	  "1 attempts in 2 secs): user=<x>, method=PLAIN, rip=6.6.6.6>, "
	  "method=PLAIN, rip=1.2.3.4, lip=192.0.2.1, TLS, session=<real>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "1.2.3.4",
	  "x>, method=PLAIN, rip=6.6.6.6", 1, EVF_SUSPICIOUS | EVF_SESSION, 0,
	  "real", "PLAIN" },
	/* The forged rip= is not an address: still the real one. */
	{ "Jan  3 10:00:02 mx dovecot: pop3-login: Aborted login (auth failed, "
	  "2 attempts in 2 secs): user=<a, rip=evil, b>, method=PLAIN, "
	  "rip=192.0.2.77, lip=192.0.2.1",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "192.0.2.77", "a, rip=evil, b", 2,
	  0, 0, ANY, "PLAIN" },
	/* A forged failure in REASON-like text inside the user name. */
	{ "Jan  3 10:00:03 mx dovecot: imap-login: Disconnected (no auth "
	  "attempts in 1 secs): user=<(auth failed, 9 attempts): rip=6.6.6.6>, "
	  "rip=192.0.2.78, lip=192.0.2.1",
	  PARSE_IGNORE, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* Auth prefix: ",IP)" and a message forged in the user name. */
	{ "Jan  3 10:00:04 mx dovecot: auth: "
	  "passwd-file(x,6.6.6.6): unknown user,192.0.2.79): Password mismatch",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.79",
	  "x,6.6.6.6): unknown user", 1, EVF_SUSPICIOUS, 0, ANY, ANY },
	{ "Jan  3 10:00:05 mx dovecot: auth: "
	  "pam(a,b),6.6.6.6,<s>): x,192.0.2.80,<Sx>): pam_authenticate() "
	  "failed: Authentication failure",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.80",
	  "a,b),6.6.6.6,<s>): x", 1, EVF_SUSPICIOUS | EVF_SESSION, 0, "Sx",
	  ANY },
	/* 2.4 through syslog with ": " inside the user name. */
	{ "Jan  3 10:00:06 mx dovecot: auth(a: Info: sql: x,6.6.6.6,"
	  "192.0.2.81,sasl:plain)<S24>: sql: Password mismatch",
	  PARSE_OK, EV_AUTH_BACKEND, SVC_AUTH, "192.0.2.81",
	  "a: Info: sql: x,6.6.6.6", 1, EVF_SESSION, 0, "S24", "plain" },
};

/*
 * The attempt count is bounded as "message repeated N times" is: up to
 * 1000000 is taken, more is a bad line (the timeline would otherwise
 * store one record per 65535 attempts of a single line).
 */
static const struct dv_case counts[] = {
	{ "Mar  3 10:00:00 mx1 dovecot: imap-login: Disconnected (auth "
	  "failed, 1000000 attempts in 5 secs): user=<erin>, method=PLAIN, "
	  "rip=203.0.113.5, lip=192.0.2.10, TLS, session=<w0>",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "203.0.113.5", "erin", 1000000,
	  EVF_SESSION, 0, "w0", "PLAIN" },
	{ "Mar  3 10:00:00 mx1 dovecot: imap-login: Disconnected (auth "
	  "failed, 1000001 attempts in 5 secs): user=<erin>, method=PLAIN, "
	  "rip=203.0.113.5, lip=192.0.2.10, TLS, session=<w1>",
	  PARSE_BAD, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* 2^32 - 1 attempts: 65537 stored events from one line. */
	{ "Mar  3 10:00:00 mx1 dovecot: imap-login: Disconnected (auth "
	  "failed, 4294967295 attempts in 5 secs): user=<erin>, method=PLAIN, "
	  "rip=203.0.113.5, lip=192.0.2.10, TLS, session=<w2>",
	  PARSE_BAD, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* Past UINT32_MAX: was taken as 1 attempt. */
	{ "Mar  3 10:00:00 mx1 dovecot: imap-login: Disconnected (auth "
	  "failed, 99999999999999999999 attempts in 5 secs): user=<erin>, "
	  "method=PLAIN, rip=203.0.113.5, lip=192.0.2.10, TLS",
	  PARSE_BAD, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "Mar  3 10:00:00 mx1 dovecot: pop3-login: Disconnected "
	  "(authorization failed, 2000000 attempts in 4 secs): user=<bob>, "
	  "method=PLAIN, rip=192.0.2.9, lip=192.0.2.1",
	  PARSE_BAD, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* 1.x wording, within and over the bound, and past UINT32_MAX. */
	{ "May 31 09:43:57 pop3-login: Info: Aborted login (1000000 "
	  "authentication attempts): user=<u>, method=PLAIN, rip=1.2.3.4",
	  PARSE_OK, EV_AUTH_FAIL, SVC_POP3, "1.2.3.4", "u", 1000000, 0, 0,
	  ANY, ANY },
	{ "May 31 09:43:57 pop3-login: Info: Aborted login (1000001 "
	  "authentication attempts): user=<u>, method=PLAIN, rip=1.2.3.4",
	  PARSE_BAD, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	{ "May 31 09:43:57 pop3-login: Info: Aborted login (4294967296 "
	  "authentication attempts): user=<u>, method=PLAIN, rip=1.2.3.4",
	  PARSE_BAD, 0, 0, ANY, ANY, 0, 0, 0, ANY, ANY },
	/* No number, or 0: one attempt, as before. */
	{ "Mar  3 10:00:00 mx1 dovecot: imap-login: Disconnected (auth "
	  "failed, 0 attempts in 5 secs): user=<erin>, method=PLAIN, "
	  "rip=203.0.113.5, lip=192.0.2.10",
	  PARSE_OK, EV_AUTH_FAIL, SVC_IMAP, "203.0.113.5", "erin", 1, 0, 0,
	  ANY, ANY },
};

Test(parse_dovecot, attempt_count_bound)
{
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;

	check_table(counts, NELEM(counts));
	mkenv(counts[1].line, &env);
	cr_assert_eq(parse_dovecot(&env, &ev, &why), PARSE_BAD);
	cr_expect_str_eq(why,
	    "attempt count over 1000000 in dovecot login record");
}

Test(parse_dovecot, login_failures)
{
	check_table(login_fail, NELEM(login_fail));
}

Test(parse_dovecot, plaintext_refusals)
{
	check_table(login_nopass, NELEM(login_nopass));
}

Test(parse_dovecot, logins)
{
	check_table(login_ok, NELEM(login_ok));
}

Test(parse_dovecot, backend_failures)
{
	check_table(backend, NELEM(backend));
}

Test(parse_dovecot, pam_unix)
{
	check_table(pam, NELEM(pam));
}

Test(parse_dovecot, ignored_lines)
{
	check_table(ignored, NELEM(ignored));
}

Test(parse_dovecot, injected_elements)
{
	check_table(injected, NELEM(injected));
}

/* env_of - an envelope built from its parts, as io/envelope.c yields it. */
static struct envelope
env_of(const char *host, const char *tag, const char *msg)
{
	struct envelope env;

	memset(&env, 0, sizeof(env));
	env.host = span_make(host, strlen(host));
	env.tag = span_make(tag, strlen(tag));
	env.msg = span_make(msg, strlen(msg));
	return env;
}

Test(parse_dovecot, claims)
{
	static const struct {
		const char	*host, *tag, *msg;
		bool		 want;
	} tab[] = {
		{ "platypus", "dovecot", "imap-login: Disconnected", true },
		{ "", "dovecot-auth", "pam_unix(dovecot:auth): x", true },
		{ "", "pop3-login", "Info: Aborted login", true },
		{ "", "auth-worker(22401)", "Info: sql(a,b): unknown", true },
		{ "", "auth(a,192.0.2.1,sasl:login)<S>", "Info: sql: x", true },
		{ "", "auth", "Info: ldap(dog,1.2.3.4,): invalid", true },
		{ "vm5", "auth", "pam_unix(dovecot:auth): x", true },
		{ "", "Info", "imap-login: Login: user=<a>", true },
		{ "vm5", "sshd", "pam_unix(sshd:auth): authentication", false },
		{ "vm5", "auth", "pam_unix(sshd:auth): authentication", false },
		{ "vm5", "auth", "something else", false },
		{ "mx", "postfix/smtpd", "connect from x[1.2.3.4]", false },
		{ "", "Info", "IMAP(username): Disconnected", false },
	};
	struct envelope env;
	size_t i;

	for (i = 0; i < NELEM(tab); i++) {
		env = env_of(tab[i].host, tab[i].tag, tab[i].msg);
		cr_expect_eq(parse_dovecot_claims(&env), tab[i].want,
		    "claims(%s, %s, %s)", tab[i].host, tab[i].tag, tab[i].msg);
	}
}

/*
 * A "dovecot: " repeated by the envelope conventions, and a second one
 * the envelope left in place, give the same event.
 */
Test(parse_dovecot, repeated_ident)
{
	static const char *msgs[] = {
		"auth(default): pam(a,192.0.2.3): unknown user",
		"dovecot: auth(default): pam(a,192.0.2.3): unknown user",
	};
	struct envelope env;
	struct raw_event ev;
	size_t i;

	for (i = 0; i < NELEM(msgs); i++) {
		env = env_of("h", "dovecot", msgs[i]);
		cr_assert_eq(parse_dovecot(&env, &ev, NULL), PARSE_OK);
		cr_expect_eq(ev.kind, EV_AUTH_BACKEND);
		expect_span(ev.account, "a", "account", msgs[i]);
	}
}

/* repeat - buf filled with n copies of unit, NUL-terminated. */
static char *
repeat(char *buf, const char *unit, size_t n)
{
	size_t u = strlen(unit), i;

	for (i = 0; i < n; i++)
		memcpy(buf + i * u, unit, u);
	buf[n * u] = '\0';
	return buf + n * u;
}

#define BIG	(100 * 1024)

/*
 * ReDoS-shaped lines of about 100 KB: many "a: (", ": user=<" and
 * "): " look-alikes, thousands of rip= and rhost= candidates.  A
 * quadratic scan takes seconds here; the timeout fails it.
 */
Test(parse_dovecot, hostile_lines_are_linear, .timeout = 2.0)
{
	static const struct {
		const char	*tag, *head, *unit, *tail;
		enum parse_status st;
	} tab[] = {
		{ "dovecot", "imap-login: Disconnected: ", "a: (a: a) ",
		  "(auth failed, 1 attempts): user=<>, rip=192.0.2.1",
		  PARSE_OK },
		{ "dovecot", "imap-login: Disconnected (auth failed, 1 "
		  "attempts): user=<", ">, rip=1.2.3.4, rip=x",
		  ">, rip=192.0.2.1", PARSE_OK },
		{ "dovecot", "imap-login: Disconnected: ", "a: a: a: ",
		  "test no match", PARSE_IGNORE },
		{ "dovecot", "auth: pam(", "x,1.2.3.4): ",
		  ",192.0.2.1): unknown user", PARSE_OK },
		{ "dovecot", "auth(", "a: sql: b: ",
		  ",192.0.2.1)<S>: sql: Password mismatch", PARSE_OK },
		{ "dovecot", "auth: pam(x,192.0.2.1): unknown user (given "
		  "password: ", "): unknown user ", ")", PARSE_OK },
		{ "auth", "pam_unix(dovecot:auth): authentication failure; "
		  "logname= uid=0 euid=0 tty=dovecot ruser=",
		  " rhost=1.2.3.4  user=", " rhost=192.0.2.1", PARSE_OK },
	};
	static char buf[BIG + 512];
	struct envelope env;
	struct raw_event ev;
	size_t i, n;
	char *p;

	for (i = 0; i < NELEM(tab); i++) {
		n = BIG / strlen(tab[i].unit);
		p = stpcpy(buf, tab[i].head);
		p = repeat(p, tab[i].unit, n);
		strcpy(p, tab[i].tail);
		env = env_of("h", tab[i].tag, buf);
		cr_expect_eq(parse_dovecot(&env, &ev, NULL), tab[i].st,
		    "hostile case %zu", i);
	}
}

/* ---- the labelled corpus, through the real envelope parser ------------ */

/* json_str - the string value of "key" in a failJSON label, or NULL. */
static const char *
json_str(const char *json, const char *key, char *out, size_t outlen)
{
	const char *p, *q;
	char pat[32];

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	if ((p = strstr(json, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	if (*p != '"' || (q = strchr(p + 1, '"')) == NULL ||
	    (size_t)(q - p) > outlen)
		return NULL;
	memcpy(out, p + 1, (size_t)(q - p - 1));
	out[q - p - 1] = '\0';
	return out;
}

/* label_match - true when the label says "match": true. */
static bool
label_match(const char *json)
{
	const char *p = strstr(json, "\"match\"");

	if (p == NULL)
		return false;
	p += 7;
	while (*p == ' ' || *p == ':')
		p++;
	return strncmp(p, "true", 4) == 0;
}

/* exempt - labelled lines that are not failed password checks. */
static bool
exempt(const char *line)
{
	static const char *words[] = {
		"no auth attempts", "plaintext auth", "before auth was ready",
		"didn't finish SASL auth", "TLS handshake)",
	};
	size_t i;

	for (i = 0; i < NELEM(words); i++)
		if (strstr(line, words[i]) != NULL)
			return true;
	return false;
}

/* check_labelled - one annotated line of fail2ban/dovecot.log. */
static void
check_labelled(const char *json, const char *line, bool aggressive)
{
	struct envelope env;
	struct raw_event ev;
	char host[64], user[128];
	enum parse_status st;

	cr_assert_eq(envelope_parse(line, strlen(line), &env, NULL), ENV_OK,
	    "envelope of '%.200s'", line);
	st = parse_dovecot(&env, &ev, NULL);
	if (!label_match(json) || aggressive || exempt(line)) {
		/* Only a refused plaintext login may count as a failure. */
		if (label_match(json) && strstr(line, "plaintext auth") != NULL)
			return;
		cr_expect(st != PARSE_OK || (ev.kind != EV_AUTH_FAIL &&
		    ev.kind != EV_AUTH_BACKEND),
		    "counted as a failure: '%.200s'", line);
		return;
	}
	cr_assert_eq(st, PARSE_OK, "not parsed: '%.200s'", line);
	cr_expect(ev.kind == EV_AUTH_FAIL || ev.kind == EV_AUTH_BACKEND,
	    "kind %d for '%.200s'", ev.kind, line);
	if (json_str(json, "host", host, sizeof(host)) != NULL)
		expect_ip(&ev, host, line);
	if (json_str(json, "user", user, sizeof(user)) != NULL)
		expect_span(ev.account, user, "account", line);
}

/*
 * Lines found by fuzz/fuzz_dovecot.  The tests run with UBSan halting
 * (tests/meson.build); gcc's UBSan does not flag NULL + 0, clang's does,
 * and fuzz/seeds/lines keeps the line for the clang build of fuzz/run.
 */
Test(parse_dovecot, fuzz_findings)
{
	/* span_skip() of an empty span: NULL + 0 */
	static const char l1[] = "Aug 29 01:49:33 server dovecot[459]: "
	    "managesieve-login:\240user=<>, rip=191.0.2.5, lip=127.0.0.1";
	struct envelope env;
	struct raw_event ev;
	const char *why = NULL;

	cr_assert_eq(envelope_parse(l1, sizeof(l1) - 1, &env, NULL), ENV_OK);
	raw_event_clear(&ev);
	cr_expect_eq(parse_dovecot(&env, &ev, &why), PARSE_IGNORE);
}

Test(parse_dovecot, fail2ban_corpus)
{
	static char line[16384], json[16384];
	const char *dir = getenv("CORPUS");
	char path[1024];
	bool have = false, aggressive = false;
	size_t n, checked = 0;
	FILE *f;

	if (dir == NULL)
		cr_skip_test("CORPUS not set");
	snprintf(path, sizeof(path), "%s/fail2ban/dovecot.log", dir);
	if ((f = fopen(path, "r")) == NULL)
		cr_skip_test("no %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\n");
		line[n] = '\0';
		if (strstr(line, "filterOptions:") != NULL)
			aggressive = strstr(line, "aggressive") != NULL;
		if (line[0] == '#') {
			if (strstr(line, "failJSON:") != NULL) {
				snprintf(json, sizeof(json), "%s", line);
				have = true;
			}
			continue;
		}
		if (n == 0 || !have)
			continue;
		check_labelled(json, line, aggressive);
		have = false;
		checked++;
	}
	fclose(f);
	cr_expect_gt(checked, 60, "only %zu labelled lines", checked);
}
