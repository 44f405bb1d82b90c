/*
 * io/yearinfer.h - the year of year-less (BSD) time stamps.
 *
 * formats.md section 11.  Each file gets an anchor: the best date it
 * carries (a dateext name, the mtime of an uncompressed file, the gzip
 * header MTIME, --year).  The anchor dates the file's last line.  Going
 * forward through the file, the year rolls over when the month jumps
 * backwards by six months or more (Dec -> Jan); smaller backward steps
 * (several hosts, clock skew, the autumn DST repeat) never roll.  A line
 * whose month is six or more months ahead of the current one is a
 * straggler from the previous year.  Feb 29 only exists in leap years:
 * logtime_civil() refuses it otherwise.
 */
#ifndef SUBSUBMIT_IO_YEARINFER_H
#define SUBSUBMIT_IO_YEARINFER_H

#include <stdbool.h>
#include <stdint.h>

#include "io/envelope.h"

enum anchor_kind {
	ANCHOR_NONE = 0,
	ANCHOR_OPTION,		/* --year */
	ANCHOR_CONTENT,		/* a full date inside the file */
	ANCHOR_DATEEXT,		/* -YYYYMMDD in the name */
	ANCHOR_MTIME,		/* mtime of an uncompressed file */
	ANCHOR_GZIP_MTIME,	/* gzip header MTIME */
	ANCHOR_PREVIOUS,	/* carried over from the previous file */
	ANCHOR_CLOCK,		/* the current time: last resort, warned */
};

struct year_anchor {
	enum anchor_kind kind;
	int32_t		year;
	int		mon, mday;	/* date of (or after) the last line */
};

const char *anchor_kind_name(enum anchor_kind);

/* year_anchor_from_epoch - the anchor for a Unix time (UTC date). */
void	year_anchor_from_epoch(struct year_anchor *, enum anchor_kind,
    int64_t epoch);

struct year_walk {
	int32_t		year;		/* year of the current month */
	int		ref_mon;	/* 0 before the first line */
	uint32_t	rollovers;
};

/*
 * year_walk_start - start a file whose first year-less line has month
 * first_mon and day first_mday, knowing that the file rolls over
 * rollovers times before its last line (0 when unknown) and that its last
 * line is dated on or before the anchor.
 */
void	year_walk_start(struct year_walk *, const struct year_anchor *,
    int first_mon, int first_mday, uint32_t rollovers);

/*
 * year_walk_start_last - start a file whose last line (month last_mon, day
 * last_mday) and number of rollovers are known from a pre-scan.
 */
void	year_walk_start_last(struct year_walk *, const struct year_anchor *,
    int last_mon, int last_mday, uint32_t rollovers);

/*
 * year_walk_next - the year for a line of month mon (BSD stamp), updating
 * the walk.  For a line that carries its own year, call year_walk_sync().
 */
int32_t	year_walk_next(struct year_walk *, int mon);
void	year_walk_sync(struct year_walk *, int32_t year, int mon);

/*
 * year_count_step - helper for a pre-scan: feed months in file order, get
 * how many times the year rolls.  *state starts at 0.  Returns true when
 * the line is a straggler from the previous year.
 */
bool	year_count_step(int *state, uint32_t *rollovers, int mon);

#endif
