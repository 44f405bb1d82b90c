/*
 * io/event.h - the event vocabulary and the parser output record.
 *
 * A parser turns one log line into at most one struct raw_event.  Its
 * spans point into the line (valid until the next line is read); the
 * analysis layer keeps what it needs by interning.  The names returned by
 * event_kind_name() are the ones printed by "subsubmit events" and listed
 * in the man page.
 */
#ifndef SUBSUBMIT_IO_EVENT_H
#define SUBSUBMIT_IO_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "io/ipaddr.h"
#include "io/span.h"

enum ev_kind {
	EV_NONE = 0,
	EV_CONNECT,		/* smtpd "connect from" */
	EV_DISCONNECT,		/* smtpd "disconnect from", no successful AUTH */
	EV_AUTH_FAIL,		/* failed attempt(s) seen by the server the
				   client talked to; count = attempts */
	EV_AUTH_OK,		/* successful login (Dovecot Login:, Postfix
				   disconnect with auth=N>0) */
	EV_AUTH_BACKEND,	/* back-end line naming the user behind a
				   failure (Dovecot auth, pam_unix); never
				   counted as a failure of its own */
	EV_AUTH_ABORT,		/* "lost connection|too many errors|timeout
				   after AUTH" */
	EV_REJECT,		/* smtpd NOQUEUE/QID reject */
	EV_SUBMIT,		/* "QID: client=..., sasl_username=U" */
	EV_MSGID,		/* cleanup "QID: message-id=<...>" */
	EV_QUEUED,		/* qmgr "QID: from=<>, size=, nrcpt=" */
	EV_DELIVERY,		/* smtp/lmtp/local/virtual "to=<> status=" */
	EV_DNSBL,		/* a delivery whose remote reply cites a DNSBL */
	EV_KIND_MAX
};

enum ev_service {
	SVC_NONE = 0,
	SVC_SMTP,		/* postfix/smtpd: port 25 */
	SVC_SUBMISSION,		/* port 587 */
	SVC_SMTPS,		/* port 465 */
	SVC_POP3,
	SVC_IMAP,
	SVC_MANAGESIEVE,
	SVC_LMTP,
	SVC_AUTH,		/* an auth back-end: no protocol of its own */
	SVC_CUSTOM,		/* resolve svc_name through --service-map */
	SVC_MAX
};

/*
 * The most attempts one line may stand for: Dovecot's "N attempts", a
 * "message repeated N times" record, and a repeat count times the
 * attempts of the line it repeats.  The timeline stores counts in
 * 65535-sized records, so an unbounded N would let one line fill memory:
 * a line that claims more is skipped as bad.
 */
#define EV_COUNT_MAX	1000000

/* Flags on a raw_event. */
#define EVF_SASL_USERNAME	0x01	/* account from ", sasl_username=" */
#define EVF_SESSION		0x02	/* Dovecot line carried a session id */
#define EVF_NO_PASSWORD		0x04	/* failure without a password check
					   (bad mechanism, plaintext refused) */
#define EVF_SUSPICIOUS		0x08	/* user field looked injected */
#define EVF_TRUNCATED		0x10	/* text cut (remote reply, user) */
#define EVF_REPEATED		0x20	/* from "message repeated N times" */

struct raw_event {
	enum ev_kind	kind;
	enum ev_service	service;
	struct span	svc_name;	/* syslog-name component for SVC_CUSTOM */
	struct span	account;	/* user name as logged, may be empty */
	bool		has_ip;
	struct ipaddr	ip;		/* client address */
	struct span	client_name;	/* reverse name ("unknown"), may be empty */
	struct span	queue_id;	/* Postfix queue id, may be empty */
	struct span	session;	/* Dovecot session id, may be empty */
	struct span	method;		/* SASL mechanism, may be empty */
	struct span	status;		/* delivery status word, may be empty */
	struct span	detail;		/* reason, reply, dsn, counters */
	uint32_t	count;		/* attempts, recipients; 1 by default */
	uint32_t	auth_ok;	/* disconnect: successful AUTH commands */
	uint32_t	auth_total;	/* disconnect: all AUTH commands */
	uint32_t	flags;		/* EVF_* */
	uint32_t	nrcpt;		/* EV_SUBMIT: recipients the line lists
					   (Exim "<= ... for R..."), 0 = none */
};

/*
 * The size of struct raw_event when the code that lists its fields one by
 * one was last brought up to date: raw_event_clear() and the records of
 * analysis/scan_read.c.  Each asserts it, so a new field stops the build
 * until they have it too.
 */
#define RAW_EVENT_SIZE	184

/* raw_event_clear - reset to EV_NONE, count 1, every span empty. */
void	raw_event_clear(struct raw_event *);

/* event_kind_name - "auth-fail" etc.; "?" for an unknown value. */
const char *event_kind_name(enum ev_kind);
/* service_name - "submission" etc.; "" for SVC_NONE, "custom" for CUSTOM. */
const char *service_name(enum ev_service);

/* Return values of the mail-system parsers. */
enum parse_status {
	PARSE_OK = 0,		/* *ev filled in */
	PARSE_IGNORE,		/* a line of ours that reports nothing we use */
	PARSE_BAD,		/* a line of ours we could not understand */
};

#endif
