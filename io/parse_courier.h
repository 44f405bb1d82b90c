/*
 * io/parse_courier.h - Courier imapd, pop3d and esmtpd lines
 * (formats.md section 8).
 *
 * Pure: a function of the envelope alone.
 */
#ifndef SUBSUBMIT_IO_PARSE_COURIER_H
#define SUBSUBMIT_IO_PARSE_COURIER_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_courier_claims - true for Courier's own tags ("courieresmtpd",
 * "courierpop3login", "courierimaplogin", "courier*") and for the
 * generic "imapd", "imapd-ssl", "pop3d", "pop3d-ssl" when the message
 * starts with one of Courier's words ("LOGIN", "LOGOUT",
 * "DISCONNECTED", "Connection, ", "TIMEOUT"), so that other servers
 * logging under those tags stay with their own parser.
 */
bool	parse_courier_claims(const struct envelope *env);

/*
 * parse_courier - "LOGIN FAILED, user=U|method=M, ip=[A]..." gives
 * EV_AUTH_FAIL, "LOGIN, user=U, ip=[A]..." EV_AUTH_OK (service IMAP or
 * POP3 from the tag); courieresmtpd "error,relay=A[,port=P],...,
 * msg=\"535 ...\",cmd: AUTH MECH [ARG]" gives EV_AUTH_FAIL (no service:
 * esmtpd serves 25 and 587 alike) and other esmtpd errors EV_REJECT.
 * The user is the last text before ", ip=[".  ARG of AUTH LOGIN is taken
 * as the user when it is not base64 (a client that sent the name in
 * clear); base64 arguments and AUTH PLAIN ones (they hold the password)
 * are never copied into the event.
 * XXX A base64 AUTH LOGIN name is not decoded (that needs a buffer
 * outside the line).
 */
enum parse_status parse_courier(const struct envelope *env,
    struct raw_event *ev, const char **why);

#endif
