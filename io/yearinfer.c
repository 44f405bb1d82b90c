/*
 * io/yearinfer.c - giving BSD time stamps their year (formats.md 11).
 *
 * The walk runs forward through a file (and on into the next file of the
 * set): a backward month jump of six months or more is a New Year, a
 * forward jump of six months or more is a straggler from the previous
 * year, anything smaller is ordinary disorder (several hosts, clock skew,
 * the autumn DST repeat) and changes nothing.  Where the walk starts is
 * decided from the file's anchor, which dates its last line.
 */
#include "io/yearinfer.h"

#include <stddef.h>

static const char *const anchor_names[] = {
	[ANCHOR_NONE] = "none",
	[ANCHOR_OPTION] = "--year",
	[ANCHOR_CONTENT] = "dated lines",
	[ANCHOR_DATEEXT] = "dateext name",
	[ANCHOR_MTIME] = "file mtime",
	[ANCHOR_GZIP_MTIME] = "gzip header mtime",
	[ANCHOR_PREVIOUS] = "previous file",
	[ANCHOR_CLOCK] = "current time",
};

const char *
anchor_kind_name(enum anchor_kind k)
{
	if ((size_t)k >= sizeof(anchor_names) / sizeof(anchor_names[0]))
		return "?";
	return anchor_names[k];
}

/* year_anchor_from_epoch - the UTC calendar date of a Unix time. */
void
year_anchor_from_epoch(struct year_anchor *a, enum anchor_kind kind,
    int64_t epoch)
{
	int64_t days = epoch / 86400;

	if (epoch % 86400 < 0)
		days--;
	a->kind = kind;
	civil_from_days(days, &a->year, &a->mon, &a->mday);
}

/*
 * after_anchor - true when month/day lies more than a day after the
 * anchor's month/day in the same year.  The day of slack absorbs the
 * difference between a UTC anchor and local time stamps.
 */
static bool
after_anchor(const struct year_anchor *a, int mon, int mday)
{
	return mon * 31 + mday > a->mon * 31 + a->mday + 1;
}

void
year_walk_start(struct year_walk *w, const struct year_anchor *a,
    int first_mon, int first_mday, uint32_t rollovers)
{
	int32_t y = a->year - (int32_t)rollovers;

	if (rollovers == 0 && after_anchor(a, first_mon, first_mday))
		y--;
	w->year = y;
	w->ref_mon = 0;
	w->rollovers = 0;
}

/*
 * year_walk_start_last - like year_walk_start when the last line's date
 * and the number of rollovers are known (a pre-scanned plain file).
 */
void
year_walk_start_last(struct year_walk *w, const struct year_anchor *a,
    int last_mon, int last_mday, uint32_t rollovers)
{
	int32_t last = a->year;

	if (after_anchor(a, last_mon, last_mday))
		last--;
	w->year = last - (int32_t)rollovers;
	w->ref_mon = 0;
	w->rollovers = 0;
}

int32_t
year_walk_next(struct year_walk *w, int mon)
{
	if (w->ref_mon == 0) {
		w->ref_mon = mon;
		return w->year;
	}
	if (w->ref_mon - mon >= 6) {
		w->year++;
		w->rollovers++;
		w->ref_mon = mon;
		return w->year;
	}
	if (mon - w->ref_mon > 6)
		return w->year - 1;
	w->ref_mon = mon;
	return w->year;
}

void
year_walk_sync(struct year_walk *w, int32_t year, int mon)
{
	w->year = year;
	w->ref_mon = mon;
}

bool
year_count_step(int *state, uint32_t *rollovers, int mon)
{
	if (*state == 0) {
		*state = mon;
		return false;
	}
	if (*state - mon >= 6) {
		(*rollovers)++;
		*state = mon;
		return false;
	}
	if (mon - *state > 6)
		return true;
	*state = mon;
	return false;
}
