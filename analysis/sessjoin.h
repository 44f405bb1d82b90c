/*
 * analysis/sessjoin.h - the client address of session-keyed lines.
 *
 * OpenSMTPD writes the client address only on a session's connect line;
 * its authentication lines carry just the session id.  scan_run() keeps
 * one table: a connect event with a session id and an address records
 * (host, session) -> address, a later event of that session without an
 * address gets it, and a disconnect forgets the session.  Entries of
 * sessions whose end was never logged are dropped a day after their
 * connect, when the table grows.
 */
#ifndef SUBSUBMIT_ANALYSIS_SESSJOIN_H
#define SUBSUBMIT_ANALYSIS_SESSJOIN_H

#include <stddef.h>
#include <stdint.h>

#include "io/envelope.h"
#include "io/event.h"

struct sj_slot;

struct sessjoin {
	struct sj_slot	*slot;
	size_t		 cap, n;
};

void	sessjoin_init(struct sessjoin *);
/* sessjoin_release - free the table; a zeroed one is a no-op. */
void	sessjoin_release(struct sessjoin *);

/*
 * sessjoin_apply - record, fill in or forget the address of ev's
 * session (see above); events without a session id are left alone.
 * when is the event's time in civil seconds.
 */
void	sessjoin_apply(struct sessjoin *, const struct envelope *env,
    struct raw_event *ev, int64_t when);

#endif
