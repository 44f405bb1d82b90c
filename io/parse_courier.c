/*
 * io/parse_courier.c - Courier imapd, pop3d and esmtpd lines to raw
 * events (formats.md section 8).
 *
 * Runs after io/envelope.c.  Courier's login daemons write "LOGIN
 * FAILED, user=U, ip=[A], port=[P]" and esmtpd writes comma-separated
 * "error,relay=A,...,msg=\"...\",cmd: ..." records.  U and the cmd text
 * are the client's, so the address is anchored on the last ", ip=[" and
 * esmtpd's relay= (Courier's own, first in the record) is read from the
 * left.  A client's AUTH argument may hold a password: it is only ever
 * used as a user name when it is the clear-text initial response of
 * AUTH LOGIN.
 */
#include "io/parse_courier.h"

#include <stddef.h>
#include <string.h>

#include "io/ipaddr.h"
#include "io/span.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Generic tags: Courier's only when the message is one of its words. */
static const struct {
	const char	*tag;
	enum ev_service	 svc;
} login_tags[] = {
	{ "imapd", SVC_IMAP },
	{ "imapd-ssl", SVC_IMAP },
	{ "pop3d", SVC_POP3 },
	{ "pop3d-ssl", SVC_POP3 },
	{ "courierimaplogin", SVC_IMAP },
	{ "courierpop3login", SVC_POP3 },
	{ "courierpop3d", SVC_POP3 },
	{ "courierimapd", SVC_IMAP },
};

static const char *const courier_words[] = {
	"LOGIN", "LOGOUT", "DISCONNECTED", "Connection, ", "TIMEOUT",
};

/* bad - report a line of a known shape that does not parse. */
static enum parse_status
bad(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return PARSE_BAD;
}

/* login_service - the service of a login tag; SVC_NONE if not one. */
static enum ev_service
login_service(struct span tag)
{
	size_t i;

	for (i = 0; i < NELEM(login_tags); i++)
		if (span_eq(tag, login_tags[i].tag))
			return login_tags[i].svc;
	return SVC_NONE;
}

/* parse_courier_claims - Courier's tags, or generic ones with its words. */
bool
parse_courier_claims(const struct envelope *env)
{
	size_t i;

	if (span_starts(env->tag, "courier"))
		return true;
	if (login_service(env->tag) == SVC_NONE)
		return false;
	for (i = 0; i < NELEM(courier_words); i++)
		if (span_starts(env->msg, courier_words[i]))
			return true;
	return false;
}

/*
 * login_line - "LOGIN[ FAILED], user=U|method=M, ip=[A][, port=[P]]...":
 * the address is the last ", ip=[", the user what is before it.
 */
static enum parse_status
login_line(struct span m, struct raw_event *ev, const char **why)
{
	struct span s, ip;
	const char *rb;
	ptrdiff_t at;

	if (span_starts(m, "LOGIN FAILED, ")) {
		ev->kind = EV_AUTH_FAIL;
		s = span_skip(m, sizeof("LOGIN FAILED, ") - 1);
	} else if (span_starts(m, "LOGIN, ")) {
		ev->kind = EV_AUTH_OK;
		s = span_skip(m, sizeof("LOGIN, ") - 1);
	} else
		return PARSE_IGNORE;
	if ((at = SPAN_RFIND_LIT(s, ", ip=[")) < 0)
		return bad(why, "no 'ip=[' in courier login record");
	ip = span_skip(s, (size_t)at + sizeof(", ip=") - 1);
	if ((rb = memchr(ip.p, ']', ip.len)) == NULL ||
	    !ipaddr_parse_loose(span_make(ip.p, (size_t)(rb + 1 - ip.p)),
	    &ev->ip, NULL))
		return bad(why, "bad address in courier login record");
	ev->has_ip = true;
	s.len = (size_t)at;
	if (span_starts(s, "user="))
		ev->account = span_skip(s, sizeof("user=") - 1);
	else if (span_starts(s, "method="))
		ev->method = span_skip(s, sizeof("method=") - 1);
	return PARSE_OK;
}

/* base64ish - true when every byte is of the base64 alphabet. */
static bool
base64ish(struct span s)
{
	size_t i;
	char c;

	for (i = 0; i < s.len; i++) {
		c = s.p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return false;
	}
	return true;
}

/*
 * auth_cmd - "AUTH MECH[ ARG]" after "cmd: ": the mechanism, and the user
 * when ARG is a clear-text AUTH LOGIN name.
 */
static void
auth_cmd(struct span c, struct raw_event *ev)
{
	const char *sp;
	struct span arg;

	if (!span_starts(c, "AUTH "))
		return;
	c = span_skip(c, 5);
	sp = memchr(c.p, ' ', c.len);
	ev->method = sp == NULL ? c : span_make(c.p, (size_t)(sp - c.p));
	if (sp == NULL || !span_eq(ev->method, "LOGIN"))
		return;
	arg = span_skip(c, ev->method.len + 1);
	if (arg.len > 0 && memchr(arg.p, ' ', arg.len) == NULL &&
	    !base64ish(arg))
		ev->account = arg;
}

/*
 * esmtpd_line - "error,relay=A[,port=P][,ident=I],msg=\"TEXT\",cmd: CMD"
 * or "error,relay=A,...,from=<S>,to=<R>: TEXT".
 */
static enum parse_status
esmtpd_line(struct span m, struct raw_event *ev, const char **why)
{
	struct span s, a;
	const char *comma;
	ptrdiff_t msg, cmd;

	if (!span_starts(m, "error,relay="))
		return PARSE_IGNORE;
	s = span_skip(m, sizeof("error,relay=") - 1);
	comma = memchr(s.p, ',', s.len);
	a = comma == NULL ? s : span_make(s.p, (size_t)(comma - s.p));
	if (!ipaddr_parse_loose(a, &ev->ip, NULL))
		return bad(why, "bad relay address in courieresmtpd record");
	ev->has_ip = true;
	s = span_skip(s, a.len);
	ev->kind = EV_REJECT;
	if ((msg = SPAN_FIND_LIT(s, ",msg=\"")) >= 0) {
		ev->detail = span_skip(s, (size_t)msg + sizeof(",msg=\"") - 1);
		if ((cmd = SPAN_FIND_LIT(ev->detail, "\",cmd: ")) >= 0) {
			if (span_starts(ev->detail, "535 "))
				auth_cmd(span_skip(ev->detail, (size_t)cmd +
				    sizeof("\",cmd: ") - 1), ev);
			ev->detail.len = (size_t)cmd;
		}
		if (span_starts(ev->detail, "535 ")) {
			ev->kind = EV_AUTH_FAIL;
			return PARSE_OK;
		}
		ev->method = SPAN_NULL;
		ev->account = SPAN_NULL;
		return PARSE_OK;
	}
	if ((msg = SPAN_RFIND_LIT(s, ">: ")) >= 0)
		ev->detail = span_skip(s, (size_t)msg + 3);
	return PARSE_OK;
}

/* parse_courier - one Courier line to at most one event. */
enum parse_status
parse_courier(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	enum parse_status st;

	raw_event_clear(ev);
	if (span_starts(env->tag, "courieresmtpd") ||
	    span_eq(env->tag, "esmtpd"))
		st = esmtpd_line(env->msg, ev, why);
	else {
		ev->service = login_service(env->tag);
		st = login_line(env->msg, ev, why);
	}
	if (st != PARSE_OK)
		raw_event_clear(ev);
	return st;
}
