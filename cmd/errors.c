/*
 * cmd/errors.c - "subsubmit errors": authentication failures per period
 * and service, over the years, as CSV or an aligned table with yearly
 * totals and the year-over-year growth factor.
 */
#include "cmd/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/pass_trend.h"
#include "analysis/timeline.h"
#include "cmd/opts.h"
#include "io/diag.h"
#include "io/escape.h"
#include "io/out_csv.h"
#include "io/xalloc.h"

#define MAX_SERVICES	32

static int
write_csv(const struct trend *t)
{
	struct csv_out c;
	size_t p, s;
	int rc;

	csv_out_init(&c, stdout);
	rc = csv_out_header(&c, "period,service,failures,ips,accounts");
	for (p = 0; p < t->nperiods && rc == 0; p++) {
		for (s = 0; s < t->nsvc && rc == 0; s++) {
			size_t k = p * t->nsvc + s;

			csv_out_str(&c, t->label[p]);
			csv_out_text(&c, t->svc[s], strlen(t->svc[s]));
			csv_out_u64(&c, t->failures[k]);
			csv_out_u64(&c, t->ips[k]);
			csv_out_u64(&c, t->accounts[k]);
			rc = csv_out_end(&c);
		}
	}
	csv_out_release(&c);
	return rc;
}

/* display - the column title of a service (short enough for 80 columns). */
static void
display(struct sbuf *out, const char *svc)
{
	const char *n = strcmp(svc, "managesieve") == 0 ? "sieve" : svc;

	escape_text(out, n, strlen(n), 12);
}

static int
digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * yearly_sums - failures per year (rows) and service (columns, the last
 * one the total); years[] gets each row's year.
 */
static uint64_t *
yearly_sums(const struct trend *t, int32_t *years, size_t *nyears)
{
	uint64_t *sum = xcalloc(st_mult(t->nperiods, t->nsvc + 1),
	    sizeof(*sum));
	size_t p, s, y = 0;

	for (p = 0; p < t->nperiods; p++) {
		if (p > 0 && t->year[p] != t->year[p - 1])
			y++;
		years[y] = t->year[p];
		for (s = 0; s < t->nsvc; s++) {
			sum[y * (t->nsvc + 1) + s] += t->failures[p * t->nsvc + s];
			sum[y * (t->nsvc + 1) + t->nsvc] +=
			    t->failures[p * t->nsvc + s];
		}
	}
	*nyears = t->nperiods ? y + 1 : 0;
	return sum;
}

/* widths - each column as wide as its title or its largest number. */
static int *
widths(const struct trend *t, const uint64_t *sum, size_t nyears)
{
	int *w = xcalloc(t->nsvc + 1, sizeof(*w));
	struct sbuf name = SBUF_INIT;
	size_t s, y;

	for (s = 0; s <= t->nsvc; s++) {
		sbuf_reset(&name);
		if (s < t->nsvc)
			display(&name, t->svc[s]);
		else
			sbuf_adds(&name, "total");
		w[s] = (int)name.len;
		for (y = 0; y < nyears; y++)
			if (digits(sum[y * (t->nsvc + 1) + s]) > w[s])
				w[s] = digits(sum[y * (t->nsvc + 1) + s]);
	}
	sbuf_release(&name);
	return w;
}

/* header - "period  submission  smtps ..." with escaped names. */
static void
header(struct sbuf *sb, const struct trend *t, const int *w,
    const char *first, bool total)
{
	struct sbuf name = SBUF_INIT;
	size_t s;

	sbuf_addf(sb, "%-10s", first);
	for (s = 0; s < t->nsvc; s++) {
		sbuf_reset(&name);
		display(&name, t->svc[s]);
		sbuf_addf(sb, "  %*s", w[s], name.buf);
	}
	if (total)
		sbuf_addf(sb, "  %*s  %7s", w[t->nsvc], "total", "growth");
	sbuf_addc(sb, '\n');
	sbuf_release(&name);
}

/* yearly - totals per year and service, and growth of the total. */
static void
yearly(struct sbuf *sb, const struct trend *t, const uint64_t *sum,
    const int32_t *years, size_t nyears, const int *w)
{
	size_t s, y;
	uint64_t prev = 0;

	sbuf_addc(sb, '\n');
	header(sb, t, w, "year", true);
	for (y = 0; y < nyears; y++) {
		const uint64_t *row = sum + y * (t->nsvc + 1);

		sbuf_addf(sb, "%-10d", (int)years[y]);
		for (s = 0; s <= t->nsvc; s++)
			sbuf_addf(sb, "  %*llu", w[s],
			    (unsigned long long)row[s]);
		if (prev > 0)
			sbuf_addf(sb, "  %6.2fx\n",
			    (double)row[t->nsvc] / (double)prev);
		else
			sbuf_addf(sb, "  %7s\n", "-");
		prev = row[t->nsvc];
	}
}

static int
write_text(const struct trend *t)
{
	struct sbuf sb = SBUF_INIT;
	size_t p, s, nyears;
	int32_t *years;
	uint64_t *sum;
	int *w, rc;

	if (t->nperiods == 0) {
		fputs("no authentication failures in the input\n", stdout);
		return 0;
	}
	years = xcalloc(t->nperiods, sizeof(*years));
	sum = yearly_sums(t, years, &nyears);
	w = widths(t, sum, nyears);
	header(&sb, t, w, "period", false);
	for (p = 0; p < t->nperiods; p++) {
		sbuf_addf(&sb, "%-10s", t->label[p]);
		for (s = 0; s < t->nsvc; s++)
			sbuf_addf(&sb, "  %*llu", w[s], (unsigned long long)
			    t->failures[p * t->nsvc + s]);
		sbuf_addc(&sb, '\n');
	}
	if (t->unit != TREND_YEAR)
		yearly(&sb, t, sum, years, nyears, w);
	rc = fwrite(sb.buf, 1, sb.len, stdout) == sb.len ? 0 : -1;
	sbuf_release(&sb);
	free(sum);
	free(years);
	free(w);
	return rc;
}

static const struct option longopts[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "service", required_argument, NULL, 's' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	READ_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

int
cmd_errors(int argc, char **argv)
{
	struct read_opts ro;
	struct source_list files;
	struct timeline tl;
	struct trend t;
	enum trend_unit unit = TREND_MONTH;
	const char *only[MAX_SERVICES];
	size_t nonly = 0;
	int c, r, rc;

	read_opts_init(&ro);
	optind = 0;
	while ((c = getopt_long(argc, argv, READ_SHORT_OPTIONS, longopts,
	    NULL)) != -1) {
		if (c == OPT_HELP) {
			printf("usage: %s\n", USAGE_ERRORS);
			return finish_stdout(EXIT_OK);
		} else if (c == 'b') {
			if (!trend_parse_unit(optarg, &unit))
				return usage_error(USAGE_ERRORS, "--by wants "
				    "year, month, week or day");
		} else if (c == 's') {
			if (split_list(optarg, only, MAX_SERVICES, &nonly) != 0)
				return usage_error(USAGE_ERRORS, "--service "
				    "wants a comma-separated list (at most "
				    "%d)", MAX_SERVICES);
		} else if (c == OPT_FORMAT) {
			if (!parse_format(optarg, &ro.format))
				return usage_error(USAGE_ERRORS,
				    "--format wants csv or text");
		} else if ((r = read_opts_handle(&ro, c, optarg)) <= 0)
			return r < 0 ? EXIT_USAGE :
			    usage_error(USAGE_ERRORS, "unknown option");
	}
	if (optind >= argc)
		return usage_error(USAGE_ERRORS, "no input path given");
	if ((rc = collect_inputs(&ro, argv + optind, argc - optind,
	    &files)) != 0)
		return rc;
	diag_set_progress(true);
	timeline_build(&tl, &files, &ro.scan);
	source_list_release(&files);
	trend_compute(&tl, unit, nonly ? only : NULL, nonly, &t);
	r = ro.format == FMT_CSV ? write_csv(&t) : write_text(&t);
	rc = scan_exit_code(&ro, &tl.stats);
	trend_release(&t);
	timeline_release(&tl);
	return finish_stdout(r != 0 ? EXIT_IOERR : rc);
}
