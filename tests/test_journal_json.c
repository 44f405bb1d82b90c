/*
 * tests/test_journal_json.c - io/journal_json through envelope_parse():
 * journalctl -o json records of real shape (compact and the older spaced
 * form), escapes, byte-array and multi-valued fields, fallbacks, huge
 * fields, and malformed records, which must be ENV_BAD and never crash
 * (every prefix of a record, byte flips).  Also the text outputs of
 * journalctl for the same entry, which must give the same envelope.
 *
 * Records marked [S] are synthetic, built from systemd's Journal JSON
 * Format description and the field list of systemd.journal-fields(7).
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/journal_json.h"
#include "io/parse_postfix.h"

#define KIB	1024

/* [S] journalctl -o json, systemd 255: compact, one line. */
static const char real[] =
    "{\"__CURSOR\":\"s=a69cd9ad0d3032511fd87d6775a375dc;i=1f2;"
    "b=f51020f2cb8fdb121f12c4d83f77ccc1;m=141dd76000;t=60c2a4b1e0b40;"
    "x=26f0daaea351133f\",\"__REALTIME_TIMESTAMP\":\"1702201842123456\","
    "\"__MONOTONIC_TIMESTAMP\":\"86400000000\",\"__SEQNUM\":\"498\","
    "\"__SEQNUM_ID\":\"a69cd9ad0d3032511fd87d6775a375dc\","
    "\"_BOOT_ID\":\"f51020f2cb8fdb121f12c4d83f77ccc1\","
    "\"_TRANSPORT\":\"syslog\",\"PRIORITY\":\"4\",\"SYSLOG_FACILITY\":\"2\","
    "\"SYSLOG_IDENTIFIER\":\"postfix/submission/smtpd\","
    "\"SYSLOG_PID\":\"4242\",\"SYSLOG_TIMESTAMP\":\"Dec 10 09:50:42 \","
    "\"MESSAGE\":\"warning: unknown[203.0.113.7]: SASL LOGIN authentication "
    "failed: UGFzc3dvcmQ6, sasl_username=alex\",\"_PID\":\"4242\","
    "\"_UID\":\"104\",\"_GID\":\"104\",\"_COMM\":\"smtpd\","
    "\"_EXE\":\"/usr/lib/postfix/sbin/smtpd\","
    "\"_CMDLINE\":\"smtpd -n submission -t inet -u -o stress=\","
    "\"_CAP_EFFECTIVE\":\"0\",\"_SELINUX_CONTEXT\":null,"
    "\"_SYSTEMD_CGROUP\":\"/system.slice/postfix@-.service\","
    "\"_SYSTEMD_UNIT\":\"postfix@-.service\","
    "\"_SYSTEMD_SLICE\":\"system.slice\","
    "\"_MACHINE_ID\":\"c33fb2d1ea66beb5bcd342398dfbb852\","
    "\"_HOSTNAME\":\"mx1\",\"_RUNTIME_SCOPE\":\"system\"}";

/* [S] journalctl -o json before systemd 236: spaces around ':' and ','. */
static const char spaced[] =
    "{ \"__CURSOR\" : \"s=1;i=2\", \"__REALTIME_TIMESTAMP\" : "
    "\"1702201842000000\", \"_HOSTNAME\" : \"mx2\", \"SYSLOG_IDENTIFIER\" : "
    "\"dovecot\", \"MESSAGE\" : \"imap-login: Login: user=<vera>, "
    "method=PLAIN, rip=192.0.2.4\", \"_PID\" : \"711\", \"_COMM\" : "
    "\"imap-login\" }";

/* span_is - the span holds exactly want[0..n). */
static bool
span_is(struct span s, const char *want, size_t n)
{
	return s.len == n && (n == 0 || memcmp(s.p, want, n) == 0);
}

#define SPAN_IS(s, lit)	span_is((s), (lit), sizeof(lit) - 1)

static enum env_status
parse(const char *line, struct envelope *env, const char **why)
{
	*why = NULL;
	return envelope_parse(line, strlen(line), env, why);
}

Test(journal_json, real_record)
{
	struct envelope env;
	struct raw_event ev;
	const char *why;

	cr_assert_eq(parse(real, &env, &why), ENV_OK, "why: %s", why);
	cr_expect(SPAN_IS(env.tag, "postfix/submission/smtpd"));
	cr_expect(SPAN_IS(env.pid, "4242"));
	cr_expect(SPAN_IS(env.host, "mx1"));
	cr_expect(span_starts(env.msg, "warning: unknown[203.0.113.7]: SASL") &&
	    span_ends(env.msg, "sasl_username=alex"), "msg");
	cr_expect(env.msg.p >= real && env.msg.p < real + sizeof(real),
	    "an unescaped message points into the line");
	/* 1702201842 = 2023-12-10 09:50:42 UTC */
	cr_expect(env.t.year == 2023 && env.t.mon == 12 && env.t.mday == 10 &&
	    env.t.hour == 9 && env.t.min == 50 && env.t.sec == 42,
	    "time %d-%d-%d %d:%d:%d", env.t.year, env.t.mon, env.t.mday,
	    env.t.hour, env.t.min, env.t.sec);
	cr_expect_eq(env.t.usec, 123456);
	cr_expect(env.t.has_off && env.t.off_min == 0, "shown as UTC");

	/* and the Postfix parser takes it as it takes the syslog line */
	raw_event_clear(&ev);
	cr_assert_eq(parse_postfix(&env, &ev, &why), PARSE_OK);
	cr_expect_eq(ev.kind, EV_AUTH_FAIL);
	cr_expect_eq(ev.service, SVC_SUBMISSION);
	cr_expect(SPAN_IS(ev.account, "alex"));
}

Test(journal_json, spaced_record_and_fallbacks)
{
	struct envelope env;
	const char *why;

	cr_assert_eq(parse(spaced, &env, &why), ENV_OK, "why: %s", why);
	cr_expect(SPAN_IS(env.tag, "dovecot"));
	cr_expect(SPAN_IS(env.pid, "711"), "_PID when no SYSLOG_PID");
	cr_expect(SPAN_IS(env.host, "mx2"));
	cr_expect(SPAN_IS(env.msg, "imap-login: Login: user=<vera>, "
	    "method=PLAIN, rip=192.0.2.4"));

	/* _COMM without SYSLOG_IDENTIFIER, _SOURCE_REALTIME_TIMESTAMP */
	cr_assert_eq(parse("{\"MESSAGE\":\"m\",\"_COMM\":\"smtpd\","
	    "\"_SOURCE_REALTIME_TIMESTAMP\":\"0\"}", &env, &why), ENV_OK,
	    "why: %s", why);
	cr_expect(SPAN_IS(env.tag, "smtpd"));
	cr_expect_eq(env.pid.len, 0);
	cr_expect_eq(env.host.len, 0);
	cr_expect(env.t.year == 1970 && env.t.mon == 1 && env.t.mday == 1);

	/* SYSLOG_PID wins over _PID; __REALTIME over _SOURCE_REALTIME */
	cr_assert_eq(parse("{\"_PID\":\"1\",\"SYSLOG_PID\":\"2\","
	    "\"_SOURCE_REALTIME_TIMESTAMP\":\"0\",\"SYSLOG_IDENTIFIER\":\"x\","
	    "\"__REALTIME_TIMESTAMP\":\"951782400000000\",\"MESSAGE\":\"\"}",
	    &env, &why), ENV_OK, "why: %s", why);
	cr_expect(SPAN_IS(env.pid, "2"));
	cr_expect(env.t.year == 2000 && env.t.mon == 2 && env.t.mday == 29,
	    "leap day %d-%d-%d", env.t.year, env.t.mon, env.t.mday);
	cr_expect_eq(env.msg.len, 0);
}

struct esc_case {
	const char	*json;		/* MESSAGE as written */
	const char	*want;
	size_t		 len;		/* of want */
};

#define E(j, w)	{ (j), (w), sizeof(w) - 1 }

static const struct esc_case escs[] = {
	E("\"a\\\"b\"", "a\"b"),
	E("\"a\\\\b\"", "a\\b"),
	E("\"a\\/b\"", "a/b"),
	E("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t"),
	E("\"caf\\u00e9\"", "caf\xc3\xa9"),
	E("\"caf\\u00E9\"", "caf\xc3\xa9"),
	E("\"\\u20ac\"", "\xe2\x82\xac"),
	E("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"),
	E("\"a\\u0000b\"", "a\0b"),
	E("\"\\u001b[31mred\"", "\x1b[31mred"),
	E("\"caf\xc3\xa9 raw\"", "caf\xc3\xa9 raw"),
	/* byte arrays: not printable UTF-8 */
	E("[104,105,0,255]", "hi\0\xff"),
	E("[ 27 , 91 , 50 , 74 ]", "\x1b[2J"),
	E("[]", ""),
	/* several values: the first is kept */
	E("[\"first\",\"second\"]", "first"),
	E("[[111,107],\"x\",null]", "ok"),
};

Test(journal_json, escapes_and_byte_arrays)
{
	char line[512];
	size_t i;

	for (i = 0; i < sizeof(escs) / sizeof(escs[0]); i++) {
		struct envelope env;
		const char *why = NULL;
		int n;

		n = snprintf(line, sizeof(line), "{\"SYSLOG_IDENTIFIER\":\"t\","
		    "\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":%s}",
		    escs[i].json);
		cr_assert(n > 0 && (size_t)n < sizeof(line));
		cr_expect_eq(envelope_parse(line, (size_t)n, &env, &why),
		    ENV_OK, "%s: %s", escs[i].json, why);
		cr_expect(span_is(env.msg, escs[i].want, escs[i].len),
		    "%s: got '%.*s' (%zu bytes)", escs[i].json,
		    (int)env.msg.len, env.msg.p, env.msg.len);
	}
}

Test(journal_json, escaped_tag_host_pid)
{
	static const char line[] = "{\"SYSLOG_IDENTIFIER\":\"postfix\\/smtpd\","
	    "\"_HOSTNAME\":\"m\\u0078\",\"SYSLOG_PID\":\"\\u0031\\u0032\","
	    "\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"a\\tb\"}";
	struct envelope env;
	const char *why;

	cr_assert_eq(parse(line, &env, &why), ENV_OK, "why: %s", why);
	cr_expect(SPAN_IS(env.tag, "postfix/smtpd"));
	cr_expect(SPAN_IS(env.host, "mx"));
	cr_expect(SPAN_IS(env.pid, "12"));
	cr_expect(SPAN_IS(env.msg, "a\tb"));
	cr_expect(env.msg.p >= env.text &&
	    env.msg.p < env.text + sizeof(env.text), "unescaped in env.text");
}

struct bad_case {
	const char	*line;
	enum env_status	 st;
	const char	*why;		/* a part of the reason */
};

static const struct bad_case bads[] = {
	{ "{", ENV_BAD, "json" },
	{ "{\"MESSAGE\":\"a\"", ENV_BAD, "json" },
	{ "{\"MESSAGE\":\"a}", ENV_BAD, "string" },
	{ "{\"MESSAGE\":\"a\"}x", ENV_BAD, "after" },
	{ "{\"MESSAGE\":\"a\"}{\"MESSAGE\":\"b\"}", ENV_BAD, "after" },
	{ "{\"MESSAGE\":\"a\",}", ENV_BAD, "json" },
	{ "{,\"MESSAGE\":\"a\"}", ENV_BAD, "json" },
	{ "{\"MESSAGE\" \"a\"}", ENV_BAD, "json" },
	{ "{\"MESSAGE\":\"a\" \"X\":\"b\"}", ENV_BAD, "json" },
	{ "{MESSAGE:\"a\"}", ENV_BAD, "json" },
	{ "{\"MESSAGE\":1}", ENV_BAD, "value" },
	{ "{\"MESSAGE\":true}", ENV_BAD, "value" },
	{ "{\"MESSAGE\":nul}", ENV_BAD, "value" },
	{ "{\"MESSAGE\":{\"a\":\"b\"}}", ENV_BAD, "value" },
	{ "{\"X\":{}}", ENV_BAD, "value" },
	{ "{\"MESSAGE\":\"a\x01" "b\"}", ENV_BAD, "string" },
	{ "{\"MESSAGE\":\"\\x41\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"\\u12\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"\\u12g4\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"\\ud800\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"\\ud800x\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"\\udc00\\ud800\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"\\ud800\\u0041\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"a\\\"}", ENV_BAD, "string" },
	{ "{\"MESSAGE\":[256]}", ENV_BAD, "byte" },
	{ "{\"MESSAGE\":[01]}", ENV_BAD, "byte" },
	{ "{\"MESSAGE\":[1,]}", ENV_BAD, "byte" },
	{ "{\"MESSAGE\":[-1]}", ENV_BAD, "byte" },
	{ "{\"MESSAGE\":[1 2]}", ENV_BAD, "json" },
	{ "{\"MESSAGE\":[1.5]}", ENV_BAD, "json" },
	{ "{\"MESSAGE\":[[[1]]]}", ENV_BAD, "byte" },
	{ "{\"MESSAGE\":[\"a\",1]}", ENV_BAD, "value" },
	{ "{\"X\":\"\\q\"}", ENV_BAD, "escape" },
	{ "{\"MESSAGE\":\"a\",\"MESSAGE\":\"b\"}", ENV_BAD, "twice" },
	/* well-formed, but not a usable record */
	{ "{\"MESSAGE\":null,\"SYSLOG_IDENTIFIER\":\"t\"}", ENV_BAD, "--all" },
	{ "{\"MESSAGE\":[null]}", ENV_BAD, "--all" },
	{ "{\"MESSAGE\":\"a\",\"__REALTIME_TIMESTAMP\":\"1\"}", ENV_BAD,
	    "tag" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"\",\"_COMM\":null,"
	    "\"__REALTIME_TIMESTAMP\":\"1\"}", ENV_BAD, "tag" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\"}", ENV_BAD,
	    "time" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\","
	    "\"__REALTIME_TIMESTAMP\":\"12x\"}", ENV_BAD, "time" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\","
	    "\"__REALTIME_TIMESTAMP\":\"-1\"}", ENV_BAD, "time" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\","
	    "\"__REALTIME_TIMESTAMP\":\"1234567890123456789\"}", ENV_BAD,
	    "time" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\","
	    "\"__REALTIME_TIMESTAMP\":\"253402300800000000\"}", ENV_BAD,
	    "time" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\",\"SYSLOG_PID\":"
	    "\"12a\",\"__REALTIME_TIMESTAMP\":\"1\"}", ENV_BAD, "pid" },
	{ "{\"MESSAGE\":\"a\",\"SYSLOG_IDENTIFIER\":\"t\",\"_PID\":"
	    "\"12345678901\",\"__REALTIME_TIMESTAMP\":\"1\"}", ENV_BAD, "pid" },
	/* no MESSAGE at all: not a log line */
	{ "{}", ENV_SKIP, NULL },
	{ "{ \"SYSLOG_IDENTIFIER\" : \"t\" }", ENV_SKIP, NULL },
};

Test(journal_json, malformed_records)
{
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad_case *k = &bads[i];
		struct envelope env;
		const char *why;
		enum env_status st = parse(k->line, &env, &why);

		cr_expect_eq(st, k->st, "'%s': status %d (%s)", k->line, st,
		    why != NULL ? why : "-");
		if (k->why != NULL && st == ENV_BAD)
			cr_expect(why != NULL && strstr(why, k->why) != NULL,
			    "'%s': why '%s', want '%s'", k->line,
			    why != NULL ? why : "(null)", k->why);
	}
}

Test(journal_json, every_prefix_is_bad)
{
	size_t n, len = sizeof(real) - 1;

	/* A record cut anywhere (io/reader's cap) is never half-read. */
	for (n = 1; n < len; n++) {
		char *cut = malloc(n);	/* exact size for ASan */
		struct envelope env;
		enum env_status st;

		cr_assert_not_null(cut);
		memcpy(cut, real, n);
		st = envelope_parse(cut, n, &env, NULL);
		cr_expect_eq(st, ENV_BAD, "prefix of %zu bytes: status %d", n,
		    st);
		free(cut);
	}
}

Test(journal_json, byte_flips_never_crash)
{
	size_t len = sizeof(real) - 1, i;
	uint32_t x = 2463534242u;	/* xorshift32: fixed sequence */
	char *buf = malloc(len);
	unsigned ok = 0;

	cr_assert_not_null(buf);
	for (i = 0; i < 20000; i++) {
		struct envelope env;
		const char *why = NULL;
		size_t at;

		memcpy(buf, real, len);
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		at = 1 + x % (len - 1);
		buf[at] = (char)(x >> 8);
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[1 + x % (len - 1)] = "\"\\[]{},:u0 "[x % 11];
		if (envelope_parse(buf, len, &env, &why) == ENV_OK) {
			ok++;
			cr_assert(env.msg.len <= len && env.tag.len > 0);
		} else
			cr_assert(why == NULL || *why != '\0');
	}
	/* flips inside values mostly leave the record readable */
	cr_expect(ok > 0 && ok < 20000, "%u of 20000 still parse", ok);
	free(buf);
}

/* build - a record with a huge field (fill bytes of ch) before MESSAGE. */
static char *
build(const char *field, size_t n, char ch, const char *msg, size_t *len)
{
	size_t cap = n + 256 + strlen(msg);
	char *s = malloc(cap);
	int a, b;

	cr_assert_not_null(s);
	a = snprintf(s, cap, "{\"SYSLOG_IDENTIFIER\":\"t\","
	    "\"__REALTIME_TIMESTAMP\":\"1\",\"%s\":\"", field);
	memset(s + a, ch, n);
	b = snprintf(s + a + n, cap - a - n, "\",\"MESSAGE\":%s}", msg);
	*len = (size_t)a + n + (size_t)b;
	return s;
}

/* repeat - a JSON value: open, n copies of unit, close (caller frees). */
static char *
repeat(const char *open, const char *unit, size_t n, const char *close)
{
	size_t u = strlen(unit), i;
	char *m = malloc(strlen(open) + u * n + strlen(close) + 1);
	char *p = m;

	cr_assert_not_null(m);
	p = stpcpy(p, open);
	for (i = 0; i < n; i++, p += u)
		memcpy(p, unit, u);
	strcpy(p, close);
	return m;
}

Test(journal_json, huge_fields)
{
	struct envelope env;
	const char *why = NULL;
	size_t len;
	char *s, *m;

	/* a 1 MiB _CMDLINE is skipped, the message still read */
	s = build("_CMDLINE", 1024 * KIB, 'c', "\"short\"", &len);
	cr_expect_eq(envelope_parse(s, len, &env, &why), ENV_OK, "%s", why);
	cr_expect(SPAN_IS(env.msg, "short"));
	free(s);

	/* escapes that need more than the text buffer: bad, not overflowed */
	m = repeat("\"", "\\n", 2 * ENVELOPE_TEXT_MAX, "\"");
	s = build("X", 10, 'x', m, &len);
	cr_expect_eq(envelope_parse(s, len, &env, &why), ENV_BAD);
	cr_expect(strstr(why, "too long") != NULL, "%s", why);
	free(s);
	free(m);

	/* just fits: ENVELOPE_TEXT_MAX bytes unescaped */
	m = repeat("\"", "\\t", ENVELOPE_TEXT_MAX, "\"");
	s = build("X", 10, 'x', m, &len);
	cr_expect_eq(envelope_parse(s, len, &env, &why), ENV_OK, "%s", why);
	cr_expect_eq(env.msg.len, ENVELOPE_TEXT_MAX);
	free(s);
	free(m);

	/* a byte array longer than the buffer */
	m = repeat("[", "9,", 2 * ENVELOPE_TEXT_MAX, "9]");
	s = build("X", 10, 'x', m, &len);
	cr_expect_eq(envelope_parse(s, len, &env, &why), ENV_BAD);
	cr_expect(strstr(why, "too long") != NULL, "%s", why);
	free(s);
	free(m);

	/* a huge multi-valued field of byte arrays, skipped */
	m = repeat("\"m\",\"_UDEV_DEVLINK\":[", "[1,2,3],", 100 * KIB,
	    "null,\"x\"]");
	s = build("X", 0, 'x', m, &len);
	cr_expect_eq(envelope_parse(s, len, &env, &why), ENV_OK, "%s", why);
	cr_expect(SPAN_IS(env.msg, "m"));
	free(s);
	free(m);
}

Test(journal_json, huge_message_without_escapes)
{
	size_t n = 1024 * KIB, len, i;
	char *s = malloc(n + 128);
	struct envelope env;
	const char *why = NULL;

	cr_assert_not_null(s);
	len = (size_t)sprintf(s, "{\"SYSLOG_IDENTIFIER\":\"t\","
	    "\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":\"");
	for (i = 0; i < n; i++)
		s[len++] = 'm';
	s[len++] = '"';
	s[len++] = '}';
	cr_expect_eq(envelope_parse(s, len, &env, &why), ENV_OK, "%s", why);
	cr_expect_eq(env.msg.len, n);
	free(s);
}

Test(journal_json, direct_call_and_crlf)
{
	struct envelope env;
	char line[sizeof(real) + 1];
	const char *why = NULL;

	memset(&env, 0, sizeof(env));
	cr_expect_eq(journal_json_parse(spaced, sizeof(spaced) - 1, &env,
	    &why), ENV_OK, "%s", why);
	cr_expect(SPAN_IS(env.tag, "dovecot"));

	/* a CRLF file: envelope_parse() drops the CR as for syslog lines */
	memcpy(line, real, sizeof(real) - 1);
	line[sizeof(real) - 1] = '\r';
	cr_expect_eq(envelope_parse(line, sizeof(real), &env, &why), ENV_OK,
	    "%s", why);
}

/*
 * The text outputs of journalctl for the entry of `real`, as printed on a
 * machine running UTC: the same tag, pid, host, message and civil time.
 */
Test(journal_json, text_outputs_agree)
{
	static const char *const texts[] = {
		/* -o short-iso: systemd >= 246 and older (%z) */
		"2023-12-10T09:50:42+00:00 mx1 "
		    "postfix/submission/smtpd[4242]: ",
		"2023-12-10T09:50:42+0000 mx1 "
		    "postfix/submission/smtpd[4242]: ",
		/* -o short-iso-precise */
		"2023-12-10T09:50:42.123456+00:00 mx1 "
		    "postfix/submission/smtpd[4242]: ",
		/* -o short-full */
		"Sun 2023-12-10 09:50:42 UTC mx1 "
		    "postfix/submission/smtpd[4242]: ",
	};
	struct envelope js, tx;
	char line[1024];
	const char *why;
	size_t i;

	cr_assert_eq(parse(real, &js, &why), ENV_OK);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int n = snprintf(line, sizeof(line), "%s%.*s", texts[i],
		    (int)js.msg.len, js.msg.p);

		cr_assert_eq(envelope_parse(line, (size_t)n, &tx, &why), ENV_OK,
		    "'%s': %s", line, why);
		cr_expect(span_is(tx.tag, js.tag.p, js.tag.len) &&
		    span_is(tx.pid, js.pid.p, js.pid.len) &&
		    span_is(tx.host, js.host.p, js.host.len) &&
		    span_is(tx.msg, js.msg.p, js.msg.len), "'%s'", line);
		cr_expect(tx.t.year == js.t.year && tx.t.mon == js.t.mon &&
		    tx.t.mday == js.t.mday && tx.t.hour == js.t.hour &&
		    tx.t.min == js.t.min && tx.t.sec == js.t.sec, "'%s'", line);
		cr_expect(tx.t.has_off && tx.t.off_min == 0, "'%s'", line);
	}
}
