/*
 * io/parse_opensmtpd.h - OpenSMTPD smtpd lines (formats.md section 7).
 *
 * Pure: a function of the envelope alone.  OpenSMTPD writes the client
 * address only on the connect line of a session; its other lines carry
 * the 16-hex-digit session id, which analysis/sessjoin.c uses to give
 * them the address.
 */
#ifndef SUBSUBMIT_IO_PARSE_OPENSMTPD_H
#define SUBSUBMIT_IO_PARSE_OPENSMTPD_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_opensmtpd_claims - true for the tag "smtpd" when the message is
 * "SESSIONID smtp ..." (6.4 and later) or "smtp-in: ..." (older).
 */
bool	parse_opensmtpd_claims(const struct envelope *env);

/*
 * parse_opensmtpd - session lines to events, with ev->session set:
 *  - "ID smtp connected address=A host=H", old "smtp-in: New session ID
 *    from host H [A]": EV_CONNECT (address "local" is ignored);
 *  - "ID smtp authentication user=U result=permfail|ok", old "smtp-in:
 *    Authentication failed|Accepted authentication for user U on session
 *    ID": EV_AUTH_FAIL or EV_AUTH_OK without an address; tempfail
 *    results are the server's trouble and ignored;
 *  - "ID smtp disconnected reason=R", old "smtp-in: Closing session ID":
 *    EV_DISCONNECT (ends the session for the join).
 * U is strnvis(3)-encoded by smtpd (a space is "\040") and kept so.  The
 * old format's "Failed command on session" line that echoes a failed
 * AUTH is not counted again.  The service is SVC_NONE: smtpd logs no
 * listener name.
 */
enum parse_status parse_opensmtpd(const struct envelope *env,
    struct raw_event *ev, const char **why);

#endif
