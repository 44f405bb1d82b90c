/*
 * analysis/pass_abuse.c - compromised-account detection.
 *
 * Three steps over the timeline:
 *  1. walk each account's events in time order, keeping its networks:
 *     home (its own), pending (new, no link to an attack yet) or suspect
 *     (first used in a way linked to an attack: a success from an address
 *     that was attacking the account, a new network soon after such a
 *     crack);
 *  2. add up what the account sent from suspect networks (the ledger),
 *     and turn a pending network into a suspect one when its first day
 *     was a mass mailing from a foreign or cloud address (malware era);
 *  3. link pending networks of other accounts to the infrastructure of
 *     bulk abuse (same address or /24) and to addresses that logged in as
 *     several unrelated accounts, and add up again.
 * Then each account gets its verdict from what was sent from its suspect
 * networks.
 */
#include "analysis/pass_abuse.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/netclass.h"
#include "io/xalloc.h"

#define DAY		86400u
#define WALK_MAX	8	/* threads step 1's walk is split over */
#define NET_HOME	1
#define NET_PENDING	2
#define NET_SUSPECT	3

static const char *const verdict_names[] = {
	"none", "at-risk", "stealth", "bulk",
};

const char *
verdict_name(enum verdict v)
{
	return (unsigned)v < 4 ? verdict_names[v] : "?";
}

int
abuse_cc_slot(const char *cc)
{
	if (cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' ||
	    cc[2] != '\0')
		return -1;
	return (cc[0] - 'A') * 26 + (cc[1] - 'A');
}

void
abuse_cc_code(int slot, char cc[3])
{
	cc[0] = (char)('A' + slot / 26 % 26);
	cc[1] = (char)('A' + slot % 26);
	cc[2] = '\0';
}

void
abuse_opts_default(struct abuse_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->baseline_days = 14;
	o->crack_window = 7 * DAY;
	o->after_crack = 30 * DAY;
	o->attack_fails = 5;
	o->bulk_rcpt = 100;
	o->cohort = 3;
}

/* A network an account logged in from, and how it was first used. */
struct net {
	uint64_t	key;
	uint32_t	first;
	uint32_t	first_ev;	/* event index of the first login */
	uint32_t	first_ip;
	uint8_t		status;
	bool		tentative;	/* home only as the first network */
	const char	*why;
};

struct acct {
	struct net	*net;
	size_t		 nnet, cap;
	uint32_t	*slot;		/* net index + 1, past NET_SCAN */
	size_t		 nslot;		/* a power of two */
	uint32_t	 crack_at;	/* first suspect login, 0 = none */
	uint64_t	 fails;		/* attempts: 65535 an event */
	uint32_t	 attack_first, attack_last;
	uint32_t	 fail_ip[8];
	uint32_t	 nfail_ips;
	uint32_t	*ok_ip;		/* addresses it ever logged in from */
	size_t		 nok;
};

struct ctx {
	const struct timeline	*tl;
	const struct abuse_opts	*o;
	struct ip_origin	*origin;	/* per ip id */
	uint16_t		*fail_accts;	/* distinct accounts failed */
	uint16_t		*ok_accts;	/* distinct accounts logged in */
	uint16_t		*home_accts, *novel_accts;
	uint32_t		*last_acct;	/* marker for the counts above */
	uint32_t		 baseline_end;
	char			 home_cc[3];
};

/* net_key - /24 of IPv4, /48 of IPv6, tagged so they never collide. */
static uint64_t
net_key(const struct timeline *tl, uint32_t ip)
{
	const struct ipaddr *a = timeline_ip(tl, ip);
	uint64_t k = 0;
	int i;

	if (a == NULL)
		return 0;
	if (ipaddr_is_v4(a))
		return (1ULL << 62) | (uint64_t)a->b[12] << 16 |
		    (uint64_t)a->b[13] << 8 | a->b[14];
	for (i = 0; i < 6; i++)
		k = k << 8 | a->b[i];
	return (2ULL << 62) | k;
}

/*
 * An account's networks are searched by a scan while there are few (most
 * accounts have one to three) and through a hash index past NET_SCAN, so
 * that an account logged into from a million networks costs linear time,
 * not quadratic (tests/test_bounds.c).
 */
#define NET_SCAN	16

static size_t
net_slot0(uint64_t key, size_t nslot)
{
	return (size_t)(key * 0x9e3779b97f4a7c15ULL >> 24) & (nslot - 1);
}

static struct net *
find_net(struct acct *ac, uint64_t key)
{
	size_t i;

	if (ac->slot == NULL) {
		for (i = 0; i < ac->nnet; i++)
			if (ac->net[i].key == key)
				return &ac->net[i];
		return NULL;
	}
	for (i = net_slot0(key, ac->nslot); ac->slot[i] != 0;
	    i = (i + 1) & (ac->nslot - 1))
		if (ac->net[ac->slot[i] - 1].key == key)
			return &ac->net[ac->slot[i] - 1];
	return NULL;
}

/* index_net - enter net[k] in the index, growing it to stay half empty. */
static void
index_net(struct acct *ac, size_t k)
{
	size_t i, j;

	if (ac->nnet <= NET_SCAN)
		return;
	if (ac->nnet * 2 > ac->nslot) {
		free(ac->slot);
		ac->nslot = 64;
		while (ac->nslot < ac->nnet * 4)
			ac->nslot *= 2;
		ac->slot = xcalloc(ac->nslot, sizeof(*ac->slot));
		for (j = 0; j < ac->nnet; j++) {
			for (i = net_slot0(ac->net[j].key, ac->nslot);
			    ac->slot[i] != 0; i = (i + 1) & (ac->nslot - 1))
				;
			ac->slot[i] = (uint32_t)j + 1;
		}
		return;
	}
	for (i = net_slot0(ac->net[k].key, ac->nslot); ac->slot[i] != 0;
	    i = (i + 1) & (ac->nslot - 1))
		;
	ac->slot[i] = (uint32_t)k + 1;
}

static struct net *
add_net(struct acct *ac, uint64_t key)
{
	if (ac->nnet == ac->cap) {
		ac->cap = ac->cap ? ac->cap * 2 : 8;
		ac->net = xreallocarray(ac->net, ac->cap, sizeof(*ac->net));
	}
	memset(&ac->net[ac->nnet], 0, sizeof(ac->net[0]));
	ac->net[ac->nnet].key = key;
	ac->nnet++;
	index_net(ac, ac->nnet - 1);
	return &ac->net[ac->nnet - 1];
}

static bool
is_success(const struct event *e)
{
	return e->kind == EV_AUTH_OK || e->kind == EV_SUBMIT;
}

static bool
trusted(const struct ctx *c, uint32_t ip)
{
	return ip == 0 || c->origin[ip].trusted;
}

/*
 * own_like - an address like the users' own: in the home country and not
 * on a hosting network; without country data, an access network by its
 * reverse name.
 */
static bool
own_like(const struct ctx *c, uint32_t ip)
{
	const struct ip_origin *o = &c->origin[ip];

	if (o->cloud)
		return false;
	if (c->home_cc[0] != '\0' && o->cc[0] != '\0')
		return strcmp(o->cc, c->home_cc) == 0;
	return o->residential;
}

/*
 * attacker - an address that failed for several accounts, more than it
 * logged in as: a dictionary attacker, not an office behind one address
 * where a few users mistype now and then.
 */
static bool
attacker(const struct ctx *c, uint32_t ip)
{
	return c->fail_accts[ip] >= 2 && c->fail_accts[ip] > c->ok_accts[ip];
}

/* odd_origin - a hosting network, or a known foreign country. */
static bool
odd_origin(const struct ctx *c, uint32_t ip)
{
	const struct ip_origin *o = &c->origin[ip];

	return o->cloud || (o->cc[0] != '\0' && c->home_cc[0] != '\0' &&
	    strcmp(o->cc, c->home_cc) != 0);
}

/*
 * The crack window before a login is walked back over, for the other
 * addresses attacking the account and for the account's failures, at
 * most BACK_MAX events far, so that an account with a million new
 * networks stays linear.  The address's own failures are not looked for
 * that way (own_fails()).
 */
#define BACK_MAX	10000

/* logs_in_from - did the account ever log in from ip (ok_ip is sorted)? */
static bool
logs_in_from(const struct acct *ac, uint32_t ip)
{
	size_t lo = 0, hi = ac->nok;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ac->ok_ip[mid] < ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ac->nok && ac->ok_ip[lo] == ip;
}

/* window_start - the start of the crack window before a login at t. */
static uint32_t
window_start(const struct ctx *c, uint32_t t)
{
	return t > c->o->crack_window ? t - c->o->crack_window : 0;
}

/*
 * run_from - in the first n events of a run (event indices in time order,
 * as the per-account and per-address views hold them), the first at time
 * t or later.
 */
static size_t
run_from(const struct timeline *tl, const uint32_t *w, size_t n, uint32_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tl->ev[w[mid]].when < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* run_before - in a run of n event indices, how many are below ev. */
static size_t
run_before(const uint32_t *w, size_t n, uint32_t ev)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w[mid] < ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * own_fails - the failures from ip for the account in the crack window
 * before its event at position k, counted up to 3 (all that cracked_by()
 * asks).  Both the account's run of events and the address's hold them,
 * in time order: they are looked for in whichever has fewer events in the
 * window, found by binary search.  So no number of other addresses
 * attacking the account meanwhile hides them, and an address that also
 * attacked a million other accounts costs no more than the account's own
 * events.
 */
static uint32_t
own_fails(const struct ctx *c, const uint32_t *v, size_t k, uint32_t ip)
{
	const struct timeline *tl = c->tl;
	const struct event *x = &tl->ev[v[k]];
	const uint32_t *w = tl->by_ip + tl->ip_start[ip];
	uint32_t from = window_start(c, x->when), n = 0;
	size_t lo_v = run_from(tl, v, k, from), lo_w, hi_w, i;

	hi_w = run_before(w, tl->ip_start[ip + 1] - tl->ip_start[ip], v[k]);
	lo_w = run_from(tl, w, hi_w, from);
	if (k - lo_v <= hi_w - lo_w) {
		for (i = lo_v; i < k && n < 3; i++) {
			const struct event *e = &tl->ev[v[i]];

			if (e->ip == ip && event_counts_as_failure(e))
				n += e->count;
		}
		return n;
	}
	for (i = lo_w; i < hi_w && n < 3; i++) {
		const struct event *e = &tl->ev[w[i]];

		if (e->account == x->account && event_counts_as_failure(e))
			n += e->count;
	}
	return n;
}

/*
 * others_attacking - did two addresses or more fail for the account in
 * the crack window before position k that are neither like the users'
 * own nor ever logged in as the account (BACK_MAX events back at most)?
 */
static bool
others_attacking(const struct ctx *c, const struct acct *ac,
    const uint32_t *v, size_t k)
{
	const struct timeline *tl = c->tl;
	uint32_t from = window_start(c, tl->ev[v[k]].when), first = 0;
	size_t j, back;

	for (j = k, back = 0; j-- > 0 && back < BACK_MAX; back++) {
		const struct event *e = &tl->ev[v[j]];

		if (e->when < from)
			break;
		if (!event_counts_as_failure(e) || trusted(c, e->ip) ||
		    own_like(c, e->ip) || logs_in_from(ac, e->ip))
			continue;
		if (first == 0)
			first = e->ip;
		else if (e->ip != first)
			return true;
	}
	return false;
}

/*
 * under_attack - did the account fail attack_fails times or more in the
 * crack window before position k (BACK_MAX events back at most)?
 */
static bool
under_attack(const struct ctx *c, const uint32_t *v, size_t k)
{
	const struct timeline *tl = c->tl;
	uint32_t from = window_start(c, tl->ev[v[k]].when);
	uint64_t n = 0;
	size_t j, back;

	for (j = k, back = 0; n < c->o->attack_fails && j-- > 0 &&
	    back < BACK_MAX; back++) {
		const struct event *e = &tl->ev[v[j]];

		if (e->when < from)
			break;
		if (event_counts_as_failure(e) && !trusted(c, e->ip))
			n += e->count;
	}
	return n >= c->o->attack_fails;
}

/*
 * cracked_by - does a success from ip at position k of the account's
 * events complete an attack?  Yes when ip itself failed for the account
 * in the window before, and the failures look like an attack rather than
 * the user's typos or a device with a stale password: ip also failed for
 * other accounts, or several addresses outside the home country that
 * never log in as the account failed for it, or ip failed repeatedly
 * from a hosting network or a foreign country.  Also yes when ip never
 * failed for the account but attacked other accounts while this one was
 * under attack.
 */
static bool
cracked_by(const struct ctx *c, const struct acct *ac, const uint32_t *v,
    size_t k, uint32_t ip)
{
	uint32_t n_ip = own_fails(c, v, k, ip);

	if (n_ip == 0)
		return attacker(c, ip) && under_attack(c, v, k);
	if (attacker(c, ip))
		return true;
	if (own_like(c, ip))
		return false;	/* the user's typos at home */
	return (n_ip >= 3 && odd_origin(c, ip)) ||
	    others_attacking(c, ac, v, k);
}

/* note_attack - a failure for the account from outside its home. */
static void
note_attack(struct acct *ac, const struct event *e)
{
	size_t i;

	ac->fails += e->count;
	if (ac->attack_first == 0)
		ac->attack_first = e->when;
	ac->attack_last = e->when;
	for (i = 0; i < ac->nfail_ips && ac->fail_ip[i] != e->ip; i++)
		;
	if (i == ac->nfail_ips && i < 8)
		ac->fail_ip[ac->nfail_ips++] = e->ip;
}

/* first_use - decide how a network new to the account is classified. */
static void
first_use(const struct ctx *c, struct acct *ac, struct net *n,
    const uint32_t *v, size_t k)
{
	const struct event *e = &c->tl->ev[v[k]];

	if (cracked_by(c, ac, v, k, e->ip)) {
		n->status = NET_SUSPECT;
		n->why = "success from an address attacking the account";
	} else if (ac->crack_at != 0 && !own_like(c, e->ip) &&
	    e->when - ac->crack_at <= c->o->after_crack) {
		n->status = NET_SUSPECT;
		n->why = "new network soon after the password was cracked";
	} else if (e->when < c->baseline_end)
		n->status = NET_HOME;
	else if (ac->nnet == 1) {
		/* the account's first network: home, unless its first day
		 * turns out to be a mass mailing (mass_first_day) */
		n->status = NET_HOME;
		n->tentative = true;
	} else
		n->status = NET_PENDING;
	if (n->status == NET_SUSPECT && ac->crack_at == 0)
		ac->crack_at = e->when;
}

/* count_ip - distinct accounts per address, home or new. */
static void
count_ip(struct ctx *c, uint32_t account, uint32_t ip, bool home)
{
	uint32_t mark = account * 2 + (home ? 1 : 0);

	if (c->last_acct[ip] == mark + 1)
		return;
	c->last_acct[ip] = mark + 1;
	if (home)
		c->home_accts[ip] += c->home_accts[ip] < UINT16_MAX;
	else
		c->novel_accts[ip] += c->novel_accts[ip] < UINT16_MAX;
}

/*
 * sort_u32 - v[0..n) in ascending order.  qsort(3) with a compare
 * callback took a tenth of the verdicts' first step on the accounts with
 * many logins; a radix sort of 11-bit digits (three passes through a
 * copy of n words) does not compare at all.  Short runs go by insertion.
 */
#define SORT_RADIX_MIN	48

static void
sort_u32(uint32_t *v, size_t n)
{
	uint32_t *tmp, *from = v, *to, *t, x;
	size_t cnt[2048], i, j, sum;
	unsigned shift;

	if (n < SORT_RADIX_MIN) {
		for (i = 1; i < n; i++) {
			x = v[i];
			for (j = i; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	to = tmp = xreallocarray(NULL, n, sizeof(*tmp));
	for (shift = 0; shift < 32; shift += 11) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(from[i] >> shift) & 2047]++;
		for (i = 0, sum = 0; i < 2048; i++) {
			j = cnt[i];
			cnt[i] = sum;
			sum += j;
		}
		for (i = 0; i < n; i++)
			to[cnt[(from[i] >> shift) & 2047]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	/* Three passes: the sorted words are in tmp. */
	memcpy(v, from, n * sizeof(*v));
	free(tmp);
}

/* login_addresses - the sorted addresses the account logged in from. */
static void
login_addresses(const struct ctx *c, struct acct *ac, const uint32_t *v,
    size_t n)
{
	size_t k, m = 0;

	ac->ok_ip = xreallocarray(NULL, n + 1, sizeof(*ac->ok_ip));
	for (k = 0; k < n; k++) {
		tl_prefetch(c->tl->ev, v, k, n);
		if (is_success(&c->tl->ev[v[k]]))
			ac->ok_ip[m++] = c->tl->ev[v[k]].ip;
	}
	sort_u32(ac->ok_ip, m);
	ac->nok = 0;
	for (k = 0; k < m; k++)
		if (ac->nok == 0 || ac->ok_ip[ac->nok - 1] != ac->ok_ip[k])
			ac->ok_ip[ac->nok++] = ac->ok_ip[k];
}

/* walk_account - step 1 for one account. */
static void
walk_account(struct ctx *c, uint32_t a, struct acct *ac)
{
	const struct timeline *tl = c->tl;
	const uint32_t *v = tl->by_account + tl->account_start[a];
	size_t n = tl->account_start[a + 1] - tl->account_start[a], k;

	login_addresses(c, ac, v, n);
	for (k = 0; k < n; k++) {
		const struct event *e = &tl->ev[v[k]];
		struct net *nt;

		tl_prefetch(tl->ev, v, k, n);

		if (trusted(c, e->ip))
			continue;
		nt = find_net(ac, net_key(tl, e->ip));
		if (event_counts_as_failure(e)) {
			if (nt == NULL || nt->status != NET_HOME)
				note_attack(ac, e);
			continue;
		}
		if (!is_success(e))
			continue;
		if (nt == NULL) {
			nt = add_net(ac, net_key(tl, e->ip));
			nt->first = e->when;
			nt->first_ev = v[k];
			nt->first_ip = e->ip;
			first_use(c, ac, nt, v, k);
		}
		count_ip(c, a, e->ip, nt->status == NET_HOME);
	}
}

static uint32_t
msg_rcpt(const struct message *m)
{
	uint32_t done = (uint32_t)m->sent + m->bounced;

	return m->nrcpt > done ? m->nrcpt : done;
}

/*
 * mass_first_day - step 2's malware-era rule: a pending network whose
 * first day carried bulk_rcpt recipients or more, from a foreign or cloud
 * address, or with a high bounce share or block-list citations.
 */
static void
mass_first_day(const struct ctx *c, struct acct *ac, const uint32_t *mv,
    size_t nm)
{
	const struct timeline *tl = c->tl;
	uint64_t (*sum)[3] = xcalloc(ac->nnet + 1, sizeof(*sum));
	size_t i, k;

	/* One walk over the messages, each added to its own network's
	 * first day: linear, however many networks the account has. */
	for (k = 0; k < nm; k++) {
		const struct message *m = &tl->ledger.msg[mv[k]];
		const struct net *nt = find_net(ac, net_key(tl, m->ip));

		if (nt == NULL || m->when < nt->first ||
		    m->when > nt->first + DAY)
			continue;
		i = (size_t)(nt - ac->net);
		sum[i][0] += msg_rcpt(m);
		sum[i][1] += m->bounced;
		sum[i][2] += m->dnsbl;
	}
	for (i = 0; i < ac->nnet; i++) {
		struct net *nt = &ac->net[i];
		const struct ip_origin *o = &c->origin[nt->first_ip];
		uint64_t rcpt = sum[i][0], bounced = sum[i][1];
		uint64_t dnsbl = sum[i][2];
		bool odd;

		if (nt->status != NET_PENDING && !nt->tentative)
			continue;
		odd = (o->cc[0] != '\0' && c->home_cc[0] != '\0' &&
		    strcmp(o->cc, c->home_cc) != 0) || o->cloud ||
		    bounced * 5 >= rcpt || dnsbl > 0;
		if (rcpt >= c->o->bulk_rcpt && odd) {
			nt->status = NET_SUSPECT;
			nt->why = "first use of a foreign or cloud network, "
			    "then mass mailing";
			if (ac->crack_at == 0 || nt->first < ac->crack_at)
				ac->crack_at = nt->first;
		}
	}
	free(sum);
}

/*
 * add_abuse_ip - remember the first few abuse addresses of a finding;
 * abuse_nips counts them (all of them, once judge() has counted).
 */
static void
add_abuse_ip(struct finding *f, uint32_t ip)
{
	uint32_t i;

	for (i = 0; i < f->abuse_nips; i++)
		if (f->abuse_ip[i] == ip)
			return;
	if (f->abuse_nips < FINDING_IPS)
		f->abuse_ip[f->abuse_nips++] = ip;
}

/*
 * count_abuse_ips - the distinct addresses among ips[0..n), n > 0
 * (sorted in place).
 */
static uint32_t
count_abuse_ips(uint32_t *ips, size_t n)
{
	uint32_t d = 1;
	size_t k;

	sort_u32(ips, n);
	for (k = 1; k < n; k++)
		d += ips[k] != ips[k - 1];
	return d;
}

/*
 * busiest_day - the most recipients sent from suspect networks within any
 * 24 hours (messages in time order).
 */
static uint64_t
busiest_day(const struct timeline *tl, const uint32_t *mv, const bool *abuse,
    size_t nm)
{
	uint64_t sum = 0, best = 0;
	size_t lo = 0, k;

	for (k = 0; k < nm; k++) {
		const struct message *m = &tl->ledger.msg[mv[k]];

		if (!abuse[k])
			continue;
		sum += msg_rcpt(m);
		for (; lo < k; lo++) {
			const struct message *o = &tl->ledger.msg[mv[lo]];

			if (m->when - o->when < DAY)
				break;
			if (abuse[lo])
				sum -= msg_rcpt(o);
		}
		if (sum > best)
			best = sum;
	}
	return best;
}

/* crack_evidence - the first suspect login of the account. */
static void
crack_evidence(const struct ctx *c, const struct acct *ac, struct finding *f)
{
	const struct net *first = NULL;
	size_t i;

	for (i = 0; i < ac->nnet; i++)
		if (ac->net[i].status == NET_SUSPECT &&
		    (first == NULL || ac->net[i].first < first->first))
			first = &ac->net[i];
	if (first == NULL)
		return;
	f->cracked_at = first->first;
	f->crack_ip = first->first_ip;
	f->crack_ev = first->first_ev;
	f->why = first->why;
	(void)c;
}

/* days_with_mail - distinct days among the abuse messages. */
static uint32_t
days_with_mail(const struct timeline *tl, const uint32_t *mv,
    const bool *abuse, size_t nm)
{
	uint32_t days = 0, last = UINT32_MAX;
	size_t k;

	for (k = 0; k < nm; k++) {
		uint32_t d = tl->ledger.msg[mv[k]].when / DAY;

		if (abuse[k] && d != last) {
			days++;
			last = d;
		}
	}
	return days;
}

/*
 * score - the order of findings of a verdict: recipients, block-list
 * rejections weighed 100 each, bounces; UINT32_MAX when more.
 */
static uint32_t
score(const struct finding *f)
{
	uint64_t s = f->recipients, d = f->dnsbl_rejects, b = f->bounced;

	if (s > UINT32_MAX || d > UINT32_MAX / 100 || b > UINT32_MAX)
		return UINT32_MAX;
	s += 100 * d + b;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

/* judge - step 2 for one account: what it sent from suspect networks. */
static void
judge(const struct ctx *c, uint32_t a, struct acct *ac, struct finding *f)
{
	const struct timeline *tl = c->tl;
	const uint32_t *mv = tl->msg_by_account + tl->msg_account_start[a];
	size_t nm = tl->msg_account_start[a + 1] - tl->msg_account_start[a], k;
	bool *abuse = xcalloc(nm + 1, sizeof(*abuse));
	uint32_t *ips = xreallocarray(NULL, nm + 1, sizeof(*ips));
	size_t nips = 0;

	memset(f, 0, sizeof(*f));
	f->account = a;
	f->first_msg = UINT32_MAX;
	f->fails = ac->fails;
	f->fail_ips = ac->nfail_ips;
	f->attack_first = ac->attack_first;
	f->attack_last = ac->attack_last;
	mass_first_day(c, ac, mv, nm);
	crack_evidence(c, ac, f);
	for (k = 0; k < nm; k++) {
		const struct message *m = &tl->ledger.msg[mv[k]];
		const struct net *nt = find_net(ac, net_key(tl, m->ip));

		if (nt == NULL || nt->status != NET_SUSPECT ||
		    trusted(c, m->ip) || m->when + 60 < nt->first)
			continue;
		abuse[k] = true;
		if (f->first_msg == UINT32_MAX) {
			f->first_msg = mv[k];
			f->abuse_first = m->when;
		}
		f->abuse_last = m->when;
		add_abuse_ip(f, m->ip);
		ips[nips++] = m->ip;
		f->messages++;
		f->recipients += msg_rcpt(m);
		f->sent += m->sent;
		f->deferred += m->deferred;
		f->bounced += m->bounced;
		f->dnsbl_rejects += m->dnsbl;
		f->domains += m->domains;
		f->freemail += m->freemail;
	}
	/* Past the few kept, count every distinct one. */
	if (f->abuse_nips == FINDING_IPS)
		f->abuse_nips = count_abuse_ips(ips, nips);
	free(ips);
	if (f->cracked_at == 0)
		f->verdict = VERDICT_NONE;
	else if (busiest_day(tl, mv, abuse, nm) >= c->o->bulk_rcpt)
		f->verdict = VERDICT_BULK;
	else if (f->messages >= 3 || days_with_mail(tl, mv, abuse, nm) >= 2)
		f->verdict = VERDICT_STEALTH;
	else
		f->verdict = VERDICT_AT_RISK;
	f->score = score(f);
	free(abuse);
}

/* u64set - a small open-addressing set of non-zero keys. */
struct u64set {
	uint64_t	*k;
	size_t		 cap, n;
};

static bool
set_has(const struct u64set *s, uint64_t key)
{
	size_t i;

	if (s->cap == 0)
		return false;
	for (i = (size_t)(key * 0x9e3779b97f4a7c15ULL >> 20) & (s->cap - 1);
	    s->k[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == key)
			return true;
	return false;
}

static void
set_add(struct u64set *s, uint64_t key)
{
	size_t i;

	if (key == 0 || set_has(s, key))
		return;
	if ((s->n + 1) * 2 > s->cap) {
		struct u64set old = *s;

		s->cap = s->cap ? s->cap * 2 : 64;
		s->k = xcalloc(s->cap, sizeof(*s->k));
		s->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.k[i] != 0)
				set_add(s, old.k[i]);
		free(old.k);
	}
	for (i = (size_t)(key * 0x9e3779b97f4a7c15ULL >> 20) & (s->cap - 1);
	    s->k[i] != 0; i = (i + 1) & (s->cap - 1))
		;
	s->k[i] = key;
	s->n++;
}

/*
 * infra - the addresses that sent bulk or stealth abuse, and the /24 (or
 * /48) networks of those on hosting networks: attackers rent neighbouring
 * servers, while the neighbours of a residential address are other users.
 */
static void
infra(const struct ctx *c, const struct finding *fs, struct u64set *nets,
    struct u64set *ips)
{
	uint32_t a, ip;
	size_t i;

	for (a = 1; a < c->tl->accounts.n; a++) {
		if (fs[a].verdict != VERDICT_BULK &&
		    fs[a].verdict != VERDICT_STEALTH)
			continue;
		for (i = 0; i < fs[a].abuse_nips && i < FINDING_IPS; i++) {
			ip = fs[a].abuse_ip[i];
			if (own_like(c, ip))
				continue;
			set_add(ips, ip);
			if (c->origin[ip].cloud)
				set_add(nets, net_key(c->tl, ip));
		}
	}
}

/*
 * link - step 3: pending networks used by the infrastructure of another
 * account's abuse, or addresses that logged in as several unrelated
 * accounts, become suspect.  Returns how many changed.
 */
static size_t
link_pending(const struct ctx *c, struct acct *acs, const struct finding *fs)
{
	struct u64set nets = { 0 }, ips = { 0 };
	size_t changed = 0, i;
	uint32_t a;

	infra(c, fs, &nets, &ips);
	for (a = 1; a < c->tl->accounts.n; a++) {
		for (i = 0; i < acs[a].nnet; i++) {
			struct net *nt = &acs[a].net[i];
			uint32_t ip = nt->first_ip;

			if (nt->status != NET_PENDING)
				continue;
			if (set_has(&ips, ip) || set_has(&nets, nt->key))
				nt->why = "address used for another account's "
				    "abuse";
			else if (c->novel_accts[ip] >= c->o->cohort &&
			    c->home_accts[ip] <= 1 &&
			    (odd_origin(c, ip) || attacker(c, ip)))
				nt->why = "address that logged in as several "
				    "unrelated accounts";
			else
				continue;
			nt->status = NET_SUSPECT;
			changed++;
		}
	}
	free(nets.k);
	free(ips.k);
	return changed;
}

/* contained - the first failure from an abuse address after the abuse. */
static void
contained(const struct ctx *c, struct finding *f, const struct acct *ac)
{
	const struct timeline *tl = c->tl;
	const uint32_t *v = tl->by_account + tl->account_start[f->account];
	size_t n = tl->account_start[f->account + 1] -
	    tl->account_start[f->account], k;
	uint32_t from = f->abuse_first ? f->abuse_first : f->cracked_at;

	for (k = 0; k < n; k++) {
		const struct event *e = &tl->ev[v[k]];
		const struct net *nt;

		if (e->when <= from || !event_counts_as_failure(e))
			continue;
		nt = find_net((struct acct *)ac, net_key(tl, e->ip));
		if (nt != NULL && nt->status == NET_SUSPECT) {
			f->contained_at = e->when;
			f->contained_ev = v[k];
			return;
		}
	}
}

/* origins - what is known of every address, once. */
static void
origins(struct ctx *c)
{
	const struct timeline *tl = c->tl;
	uint32_t ip;

	c->origin = xcalloc(tl->ips.n + 1, sizeof(*c->origin));
	for (ip = 1; ip < tl->ips.n; ip++) {
		const struct ipaddr *a = timeline_ip(tl, ip);

		if (c->o->origin != NULL)
			c->o->origin(c->o->origin_ctx, a,
			    timeline_ip_name(tl, ip), &c->origin[ip]);
		if (netclass_private(a))
			c->origin[ip].trusted = true;
	}
}

/*
 * home_country - the option, or the country most accounts log in from
 * (each account counts once per country, so that an attacker's many
 * logins as a few accounts cannot make its country the home).  Every
 * country is counted, in a slot per code; of equal counts, the country
 * met first wins.
 */
static void
home_country(struct ctx *c)
{
	const struct timeline *tl = c->tl;
	uint32_t n[ABUSE_CC_SLOTS], last[ABUSE_CC_SLOTS], a;
	uint16_t rank[ABUSE_CC_SLOTS], nmet = 0;	/* order met, from 1 */
	size_t i;
	int s, best = -1;

	if (c->o->home_cc != NULL) {
		snprintf(c->home_cc, sizeof(c->home_cc), "%s", c->o->home_cc);
		return;
	}
	memset(n, 0, sizeof(n));
	memset(last, 0, sizeof(last));
	memset(rank, 0, sizeof(rank));
	for (a = 1; a < tl->accounts.n; a++) {
		const uint32_t *v = tl->by_account + tl->account_start[a];
		size_t nv = tl->account_start[a + 1] - tl->account_start[a];

		for (i = 0; i < nv; i++) {
			const struct event *e = &tl->ev[v[i]];

			tl_prefetch(tl->ev, v, i, nv);
			if (!is_success(e) || trusted(c, e->ip) ||
			    (s = abuse_cc_slot(c->origin[e->ip].cc)) < 0)
				continue;
			if (rank[s] == 0)
				rank[s] = ++nmet;
			if (last[s] != a) {
				last[s] = a;	/* once per account */
				n[s]++;
			}
		}
	}
	for (s = 0; s < ABUSE_CC_SLOTS; s++)
		if (rank[s] != 0 && (best < 0 || n[s] > n[best] ||
		    (n[s] == n[best] && rank[s] < rank[best])))
			best = s;
	if (best >= 0)
		abuse_cc_code(best, c->home_cc);
}

/* inc16 - saturating increment. */
static void
inc16(uint16_t *v)
{
	if (*v < UINT16_MAX)
		(*v)++;
}

/*
 * fail_accounts - per address, how many accounts it failed for and how
 * many it logged in as.
 */
static void
fail_accounts(struct ctx *c)
{
	const struct timeline *tl = c->tl;
	uint32_t ip, *failed = xcalloc(tl->accounts.n + 1, sizeof(*failed));
	uint32_t *ok = xcalloc(tl->accounts.n + 1, sizeof(*ok));

	c->fail_accts = xcalloc(tl->ips.n + 1, sizeof(*c->fail_accts));
	c->ok_accts = xcalloc(tl->ips.n + 1, sizeof(*c->ok_accts));
	for (ip = 1; ip < tl->ips.n; ip++) {
		const uint32_t *v = tl->by_ip + tl->ip_start[ip];
		size_t n = tl->ip_start[ip + 1] - tl->ip_start[ip], k;

		for (k = 0; k < n; k++) {
			const struct event *e = &tl->ev[v[k]];

			tl_prefetch(tl->ev, v, k, n);
			if (e->account == 0)
				continue;
			if (event_counts_as_failure(e) &&
			    failed[e->account] != ip) {
				failed[e->account] = ip;
				inc16(&c->fail_accts[ip]);
			} else if (is_success(e) && ok[e->account] != ip) {
				ok[e->account] = ip;
				inc16(&c->ok_accts[ip]);
			}
		}
	}
	free(failed);
	free(ok);
}

/* cmp_count - the most first, equal counts by key. */
static int
cmp_count(const struct count_by *x, const struct count_by *y)
{
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/*
 * top_add - offer (key, n) to a top list of SUMMARY_TOP rows kept in
 * cmp_count() order: the most first, equals by key.  That order is total,
 * so the list is the same whatever order the keys are offered in.  Keys
 * counted 0 times are never shown (report's top_list) and are left out.
 */
static void
top_add(struct count_by *top, size_t *ntop, const char *key, uint64_t n)
{
	struct count_by x;
	size_t i;

	if (n == 0)
		return;
	snprintf(x.key, sizeof(x.key), "%s", key);
	x.n = n;
	if (*ntop == SUMMARY_TOP && cmp_count(&x, &top[SUMMARY_TOP - 1]) >= 0)
		return;
	i = *ntop < SUMMARY_TOP ? (*ntop)++ : SUMMARY_TOP - 1;
	for (; i > 0 && cmp_count(&x, &top[i - 1]) < 0; i--)
		top[i] = top[i - 1];
	top[i] = x;
}

/*
 * Failures per AS number: an open-addressing table, half empty at most,
 * so that every AS is counted, however many there are; it grows by
 * doubling, not per event.
 */
struct asn_tally {
	uint32_t	*asn;		/* 0 = empty slot */
	uint64_t	*n;
	size_t		 cap, used;	/* cap: 0 or a power of two */
};

static size_t
asn_slot0(uint32_t asn, size_t cap)
{
	return (size_t)((uint64_t)asn * 0x9e3779b97f4a7c15ULL >> 24) &
	    (cap - 1);
}

/* asn_add - add n to the failures of asn (not 0). */
static void
asn_add(struct asn_tally *t, uint32_t asn, uint64_t n)
{
	struct asn_tally old = *t;
	size_t i, k;

	if ((t->used + 1) * 2 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->asn = xcalloc(t->cap, sizeof(*t->asn));
		t->n = xcalloc(t->cap, sizeof(*t->n));
		t->used = 0;
		for (k = 0; k < old.cap; k++)
			if (old.asn[k] != 0)
				asn_add(t, old.asn[k], old.n[k]);
		free(old.asn);
		free(old.n);
	}
	for (i = asn_slot0(asn, t->cap); t->asn[i] != 0 && t->asn[i] != asn;
	    i = (i + 1) & (t->cap - 1))
		;
	if (t->asn[i] == 0) {
		t->asn[i] = asn;
		t->used++;
	}
	t->n[i] += n;
}

/* top_lists - the countries and networks most failures came from. */
static void
top_lists(const uint64_t *cc, const struct asn_tally *asn,
    struct abuse_report *rep)
{
	size_t ncc = 0, nasn = 0, i;
	char key[48];
	int s;

	for (s = 0; s < ABUSE_CC_SLOTS; s++) {
		abuse_cc_code(s, key);
		top_add(rep->top_cc, &ncc, key, cc[s]);
	}
	for (i = 0; i < asn->cap; i++) {
		if (asn->asn[i] == 0)
			continue;
		snprintf(key, sizeof(key), "AS%u", (unsigned)asn->asn[i]);
		top_add(rep->top_asn, &nasn, key, asn->n[i]);
	}
}

/* summary - failures, attack origins and block-list periods. */
static void
summary(const struct ctx *c, struct abuse_report *rep)
{
	const struct timeline *tl = c->tl;
	uint64_t cc[ABUSE_CC_SLOTS];
	struct asn_tally asn = { NULL, NULL, 0, 0 };
	size_t i;
	uint32_t last_day = UINT32_MAX;
	int s;

	memset(cc, 0, sizeof(cc));
	for (i = 0; i < tl->n; i++) {
		const struct event *e = &tl->ev[i];
		const struct ip_origin *o = &c->origin[e->ip];

		if (e->kind == EV_DNSBL) {
			if (rep->dnsbl_first == 0)
				rep->dnsbl_first = e->when;
			rep->dnsbl_last = e->when;
			if (e->when / DAY != last_day)
				rep->dnsbl_days++;
			last_day = e->when / DAY;
			continue;
		}
		if (!event_counts_as_failure(e))
			continue;
		rep->failures += e->count;
		if ((s = abuse_cc_slot(o->cc)) >= 0)
			cc[s] += e->count;
		if (o->asn != 0)
			asn_add(&asn, o->asn, e->count);
	}
	top_lists(cc, &asn, rep);
	free(asn.asn);
	free(asn.n);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->verdict != y->verdict)
		return x->verdict > y->verdict ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->account < y->account ? -1 : x->account > y->account;
}

/*
 * Step 1 on several threads.  fail_accounts() needs neither the origins
 * nor the home country, so it runs beside them.  The walk is split into
 * runs of accounts with about as many events each; an account's walk
 * reads only what came before step 1 and writes its own struct acct,
 * except the per-address counts of count_ip(), which each run keeps apart
 * and which are added up after (an account's increments depend only on
 * its own events, so the sums are those of one walk in order).
 */
struct walk_part {
	struct ctx	 c;		/* a copy, with counts of its own */
	struct acct	*acs;
	uint32_t	 from, to;	/* accounts [from, to) */
	pthread_t	 thr;
	bool		 started;
};

static void *
fail_thread(void *arg)
{
	fail_accounts(arg);
	return NULL;
}

static void *
walk_thread(void *arg)
{
	struct walk_part *w = arg;
	uint32_t a;

	for (a = w->from; a < w->to; a++)
		walk_account(&w->c, a, &w->acs[a]);
	return NULL;
}

static void
counts_alloc(struct ctx *c)
{
	size_t n = c->tl->ips.n + 1;

	c->home_accts = xcalloc(n, sizeof(*c->home_accts));
	c->novel_accts = xcalloc(n, sizeof(*c->novel_accts));
	c->last_acct = xcalloc(n, sizeof(*c->last_acct));
}

static void
counts_free(struct ctx *c)
{
	free(c->home_accts);
	free(c->novel_accts);
	free(c->last_acct);
}

/* add16 - saturating sum, as count_ip()'s increments saturate. */
static uint16_t
add16(uint16_t a, uint16_t b)
{
	return (uint16_t)(a + b > UINT16_MAX ? UINT16_MAX : a + b);
}

/* step1 - origins, home country, failing accounts, the walk. */
static void
step1(struct ctx *c, struct acct *acs)
{
	const struct timeline *tl = c->tl;
	struct ctx fc = *c;
	struct walk_part part[WALK_MAX];
	uint32_t na = tl->accounts.n, a, ip;
	size_t nparts, k, total, cut;
	pthread_t ft;
	bool ft_started;

	nparts = c->o->threads > 1 ? c->o->threads : 1;
	if (nparts > WALK_MAX)
		nparts = WALK_MAX;
	ft_started = nparts > 1 &&
	    pthread_create(&ft, NULL, fail_thread, &fc) == 0;
	if (!ft_started)
		fail_accounts(&fc);
	origins(c);
	home_country(c);
	if (ft_started)
		pthread_join(ft, NULL);
	c->fail_accts = fc.fail_accts;
	c->ok_accts = fc.ok_accts;
	counts_alloc(c);

	/* Runs of accounts with about total / nparts events each. */
	total = na > 1 ? tl->account_start[na] : 0;
	memset(part, 0, sizeof(part));
	for (k = 0, a = 1; k < nparts; k++) {
		part[k].acs = acs;
		part[k].from = a;
		cut = total / nparts * (k + 1);
		while (a < na && (k == nparts - 1 ||
		    tl->account_start[a + 1] <= cut))
			a++;
		part[k].to = a;
		part[k].c = *c;
		if (k > 0 && part[k].from < part[k].to) {
			counts_alloc(&part[k].c);
			part[k].started = pthread_create(&part[k].thr, NULL,
			    walk_thread, &part[k]) == 0;
		}
	}
	for (k = 0; k < nparts; k++)
		if (k == 0 || !part[k].started)
			walk_thread(&part[k]);
	for (k = 1; k < nparts; k++) {
		if (part[k].started)
			pthread_join(part[k].thr, NULL);
		if (part[k].c.home_accts == c->home_accts)
			continue;	/* empty, or walked with c's counts */
		for (ip = 1; ip < tl->ips.n; ip++) {
			c->home_accts[ip] = add16(c->home_accts[ip],
			    part[k].c.home_accts[ip]);
			c->novel_accts[ip] = add16(c->novel_accts[ip],
			    part[k].c.novel_accts[ip]);
		}
		counts_free(&part[k].c);
	}
}

void
abuse_run(const struct timeline *tl, const struct abuse_opts *o,
    struct abuse_report *rep)
{
	struct ctx c = { tl, o, NULL, NULL, NULL, NULL, NULL, NULL, 0, "" };
	uint32_t na = tl->accounts.n, a;
	struct acct *acs = xcalloc(na + 1, sizeof(*acs));
	struct finding *fs = xcalloc(na + 1, sizeof(*fs));
	int round;

	memset(rep, 0, sizeof(*rep));
	c.baseline_end = tl->n ? tl->ev[0].when + o->baseline_days * DAY : 0;
	step1(&c, acs);
	for (round = 0; round < 3; round++) {
		for (a = 1; a < na; a++)
			judge(&c, a, &acs[a], &fs[a]);
		if (round == 2 || link_pending(&c, acs, fs) == 0)
			break;
	}
	for (a = 1; a < na; a++) {
		if (fs[a].fails >= o->attack_fails) {
			rep->attacked++;
			rep->attacked_only += fs[a].verdict == VERDICT_NONE;
		}
		if (fs[a].verdict == VERDICT_NONE)
			continue;
		contained(&c, &fs[a], &acs[a]);
		rep->by_verdict[fs[a].verdict]++;
		fs[rep->nf++] = fs[a];
	}
	qsort(fs, rep->nf, sizeof(*fs), cmp_finding);
	rep->f = fs;
	summary(&c, rep);
	memcpy(rep->home_cc, c.home_cc, sizeof(rep->home_cc));
	for (a = 1; a < na; a++) {
		free(acs[a].net);
		free(acs[a].slot);
		free(acs[a].ok_ip);
	}
	free(acs);
	rep->origin = c.origin;
	free(c.fail_accts);
	free(c.ok_accts);
	counts_free(&c);
}

void
abuse_report_release(struct abuse_report *rep)
{
	free(rep->f);
	free(rep->origin);
	memset(rep, 0, sizeof(*rep));
}
