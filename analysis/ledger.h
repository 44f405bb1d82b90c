/*
 * analysis/ledger.h - what each authenticated account sent.
 *
 * A message enters the ledger with its Postfix "client=..., sasl_username="
 * line or its Exim "<= ... A=" line (the queue id or Exim message id, the
 * account, the client address); the queue manager's line, or the Exim
 * line's own recipient list, adds its recipient count and every delivery
 * line of the same queue id adds its outcome: sent, deferred, bounced, and
 * whether the remote reply cited a DNS block list.  Recipient domains are
 * counted per message (distinct, and how many are freemail).  Delivery
 * lines are not kept one by one: only these counters are.
 *
 * The counters saturate rather than wrap: the recipient count and the
 * delivery-line counters stop at MSG_COUNT_MAX, the distinct domains at
 * MSG_DOMAINS_MAX, and a counter at its cap means "that many or more".
 * Below its cap the domain count is exact (domain names compared without
 * regard to case, by a 32-bit hash); the freemail count is exact always,
 * as there are fewer freemail names than its cap.  Deferred mail is
 * retried, and each retry's delivery line counts, so a large message
 * deferred for days is the likeliest to reach MSG_COUNT_MAX.
 *
 * Queue ids are reused by Postfix once a message is gone, so a join is
 * keyed by (host, queue id) and only honoured for LEDGER_QID_LIFE seconds
 * after the message was submitted (Postfix's default maximal_queue_lifetime
 * is 5 days).
 */
#ifndef SUBSUBMIT_ANALYSIS_LEDGER_H
#define SUBSUBMIT_ANALYSIS_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/span.h"

#define LEDGER_QID_LIFE	(6 * 86400)

#define MSG_COUNT_MAX	UINT16_MAX	/* nrcpt and the delivery counters */
#define MSG_DOMAINS_MAX	UINT8_MAX	/* domains, freemail */

struct message {
	uint32_t	when;		/* submitted, civil seconds */
	uint32_t	account;	/* intern id */
	uint32_t	ip;		/* intern id of the submitting client */
	uint32_t	line;		/* the client= line */
	uint16_t	source;		/* file index */
	uint16_t	nrcpt;		/* from the queue manager (cap 65535) */
	uint16_t	sent, deferred, bounced, dnsbl;	/* delivery lines
					   (each cap 65535) */
	uint8_t		domains;	/* distinct recipient domains (cap 255) */
	uint8_t		freemail;	/* distinct freemail domains, never
					   capped: there are 34 names */
	uint8_t		host;
	uint8_t		pad;
};
_Static_assert(sizeof(struct message) == 32, "message record grew");

struct qid_slot;

struct ledger {
	struct message	*msg;
	size_t		 n, cap;
	/*
	 * Open addressing on (host, qid): the keys probed apart from the
	 * rest of a slot, eight to a cache line, since most queue ids
	 * looked up (mail received, not submitted) are not there.
	 */
	uint64_t	*key;		/* 0 = empty */
	struct qid_slot	*slot;		/* slot[i] belongs to key[i] */
	size_t		 scap, sn;
	/*
	 * The arrays a rehash of the same size left: once the table is as
	 * large as a queue lifetime of mail needs, it is rebuilt into them
	 * in turn instead of into fresh memory (whose page faults cost more
	 * than the rebuild).
	 */
	uint64_t	*spare_key;
	struct qid_slot	*spare_slot;
	size_t		 spare_cap;
	/*
	 * The recipient domains of a message past the few its join slot
	 * holds, for a count exact up to MSG_DOMAINS_MAX: keys (message
	 * index << 32 | domain hash), open addressing.  A rebuild drops
	 * the keys of messages past their queue lifetime, so it holds
	 * keys only for the messages of the last lifetime with more
	 * domains than a slot keeps, at most 281 each (247 domains below
	 * the cap and the 34 freemail names past it).
	 */
	uint64_t	*dom;		/* 0 = empty */
	size_t		 dcap, dn;
};

void	ledger_init(struct ledger *);
void	ledger_release(struct ledger *);

/*
 * ledger_submit - a new message; returns its index.  Past UINT32_MAX - 1
 * messages, exits 71 (EX_OSERR) as if out of memory.
 */
uint32_t ledger_submit(struct ledger *, uint8_t host, struct span qid,
    const struct message *m);

/*
 * ledger_find - the message of (host, qid) submitted at most
 * LEDGER_QID_LIFE before when, or -1.
 */
int64_t	ledger_find(const struct ledger *, uint8_t host, struct span qid,
    uint32_t when);

/* ledger_queued - the queue manager's recipient count (first one wins). */
void	ledger_queued(struct ledger *, uint8_t host, struct span qid,
    uint32_t when, uint32_t nrcpt);

/*
 * ledger_delivery - count one delivery line (status word, recipient
 * address, DNSBL citation) for the message of (host, qid); returns the
 * message index, or -1 when the queue id is not a submitted message.
 * The recipient's domain is what follows its last '@'.
 */
int64_t	ledger_delivery(struct ledger *, uint8_t host, struct span qid,
    uint32_t when, struct span status, struct span rcpt, bool dnsbl);

/* freemail_domain - gmail.com, yahoo.*, hotmail.*, mail.ru, ... */
bool	freemail_domain(struct span domain);

#endif
