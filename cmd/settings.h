/*
 * cmd/settings.h - the detection settings of report, timeline and audit:
 * geo and ASN files, home country, trusted networks, thresholds.  They
 * come from --config FILE and from options; options win.
 */
#ifndef SUBSUBMIT_CMD_SETTINGS_H
#define SUBSUBMIT_CMD_SETTINGS_H

#include <stdbool.h>

#include "analysis/origin.h"
#include "analysis/pass_abuse.h"

#define SETTINGS_MAX_GEO	8
#define SETTINGS_MAX_TRUSTED	64

struct settings {
	const char	*geo[SETTINGS_MAX_GEO];
	size_t		 ngeo;
	const char	*asn;
	const char	*home;
	const char	*trusted[SETTINGS_MAX_TRUSTED];
	size_t		 ntrusted;
	struct abuse_opts abuse;
	const char	*config;	/* --config FILE */
	bool		 seen[16];	/* thresholds set by options */
	char		 home_buf[3];
	char		*config_text;	/* owned: strings point into it */
	struct origin_db *db;		/* settings_finish()'s */
};

/* Long option ids of the settings (after cmd/opts.h's). */
enum {
	OPT_GEO = 512,
	OPT_ASN,
	OPT_HOME,
	OPT_TRUSTED,
	OPT_CONFIG,
	OPT_THRESHOLD,
};

#define SETTINGS_LONG_OPTIONS \
	{ "geo", required_argument, NULL, OPT_GEO }, \
	{ "asn", required_argument, NULL, OPT_ASN }, \
	{ "home", required_argument, NULL, OPT_HOME }, \
	{ "trusted", required_argument, NULL, OPT_TRUSTED }, \
	{ "config", required_argument, NULL, OPT_CONFIG }, \
	{ "threshold", required_argument, NULL, OPT_THRESHOLD }

void	settings_init(struct settings *);
void	settings_release(struct settings *);

/*
 * settings_option - record one settings option from the command line;
 * 1 handled, 0 not a settings option, -1 error (printed).
 */
int	settings_option(struct settings *, int c, char *arg);

/*
 * settings_finish - read --config (if given) under the options already
 * recorded, and load the data files into db; with jobs above 1, on a
 * thread of their own while the logs are read, and the verdicts' first
 * step on that many threads.  Returns 0, or an exit code (64 bad
 * settings, 66 unreadable file) after printing the error.
 */
int	settings_finish(struct settings *, struct origin_db *db, int jobs);

/*
 * settings_wait - the data files loaded: 0, or 66 after printing the
 * error (a file that could be opened but not read).  The abuse passes
 * may run once it returned 0.
 */
int	settings_wait(struct settings *);

#endif
