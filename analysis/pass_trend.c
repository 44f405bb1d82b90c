/*
 * analysis/pass_trend.c - failures per period and service.
 *
 * One walk over the time-sorted store.  Periods are integer keys (years,
 * months since year 0, Monday-based week numbers, days) so that the table
 * runs without gaps from the first key to the last.  Distinct addresses
 * and accounts of a period are counted by sorting the (service, id) pairs
 * collected for that period alone, so memory follows the busiest period,
 * not the number of addresses ever seen.
 */
#include "analysis/pass_trend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/envelope.h"
#include "io/xalloc.h"

static const char *const canonical[] = {
	"submission", "smtps", "smtp", "imap", "pop3", "managesieve",
};

bool
trend_parse_unit(const char *s, enum trend_unit *out)
{
	static const char *const names[] = { "year", "month", "week", "day" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum trend_unit)i;
			return true;
		}
	return false;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* period_key - the period of civil seconds t. */
static int64_t
period_key(enum trend_unit u, int64_t t)
{
	int64_t days = floor_div(t, 86400);
	int32_t y;
	int m, d;

	switch (u) {
	case TREND_DAY:
		return days;
	case TREND_WEEK:
		/* 1970-01-01 was a Thursday: Monday-based week numbers. */
		return floor_div(days + 3, 7);
	default:
		civil_from_days(days, &y, &m, &d);
		return u == TREND_YEAR ? y : (int64_t)y * 12 + (m - 1);
	}
}

/* period_label - text and year of a period key. */
static void
period_label(enum trend_unit u, int64_t key, char *buf, int32_t *year)
{
	int32_t y;
	int m, d;

	switch (u) {
	case TREND_YEAR:
		*year = (int32_t)key;
		snprintf(buf, TREND_LABEL_MAX, "%04d", (int)key);
		break;
	case TREND_MONTH:
		*year = (int32_t)floor_div(key, 12);
		snprintf(buf, TREND_LABEL_MAX, "%04d-%02d", (int)*year,
		    (int)(key - (int64_t)*year * 12) + 1);
		break;
	case TREND_WEEK: {
		/* The ISO year and week are those of the week's Thursday. */
		int64_t thu = key * 7;	/* Monday is key * 7 - 3 */

		civil_from_days(thu, &y, &m, &d);
		*year = y;
		snprintf(buf, TREND_LABEL_MAX, "%04d-W%02d", (int)y,
		    (int)((thu - days_from_civil(y, 1, 1)) / 7 + 1));
		break;
	}
	case TREND_DAY:
		civil_from_days(key, &y, &m, &d);
		*year = y;
		snprintf(buf, TREND_LABEL_MAX, "%04d-%02d-%02d", (int)y, m, d);
		break;
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* pick_services - the columns: the caller's list or those with failures. */
static void
pick_services(const struct timeline *tl, const char *const *only,
    size_t nonly, struct trend *t)
{
	bool seen[TL_MAX_NAMES + 1] = { false };
	const char **rest;
	size_t i, nrest = 0, k;

	t->svc = xcalloc(nonly + tl->nservices + 1, sizeof(*t->svc));
	if (only != NULL) {
		for (i = 0; i < nonly; i++)
			t->svc[t->nsvc++] = only[i];
		return;
	}
	for (i = 0; i < tl->n; i++)
		if (event_counts_as_failure(&tl->ev[i]))
			seen[tl->ev[i].service] = true;
	for (k = 0; k < sizeof(canonical) / sizeof(canonical[0]); k++) {
		int s = timeline_service_index(tl, canonical[k]);

		if (s >= 0 && seen[s]) {
			t->svc[t->nsvc++] = tl->services[s];
			seen[s] = false;
		}
	}
	rest = xcalloc(tl->nservices + 1, sizeof(*rest));
	for (i = 0; i < tl->nservices; i++)
		if (seen[i])
			rest[nrest++] = tl->services[i];
	qsort(rest, nrest, sizeof(*rest), cmp_str);
	for (i = 0; i < nrest; i++)
		t->svc[t->nsvc++] = rest[i];
	free(rest);
}

/* A (service column, id) pair collected for one period. */
struct pair {
	uint32_t	col;
	uint32_t	id;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* count_distinct - distinct ids per column into out[col]. */
static void
count_distinct(struct pair *v, size_t n, uint32_t *out)
{
	size_t i;

	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_pair);
	for (i = 0; i < n; i++)
		if (i == 0 || cmp_pair(&v[i], &v[i - 1]) != 0)
			out[v[i].col]++;
}

struct acc {
	struct pair	*ips, *accts;
	size_t		 nips, naccts, cap;
};

static void
acc_add(struct acc *a, uint32_t col, const struct event *e)
{
	if (a->nips == a->cap || a->naccts == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->ips = xreallocarray(a->ips, a->cap, sizeof(*a->ips));
		a->accts = xreallocarray(a->accts, a->cap, sizeof(*a->accts));
	}
	if (e->ip != 0)
		a->ips[a->nips++] = (struct pair){ col, e->ip };
	if (e->account != 0)
		a->accts[a->naccts++] = (struct pair){ col, e->account };
}

/* flush - distinct counts of the period just finished. */
static void
flush(struct acc *a, struct trend *t, size_t p)
{
	count_distinct(a->ips, a->nips, t->ips + p * t->nsvc);
	count_distinct(a->accts, a->naccts, t->accounts + p * t->nsvc);
	a->nips = a->naccts = 0;
}

/* allocate - the period table from first to last key. */
static void
allocate(struct trend *t, int64_t first, int64_t last)
{
	size_t p, cells;

	t->nperiods = (size_t)(last - first + 1);
	cells = st_mult(t->nperiods, t->nsvc ? t->nsvc : 1);
	t->label = xcalloc(t->nperiods, sizeof(*t->label));
	t->year = xcalloc(t->nperiods, sizeof(*t->year));
	t->failures = xcalloc(cells, sizeof(*t->failures));
	t->ips = xcalloc(cells, sizeof(*t->ips));
	t->accounts = xcalloc(cells, sizeof(*t->accounts));
	for (p = 0; p < t->nperiods; p++)
		period_label(t->unit, first + (int64_t)p, t->label[p],
		    &t->year[p]);
}

void
trend_compute(const struct timeline *tl, enum trend_unit u,
    const char *const *only, size_t nonly, struct trend *t)
{
	int col_of[TL_MAX_NAMES + 1];
	int64_t first = 0, last = -1, key, cur = INT64_MIN;
	struct acc a = { 0 };
	size_t i, k;

	memset(t, 0, sizeof(*t));
	t->unit = u;
	pick_services(tl, only, nonly, t);
	for (i = 0; i <= TL_MAX_NAMES; i++) {
		col_of[i] = -1;
		for (k = 0; i < tl->nservices && k < t->nsvc; k++)
			if (strcmp(tl->services[i], t->svc[k]) == 0)
				col_of[i] = (int)k;
	}
	for (i = 0; i < tl->n; i++) {
		const struct event *e = &tl->ev[i];

		if (!event_counts_as_failure(e) || col_of[e->service] < 0)
			continue;
		key = period_key(u, e->when);
		if (last < first)
			first = key;
		last = key;
	}
	if (last < first)
		return;
	allocate(t, first, last);
	for (i = 0; i < tl->n; i++) {
		const struct event *e = &tl->ev[i];
		int col = col_of[e->service];

		if (!event_counts_as_failure(e) || col < 0)
			continue;
		key = period_key(u, e->when);
		if (key != cur && cur != INT64_MIN)
			flush(&a, t, (size_t)(cur - first));
		cur = key;
		t->failures[(size_t)(key - first) * t->nsvc + (size_t)col] +=
		    e->count;
		acc_add(&a, (uint32_t)col, e);
	}
	flush(&a, t, (size_t)(cur - first));
	free(a.ips);
	free(a.accts);
}

void
trend_release(struct trend *t)
{
	free(t->label);
	free(t->year);
	free(t->svc);
	free(t->failures);
	free(t->ips);
	free(t->accounts);
	memset(t, 0, sizeof(*t));
}
