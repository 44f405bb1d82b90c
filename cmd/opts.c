/*
 * cmd/opts.c - shared option handling for the log-reading subcommands.
 */
#include "cmd/opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/diag.h"
#include "io/sbuf.h"

void
read_opts_init(struct read_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->scan.smap = ro->smap;
	ro->scan.now = (int64_t)time(NULL);
	ro->format = FMT_TEXT;
}

bool
parse_format(const char *arg, enum out_format *out)
{
	if (strcmp(arg, "csv") == 0)
		*out = FMT_CSV;
	else if (strcmp(arg, "text") == 0)
		*out = FMT_TEXT;
	else
		return false;
	return true;
}

/* parse_year - a year from 1970 to 9999. */
static bool
parse_year(const char *arg, int32_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1970 || v > 9999)
		return false;
	*out = (int32_t)v;
	return true;
}

/* add_service_map - NAME=SERVICE. */
static int
add_service_map(struct read_opts *ro, char *arg)
{
	char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || eq[1] == '\0') {
		diag_error(NULL, 0, "--service-map wants NAME=SERVICE, not "
		    "'%s'", diag_quote(arg, strlen(arg)));
		return -1;
	}
	if (ro->scan.nsmap == MAX_SERVICE_MAP) {
		diag_error(NULL, 0, "too many --service-map options (at most "
		    "%d)", MAX_SERVICE_MAP);
		return -1;
	}
	*eq = '\0';
	ro->smap[ro->scan.nsmap].name = arg;
	ro->smap[ro->scan.nsmap].service = eq + 1;
	ro->scan.nsmap++;
	return 1;
}

int
read_opts_handle(struct read_opts *ro, int c, const char *arg)
{
	switch (c) {
	case OPT_SINCE:
	case OPT_UNTIL:
		if (!scan_parse_time(arg, c == OPT_SINCE ? &ro->scan.since :
		    &ro->scan.until)) {
			diag_error(NULL, 0, "bad time '%s' (want YYYY-MM-DD "
			    "or YYYY-MM-DDTHH:MM[:SS])",
			    diag_quote(arg, strlen(arg)));
			return -1;
		}
		*(c == OPT_SINCE ? &ro->scan.has_since :
		    &ro->scan.has_until) = true;
		return 1;
	case OPT_YEAR:
		if (!parse_year(arg, &ro->scan.year)) {
			diag_error(NULL, 0, "bad year '%s'",
			    diag_quote(arg, strlen(arg)));
			return -1;
		}
		return 1;
	case OPT_SERVICE_MAP:
		return add_service_map(ro, (char *)arg);
	case OPT_STRICT:
		ro->strict = true;
		return 1;
	case 'q':
		diag_set_quiet(true);
		return 1;
	case 'v':
		diag_set_verbose(true);
		return 1;
	default:
		return 0;
	}
}

int
collect_inputs(char *const *args, int n, struct source_list *out)
{
	struct sbuf err = SBUF_INIT;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (source_collect(args, n, out, &err) != 0) {
		diag_error(NULL, 0, "%s", err.buf);
		source_list_release(out);	/* the files before it */
		rc = EXIT_NOINPUT;
	} else if (out->n == 0) {
		diag_error(NULL, 0, "no mail logs found in the input");
		rc = EXIT_NOINPUT;
	}
	sbuf_release(&err);
	return rc;
}

int
scan_exit_code(const struct read_opts *ro, const struct scan_stats *st)
{
	if (st->unreadable > 0) {
		diag_error(NULL, 0, "%llu input file(s) could not be read",
		    (unsigned long long)st->unreadable);
		return EXIT_NOINPUT;
	}
	if (st->events == 0 && st->duplicates == 0) {
		diag_error(NULL, 0, "no mail-log events found in %llu "
		    "line(s)", (unsigned long long)st->lines);
		return EXIT_DATAERR;
	}
	if (ro->strict && (st->skipped > 0 || st->damaged > 0)) {
		diag_error(NULL, 0, "--strict: %llu line(s) skipped, %llu "
		    "damaged file(s)", (unsigned long long)st->skipped,
		    (unsigned long long)st->damaged);
		return EXIT_DATAERR;
	}
	return EXIT_OK;
}

int
finish_stdout(int code)
{
	int e;

	if (fflush(stdout) == 0 && !ferror(stdout))
		return code;
	e = errno;	/* of the failed flush, or of the write that failed */
	if (e != 0)
		diag_error(NULL, 0, "write error on standard output: %s",
		    strerror(e));
	else
		diag_error(NULL, 0, "write error on standard output");
	clearerr(stdout);	/* said once: main's last flush stays quiet */
	return EXIT_IOERR;
}

int
usage_error(const char *usage, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_error(NULL, 0, "%s", sb.buf);
	diag_error(NULL, 0, "usage: %s", usage);
	sbuf_release(&sb);
	return EXIT_USAGE;
}

int
split_list(char *arg, const char **out, size_t max, size_t *n)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(arg, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (*n == max)
			return -1;
		out[(*n)++] = tok;
	}
	return *n > 0 ? 0 : -1;
}
