/*
 * analysis/pass_trend.h - authentication failures per period and service
 * over the years: the numbers behind "subsubmit errors" and the chart of
 * "subsubmit plot-errors".
 *
 * Counting rules (formats.md 12): a Postfix SASL failure warning counts 1
 * for the service of its syslog name, a Dovecot login-process line "auth
 * failed, N attempts" counts N for its protocol, a repeat record counts
 * its N; back-end lines never count (they name the user of a failure
 * counted elsewhere), nor do failures where no password was checked
 * (plaintext refused, unknown mechanism).
 */
#ifndef SUBSUBMIT_ANALYSIS_PASS_TREND_H
#define SUBSUBMIT_ANALYSIS_PASS_TREND_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/timeline.h"

enum trend_unit {
	TREND_YEAR,
	TREND_MONTH,
	TREND_WEEK,	/* ISO 8601 weeks, Monday first */
	TREND_DAY,
};

#define TREND_LABEL_MAX	32

struct trend {
	enum trend_unit	 unit;
	size_t		 nperiods;	/* first to last failure, no gaps */
	char		(*label)[TREND_LABEL_MAX];	/* "2019-03", ... */
	int32_t		*year;		/* (ISO) year of each period */
	size_t		 nsvc;
	const char	**svc;		/* column names, owned by the timeline
					   or by the caller's list */
	uint64_t	*failures;	/* [period * nsvc + svc] */
	uint32_t	*ips;		/* distinct client addresses */
	uint32_t	*accounts;	/* distinct attributed accounts */
};

/*
 * trend_compute - fill t from the timeline.  only/nonly restrict and
 * order the services (NULL: every service with a failure, submission,
 * smtps, smtp, imap, pop3, managesieve first, then the others by name).
 */
void	trend_compute(const struct timeline *, enum trend_unit,
    const char *const *only, size_t nonly, struct trend *t);
void	trend_release(struct trend *);

/* trend_parse_unit - "year", "month", "week", "day". */
bool	trend_parse_unit(const char *s, enum trend_unit *out);

#endif
