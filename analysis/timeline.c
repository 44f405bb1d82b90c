/*
 * analysis/timeline.c - building the event store: loading from the scan,
 * Postfix smtpd sessions, sorting, attribution of failures to accounts,
 * and the per-account and per-address views.
 */
#include "analysis/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "io/bigmem.h"
#include "io/diag.h"
#include "io/parse_sendmail.h"
#include "io/parse_exim.h"
#include "io/xalloc.h"

#define ATTR_BEFORE	5	/* Postfix warning up to 5 s after Dovecot */
#define ATTR_AFTER	1	/* ... or 1 s before it (1 s stamps) */
#define SASL_WINDOW	3	/* MTA failure 0-3 s after saslauthd's line */
#define SM_SESSION_LIFE	86400	/* AUTH=server account kept this long */

/* An open smtpd session, keyed by (host, pid). */
struct session {
	uint64_t	key;		/* 0 = empty slot */
	uint32_t	fail1;		/* 1 + index of its last failure */
	uint32_t	account;	/* submitted as this account */
};

/* A success whose account waits for attribution of a failure. */
struct link {
	uint32_t	ok, fail;	/* event indices */
};

struct loader {
	struct timeline	*tl;
	struct session	*sess;
	size_t		 scap, sn;
	struct link	*links;
	size_t		 nlinks, lcap;
	const char	*last_file;
	uint16_t	 file_idx;
	/* files[] indices by display name (a source_file's, kept by the
	   scan), open addressing: interleaved sets switch files often. */
	const char	**fkey;
	uint16_t	*fval;
	size_t		 fcap;
	size_t		 files_cap;	/* of tl->files */
	uint8_t		 last_host;
	uint8_t		 last_svc;
	size_t		 last_host_len;	/* its name's length */
	const char	*last_site;	/* and the site it was given for */
	size_t		 last_svc_len;
};

/* name_index - index of name in a small table, adding it if new. */
static uint8_t
name_index(struct timeline *tl, const char **tbl, unsigned *n,
    const char *p, size_t len)
{
	unsigned i;

	for (i = 0; i < *n; i++)
		if (strlen(tbl[i]) == len && memcmp(tbl[i], p, len) == 0)
			return (uint8_t)i;
	if (*n == TL_MAX_NAMES) {
		if (tbl[TL_MAX_NAMES] == NULL)
			tbl[TL_MAX_NAMES] = "other";
		return TL_MAX_NAMES;
	}
	tbl[*n] = arena_memdup(&tl->arena, p, len);
	return (uint8_t)(*n)++;
}

/*
 * cached_index - name_index with a one-entry cache (most lines repeat).
 * *last_len is the length of the name that *last was last given for: the
 * table holds that many bytes of it, NULs included ("other" matches no
 * name).
 */
static uint8_t
cached_index(struct timeline *tl, const char **tbl, unsigned *n,
    uint8_t *last, size_t *last_len, const char *p, size_t len)
{
	if (p == NULL)		/* an absent host is an empty span */
		p = "";
	if (*n > 0 && *last_len == len && memcmp(tbl[*last], p, len) == 0)
		return *last;
	*last = name_index(tl, tbl, n, p, len);
	*last_len = *last == TL_MAX_NAMES ? SIZE_MAX : len;
	return *last;
}

/* same_site - two files' host sub-folders (source_file), NULL for none. */
static bool
same_site(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * host_index - the server of a line: its syslog host name, within the
 * host sub-folder its file came from, so that two folders whose servers
 * log the same name (or none, as Exim's mainlog) stay two servers.  Past
 * TL_MAX_NAMES the rest share "other", which joins nothing.
 */
static uint8_t
host_index(struct loader *ld, const char *site, const char *p, size_t len)
{
	struct timeline *tl = ld->tl;
	unsigned i;

	if (p == NULL)		/* an absent host is an empty span */
		p = "";
	i = ld->last_host;
	if (tl->nhosts > 0 && ld->last_host_len == len &&
	    same_site(ld->last_site, site) && memcmp(tl->hosts[i], p, len) == 0)
		return ld->last_host;
	for (i = 0; i < tl->nhosts; i++)
		if (strlen(tl->hosts[i]) == len &&
		    memcmp(tl->hosts[i], p, len) == 0 &&
		    same_site(tl->host_site[i], site))
			break;
	if (i == tl->nhosts && i == TL_MAX_NAMES) {
		if (tl->hosts[TL_MAX_NAMES] == NULL) {
			tl->hosts[TL_MAX_NAMES] = "other";
			diag_warn(NULL, 0, "more than %d servers (host names "
			    "within host folders): the lines of the others "
			    "are kept as host \"other\", but their sessions, "
			    "messages and back-end lines are not joined",
			    TL_MAX_NAMES);
		}
		ld->last_host_len = SIZE_MAX;
		return TL_MAX_NAMES;
	}
	if (i == tl->nhosts) {
		tl->hosts[i] = arena_memdup(&tl->arena, p, len);
		tl->host_site[i] = site != NULL ? arena_memdup(&tl->arena,
		    site, strlen(site)) : NULL;
		tl->nhosts++;
	}
	ld->last_host = (uint8_t)i;
	ld->last_host_len = len;
	ld->last_site = site;
	return ld->last_host;
}

/* session_key - (host, pid) of a line; 0 for none, or host "other". */
static uint64_t
session_key(uint8_t host, const struct envelope *env)
{
	uint32_t pid = 0;

	if (host == TL_MAX_NAMES || !span_to_u32(env->pid, UINT32_MAX, &pid))
		return 0;
	return ((uint64_t)host + 1) << 32 | pid;
}

/* session_find - the slot for key (empty slot if absent). */
static struct session *
session_find(struct loader *ld, uint64_t key)
{
	size_t i = (size_t)hash64(&key, sizeof(key)) & (ld->scap - 1);

	while (ld->sess[i].key != 0 && ld->sess[i].key != key)
		i = (i + 1) & (ld->scap - 1);
	return &ld->sess[i];
}

static void
session_grow(struct loader *ld)
{
	struct session *old = ld->sess;
	size_t ocap = ld->scap, i;

	ld->scap = ocap ? ocap * 2 : 1024;
	ld->sess = xcalloc(ld->scap, sizeof(*ld->sess));
	for (i = 0; i < ocap; i++)
		if (old[i].key != 0)
			*session_find(ld, old[i].key) = old[i];
	free(old);
}

/* session_get - the session for key, created when absent. */
static struct session *
session_get(struct loader *ld, uint64_t key)
{
	struct session *s;

	if ((ld->sn + 1) * 4 > ld->scap * 3)
		session_grow(ld);
	s = session_find(ld, key);
	if (s->key == 0) {
		s->key = key;
		s->fail1 = 0;
		s->account = 0;
		ld->sn++;
	}
	return s;
}

/* session_del - remove a session (backward-shift deletion). */
static void
session_del(struct loader *ld, struct session *s)
{
	size_t i = (size_t)(s - ld->sess), j = i, k;

	for (;;) {
		j = (j + 1) & (ld->scap - 1);
		if (ld->sess[j].key == 0)
			break;
		k = (size_t)hash64(&ld->sess[j].key, 8) & (ld->scap - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			ld->sess[i] = ld->sess[j];
			i = j;
		}
	}
	ld->sess[i].key = 0;
	ld->sn--;
}

static struct session *
session_lookup(struct loader *ld, uint64_t key)
{
	struct session *s;

	if (ld->scap == 0 || key == 0)
		return NULL;
	s = session_find(ld, key);
	return s->key == 0 ? NULL : s;
}

/* append - one stored record; counts above 65535 are split. */
static uint32_t
append(struct timeline *tl, const struct event *e, uint32_t count)
{
	uint32_t first = (uint32_t)tl->n;

	do {
		uint16_t c = count > UINT16_MAX ? UINT16_MAX : (uint16_t)count;

		if (tl->n == tl->cap) {
			/* Indices are 32 bits; UINT32_MAX is "none". */
			if (tl->n >= UINT32_MAX - 1)
				diag_fatal(EXIT_OSERR, "more than %lu "
				    "events to keep: read the logs in parts "
				    "(--since, --until)",
				    (unsigned long)(UINT32_MAX - 1));
			tl->cap = tl->cap ? st_mult(tl->cap, 2) : 4096;
			if (tl->cap > UINT32_MAX - 1)
				tl->cap = UINT32_MAX - 1;
			tl->ev = bigmem_realloc(tl->ev, tl->cap, sizeof(*tl->ev));
		}
		tl->ev[tl->n] = *e;
		tl->ev[tl->n].count = c;
		tl->n++;
		count -= c;
	} while (count > 0);
	return first;
}

/* kept - the kinds the store keeps one by one. */
static bool
kept(enum ev_kind k)
{
	return k == EV_AUTH_FAIL || k == EV_AUTH_OK || k == EV_AUTH_BACKEND ||
	    k == EV_AUTH_ABORT || k == EV_SUBMIT || k == EV_DNSBL;
}

static uint8_t
store_flags(const struct raw_event *ev, bool postfix)
{
	uint8_t f = 0;

	f |= ev->flags & EVF_SASL_USERNAME ? TLF_SASL_USERNAME : 0;
	f |= ev->flags & EVF_SESSION ? TLF_SESSION : 0;
	f |= ev->flags & EVF_NO_PASSWORD ? TLF_NO_PASSWORD : 0;
	f |= ev->flags & EVF_SUSPICIOUS ? TLF_SUSPICIOUS : 0;
	f |= ev->flags & EVF_REPEATED ? TLF_REPEATED : 0;
	f |= postfix ? TLF_POSTFIX : 0;
	return f;
}

/* track_session - Postfix smtpd sessions: connect .. disconnect. */
static void
track_session(struct loader *ld, const struct scan_event *se,
    const struct event *e, uint32_t idx)
{
	uint64_t key = session_key(e->host, se->env);
	struct session *s;

	if (key == 0)
		return;
	switch (se->ev->kind) {
	case EV_CONNECT:
		s = session_get(ld, key);
		s->fail1 = 0;
		s->account = 0;
		break;
	case EV_AUTH_FAIL:
		session_get(ld, key)->fail1 = idx + 1;
		break;
	case EV_SUBMIT:
		session_get(ld, key)->account = e->account;
		break;
	case EV_AUTH_OK:
	case EV_DISCONNECT:
		if ((s = session_lookup(ld, key)) == NULL)
			break;
		if (se->ev->kind == EV_AUTH_OK) {
			if (s->account != 0)
				ld->tl->ev[idx].account = s->account;
			else if (s->fail1 != 0) {
				if (ld->nlinks == ld->lcap) {
					ld->lcap = ld->lcap ? ld->lcap * 2 : 64;
					ld->links = xreallocarray(ld->links,
					    ld->lcap, sizeof(*ld->links));
				}
				ld->links[ld->nlinks].ok = idx;
				ld->links[ld->nlinks++].fail = s->fail1 - 1;
			}
		}
		session_del(ld, s);
		break;
	default:
		break;
	}
}

/* note_name - remember the reverse name logged for an address. */
static void
note_name(struct timeline *tl, uint32_t ip, struct span name)
{
	if (ip == 0 || name.len == 0 || span_eq(name, "unknown"))
		return;
	if (ip >= tl->ip_name_cap) {
		size_t ncap = tl->ip_name_cap ? tl->ip_name_cap : 1024;

		while (ncap <= ip)
			ncap = st_mult(ncap, 2);
		tl->ip_name = xreallocarray(tl->ip_name, ncap,
		    sizeof(*tl->ip_name));
		memset(tl->ip_name + tl->ip_name_cap, 0,
		    (ncap - tl->ip_name_cap) * sizeof(*tl->ip_name));
		tl->ip_name_cap = ncap;
	}
	if (tl->ip_name[ip] == 0)
		tl->ip_name[ip] = intern_str_id(&tl->names, name.p, name.len);
}

/* file_slot - where file's index is, or the empty slot for it. */
static size_t
file_slot(const struct loader *ld, const char *file)
{
	size_t i = ((uintptr_t)file >> 3) * UINT64_C(0x9e3779b97f4a7c15) >>
	    16 & (ld->fcap - 1);

	while (ld->fkey[i] != NULL && ld->fkey[i] != file)
		i = (i + 1) & (ld->fcap - 1);
	return i;
}

/* file_grow - twice the slots, the indices kept. */
static void
file_grow(struct loader *ld)
{
	const char **okey = ld->fkey;
	uint16_t *oval = ld->fval;
	size_t i, ocap = ld->fcap;

	ld->fcap = ocap ? st_mult(ocap, 2) : 64;
	ld->fkey = xcalloc(ld->fcap, sizeof(*ld->fkey));
	ld->fval = xcalloc(ld->fcap, sizeof(*ld->fval));
	for (i = 0; i < ocap; i++)
		if (okey[i] != NULL) {
			size_t k = file_slot(ld, okey[i]);

			ld->fkey[k] = okey[i];
			ld->fval[k] = oval[i];
		}
	free(okey);
	free(oval);
}

/*
 * file_index - the index of the event's file, added when new.  Several
 * rotated sets are merged a batch at a time, so a file comes back after
 * others; it keeps its index.  Files past TL_MAX_FILES share the last
 * index, named for what it is.
 */
static uint16_t
file_index(struct loader *ld, const char *file)
{
	struct timeline *tl = ld->tl;
	size_t k;

	if (file == ld->last_file)
		return ld->file_idx;
	ld->last_file = file;
	if (2 * (tl->nfiles + 1) > ld->fcap)
		file_grow(ld);
	k = file_slot(ld, file);
	if (ld->fkey[k] == NULL) {
		if (tl->nfiles == TL_MAX_FILES) {
			if (tl->files[TL_MAX_FILES] == NULL)
				tl->files[TL_MAX_FILES] = "(a file after "
				    "the first 65535)";
			return ld->file_idx = TL_MAX_FILES;
		}
		if (tl->nfiles == ld->files_cap) {
			/* One more than the indices: files[TL_MAX_FILES]. */
			ld->files_cap = tl->nfiles * 2 > TL_MAX_FILES ?
			    TL_MAX_FILES + 1 : tl->nfiles * 2 + 16;
			tl->files = xreallocarray(tl->files, ld->files_cap,
			    sizeof(*tl->files));
			memset(tl->files + tl->nfiles, 0, (ld->files_cap -
			    tl->nfiles) * sizeof(*tl->files));
		}
		tl->files[tl->nfiles] = arena_memdup(&tl->arena, file,
		    strlen(file));
		ld->fkey[k] = file;
		ld->fval[k] = (uint16_t)tl->nfiles++;
	}
	return ld->file_idx = ld->fval[k];
}

/* follow_mail - the ledger: submissions, recipient counts, outcomes. */
static void
follow_mail(struct loader *ld, const struct scan_event *se, struct event *e,
    bool sendmail)
{
	struct timeline *tl = ld->tl;
	const struct raw_event *ev = se->ev;
	uint32_t k, n = sendmail ? se->count : 1;
	int64_t m = -1;

	switch (ev->kind) {
	case EV_SUBMIT: {
		/* Sendmail's from= line is also its queue line: nrcpts. */
		struct message msg = { e->when, e->account, e->ip, e->line,
		    e->source, sendmail ? (uint16_t)(n > UINT16_MAX ?
		    UINT16_MAX : n) : 0, 0, 0, 0, 0, 0, 0, e->host, 0 };

		ledger_submit(&tl->ledger, e->host, ev->queue_id, &msg);
		/* Exim lists them on the line: its qmgr nrcpt=. */
		if (ev->nrcpt > 0)
			ledger_queued(&tl->ledger, e->host, ev->queue_id,
			    (uint32_t)se->when, ev->nrcpt);
		break;
	}
	case EV_QUEUED:
		ledger_queued(&tl->ledger, e->host, ev->queue_id,
		    (uint32_t)se->when, ev->count);
		break;
	case EV_DELIVERY:
	case EV_DNSBL:
		/*
		 * A Sendmail to= line lists every recipient of one relay.
		 * XXX Only the first recipient's domain is counted.
		 */
		for (k = 0; k < n && (k == 0 || m >= 0); k++)
			m = ledger_delivery(&tl->ledger, e->host,
			    ev->queue_id, (uint32_t)se->when, ev->status,
			    ev->client_name, ev->kind == EV_DNSBL);
		if (m >= 0) {
			/* A listing is blamed on the message's sender. */
			e->account = tl->ledger.msg[m].account;
			e->ip = tl->ledger.msg[m].ip;
		}
		break;
	default:
		break;
	}
}

/*
 * sm_qid_key - the key of a Sendmail session's queue id in the session
 * table; bit 63 keeps it apart from the (host, pid) keys.
 */
static uint64_t
sm_qid_key(uint8_t host, struct span qid)
{
	return (hash64(qid.p, qid.len) ^ ((uint64_t)host * 0x9e37u)) |
	    (uint64_t)1 << 63;
}

/*
 * sendmail_event - Sendmail's joins, before the event is stored.  An
 * "AUTH failure" line counts one failure of its session (queue id); the
 * "possible SMTP attack" line then adds only the failures not logged one
 * by one (returns false when none is left).  AUTH=server remembers the
 * account of the (host, pid) session, which a later authenticated from=
 * line of that process and address takes, within a day.
 */
static bool
sendmail_event(struct loader *ld, const struct scan_event *se,
    struct event *e, uint32_t *count)
{
	const struct raw_event *ev = se->ev;
	struct session *s;
	uint64_t key;

	if (ev->kind == EV_AUTH_FAIL && ev->queue_id.len > 0 &&
	    e->host != TL_MAX_NAMES) {
		s = session_get(ld, sm_qid_key(e->host, ev->queue_id));
		if (!span_starts(ev->detail, "possible SMTP attack")) {
			s->fail1++;
			return true;
		}
		*count = *count > s->fail1 ? *count - s->fail1 : 0;
		s->fail1 += *count;
		return *count > 0;
	}
	key = session_key(e->host, se->env);
	if (key == 0)
		return true;
	if (ev->kind == EV_AUTH_OK && e->account != 0) {
		s = session_get(ld, key);
		s->account = e->account;
		s->fail1 = e->when;
	} else if (ev->kind == EV_SUBMIT) {
		*count = 1;	/* se->count is nrcpts */
		s = session_lookup(ld, key);
		if (s != NULL && s->account != 0 && e->account == 0 &&
		    e->when >= s->fail1 && e->when - s->fail1 < SM_SESSION_LIFE)
			e->account = s->account;
	}
	return true;
}

/* on_event - the scan callback: intern, store, follow sessions. */
static int
on_event(const struct scan_event *se, void *arg)
{
	struct loader *ld = arg;
	struct timeline *tl = ld->tl;
	const struct raw_event *ev = se->ev;
	bool postfix = se->env->tag.len > 0 &&
	    memchr(se->env->tag.p, '/', se->env->tag.len) != NULL;
	bool sendmail = !postfix && parse_sendmail_claims(se->env->tag);
	bool mta = postfix || sendmail || parse_exim_claims(se->env);
	struct event e;
	uint32_t idx = UINT32_MAX, count = se->count;

	if (se->when < 0 || se->when > (int64_t)UINT32_MAX) {
		tl->dropped++;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.host = host_index(ld, se->site, se->env->host.p, se->env->host.len);
	e.when = (uint32_t)se->when;
	if (kept(ev->kind)) {
		e.source = file_index(ld, se->file);
		e.account = intern_str_id(&tl->accounts, ev->account.p,
		    ev->account.len);
		e.ip = ev->has_ip ? intern_ip_id(&tl->ips, &ev->ip) : 0;
		e.line = se->line > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)se->line;
		e.kind = (uint8_t)ev->kind;
		e.service = cached_index(tl, tl->services, &tl->nservices,
		    &ld->last_svc, &ld->last_svc_len, se->service,
		    strlen(se->service));
		e.flags = store_flags(ev, mta);
		if (ev->kind != EV_DNSBL)
			note_name(tl, e.ip, ev->client_name);
	}
	if (sendmail && !sendmail_event(ld, se, &e, &count))
		return 0;
	if (mta && e.host != TL_MAX_NAMES)
		follow_mail(ld, se, &e, sendmail);
	if (kept(ev->kind))
		idx = append(tl, &e, count);
	if (postfix)
		track_session(ld, se, &e, idx);
	return 0;
}

static const struct event *sort_base;

static int
cmp_when(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t tx = sort_base[x].when, ty = sort_base[y].when;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * sort_by_time - stable sort of the store by time; links are renumbered.
 * Most logs are already in order, so that case costs one pass.
 */
static void
sort_by_time(struct timeline *tl, struct link *links, size_t nlinks)
{
	uint32_t *perm, *inv;
	struct event *sorted;
	size_t i;

	for (i = 1; i < tl->n; i++)
		if (tl->ev[i].when < tl->ev[i - 1].when)
			break;
	if (i >= tl->n)
		return;
	perm = bigmem_realloc(NULL, tl->n, sizeof(*perm));
	for (i = 0; i < tl->n; i++)
		perm[i] = (uint32_t)i;
	sort_base = tl->ev;
	qsort(perm, tl->n, sizeof(*perm), cmp_when);
	sorted = bigmem_realloc(NULL, tl->n, sizeof(*sorted));
	for (i = 0; i < tl->n; i++)
		sorted[i] = tl->ev[perm[i]];
	inv = perm;	/* reuse: inv[old] = new */
	{
		uint32_t *tmp = bigmem_realloc(NULL, tl->n, sizeof(*tmp));

		for (i = 0; i < tl->n; i++)
			tmp[perm[i]] = (uint32_t)i;
		bigmem_free(perm);
		inv = tmp;
	}
	for (i = 0; i < nlinks; i++) {
		links[i].ok = inv[links[i].ok];
		links[i].fail = inv[links[i].fail];
	}
	bigmem_free(inv);
	bigmem_free(tl->ev);
	tl->ev = sorted;
	tl->cap = tl->n;
}

/*
 * build_view - CSR grouping of event indices by key (account or ip id),
 * each group in time order (counting sort is stable).
 */
static void
build_view(const struct timeline *tl, size_t nkeys, bool by_ip,
    uint32_t **idx_out, uint32_t **start_out)
{
	uint32_t *start = bigmem_calloc(nkeys + 1, sizeof(*start));
	uint32_t *idx = bigmem_realloc(NULL, tl->n ? tl->n : 1, sizeof(*idx));
	uint32_t *fill;
	size_t i;

	for (i = 0; i < tl->n; i++)
		start[(by_ip ? tl->ev[i].ip : tl->ev[i].account) + 1]++;
	for (i = 1; i <= nkeys; i++)
		start[i] += start[i - 1];
	fill = xreallocarray(NULL, nkeys, sizeof(*fill));
	memcpy(fill, start, nkeys * sizeof(*fill));
	for (i = 0; i < tl->n; i++)
		idx[fill[by_ip ? tl->ev[i].ip : tl->ev[i].account]++] =
		    (uint32_t)i;
	free(fill);
	*idx_out = idx;
	*start_out = start;
}

/* is_backend_candidate - a Dovecot back-end line that names a user. */
static bool
is_backend_candidate(const struct event *e)
{
	return e->kind == EV_AUTH_BACKEND && e->account != 0 &&
	    !(e->flags & TLF_SESSION);
}

/* is_postfix_failure - a Postfix SASL warning or an Exim failure. */
static bool
is_postfix_failure(const struct event *e)
{
	return e->kind == EV_AUTH_FAIL && (e->flags & TLF_POSTFIX);
}

/*
 * score - how well a back-end line dt seconds before the Postfix warning
 * fits: Dovecot holds a failure reply for auth_failure_delay (2 s) before
 * Postfix logs it, so 2 s is best, and earlier beats later.
 */
static int64_t
score(int64_t dt)
{
	int64_t off = dt - 2;

	return (off < 0 ? -off * 2 + 1 : off * 2);
}

/*
 * same_host - both lines from one server.  A line without a host (Exim's
 * own mainlog, Dovecot's log_path file) was written on the server whose
 * syslog holds the other: it matches any host of its host folder (or of
 * none).  "other" matches nothing.
 */
static bool
same_host(const struct timeline *tl, const struct event *a,
    const struct event *b)
{
	if (a->host == TL_MAX_NAMES || b->host == TL_MAX_NAMES)
		return false;
	return a->host == b->host || ((tl->hosts[a->host][0] == '\0' ||
	    tl->hosts[b->host][0] == '\0') &&
	    same_site(tl->host_site[a->host], tl->host_site[b->host]));
}

/*
 * match_one - the back-end line for Postfix failure p among the events
 * v[lo..n) of one address: the unused candidate whose delay fits best,
 * the oldest of equals (Dovecot answers in the order it checked).
 * Returns its position or -1, and says whether another unused candidate
 * naming another user fitted as well.
 */
static ptrdiff_t
match_one(struct timeline *tl, const uint32_t *v, size_t lo, size_t n,
    const struct event *p, const uint8_t *used, bool *tie)
{
	ptrdiff_t best = -1;
	int64_t bests = 0;
	size_t j;

	*tie = false;
	for (j = lo; j < n; j++) {
		const struct event *d = &tl->ev[v[j]];
		int64_t dt = (int64_t)p->when - (int64_t)d->when;

		if (dt < -ATTR_AFTER)
			break;
		if (dt > ATTR_BEFORE || used[j] || !same_host(tl, d, p) ||
		    !is_backend_candidate(d))
			continue;
		if (p->account != 0 && d->account != p->account)
			continue;
		if (best < 0 || score(dt) < bests) {
			best = (ptrdiff_t)j;
			bests = score(dt);
			*tie = false;
		} else if (score(dt) == bests &&
		    tl->ev[v[best]].account != d->account)
			*tie = true;
	}
	return best;
}

/* attribute_ip - greedy one-to-one matching for one address. */
static void
attribute_ip(struct timeline *tl, const uint32_t *v, size_t n, uint8_t *used)
{
	size_t i, lo = 0;
	bool tie;

	memset(used, 0, n);
	for (i = 0; i < n; i++) {
		struct event *p = &tl->ev[v[i]];
		ptrdiff_t j;

		tl_prefetch(tl->ev, v, i, n);
		if (!is_postfix_failure(p))
			continue;
		while (lo < n && (int64_t)p->when -
		    (int64_t)tl->ev[v[lo]].when > ATTR_BEFORE)
			lo++;
		if ((j = match_one(tl, v, lo, n, p, used, &tie)) < 0)
			continue;
		used[j] = 1;
		if (p->account != 0)
			continue;	/* confirmed by the back-end line */
		p->account = tl->ev[v[j]].account;
		p->flags |= TLF_ATTRIBUTED | (tie ? TLF_AMBIGUOUS : 0);
		tl->attributed++;
		tl->ambiguous += tie;
	}
}

static void
attribute(struct timeline *tl)
{
	uint8_t *used;
	uint32_t ip, maxn = 1;

	for (ip = 1; ip < tl->ips.n; ip++)
		if (tl->ip_start[ip + 1] - tl->ip_start[ip] > maxn)
			maxn = tl->ip_start[ip + 1] - tl->ip_start[ip];
	used = xmalloc(maxn);
	for (ip = 1; ip < tl->ips.n; ip++)
		attribute_ip(tl, tl->by_ip + tl->ip_start[ip],
		    tl->ip_start[ip + 1] - tl->ip_start[ip], used);
	free(used);
}

/* is_sasl_candidate - a saslauthd failure of the smtp service. */
static bool
is_sasl_candidate(const struct event *e, int smtp)
{
	return e->kind == EV_AUTH_BACKEND && e->ip == 0 && e->account != 0 &&
	    (int)e->service == smtp;
}

/*
 * sasl_match - the saslauthd line for MTA failure p among the
 * candidates c[lo..n): unused, same host, written 0 to SASL_WINDOW s
 * before.  saslauthd logs no address, so a failure is given an account
 * only when every such candidate names the same one (the latest is then
 * used up); several accounts make it ambiguous (*amb).  A failure that
 * names its user uses up a candidate of that user.
 */
static ptrdiff_t
sasl_match(const struct timeline *tl, const uint32_t *c, size_t lo,
    size_t n, const struct event *p, const uint8_t *used, bool *amb)
{
	ptrdiff_t best = -1;
	size_t j;

	*amb = false;
	for (j = lo; j < n; j++) {
		const struct event *d = &tl->ev[c[j]];

		if (d->when > p->when)
			break;
		if (used[j] || d->host != p->host || d->host == TL_MAX_NAMES ||
		    (p->account != 0 && d->account != p->account))
			continue;
		if (best >= 0 && tl->ev[c[best]].account != d->account)
			*amb = true;
		best = (ptrdiff_t)j;
	}
	return *amb ? -1 : best;
}

/*
 * attribute_sasl - formats.md 10 rule 3: Postfix and Sendmail failures
 * that name no user, against saslauthd's address-less lines.
 */
static void
attribute_sasl(struct timeline *tl)
{
	int smtp = timeline_service_index(tl, "smtp");
	uint32_t *c;
	uint8_t *used;
	size_t i, n = 0, lo = 0;
	ptrdiff_t j;
	bool amb;

	if (smtp < 0)
		return;
	c = xreallocarray(NULL, tl->n ? tl->n : 1, sizeof(*c));
	for (i = 0; i < tl->n; i++)
		if (is_sasl_candidate(&tl->ev[i], smtp))
			c[n++] = (uint32_t)i;
	used = xcalloc(n ? n : 1, 1);
	for (i = 0; i < tl->n && n > 0; i++) {
		struct event *p = &tl->ev[i];

		if (!is_postfix_failure(p) || (p->flags & TLF_ATTRIBUTED))
			continue;
		while (lo < n && tl->ev[c[lo]].when + SASL_WINDOW < p->when)
			lo++;
		if ((j = sasl_match(tl, c, lo, n, p, used, &amb)) >= 0) {
			used[j] = 1;
			if (p->account != 0)
				continue;
			p->account = tl->ev[c[j]].account;
			p->flags |= TLF_ATTRIBUTED;
			tl->attributed++;
		} else if (amb && p->account == 0) {
			p->flags |= TLF_AMBIGUOUS;
			tl->ambiguous++;
		}
	}
	free(used);
	free(c);
}

/* resolve_links - successes inside sessions whose failures named a user. */
static void
resolve_links(struct timeline *tl, const struct link *links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct event *ok = &tl->ev[links[i].ok];
		const struct event *f = &tl->ev[links[i].fail];

		if (ok->account == 0 && f->account != 0) {
			ok->account = f->account;
			tl->session_links++;
		}
	}
}

static const struct message *msg_base;

static int
cmp_msg(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct message *p = &msg_base[x], *q = &msg_base[y];

	if (p->account != q->account)
		return p->account < q->account ? -1 : 1;
	if (p->when != q->when)
		return p->when < q->when ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* build_msg_view - ledger messages grouped by account, in time order. */
static void
build_msg_view(struct timeline *tl)
{
	size_t i, n = tl->ledger.n;
	uint32_t *idx = bigmem_realloc(NULL, n ? n : 1, sizeof(*idx));
	uint32_t *start = bigmem_calloc(tl->accounts.n + 1, sizeof(*start));

	uint32_t *put = bigmem_realloc(NULL, tl->accounts.n + 1, sizeof(*put));
	const struct message *m = tl->ledger.msg;
	uint32_t a, k;

	for (i = 0; i < n; i++)
		start[m[i].account + 1]++;
	for (i = 1; i <= tl->accounts.n; i++)
		start[i] += start[i - 1];
	/*
	 * A counting sort by account keeps each account's messages in the
	 * order they were logged: in time order, unless the files overlap or
	 * a clock stepped back.  Only such a group is sorted by time.
	 */
	memcpy(put, start, (tl->accounts.n + 1) * sizeof(*put));
	for (i = 0; i < n; i++)
		idx[put[m[i].account]++] = (uint32_t)i;
	msg_base = m;
	for (a = 0; a < tl->accounts.n; a++)
		for (k = start[a] + 1; k < start[a + 1]; k++)
			if (m[idx[k]].when < m[idx[k - 1]].when) {
				qsort(idx + start[a], start[a + 1] - start[a],
				    sizeof(*idx), cmp_msg);
				break;
			}
	bigmem_free(put);
	tl->msg_by_account = idx;
	tl->msg_account_start = start;
}

int
timeline_build(struct timeline *tl, const struct source_list *files,
    const struct scan_opts *o)
{
	struct loader ld;
	int rc;

	memset(tl, 0, sizeof(*tl));
	memset(&ld, 0, sizeof(ld));
	intern_str_init(&tl->accounts, &tl->arena);
	intern_str_init(&tl->names, &tl->arena);
	intern_ip_init(&tl->ips);
	ledger_init(&tl->ledger);
	ld.tl = tl;
	rc = scan_run(files, o, on_event, &ld, &tl->stats);
	if (tl->dropped > 0) {
		/* The store keeps 32-bit times: 1970 to 2106. */
		diag_warn(NULL, 0, "%llu line(s) dated before 1970 or after "
		    "2106 skipped", (unsigned long long)tl->dropped);
		tl->stats.skipped += tl->dropped;
	}
	free(ld.sess);
	free(ld.fkey);
	free(ld.fval);
	sort_by_time(tl, ld.links, ld.nlinks);
	build_view(tl, tl->ips.n, true, &tl->by_ip, &tl->ip_start);
	attribute(tl);
	attribute_sasl(tl);
	resolve_links(tl, ld.links, ld.nlinks);
	free(ld.links);
	build_view(tl, tl->accounts.n, false, &tl->by_account,
	    &tl->account_start);
	build_msg_view(tl);
	diag_info("timeline: %zu events, %u accounts, %u addresses, "
	    "%llu failures attributed (%llu ambiguous), %llu successes "
	    "linked to a session's account", tl->n, tl->accounts.n - 1,
	    tl->ips.n - 1, (unsigned long long)tl->attributed,
	    (unsigned long long)tl->ambiguous,
	    (unsigned long long)tl->session_links);
	return rc;
}

void
timeline_release(struct timeline *tl)
{
	ledger_release(&tl->ledger);
	bigmem_free(tl->msg_by_account);
	bigmem_free(tl->msg_account_start);
	intern_str_release(&tl->names);
	free(tl->ip_name);
	intern_str_release(&tl->accounts);
	intern_ip_release(&tl->ips);
	free(tl->files);
	bigmem_free(tl->ev);
	bigmem_free(tl->by_account);
	bigmem_free(tl->account_start);
	bigmem_free(tl->by_ip);
	bigmem_free(tl->ip_start);
	arena_release(&tl->arena);
	memset(tl, 0, sizeof(*tl));
}

const char *
timeline_account(const struct timeline *tl, uint32_t id)
{
	return intern_str_get(&tl->accounts, id, NULL);
}

const char *
timeline_ip_name(const struct timeline *tl, uint32_t ip)
{
	if (ip == 0 || ip >= tl->ip_name_cap)
		return "";
	return intern_str_get(&tl->names, tl->ip_name[ip], NULL);
}

const struct ipaddr *
timeline_ip(const struct timeline *tl, uint32_t id)
{
	return intern_ip_get(&tl->ips, id);
}

int
timeline_service_index(const struct timeline *tl, const char *name)
{
	unsigned i;

	for (i = 0; i < tl->nservices; i++)
		if (strcmp(tl->services[i], name) == 0)
			return (int)i;
	return -1;
}

bool
event_counts_as_failure(const struct event *e)
{
	return e->kind == EV_AUTH_FAIL && !(e->flags & TLF_NO_PASSWORD);
}
