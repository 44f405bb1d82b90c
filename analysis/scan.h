/*
 * analysis/scan.h - the read pipeline: files -> lines -> envelopes ->
 * events, with years inferred, duplicates across rotated files dropped
 * and the --since/--until window applied.
 *
 * scan_run() walks the file list in order (oldest first) and calls the
 * caller's function once per event, in file order.  Nothing is kept
 * beyond the current file and the previous file's duplicate table, so
 * memory stays flat however long the input is.
 */
#ifndef SUBSUBMIT_ANALYSIS_SCAN_H
#define SUBSUBMIT_ANALYSIS_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "io/envelope.h"
#include "io/event.h"
#include "io/sbuf.h"
#include "io/source.h"

struct service_map_entry {
	const char	*name;		/* syslog name or component */
	const char	*service;	/* service to report */
};

struct scan_opts {
	int32_t		year;		/* --year: the year of the last line
					   of each file without a better anchor;
					   0 = none */
	bool		has_since, has_until;
	int64_t		since, until;	/* civil seconds: [since, until) */
	const struct service_map_entry *smap;
	size_t		nsmap;
	int64_t		now;		/* clock, for the last-resort anchor */
	int		jobs;		/* -j: parse threads; 0 = default */
	uint32_t	batch_lines;	/* lines in a batch at most; 0 = as
					   fits (tests make seams with it) */
};

#define MAX_JOBS	256
#define DEFAULT_JOBS	8	/* without -j: one per online core, at most */

/*
 * scan_jobs - the parse threads of a scan: o->jobs, or one per online
 * core up to DEFAULT_JOBS.
 */
int	scan_jobs(const struct scan_opts *o);

struct scan_event {
	const struct raw_event	*ev;
	const struct envelope	*env;	/* time, host, tag and pid; the
					   message text is not kept (msg empty) */
	int64_t			 when;	/* civil seconds (wall clock as UTC) */
	const char		*service;	/* resolved service name */
	const char		*file;		/* display name */
	const char		*site;		/* the file's host sub-folder,
						   NULL if none (source_file) */
	uint64_t		 line;
	uint32_t		 count;		/* attempts incl. repeats */
};

/* Return non-zero to stop the scan (e.g. output error). */
typedef int (*scan_fn)(const struct scan_event *, void *arg);

struct scan_stats {
	uint64_t	files;		/* files read */
	uint64_t	unreadable;	/* files that could not be opened */
	uint64_t	damaged;	/* truncated or corrupt */
	uint64_t	lines;
	uint64_t	events;		/* recognized, before the window */
	uint64_t	emitted;	/* passed to the caller */
	uint64_t	skipped;	/* bad envelope, bad date, bad record */
	uint64_t	overlong;
	uint64_t	duplicates;	/* dropped as copies from another file */
	uint64_t	bytes_in;	/* compressed bytes */
	uint64_t	bytes_out;	/* decompressed bytes */
	int64_t		first, last;	/* civil times of the lines read */
	int64_t		gap, gap_at;	/* longest silence and its start */
	bool		have_time;
};

/*
 * scan_run - read every file of the list and call fn for each event.
 * Files that cannot be opened are reported (diag_error) and counted in
 * stats->unreadable; the others are still read.  Returns 0, or the
 * non-zero value fn returned.
 */
int	scan_run(const struct source_list *, const struct scan_opts *,
    scan_fn fn, void *arg, struct scan_stats *stats);

/*
 * scan_parse_time - parse a --since/--until argument: "YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD HH:MM[:SS]".  Stores civil
 * seconds.  Returns false on anything else.
 */
bool	scan_parse_time(const char *s, int64_t *out);

/*
 * scan_format_time - ISO 8601 text of civil seconds into buf (at least
 * 32 bytes), with "+hh:mm" when has_off.  Returns buf.
 */
char	*scan_format_time(int64_t when, bool has_off, int off_min, char *buf);

#endif
