/*
 * io/parse_sendmail.c - Sendmail and Cyrus saslauthd lines to raw events
 * (formats.md sections 4 and 6).
 *
 * Second step of the per-line pipeline, after io/envelope.c: the tag has
 * been recognised as Sendmail's (or saslauthd's), and the message is
 * matched against a short table of line shapes.  Sendmail prefixes most
 * lines with the queue id of the envelope ("s1GNXHYB005133: "), which
 * for AUTH lines is the id of the SMTP session.
 *
 * Sendmail writes the client as "name [addr]", "[addr]" or "name [addr]
 * (may be forged)", with "IPv6:" inside the brackets for IPv6.  User
 * names, envelope addresses and message ids are the client's text and
 * come before the fields we anchor on, so those fields are searched from
 * the right: the real ", relay=" of an AUTH failure is the last one.
 */
#include "io/parse_sendmail.h"

#include <stddef.h>
#include <string.h>

#include "io/ipaddr.h"
#include "io/parse_postfix.h"
#include "io/span.h"

#define LIT(s)		(s), sizeof(s) - 1
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define QID_MIN		8
#define QID_MAX		24

typedef enum parse_status (*line_fn)(struct span, struct raw_event *,
    const char **);

static enum parse_status on_auth_fail(struct span, struct raw_event *,
    const char **);
static enum parse_status on_auth_ok(struct span, struct raw_event *,
    const char **);
static enum parse_status on_from(struct span, struct raw_event *,
    const char **);
static enum parse_status on_to(struct span, struct raw_event *,
    const char **);
static enum parse_status on_ruleset(struct span, struct raw_event *,
    const char **);

/* Message prefixes (after the queue id) and their handlers. */
static const struct {
	const char	*prefix;
	size_t		 len;
	line_fn		 fn;
} rules[] = {
	{ LIT("AUTH failure ("), on_auth_fail },
	{ LIT("AUTH=server, relay="), on_auth_ok },
	{ LIT("from="), on_from },
	{ LIT("to="), on_to },
	{ LIT("ruleset="), on_ruleset },
};

/* DAEMON_OPTIONS names that say which port a message came in on. */
static const struct {
	const char	*name;
	size_t		 len;
	bool		 prefix;	/* "MSA-v4" is an MSA too */
	enum ev_service	 svc;
} daemons[] = {
	{ LIT("MSA"), true, SVC_SUBMISSION },
	{ LIT("TLSMTA"), false, SVC_SMTPS },
	{ LIT("SMTPS"), false, SVC_SMTPS },
	{ LIT("MTA-SSL"), false, SVC_SMTPS },
	{ LIT("MTA"), true, SVC_SMTP },
};

/* bad - report a line of a known shape that does not parse. */
static enum parse_status
bad(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return PARSE_BAD;
}

/* sub - the bytes of s from offset a up to offset b. */
static inline struct span
sub(struct span s, size_t a, size_t b)
{
	return span_make(s.p + a, b - a);
}

/* after - s from the end of the lit found at offset at. */
static inline struct span
after(struct span s, ptrdiff_t at, size_t litlen)
{
	return span_skip(s, (size_t)at + litlen);
}

#define AFTER(s, at, lit)	after((s), (at), sizeof(lit) - 1)

static inline bool
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* strip_qid - remove a leading "QID: " and store the queue id. */
static struct span
strip_qid(struct span m, struct raw_event *ev)
{
	size_t i;

	for (i = 0; i < m.len && i <= QID_MAX && alnum((unsigned char)m.p[i]);
	    i++)
		;
	if (i < QID_MIN || i > QID_MAX || i + 1 >= m.len || m.p[i] != ':' ||
	    m.p[i + 1] != ' ')
		return m;
	ev->queue_id = span_make(m.p, i);
	return span_skip(m, i + 2);
}

/*
 * client - read "name [addr][ (may be forged)]" or "[addr]" at the start
 * of s into ev; *rest is what follows.  The name is a host name from the
 * DNS (or "ident@host"), so it holds no '['.
 */
static bool
client(struct span s, struct raw_event *ev, struct span *rest)
{
	const char *lb, *rb;
	size_t nlen;

	if ((lb = memchr(s.p, '[', s.len)) == NULL)
		return false;
	rb = memchr(lb, ']', s.len - (size_t)(lb - s.p));
	if (rb == NULL)
		return false;
	nlen = (size_t)(lb - s.p);
	if (nlen > 0 && s.p[nlen - 1] == ' ')
		nlen--;
	ev->client_name = span_make(s.p, nlen);
	ev->has_ip = ipaddr_parse_loose(span_make(lb, (size_t)(rb + 1 - lb)),
	    &ev->ip, NULL);
	s = span_skip(s, (size_t)(rb + 1 - s.p));
	if (span_starts(s, " (may be forged)"))
		s = span_skip(s, sizeof(" (may be forged)") - 1);
	if (rest != NULL)
		*rest = s;
	return ev->has_ip;
}

/*
 * attack - "CLIENT: possible SMTP attack: command=AUTH, count=N": the
 * failures that came before the N-th AUTH command of the connection.
 */
static enum parse_status
attack(struct span m, struct raw_event *ev, const char **why)
{
	static const char lit[] = ": possible SMTP attack: command=";
	ptrdiff_t at = SPAN_RFIND_LIT(m, lit);
	struct span rest, cnt;
	uint32_t n;

	if (at < 0)
		return PARSE_IGNORE;
	rest = AFTER(m, at, lit);
	if (!span_starts(rest, "AUTH, count="))
		return PARSE_IGNORE;
	cnt = span_skip(rest, sizeof("AUTH, count=") - 1);
	if (!span_to_u32(cnt, UINT32_MAX, &n))
		return bad(why, "bad count in 'possible SMTP attack'");
	if (!client(sub(m, 0, (size_t)at), ev, NULL))
		return bad(why, "no client address");
	ev->kind = EV_AUTH_FAIL;
	ev->count = n > 1 ? n - 1 : 1;
	ev->detail = sub(m, (size_t)at + 2, m.len);
	return PARSE_OK;
}

/*
 * on_auth_fail - "AUTH failure (MECH): ERR (N) DETAIL[, user=U],
 * relay=CLIENT".  DETAIL comes from the SASL library and may quote the
 * user; U is the client's text.  The relay is the last ", relay=".
 */
static enum parse_status
on_auth_fail(struct span m, struct raw_event *ev, const char **why)
{
	struct span s = span_skip(m, sizeof("AUTH failure (") - 1), rest;
	const char *rp;
	ptrdiff_t rel, u, u2;

	if ((rp = memchr(s.p, ')', s.len)) == NULL || rp + 2 > s.p + s.len ||
	    rp[1] != ':')
		return bad(why, "no mechanism in 'AUTH failure'");
	ev->method = span_make(s.p, (size_t)(rp - s.p));
	s = span_skip(s, ev->method.len + 2);
	if (span_starts(s, " "))
		s = span_skip(s, 1);
	if ((rel = SPAN_RFIND_LIT(s, ", relay=")) < 0 ||
	    !client(AFTER(s, rel, ", relay="), ev, &rest))
		return bad(why, "no client address");
	s.len = (size_t)rel;
	ev->kind = EV_AUTH_FAIL;
	ev->detail = s;
	if ((u = SPAN_FIND_LIT(s, ", user=")) >= 0) {
		ev->detail = sub(s, 0, (size_t)u);
		ev->account = AFTER(s, u, ", user=");
		u2 = SPAN_FIND_LIT(ev->account, ", user=");
		if (u2 >= 0 || SPAN_FIND_LIT(ev->account, ", relay=") >= 0)
			ev->flags |= EVF_SUSPICIOUS;
	}
	if (SPAN_FIND_LIT(rest, ", relay=") >= 0)
		ev->flags |= EVF_SUSPICIOUS;
	return PARSE_OK;
}

/*
 * on_auth_ok - "AUTH=server, relay=CLIENT, authid=U, mech=M, bits=N".
 * The relay comes first and is Sendmail's; U runs to the last ", mech=".
 */
static enum parse_status
on_auth_ok(struct span m, struct raw_event *ev, const char **why)
{
	struct span s = span_skip(m, sizeof("AUTH=server, relay=") - 1), rest;
	ptrdiff_t mech, bits;

	if (!client(s, ev, &rest) || !span_starts(rest, ", authid="))
		return bad(why, "no client address");
	rest = span_skip(rest, sizeof(", authid=") - 1);
	if ((mech = SPAN_RFIND_LIT(rest, ", mech=")) < 0)
		return bad(why, "no 'mech=' in 'AUTH=server'");
	ev->account = sub(rest, 0, (size_t)mech);
	ev->method = AFTER(rest, mech, ", mech=");
	if ((bits = SPAN_FIND_LIT(ev->method, ", bits=")) >= 0)
		ev->method.len = (size_t)bits;
	if (ev->account.len == 0)
		return bad(why, "empty 'authid='");
	ev->kind = EV_AUTH_OK;
	return PARSE_OK;
}

/* daemon_service - the service a DAEMON_OPTIONS name stands for. */
static void
daemon_service(struct span d, struct raw_event *ev)
{
	size_t i;

	for (i = 0; i < NELEM(daemons); i++) {
		if (daemons[i].prefix ? span_starts(d, daemons[i].name) :
		    span_eq(d, daemons[i].name)) {
			ev->service = daemons[i].svc;
			return;
		}
	}
	ev->service = SVC_CUSTOM;
	ev->svc_name = d;
}

/* field_value - the value after the last ", key=" in s, up to ", ". */
static bool
field_value(struct span s, const char *key, size_t klen, struct span *v)
{
	ptrdiff_t at = span_rfind(s, key, klen), end;

	if (at < 0)
		return false;
	*v = after(s, at, klen);
	if ((end = SPAN_FIND_LIT(*v, ", ")) >= 0)
		v->len = (size_t)end;
	return true;
}

/*
 * on_from - "from=<S>, size=N, class=C, nrcpts=N[, msgid=<M>][,
 * bodytype=B], proto=P, daemon=D, relay=CLIENT".  S and M are the
 * client's; the fields after them are found from the right, nrcpts
 * after the first ", size=".
 * XXX A sender holding ", size=1, class=0, nrcpts=" fakes the count.
 */
static enum parse_status
on_from(struct span m, struct raw_event *ev, const char **why)
{
	struct span s = span_skip(m, sizeof("from=") - 1), v, head;
	ptrdiff_t rel, nr;
	size_t used;

	if (ev->queue_id.len == 0)
		return bad(why, "no queue id");
	if ((rel = SPAN_RFIND_LIT(s, ", relay=")) < 0)
		return PARSE_IGNORE;	/* "from=..., status=..." etc. */
	(void)client(AFTER(s, rel, ", relay="), ev, NULL);
	head = sub(s, 0, (size_t)rel);
	if ((nr = SPAN_FIND_LIT(head, ", nrcpts=")) < 0 ||
	    !span_prefix_u32(AFTER(head, nr, ", nrcpts="), UINT32_MAX,
	    &ev->count, &used))
		return bad(why, "bad 'nrcpts='");
	if (field_value(head, LIT(", daemon="), &v))
		daemon_service(v, ev);
	ev->kind = EV_QUEUED;
	if (field_value(head, LIT(", proto="), &v)) {
		ev->method = v;
		if (span_ends(v, "A") && span_starts(v, "ESMTP"))
			ev->kind = EV_SUBMIT;
	}
	ev->detail = head;
	if ((nr = SPAN_FIND_LIT(head, ", size=")) >= 0)
		ev->detail.len = (size_t)nr;
	return PARSE_OK;
}

/*
 * recipients - the "to=" list at the start of s: it ends at the first
 * ", " outside angle brackets.  Stores the first recipient (without
 * brackets) and returns the number of recipients.
 */
static uint32_t
recipients(struct span s, struct span *first, size_t *end)
{
	size_t i, start = 0;
	int depth = 0;
	uint32_t n = 1;

	*first = SPAN_NULL;
	for (i = 0; i < s.len; i++) {
		if (s.p[i] == '<')
			depth++;
		else if (s.p[i] == '>' && depth > 0)
			depth--;
		else if (s.p[i] == ',' && depth == 0) {
			if (first->p == NULL)
				*first = sub(s, start, i);
			if (i + 1 < s.len && s.p[i + 1] == ' ')
				break;
			n++;
		}
	}
	if (first->p == NULL)
		*first = sub(s, 0, i);
	if (first->len >= 2 && first->p[0] == '<' &&
	    first->p[first->len - 1] == '>')
		*first = sub(*first, 1, first->len - 1);
	*end = i;
	return n;
}

/* stat_word - Postfix's status word for a Sendmail stat= and dsn=. */
static struct span
stat_word(struct span stat, struct span dsn)
{
	if (span_starts(stat, "Sent"))
		return SPAN_LIT("sent");
	if (span_starts(stat, "Deferred") || span_starts(dsn, "4"))
		return SPAN_LIT("deferred");
	if (span_starts(dsn, "5") || stat.len > 0)
		return SPAN_LIT("bounced");
	return SPAN_NULL;
}

/*
 * on_to - "to=R[,R...], [ctladdr=..., ]delay=..., mailer=M, ...,
 * relay=H [A], dsn=X.Y.Z, stat=TEXT".  TEXT is the remote reply.
 */
static enum parse_status
on_to(struct span m, struct raw_event *ev, const char **why)
{
	struct span s = span_skip(m, sizeof("to=") - 1), rest, dsn = SPAN_NULL;
	ptrdiff_t st, d;
	size_t end;

	if (ev->queue_id.len == 0)
		return bad(why, "no queue id");
	ev->count = recipients(s, &ev->client_name, &end);
	rest = span_skip(s, end);
	if ((st = SPAN_FIND_LIT(rest, ", stat=")) < 0)
		return PARSE_IGNORE;
	ev->detail = AFTER(rest, st, ", stat=");
	if ((d = SPAN_RFIND_LIT(sub(rest, 0, (size_t)st), ", dsn=")) >= 0)
		dsn = sub(rest, (size_t)d + sizeof(", dsn=") - 1, (size_t)st);
	ev->status = stat_word(ev->detail, dsn);
	ev->kind = !span_eq(ev->status, "sent") && dnsbl_cited(ev->detail) ?
	    EV_DNSBL : EV_DELIVERY;
	return PARSE_OK;
}

/*
 * on_ruleset - "ruleset=check_X, arg1=A[, arg2=B], relay=CLIENT,
 * reject=TEXT": the first ", relay=" that holds a client followed by
 * ", reject=" (A is the client's text).
 */
static enum parse_status
on_ruleset(struct span m, struct raw_event *ev, const char **why)
{
	struct span s = m, rest;
	ptrdiff_t at;

	while ((at = SPAN_FIND_LIT(s, ", relay=")) >= 0) {
		s = AFTER(s, at, ", relay=");
		if (client(s, ev, &rest) && span_starts(rest, ", reject=")) {
			ev->kind = EV_REJECT;
			ev->detail = span_skip(rest, sizeof(", reject=") - 1);
			return PARSE_OK;
		}
		ev->has_ip = false;
		ev->client_name = SPAN_NULL;
	}
	if (SPAN_FIND_LIT(m, ", reject=") < 0)
		return PARSE_IGNORE;	/* discard=, quarantine= */
	return bad(why, "no client in ruleset reject");
}

/* parse_sendmail_claims - "sendmail" or "sm-NAME". */
bool
parse_sendmail_claims(struct span tag)
{
	return span_eq(tag, "sendmail") ||
	    (tag.len > 3 && span_starts(tag, "sm-"));
}

/* parse_sendmail - one Sendmail line to at most one event. */
enum parse_status
parse_sendmail(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	enum parse_status st = PARSE_IGNORE;
	struct span m;
	size_t i;

	raw_event_clear(ev);
	m = strip_qid(env->msg, ev);
	for (i = 0; i < NELEM(rules); i++) {
		if (span_starts(m, rules[i].prefix)) {
			st = rules[i].fn(m, ev, why);
			break;
		}
	}
	if (i == NELEM(rules))
		st = attack(m, ev, why);
	if (st != PARSE_OK)
		raw_event_clear(ev);
	return st;
}

/* Services named by saslauthd's [service=] field. */
static const struct {
	const char	*name;
	enum ev_service	 svc;
} sasl_services[] = {
	{ "smtp", SVC_SMTP },
	{ "imap", SVC_IMAP },
	{ "pop", SVC_POP3 },
	{ "pop3", SVC_POP3 },
};

/* parse_saslauthd_claims - the tag "saslauthd". */
bool
parse_saslauthd_claims(struct span tag)
{
	return span_eq(tag, "saslauthd");
}

/* bracket - the value of " [key=V]" at the start of s, up to "]". */
static bool
bracket(struct span s, const char *key, struct span *v, struct span *rest)
{
	const char *rb;
	size_t k = strlen(key);

	if (!span_starts(s, key))
		return false;
	s = span_skip(s, k);
	if ((rb = memchr(s.p, ']', s.len)) == NULL)
		return false;
	*v = span_make(s.p, (size_t)(rb - s.p));
	*rest = span_skip(s, v->len + 1);
	return true;
}

/* parse_saslauthd - "do_auth   : auth failure: [user=U] [service=S] ...". */
enum parse_status
parse_saslauthd(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	static const char fail[] = " : auth failure: [user=";
	struct span m = env->msg, rest, svc, realm, mech;
	ptrdiff_t at, us;
	size_t i;

	raw_event_clear(ev);
	if (!span_starts(m, "do_auth") ||
	    (at = SPAN_FIND_LIT(m, fail)) < 0)
		return PARSE_IGNORE;
	rest = AFTER(m, at, fail);
	if ((us = SPAN_RFIND_LIT(rest, "] [service=")) < 0)
		return bad(why, "no '[service=' in saslauthd record");
	ev->account = sub(rest, 0, (size_t)us);
	rest = span_skip(rest, (size_t)us + 1);
	if (!bracket(rest, " [service=", &svc, &rest) ||
	    !bracket(rest, " [realm=", &realm, &rest) ||
	    !bracket(rest, " [mech=", &mech, &rest))
		return bad(why, "bad saslauthd record");
	ev->kind = EV_AUTH_BACKEND;
	ev->service = SVC_AUTH;
	for (i = 0; i < NELEM(sasl_services); i++)
		if (span_eq(svc, sasl_services[i].name))
			ev->service = sasl_services[i].svc;
	ev->method = mech;
	if (span_starts(rest, " [reason=")) {
		ev->detail = span_skip(rest, sizeof(" [reason=") - 1);
		if (span_ends(ev->detail, "]"))
			ev->detail.len--;
	}
	if (ev->account.len == 0) {
		raw_event_clear(ev);
		return PARSE_IGNORE;
	}
	return PARSE_OK;
}
