/*
 * io/parse_dovecot.h - Dovecot login processes and auth back-end lines,
 * and pam_unix lines of the dovecot PAM service (formats.md section 3).
 *
 * Pure: a function of the envelope alone.
 */
#ifndef SUBSUBMIT_IO_PARSE_DOVECOT_H
#define SUBSUBMIT_IO_PARSE_DOVECOT_H

#include <stdbool.h>

#include "io/envelope.h"
#include "io/event.h"

/*
 * parse_dovecot_claims - true when the line belongs to Dovecot: tag
 * "dovecot" or "dovecot-auth", a host-less Dovecot process prefix used as
 * tag ("imap-login", "auth", "auth-worker(304)", "auth(user,ip,...)<s>"),
 * or a message starting "pam_unix(dovecot:".
 */
bool	parse_dovecot_claims(const struct envelope *env);

/*
 * parse_dovecot - login-process lines give EV_AUTH_FAIL (count = N of
 * "auth failed, N attempts"; EVF_NO_PASSWORD for plaintext refusals and
 * proxy failures are plain failures) or EV_AUTH_OK ("Login:", "Logged
 * in:"); auth and auth-worker password failures and pam_unix
 * "authentication failure" lines give EV_AUTH_BACKEND with the user and
 * ip.  ev->service is the protocol of PROTO-login, SVC_AUTH for back-end
 * lines.  Attacker-controlled user names are delimited as formats.md 3.6
 * says (the real rip= is the last one that parses as an address).
 */
enum parse_status parse_dovecot(const struct envelope *env,
    struct raw_event *ev, const char **why);

#endif
