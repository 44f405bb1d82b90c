/*
 * cmd/settings.c - --config files and the detection options.
 *
 * A config file holds "name = value" lines; '#' starts a comment.  Names
 * are the long options without dashes: geo, asn, home, trusted,
 * threshold names (baseline-days, crack-window-hours,
 * after-crack-days, attack-failures, bulk-recipients, cohort).  A value
 * given on the command line wins over the file.
 */
#include "cmd/settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/diag.h"
#include "io/xalloc.h"

struct threshold {
	const char	*name;
	size_t		 off;		/* into struct abuse_opts */
	uint32_t	 unit;		/* seconds per unit, or 1 */
	uint32_t	 max;
};

#define T(n, f, u, m)	{ n, offsetof(struct abuse_opts, f), u, m }

static const struct threshold thresholds[] = {
	T("after-crack-days", after_crack, 86400, 3650),
	T("attack-failures", attack_fails, 1, 1000000),
	T("baseline-days", baseline_days, 1, 3650),
	T("bulk-recipients", bulk_rcpt, 1, 10000000),
	/* pass_abuse counts accounts per address up to 65535, no more. */
	T("cohort", cohort, 1, UINT16_MAX),
	T("crack-window-hours", crack_window, 3600, 24 * 365),
};

void
settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	abuse_opts_default(&s->abuse);
}

void
settings_release(struct settings *s)
{
	free(s->config_text);
	memset(s, 0, sizeof(*s));
}

/* set_threshold - "name=value"; seen[] marks what the options set. */
static int
set_threshold(struct settings *s, const char *name, const char *val,
    bool *seen, bool from_file)
{
	size_t i;
	char *end;
	unsigned long v;

	for (i = 0; i < sizeof(thresholds) / sizeof(thresholds[0]); i++) {
		if (strcmp(name, thresholds[i].name) != 0)
			continue;
		if (from_file && seen[i])
			return 0;
		errno = 0;
		v = strtoul(val, &end, 10);
		if (errno != 0 || end == val || *end != '\0' || val[0] == '-' ||
		    v > thresholds[i].max) {
			diag_error(NULL, 0, "bad value for '%s': '%s'", name,
			    diag_quote(val, strlen(val)));
			return -1;
		}
		*(uint32_t *)((char *)&s->abuse + thresholds[i].off) =
		    (uint32_t)v * thresholds[i].unit;
		seen[i] = true;
		return 0;
	}
	diag_error(NULL, 0, "unknown threshold '%s'",
	    diag_quote(name, strlen(name)));
	return -1;
}

int
settings_option(struct settings *s, int c, char *arg)
{
	char *eq;

	switch (c) {
	case OPT_GEO:
		if (s->ngeo == SETTINGS_MAX_GEO)
			return diag_error(NULL, 0, "too many --geo"), -1;
		s->geo[s->ngeo++] = arg;
		return 1;
	case OPT_ASN:
		s->asn = arg;
		return 1;
	case OPT_HOME:
		s->home = arg;
		return 1;
	case OPT_TRUSTED:
		if (s->ntrusted == SETTINGS_MAX_TRUSTED)
			return diag_error(NULL, 0, "too many --trusted"), -1;
		s->trusted[s->ntrusted++] = arg;
		return 1;
	case OPT_CONFIG:
		s->config = arg;
		return 1;
	case OPT_THRESHOLD:
		if ((eq = strchr(arg, '=')) == NULL) {
			diag_error(NULL, 0, "--threshold wants name=value");
			return -1;
		}
		*eq = '\0';
		return set_threshold(s, arg, eq + 1, s->seen, false) ?
		    -1 : 1;
	default:
		return 0;
	}
}

/* trim - strip white space at both ends, in place. */
static char *
trim(char *p)
{
	char *e;

	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return p;
}

/* config_line - one "name = value" line of the config file. */
static int
config_line(struct settings *s, char *line, bool opt_geo, bool opt_trusted,
    const char *path, unsigned lineno)
{
	char *eq = strchr(line, '='), *name, *val;

	if (eq == NULL) {
		diag_error(path, lineno, "expected 'name = value'");
		return -1;
	}
	*eq = '\0';
	name = trim(line);
	val = trim(eq + 1);
	if (strcmp(name, "geo") == 0) {
		if (!opt_geo && s->ngeo < SETTINGS_MAX_GEO)
			s->geo[s->ngeo++] = val;
	} else if (strcmp(name, "asn") == 0) {
		if (s->asn == NULL)
			s->asn = val;
	} else if (strcmp(name, "home") == 0) {
		if (s->home == NULL)
			s->home = val;
	} else if (strcmp(name, "trusted") == 0) {
		if (!opt_trusted && s->ntrusted < SETTINGS_MAX_TRUSTED)
			s->trusted[s->ntrusted++] = val;
	} else if (set_threshold(s, name, val, s->seen, true) != 0) {
		diag_error(path, lineno, "bad setting");
		return -1;
	}
	return 0;
}

/* read_config - the --config file under what the options set. */
static int
read_config(struct settings *s)
{
	FILE *fp = fopen(s->config, "r");
	bool opt_geo = s->ngeo > 0, opt_trusted = s->ntrusted > 0;
	size_t cap = 0, len = 0;
	char buf[4096], *p, *line, *save = NULL;
	unsigned lineno = 0;

	if (fp == NULL) {
		diag_error(NULL, 0, "cannot open '%s': %s",
		    diag_quote(s->config, strlen(s->config)),
		    strerror(errno));
		return EXIT_NOINPUT;
	}
	while ((cap = fread(buf, 1, sizeof(buf), fp)) > 0) {
		s->config_text = xrealloc(s->config_text, len + cap + 1);
		memcpy(s->config_text + len, buf, cap);
		len += cap;
	}
	fclose(fp);
	if (s->config_text == NULL)
		return 0;
	s->config_text[len] = '\0';
	for (p = s->config_text; (line = strsep(&p, "\n")) != NULL;) {
		lineno++;
		if ((save = strchr(line, '#')) != NULL)
			*save = '\0';
		if (*trim(line) == '\0')
			continue;
		if (config_line(s, trim(line), opt_geo, opt_trusted,
		    s->config, lineno) != 0)
			return EXIT_USAGE;
	}
	return 0;
}

/*
 * origin_ready - the load's result rc (0 or -1, the message in err, which
 * goes): on success the passes may use the data.
 */
static int
origin_ready(struct settings *s, int rc, struct sbuf *err)
{
	if (rc != 0) {
		diag_error(NULL, 0, "%s", err->buf);
		sbuf_release(err);
		return EXIT_NOINPUT;
	}
	sbuf_release(err);
	s->abuse.origin = origin_lookup;
	s->abuse.origin_ctx = s->db;
	return 0;
}

/* can_read - the file can be opened for reading ("-" always can). */
static bool
can_read(const char *path)
{
	return strcmp(path, "-") == 0 || access(path, R_OK) == 0;
}

int
settings_finish(struct settings *s, struct origin_db *db, int jobs)
{
	struct sbuf err = SBUF_INIT;
	bool background = jobs > 1;
	size_t i;
	int rc;

	s->abuse.threads = jobs > 1 ? (unsigned)jobs : 1;
	if (s->config != NULL && (rc = read_config(s)) != 0)
		return rc;
	if (s->home != NULL && (strlen(s->home) != 2 ||
	    !isalpha((unsigned char)s->home[0]) ||
	    !isalpha((unsigned char)s->home[1]))) {
		diag_error(NULL, 0, "--home wants a two-letter country code");
		return EXIT_USAGE;
	}
	if (s->home != NULL) {
		s->home_buf[0] = (char)toupper((unsigned char)s->home[0]);
		s->home_buf[1] = (char)toupper((unsigned char)s->home[1]);
		s->abuse.home_cc = s->home_buf;
	}
	for (i = 0; i < s->ntrusted; i++)
		if (netclass_set_add(&db->trusted, span_make(s->trusted[i],
		    strlen(s->trusted[i])), &err) != 0) {
			diag_error(NULL, 0, "%s", err.buf);
			sbuf_release(&err);
			return EXIT_USAGE;
		}
	s->db = db;
	/* A file that cannot be opened is reported now, not after the scan. */
	for (i = 0; i < s->ngeo; i++)
		if (!can_read(s->geo[i]))
			background = false;
	if (s->asn != NULL && !can_read(s->asn))
		background = false;
	if (!background)
		return origin_ready(s, origin_db_load(db, s->geo, s->ngeo,
		    s->asn, &err), &err);
	sbuf_release(&err);
	origin_db_load_start(db, s->geo, s->ngeo, s->asn);
	return 0;
}

int
settings_wait(struct settings *s)
{
	struct sbuf err = SBUF_INIT;

	return origin_ready(s, origin_db_load_wait(s->db, &err), &err);
}
