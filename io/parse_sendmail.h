/*
 * io/parse_sendmail.h - Sendmail (sendmail, sm-mta, sm-*) and Cyrus
 * saslauthd lines (formats.md sections 4 and 6).
 *
 * Pure: a function of the envelope alone; no clock, no state, no
 * allocation.  The joins (the AUTH=server account of a session's
 * messages, saslauthd lines to the failure they explain) happen in
 * analysis/timeline.c.
 */
#ifndef SUBSUBMIT_IO_PARSE_SENDMAIL_H
#define SUBSUBMIT_IO_PARSE_SENDMAIL_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_sendmail_claims - true for the tags Sendmail logs under:
 * "sendmail", and "sm-" followed by a name ("sm-mta", "sm-msp-queue",
 * "sm-acceptingconnections").
 */
bool	parse_sendmail_claims(struct span tag);

/*
 * parse_sendmail - one Sendmail line to at most one event:
 *  - "QID: AUTH failure (MECH): ERR (N) DETAIL[, user=U], relay=CLIENT":
 *    EV_AUTH_FAIL with the method, the user (8.16.1+) and the address of
 *    the last ", relay=" (the user is the client's text);
 *  - "QID: CLIENT: possible SMTP attack: command=AUTH, count=N": Sendmail
 *    writes it once per connection, when the N-th AUTH command arrives
 *    unauthenticated (N is the number of mechanisms plus one), so the
 *    N - 1 commands before it failed: EV_AUTH_FAIL with count N - 1 (at
 *    least 1).  The timeline subtracts the "AUTH failure" lines already
 *    seen with the same queue id, so a session is not counted twice;
 *    other commands (VRFY, ...) are ignored;
 *  - "AUTH=server, relay=CLIENT, authid=U, mech=M, bits=N": EV_AUTH_OK;
 *  - "QID: from=<S>, size=, class=, nrcpts=N, ..., proto=P, daemon=D,
 *    relay=CLIENT": EV_SUBMIT when P is an authenticated protocol
 *    (ESMTPA, ESMTPSA), EV_QUEUED otherwise; count is nrcpts (Sendmail
 *    logs a message once, where Postfix splits it into client= and
 *    qmgr lines); the account stays empty (the timeline takes it from
 *    the session's AUTH=server line);
 *  - "QID: to=<R>[,<R>...], ..., dsn=X.Y.Z, stat=TEXT": EV_DELIVERY
 *    (EV_DNSBL when TEXT cites a block list and the mail was not sent)
 *    with status "sent", "deferred" or "bounced", client_name the first
 *    recipient and count the number of recipients of the line;
 *  - "[QID: ]ruleset=..., relay=CLIENT, reject=TEXT": EV_REJECT.
 * Service: from= lines map daemon=MSA* to SVC_SUBMISSION, MTA* to
 * SVC_SMTP, TLSMTA, SMTPS and MTA-SSL to SVC_SMTPS, other names to
 * SVC_CUSTOM (svc_name set); AUTH lines name no daemon (SVC_NONE).
 * Returns PARSE_OK, PARSE_IGNORE for lines we do not use, or PARSE_BAD
 * with *why set to a static reason.
 */
enum parse_status parse_sendmail(const struct envelope *env,
    struct raw_event *ev, const char **why);

/*
 * parse_saslauthd_claims - true for the tag "saslauthd".
 */
bool	parse_saslauthd_claims(struct span tag);

/*
 * parse_saslauthd - "do_auth : auth failure: [user=U] [service=S]
 * [realm=R] [mech=M] [reason=T]" (do_auth padded with spaces) gives
 * EV_AUTH_BACKEND with the account, no address (saslauthd logs none),
 * the mechanism in method and T in detail; "auth success:" (-V) gives
 * nothing we use.  The service is S: "smtp" is SVC_SMTP, "imap"
 * SVC_IMAP, "pop" and "pop3" SVC_POP3, anything else SVC_AUTH.  U is the
 * client's text and may hold "]": it ends at the last "] [service=".
 */
enum parse_status parse_saslauthd(const struct envelope *env,
    struct raw_event *ev, const char **why);

#endif
