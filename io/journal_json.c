/*
 * io/journal_json.c - the envelope of a "journalctl -o json" record.
 *
 * envelope_parse() hands every line that starts with '{' here, so that a
 * journal exported as JSON feeds the same per-line pipeline as a syslog
 * file: the record becomes a struct envelope (time, host, tag, pid,
 * message) and the mail-system parsers take it from there.
 *
 * This is not a general JSON parser.  It reads the one shape journalctl
 * writes, an object of field names mapped to strings, nulls, byte arrays
 * or arrays of those, in one pass and without allocating.  Values of the
 * fields we use are unescaped into the envelope's fixed text buffer only
 * when they hold an escape; otherwise the spans point into the line.  An
 * unescaped value is never longer than its escaped form, so one buffer
 * the size of a line is enough for all of them.  Every byte is
 * attacker-controlled (MESSAGE above all), and a record that is not of
 * that shape is a bad line, never a crash or a read past the end.
 */
#include "io/journal_json.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "io/envelope.h"
#include "io/span.h"

#define WHY_JSON	"bad json"
#define WHY_STRING	"bad json string"
#define WHY_ESCAPE	"bad json escape"
#define WHY_BYTES	"bad json byte array"
#define WHY_VALUE	"json value is not a journal field value"
#define WHY_TRAIL	"bytes after the json object"
#define WHY_TWICE	"journal field given twice"
#define WHY_LONG	"journal record too long to unescape"
#define WHY_NULLMSG	"message left out by journalctl (rerun with --all)"
#define WHY_NOTIME	"no journal time stamp"
#define WHY_TIME	"bad journal time stamp"
#define WHY_TAG		"no tag"
#define WHY_PID		"bad pid"

#define PID_DIGITS_MAX	10
#define USEC_DIGITS_MAX	18
#define USEC_MAX	UINT64_C(253402300799999999)	/* 9999-12-31 */

/* The fields we read; every other field is checked and skipped. */
enum jfield {
	JF_MESSAGE,
	JF_IDENT,		/* SYSLOG_IDENTIFIER */
	JF_SYSLOG_PID,
	JF_PID,
	JF_COMM,
	JF_HOSTNAME,
	JF_REALTIME,		/* __REALTIME_TIMESTAMP */
	JF_SOURCE_TIME,		/* _SOURCE_REALTIME_TIMESTAMP */
	JF_MAX
};

#define NAME(s)	{ (s), sizeof(s) - 1 }

static const struct {
	const char	*p;
	size_t		 len;
} field_names[JF_MAX] = {
	[JF_MESSAGE] = NAME("MESSAGE"),
	[JF_IDENT] = NAME("SYSLOG_IDENTIFIER"),
	[JF_SYSLOG_PID] = NAME("SYSLOG_PID"),
	[JF_PID] = NAME("_PID"),
	[JF_COMM] = NAME("_COMM"),
	[JF_HOSTNAME] = NAME("_HOSTNAME"),
	[JF_REALTIME] = NAME("__REALTIME_TIMESTAMP"),
	[JF_SOURCE_TIME] = NAME("_SOURCE_REALTIME_TIMESTAMP"),
};

/* One field's value: the text (unescaped), or null. */
struct jval {
	struct span	s;
	bool		seen;
	bool		null;
};

/* A read position, the first failure, and the text buffer. */
struct jcur {
	const char	*p;
	const char	*e;
	const char	*why;
	char		*out;		/* env->text */
	size_t		 used;		/* bytes of out taken */
	struct jval	 v[JF_MAX];
};

/* fail - record why (the first reason wins) and report failure. */
static bool
fail(struct jcur *j, const char *why)
{
	if (j->why == NULL)
		j->why = why;
	return false;
}

static bool
at(const struct jcur *j, char ch)
{
	return j->p < j->e && *j->p == ch;
}

/* skip_ws - the first byte of [p, e) that is not JSON white space. */
static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static void
ws(struct jcur *j)
{
	j->p = skip_ws(j->p, j->e);
}

/* expect - white space, then the byte ch. */
static bool
expect(struct jcur *j, char ch)
{
	ws(j);
	if (!at(j, ch))
		return fail(j, WHY_JSON);
	j->p++;
	return true;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* hex4 - the four hex digits at p (the caller checked they exist). */
static int32_t
hex4(const char *p)
{
	int32_t v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if ((d = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * string_raw - the string at j->p (on its opening quote): its raw bytes
 * between the quotes, and whether they hold an escape.  Escapes are
 * checked here, surrogate pairs only when unescaping.
 */
static bool
string_raw(struct jcur *j, struct span *raw, bool *escaped)
{
	const char *s = ++j->p;
	unsigned char ch;

	*escaped = false;
	for (; j->p < j->e; j->p++) {
		ch = (unsigned char)*j->p;
		if (ch == '"') {
			*raw = span_make(s, (size_t)(j->p++ - s));
			return true;
		}
		if (ch < 0x20)
			return fail(j, WHY_STRING);
		if (ch != '\\')
			continue;
		*escaped = true;
		if (++j->p == j->e)
			break;
		if (*j->p == 'u') {
			if (j->e - j->p < 5 || hex4(j->p + 1) < 0)
				return fail(j, WHY_ESCAPE);
			j->p += 4;
		} else if (strchr("\"\\/bfnrt", *j->p) == NULL || *j->p == 0)
			return fail(j, WHY_ESCAPE);
	}
	return fail(j, WHY_STRING);
}

/* put_utf8 - code point cp (at most U+10FFFF) as UTF-8 at o. */
static size_t
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * code_point - the \uXXXX escape at p (after the backslash), joined with
 * a following low surrogate; stores the bytes used.  -1 for a lone
 * surrogate, which no valid UTF-8 text produces.
 */
static int32_t
code_point(const char *p, const char *e, size_t *used)
{
	int32_t hi = hex4(p + 1), lo;

	*used = 5;
	if (hi < 0xd800 || hi > 0xdfff)
		return hi;
	if (hi > 0xdbff || e - p < 11 || p[5] != '\\' || p[6] != 'u' ||
	    (lo = hex4(p + 7)) < 0xdc00 || lo > 0xdfff)
		return -1;
	*used = 11;
	return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* simple_escape - the byte a one-letter escape stands for. */
static char
simple_escape(char ch)
{
	switch (ch) {
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return ch;	/* " \ / */
	}
}

/*
 * unescape - the text of a checked raw string, in the text buffer when it
 * holds escapes; fails when the buffer has no room left for it.
 */
static bool
unescape(struct jcur *j, struct span raw, bool escaped, struct span *out)
{
	const char *p = raw.p, *e = raw.p + raw.len;
	char *o = j->out + j->used, *o0 = o, *end = j->out + ENVELOPE_TEXT_MAX;
	char u[4];
	int32_t cp;
	size_t n, k;

	if (!escaped) {
		*out = raw;
		return true;
	}
	while (p < e) {
		if (*p != '\\') {
			u[0] = *p++;
			k = 1;
		} else if (*++p != 'u') {
			u[0] = simple_escape(*p++);
			k = 1;
		} else {
			if ((cp = code_point(p, e, &n)) < 0)
				return fail(j, WHY_ESCAPE);
			k = put_utf8(u, (uint32_t)cp);
			p += n;
		}
		if ((size_t)(end - o) < k)
			return fail(j, WHY_LONG);
		memcpy(o, u, k);
		o += k;
	}
	*out = span_make(o0, (size_t)(o - o0));
	j->used += (size_t)(o - o0);
	return true;
}

/* byte - one array element: a decimal 0-255 without leading zeros. */
static bool
byte(struct jcur *j, unsigned *val)
{
	const char *s = j->p;
	unsigned v = 0;

	while (j->p < j->e && *j->p >= '0' && *j->p <= '9' && j->p - s < 4)
		v = v * 10 + (unsigned)(*j->p++ - '0');
	if (j->p == s || v > 255 || (*s == '0' && j->p - s > 1))
		return fail(j, WHY_BYTES);
	*val = v;
	return true;
}

/*
 * byte_array - "[ 116, 104, ... ]" at j->p: a field that is not printable
 * UTF-8.  The bytes go to the text buffer when dst is not NULL.
 */
static bool
byte_array(struct jcur *j, struct jval *dst)
{
	char *o0 = j->out + j->used;
	unsigned v;

	j->p++;
	ws(j);
	if (at(j, ']')) {
		j->p++;
		goto out;
	}
	for (;;) {
		ws(j);
		if (!byte(j, &v))
			return false;
		if (dst != NULL) {
			if (j->used == ENVELOPE_TEXT_MAX)
				return fail(j, WHY_LONG);
			j->out[j->used++] = (char)v;
		}
		ws(j);
		if (at(j, ']'))
			break;
		if (!expect(j, ','))
			return fail(j, WHY_BYTES);
	}
	j->p++;
out:
	if (dst != NULL)
		dst->s = span_make(o0, (size_t)(j->out + j->used - o0));
	return true;
}

/* scalar - a string, null or byte array, kept in dst unless NULL. */
static bool
scalar(struct jcur *j, struct jval *dst)
{
	struct span raw;
	bool esc;

	ws(j);
	if (at(j, '"')) {
		if (!string_raw(j, &raw, &esc))
			return false;
		return dst == NULL || unescape(j, raw, esc, &dst->s);
	}
	if (at(j, '['))
		return byte_array(j, dst);
	if (j->e - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
		j->p += 4;
		if (dst != NULL)
			dst->null = true;
		return true;
	}
	return fail(j, WHY_VALUE);
}

/* is_array_of_values - after '[': a string, null or array comes next. */
static bool
is_array_of_values(const struct jcur *j)
{
	const char *p = skip_ws(j->p + 1, j->e);

	return p < j->e && (*p == '"' || *p == 'n' || *p == '[');
}

/*
 * value - a scalar, or the array of scalars of a field with several
 * values, of which the first is kept in dst (unless NULL).
 */
static bool
value(struct jcur *j, struct jval *dst)
{
	ws(j);
	if (!at(j, '[') || !is_array_of_values(j))
		return scalar(j, dst);
	j->p++;
	for (;;) {
		if (!scalar(j, dst))
			return false;
		dst = NULL;
		ws(j);
		if (at(j, ']'))
			break;
		if (!expect(j, ','))
			return false;
	}
	j->p++;
	return true;
}

/* field_index - which of our fields the key names, or JF_MAX. */
static enum jfield
field_index(struct span key, bool escaped)
{
	int i;

	if (escaped || key.len < 4)
		return JF_MAX;
	for (i = 0; i < JF_MAX; i++)
		if (key.len == field_names[i].len &&
		    memcmp(key.p, field_names[i].p, key.len) == 0)
			return (enum jfield)i;
	return JF_MAX;
}

/* member - one "KEY": VALUE pair. */
static bool
member(struct jcur *j)
{
	struct span key;
	enum jfield f;
	bool esc;

	ws(j);
	if (!at(j, '"'))
		return fail(j, WHY_JSON);
	if (!string_raw(j, &key, &esc) || !expect(j, ':'))
		return false;
	if ((f = field_index(key, esc)) == JF_MAX)
		return value(j, NULL);
	if (j->v[f].seen)
		return fail(j, WHY_TWICE);
	j->v[f].seen = true;
	return value(j, &j->v[f]);
}

/* object - the whole line: one object, then only white space. */
static bool
object(struct jcur *j)
{
	if (!expect(j, '{'))
		return false;
	ws(j);
	if (at(j, '}'))
		j->p++;
	else {
		for (;;) {
			if (!member(j))
				return false;
			ws(j);
			if (at(j, '}'))
				break;
			if (!expect(j, ','))
				return false;
		}
		j->p++;
	}
	ws(j);
	return j->p == j->e || fail(j, WHY_TRAIL);
}

/* text - the value of field f when it is present, not null and not empty. */
static bool
text(const struct jcur *j, enum jfield f, struct span *out)
{
	if (!j->v[f].seen || j->v[f].null || j->v[f].s.len == 0)
		return false;
	*out = j->v[f].s;
	return true;
}

/* usec_time - microseconds since the epoch as a UTC logtime. */
static bool
usec_time(struct span s, struct logtime *t)
{
	uint64_t v = 0, secs;
	int32_t year;
	int mon, mday;
	size_t i;

	if (s.len == 0 || s.len > USEC_DIGITS_MAX || !span_all_digits(s))
		return false;
	for (i = 0; i < s.len; i++)
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	if (v > USEC_MAX)
		return false;
	secs = v / 1000000;
	civil_from_days((int64_t)(secs / 86400), &year, &mon, &mday);
	t->year = year;
	t->mon = (uint8_t)mon;
	t->mday = (uint8_t)mday;
	t->hour = (uint8_t)(secs % 86400 / 3600);
	t->min = (uint8_t)(secs % 3600 / 60);
	t->sec = (uint8_t)(secs % 60);
	t->usec = (uint32_t)(v % 1000000);
	t->has_off = true;
	t->off_min = 0;
	return true;
}

/* bad - fail and say so as an envelope status. */
static enum env_status
bad(struct jcur *j, const char *why)
{
	(void)fail(j, why);
	return ENV_BAD;
}

/* fill - the envelope from the fields read. */
static enum env_status
fill(struct jcur *j, struct envelope *env)
{
	struct span s;

	if (!j->v[JF_MESSAGE].seen)
		return ENV_SKIP;
	if (j->v[JF_MESSAGE].null)
		return bad(j, WHY_NULLMSG);
	env->msg = j->v[JF_MESSAGE].s;
	if (!text(j, JF_IDENT, &env->tag) && !text(j, JF_COMM, &env->tag))
		return bad(j, WHY_TAG);
	if (text(j, JF_SYSLOG_PID, &env->pid) || text(j, JF_PID, &env->pid))
		if (env->pid.len > PID_DIGITS_MAX || !span_all_digits(env->pid))
			return bad(j, WHY_PID);
	(void)text(j, JF_HOSTNAME, &env->host);
	if (!text(j, JF_REALTIME, &s) && !text(j, JF_SOURCE_TIME, &s))
		return bad(j, WHY_NOTIME);
	if (!usec_time(s, &env->t))
		return bad(j, WHY_TIME);
	return ENV_OK;
}

enum env_status
journal_json_parse(const char *line, size_t len, struct envelope *env,
    const char **why)
{
	struct jcur j;
	enum env_status st;

	memset(&j, 0, sizeof(j));
	j.p = line;
	j.e = line + len;
	j.out = env->text;
	st = object(&j) ? fill(&j, env) : ENV_BAD;
	if (st == ENV_BAD && why != NULL)
		*why = j.why != NULL ? j.why : WHY_JSON;
	return st;
}
