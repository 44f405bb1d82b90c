/*
 * analysis/timeline.h - the in-memory store every report pass reads.
 *
 * timeline_build() runs the scan and keeps, for each authentication and
 * submission event, a fixed 24-byte record: accounts and addresses are
 * interned once and referred to by id; hosts, services and files by small
 * indices.  Deliveries and connection lines are not kept one by one.
 * After loading, the store is sorted by time and two passes run:
 *  - attribution (formats.md 10): a Postfix SASL failure that names no
 *    user gets the account of the Dovecot back-end line that explains it
 *    (same host, same address, no session id, written from 5 s before to
 *    1 s after the warning, one to one, the delay closest to Dovecot's
 *    2 s failure delay first, the oldest of equals; a tie between two
 *    users is marked ambiguous);
 *    the same for a Postfix or Sendmail failure against Cyrus saslauthd's
 *    address-less lines (0 to 3 s before it, same host, service smtp):
 *    it gets an account only when all candidates name the same one,
 *    otherwise it is marked ambiguous and keeps no account;
 *  - sessions: a successful AUTH in a Postfix smtpd session (host, pid;
 *    connect to disconnect) whose failures named an account, or whose
 *    messages were submitted as one, is given that account.
 * Then per-account and per-address views in time order are built.
 */
#ifndef SUBSUBMIT_ANALYSIS_TIMELINE_H
#define SUBSUBMIT_ANALYSIS_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/arena.h"
#include "analysis/intern.h"
#include "analysis/ledger.h"
#include "analysis/scan.h"
#include "io/event.h"

/* Flags of a stored event. */
#define TLF_SASL_USERNAME	0x01	/* account from ", sasl_username=" */
#define TLF_SESSION		0x02	/* Dovecot line with a session id */
#define TLF_NO_PASSWORD		0x04	/* no password was checked */
#define TLF_SUSPICIOUS		0x08	/* user field looked injected */
#define TLF_POSTFIX		0x10	/* logged by the MTA: Postfix, Sendmail, Exim */
#define TLF_REPEATED		0x20	/* from a repeat record */
#define TLF_ATTRIBUTED		0x40	/* account found by attribution */
#define TLF_AMBIGUOUS		0x80	/* several candidates tied (without
					   TLF_ATTRIBUTED: left unattributed) */

struct event {
	uint32_t	when;		/* civil seconds since 1970 */
	uint32_t	account;	/* intern id, 0 = none */
	uint32_t	ip;		/* intern id, 0 = none */
	uint32_t	line;		/* line in the source file */
	uint16_t	source;		/* index into files[] */
	uint16_t	count;		/* attempts; larger counts split */
	uint8_t		kind;		/* enum ev_kind */
	uint8_t		service;	/* index into services[] */
	uint8_t		flags;		/* TLF_* */
	uint8_t		host;		/* index into hosts[] */
};
_Static_assert(sizeof(struct event) == 24, "event record grew");

/*
 * tl_prefetch - start loading the event TL_AHEAD places further on in a
 * run of n indices (by account, by address) while this one is worked on:
 * the runs jump across the whole array, and the passes that walk them
 * otherwise wait on a cache miss for nearly every event.
 */
#define TL_AHEAD	16

static inline void
tl_prefetch(const struct event *ev, const uint32_t *v, size_t k, size_t n)
{
	if (k + TL_AHEAD < n)
		__builtin_prefetch(&ev[v[k + TL_AHEAD]]);
}

#define TL_MAX_NAMES	255	/* services, hosts: index 255 = "other" */
#define TL_MAX_FILES	65535	/* files: the last index is every later one */

struct timeline {
	struct arena		 arena;
	struct intern_str	 accounts;
	struct intern_ip	 ips;
	const char		*services[TL_MAX_NAMES + 1];
	unsigned		 nservices;
	const char		*hosts[TL_MAX_NAMES + 1];
	const char		*host_site[TL_MAX_NAMES + 1];	/* its host
						   folder (source_file), NULL
						   for none */
	unsigned		 nhosts;
	const char		**files;	/* display names */
	size_t			 nfiles;	/* at most TL_MAX_FILES; when
						   there were more, the later
						   ones share files[
						   TL_MAX_FILES] */
	struct event		*ev;		/* sorted by time */
	size_t			 n, cap;
	/* Views: ev indices grouped by account (ip), in time order. */
	uint32_t		*by_account, *account_start;	/* CSR */
	uint32_t		*by_ip, *ip_start;
	/* The sending ledger and its per-account view (time order). */
	struct ledger		 ledger;
	uint32_t		*msg_by_account, *msg_account_start;
	/* Reverse name Postfix logged for an address: names id per ip id. */
	struct intern_str	 names;
	uint32_t		*ip_name;
	size_t			 ip_name_cap;
	struct scan_stats	 stats;
	uint64_t		 attributed;	/* failures given an account */
	uint64_t		 ambiguous;
	uint64_t		 session_links;	/* successes given an account */
	uint64_t		 dropped;	/* out of the storable time range */
};

/*
 * timeline_build - scan the files and build the store.  Returns 0, or the
 * scan's non-zero value.  The caller reads tl->stats for exit codes.
 */
int	timeline_build(struct timeline *, const struct source_list *,
    const struct scan_opts *);

/* timeline_release - free everything; a zeroed timeline is a no-op. */
void	timeline_release(struct timeline *);

/* Accessors. */
const char *timeline_account(const struct timeline *, uint32_t id);
const struct ipaddr *timeline_ip(const struct timeline *, uint32_t id);
/* timeline_ip_name - the reverse name logged for an address, or "". */
const char *timeline_ip_name(const struct timeline *, uint32_t ip);
/* timeline_service_index - index of a service name, or -1. */
int	timeline_service_index(const struct timeline *, const char *name);

/* Event helpers: attempts of an auth-fail event that count as failures. */
bool	event_counts_as_failure(const struct event *);

#endif
