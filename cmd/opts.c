/*
 * cmd/opts.c - shared option handling for the log-reading subcommands.
 */
#include "cmd/opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/timeline.h"
#include "io/diag.h"
#include "io/sbuf.h"

#define KEY_FILE_MAX	4096	/* bytes of a key file */

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

/* parse_jobs - "-j N": 1 to MAX_JOBS threads. */
static bool
parse_jobs(const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > MAX_JOBS)
		return false;
	*out = (int)v;
	return true;
}

/* set_key - take a key for --pseudonymize (collect_inputs() warns). */
static void
set_key(struct read_opts *ro, const char *key, size_t len)
{
	if (ro->pseudonymize)
		pseudo_release(&ro->pseudo);
	pseudo_init(&ro->pseudo, key, len);
	ro->pseudonymize = true;
	ro->key_len = len;
}

/*
 * key_arg - --pseudonymize KEY.  The key is then blanked in argv, so
 * that ps(1) shows it only for the moment before (--pseudonymize-key-file
 * avoids even that).
 */
static int
key_arg(struct read_opts *ro, char *arg)
{
	size_t len = strlen(arg);

	if (len == 0) {
		diag_error(NULL, 0, "--pseudonymize wants a non-empty key");
		return -1;
	}
	set_key(ro, arg, len);
	memset(arg, 'x', len);
	return 1;
}

/* key_file - --pseudonymize-key-file FILE: its bytes, less a final EOL. */
static int
key_file(struct read_opts *ro, const char *path)
{
	char buf[KEY_FILE_MAX + 1];
	FILE *fp;
	size_t n;
	int err = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		diag_error(NULL, 0, "cannot open key file '%s': %s",
		    diag_quote(path, strlen(path)), strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	if (ferror(fp))
		err = errno;
	fclose(fp);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (err != 0 || n == 0 || n > KEY_FILE_MAX)
		diag_error(NULL, 0, "key file '%s': %s",
		    diag_quote(path, strlen(path)), err ? strerror(err) :
		    n == 0 ? "empty" : "longer than 4096 bytes");
	else
		set_key(ro, buf, n);
	memset(buf, 0, sizeof(buf));
	return err != 0 || n == 0 || n > KEY_FILE_MAX ? -1 : 1;
}

const struct pseudo *
read_opts_pseudo(const struct read_opts *ro)
{
	return ro->pseudonymize ? &ro->pseudo : NULL;
}

const char *
shown_account(const struct timeline *tl, const struct pseudo *ps,
    uint32_t id, char buf[PSEUDO_STRLEN])
{
	return pseudo_str(ps, 'u', timeline_account(tl, id), buf);
}

const char *
shown_ip(const struct timeline *tl, const struct pseudo *ps, uint32_t id,
    char buf[IPADDR_STRLEN])
{
	const struct ipaddr *a = timeline_ip(tl, id);
	struct ipaddr p;

	if (a == NULL) {
		buf[0] = '\0';
		return buf;
	}
	return ipaddr_format(pseudo_addr(ps, a, &p), buf);
}

const char *
shown_ip_name(const struct timeline *tl, const struct pseudo *ps,
    uint32_t id, char buf[PSEUDO_STRLEN])
{
	const char *name = timeline_ip_name(tl, id);

	if (strcmp(name, "unknown") == 0)
		return name;
	return pseudo_str(ps, 'h', name, buf);
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
	case 'j':
		if (!parse_jobs(arg, &ro->scan.jobs)) {
			diag_error(NULL, 0, "bad number of jobs '%s' (want "
			    "1 to %d)", diag_quote(arg, strlen(arg)), MAX_JOBS);
			return -1;
		}
		return 1;
	case OPT_PSEUDONYMIZE:
		return key_arg(ro, (char *)arg);
	case OPT_PSEUDO_KEY_FILE:
		return key_file(ro, arg);
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
collect_inputs(const struct read_opts *ro, char *const *args, int n,
    struct source_list *out)
{
	struct sbuf err = SBUF_INIT;
	int rc = 0;

	if (ro->pseudonymize && ro->key_len < PSEUDO_KEY_SHORT)
		diag_warn(NULL, 0, "the pseudonymization key has only %zu "
		    "bytes: whoever guesses it can undo the pseudonyms (use "
		    "%d or more random bytes)", ro->key_len, PSEUDO_KEY_SHORT);
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
