/*
 * io/parse_misc.c - authentication failures of Cyrus, UW-IMAP,
 * solid-pop3d, perdition, Kerio Connect, Lotus Domino, Oracle IMS and
 * Zimbra into raw events.
 *
 * This step runs after io/envelope.c has split the line (for the four
 * servers that write their own files, envelope.c has set a fixed tag).
 * Each server is one entry of a table: a claim test on the tag or the
 * message prefix, and a handler that reads the few failure shapes that
 * server logs.  Everything else those servers write is ignored: only the
 * authentication results matter here.
 *
 * User names come from the client.  Each handler therefore takes the
 * client address from the side of the line the user name cannot reach
 * (Cyrus writes the address first, UW-IMAP, solid-pop3d and Domino last)
 * and cuts the user name between fixed texts searched from that side.
 */
#include "io/parse_misc.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"
#include "io/span.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define LIT_LEN(s)	(sizeof(s) - 1)

typedef enum parse_status (*misc_fn)(const struct envelope *,
    struct raw_event *, const char **);

/* skip - store a reason and return a status. */
static enum parse_status
skip(const char **why, enum parse_status st, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return st;
}

/* cut - the span s[from, to). */
static struct span
cut(struct span s, size_t from, size_t to)
{
	return span_make(s.p + from, to - from);
}

/* trim - s without trailing spaces. */
static struct span
trim(struct span s)
{
	while (s.len > 0 && s.p[s.len - 1] == ' ')
		s.len--;
	return s;
}

/* find_from - first offset >= from of lit in s, or -1. */
static ptrdiff_t
find_from(struct span s, size_t from, const char *lit)
{
	ptrdiff_t k;

	if (from > s.len)
		return -1;
	k = span_find(span_skip(s, from), lit, strlen(lit));
	return k < 0 ? -1 : k + (ptrdiff_t)from;
}

/* rfind_before - last offset of lit wholly inside s[0, end), or -1. */
static ptrdiff_t
rfind_before(struct span s, size_t end, const char *lit)
{
	return span_rfind(span_make(s.p, end < s.len ? end : s.len), lit,
	    strlen(lit));
}

/* token - s from off to the first space (or the end). */
static struct span
token(struct span s, size_t off)
{
	struct span t = span_skip(s, off);
	const char *sp = memchr(t.p, ' ', t.len);

	if (sp != NULL)
		t.len = (size_t)(sp - t.p);
	return t;
}

/* set_ip - parse an address in any log form into ev. */
static bool
set_ip(struct span s, struct raw_event *ev)
{
	ev->has_ip = ipaddr_parse_loose(s, &ev->ip, NULL);
	return ev->has_ip;
}

/* fail_event - fill in the common fields of a failure. */
static void
fail_event(struct raw_event *ev, enum ev_service svc, struct span user)
{
	ev->kind = EV_AUTH_FAIL;
	ev->service = svc;
	ev->account = user;
}

/* last_component - "imaps" of "cyrus/imaps", "imaps" of "perdition.imaps". */
static struct span
last_component(struct span tag, char sep)
{
	ptrdiff_t k = span_rfind(tag, &sep, 1);

	return k < 0 ? tag : span_skip(tag, (size_t)k + 1);
}

/* contains - true when s holds lit. */
static bool
contains(struct span s, const char *lit)
{
	return span_find(s, lit, strlen(lit)) >= 0;
}

/* mailbox_service - IMAP, POP3 or sieve from a program name. */
static enum ev_service
mailbox_service(struct span name)
{
	if (contains(name, "sieve"))
		return SVC_MANAGESIEVE;
	if (contains(name, "pop"))
		return SVC_POP3;
	return SVC_IMAP;
}

/* ---------------------------------------------------------------- */
/* Cyrus imapd, pop3d, timsieved */

/*
 * cyrus - "badlogin: [NAME ][ ][ADDR] MECH ..." (formats.md section 4):
 * "plaintext USER REASON" after LOGIN/USER+PASS, "MECH [DETAIL]" after a
 * failed SASL exchange (imapd, pop3d), "MECH REASON" (timsieved).  NAME is
 * a DNS name and holds no '[', so the first bracket is the address; the
 * user name ends at the "SASL(" detail, the " invalid user" of an
 * unknown one, or a space.
 */
static enum parse_status
cyrus(const struct envelope *env, struct raw_event *ev, const char **why)
{
	struct span m = span_skip(env->msg, LIT_LEN("badlogin: ")), mech;
	const char *lb = memchr(m.p, '[', m.len), *rb;
	size_t off;
	ptrdiff_t end;

	if (lb == NULL ||
	    (rb = memchr(lb, ']', (size_t)(m.p + m.len - lb))) == NULL ||
	    !set_ip(span_make(lb + 1, (size_t)(rb - lb - 1)), ev))
		return skip(why, PARSE_BAD, "no address in cyrus 'badlogin'");
	off = (size_t)(rb + 1 - m.p);
	if (off < m.len && m.p[off] == ' ')
		off++;
	mech = token(m, off);
	fail_event(ev, mailbox_service(last_component(env->tag, '/')),
	    SPAN_NULL);
	off += mech.len + (off + mech.len < m.len);
	ev->detail = span_skip(m, off);
	if (!span_eq(mech, "plaintext")) {
		ev->method = mech;
		return PARSE_OK;
	}
	if ((end = find_from(m, off, " SASL(")) < 0 &&
	    (end = find_from(m, off, " invalid user")) < 0)
		end = (ptrdiff_t)(off + token(m, off).len);
	ev->account = cut(m, off, (size_t)end);
	ev->detail = trim(span_skip(m, (size_t)end + (end < (ptrdiff_t)m.len)));
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* UW-IMAP imapd, ipop3d */

static const struct uw_shape {
	const char	*prefix;
	uint32_t	 flags;
} uw_shapes[] = {
	{ "Login failed user=",				0 },
	{ "Login excessive login failures user=",	0 },
	{ "Login disabled user=",			EVF_NO_PASSWORD },
	{ "Login SYSTEM BREAK-IN ATTEMPT user=",	0 },
};

/* uw_prefix - offset after the user= of a UW failure, or 0. */
static size_t
uw_prefix(struct span m, uint32_t *flags)
{
	ptrdiff_t k;
	size_t i;

	for (i = 0; i < NITEMS(uw_shapes); i++)
		if (span_starts(m, uw_shapes[i].prefix)) {
			*flags = uw_shapes[i].flags;
			return strlen(uw_shapes[i].prefix);
		}
	*flags = 0;
	if (span_starts(m, "Failed ") &&
	    (k = SPAN_FIND_LIT(m, " override of user=")) > 0)
		return (size_t)k + LIT_LEN(" override of user=");
	if (span_starts(m, "AUTHENTICATE ") &&
	    SPAN_FIND_LIT(m, " failure host=") > 0)
		return LIT_LEN("AUTHENTICATE ");
	if (span_starts(m, "Authentication failure host="))
		return LIT_LEN("Authentication failure");
	if (span_starts(m, "Excessive authentication failures host="))
		return LIT_LEN("Excessive authentication failures");
	return 0;
}

/*
 * uwimap - server_login()'s "Login failed user=U auth=A host=NAME [ADDR]"
 * (also "excessive login failures", "disabled" for a refused plaintext
 * login, "SYSTEM BREAK-IN ATTEMPT" for an over-long name), pw_login()'s
 * "Failed AUSER override of user=U host=...", "AUTHENTICATE MECH failure
 * host=...", ipop3d's "[Excessive a|A]uthentication failure[s] host=...".
 * UW cuts the names at 64 or 80 bytes; the address is the
 * last bracket of the line and the user ends at " auth=" or " host=".
 */
static enum parse_status
uwimap(const struct envelope *env, struct raw_event *ev, const char **why)
{
	struct span m = trim(env->msg), host;
	size_t off = uw_prefix(m, &ev->flags);
	ptrdiff_t h = SPAN_RFIND_LIT(m, " host="), a;

	if (h < (ptrdiff_t)off || h < 0)
		return skip(why, PARSE_BAD, "no 'host=' in uw-imap record");
	host = span_skip(m, (size_t)h + LIT_LEN(" host="));
	if (host.len < 2 || host.p[host.len - 1] != ']' ||
	    (a = SPAN_RFIND_LIT(host, "[")) < 0 ||
	    !set_ip(span_skip(host, (size_t)a), ev))
		return skip(why, PARSE_BAD, "no address in uw-imap record");
	fail_event(ev, mailbox_service(env->tag), SPAN_NULL);
	if (!span_ends(cut(m, 0, off), "user=")) {
		if (span_starts(m, "AUTHENTICATE "))
			ev->method = token(m, off);
		ev->detail = cut(m, 0, (size_t)h);
		return PARSE_OK;
	}
	ev->detail = cut(m, 0, off - LIT_LEN(" user="));
	if ((a = find_from(m, off, " auth=")) < 0 || a > h)
		a = h;
	ev->account = trim(cut(m, off, (size_t)a));
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* solid-pop3d */

static const struct solid_shape {
	const char	*prefix;
	const char	*method;
	const char	*user;		/* fixed user, or NULL: logged */
} solid_shapes[] = {
	{ "authentication failed: no such user: ",	"", NULL },
	{ "authentication failed: can't map user name: ", "", NULL },
	{ "authentication failed for mapped user ",	"", NULL },
	{ "authentication failed for user ",		"", NULL },
	{ "APOP authentication failed for user ",	"APOP", NULL },
	{ "can't find APOP secret for user ",		"APOP", NULL },
	{ "root login not allowed",			"", "root" },
};

/* solid - "REASON[ USER] - ADDR"; the address is after the last " - ". */
static enum parse_status
solid(const struct envelope *env, struct raw_event *ev, const char **why)
{
	struct span m = trim(env->msg);
	ptrdiff_t dash = SPAN_RFIND_LIT(m, " - ");
	const struct solid_shape *sh;
	size_t i, n;

	for (i = 0; i < NITEMS(solid_shapes); i++)
		if (span_starts(m, solid_shapes[i].prefix))
			break;
	if (i == NITEMS(solid_shapes))
		return PARSE_IGNORE;
	sh = &solid_shapes[i];
	n = strlen(sh->prefix);
	if (dash < (ptrdiff_t)n ||
	    !set_ip(span_skip(m, (size_t)dash + 3), ev))
		return skip(why, PARSE_BAD, "no address in solid-pop3d record");
	fail_event(ev, SVC_POP3, cut(m, n, (size_t)dash));
	if (sh->user != NULL) {
		ev->account = span_make(sh->user, strlen(sh->user));
		ev->flags |= EVF_NO_PASSWORD;
	}
	ev->method = span_make(sh->method, strlen(sh->method));
	ev->detail = trim(cut(m, 0, n));
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* perdition */

#define PD_USER	" authentication_id=\""

/*
 * perdition - 'Auth: CLIENT:PORT->SERVER:PORT client-secure=... \
 * authorisation_id=... authentication_id="U" server="..." protocol=P \
 * server-secure=... status="failed: ..."' (or status="ok").  The user is
 * quoted but may hold quotes: it ends at the last '" server="'.
 */
static enum parse_status
perdition(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	struct span m = env->msg;
	ptrdiff_t arrow = SPAN_FIND_LIT(m, "->");
	ptrdiff_t st = SPAN_RFIND_LIT(m, " status=\"");
	ptrdiff_t u = SPAN_FIND_LIT(m, PD_USER);
	ptrdiff_t srv = SPAN_RFIND_LIT(m, "\" server=\"");
	struct span status;

	if (!span_starts(m, "Auth: ") || st < 0)
		return PARSE_IGNORE;
	status = span_skip(m, (size_t)st + LIT_LEN(" status=\""));
	if (!span_starts(status, "failed") && !span_starts(status, "ok\""))
		return PARSE_IGNORE;
	if (arrow < 6 || !set_ip(cut(m, 6, (size_t)arrow), ev))
		return skip(why, PARSE_BAD, "no address in perdition record");
	fail_event(ev, mailbox_service(last_component(env->tag, '.')),
	    SPAN_NULL);
	if (span_starts(status, "ok"))
		ev->kind = EV_AUTH_OK;
	if (u >= 0 && srv >= u + (ptrdiff_t)LIT_LEN(PD_USER))
		ev->account = cut(m, (size_t)u + LIT_LEN(PD_USER),
		    (size_t)srv);
	status.len -= status.len > 0 && status.p[status.len - 1] == '"';
	ev->detail = status;
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* Kerio Connect */

/*
 * kerio - "Failed SMTP login from ADDR with SASL method MECH." and the
 * same for IMAP and POP3.  Kerio's other security lines (relay attempts,
 * unknown recipients, blacklists) are not authentication failures.
 */
static enum parse_status
kerio(const struct envelope *env, struct raw_event *ev, const char **why)
{
	static const struct {
		const char	*proto;
		enum ev_service	 svc;
	} protos[] = {
		{ "Failed SMTP login from ", SVC_SMTP },
		{ "Failed IMAP login from ", SVC_IMAP },
		{ "Failed POP3 login from ", SVC_POP3 },
	};
	struct span m = env->msg, addr;
	ptrdiff_t k;
	size_t i, n;

	for (i = 0; i < NITEMS(protos); i++)
		if (span_starts(m, protos[i].proto))
			break;
	if (i == NITEMS(protos))
		return PARSE_IGNORE;
	n = strlen(protos[i].proto);
	addr = token(m, n);
	if (addr.len > 0 && (addr.p[addr.len - 1] == ',' ||
	    addr.p[addr.len - 1] == '.'))
		addr.len--;
	if (!set_ip(addr, ev))
		return skip(why, PARSE_BAD, "no address in kerio record");
	fail_event(ev, protos[i].svc, SPAN_NULL);
	if ((k = SPAN_FIND_LIT(m, " with SASL method ")) > 0) {
		ev->method = span_skip(m, (size_t)k +
		    LIT_LEN(" with SASL method "));
		ev->method.len -= ev->method.len > 0 &&
		    ev->method.p[ev->method.len - 1] == '.';
	}
	ev->detail = cut(m, 0, n - LIT_LEN(" from "));
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* Lotus Domino */

#define DOMINO_PW	" authentication failure using internet password"
#define DOMINO_USER	"Authentication failed for user "

/*
 * domino - "SMTP Server[ [id]]: Authentication failed for user U ;
 * connecting host H" and "smtp: U [ADDR] authentication failure using
 * internet password" (the brackets may be missing).  User names hold
 * spaces: the address is taken from the right, the user is the rest.
 */
static enum parse_status
domino(const struct envelope *env, struct raw_event *ev, const char **why)
{
	struct span m = trim(env->msg);
	ptrdiff_t k, h, sp;
	size_t u;

	if (span_starts(m, "smtp: "))
		m = span_skip(m, LIT_LEN("smtp: "));
	if ((k = SPAN_FIND_LIT(m, DOMINO_USER)) >= 0 &&
	    (h = SPAN_RFIND_LIT(m, " ; connecting host ")) >= k +
	    (ptrdiff_t)LIT_LEN(DOMINO_USER) - 1) {
		/* An empty user shares its space with " ; ". */
		u = (size_t)k + LIT_LEN(DOMINO_USER);
		if (!set_ip(span_skip(m, (size_t)h +
		    LIT_LEN(" ; connecting host ")), ev))
			return skip(why, PARSE_BAD, "no address in domino "
			    "record");
		fail_event(ev, SVC_SMTP, (size_t)h > u ? cut(m, u, (size_t)h) :
		    SPAN_NULL);
		ev->detail = span_make(m.p + k, LIT_LEN("Authentication "
		    "failed"));
		return PARSE_OK;
	}
	if (!span_ends(m, DOMINO_PW))
		return PARSE_IGNORE;
	m.len -= LIT_LEN(DOMINO_PW);
	sp = rfind_before(m, m.len, " ");
	if (!set_ip(span_skip(m, (size_t)(sp + 1)), ev))
		return skip(why, PARSE_BAD, "no address in domino record");
	fail_event(ev, SVC_SMTP, sp > 0 ? cut(m, 0, (size_t)sp) : SPAN_NULL);
	ev->detail = span_make(m.p + m.len + 1, LIT_LEN(DOMINO_PW) - 1);
	return PARSE_OK;
}

/*
 * domino_syslog - Domino lines with a "yyyy-mm-dd" stamp that read as
 * syslog: host-less tag "smtp", or host "SMTP" and tag "Server".
 */
static bool
domino_syslog(const struct envelope *env)
{
	if (env->host.len == 0 && span_eq(env->tag, "smtp"))
		return span_ends(trim(env->msg), DOMINO_PW);
	return span_eq(env->host, "SMTP") && span_eq(env->tag, "Server") &&
	    span_starts(env->msg, "Authentication failed for user ");
}

/* ---------------------------------------------------------------- */
/* Oracle IMS (LOG_FORMAT=4 connection records) */

/* attr - the value of ' NAME="' at or after from, to the next '"'. */
static bool
attr(struct span m, size_t from, const char *name, struct span *out,
    size_t *end)
{
	char key[16];
	ptrdiff_t k;
	const char *q;
	int n = snprintf(key, sizeof(key), " %s=\"", name);

	if (n <= 0 || (size_t)n >= sizeof(key) ||
	    (k = find_from(m, from, key)) < 0)
		return false;
	*out = span_skip(m, (size_t)k + (size_t)n);
	if ((q = memchr(out->p, '"', out->len)) == NULL)
		return false;
	out->len = (size_t)(q - out->p);
	*end = (size_t)(q + 1 - m.p);
	return true;
}

/* port_service - service of a listening port, SMTP when unknown. */
static enum ev_service
port_service(struct span port)
{
	static const struct {
		const char	*port;
		enum ev_service	 svc;
	} ports[] = {
		{ "25", SVC_SMTP }, { "465", SVC_SMTPS },
		{ "587", SVC_SUBMISSION }, { "143", SVC_IMAP },
		{ "993", SVC_IMAP }, { "110", SVC_POP3 }, { "995", SVC_POP3 },
	};
	size_t i;

	for (i = 0; i < NITEMS(ports); i++)
		if (span_eq(port, ports[i].port))
			return ports[i].svc;
	return SVC_SMTP;
}

/* tr_field - field i (0-based) of 'tr="TCP|lip|lport|rip|rport"'. */
static struct span
tr_field(struct span tr, int i)
{
	const char *p = tr.p, *e = tr.p + tr.len, *q;

	for (; i > 0 && p < e; i--) {
		if ((q = memchr(p, '|', (size_t)(e - p))) == NULL)
			return SPAN_NULL;
		p = q + 1;
	}
	q = memchr(p, '|', (size_t)(e - p));
	return span_make(p, (size_t)((q != NULL ? q : e) - p));
}

/*
 * oracle - '<co ts=... tr="TCP|LIP|LPORT|RIP|RPORT" ap="SMTP" mi="Bad
 * password" us="USER" di="535 ..."/>'.  Attributes come in a fixed order
 * and the client's user name (us) after the server's fields, so each is
 * searched after the end of the one before.
 */
static enum parse_status
oracle(const struct envelope *env, struct raw_event *ev, const char **why)
{
	struct span m = env->msg, tr, mi, us = SPAN_NULL;
	size_t end, end2;

	if (!attr(m, 0, "tr", &tr, &end) || !attr(m, end, "mi", &mi, &end))
		return PARSE_IGNORE;
	if (span_starts(mi, "Bad password") ||
	    span_starts(mi, "Authentication failed"))
		ev->kind = EV_AUTH_FAIL;
	else if (span_starts(mi, "Authentication successful"))
		ev->kind = EV_AUTH_OK;
	else
		return PARSE_IGNORE;
	if (!set_ip(tr_field(tr, 3), ev))
		return skip(why, PARSE_BAD, "no address in oracle ims record");
	(void)attr(m, end, "us", &us, &end2);
	ev->account = us;
	ev->service = port_service(tr_field(tr, 2));
	ev->detail = mi;
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* Zimbra mailbox.log */

#define ZM_FAIL	"authentication failed for ["

/*
 * ctx_value - the value of KEY in Zimbra's context "[k=v;k=v;]", the
 * second bracket of the message.  ZimbraLog writes a ';' inside a value
 * as ";;", so the fields are walked from the left and a forged "oip=" in
 * a user name or user agent stays inside its own value.
 */
static struct span
ctx_value(struct span m, const char *key)
{
	ptrdiff_t k = SPAN_FIND_LIT(m, "] [");
	size_t i, f, klen = strlen(key);

	if (k < 0)
		return SPAN_NULL;
	for (i = (size_t)k + 3; i < m.len && m.p[i] != ']'; i++) {
		for (f = i; i < m.len; i++) {
			if (m.p[i] != ';')
				continue;
			if (i + 1 < m.len && m.p[i + 1] == ';') {
				i++;
				continue;
			}
			break;
		}
		if (i - f > klen && m.p[f + klen] == '=' &&
		    memcmp(m.p + f, key, klen) == 0)
			return cut(m, f + klen + 1, i);
	}
	return SPAN_NULL;
}

/*
 * zimbra - "[thread] [name=U;oip=ADDR;...;oproto=smtp;...] SoapEngine -
 * handler exception: authentication failed for [U], REASON".  The user
 * is taken from the text, whose REASON ends the line.  XXX the thread
 * name holds the request path; a "] [" in it would move the context.
 */
static enum parse_status
zimbra(const struct envelope *env, struct raw_event *ev, const char **why)
{
	struct span m = env->msg, addr, proto;
	ptrdiff_t k = SPAN_FIND_LIT(m, ZM_FAIL), rb;

	if (k < 0)
		return PARSE_IGNORE;
	if ((addr = ctx_value(m, "oip")).len == 0)
		addr = ctx_value(m, "ip");
	if (!set_ip(addr, ev))
		return skip(why, PARSE_BAD, "no address in zimbra record");
	proto = ctx_value(m, "oproto");
	fail_event(ev, SVC_NONE, SPAN_NULL);
	if (span_eq(proto, "smtp"))
		ev->service = SVC_SMTP;
	else if (span_eq(proto, "imap") || span_eq(proto, "pop3"))
		ev->service = mailbox_service(proto);
	m = span_skip(m, (size_t)k + LIT_LEN(ZM_FAIL));
	if ((rb = SPAN_RFIND_LIT(m, "], ")) >= 0) {
		ev->account = cut(m, 0, (size_t)rb);
		ev->detail = span_skip(m, (size_t)rb + 3);
	}
	return PARSE_OK;
}

/* ---------------------------------------------------------------- */
/* Dispatch */

static bool
claims_cyrus(const struct envelope *env)
{
	return span_starts(env->msg, "badlogin: ");
}

static bool
claims_uwimap(const struct envelope *env)
{
	uint32_t flags;

	return uw_prefix(env->msg, &flags) > 0;
}

static bool
claims_solid(const struct envelope *env)
{
	return span_eq(env->tag, "solid-pop3d");
}

static bool
claims_perdition(const struct envelope *env)
{
	return span_starts(env->tag, "perdition");
}

static bool
claims_kerio(const struct envelope *env)
{
	return span_eq(env->tag, "kerio");
}

static bool
claims_domino(const struct envelope *env)
{
	return span_eq(env->tag, "domino") || domino_syslog(env);
}

static bool
claims_oracle(const struct envelope *env)
{
	return span_eq(env->tag, "oracle-ims");
}

static bool
claims_zimbra(const struct envelope *env)
{
	return span_eq(env->tag, "zimbra");
}

static const struct server {
	bool		(*claims)(const struct envelope *);
	misc_fn		 parse;
} servers[] = {
	{ claims_cyrus,		cyrus },
	{ claims_uwimap,	uwimap },
	{ claims_solid,		solid },
	{ claims_perdition,	perdition },
	{ claims_kerio,		kerio },
	{ claims_domino,	domino },
	{ claims_oracle,	oracle },
	{ claims_zimbra,	zimbra },
};

/* which - the first server that claims the line, or NULL. */
static const struct server *
which(const struct envelope *env)
{
	size_t i;

	for (i = 0; i < NITEMS(servers); i++)
		if (servers[i].claims(env))
			return &servers[i];
	return NULL;
}

bool
parse_misc_claims(const struct envelope *env)
{
	return which(env) != NULL;
}

enum parse_status
parse_misc(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	const struct server *s = which(env);

	if (s == NULL)
		return PARSE_IGNORE;
	raw_event_clear(ev);
	return s->parse(env, ev, why);
}
