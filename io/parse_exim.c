/*
 * io/parse_exim.c - Exim main log lines to raw events (formats.md
 * sections 5 and 9).
 *
 * Second step of the per-line pipeline, beside parse_postfix and
 * parse_dovecot: envelope_parse() has split the line (Exim's own mainlog
 * lines get the tag "exim" there), parse_exim_claims() has recognised the
 * tag, and parse_exim() strips what Exim puts before its text (its own
 * time stamp when the line came through syslog, "[PID] ", the message
 * id), then hands the rest to the handler of its first words.
 *
 * The events are the ones the Postfix parser gives, so that the analysis
 * treats both MTAs alike: an "authenticator failed" line is Postfix's SASL
 * warning, a "<=" reception with "A=" is its "client=..., sasl_username="
 * line, and "=>", "**" and "==" are its delivery lines with status sent,
 * bounced and deferred.  Postfix's qmgr recipient count (nrcpt=) is, for
 * Exim, the " for R1 R2" list that log_selector +received_recipients adds
 * to the reception; without it a message's recipients are its delivery
 * outcomes.
 *
 * Every field here may be attacker-controlled except the fixed words
 * Exim writes: HELO names, set_id values, envelope addresses, remote
 * replies.  Client addresses are taken from the fixed HOST layout (see
 * host_at); user names run from a fixed prefix to a fixed end.
 */
#include "io/parse_exim.h"

#include <stddef.h>
#include <string.h>

#include "io/ipaddr.h"
#include "io/parse_postfix.h"
#include "io/span.h"

#define LIT(s)		(s), sizeof(s) - 1
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FIND(s, lit)	SPAN_FIND_LIT((s), (lit))
#define RFIND(s, lit)	SPAN_RFIND_LIT((s), (lit))

typedef enum parse_status (*handler_fn)(struct span, struct span,
    struct raw_event *, const char **);

/* A message prefix and the handler for the line shape it starts. */
struct rule {
	const char	*prefix;
	size_t		 len;
	handler_fn	 fn;
};

static enum parse_status on_reception(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_delivery(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_host(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_nomail(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_protoerr(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_call(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_sync(struct span, struct span,
    struct raw_event *, const char **);
static enum parse_status on_connection(struct span, struct span,
    struct raw_event *, const char **);

/* Lines that follow a message id. */
static const struct rule id_rules[] = {
	{ LIT("<= "), on_reception },
	{ LIT("=> "), on_delivery },
	{ LIT("-> "), on_delivery },
	{ LIT("** "), on_delivery },
	{ LIT("== "), on_delivery },
	{ LIT("H="), on_host },
	{ LIT("F="), on_host },
	{ LIT("SMTP connection from "), on_connection },
};

/* Lines without a message id, apart from "NAME authenticator failed". */
static const struct rule rules[] = {
	{ LIT("H="), on_host },
	{ LIT("no MAIL in SMTP connection from "), on_nomail },
	{ LIT("SMTP protocol error in "), on_protoerr },
	{ LIT("SMTP call from "), on_call },
	{ LIT("SMTP protocol synchronization error"), on_sync },
	{ LIT("SMTP connection from "), on_connection },
};

/* starts - true when s begins with the n bytes of lit. */
static inline bool
starts(struct span s, const char *lit, size_t n)
{
	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

/* sub - the bytes of s from offset a up to offset b. */
static inline struct span
sub(struct span s, size_t a, size_t b)
{
	return span_make(s.p + a, b - a);
}

/* bad - report a line of a known shape that does not parse. */
static enum parse_status
bad(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return PARSE_BAD;
}

/* parse_exim_claims - the syslog tags of Exim, and the mainlog's. */
bool
parse_exim_claims(const struct envelope *env)
{
	return span_eq(env->tag, "exim") || span_eq(env->tag, "exim4");
}

/* skip_spaces - s without its leading spaces. */
static struct span
skip_spaces(struct span s)
{
	while (s.len > 0 && s.p[0] == ' ')
		s = span_skip(s, 1);
	return s;
}

/*
 * host_at - HOST at the start of s: an optional verified name, an
 * optional "(HELO)", "[IP]" and an optional ":PORT"; *rest is what
 * follows.  The name is a DNS name, and Exim refuses a HELO argument with
 * spaces unless helo_accept_junk_hosts allows it, so the first ") ["
 * ends the HELO.  XXX A junk HELO holding ") [ADDR]" can name an address.
 */
static bool
host_at(struct span s, struct raw_event *ev, struct span *rest)
{
	const char *p = s.p, *e = s.p + s.len, *sp, *rb;
	struct span name = SPAN_NULL;
	ptrdiff_t at;
	uint32_t port;
	size_t used;

	if (p < e && *p != '[' && *p != '(') {
		if ((sp = memchr(p, ' ', (size_t)(e - p))) == NULL)
			return false;
		name = span_make(p, (size_t)(sp - p));
		p = sp + 1;
	}
	if (p < e && *p == '(') {
		at = FIND(span_make(p, (size_t)(e - p)), ") [");
		if (at < 0)
			return false;
		p += at + 2;
	}
	if (p == e || *p != '[' ||
	    (rb = memchr(p, ']', (size_t)(e - p))) == NULL ||
	    !ipaddr_parse_loose(span_make(p, (size_t)(rb + 1 - p)), &ev->ip,
	    NULL))
		return false;
	ev->has_ip = true;
	ev->client_name = name;
	p = rb + 1;
	if (p + 1 < e && *p == ':' && span_prefix_u32(span_make(p + 1,
	    (size_t)(e - p - 1)), 65535, &port, &used))
		p += 1 + used;
	*rest = span_make(p, (size_t)(e - p));
	return true;
}

/* port_service - the service of a local port (formats.md section 9). */
static enum ev_service
port_service(uint32_t port)
{
	switch (port) {
	case 25:
		return SVC_SMTP;
	case 465:
		return SVC_SMTPS;
	case 587:
		return SVC_SUBMISSION;
	default:
		return SVC_CUSTOM;
	}
}

/*
 * set_service - the service from " I=[LOCAL]:LPORT" in the text after
 * the client (log_selector +incoming_interface +incoming_port).  Without
 * it the port is unknown: SVC_CUSTOM "exim", never a guess.
 */
static void
set_service(struct span tail, struct raw_event *ev)
{
	ptrdiff_t at = FIND(tail, " I=[");
	const char *rb;
	struct span port;
	uint32_t v;
	size_t used;

	ev->service = SVC_CUSTOM;
	ev->svc_name = SPAN_LIT("exim");
	if (at < 0)
		return;
	tail = span_skip(tail, (size_t)at + 4);
	rb = memchr(tail.p, ']', tail.len);
	if (rb == NULL || rb + 1 == tail.p + tail.len || rb[1] != ':')
		return;
	port = span_skip(tail, (size_t)(rb + 2 - tail.p));
	if (!span_prefix_u32(port, 65535, &v, &used))
		return;
	ev->service = port_service(v);
	ev->svc_name = ev->service == SVC_CUSTOM ? sub(port, 0, used) :
	    SPAN_NULL;
}

/* set_account - a user name; control bytes mark it as suspicious. */
static void
set_account(struct span u, struct raw_event *ev)
{
	size_t i;

	ev->account = u;
	for (i = 0; i < u.len; i++)
		if ((unsigned char)u.p[i] < 0x20 || u.p[i] == 0x7f)
			ev->flags |= EVF_SUSPICIOUS;
}

/*
 * set_id - " (set_id=U)" after the 535 reply: U runs to the ")" that ends
 * the line; a line cut short has none and keeps what is there.
 */
static void
set_id(struct span s, struct raw_event *ev)
{
	static const char pre[] = " (set_id=";
	struct span u;

	if (!starts(s, LIT(pre)))
		return;
	u = span_skip(s, sizeof(pre) - 1);
	if (span_ends(u, ")"))
		u.len--;
	else
		ev->flags |= EVF_TRUNCATED;
	if (u.len > 0)
		set_account(u, ev);
}

/*
 * auth_reply - the reply of "authenticator failed": 535 is a password
 * that did not check; 501 base64 and 553 are failures without a password
 * check; a cancelled exchange is an abort; 435 (the server's own trouble)
 * and anything else are ignored.
 */
static enum parse_status
auth_reply(struct span r, struct raw_event *ev)
{
	static const char bad_pw[] = "535 Incorrect authentication data";

	ev->detail = r;
	if (starts(r, LIT(bad_pw))) {
		ev->kind = EV_AUTH_FAIL;
		ev->detail.len = sizeof(bad_pw) - 1;
		set_id(span_skip(r, sizeof(bad_pw) - 1), ev);
	} else if (starts(r, LIT("501 Authentication cancelled")))
		ev->kind = EV_AUTH_ABORT;
	else if (starts(r, LIT("501 ")) || starts(r, LIT("553 "))) {
		ev->kind = EV_AUTH_FAIL;
		ev->flags |= EVF_NO_PASSWORD;
	} else
		return PARSE_IGNORE;
	return PARSE_OK;
}

/*
 * auth_failed - "NAME authenticator failed for HOST: REPLY".  HOST holds
 * no ": " (see host_at), so the first one ends it.
 */
static enum parse_status
auth_failed(struct span m, struct raw_event *ev, const char **why)
{
	static const char mid[] = " authenticator failed for ";
	const char *sp = memchr(m.p, ' ', m.len);
	struct span s, tail;
	ptrdiff_t at;

	if (sp == NULL || sp == m.p ||
	    !starts(span_skip(m, (size_t)(sp - m.p)), LIT(mid)))
		return PARSE_IGNORE;
	ev->method = span_make(m.p, (size_t)(sp - m.p));
	s = span_skip(m, (size_t)(sp - m.p) + sizeof(mid) - 1);
	if ((at = FIND(s, ": ")) < 0)
		return bad(why, "no reply in exim authenticator line");
	if (!host_at(sub(s, 0, (size_t)at), ev, &tail))
		return bad(why, "no client address");
	set_service(tail, ev);
	return auth_reply(span_skip(s, (size_t)at + 2), ev);
}

/*
 * auth_field - " A=NAME[:ID]" in s, the value ending at " S=" when
 * given (the reception line) or at the next space.  XXX With
 * log_selector +smtp_mailauth a ":SENDER" follows ID and stays in it.
 */
static bool
auth_field(struct span s, const char *end, size_t endlen,
    struct raw_event *ev)
{
	ptrdiff_t at = FIND(s, " A="), stop;
	const char *colon, *sp;
	struct span v;

	if (at < 0)
		return false;
	v = span_skip(s, (size_t)at + 3);
	if (end != NULL && (stop = span_find(v, end, endlen)) >= 0)
		v.len = (size_t)stop;
	else if ((sp = memchr(v.p, ' ', v.len)) != NULL)
		v.len = (size_t)(sp - v.p);
	if ((colon = memchr(v.p, ':', v.len)) == NULL || colon == v.p ||
	    colon + 1 == v.p + v.len)
		return false;
	ev->method = span_make(v.p, (size_t)(colon - v.p));
	set_account(span_skip(v, (size_t)(colon + 1 - v.p)), ev);
	return true;
}

/*
 * rcpt_list - the number of recipients of " for R1 R2 ..." at the end of
 * a reception (log_selector +received_recipients), or 0.  The subject
 * (T="...") comes before it and may hold " for ", so the last one counts,
 * and only when every word after it is an address.
 */
static uint32_t
rcpt_list(struct span s)
{
	ptrdiff_t at = RFIND(s, " for ");
	const char *p, *e = s.p + s.len, *sp;
	uint32_t n = 0;

	if (at < 0)
		return 0;
	for (p = s.p + at + 5; p < e; p = sp + 1) {
		if ((sp = memchr(p, ' ', (size_t)(e - p))) == NULL)
			sp = e;
		if (sp == p || memchr(p, '@', (size_t)(sp - p)) == NULL ||
		    memchr(p, '"', (size_t)(sp - p)) != NULL)
			return 0;
		n++;
	}
	return n;
}

/*
 * on_reception - "ID <= SENDER [R=..] [U=..] H=HOST [I=..] P=PROTO
 * [X=..] [CV=..] [DN=..] A=NAME:ID S=SIZE ...".  The fields after HOST
 * are in Exim's fixed order, so A= is looked for from P= to S=.
 * Receptions without A= (inbound and local mail) are ignored.
 */
static enum parse_status
on_reception(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	struct span rest, s = span_skip(m, 3);
	ptrdiff_t h, p;

	/*
	 * The sender is the client's: a quoted local part may hold " H=".
	 * Inside it a quote is escaped, so the first '"@' ends it.
	 */
	if (s.len > 0 && s.p[0] == '"' && (h = FIND(s, "\"@")) > 0)
		s = span_skip(s, (size_t)h);
	if ((h = FIND(s, " H=")) < 0)
		return PARSE_IGNORE;
	if (!host_at(span_skip(s, (size_t)h + 3), ev, &rest))
		return bad(why, "no client address");
	if ((p = FIND(rest, " P=")) < 0)
		return PARSE_IGNORE;
	if (!auth_field(span_skip(rest, (size_t)p), LIT(" S="), ev))
		return PARSE_IGNORE;
	set_service(sub(rest, 0, (size_t)p), ev);
	ev->queue_id = qid;
	ev->nrcpt = rcpt_list(rest);
	ev->kind = EV_SUBMIT;
	return PARSE_OK;
}

/*
 * on_delivery - "ID => RCPT [<ORIG>] R=.. T=.. ..." (and "->", "**",
 * "=="): the outcome of one recipient.  client_name holds RCPT, as for
 * Postfix deliveries; a bounce or deferral whose text cites a block list
 * is EV_DNSBL.
 */
static enum parse_status
on_delivery(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	struct span s = span_skip(m, 3);
	const char *sp = memchr(s.p, ' ', s.len);

	(void)why;
	ev->queue_id = qid;
	ev->client_name = sp == NULL ? s : sub(s, 0, (size_t)(sp - s.p));
	ev->detail = skip_spaces(span_skip(s, ev->client_name.len));
	/* "** R: reason" when no router or transport was reached */
	if (span_ends(ev->client_name, ":"))
		ev->client_name.len--;
	ev->kind = EV_DELIVERY;
	switch (m.p[0]) {
	case '=':
		ev->status = m.p[1] == '>' ? SPAN_LIT("sent") :
		    SPAN_LIT("deferred");
		break;
	case '-':
		ev->status = SPAN_LIT("sent");
		break;
	default:
		ev->status = SPAN_LIT("bounced");
		break;
	}
	if (!span_eq(ev->status, "sent") && dnsbl_cited(ev->detail))
		ev->kind = EV_DNSBL;
	return PARSE_OK;
}

/* reject_at - EV_REJECT for HOST at the start of s; detail follows it. */
static enum parse_status
reject_at(struct span s, struct raw_event *ev, const char **why)
{
	struct span rest;

	if (!host_at(s, ev, &rest))
		return bad(why, "no client address");
	set_service(rest, ev);
	ev->kind = EV_REJECT;
	ev->detail = skip_spaces(rest);
	return PARSE_OK;
}

/*
 * on_host - "[ID ]H=HOST ... rejected|dropped ..." and "ID F=<S> H=HOST
 * ... rejected by local_scan()": ACL and policy rejections.
 */
static enum parse_status
on_host(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} verbs[] = {
		{ LIT(" rejected ") }, { LIT(" dropped ") },
		{ LIT(" sender verify fail") },
	};
	ptrdiff_t h, at;
	size_t i, hs;

	ev->queue_id = qid;
	if (starts(m, LIT("H=")))
		hs = 2;
	else if ((h = FIND(m, " H=")) >= 0)
		hs = (size_t)h + 3;
	else
		return PARSE_IGNORE;
	for (i = 0; i < NELEM(verbs); i++)
		if ((at = span_find(m, verbs[i].s, verbs[i].len)) >= 0)
			break;
	if (i == NELEM(verbs))
		return PARSE_IGNORE;
	if (reject_at(span_skip(m, hs), ev, why) != PARSE_OK)
		return PARSE_BAD;
	ev->detail = span_skip(m, (size_t)at + 1);
	return PARSE_OK;
}

/*
 * on_nomail - "no MAIL in SMTP connection from HOST ... [A=NAME:ID] ...":
 * a login followed by no mail is EV_AUTH_OK; without A= nothing.
 */
static enum parse_status
on_nomail(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	struct span rest;

	(void)qid;
	if (!host_at(span_skip(m, sizeof("no MAIL in SMTP connection from ") -
	    1), ev, &rest))
		return bad(why, "no client address");
	if (!auth_field(rest, NULL, 0, ev))
		return PARSE_IGNORE;
	set_service(rest, ev);
	ev->kind = EV_AUTH_OK;
	return PARSE_OK;
}

/*
 * on_protoerr - "SMTP protocol error in "CMD" H=HOST ... TEXT".  CMD is
 * the client's, so the last " H=" is Exim's.
 */
static enum parse_status
on_protoerr(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	ptrdiff_t h = RFIND(m, " H=");

	(void)qid;
	if (h < 0)
		return bad(why, "no client in exim protocol error");
	return reject_at(span_skip(m, (size_t)h + 3), ev, why);
}

/* on_call - "SMTP call from HOST dropped: too many ...". */
static enum parse_status
on_call(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	(void)qid;
	if (FIND(m, " dropped: ") < 0)
		return PARSE_IGNORE;
	return reject_at(span_skip(m, sizeof("SMTP call from ") - 1), ev, why);
}

/*
 * on_sync - "SMTP protocol synchronization error (...): rejected
 * [connection from|"CMD"] H=HOST ...".  XXX A command holding " H=" can
 * move the address.
 */
static enum parse_status
on_sync(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	ptrdiff_t h = FIND(m, " H=");

	(void)qid;
	if (h < 0)
		return bad(why, "no client in exim synchronization error");
	return reject_at(span_skip(m, (size_t)h + 3), ev, why);
}

/*
 * on_connection - "SMTP connection from HOST closed by DROP in ACL" is a
 * rejection; the connection's other notes are ignored.
 */
static enum parse_status
on_connection(struct span m, struct span qid, struct raw_event *ev,
    const char **why)
{
	ev->queue_id = qid;
	if (!span_ends(m, " closed by DROP in ACL"))
		return PARSE_IGNORE;
	return reject_at(span_skip(m, sizeof("SMTP connection from ") - 1),
	    ev, why);
}

/*
 * strip_head - Exim's own time stamp (kept in syslog and journal copies),
 * "[PID] " and the message id, which goes to *qid.
 */
static struct span
strip_head(struct span m, struct span *qid)
{
	struct logtime t;
	const char *rb;
	size_t used;

	if (m.len > 19 && m.p[4] == '-' && m.p[10] == ' ' &&
	    logtime_parse(m, &t, &used))
		m = skip_spaces(span_skip(m, used));
	if (m.len > 2 && m.p[0] == '[' &&
	    (rb = memchr(m.p, ']', m.len)) != NULL && rb > m.p + 1 &&
	    span_all_digits(span_make(m.p + 1, (size_t)(rb - m.p - 1))))
		m = skip_spaces(span_skip(m, (size_t)(rb + 1 - m.p)));
	*qid = SPAN_NULL;
	if ((used = exim_id_len(m)) > 0) {
		*qid = span_make(m.p, used);
		m = skip_spaces(span_skip(m, used));
	}
	return m;
}

/* dispatch - the first rule of the table whose prefix starts m. */
static enum parse_status
dispatch(const struct rule *tab, size_t n, struct span m, struct span qid,
    struct raw_event *ev, const char **why)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (starts(m, tab[i].prefix, tab[i].len))
			return tab[i].fn(m, qid, ev, why);
	return PARSE_IGNORE;
}

/* parse_exim - one Exim line to at most one event. */
enum parse_status
parse_exim(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	struct span qid, m;
	enum parse_status st;

	raw_event_clear(ev);
	m = strip_head(env->msg, &qid);
	if (qid.len > 0)
		st = dispatch(id_rules, NELEM(id_rules), m, qid, ev, why);
	else if ((st = dispatch(rules, NELEM(rules), m, qid, ev, why)) ==
	    PARSE_IGNORE && !starts(m, LIT("H=")))
		st = auth_failed(m, ev, why);
	if (st != PARSE_OK)
		raw_event_clear(ev);
	return st;
}
