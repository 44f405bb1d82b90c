/*
 * analysis/sessjoin.c - (host, session id) -> client address, for the
 * lines of a session that do not carry the address themselves
 * (OpenSMTPD).  Open addressing with backward-shift deletion; run from
 * the scan, once per event.
 */
#include "analysis/sessjoin.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/intern.h"
#include "io/xalloc.h"

#define SJ_LIFE		86400	/* a connect older than this is stale */

struct sj_slot {
	uint64_t	key;		/* 0 = empty */
	int64_t		when;		/* of the connect */
	struct ipaddr	ip;
};

void
sessjoin_init(struct sessjoin *j)
{
	memset(j, 0, sizeof(*j));
}

void
sessjoin_release(struct sessjoin *j)
{
	free(j->slot);
	memset(j, 0, sizeof(*j));
}

static uint64_t
sj_key(const struct envelope *env, const struct raw_event *ev)
{
	uint64_t k = hash64(ev->session.p, ev->session.len) ^
	    (hash64(env->host.p, env->host.len) * 0x9e3779b97f4a7c15ULL);

	return k == 0 ? 1 : k;
}

static struct sj_slot *
sj_find(const struct sessjoin *j, uint64_t key)
{
	size_t i = (size_t)key & (j->cap - 1);

	while (j->slot[i].key != 0 && j->slot[i].key != key)
		i = (i + 1) & (j->cap - 1);
	return &j->slot[i];
}

/* sj_grow - double the table, dropping stale sessions. */
static void
sj_grow(struct sessjoin *j, int64_t now)
{
	struct sj_slot *old = j->slot;
	size_t ocap = j->cap, i;

	j->cap = ocap ? ocap * 2 : 256;
	j->slot = xcalloc(j->cap, sizeof(*j->slot));
	j->n = 0;
	for (i = 0; i < ocap; i++) {
		if (old[i].key == 0 || old[i].when + SJ_LIFE < now)
			continue;
		*sj_find(j, old[i].key) = old[i];
		j->n++;
	}
	free(old);
}

/* sj_del - remove a slot (backward-shift deletion). */
static void
sj_del(struct sessjoin *j, struct sj_slot *s)
{
	size_t i = (size_t)(s - j->slot), k, m = j->cap - 1, x = i;

	for (;;) {
		x = (x + 1) & m;
		if (j->slot[x].key == 0)
			break;
		k = (size_t)j->slot[x].key & m;
		if ((x > i && (k <= i || k > x)) ||
		    (x < i && k <= i && k > x)) {
			j->slot[i] = j->slot[x];
			i = x;
		}
	}
	j->slot[i].key = 0;
	j->n--;
}

void
sessjoin_apply(struct sessjoin *j, const struct envelope *env,
    struct raw_event *ev, int64_t when)
{
	struct sj_slot *s;
	uint64_t key;

	if (ev->session.len == 0)
		return;
	key = sj_key(env, ev);
	if (ev->kind == EV_CONNECT && ev->has_ip) {
		if ((j->n + 1) * 4 > j->cap * 3)
			sj_grow(j, when);
		s = sj_find(j, key);
		if (s->key == 0)
			j->n++;
		s->key = key;
		s->when = when;
		s->ip = ev->ip;
		return;
	}
	if (j->cap == 0 || (s = sj_find(j, key))->key == 0)
		return;
	if (!ev->has_ip) {
		ev->ip = s->ip;
		ev->has_ip = true;
	}
	if (ev->kind == EV_DISCONNECT)
		sj_del(j, s);
}
