/*
 * io/parse_dovecot.c - Dovecot login-process, auth back-end and pam_unix
 * lines into raw events (formats.md section 3).
 *
 * This step runs after io/envelope.c has split the line.  Dovecot writes
 * "PROCESS: text" either inside a "dovecot:" syslog message or, in its own
 * log_path files, with the process name in the tag position; we rebuild
 * the process prefix from whichever form we got, strip an optional level
 * word ("Info: ") and dispatch on the process name through a table.
 *
 * User names, and with auth_verbose_passwords the password too, are chosen
 * by the client, and Dovecot only replaces control bytes in them.  So no
 * field is cut at the first delimiter an attacker could forge: login
 * elements are anchored on the last "rip=" that holds an address, auth
 * prefixes on the known failure message at the end of the line, pam_unix
 * records on the last "rhost=".  Every scan is memmem() or a backward loop
 * whose start only moves left, so the work is linear in the line length.
 */
#include "io/parse_dovecot.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"
#include "io/span.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define LIT_LEN(s)	(sizeof(s) - 1)

/* Longest text we accept as one element value (an address, a session). */
#define VALUE_MAX	96
/* Dovecot cuts the login user name to 80 bytes and marks the cut. */
#define LOGIN_USER_MAX	80

enum level {
	LV_NONE,
	LV_PLAIN,	/* Info, Warning, Debug: parse on */
	LV_ERROR,	/* Error, Fatal, Panic: configuration trouble */
};

static const struct level_word {
	const char	*word;		/* without the ": " */
	enum level	 lv;
} levels[] = {
	{ "Info",	LV_PLAIN },
	{ "Warning",	LV_PLAIN },
	{ "Warn",	LV_PLAIN },
	{ "Debug",	LV_PLAIN },
	{ "Error",	LV_ERROR },
	{ "Fatal",	LV_ERROR },
	{ "Panic",	LV_ERROR },
};

/*
 * A Dovecot line taken apart: the process prefix ("imap-login",
 * "auth-worker(304)", "auth(u,ip,sasl:plain)<s>") and the text after its
 * ": ".  When both came from one span (the syslog message), whole holds
 * that span so that a prefix with a forged ": " inside can be re-split
 * from the right.
 */
struct dvline {
	struct span	proc;
	struct span	body;
	struct span	whole;
	enum level	lv;
};

struct proc;
typedef enum parse_status (*proc_fn)(const struct proc *,
    const struct dvline *, struct raw_event *, const char **);

static enum parse_status login_line(const struct proc *,
    const struct dvline *, struct raw_event *, const char **);
static enum parse_status auth_line(const struct proc *,
    const struct dvline *, struct raw_event *, const char **);

static const struct proc {
	const char	*name;
	enum ev_service	 svc;
	proc_fn		 fn;
	bool		 bare_tag;	/* claimed as a bare tag with a host */
} procs[] = {
	{ "imap-login",		SVC_IMAP,	 login_line, true },
	{ "pop3-login",		SVC_POP3,	 login_line, true },
	{ "submission-login",	SVC_SUBMISSION,	 login_line, true },
	{ "managesieve-login",	SVC_MANAGESIEVE, login_line, true },
	{ "auth",		SVC_AUTH,	 auth_line,  false },
	{ "auth-worker",	SVC_AUTH,	 auth_line,  false },
};

/* skip - store a reason and return a status. */
static enum parse_status
skip(const char **why, enum parse_status st, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return st;
}

/* at - the span s[from, to). */
static struct span
at(struct span s, size_t from, size_t to)
{
	return span_make(s.p + from, to - from);
}

/* starts_at - true when s holds lit at offset off. */
static bool
starts_at(struct span s, size_t off, const char *lit)
{
	return off <= s.len && span_starts(span_skip(s, off), lit);
}

/*
 * rfind - last offset i < end - n + 1 where s holds lit (n bytes), or -1.
 * Callers walk left by lowering end, so a sequence of calls is linear.
 */
static ptrdiff_t
rfind(struct span s, size_t end, const char *lit, size_t n)
{
	if (end > s.len)
		end = s.len;
	if (n == 0)
		return -1;
	return span_rfind(span_make(s.p, end), lit, n);
}

/* find - first offset >= from where s holds lit, or -1. */
static ptrdiff_t
find(struct span s, size_t from, const char *lit, size_t n)
{
	ptrdiff_t k;

	if (from > s.len)
		return -1;
	k = span_find(span_skip(s, from), lit, n);
	return k < 0 ? -1 : k + (ptrdiff_t)from;
}

/* eq_ci - ASCII case-insensitive comparison of n bytes. */
static bool
eq_ci(const char *a, const char *b, size_t n)
{
	size_t i;
	unsigned char x, y;

	for (i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

/* is_word_char - a byte of a passdb name or process name. */
static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* value_end - offset where an element value starting at off ends. */
static size_t
value_end(struct span s, size_t off, const char *stops)
{
	size_t i, lim;

	lim = off + VALUE_MAX < s.len ? off + VALUE_MAX : s.len;
	for (i = off; i < lim; i++) {
		const char *k;

		for (k = stops; *k != '\0'; k++)
			if (s.p[i] == *k)
				return i;
	}
	return lim;
}

/* level_of - the level of a bare word such as "Info"; LV_NONE if none. */
static enum level
level_of(struct span w)
{
	size_t i;

	for (i = 0; i < NITEMS(levels); i++)
		if (span_eq(w, levels[i].word))
			return levels[i].lv;
	return LV_NONE;
}

/* strip_level - drop a leading "Info: " etc. from *s, returning its kind. */
static enum level
strip_level(struct span *s)
{
	size_t i, n;

	/* Most messages start with a process name, in lower case. */
	if (s->len == 0 || s->p[0] < 'A' || s->p[0] > 'Z')
		return LV_NONE;
	for (i = 0; i < NITEMS(levels); i++) {
		n = strlen(levels[i].word);
		if (span_starts(*s, levels[i].word) && starts_at(*s, n, ": ")) {
			*s = span_skip(*s, n + 2);
			return levels[i].lv;
		}
	}
	return LV_NONE;
}

/*
 * proc_lookup - the table entry for the process name that starts s, when
 * the name is followed by end, "(" or ":".
 */
static const struct proc *
proc_lookup(struct span s)
{
	size_t i, n;

	for (n = 0; n < s.len && is_word_char(s.p[n]) && s.p[n] != '.'; n++)
		continue;
	if (n < s.len && s.p[n] != '(' && s.p[n] != ':')
		return NULL;
	for (i = 0; i < NITEMS(procs); i++)
		if (span_eq(span_make(s.p, n), procs[i].name))
			return &procs[i];
	return NULL;
}

/* ---- auth back-end lines ---------------------------------------------- */

enum tail {
	TAIL_PASSWORD,	/* end, or " (given password: ...)" and the like */
	TAIL_ANY,	/* free text (the PAM error) */
};

/* Failure messages of the passdb drivers (formats.md 3.2). */
static const struct failmsg {
	const char	*text;
	enum tail	 tail;
} failmsgs[] = {
	{ "unknown user",			TAIL_PASSWORD },
	{ "Password mismatch",			TAIL_PASSWORD },
	{ "Password mismatch (for LDAP bind)",	TAIL_PASSWORD },
	{ "invalid credentials",		TAIL_PASSWORD },
	{ "pam_authenticate() failed: ",	TAIL_ANY },
};

/* password_tail - true for "", " (given password: X)" or the SHA1 form. */
static bool
password_tail(struct span t)
{
	if (t.len == 0)
		return true;
	if (!span_starts(t, " (given password: ") &&
	    !span_starts(t, " (SHA1 of given password: "))
		return false;
	return span_ends(t, ")");
}

/* is_failmsg - true when m is one of the failure messages. */
static bool
is_failmsg(struct span m)
{
	const struct failmsg *f;
	size_t i, n;

	for (i = 0; i < NITEMS(failmsgs); i++) {
		f = &failmsgs[i];
		n = strlen(f->text);
		if (m.len < n || !eq_ci(m.p, f->text, n))
			continue;
		if (f->tail == TAIL_ANY || password_tail(span_skip(m, n)))
			return true;
	}
	return false;
}

/*
 * find_message - the offset of the rightmost sep ("): " or ": ") in s that
 * is followed by a failure message running to the end of s.  *more is set
 * when an earlier separator also qualifies: the user or the password then
 * holds a forged message.
 */
static ptrdiff_t
find_message(struct span s, const char *sep, bool *more)
{
	size_t n = strlen(sep), end = s.len;
	ptrdiff_t k, found = -1;

	*more = false;
	while ((k = rfind(s, end, sep, n)) >= 0) {
		if (is_failmsg(span_skip(s, (size_t)k + n))) {
			if (found >= 0) {
				*more = true;
				break;
			}
			found = k;
		}
		end = (size_t)k + n - 1;
	}
	return found;
}

/* What the inside of "DB(...)" or 2.4 "auth(...)" holds. */
struct authref {
	struct span	user;
	struct span	session;
	struct span	mech;
	bool		has_ip;
	struct ipaddr	ip;
};

/* strip_suffix - drop lit from the end of *s if it is there. */
static bool
strip_suffix(struct span *s, const char *lit)
{
	if (!span_ends(*s, lit))
		return false;
	s->len -= strlen(lit);
	return true;
}

/*
 * split_inner - take USER,IP[,...] apart from the right: for the legacy
 * form ",<SESSION>", ",master" and an empty element come off the end, for
 * 2.4 ",master" and ",sasl:MECH"; then ",IP" if it parses.  USER is the
 * rest and may hold "," and ")".
 */
static void
split_inner(struct span in, bool v24, struct authref *ar)
{
	ptrdiff_t k;
	struct span v;

	if (!v24 && span_ends(in, ">")) {
		k = rfind(in, in.len, ",<", 2);
		if (k >= 0 && in.len - (size_t)k <= VALUE_MAX) {
			ar->session = at(in, (size_t)k + 2, in.len - 1);
			in.len = (size_t)k;
		}
	}
	strip_suffix(&in, ",master");
	if (v24) {
		k = rfind(in, in.len, ",sasl:", 6);
		if (k >= 0 && in.len - (size_t)k <= VALUE_MAX &&
		    memchr(in.p + k + 1, ',', in.len - (size_t)k - 1) ==
		    NULL) {
			ar->mech = at(in, (size_t)k + 6, in.len);
			in.len = (size_t)k;
		}
	} else
		strip_suffix(&in, ",");
	k = rfind(in, in.len, ",", 1);
	if (k >= 0) {
		v = at(in, (size_t)k + 1, in.len);
		if (ipaddr_parse(v, &ar->ip)) {
			ar->has_ip = true;
			in.len = (size_t)k;
		}
	}
	ar->user = in;
}

/* backend_event - fill in an EV_AUTH_BACKEND event. */
static enum parse_status
backend_event(struct raw_event *ev, const struct authref *ar,
    struct span msg, bool suspicious)
{
	ev->kind = EV_AUTH_BACKEND;
	ev->service = SVC_AUTH;
	ev->account = ar->user;
	ev->has_ip = ar->has_ip;
	ev->ip = ar->ip;
	ev->method = ar->mech;
	ev->detail = msg;
	if (ar->session.len > 0) {
		ev->session = ar->session;
		ev->flags |= EVF_SESSION;
	}
	if (suspicious || span_find(ar->user, "): ", 3) >= 0)
		ev->flags |= EVF_SUSPICIOUS;
	return PARSE_OK;
}

/*
 * skip_conn - drop the 2.3.7+ "conn unix:auth-worker (pid=..,uid=..):
 * auth-worker<N>: " prefix.  It is written by the server, so the first
 * "): " ends it.
 */
static struct span
skip_conn(struct span b)
{
	ptrdiff_t k;

	if (!span_starts(b, "conn "))
		return b;
	k = SPAN_FIND_LIT(b, "): ");
	if (k < 0)
		return b;
	b = span_skip(b, (size_t)k + 3);
	if (span_starts(b, "auth-worker<")) {
		k = SPAN_FIND_LIT(b, ">: ");
		if (k >= 0)
			b = span_skip(b, (size_t)k + 3);
	}
	return b;
}

/*
 * auth_legacy - 1.x-2.3 body "[Level: ][conn ...: ]DB(USER[,IP]...): MSG".
 */
static enum parse_status
auth_legacy(struct span b, struct raw_event *ev, const char **why)
{
	struct authref ar = { 0 };
	struct span s;
	ptrdiff_t k;
	size_t n;
	bool more;

	if (strip_level(&b) == LV_ERROR)
		return skip(why, PARSE_IGNORE, "dovecot auth error");
	b = skip_conn(b);
	for (n = 0; n < b.len && is_word_char(b.p[n]); n++)
		continue;
	if (n == 0 || n == b.len || b.p[n] != '(')
		return skip(why, PARSE_IGNORE, "unused dovecot auth record");
	s = span_skip(b, n + 1);
	k = find_message(s, "): ", &more);
	if (k < 0)
		return skip(why, PARSE_IGNORE, "unused dovecot auth record");
	split_inner(at(s, 0, (size_t)k), false, &ar);
	return backend_event(ev, &ar, span_skip(s, (size_t)k + 3), more);
}

/* level_before - start of a level word ending at off, preceded by ": ". */
static ptrdiff_t
level_before(struct span s, size_t off)
{
	size_t i, n;

	for (i = 0; i < NITEMS(levels); i++) {
		n = strlen(levels[i].word);
		if (off < n || memcmp(s.p + off - n, levels[i].word, n) != 0)
			continue;
		if (off == n || (off >= n + 2 &&
		    memcmp(s.p + off - n - 2, ": ", 2) == 0))
			return (ptrdiff_t)(off - n);
	}
	return -1;
}

/* request_before - start of "request [N]" ending at off. */
static ptrdiff_t
request_before(struct span s, size_t off)
{
	size_t i;

	if (off == 0 || s.p[off - 1] != ']')
		return -1;
	for (i = off - 1; i > 0 && s.p[i - 1] >= '0' && s.p[i - 1] <= '9'; i--)
		continue;
	if (i == off - 1 || i < LIT_LEN("request ["))
		return -1;
	i -= LIT_LEN("request [");
	if (memcmp(s.p + i, "request [", LIT_LEN("request [")) != 0)
		return -1;
	return (ptrdiff_t)i;
}

/*
 * prefix_end - walk left from the ": " before a 2.4 message over "DB",
 * an optional level word and "request [N]".  Returns the offset of the
 * ": " that ends the process prefix, 0 when the walk reached the start of
 * s, or -1 when the text does not have that shape.
 */
static ptrdiff_t
prefix_end(struct span s, size_t mpos)
{
	size_t j = mpos;
	ptrdiff_t w;
	int step;

	while (j > 0 && is_word_char(s.p[j - 1]))
		j--;
	if (j == mpos)
		return -1;
	for (step = 0; step < 2 && j >= 2; step++) {
		if (memcmp(s.p + j - 2, ": ", 2) != 0)
			break;
		if ((w = level_before(s, j - 2)) < 0 &&
		    (w = request_before(s, j - 2)) < 0)
			break;
		j = (size_t)w;
	}
	if (j == 0)
		return 0;
	if (j >= 2 && memcmp(s.p + j - 2, ": ", 2) == 0)
		return (ptrdiff_t)(j - 2);
	return -1;
}

/*
 * auth_prefix24 - parse "auth(USER,IP[,sasl:M][,master])[<PID>][<S>]"
 * (name being "auth" or "auth-worker").
 */
static bool
auth_prefix24(struct span pre, const struct proc *p, struct authref *ar)
{
	size_t n = strlen(p->name);
	struct span grp = SPAN_NULL;
	ptrdiff_t k;
	int i;

	for (i = 0; i < 2 && span_ends(pre, ">"); i++) {
		k = rfind(pre, pre.len, "<", 1);
		if (k < 0 || pre.len - (size_t)k > VALUE_MAX)
			return false;
		grp = at(pre, (size_t)k + 1, pre.len - 1);
		if (ar->session.len == 0 && !span_all_digits(grp))
			ar->session = grp;
		pre.len = (size_t)k;
	}
	if (pre.len < n + 2 || pre.p[n] != '(' || !span_ends(pre, ")"))
		return false;
	split_inner(at(pre, n + 1, pre.len - 1), true, ar);
	return true;
}

/*
 * auth_v24 - 2.4 "auth(USER,IP,...)<S>: [Level: ]DB: MESSAGE".  When the
 * whole line is one span, the prefix end is found from the message back,
 * because USER may hold ": ".
 */
static enum parse_status
auth_v24(const struct proc *p, const struct dvline *dl,
    struct raw_event *ev, const char **why)
{
	struct authref ar = { 0 };
	struct span s, pre;
	ptrdiff_t k, pe;
	bool more;

	s = dl->whole.len > 0 ? dl->whole : dl->body;
	k = find_message(s, ": ", &more);
	if (k < 0)
		return skip(why, PARSE_IGNORE, "unused dovecot auth record");
	pe = prefix_end(s, (size_t)k);
	if (dl->whole.len > 0) {
		if (pe <= 0)
			return skip(why, PARSE_BAD, "bad dovecot auth prefix");
		pre = at(s, 0, (size_t)pe);
	} else {
		if (pe != 0)
			return skip(why, PARSE_BAD, "bad dovecot auth prefix");
		pre = dl->proc;
	}
	if (!auth_prefix24(pre, p, &ar))
		return skip(why, PARSE_BAD, "bad dovecot auth prefix");
	return backend_event(ev, &ar, span_skip(s, (size_t)k + 2), more);
}

/* legacy_arg - "(default)" or "(PID)" after auth / auth-worker. */
static bool
legacy_arg(struct span a)
{
	if (a.len == 0)
		return true;
	if (!span_starts(a, "(") || !span_ends(a, ")"))
		return false;
	a = at(a, 1, a.len - 1);
	return span_eq(a, "default") || span_all_digits(a);
}

/* auth_line - dispatch an auth / auth-worker line on its prefix form. */
static enum parse_status
auth_line(const struct proc *p, const struct dvline *dl,
    struct raw_event *ev, const char **why)
{
	if (legacy_arg(span_skip(dl->proc, strlen(p->name))))
		return auth_legacy(dl->body, ev, why);
	return auth_v24(p, dl, ev, why);
}

/* ---- login processes -------------------------------------------------- */

enum verdict {
	V_UNKNOWN,
	V_IGNORE,
	V_FAIL,		/* count from the text */
	V_NOPASS,	/* plaintext refused: no password checked */
};

/* What the EXTRA group of a login line says (formats.md 3.3). */
static const struct extra {
	const char	*prefix;
	enum verdict	 v;
} extras[] = {
	{ "auth failed, ",			V_FAIL },
	{ "authorization failed",		V_FAIL },
	{ "proxy dest auth failed",		V_FAIL },
	{ "proxy dest authentication failure",	V_FAIL },
	{ "tried to use disallowed ",		V_NOPASS },
	{ "tried to use disabled ",		V_NOPASS },
	{ "no auth attempts",			V_IGNORE },
	{ "disconnected before auth was ready",	V_IGNORE },
	{ "client didn't finish SASL auth",	V_IGNORE },
	{ "disconnected during TLS handshake",	V_IGNORE },
	{ "aborted authentication",		V_IGNORE },
	{ "auth aborted by client",		V_IGNORE },
};

/* The 2.4 event_reason, used when EXTRA says nothing we know. */
static const struct extra event_reasons[] = {
	{ "auth_failed",		V_FAIL },
	{ "proxy_dest_auth_failed",	V_FAIL },
	{ "cleartext_auth_disabled",	V_NOPASS },
};

/* ndigits - the number of decimal digits that start s. */
static size_t
ndigits(struct span s)
{
	size_t i;

	for (i = 0; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++)
		continue;
	return i;
}

/*
 * count_of - N from "..., N attempts" or "N authentication attempts": 1
 * when there is no N (or it is 0), 0 when N is over EV_COUNT_MAX.
 */
static uint32_t
count_of(struct span g)
{
	uint32_t n;
	ptrdiff_t k;

	k = SPAN_FIND_LIT(g, ", ");
	if (k >= 0 && ndigits(g) == 0)
		g = span_skip(g, (size_t)k + 2);
	if (ndigits(g) == 0)
		return 1;
	if (!span_prefix_u32(g, EV_COUNT_MAX, &n, NULL))
		return 0;
	return n == 0 ? 1 : n;
}

/* classify - the verdict of a group by a prefix table. */
static enum verdict
classify(struct span g, const struct extra *tab, size_t ntab)
{
	size_t i, nd;

	for (i = 0; i < ntab; i++)
		if (span_starts(g, tab[i].prefix))
			return tab[i].v;
	/* 1.0/1.1: "(1 authentication attempts)"; count_of() checks N. */
	if ((nd = ndigits(g)) > 0 &&
	    span_eq(span_skip(g, nd), " authentication attempts"))
		return V_FAIL;
	return V_UNKNOWN;
}

/*
 * last_group - the "(...)" that ends hdr (no nested parentheses), with the
 * offset of its " (".  Returns false when hdr does not end with one.
 */
static bool
last_group(struct span hdr, struct span *grp, size_t *open)
{
	ptrdiff_t k;

	if (!span_ends(hdr, ")"))
		return false;
	k = rfind(hdr, hdr.len - 1, "(", 1);
	if (k < 1 || hdr.p[k - 1] != ' ')
		return false;
	*grp = at(hdr, (size_t)k + 1, hdr.len - 1);
	*open = (size_t)k - 1;
	return true;
}

/* is_event_reason - snake_case word such as "auth_failed". */
static bool
is_event_reason(struct span g)
{
	size_t i;
	bool under = false;

	for (i = 0; i < g.len; i++) {
		if (g.p[i] == '_')
			under = true;
		else if (!(g.p[i] >= 'a' && g.p[i] <= 'z'))
			return false;
	}
	return under;
}

/*
 * login_verdict - what "REASON[ (EXTRA)][ (EVENT_REASON)]" reports; the
 * EXTRA text goes to *extra.
 */
static enum verdict
login_verdict(struct span hdr, struct span *extra)
{
	struct span g, ev = SPAN_NULL;
	size_t open;
	enum verdict v;

	if (!last_group(hdr, &g, &open))
		return V_IGNORE;
	if (is_event_reason(g)) {
		ev = g;
		hdr.len = open;
		if (!last_group(hdr, &g, &open))
			g = SPAN_NULL;
	}
	*extra = g;
	v = classify(g, extras, NITEMS(extras));
	if (v == V_UNKNOWN && ev.len > 0)
		v = classify(ev, event_reasons, NITEMS(event_reasons));
	return v == V_UNKNOWN ? V_IGNORE : v;
}

/*
 * elements_start - offset of the first ": " followed by a login element
 * ("user=<", "method=", "rip="), or -1.  The REASON before it is written
 * by the server; the user name after it is not.
 */
static ptrdiff_t
elements_start(struct span b)
{
	size_t from = 0;
	ptrdiff_t k;

	while ((k = find(b, from, ": ", 2)) >= 0) {
		if (starts_at(b, (size_t)k + 2, "user=<") ||
		    starts_at(b, (size_t)k + 2, "method=") ||
		    starts_at(b, (size_t)k + 2, "rip="))
			return k;
		from = (size_t)k + 1;
	}
	return -1;
}

/* The elements of a login line. */
struct elems {
	size_t		rip;		/* offset of "rip=" */
	size_t		nrip;		/* rip= values that parse */
	bool		has_ip;
	struct ipaddr	ip;
	struct span	user;
	struct span	method;
	struct span	session;
	bool		suspicious;
};

/* rip_try - parse the rip= value at off into el; true on success. */
static bool
rip_try(struct span e, size_t off, struct elems *el)
{
	struct ipaddr ip;
	size_t v = off + LIT_LEN("rip=");

	if (!ipaddr_parse(at(e, v, value_end(e, v, ", ")), &ip))
		return false;
	if (el->nrip++ == 0) {
		el->rip = off;
		el->ip = ip;
		el->has_ip = true;
	}
	return true;
}

/* find_rip - the genuine rip=: the last ", rip=" (or a leading "rip=")
 * that holds an address. */
static void
find_rip(struct span e, struct elems *el)
{
	size_t end = e.len;
	ptrdiff_t k;

	while ((k = rfind(e, end, ", rip=", 6)) >= 0) {
		rip_try(e, (size_t)k + 2, el);
		end = (size_t)k + 5;
	}
	if (span_starts(e, "rip="))
		rip_try(e, 0, el);
}

/* is_mech - a SASL mechanism name: [A-Za-z0-9_-]+. */
static bool
is_mech(struct span m)
{
	size_t i;

	for (i = 0; i < m.len; i++)
		if (!is_word_char(m.p[i]) || m.p[i] == '.')
			return false;
	return m.len > 0;
}

/*
 * find_user - USER runs from the first "user=<" to the ">" right before
 * the real element after it: the ", method=MECH" just before the genuine
 * rip=, else the rip= itself.  A naive cut at the first ">" that gives
 * something else means the name holds forged elements.
 */
static void
find_user(struct span e, struct elems *el)
{
	size_t end = el->rip >= 2 ? el->rip - 2 : 0;
	const char *gt;
	ptrdiff_t m;

	m = rfind(e, end, ", method=", 9);
	if (m >= 0 && is_mech(at(e, (size_t)m + 9, end))) {
		el->method = at(e, (size_t)m + 9, end);
		end = (size_t)m;
	} else if (span_starts(e, "method=") &&
	    is_mech(at(e, LIT_LEN("method="), end)))
		el->method = at(e, LIT_LEN("method="), end);
	if (!span_starts(e, "user=<"))
		return;
	gt = memchr(e.p + 6, '>', e.len - 6);
	if (end >= 7 && e.p[end - 1] == '>')
		el->user = at(e, 6, end - 1);
	else if (gt != NULL) {
		el->user = at(e, 6, (size_t)(gt - e.p));
		el->suspicious = true;
	}
	if (gt == NULL || gt - e.p != (ptrdiff_t)(el->user.len + 6))
		el->suspicious = true;
}

/* find_session - the last ", session=<S>" after the genuine rip=. */
static void
find_session(struct span e, struct elems *el)
{
	ptrdiff_t k;
	size_t v, ve;

	k = rfind(e, e.len, ", session=<", 11);
	if (k < 0 || (size_t)k < el->rip)
		return;
	v = (size_t)k + 11;
	ve = value_end(e, v, ">");
	if (ve < e.len && e.p[ve] == '>')
		el->session = at(e, v, ve);
}

/* parse_elements - rip, user, method and session of a login line. */
static bool
parse_elements(struct span e, struct elems *el)
{
	static const struct elems blank;	/* not memset(): "rep stos" */

	*el = blank;
	find_rip(e, el);
	if (!el->has_ip)
		return false;
	find_user(e, el);
	find_session(e, el);
	if (el->nrip > 1)
		el->suspicious = true;
	return true;
}

/* login_event - fill in ev from the verdict and the elements. */
static void
login_event(struct raw_event *ev, enum ev_kind kind, enum ev_service svc,
    const struct elems *el)
{
	ev->kind = kind;
	ev->service = svc;
	ev->account = el->user;
	ev->has_ip = true;
	ev->ip = el->ip;
	ev->method = el->method;
	if (el->session.len > 0) {
		ev->session = el->session;
		ev->flags |= EVF_SESSION;
	}
	if (el->suspicious)
		ev->flags |= EVF_SUSPICIOUS;
	if (el->user.len + 3 >= LOGIN_USER_MAX && span_ends(el->user, "..."))
		ev->flags |= EVF_TRUNCATED;
}

/*
 * login_line - "[Level: ]REASON[ (EXTRA)][ (EVENT_REASON)]: ELEMENTS",
 * "Login: ELEMENTS" or 2.4 "Logged in: ELEMENTS".
 */
static enum parse_status
login_line(const struct proc *p, const struct dvline *dl,
    struct raw_event *ev, const char **why)
{
	struct span b = dl->body, hdr, extra = SPAN_NULL;
	struct elems el;
	enum verdict v;
	uint32_t n = 1;
	ptrdiff_t k;

	if (strip_level(&b) == LV_ERROR)
		return skip(why, PARSE_IGNORE, "dovecot login error");
	if ((k = elements_start(b)) < 0)
		return skip(why, PARSE_IGNORE, "unused dovecot login record");
	hdr = at(b, 0, (size_t)k);
	if (span_eq(hdr, "Login") || span_eq(hdr, "Logged in"))
		v = V_UNKNOWN;
	else if ((v = login_verdict(hdr, &extra)) == V_IGNORE)
		return skip(why, PARSE_IGNORE, "dovecot login without failure");
	if (!parse_elements(span_skip(b, (size_t)k + 2), &el))
		return skip(why, PARSE_BAD,
		    "no 'rip=' address in dovecot login record");
	if (v == V_FAIL && (n = count_of(extra)) == 0)
		return skip(why, PARSE_BAD,
		    "attempt count over 1000000 in dovecot login record");
	login_event(ev, v == V_UNKNOWN ? EV_AUTH_OK : EV_AUTH_FAIL, p->svc,
	    &el);
	ev->detail = extra;
	if (v == V_FAIL)
		ev->count = n;
	if (v == V_NOPASS)
		ev->flags |= EVF_NO_PASSWORD;
	return PARSE_OK;
}

/* ---- pam_unix ----------------------------------------------------------- */

/* One " rhost=" candidate of a pam_unix record. */
struct rhost {
	bool		found;
	struct ipaddr	ip;
	struct span	ruser;
	struct span	user;
};

/* A pam_unix "authentication failure" record, taken apart. */
struct pamrec {
	struct rhost	strict;		/* user= copy equal to ruser= */
	struct rhost	loose;		/* last at the end or before user= */
	size_t		nrhost;		/* candidates that hold an address */
};

/*
 * rhost_try - check the " rhost=" at off: its value must be an address
 * followed by the end or "  user=".  Dovecot sets PAM_RUSER and PAM_USER
 * both to the login name, so the genuine rhost= is the one whose ruser=
 * and user= copies are equal: a forged " rhost=" in the name breaks that
 * symmetry.  Without a user= copy the last candidate is taken.  Called
 * right to left, so the first hit of each kind is the rightmost.
 */
static void
rhost_try(struct span r, size_t off, size_t ru, struct pamrec *pr)
{
	struct rhost c = { .found = true };
	size_t v = off + LIT_LEN(" rhost="), ve;

	ve = value_end(r, v, " ");
	if (!ipaddr_parse(at(r, v, ve), &c.ip))
		return;
	pr->nrhost++;
	if (ve < r.len && !starts_at(r, ve, "  user="))
		return;
	if (ve < r.len)
		c.user = span_skip(r, ve + LIT_LEN("  user="));
	c.ruser = off >= ru ? at(r, ru, off) : SPAN_NULL;
	if (!pr->loose.found)
		pr->loose = c;
	if (!pr->strict.found && c.user.len > 0 && c.user.len == c.ruser.len &&
	    memcmp(c.user.p, c.ruser.p, c.user.len) == 0)
		pr->strict = c;
}

/*
 * pam_line - "pam_unix(dovecot:auth): authentication failure; logname=
 * uid=0 euid=0 tty=dovecot ruser=U rhost=IP[  user=U]".
 */
static enum parse_status
pam_line(struct span m, struct raw_event *ev, const char **why)
{
	struct pamrec pr = { 0 };
	const struct rhost *c;
	struct span r;
	ptrdiff_t k, ru;
	size_t end, rus;

	if (!span_starts(m, "pam_unix(dovecot"))
		return skip(why, PARSE_IGNORE, "pam service is not dovecot");
	k = SPAN_FIND_LIT(m, "): ");
	if (k < 0)
		return skip(why, PARSE_IGNORE, "pam line we do not use");
	r = span_skip(m, (size_t)k + 3);
	if (!span_starts(r, "authentication failure; "))
		return skip(why, PARSE_IGNORE, "pam line we do not use");
	ru = SPAN_FIND_LIT(r, " ruser=");
	rus = ru < 0 ? r.len : (size_t)ru + LIT_LEN(" ruser=");
	for (end = r.len; (k = rfind(r, end, " rhost=", 7)) >= 0;
	    end = (size_t)k + 6)
		rhost_try(r, (size_t)k, rus, &pr);
	c = pr.strict.found ? &pr.strict : &pr.loose;
	if (!c->found)
		return skip(why, PARSE_IGNORE, "pam rhost is not an address");
	ev->kind = EV_AUTH_BACKEND;
	ev->service = SVC_AUTH;
	ev->has_ip = true;
	ev->ip = c->ip;
	ev->account = c->user.len > 0 ? c->user : c->ruser;
	ev->detail = span_make(r.p, LIT_LEN("authentication failure"));
	if (pr.nrhost > 1 || SPAN_FIND_LIT(c->ruser, "rhost=") >= 0)
		ev->flags |= EVF_SUSPICIOUS;
	return PARSE_OK;
}

/* ---- entry points ------------------------------------------------------- */

/* is_dovecot_tag - the syslog idents Dovecot itself uses. */
static bool
is_dovecot_tag(struct span tag)
{
	return span_eq(tag, "dovecot") || span_eq(tag, "dovecot-auth");
}

/*
 * split_msg - "[dovecot: ][Level: ]PROC: BODY" in one span.  The cut at
 * the first ": " is only trusted for simple prefixes; auth_v24() re-splits
 * whole from the right.
 */
static void
split_msg(struct span m, struct dvline *dl)
{
	ptrdiff_t k;
	int i;

	for (i = 0; i < 2 && span_starts(m, "dovecot: "); i++)
		m = span_skip(m, LIT_LEN("dovecot: "));
	if (dl->lv == LV_NONE)
		dl->lv = strip_level(&m);
	dl->whole = m;
	k = SPAN_FIND_LIT(m, ": ");
	if (k < 0) {
		dl->proc = m;
		dl->body = SPAN_NULL;
		return;
	}
	dl->proc = at(m, 0, (size_t)k);
	dl->body = span_skip(m, (size_t)k + 2);
}

/*
 * split_line - rebuild PROC and BODY from the envelope: from the message
 * under the "dovecot" tags (and under a bare level-word tag of a host-less
 * log_path line), else from tag and message.
 */
static void
split_line(const struct envelope *env, struct dvline *dl)
{
	static const struct dvline blank;	/* not memset(): "rep stos" */

	*dl = blank;
	if (is_dovecot_tag(env->tag))
		split_msg(env->msg, dl);
	else if (env->host.len == 0 && level_of(env->tag) != LV_NONE) {
		dl->lv = level_of(env->tag);
		split_msg(env->msg, dl);
	} else {
		dl->proc = env->tag;
		dl->body = env->msg;
	}
}

bool
parse_dovecot_claims(const struct envelope *env)
{
	const struct proc *p;

	if (is_dovecot_tag(env->tag))
		return true;
	if (span_starts(env->msg, "pam_unix(dovecot:"))
		return true;
	if (span_starts(env->msg, "pam_unix("))
		return false;
	if ((p = proc_lookup(env->tag)) != NULL)
		return p->bare_tag || env->host.len == 0 ||
		    env->tag.len > strlen(p->name);
	return env->host.len == 0 && level_of(env->tag) != LV_NONE &&
	    proc_lookup(env->msg) != NULL;
}

enum parse_status
parse_dovecot(const struct envelope *env, struct raw_event *ev,
    const char **why)
{
	const struct proc *p;
	struct dvline dl;

	raw_event_clear(ev);
	split_line(env, &dl);
	if (span_starts(dl.whole, "pam_unix(") ||
	    (dl.whole.len == 0 && span_starts(env->msg, "pam_unix(")))
		return pam_line(dl.whole.len > 0 ? dl.whole : env->msg, ev,
		    why);
	if (dl.lv == LV_ERROR)
		return skip(why, PARSE_IGNORE, "dovecot error message");
	if ((p = proc_lookup(dl.proc)) == NULL)
		return skip(why, PARSE_IGNORE, "dovecot process we do not use");
	return p->fn(p, &dl, ev, why);
}
