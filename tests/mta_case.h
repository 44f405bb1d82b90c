/*
 * tests/mta_case.h - the table runner shared by the Sendmail, OpenSMTPD
 * and Courier parser tests: a whole syslog line, split by
 * envelope_parse(), and the fields expected from it.
 */
#ifndef SUBSUBMIT_TESTS_MTA_CASE_H
#define SUBSUBMIT_TESTS_MTA_CASE_H

#include <string.h>

#include <criterion/criterion.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/ipaddr.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct mta_case {
	const char		*line;
	enum parse_status	 st;
	enum ev_kind		 kind;
	const char		*ip;		/* NULL: has_ip must be false */
	const char		*account;	/* NULL: must be empty */
	enum ev_service		 svc;
	const char		*method;	/* NULL: not checked */
	const char		*qid;		/* NULL: not checked */
	const char		*session;	/* NULL: not checked */
	const char		*status;	/* NULL: not checked */
	uint32_t		 count;		/* 0: not checked */
};

typedef enum parse_status (*mta_parse_fn)(const struct envelope *,
    struct raw_event *, const char **);

static inline void
mta_span(struct span got, const char *want, const char *what,
    const char *line)
{
	cr_expect(got.len == strlen(want) &&
	    (got.len == 0 || memcmp(got.p, want, got.len) == 0),
	    "%s: got '%.*s', want '%s' in '%s'", what, (int)got.len,
	    got.len ? got.p : "", want, line);
}

static inline void
mta_run(const struct mta_case *c, mta_parse_fn fn)
{
	struct envelope env;
	struct raw_event ev;
	struct ipaddr ip;
	const char *why = NULL;
	enum parse_status st;

	cr_assert_eq(envelope_parse(c->line, strlen(c->line), &env, &why),
	    ENV_OK, "envelope of '%s': %s", c->line, why ? why : "");
	st = fn(&env, &ev, &why);
	cr_expect_eq(st, c->st, "status %d, want %d in '%s' (%s)", st, c->st,
	    c->line, why ? why : "");
	if (st != PARSE_OK || c->st != PARSE_OK)
		return;
	cr_expect_eq(ev.kind, c->kind, "kind %s, want %s in '%s'",
	    event_kind_name(ev.kind), event_kind_name(c->kind), c->line);
	if (c->ip == NULL)
		cr_expect(!ev.has_ip, "unexpected ip in '%s'", c->line);
	else {
		cr_assert(ipaddr_parse(span_make(c->ip, strlen(c->ip)), &ip));
		cr_expect(ev.has_ip && memcmp(&ip, &ev.ip, sizeof(ip)) == 0,
		    "ip differs from '%s' in '%s'", c->ip, c->line);
	}
	mta_span(ev.account, c->account ? c->account : "", "account",
	    c->line);
	cr_expect_eq(ev.service, c->svc, "service %s, want %s in '%s'",
	    service_name(ev.service), service_name(c->svc), c->line);
	if (c->method != NULL)
		mta_span(ev.method, c->method, "method", c->line);
	if (c->qid != NULL)
		mta_span(ev.queue_id, c->qid, "queue_id", c->line);
	if (c->session != NULL)
		mta_span(ev.session, c->session, "session", c->line);
	if (c->status != NULL)
		mta_span(ev.status, c->status, "status", c->line);
	if (c->count != 0)
		cr_expect_eq(ev.count, c->count, "count %u, want %u in '%s'",
		    ev.count, c->count, c->line);
}

#endif
