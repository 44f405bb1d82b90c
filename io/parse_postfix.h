/*
 * io/parse_postfix.h - Postfix smtpd, postscreen, cleanup, qmgr and
 * delivery agents (formats.md section 2).
 *
 * Pure: a function of the envelope alone; no clock, no state, no
 * allocation.  Joins (sessions, queue ids, back-end lines) happen later in
 * analysis/.
 */
#ifndef SUBSUBMIT_IO_PARSE_POSTFIX_H
#define SUBSUBMIT_IO_PARSE_POSTFIX_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_postfix_claims - true when the tag is a Postfix program
 * ("<syslog_name>/<daemon>" with a known daemon).  Cheap; called for every
 * line to dispatch.
 */
bool	parse_postfix_claims(struct span tag);

/*
 * parse_postfix - turn a Postfix line into an event.  Returns PARSE_OK with
 * *ev filled in, PARSE_IGNORE for lines we do not use, PARSE_BAD with *why
 * set to a static reason for lines of a known shape that do not parse.
 * ev->service is set from the syslog name: ".../submission/..." is
 * SVC_SUBMISSION, "smtps"/"submissions" SVC_SMTPS, a bare syslog name
 * ("postfix", "postfix-incoming") SVC_SMTP for smtpd, other components
 * SVC_CUSTOM with svc_name set to that component.
 */
enum parse_status parse_postfix(const struct envelope *env,
    struct raw_event *ev, const char **why);

/*
 * parse_postfix_try - parse_postfix_claims() and parse_postfix() in one,
 * for the dispatch of every line: false (nothing done) when the tag is
 * not Postfix's, else true with parse_postfix()'s result in *st.
 */
bool	parse_postfix_try(const struct envelope *env, struct raw_event *ev,
    const char **why, enum parse_status *st);

/*
 * dnsbl_cited - true when a remote reply text cites a DNS block list
 * ("blocked using", "listed at", Spamhaus, SpamCop, Barracuda, ...).
 */
bool	dnsbl_cited(struct span reply);

#endif
