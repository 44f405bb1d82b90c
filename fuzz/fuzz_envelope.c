/*
 * fuzz/fuzz_envelope.c - the syslog envelope and time stamp parsers.
 *
 * One input is one line.  Every span of an accepted envelope must lie in
 * the line, its fields must be in range, and the calendar helpers must
 * take whatever date the parser let through.  The shortcut for the common
 * line must give what the general steps give (envelope_parse_general()).
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "io/envelope.h"

/* check_time - the ranges io/envelope.h promises. */
static void
check_time(const struct logtime *t)
{
	int64_t civil;

	if (t->mon < 1 || t->mon > 12 || t->mday < 1 || t->mday > 31 ||
	    t->hour > 23 || t->min > 59 || t->sec > 60 || t->usec > 999999) {
		fprintf(stderr, "time field out of range\n");
		abort();
	}
	if (logtime_civil(t, t->year != 0 ? t->year : 2024, &civil))
		fuzz_sink += (unsigned)civil;
}

static bool
same_span(struct span a, struct span b)
{
	return a.p == b.p && a.len == b.len;
}

/* check_general - the general steps agree with envelope_parse(). */
static void
check_general(const char *line, size_t size, enum env_status st,
    const struct envelope *a, const char *why)
{
	static struct envelope b;
	const char *why2 = NULL;

	if (envelope_parse_general(line, size, &b, &why2) != st ||
	    why2 != why) {
		fprintf(stderr, "shortcut and general steps disagree\n");
		abort();
	}
	/* A JSON record's spans point into each envelope's own text. */
	if (st != ENV_OK || (size > 0 && line[0] == '{'))
		return;
	if (memcmp(&a->t, &b.t, sizeof(a->t)) != 0 ||
	    !same_span(a->host, b.host) || !same_span(a->tag, b.tag) ||
	    !same_span(a->pid, b.pid) || !same_span(a->msg, b.msg)) {
		fprintf(stderr, "shortcut and general steps disagree\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data, *why = NULL;
	struct envelope env;
	struct logtime t;
	size_t used;

	enum env_status st = envelope_parse(line, size, &env, &why);

	check_general(line, size, st, &env, why);
	switch (st) {
	case ENV_OK:
		check_span(env.host, line, size);
		check_span(env.tag, line, size);
		check_span(env.pid, line, size);
		check_span(env.msg, line, size);
		if (env.tag.len == 0)
			abort();
		check_time(&env.t);
		break;
	case ENV_BAD:
		check_string(why);
		break;
	case ENV_SKIP:
		break;
	}
	if (logtime_parse(span_make(line, size), &t, &used)) {
		if (used > size)
			abort();
		check_time(&t);
	}
	return 0;
}
