/*
 * analysis/ledger.c - the per-message sending ledger and its queue-id
 * join table.
 *
 * The distinct recipient domains of a message are counted from hashes:
 * the first DOMS_KEPT in its join slot, where the delivery line's lookup
 * has already brought them, and the rest, for the few messages that have
 * more, in a table of their own (struct ledger's dom).  Both live only
 * as long as the message can be joined.
 */
#include "analysis/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/intern.h"
#include "io/bigmem.h"
#include "io/diag.h"
#include "io/xalloc.h"

#define DOMS_KEPT	8	/* recipient domains kept in a join slot */
#define DOMS_MIN_CAP	256	/* smallest table of the other domains */

struct qid_slot {
	uint32_t	msg;		/* message index */
	uint32_t	dom[DOMS_KEPT];	/* hashes of recipient domains seen */
};

#define FM(s)	{ s, sizeof(s) - 1 }

static const struct {
	const char	*name;
	size_t		 len;
} freemail[] = {
	FM("163.com"), FM("126.com"), FM("aol.com"), FM("gmail.com"),
	FM("gmx.com"), FM("gmx.de"), FM("gmx.net"), FM("googlemail.com"),
	FM("hotmail.com"), FM("hotmail.co.uk"), FM("hotmail.de"),
	FM("hotmail.fr"), FM("icloud.com"), FM("live.com"), FM("mail.com"),
	FM("mail.ru"), FM("me.com"), FM("msn.com"), FM("outlook.com"),
	FM("outlook.de"), FM("protonmail.com"), FM("qq.com"),
	FM("rambler.ru"), FM("sina.com"), FM("t-online.de"), FM("web.de"),
	FM("yahoo.co.jp"), FM("yahoo.co.uk"), FM("yahoo.com"), FM("yahoo.de"),
	FM("yahoo.fr"), FM("yandex.com"), FM("yandex.ru"), FM("ymail.com"),
};

#undef FM

/* A distinct freemail name is counted even past MSG_DOMAINS_MAX. */
_Static_assert(sizeof(freemail) / sizeof(freemail[0]) < MSG_DOMAINS_MAX,
    "freemail count could saturate");

bool
freemail_domain(struct span d)
{
	size_t i;

	for (i = 0; i < sizeof(freemail) / sizeof(freemail[0]); i++)
		if (d.len == freemail[i].len &&
		    strncasecmp(d.p, freemail[i].name, d.len) == 0)
			return true;
	return false;
}

void
ledger_init(struct ledger *l)
{
	memset(l, 0, sizeof(*l));
}

void
ledger_release(struct ledger *l)
{
	bigmem_free(l->msg);
	bigmem_free(l->key);
	bigmem_free(l->slot);
	bigmem_free(l->spare_key);
	bigmem_free(l->spare_slot);
	bigmem_free(l->dom);
	memset(l, 0, sizeof(*l));
}

static uint64_t
qid_key(uint8_t host, struct span qid)
{
	uint64_t h = hash64(qid.p, qid.len) ^ ((uint64_t)host * 0x9e37u);

	return h == 0 ? 1 : h;
}

/* slot_of - the index of key's slot, or of the empty one it would take. */
static size_t
slot_of(const struct ledger *l, uint64_t key)
{
	size_t i = (size_t)key & (l->scap - 1);

	while (l->key[i] != 0 && l->key[i] != key)
		i = (i + 1) & (l->scap - 1);
	return i;
}

/*
 * rehash - grow the join table, dropping messages older than a queue
 * lifetime before now: their ids may be reused and will not be joined.
 */
static void
rehash(struct ledger *l, uint32_t now)
{
	struct qid_slot *old = l->slot;
	uint64_t *okey = l->key;
	size_t ocap = l->scap, i, k, live = 0;

	for (i = 0; i < ocap; i++)
		if (okey[i] != 0 &&
		    l->msg[old[i].msg].when + LEDGER_QID_LIFE >= now)
			live++;
	l->scap = 1024;
	while (live * 2 >= l->scap)
		l->scap *= 2;
	if (l->spare_cap == l->scap) {
		/* A slot is written whole when its key is set. */
		l->key = l->spare_key;
		l->slot = l->spare_slot;
		memset(l->key, 0, l->scap * sizeof(*l->key));
	} else {
		bigmem_free(l->spare_key);
		bigmem_free(l->spare_slot);
		l->key = bigmem_calloc(l->scap, sizeof(*l->key));
		l->slot = bigmem_calloc(l->scap, sizeof(*l->slot));
	}
	l->sn = 0;
	for (i = 0; i < ocap; i++) {
		if (okey[i] == 0 ||
		    l->msg[old[i].msg].when + LEDGER_QID_LIFE < now)
			continue;
		k = slot_of(l, okey[i]);
		l->key[k] = okey[i];
		l->slot[k] = old[i];
		l->sn++;
	}
	l->spare_key = okey;
	l->spare_slot = old;
	l->spare_cap = ocap;
}

uint32_t
ledger_submit(struct ledger *l, uint8_t host, struct span qid,
    const struct message *m)
{
	uint64_t key = qid_key(host, qid);
	size_t k;

	/* A message index is a uint32_t, and UINT32_MAX means none. */
	if (l->n == UINT32_MAX)
		diag_fatal(EXIT_OSERR, "out of memory: more than %lu "
		    "messages", (unsigned long)UINT32_MAX - 1);
	if (l->n == l->cap) {
		l->cap = l->cap ? st_mult(l->cap, 2) : 1024;
		l->msg = bigmem_realloc(l->msg, l->cap, sizeof(*l->msg));
	}
	l->msg[l->n] = *m;
	if ((l->sn + 1) * 4 > l->scap * 3)
		rehash(l, m->when);
	k = slot_of(l, key);
	if (l->key[k] == 0)
		l->sn++;
	l->key[k] = key;
	memset(&l->slot[k], 0, sizeof(l->slot[k]));
	l->slot[k].msg = (uint32_t)l->n;
	return (uint32_t)l->n++;
}

/* find - the live slot of (host, qid) at time when, or NULL. */
static struct qid_slot *
find(const struct ledger *l, uint8_t host, struct span qid, uint32_t when)
{
	struct qid_slot *s;
	size_t k;

	if (l->scap == 0 || qid.len == 0)
		return NULL;
	k = slot_of(l, qid_key(host, qid));
	if (l->key[k] == 0)
		return NULL;
	s = &l->slot[k];
	if (l->msg[s->msg].when > when + 60u ||
	    l->msg[s->msg].when + LEDGER_QID_LIFE < when)
		return NULL;
	return s;
}

int64_t
ledger_find(const struct ledger *l, uint8_t host, struct span qid,
    uint32_t when)
{
	const struct qid_slot *s = find(l, host, qid, when);

	return s == NULL ? -1 : (int64_t)s->msg;
}

void
ledger_queued(struct ledger *l, uint8_t host, struct span qid, uint32_t when,
    uint32_t nrcpt)
{
	struct qid_slot *s = find(l, host, qid, when);

	/* Deferred mail re-enters the active queue: count it once. */
	if (s != NULL && l->msg[s->msg].nrcpt == 0)
		l->msg[s->msg].nrcpt = nrcpt > MSG_COUNT_MAX ? MSG_COUNT_MAX :
		    (uint16_t)nrcpt;
}

/* inc16 - one more, saturating at MSG_COUNT_MAX. */
static uint16_t
inc16(uint16_t v)
{
	return v >= MSG_COUNT_MAX ? v : v + 1;
}

/*
 * domain_of - the domain of a recipient address: after its last '@' (a
 * quoted local part may hold one).  False when there is none.
 */
static bool
domain_of(struct span rcpt, struct span *d)
{
	size_t i = rcpt.len;

	while (i > 0 && rcpt.p[i - 1] != '@')
		i--;
	if (i == 0 || i == rcpt.len)
		return false;
	*d = span_make(rcpt.p + i, rcpt.len - i);
	return true;
}

/*
 * domain_hash - a non-zero hash of a domain name, ASCII case folded:
 * Example.COM is example.com.  No DNS name is longer than the buffer;
 * the rest of a longer one is hashed as it is.
 */
static uint32_t
domain_hash(struct span d)
{
	unsigned char low[256];
	size_t i, n = d.len < sizeof(low) ? d.len : sizeof(low);
	uint64_t h;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d.p[i];

		low[i] = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	}
	h = hash64(low, n);
	if (d.len > n)
		h ^= hash64(d.p + n, d.len - n);
	return (uint32_t)h | 1;
}

/* dom_slot - the slot of key in the domain table, or the empty one. */
static size_t
dom_slot(const struct ledger *l, uint64_t key)
{
	/* The low half is a hash; spread the message index over it. */
	size_t i = (size_t)(key ^ (key >> 32) * 0x9e3779b97f4a7c15ULL);

	for (i &= l->dcap - 1; l->dom[i] != 0 && l->dom[i] != key;
	    i = (i + 1) & (l->dcap - 1))
		continue;
	return i;
}

/* dom_live - whether the message of a domain key can still be joined. */
static bool
dom_live(const struct ledger *l, uint64_t key, uint32_t now)
{
	return (uint64_t)l->msg[key >> 32].when + LEDGER_QID_LIFE >= now;
}

/*
 * dom_rebuild - a domain table sized for its live keys, without those of
 * messages past their queue lifetime at now (which find() no longer
 * joins; their slots go at the join table's next rehash).
 */
static void
dom_rebuild(struct ledger *l, uint32_t now)
{
	uint64_t *old = l->dom;
	size_t ocap = l->dcap, i, live = 0;

	for (i = 0; i < ocap; i++)
		if (old[i] != 0 && dom_live(l, old[i], now))
			live++;
	l->dcap = DOMS_MIN_CAP;
	while (live * 2 >= l->dcap)
		l->dcap = st_mult(l->dcap, 2);
	l->dom = bigmem_calloc(l->dcap, sizeof(*l->dom));
	l->dn = 0;
	for (i = 0; i < ocap; i++)
		if (old[i] != 0 && dom_live(l, old[i], now)) {
			l->dom[dom_slot(l, old[i])] = old[i];
			l->dn++;
		}
	bigmem_free(old);
}

/* dom_add - add domain hash h to message msg; false when it was there. */
static bool
dom_add(struct ledger *l, uint32_t msg, uint32_t h, uint32_t now)
{
	uint64_t key = (uint64_t)msg << 32 | h;
	size_t k;

	if ((l->dn + 1) * 4 > l->dcap * 3)
		dom_rebuild(l, now);
	k = dom_slot(l, key);
	if (l->dom[k] == key)
		return false;
	l->dom[k] = key;
	l->dn++;
	return true;
}

/*
 * count_domain - count the recipient's domain for the message of slot s
 * when it is new to the message: in domains up to MSG_DOMAINS_MAX, and
 * in freemail when it is a freemail name (past the cap as well).
 */
static void
count_domain(struct ledger *l, struct qid_slot *s, struct span rcpt,
    uint32_t now)
{
	struct message *m = &l->msg[s->msg];
	struct span d;
	uint32_t h;
	size_t k;
	bool fm;

	if (!domain_of(rcpt, &d))
		return;
	h = domain_hash(d);
	for (k = 0; k < DOMS_KEPT && s->dom[k] != 0; k++)
		if (s->dom[k] == h)
			return;		/* domain seen: recipient counted */
	fm = freemail_domain(d);
	if (k < DOMS_KEPT)
		s->dom[k] = h;
	else if (m->domains == MSG_DOMAINS_MAX && !fm)
		return;			/* not kept: the count is capped */
	else if (!dom_add(l, s->msg, h, now))
		return;
	if (m->domains < MSG_DOMAINS_MAX)
		m->domains++;
	if (fm && m->freemail < MSG_DOMAINS_MAX)
		m->freemail++;
}

int64_t
ledger_delivery(struct ledger *l, uint8_t host, struct span qid,
    uint32_t when, struct span status, struct span rcpt, bool dnsbl)
{
	struct qid_slot *s = find(l, host, qid, when);
	struct message *m;

	if (s == NULL)
		return -1;
	m = &l->msg[s->msg];
	if (span_eq(status, "sent"))
		m->sent = inc16(m->sent);
	else if (span_eq(status, "deferred"))
		m->deferred = inc16(m->deferred);
	else if (span_eq(status, "bounced") || span_eq(status, "expired"))
		m->bounced = inc16(m->bounced);
	if (dnsbl)
		m->dnsbl = inc16(m->dnsbl);
	count_domain(l, s, rcpt, when);
	return s->msg;
}
