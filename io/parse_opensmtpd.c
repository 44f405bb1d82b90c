/*
 * io/parse_opensmtpd.c - OpenSMTPD smtpd lines to raw events (formats.md
 * section 7).
 *
 * Runs after io/envelope.c.  Since 6.4 smtpd writes "SESSIONID smtp
 * EVENT key=value ..." lines; older releases wrote "smtp-in: Text on
 * session SESSIONID".  Only the connect line names the client address,
 * so every event carries the session id and analysis/sessjoin.c fills
 * in the address.  User names are strnvis(3)-encoded by smtpd, so they
 * hold no raw space; they still come from the client and are delimited
 * by the last fixed text after them.
 */
#include "io/parse_opensmtpd.h"

#include <stddef.h>
#include <string.h>

#include "io/ipaddr.h"
#include "io/span.h"

#define SESSION_LEN	16

/* bad - report a line of a known shape that does not parse. */
static enum parse_status
bad(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return PARSE_BAD;
}

/* is_session - 16 lower-case hex digits. */
static bool
is_session(struct span s)
{
	size_t i;

	if (s.len != SESSION_LEN)
		return false;
	for (i = 0; i < s.len; i++)
		if (!((s.p[i] >= '0' && s.p[i] <= '9') ||
		    (s.p[i] >= 'a' && s.p[i] <= 'f')))
			return false;
	return true;
}

/* parse_opensmtpd_claims - "smtpd" with a session line or "smtp-in:". */
bool
parse_opensmtpd_claims(const struct envelope *env)
{
	struct span m = env->msg;

	if (!span_eq(env->tag, "smtpd"))
		return false;
	if (span_starts(m, "smtp-in: "))
		return true;
	return m.len > SESSION_LEN + 6 &&
	    is_session(span_make(m.p, SESSION_LEN)) &&
	    memcmp(m.p + SESSION_LEN, " smtp ", 6) == 0;
}

/* set_addr - an address that is not "local"; false for "local". */
static bool
set_addr(struct span a, struct raw_event *ev)
{
	ev->has_ip = ipaddr_parse_loose(a, &ev->ip, NULL);
	return ev->has_ip;
}

/*
 * new_line - "ID smtp EVENT ...": connected, authentication,
 * disconnected.
 */
static enum parse_status
new_line(struct span m, struct raw_event *ev, const char **why)
{
	struct span s = span_skip(m, SESSION_LEN + 6), a;
	ptrdiff_t at;
	const char *sp;

	ev->session = span_make(m.p, SESSION_LEN);
	if (span_starts(s, "connected address=")) {
		a = span_skip(s, sizeof("connected address=") - 1);
		if ((sp = memchr(a.p, ' ', a.len)) != NULL)
			a.len = (size_t)(sp - a.p);
		if (!set_addr(a, ev))
			return PARSE_IGNORE;
		if ((at = SPAN_RFIND_LIT(s, " host=")) >= 0)
			ev->client_name = span_skip(s, (size_t)at + 6);
		ev->kind = EV_CONNECT;
		return PARSE_OK;
	}
	if (span_starts(s, "disconnected")) {
		ev->kind = EV_DISCONNECT;
		ev->detail = span_skip(s, sizeof("disconnected") - 1);
		return PARSE_OK;
	}
	if (!span_starts(s, "authentication user="))
		return PARSE_IGNORE;
	s = span_skip(s, sizeof("authentication user=") - 1);
	if ((at = SPAN_RFIND_LIT(s, " result=")) < 0)
		return bad(why, "no 'result=' in smtpd authentication");
	ev->account = span_make(s.p, (size_t)at);
	s = span_skip(s, (size_t)at + sizeof(" result=") - 1);
	if (span_eq(s, "ok"))
		ev->kind = EV_AUTH_OK;
	else if (span_eq(s, "permfail"))
		ev->kind = EV_AUTH_FAIL;
	else
		return PARSE_IGNORE;
	ev->detail = s;
	return PARSE_OK;
}

/* session_at - "ID" at the start of s, the rest after it. */
static bool
session_at(struct span s, struct raw_event *ev, struct span *rest)
{
	if (s.len < SESSION_LEN || !is_session(span_make(s.p, SESSION_LEN)))
		return false;
	ev->session = span_make(s.p, SESSION_LEN);
	if (rest != NULL)
		*rest = span_skip(s, SESSION_LEN);
	return true;
}

/* old_auth - "USER on session ID" after "... for user ". */
static enum parse_status
old_auth(struct span s, enum ev_kind kind, struct raw_event *ev,
    const char **why)
{
	ptrdiff_t at = SPAN_RFIND_LIT(s, " on session ");
	struct span rest;

	if (at < 0 || !session_at(span_skip(s, (size_t)at + 12), ev, &rest) ||
	    rest.len != 0)
		return bad(why, "no session in smtp-in authentication");
	ev->account = span_make(s.p, (size_t)at);
	ev->kind = kind;
	return PARSE_OK;
}

/* old_line - "smtp-in: ..." (OpenSMTPD before 6.4). */
static enum parse_status
old_line(struct span m, struct raw_event *ev, const char **why)
{
	static const char fail[] = "Authentication failed for user ";
	static const char ok[] = "Accepted authentication for user ";
	struct span s = span_skip(m, sizeof("smtp-in: ") - 1), rest;
	const char *lb, *rb;

	if (span_starts(s, fail))
		return old_auth(span_skip(s, sizeof(fail) - 1), EV_AUTH_FAIL,
		    ev, why);
	if (span_starts(s, ok))
		return old_auth(span_skip(s, sizeof(ok) - 1), EV_AUTH_OK, ev,
		    why);
	if (span_starts(s, "Closing session ")) {
		if (!session_at(span_skip(s, 16), ev, NULL))
			return PARSE_IGNORE;
		ev->kind = EV_DISCONNECT;
		return PARSE_OK;
	}
	if (!span_starts(s, "New session ") ||
	    !session_at(span_skip(s, 12), ev, &rest))
		return PARSE_IGNORE;
	if (!span_starts(rest, " from host ") ||
	    (lb = memchr(rest.p, '[', rest.len)) == NULL ||
	    (rb = memchr(lb, ']', rest.len - (size_t)(lb - rest.p))) == NULL)
		return bad(why, "no client in smtp-in new session");
	ev->client_name = span_make(rest.p + 11, (size_t)(lb - rest.p) - 11);
	if (ev->client_name.len > 0 &&
	    ev->client_name.p[ev->client_name.len - 1] == ' ')
		ev->client_name.len--;
	if (!set_addr(span_make(lb + 1, (size_t)(rb - lb - 1)), ev))
		return PARSE_IGNORE;	/* [local] */
	ev->kind = EV_CONNECT;
	return PARSE_OK;
}

/* parse_opensmtpd - one smtpd line to at most one event. */
enum parse_status
parse_opensmtpd(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	enum parse_status st;

	raw_event_clear(ev);
	if (span_starts(env->msg, "smtp-in: "))
		st = old_line(env->msg, ev, why);
	else if (parse_opensmtpd_claims(env))
		st = new_line(env->msg, ev, why);
	else
		st = PARSE_IGNORE;
	if (st != PARSE_OK)
		raw_event_clear(ev);
	return st;
}
