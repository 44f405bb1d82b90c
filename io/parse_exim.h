/*
 * io/parse_exim.h - Exim main log lines (formats.md sections 5 and 9),
 * from Exim's own mainlog or through syslog and the journal.
 *
 * Pure: a function of the envelope alone; no clock, no state, no
 * allocation.  The message ids that join a reception to its deliveries
 * are only carried in ev->queue_id; the join happens in analysis/.
 */
#ifndef SUBSUBMIT_IO_PARSE_EXIM_H
#define SUBSUBMIT_IO_PARSE_EXIM_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_exim_claims - true for the tag "exim" or "exim4": syslog's, and
 * the one envelope_parse() gives Exim's own mainlog lines.
 */
bool	parse_exim_claims(const struct envelope *env);

/*
 * parse_exim - turn an Exim line into an event.  A message may open with
 * Exim's own time stamp (syslog and journal copies), a "[PID] " and a
 * message id; then:
 *
 *   NAME authenticator failed for HOST: 535 Incorrect authentication
 *   data[ (set_id=U)]       EV_AUTH_FAIL, account U, method NAME;
 *                           501 base64 and 553 replies add EVF_NO_PASSWORD,
 *                           "501 Authentication cancelled" is
 *                           EV_AUTH_ABORT, 435 (server trouble) is ignored
 *   ID <= S H=HOST ... A=NAME:U ...
 *                           EV_SUBMIT, account U, queue_id ID, nrcpt
 *                           the words of a final " for R1 R2"; receptions
 *                           without A= (inbound mail) are ignored, as
 *                           Postfix's "client=" lines without a SASL user
 *   ID => R ..., ID -> R ... EV_DELIVERY, status "sent", client_name R
 *   ID ** R ...             EV_DELIVERY "bounced", or EV_DNSBL when the
 *                           text cites a block list
 *   ID == R ...             EV_DELIVERY "deferred", or EV_DNSBL
 *   no MAIL in SMTP connection from HOST ... A=NAME:U
 *                           EV_AUTH_OK (login and quit); without A=
 *                           ignored
 *   H=HOST ... rejected|dropped ..., SMTP protocol error in ...,
 *   SMTP call from HOST dropped: ..., SMTP protocol synchronization
 *   error ... H=HOST, SMTP connection from HOST closed by DROP in ACL
 *                           EV_REJECT (never an authentication event)
 *
 * HOST is "[NAME ][(HELO) ][IP][:PORT][ I=[LOCAL]:LPORT]...".  The
 * service comes from LPORT: 587 SVC_SUBMISSION, 465 SVC_SMTPS, 25
 * SVC_SMTP; another port gives SVC_CUSTOM with svc_name the port digits,
 * and a line without I= gives SVC_CUSTOM "exim": both are reported as
 * "unknown" unless --service-map names them.  Returns PARSE_OK,
 * PARSE_IGNORE, or PARSE_BAD with *why set to a static reason.
 */
enum parse_status parse_exim(const struct envelope *env,
    struct raw_event *ev, const char **why);

#endif
