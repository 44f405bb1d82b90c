/*
 * io/statefile.h - the audit's memory of what it already reported.
 *
 * The file is CSV: a header "account,verdict,first_seen", one row per
 * reported account, and a last line "# end N" with the number of rows, so
 * that a truncated file is recognized as damaged.  A damaged file is an
 * error naming the file and line, never silently reset.  It is replaced
 * atomically (temporary file in the same folder, fsync, rename, fsync of
 * the folder) while a lock (flock on FILE.lock) keeps two overlapping
 * runs apart.
 */
#ifndef SUBSUBMIT_IO_STATEFILE_H
#define SUBSUBMIT_IO_STATEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "io/sbuf.h"

struct state_row {
	char		*account;	/* raw bytes, NUL-terminated copy */
	char		 verdict[12];
	int64_t		 first_seen;	/* civil seconds */
};

struct state {
	struct state_row	*v;
	size_t			 n, cap;
	int			 lock_fd;	/* -1 when not locked */
};

void	state_init(struct state *);
/* state_release - free rows and drop the lock. */
void	state_release(struct state *);

/*
 * state_lock - take the lock of path (creating path.lock); waits for a
 * running audit.  Returns 0, or -1 with a message in err.
 */
int	state_lock(struct state *, const char *path, struct sbuf *err);

/*
 * state_parse - parse a state file's bytes (used by state_read and the
 * fuzzer).  Returns 0, or -1 with "NAME:LINE: why" in err.
 */
int	state_parse(struct state *, const char *name, const char *buf,
    size_t len, struct sbuf *err);

/*
 * state_read - read path; a missing file is an empty state.  Returns 0,
 * or -1 with a message in err (unreadable or damaged).
 */
int	state_read(struct state *, const char *path, struct sbuf *err);

/* state_find - the row of an account, or NULL. */
struct state_row *state_find(struct state *, const char *account, size_t len);

/* state_add - append a row (copies account). */
void	state_add(struct state *, const char *account, size_t len,
    const char *verdict, int64_t first_seen);

/* state_write - replace path atomically.  Returns 0 or -1 with err. */
int	state_write(const struct state *, const char *path, struct sbuf *err);

#endif
