/*
 * cmd/opts.h - the options every log-reading subcommand shares, and the
 * steps around a scan: collecting inputs, mapping errors to exit codes.
 */
#ifndef SUBSUBMIT_CMD_OPTS_H
#define SUBSUBMIT_CMD_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "analysis/scan.h"
#include "io/pseudo.h"
#include "io/source.h"

enum out_format {
	FMT_TEXT,
	FMT_CSV,
};

#define MAX_SERVICE_MAP	64

struct read_opts {
	struct scan_opts		scan;
	struct service_map_entry	smap[MAX_SERVICE_MAP];
	enum out_format			format;
	bool				strict;
	bool				pseudonymize;
	struct pseudo			pseudo;	/* the key */
	size_t				key_len;	/* its length, for the
							   warning */
};

/* Long option ids shared by the reading commands (above any short opt). */
enum {
	OPT_SINCE = 256,
	OPT_UNTIL,
	OPT_YEAR,
	OPT_SERVICE_MAP,
	OPT_STRICT,
	OPT_FORMAT,
	OPT_HELP,
	OPT_PSEUDONYMIZE,
	OPT_PSEUDO_KEY_FILE,
	OPT_READ_MAX,
};

/* The short options every reading command takes. */
#define READ_SHORT_OPTIONS	"qvj:"

/* The getopt_long table entries for the shared options (NULL-ended). */
#define READ_LONG_OPTIONS \
	{ "since", required_argument, NULL, OPT_SINCE }, \
	{ "until", required_argument, NULL, OPT_UNTIL }, \
	{ "year", required_argument, NULL, OPT_YEAR }, \
	{ "service-map", required_argument, NULL, OPT_SERVICE_MAP }, \
	{ "strict", no_argument, NULL, OPT_STRICT }, \
	{ "jobs", required_argument, NULL, 'j' }, \
	{ "pseudonymize", required_argument, NULL, OPT_PSEUDONYMIZE }, \
	{ "pseudonymize-key-file", required_argument, NULL, \
	    OPT_PSEUDO_KEY_FILE }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, OPT_HELP }

void	read_opts_init(struct read_opts *);

/*
 * read_opts_handle - apply one shared option; returns 1 when handled, 0
 * when c is not a shared option, -1 after printing a usage error.
 */
int	read_opts_handle(struct read_opts *, int c, const char *arg);

/*
 * read_opts_pseudo - the key of --pseudonymize for the pseudo_* calls of
 * io/pseudo.h, or NULL when names are printed as they are.
 */
const struct pseudo *read_opts_pseudo(const struct read_opts *);

struct timeline;

/*
 * shown_account, shown_ip, shown_ip_name - a timeline value as it is to
 * be printed: itself, or with ps set its pseudonym, written to buf.  An
 * address id of 0 gives "".  "unknown" (no reverse name) stays itself.
 */
const char *shown_account(const struct timeline *, const struct pseudo *ps,
    uint32_t id, char buf[PSEUDO_STRLEN]);
const char *shown_ip(const struct timeline *, const struct pseudo *ps,
    uint32_t id, char buf[IPADDR_STRLEN]);
const char *shown_ip_name(const struct timeline *, const struct pseudo *ps,
    uint32_t id, char buf[PSEUDO_STRLEN]);

/* parse_format - "csv" or "text"; false otherwise. */
bool	parse_format(const char *arg, enum out_format *out);

/*
 * collect_inputs - expand PATH arguments; on failure prints the message
 * and returns the exit code (66) with out empty, else 0.  Called once the
 * options are read, it first warns of a short pseudonymization key (so
 * that -q silences that wherever it stands).
 */
int	collect_inputs(const struct read_opts *ro, char *const *args, int n,
	    struct source_list *out);

/* scan_exit_code - 66/65/0 from the stats (and --strict), with messages. */
int	scan_exit_code(const struct read_opts *, const struct scan_stats *);

/*
 * split_list - "a,b,c" into at most max names (in place, appended to
 * out[*n]); -1 when there are more or none.
 */
int	split_list(char *arg, const char **out, size_t max, size_t *n);

/*
 * finish_stdout - flush and check stdout: code, or 74 after one message
 * on a write error (the error is then cleared, so that it is not
 * reported twice).
 */
int	finish_stdout(int code);

/* usage_error - "subsubmit: MSG" + the usage line; returns 64. */
int	usage_error(const char *usage, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
