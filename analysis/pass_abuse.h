/*
 * analysis/pass_abuse.h - which accounts were cracked, and which of them
 * were then used to send spam.
 *
 * The pass reads the timeline (authentication events per account and per
 * address, in time order) and the sending ledger, and gives each account
 * at most one verdict:
 *   bulk      a login from a network new to the account, linked to an
 *             attack (a dictionary attack that succeeded, a login soon
 *             after one, or the account's first use of a foreign or cloud
 *             network followed at once by mass mailing), and mass mail
 *             sent from such networks;
 *   stealth   such a login, or one from the infrastructure of another
 *             account's bulk abuse (same address or /24), or from an
 *             address that logged in as several unrelated accounts, and
 *             smaller amounts of mail sent from there;
 *   at-risk   a cracked password (a success from an attacking address)
 *             with nothing sent yet.
 * A network is the /24 of an IPv4 address or the /48 of an IPv6 one,
 * and is classified at the account's first login from it.  The networks
 * an account first logged in from in the first days of the logs
 * (baseline_days), and its first network, become its home networks
 * unless that login was linked to an attack; the first network stops
 * being home if its first day turns out to be a mass mailing from a
 * foreign or cloud address (or with many bounces or block-list
 * citations).  Failures and logins from home are the user's own (typos,
 * a phone with a stale password).  Any other network stays pending,
 * however often and on however many days it is used: failures from it
 * count towards an attack, and mail sent from it is abuse only once it is
 * linked to an attack (suspect, as above).  No network becomes home
 * later.
 * Trusted relays (loopback, private networks, --trusted) are ignored.
 */
#ifndef SUBSUBMIT_ANALYSIS_PASS_ABUSE_H
#define SUBSUBMIT_ANALYSIS_PASS_ABUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/timeline.h"

enum verdict {
	VERDICT_NONE = 0,
	VERDICT_AT_RISK,
	VERDICT_STEALTH,
	VERDICT_BULK,
};

/* What the caller knows of an address (geo files, reverse name, ...). */
struct ip_origin {
	char		cc[3];		/* country, "" when unknown */
	uint32_t	asn;		/* 0 when unknown */
	bool		cloud;		/* hosting network */
	bool		residential;	/* access network (reverse name) */
	bool		trusted;	/* relay to ignore (webmail, private) */
};

typedef void (*origin_fn)(void *ctx, const struct ipaddr *ip,
    const char *rdns, struct ip_origin *out);

/* Thresholds; the man page documents each and what it trades. */
struct abuse_opts {
	uint32_t	baseline_days;	/* first days of the logs: home */
	uint32_t	crack_window;	/* seconds: failures before a success */
	uint32_t	after_crack;	/* seconds: new networks stay suspect */
	uint32_t	attack_fails;	/* failures that make an attack */
	uint32_t	bulk_rcpt;	/* recipients in a day: bulk */
	uint32_t	cohort;		/* accounts per new address: a cohort */
	const char	*home_cc;	/* NULL: the most common login country */
	origin_fn	 origin;	/* NULL: nothing known of addresses */
	void		*origin_ctx;
	unsigned	 threads;	/* for step 1; 0 or 1: the caller's */
};

void	abuse_opts_default(struct abuse_opts *);

#define FINDING_IPS	4

struct finding {
	uint32_t	account;
	enum verdict	verdict;
	uint32_t	score;		/* for ordering: recipients, dnsbl, ... */
	const char	*why;		/* what linked the login to an attack */
	/* the attack */
	uint64_t	fails;		/* attempts, from outside home */
	uint32_t	fail_ips;	/* distinct addresses, 8 at most */
	uint32_t	attack_first, attack_last;
	/* the crack: first suspect login, and its evidence */
	uint32_t	cracked_at, crack_ip, crack_ev;
	/* the abuse */
	uint32_t	abuse_first, abuse_last;
	uint32_t	abuse_ip[FINDING_IPS];
	uint32_t	abuse_nips;
	uint32_t	first_msg;	/* ledger index, UINT32_MAX = none */
	uint64_t	messages, recipients, sent, deferred, bounced;
	uint64_t	dnsbl_rejects, domains, freemail;
	/* contained: the first failure from an abuse address afterwards */
	uint32_t	contained_at, contained_ev;
};

struct count_by {
	char		key[48];	/* country code or "AS123 org" */
	uint64_t	n;
};

#define SUMMARY_TOP	5

/*
 * Country codes are two letters A to Z (io/geo.c upper-cases them), so
 * an array of ABUSE_CC_SLOTS counters counts every country there is.
 * abuse_cc_slot - a code's index in such an array, or -1 when cc is not
 * two letters A to Z ("" included).  abuse_cc_code - the code of an
 * index, NUL-terminated in cc.
 */
#define ABUSE_CC_SLOTS	(26 * 26)

int	abuse_cc_slot(const char *cc);
void	abuse_cc_code(int slot, char cc[3]);

struct abuse_report {
	struct finding	*f;		/* flagged accounts, worst first */
	size_t		 nf;
	uint64_t	 failures;	/* counted failures in the input */
	uint64_t	 attacked;	/* accounts under attack */
	uint64_t	 attacked_only;	/* attacked, no verdict */
	uint64_t	 by_verdict[4];
	char		 home_cc[3];
	struct count_by	 top_cc[SUMMARY_TOP];
	struct count_by	 top_asn[SUMMARY_TOP];
	uint32_t	 dnsbl_first, dnsbl_last;	/* our IPs listed */
	uint64_t	 dnsbl_days;
	struct ip_origin *origin;	/* per ip id */
};

/* abuse_run - the verdicts; rep is filled and owned by the caller. */
void	abuse_run(const struct timeline *, const struct abuse_opts *,
    struct abuse_report *rep);
void	abuse_report_release(struct abuse_report *);

const char *verdict_name(enum verdict);

#endif
