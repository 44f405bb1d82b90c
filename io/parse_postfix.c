/*
 * io/parse_postfix.c - Postfix lines to raw events (formats.md section 2).
 *
 * Second step of the per-line pipeline: envelope_parse() has split the
 * line, parse_postfix_claims() has recognised the tag as
 * "<syslog_name>/<daemon>", and parse_postfix() turns the message into at
 * most one struct raw_event whose spans point into the line.  The daemon
 * selects a small table of message prefixes; each prefix has a handler
 * that reads one line shape.  Nothing here allocates, and every field is
 * found with memchr()/memrchr() and byte tests: the parser runs on every
 * line of years of logs and must stay cheap next to gzip inflate.
 *
 * Every byte of a log line may be attacker-controlled: client reverse
 * names, SASL user names, envelope addresses and remote replies.  Fields
 * are therefore delimited by the fixed text Postfix writes around them,
 * searched from the side the attacker cannot reach where that matters.
 *
 * Deliveries (EV_DELIVERY, EV_DNSBL) have no client: ev->client_name then
 * holds the recipient address of "to=<...>", and ev->account stays empty
 * (account always means a SASL user).  The output layer maps the field.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* memrchr(3) */
#endif
#include "io/parse_postfix.h"

#include <stddef.h>
#include <string.h>

#include "io/ipaddr.h"
#include "io/span.h"

struct rule;

typedef enum parse_status (*handler_fn)(struct span, const struct rule *,
    struct raw_event *, const char **);

/* A message prefix and the handler for the line shape it starts. */
struct rule {
	const char	*prefix;
	size_t		 len;
	handler_fn	 fn;
};

/* How a daemon's service is derived from the syslog name. */
enum svc_rule {
	SR_NONE,		/* cleanup, qmgr, pickup, delivery agents */
	SR_SMTPD,		/* smtpd, postscreen: from the components */
	SR_LMTP,		/* lmtp: SVC_LMTP */
};

struct daemon {
	const char		*name;
	size_t			 len;
	enum svc_rule		 svc;
	const struct rule	*rules;
	size_t			 nrules;
};

/* A client written as NAME[ADDR][:PORT]. */
struct client {
	struct span	name;		/* may be empty (postscreen) */
	struct span	addr;		/* with its brackets */
	struct span	tail;		/* text after "]" and ":PORT" */
};

#define LIT(s)		(s), sizeof(s) - 1
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define QID_MIN		5
#define QID_MAX		32
#define DSN_MAX		24	/* "D.D.D, status=" fits */

static enum parse_status on_connect(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_disconnect(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_warning(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_after(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_client(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_reject(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_msgid(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_queued(struct span, const struct rule *,
    struct raw_event *, const char **);
static enum parse_status on_delivery(struct span, const struct rule *,
    struct raw_event *, const char **);

static const struct rule smtpd_rules[] = {
	{ LIT("connect from "), on_connect },
	{ LIT("disconnect from "), on_disconnect },
	{ LIT("warning: "), on_warning },
	{ LIT("lost connection after "), on_after },
	{ LIT("timeout after "), on_after },
	{ LIT("too many errors after "), on_after },
	{ LIT("client="), on_client },
	{ LIT("reject: "), on_reject },
	{ LIT("milter-reject: "), on_reject },
	{ LIT("proxy-reject: "), on_reject },
};

static const struct rule postscreen_rules[] = {
	{ LIT("reject: "), on_reject },
};

static const struct rule cleanup_rules[] = {
	{ LIT("message-id="), on_msgid },
	{ LIT("milter-reject: "), on_reject },
};

static const struct rule qmgr_rules[] = {
	{ LIT("from=<"), on_queued },
};

static const struct rule delivery_rules[] = {
	{ LIT("to=<"), on_delivery },
};

#define RULES(r)	(r), NELEM(r)
#define NORULES		NULL, 0

/*
 * Daemons we claim.  Those without rules are claimed so that their lines
 * are counted as Postfix lines we ignore, not as unknown programs.
 */
static const struct daemon daemons[] = {
	{ LIT("smtpd"), SR_SMTPD, RULES(smtpd_rules) },
	{ LIT("postscreen"), SR_SMTPD, RULES(postscreen_rules) },
	{ LIT("cleanup"), SR_NONE, RULES(cleanup_rules) },
	{ LIT("qmgr"), SR_NONE, RULES(qmgr_rules) },
	{ LIT("nqmgr"), SR_NONE, RULES(qmgr_rules) },
	{ LIT("oqmgr"), SR_NONE, RULES(qmgr_rules) },
	{ LIT("smtp"), SR_NONE, RULES(delivery_rules) },
	{ LIT("lmtp"), SR_LMTP, RULES(delivery_rules) },
	{ LIT("local"), SR_NONE, RULES(delivery_rules) },
	{ LIT("virtual"), SR_NONE, RULES(delivery_rules) },
	{ LIT("pipe"), SR_NONE, RULES(delivery_rules) },
	{ LIT("error"), SR_NONE, RULES(delivery_rules) },
	{ LIT("retry"), SR_NONE, RULES(delivery_rules) },
	{ LIT("discard"), SR_NONE, RULES(delivery_rules) },
	{ LIT("pickup"), SR_NONE, NORULES },
	{ LIT("anvil"), SR_NONE, NORULES },
	{ LIT("bounce"), SR_NONE, NORULES },
	{ LIT("defer"), SR_NONE, NORULES },
	{ LIT("trace"), SR_NONE, NORULES },
	{ LIT("verify"), SR_NONE, NORULES },
	{ LIT("dnsblog"), SR_NONE, NORULES },
	{ LIT("tlsproxy"), SR_NONE, NORULES },
	{ LIT("tlsmgr"), SR_NONE, NORULES },
	{ LIT("scache"), SR_NONE, NORULES },
	{ LIT("master"), SR_NONE, NORULES },
	{ LIT("postfix-script"), SR_NONE, NORULES },
	{ LIT("postlog"), SR_NONE, NORULES },
	{ LIT("postlogd"), SR_NONE, NORULES },
	{ LIT("proxymap"), SR_NONE, NORULES },
	{ LIT("trivial-rewrite"), SR_NONE, NORULES },
	{ LIT("flush"), SR_NONE, NORULES },
	{ LIT("showq"), SR_NONE, NORULES },
	{ LIT("sendmail"), SR_NONE, NORULES },
	{ LIT("postdrop"), SR_NONE, NORULES },
	{ LIT("postqueue"), SR_NONE, NORULES },
	{ LIT("postsuper"), SR_NONE, NORULES },
	{ LIT("postmap"), SR_NONE, NORULES },
	{ LIT("postconf"), SR_NONE, NORULES },
};

static const char *const kind_names[EV_KIND_MAX] = {
	[EV_CONNECT] = "connect",
	[EV_DISCONNECT] = "disconnect",
	[EV_AUTH_FAIL] = "auth-fail",
	[EV_AUTH_OK] = "auth-ok",
	[EV_AUTH_BACKEND] = "auth-backend",
	[EV_AUTH_ABORT] = "auth-abort",
	[EV_REJECT] = "reject",
	[EV_SUBMIT] = "submit",
	[EV_MSGID] = "message-id",
	[EV_QUEUED] = "queued",
	[EV_DELIVERY] = "delivery",
	[EV_DNSBL] = "dnsbl",
};

static const char *const svc_names[SVC_MAX] = {
	[SVC_NONE] = "",
	[SVC_SMTP] = "smtp",
	[SVC_SUBMISSION] = "submission",
	[SVC_SMTPS] = "smtps",
	[SVC_POP3] = "pop3",
	[SVC_IMAP] = "imap",
	[SVC_MANAGESIEVE] = "managesieve",
	[SVC_LMTP] = "lmtp",
	[SVC_AUTH] = "auth",
	[SVC_CUSTOM] = "custom",
};

/* raw_event_clear - reset to EV_NONE, count 1, every span empty. */
void
raw_event_clear(struct raw_event *ev)
{
	/*
	 * Field by field, not memset(): GCC turns a memset() of this size
	 * into "rep stos", whose start-up cost showed in profiles (every
	 * parser clears the event of every line it sees).  A new field of
	 * struct raw_event must be cleared here (the assertion is a
	 * reminder; see RAW_EVENT_SIZE).
	 */
	_Static_assert(sizeof(struct raw_event) == RAW_EVENT_SIZE,
	    "struct raw_event changed: clear the new field here");
	ev->kind = EV_NONE;
	ev->service = SVC_NONE;
	ev->svc_name = SPAN_NULL;
	ev->account = SPAN_NULL;
	ev->has_ip = false;
	memset(&ev->ip, 0, sizeof(ev->ip));
	ev->client_name = SPAN_NULL;
	ev->queue_id = SPAN_NULL;
	ev->session = SPAN_NULL;
	ev->method = SPAN_NULL;
	ev->status = SPAN_NULL;
	ev->detail = SPAN_NULL;
	ev->count = 1;
	ev->auth_ok = 0;
	ev->auth_total = 0;
	ev->flags = 0;
	ev->nrcpt = 0;
}

/* event_kind_name - printed name of an event kind. */
const char *
event_kind_name(enum ev_kind k)
{
	if ((unsigned)k >= EV_KIND_MAX || kind_names[k] == NULL)
		return "?";
	return kind_names[k];
}

/* service_name - printed name of a service. */
const char *
service_name(enum ev_service s)
{
	if ((unsigned)s >= SVC_MAX)
		return "?";
	return svc_names[s];
}

/*
 * starts - true when s begins with the n > 0 bytes of lit.  The first
 * byte settles most misses without a call: dispatch() tries up to ten
 * prefixes per line.
 */
static inline bool
starts(struct span s, const char *lit, size_t n)
{
	return s.len >= n && s.p[0] == lit[0] && memcmp(s.p, lit, n) == 0;
}

/* sub - the bytes of s from offset a up to offset b. */
static inline struct span
sub(struct span s, size_t a, size_t b)
{
	return span_make(s.p + a, b - a);
}

/* First and last occurrences of a literal: io/span.c. */
#define FIND(s, lit)	SPAN_FIND_LIT((s), (lit))
#define RFIND(s, lit)	SPAN_RFIND_LIT((s), (lit))

/* lastsep - offset of the last '/' in the tag, or -1. */
static ptrdiff_t
lastsep(struct span tag)
{
	size_t i;

	for (i = tag.len; i-- > 0;)
		if (tag.p[i] == '/')
			return (ptrdiff_t)i;
	return -1;
}

/* find_daemon - the daemon table entry for a tag, or NULL. */
static const struct daemon *
find_daemon(struct span tag, size_t *sep)
{
	ptrdiff_t slash;
	struct span d;
	size_t i;

	if ((slash = lastsep(tag)) <= 0)
		return NULL;
	d = span_skip(tag, (size_t)slash + 1);
	for (i = 0; i < NELEM(daemons); i++) {
		if (d.len == daemons[i].len && d.p[0] == daemons[i].name[0] &&
		    memcmp(d.p, daemons[i].name, d.len) == 0) {
			*sep = (size_t)slash;
			return &daemons[i];
		}
	}
	return NULL;
}

/* parse_postfix_claims - true for "<syslog_name>/<known daemon>". */
bool
parse_postfix_claims(struct span tag)
{
	size_t sep;

	return find_daemon(tag, &sep) != NULL;
}

/* component_service - service named by one syslog-name component. */
static enum ev_service
component_service(struct span c)
{
	if (span_eq(c, "submission"))
		return SVC_SUBMISSION;
	if (span_eq(c, "smtps") || span_eq(c, "submissions"))
		return SVC_SMTPS;
	return SVC_NONE;
}

/*
 * set_service - smtpd and postscreen service from the syslog name
 * (formats.md section 9, rule 1): a "submission", "smtps" or
 * "submissions" component wins; a bare instance name ("postfix",
 * "postfix-incoming") is port 25; anything else is a site's own name.
 */
static void
set_service(struct span names, struct raw_event *ev)
{
	const char *p = names.p, *end = names.p + names.len, *slash;
	enum ev_service s;

	while (p < end) {
		slash = memchr(p, '/', (size_t)(end - p));
		if (slash == NULL)
			slash = end;
		s = component_service(span_make(p, (size_t)(slash - p)));
		if (s != SVC_NONE) {
			ev->service = s;
			return;
		}
		p = slash + 1;
	}
	slash = memchr(names.p, '/', names.len);
	if (slash == NULL) {
		ev->service = SVC_SMTP;
		return;
	}
	ev->service = SVC_CUSTOM;
	ev->svc_name = span_make(slash + 1, (size_t)(end - slash - 1));
}

/*
 * qid_alpha[c] - QA_HEX for 0-9 and A-F, the alphabet of short queue
 * ids; QA_B52 for the vowel-free base 52 of long ids ('z' separates).
 * Every queue id line looks its bytes up here: a table, not a memchr()
 * call per byte.
 */
#define QA_HEX	1
#define QA_B52	2
#define QA_BOTH	(QA_HEX | QA_B52)
#define R10(v)	v, v, v, v, v, v, v, v, v, v
static const uint8_t qid_alpha[256] = {
	['0'] = R10(QA_BOTH),
	['A'] = QA_HEX, QA_BOTH, QA_BOTH, QA_BOTH, QA_HEX, QA_BOTH, /* A-F */
	['G'] = QA_B52, QA_B52, 0, QA_B52, QA_B52, QA_B52, QA_B52, QA_B52,
	['O'] = 0, QA_B52, QA_B52, QA_B52, QA_B52, QA_B52, 0,	/* O-U */
	['V'] = QA_B52, QA_B52, QA_B52, QA_B52, QA_B52,		/* V-Z */
	['a'] = 0, QA_B52, QA_B52, QA_B52, 0, QA_B52, QA_B52, QA_B52,
	['i'] = 0, QA_B52, QA_B52, QA_B52, QA_B52, QA_B52, 0,	/* i-o */
	['p'] = QA_B52, QA_B52, QA_B52, QA_B52, QA_B52, 0,	/* p-u */
	['v'] = QA_B52, QA_B52, QA_B52, QA_B52, QA_B52,		/* v-z */
};
#undef R10

/*
 * is_qid - true for a Postfix queue id: upper-case hex (short ids) or
 * the vowel-free base-52 alphabet (long ids).  Words such as "warning"
 * or "statistics" fail both.
 */
static bool
is_qid(struct span s)
{
	size_t i;
	unsigned all = QA_BOTH;

	if (s.len < QID_MIN || s.len > QID_MAX)
		return false;
	for (i = 0; i < s.len && all != 0; i++)
		all &= qid_alpha[(unsigned char)s.p[i]];
	return all != 0;
}

/*
 * strip_qid - remove a "QID: " or "NOQUEUE: " prefix (Postfix 3.10 puts
 * one on more lines) and store the queue id.
 */
static struct span
strip_qid(struct span m, struct raw_event *ev)
{
	const char *colon;
	size_t n;

	if (starts(m, LIT("NOQUEUE: ")))
		return span_skip(m, sizeof("NOQUEUE: ") - 1);
	n = m.len < QID_MAX + 2 ? m.len : QID_MAX + 2;
	colon = memchr(m.p, ':', n);
	if (colon == NULL || colon + 1 >= m.p + m.len || colon[1] != ' ')
		return m;
	n = (size_t)(colon - m.p);
	if (!is_qid(span_make(m.p, n)))
		return m;
	ev->queue_id = span_make(m.p, n);
	return span_skip(m, n + 2);
}

/* bad - report a line of a known shape that does not parse. */
static enum parse_status
bad(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return PARSE_BAD;
}

/* need_qid - PARSE_BAD unless the line carried a queue id. */
static bool
need_qid(const struct raw_event *ev, const char **why)
{
	if (ev->queue_id.len > 0)
		return true;
	bad(why, "no queue id");
	return false;
}

/*
 * find_client - split NAME[ADDR][:PORT] at the start of s.  The token ends
 * at the first space (Postfix only logs verified host names, or
 * "unknown"); the address is the last bracket pair in it, found from the
 * right so that a strange name cannot move it.  Returns false when there
 * is no bracket pair.
 */
static bool
find_client(struct span s, struct client *c)
{
	const char *sp, *rb, *lb, *p, *end;
	uint32_t port;
	size_t used;

	sp = memchr(s.p, ' ', s.len);
	end = sp != NULL ? sp : s.p + s.len;
	for (rb = end; rb > s.p && rb[-1] != ']'; rb--)
		;
	if (rb == s.p)
		return false;
	rb--;
	for (lb = rb; lb > s.p && *lb != '['; lb--)
		;
	if (*lb != '[')
		return false;
	c->name = span_make(s.p, (size_t)(lb - s.p));
	c->addr = span_make(lb, (size_t)(rb + 1 - lb));
	p = rb + 1;
	if (p + 1 < end && *p == ':' && span_prefix_u32(span_make(p + 1,
	    (size_t)(end - p - 1)), 65535, &port, &used))
		p += 1 + used;
	c->tail = span_make(p, (size_t)(s.p + s.len - p));
	return true;
}

/* set_client - store the client name and address of c in ev. */
static bool
set_client(const struct client *c, struct raw_event *ev)
{
	ev->client_name = c->name;
	ev->has_ip = ipaddr_parse_loose(c->addr, &ev->ip, NULL);
	return ev->has_ip;
}

/*
 * client_at - parse the client at the start of s into ev; PARSE_OK with
 * *tail set, or PARSE_BAD.
 */
static enum parse_status
client_at(struct span s, struct raw_event *ev, struct span *tail,
    const char **why)
{
	struct client c;

	if (!find_client(s, &c) || !set_client(&c, ev))
		return bad(why, "no client address");
	if (tail != NULL)
		*tail = c.tail;
	return PARSE_OK;
}

/* on_connect - "connect from NAME[ADDR]". */
static enum parse_status
on_connect(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	ev->kind = EV_CONNECT;
	return client_at(span_skip(m, r->len), ev, NULL, why);
}

/*
 * auth_counter - find "auth=a[/b]" among the disconnect counters; b
 * defaults to a.  Absent (Postfix before 3.0, no AUTH) leaves 0/0.
 */
static bool
auth_counter(struct span cnt, struct raw_event *ev)
{
	ptrdiff_t at;
	size_t used;
	struct span s;

	if (starts(cnt, LIT("auth=")))
		at = 0;
	else if ((at = FIND(cnt, " auth=")) >= 0)
		at++;
	else
		return true;
	s = span_skip(cnt, (size_t)at + sizeof("auth=") - 1);
	if (!span_prefix_u32(s, UINT32_MAX, &ev->auth_ok, &used))
		return false;
	s = span_skip(s, used);
	ev->auth_total = ev->auth_ok;
	if (s.len > 0 && s.p[0] == '/' &&
	    !span_prefix_u32(span_skip(s, 1), UINT32_MAX, &ev->auth_total,
	    NULL))
		return false;
	return true;
}

/*
 * on_disconnect - "disconnect from NAME[ADDR] ehlo=1 auth=0/3 ...": a
 * successful AUTH makes it EV_AUTH_OK.
 */
static enum parse_status
on_disconnect(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct span tail;

	if (client_at(span_skip(m, r->len), ev, &tail, why) != PARSE_OK)
		return PARSE_BAD;
	if (tail.len > 0 && tail.p[0] == ' ')
		ev->detail = span_skip(tail, 1);
	if (!auth_counter(ev->detail, ev))
		return bad(why, "bad auth counter");
	ev->kind = EV_DISCONNECT;
	if (ev->auth_ok > 0) {
		ev->kind = EV_AUTH_OK;
		ev->count = ev->auth_ok;
	}
	return PARSE_OK;
}

/*
 * suspicious - true when a user name carries bytes Postfix would have
 * made printable, or a second field name: the line was forged or
 * mangled on the way.
 */
static bool
suspicious(struct span u)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < u.len; i++) {
		c = (unsigned char)u.p[i];
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return FIND(u, ", sasl_username=") >= 0;
}

/* set_account - store a SASL user name, flagged as such. */
static void
set_account(struct span u, struct raw_event *ev)
{
	ev->account = u;
	ev->flags |= EVF_SASL_USERNAME;
	if (suspicious(u))
		ev->flags |= EVF_SUSPICIOUS;
}

/*
 * sasl_failed - REASON[, sasl_username=USER] after "authentication
 * failed".  The reason comes from the server and the user from the
 * client, so the first ", sasl_username=" is the delimiter and the user
 * runs to the end of the line.
 */
static enum parse_status
sasl_failed(struct span s, struct raw_event *ev)
{
	ptrdiff_t at;
	struct span u;

	if (starts(s, LIT(":")))
		s = span_skip(s, 1);
	if (starts(s, LIT(" ")))
		s = span_skip(s, 1);
	if (starts(s, LIT("Connection lost to authentication server")))
		return PARSE_IGNORE;
	ev->kind = EV_AUTH_FAIL;
	ev->detail = s;
	if ((at = FIND(s, ", sasl_username=")) >= 0) {
		ev->detail = sub(s, 0, (size_t)at);
		u = span_skip(s, (size_t)at + sizeof(", sasl_username=") - 1);
		if (!span_eq(u, "(unavailable)"))
			set_account(u, ev);
	}
	if (span_starts(ev->detail, "Invalid authentication mechanism"))
		ev->flags |= EVF_NO_PASSWORD;
	return PARSE_OK;
}

/*
 * on_warning - "warning: NAME[ADDR][:PORT]: SASL METHOD authentication
 * failed|aborted...".  Other warnings, including the Cyrus library's
 * address-less "SASL authentication failure:", are ignored.
 */
static enum parse_status
on_warning(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct client c;
	struct span s;
	const char *sp;

	if (!find_client(span_skip(m, r->len), &c) ||
	    !starts(c.tail, LIT(": SASL ")))
		return PARSE_IGNORE;
	s = span_skip(c.tail, sizeof(": SASL ") - 1);
	if ((sp = memchr(s.p, ' ', s.len)) == NULL)
		return PARSE_IGNORE;
	ev->method = span_make(s.p, (size_t)(sp - s.p));
	s = span_skip(s, ev->method.len);
	if (starts(s, LIT(" authentication aborted"))) {
		ev->kind = EV_AUTH_ABORT;
		ev->detail = span_skip(s, 1);
	} else if (starts(s, LIT(" authentication failed"))) {
		s = span_skip(s, sizeof(" authentication failed") - 1);
		if (sasl_failed(s, ev) != PARSE_OK)
			return PARSE_IGNORE;
	} else
		return PARSE_IGNORE;
	if (!set_client(&c, ev))
		return bad(why, "no client address");
	return PARSE_OK;
}

/*
 * on_after - "lost connection|timeout|too many errors after CMD from
 * NAME[ADDR]": EV_AUTH_ABORT when CMD is AUTH, ignored otherwise.
 */
static enum parse_status
on_after(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct span s = span_skip(m, r->len);

	if (!starts(s, LIT("AUTH from ")))
		return PARSE_IGNORE;
	ev->kind = EV_AUTH_ABORT;
	ev->detail = span_make(m.p, r->len - (sizeof(" after ") - 1));
	return client_at(span_skip(s, sizeof("AUTH from ") - 1), ev, NULL,
	    why);
}

/*
 * user_end - where the user name of a client= line ends: at the last of
 * the fields Postfix writes after it, in their fixed order.
 */
static size_t
user_end(struct span u)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} after[] = {
		{ LIT(", sasl_sender=") },
		{ LIT(", orig_queue_id=") },
		{ LIT(", orig_client=") },
	};
	ptrdiff_t at;
	size_t i;

	for (i = 0; i < NELEM(after); i++)
		if ((at = span_rfind(u, after[i].s, after[i].len)) >= 0)
			return (size_t)at;
	return u.len;
}

/*
 * on_client - "QID: client=NAME[ADDR][:PORT][, sasl_method=M][,
 * sasl_username=U]...": EV_SUBMIT for an authenticated client; plain
 * (port 25) clients are ignored.
 */
static enum parse_status
on_client(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct span tail, u;
	ptrdiff_t at;

	if (!need_qid(ev, why))
		return PARSE_BAD;
	if (client_at(span_skip(m, r->len), ev, &tail, why) != PARSE_OK)
		return PARSE_BAD;
	if ((at = FIND(tail, ", sasl_username=")) < 0)
		return PARSE_IGNORE;
	if (starts(tail, LIT(", sasl_method=")))
		ev->method = sub(tail, sizeof(", sasl_method=") - 1,
		    (size_t)at);
	u = span_skip(tail, (size_t)at + sizeof(", sasl_username=") - 1);
	u.len = user_end(u);
	if (u.len == 0)
		return PARSE_IGNORE;
	set_account(u, ev);
	ev->kind = EV_SUBMIT;
	return PARSE_OK;
}

/*
 * reject_split - offset of "; " that ends the reject TEXT: the last
 * "; from=<", else "; to=<", else "; proto=".  TEXT may contain ';'.
 */
static ptrdiff_t
reject_split(struct span s)
{
	ptrdiff_t at;

	if ((at = RFIND(s, "; from=<")) >= 0)
		return at;
	if ((at = RFIND(s, "; to=<")) >= 0)
		return at;
	return RFIND(s, "; proto=");
}

/*
 * reject_user - the trailing " sasl_username=U" (3.10+) or
 * " sasl_username=<U>" (milter) of a reject's key=value tail.
 * XXX An envelope sender holding " sasl_username=" can fake one when no
 * real field follows.
 */
static void
reject_user(struct span kv, struct raw_event *ev)
{
	ptrdiff_t at, m;
	struct span u;
	const char *sp;

	if ((at = RFIND(kv, " sasl_username=")) < 0)
		return;
	u = span_skip(kv, (size_t)at + sizeof(" sasl_username=") - 1);
	if (u.len >= 2 && u.p[0] == '<' && u.p[u.len - 1] == '>')
		u = sub(u, 1, u.len - 1);
	if (u.len == 0)
		return;
	set_account(u, ev);
	kv.len = (size_t)at;
	if ((m = RFIND(kv, " sasl_method=")) < 0)
		return;
	u = span_skip(kv, (size_t)m + sizeof(" sasl_method=") - 1);
	sp = memchr(u.p, ' ', u.len);
	ev->method = sp == NULL ? u : sub(u, 0, (size_t)(sp - u.p));
}

/*
 * on_reject - "NOQUEUE|QID: reject|milter-reject|proxy-reject: CMD from
 * NAME[ADDR]: TEXT; from=<S> to=<R> proto=P helo=<H>[ sasl_...]", and
 * postscreen's "reject: RCPT from [ADDR]:PORT: TEXT; from=<S>, ...".
 */
static enum parse_status
on_reject(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct span s = span_skip(m, r->len), tail;
	ptrdiff_t at;

	if ((at = FIND(s, " from ")) < 0)
		return bad(why, "no client in reject");
	s = span_skip(s, (size_t)at + sizeof(" from ") - 1);
	if (client_at(s, ev, &tail, why) != PARSE_OK)
		return PARSE_BAD;
	ev->kind = EV_REJECT;
	if (starts(tail, LIT(": ")))
		tail = span_skip(tail, 2);
	ev->detail = tail;
	if ((at = reject_split(tail)) >= 0) {
		ev->detail = sub(tail, 0, (size_t)at);
		reject_user(span_skip(tail, (size_t)at + 1), ev);
	}
	return PARSE_OK;
}

/* on_msgid - cleanup "QID: message-id=<ID>". */
static enum parse_status
on_msgid(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct span id = span_skip(m, r->len);

	if (!need_qid(ev, why))
		return PARSE_BAD;
	if (id.len >= 2 && id.p[0] == '<' && id.p[id.len - 1] == '>')
		id = sub(id, 1, id.len - 1);
	ev->kind = EV_MSGID;
	ev->detail = id;
	return PARSE_OK;
}

/*
 * on_queued - qmgr "QID: from=<S>, size=N, nrcpt=N (queue active)".  The
 * sender is attacker-controlled, so the numbers are found from the right.
 * "status=expired" and other from= lines are ignored.
 */
static enum parse_status
on_queued(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	static const char active[] = " (queue active)";
	struct span s = span_skip(m, r->len);
	ptrdiff_t nr, sz;
	uint32_t size;

	if (!span_ends(s, active))
		return PARSE_IGNORE;
	if (!need_qid(ev, why))
		return PARSE_BAD;
	s.len -= sizeof(active) - 1;
	if ((nr = RFIND(s, ", nrcpt=")) < 0 ||
	    !span_to_u32(span_skip(s, (size_t)nr + sizeof(", nrcpt=") - 1),
	    UINT32_MAX, &ev->count))
		return bad(why, "bad nrcpt");
	s.len = (size_t)nr;
	if ((sz = RFIND(s, ">, size=")) < 0 ||
	    !span_to_u32(span_skip(s, (size_t)sz + sizeof(">, size=") - 1),
	    UINT32_MAX, &size))
		return bad(why, "bad size");
	ev->kind = EV_QUEUED;
	ev->detail = sub(s, 0, (size_t)sz);
	return PARSE_OK;
}

/* is_dsn - true for "D.D.D" spanning all of s (digits, 1-3 each). */
static bool
is_dsn(struct span s)
{
	uint32_t v;
	size_t used, i;

	for (i = 0; i < 3; i++) {
		if (!span_prefix_u32(s, 999, &v, &used))
			return false;
		s = span_skip(s, used);
		if (i < 2) {
			if (s.len == 0 || s.p[0] != '.')
				return false;
			s = span_skip(s, 1);
		}
	}
	return s.len == 0;
}

/*
 * find_dsn - offset of the first ", dsn=D.D.D, status=" in s, with *st
 * set to what follows "status=".  The first real match is before the
 * remote reply, which is the text an outsider controls.
 */
static ptrdiff_t
find_dsn(struct span s, struct span *st)
{
	struct span rest, d;
	ptrdiff_t at, base = 0, c;

	for (;;) {
		rest = span_skip(s, (size_t)base);
		if ((at = FIND(rest, ", dsn=")) < 0)
			return -1;
		d = span_skip(rest, (size_t)at + sizeof(", dsn=") - 1);
		c = FIND(sub(d, 0, d.len < DSN_MAX ? d.len : DSN_MAX),
		    ", status=");
		if (c >= 0 && is_dsn(sub(d, 0, (size_t)c))) {
			*st = span_skip(d, (size_t)c + sizeof(", status=") - 1);
			return base + at;
		}
		base += at + 1;
	}
}

/*
 * delivery_text - status word and remote reply after "status=": "WORD
 * (TEXT)", where the closing ')' is missing from lines cut short.
 */
static void
delivery_text(struct span st, struct raw_event *ev, struct span *text)
{
	const char *sp = memchr(st.p, ' ', st.len);

	*text = SPAN_NULL;
	ev->status = sp == NULL ? st : sub(st, 0, (size_t)(sp - st.p));
	st = span_skip(st, ev->status.len);
	if (!starts(st, LIT(" (")))
		return;
	*text = span_skip(st, 2);
	if (span_ends(*text, ")"))
		text->len--;
	else
		ev->flags |= EVF_TRUNCATED;
}

/*
 * on_delivery - "QID: to=<R>[, orig_to=<O>], relay=RELAY, ..., dsn=X.Y.Z,
 * status=WORD (TEXT)".  detail runs from "relay=" to the end of the reply
 * (one span: relay, delays, dsn, status and reply); client_name holds R.
 * A reply citing a block list makes it EV_DNSBL, unless status=sent.
 */
static enum parse_status
on_delivery(struct span m, const struct rule *r, struct raw_event *ev,
    const char **why)
{
	struct span s = span_skip(m, r->len), head, st, text;
	ptrdiff_t dsn, relay, o;

	if (!need_qid(ev, why))
		return PARSE_BAD;
	if ((dsn = find_dsn(s, &st)) < 0)
		return bad(why, "no delivery status");
	head = sub(s, 0, (size_t)dsn);
	relay = RFIND(head, ", relay=");
	o = FIND(head, ">, orig_to=<");
	if (o < 0)
		o = relay > 0 && head.p[relay - 1] == '>' ? relay - 1 : -1;
	ev->client_name = o >= 0 ? sub(s, 0, (size_t)o) : SPAN_NULL;
	delivery_text(st, ev, &text);
	ev->detail = span_skip(s, relay >= 0 ? (size_t)relay + 2 :
	    (size_t)dsn + 2);
	if (text.p != NULL)
		ev->detail.len = (size_t)(text.p + text.len - ev->detail.p);
	/* Mail that was accepted was not blocked: skip the scan. */
	ev->kind = !span_eq(ev->status, "sent") && dnsbl_cited(text) ?
	    EV_DNSBL : EV_DELIVERY;
	return PARSE_OK;
}

/* dispatch - run the first rule whose prefix starts the message. */
static enum parse_status
dispatch(const struct daemon *d, struct span m, struct raw_event *ev,
    const char **why)
{
	const struct rule *r;
	size_t i;

	for (i = 0; i < d->nrules; i++) {
		r = &d->rules[i];
		if (starts(m, r->prefix, r->len))
			return r->fn(m, r, ev, why);
	}
	return PARSE_IGNORE;
}

/* parse_daemon - a line of daemon d, its tag's last '/' at sep. */
static enum parse_status
parse_daemon(const struct daemon *d, size_t sep, const struct envelope *env,
    struct raw_event *ev, const char **why)
{
	enum parse_status st;
	struct span m;

	raw_event_clear(ev);
	if (d->nrules == 0)
		return PARSE_IGNORE;
	if (d->svc == SR_SMTPD)
		set_service(span_make(env->tag.p, sep), ev);
	else if (d->svc == SR_LMTP)
		ev->service = SVC_LMTP;
	m = strip_qid(env->msg, ev);
	st = dispatch(d, m, ev, why);
	if (st != PARSE_OK) {
		raw_event_clear(ev);
		return st;
	}
	return PARSE_OK;
}

/* parse_postfix_try - see io/parse_postfix.h. */
bool
parse_postfix_try(const struct envelope *env, struct raw_event *ev,
    const char **why, enum parse_status *st)
{
	const struct daemon *d;
	size_t sep;

	if ((d = find_daemon(env->tag, &sep)) == NULL)
		return false;
	*st = parse_daemon(d, sep, env, ev, why);
	return true;
}

/* parse_postfix - one Postfix line to at most one event. */
enum parse_status
parse_postfix(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	enum parse_status st;

	if (parse_postfix_try(env, ev, why, &st))
		return st;
	raw_event_clear(ev);
	return PARSE_IGNORE;
}

/*
 * Block-list citations in remote replies, grouped by first letter (see
 * dnsbl_first).  word: the match must not be part of a longer word ("rbl"
 * in "garbled", "sorbs" in "absorbs").
 */
static const struct {
	const char	*s;
	size_t		 len;
	bool		 word;
} dnsbl_words[] = {
	{ LIT("blocked using"), false },	/* 0: b */
	{ LIT("block list"), false },
	{ LIT("blocklist"), false },
	{ LIT("blacklist"), false },
	{ LIT("barracuda"), false },
	{ LIT("dnsbl"), false },		/* 5: d */
	{ LIT("listed at"), false },		/* 6: l */
	{ LIT("listed in"), false },
	{ LIT("likely unsolicited"), false },
	{ LIT("rbl"), true },			/* 9: r */
	{ LIT("spamhaus"), false },		/* 10: s */
	{ LIT("spamcop"), false },
	{ LIT("sorbs"), true },
	{ LIT("surbl"), true },
	{ LIT("s3150"), false },
	{ LIT("uceprotect"), false },		/* 15: u */
	{ LIT("unusual rate of unsolicited"), false },
};

/*
 * The patterns a byte can start, as [lo, hi) in dnsbl_words; hi == 0
 * for bytes that start none.  This keeps the scan to one table load for
 * most bytes of a reply.
 */
#define FIRST(c, lo, hi)	[c] = { lo, hi }, [(c) - 32] = { lo, hi }
static const struct {
	uint8_t	lo, hi;
} dnsbl_first[256] = {
	FIRST('b', 0, 5), FIRST('d', 5, 6), FIRST('l', 6, 9),
	FIRST('r', 9, 10), FIRST('s', 10, 15), FIRST('u', 15, 17),
};
#undef FIRST

/* lc - ASCII lower case, locale-free. */
static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* alnum - ASCII letter or digit, locale-free. */
static inline bool
alnum(unsigned char c)
{
	c = lc(c);
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * word_at - true when pattern i matches s at offset at; the caller has
 * compared the first two bytes.
 */
static bool
word_at(struct span s, size_t at, size_t i)
{
	size_t n = dnsbl_words[i].len, k;

	if (s.len - at < n)
		return false;
	for (k = 2; k < n; k++)
		if (lc((unsigned char)s.p[at + k]) != dnsbl_words[i].s[k])
			return false;
	if (!dnsbl_words[i].word)
		return true;
	if (at > 0 && alnum((unsigned char)s.p[at - 1]))
		return false;
	return at + n == s.len || !alnum((unsigned char)s.p[at + n]);
}

/* dnsbl_cited - true when a remote reply cites a DNS block list. */
bool
dnsbl_cited(struct span reply)
{
	size_t at, i, lo, hi;
	unsigned char c1;

	for (at = 0; at + 1 < reply.len; at++) {
		lo = dnsbl_first[(unsigned char)reply.p[at]].lo;
		hi = dnsbl_first[(unsigned char)reply.p[at]].hi;
		if (hi == 0)
			continue;
		c1 = lc((unsigned char)reply.p[at + 1]);
		for (i = lo; i < hi; i++)
			if (dnsbl_words[i].s[1] == c1 && word_at(reply, at, i))
				return true;
	}
	return false;
}
