/*
 * io/parse_misc.h - authentication failures of the smaller mail servers:
 * Cyrus imapd/pop3d/timsieved, UW-IMAP, solid-pop3d, perdition, Kerio
 * Connect, Lotus Domino, Oracle IMS and Zimbra (formats.md sections 1.1,
 * 1.5 and 4).
 *
 * Pure: a function of the envelope alone.  Kerio, Domino, Zimbra and
 * Oracle IMS write their own files; io/envelope.c gives those lines the
 * fixed tags "kerio", "domino", "zimbra" and "oracle-ims".
 */
#ifndef SUBSUBMIT_IO_PARSE_MISC_H
#define SUBSUBMIT_IO_PARSE_MISC_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_misc_claims - true when one of the servers above wrote the line:
 * a Cyrus "badlogin: " message (any tag), a UW-IMAP "Login failed user=",
 * "Login excessive login failures user=", "Login disabled user=",
 * "Login SYSTEM BREAK-IN ATTEMPT user=", "Failed ... override of user="
 * "AUTHENTICATE ... failure host=", "Authentication failure host=" or
 * "Excessive authentication failures host="
 * message, tag "solid-pop3d", a tag starting "perdition", or one of the
 * application tags.  Domino lines with a "yyyy-mm-dd" stamp that read as
 * syslog are claimed too: a host-less tag "smtp" whose message ends in
 * "authentication failure using internet password", or host "SMTP", tag
 * "Server" and "Authentication failed for user ".
 */
bool	parse_misc_claims(const struct envelope *env);

/*
 * parse_misc - EV_AUTH_FAIL with the client address, the user when the
 * server logs one, the SASL mechanism when named and the server's reason
 * in detail; EV_AUTH_OK for perdition status="ok" and Oracle IMS
 * "Authentication successful".  Refusals without a password check (UW
 * "Login disabled", solid-pop3d "root login not allowed") carry
 * EVF_NO_PASSWORD.  Service: IMAP, POP3 or MANAGESIEVE from the program
 * name, SMTP for Kerio and Domino, the listening port for Oracle IMS, the
 * oproto= field for Zimbra (none for web logins).  Other lines of these
 * servers are PARSE_IGNORE; a failure line without a usable address is
 * PARSE_BAD with *why set.
 */
enum parse_status parse_misc(const struct envelope *env,
    struct raw_event *ev, const char **why);

#endif
