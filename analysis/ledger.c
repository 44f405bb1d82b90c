/*
 * analysis/ledger.c - the per-message sending ledger and its queue-id
 * join table.
 */
#include "analysis/ledger.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/intern.h"
#include "io/bigmem.h"
#include "io/xalloc.h"

#define DOMS_KEPT	8	/* recipient domains remembered per message */

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
		l->msg[s->msg].nrcpt = nrcpt > UINT16_MAX ? UINT16_MAX :
		    (uint16_t)nrcpt;
}

static uint16_t
inc16(uint16_t v)
{
	return v == UINT16_MAX ? v : v + 1;
}

/*
 * count_domain - distinct recipient domains of a message (exact for the
 * first DOMS_KEPT, counted as new beyond), and freemail recipients.
 */
static void
count_domain(struct message *m, struct qid_slot *s, struct span rcpt)
{
	const char *at = memchr(rcpt.p, '@', rcpt.len);
	struct span d;
	uint32_t h;
	size_t k;

	if (at == NULL)
		return;
	d = span_make(at + 1, rcpt.len - (size_t)(at + 1 - rcpt.p));
	h = (uint32_t)hash64(d.p, d.len) | 1;
	for (k = 0; k < DOMS_KEPT && s->dom[k] != 0; k++)
		if (s->dom[k] == h)
			return;		/* domain seen: recipient counted */
	if (k < DOMS_KEPT)
		s->dom[k] = h;
	if (m->domains < UINT8_MAX)
		m->domains++;
	if (freemail_domain(d) && m->freemail < UINT8_MAX)
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
	count_domain(m, s, rcpt);
	return s->msg;
}
