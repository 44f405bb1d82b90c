/*
 * cmd/plot_errors.c - "subsubmit plot-errors": the chart of
 * authentication failures per period, one bar colour per service, drawn
 * by gnuplot (io/chart.c) into a PNG, SVG or PDF file; or, with
 * --script, the gnuplot script and data file for the user to edit.
 */
#include "cmd/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/pass_trend.h"
#include "analysis/timeline.h"
#include "cmd/opts.h"
#include "io/chart.h"
#include "io/diag.h"
#include "io/sbuf.h"
#include "io/xalloc.h"

#define MAX_SERVICES	32
#define PARSED		(-1)	/* parse() went through; go on */
#define DEFAULT_OUT	"chart.png"
#define DEFAULT_TITLE	"Failed logins by service"

enum {
	OPT_LOG = OPT_READ_MAX,
	OPT_SIZE,
	OPT_TITLE,
	OPT_SCRIPT,
};

struct plot_args {
	struct read_opts	 ro;
	struct chart_opts	 co;
	enum trend_unit		 unit;
	const char		*only[MAX_SERVICES];
	size_t			 nonly;
	const char		*out;		/* -o, NULL with --script */
	const char		*script_dir;
	struct sbuf		 ylabel;
};

/* Exit codes by chart_status. */
static const int chart_exit[] = {
	[CHART_OK] = EXIT_OK,
	[CHART_ECREATE] = EXIT_CANTCREAT,
	[CHART_EWRITE] = EXIT_IOERR,
	[CHART_ENOGNUPLOT] = EXIT_UNAVAILABLE,
	[CHART_EGNUPLOT] = EXIT_UNAVAILABLE,
};

/* Indexed by enum trend_unit. */
static const char *const unit_name[] = { "year", "month", "week", "day" };

static const struct option longopts[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "service", required_argument, NULL, 's' },
	{ "log", no_argument, NULL, OPT_LOG },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	READ_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

/* option - one option of this command; PARSED or an exit code. */
static int
option(struct plot_args *a, int c, char *arg)
{
	int r;

	switch (c) {
	case 'o':
		a->out = arg;
		break;
	case 'b':
		if (!trend_parse_unit(arg, &a->unit))
			return usage_error(USAGE_PLOT_ERRORS, "--by wants "
			    "year, month, week or day");
		break;
	case 's':
		if (split_list(arg, a->only, MAX_SERVICES, &a->nonly) != 0)
			return usage_error(USAGE_PLOT_ERRORS, "--service "
			    "wants a comma-separated list (at most %d)",
			    MAX_SERVICES);
		break;
	case OPT_LOG:
		a->co.log = true;
		break;
	case OPT_SIZE:
		if (!chart_parse_size(arg, &a->co.width, &a->co.height))
			return usage_error(USAGE_PLOT_ERRORS, "--size wants "
			    "WxH, each from %d to %d", CHART_SIZE_MIN,
			    CHART_SIZE_MAX);
		break;
	case OPT_TITLE:
		a->co.title = arg;
		break;
	case OPT_SCRIPT:
		a->script_dir = arg;
		break;
	default:
		if ((r = read_opts_handle(&a->ro, c, arg)) <= 0)
			return r < 0 ? EXIT_USAGE :
			    usage_error(USAGE_PLOT_ERRORS, "unknown option");
	}
	return PARSED;
}

/* parse - the command line into a; PARSED or an exit code. */
static int
parse(int argc, char **argv, struct plot_args *a)
{
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, READ_SHORT_OPTIONS "o:",
	    longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			printf("usage: %s\n", USAGE_PLOT_ERRORS);
			return EXIT_OK;
		}
		if ((r = option(a, c, optarg)) != PARSED)
			return r;
	}
	if (a->out == NULL && a->script_dir == NULL)
		return usage_error(USAGE_PLOT_ERRORS, "no output file given "
		    "(-o file)");
	if (!chart_format_from_path(a->out ? a->out : DEFAULT_OUT,
	    &a->co.format))
		return usage_error(USAGE_PLOT_ERRORS, "the output file must "
		    "end in .png, .svg or .pdf");
	if (optind >= argc)
		return usage_error(USAGE_PLOT_ERRORS, "no input path given");
	sbuf_addf(&a->ylabel, "failed logins per %s", unit_name[a->unit]);
	a->co.ylabel = a->ylabel.buf;
	return PARSED;
}

/* draw - render the chart, or write the script and say how to run it. */
static int
draw(const struct plot_args *a, const struct chart_in *in)
{
	struct sbuf err = SBUF_INIT, path = SBUF_INIT, dat = SBUF_INIT;
	enum chart_status st;

	if (a->script_dir == NULL)
		st = chart_render(in, &a->co, a->out, &err);
	else if ((st = chart_write_files(in, &a->co, a->script_dir,
	    &err)) == CHART_OK) {
		sbuf_addf(&path, "%s/%s", a->script_dir, CHART_SCRIPT_NAME);
		sbuf_addf(&dat, "%s/%s", a->script_dir, CHART_DATA_NAME);
		sbuf_reset(&err);
		chart_command(&err, path.buf, a->out ? a->out : DEFAULT_OUT,
		    dat.buf, &a->co);
		printf("%s\n", err.buf);
	}
	if (st != CHART_OK)
		diag_error(NULL, 0, "%s", err.buf);
	sbuf_release(&err);
	sbuf_release(&path);
	sbuf_release(&dat);
	return chart_exit[st];
}

/* plot - the trend as chart input, drawn; an exit code. */
static int
plot(const struct plot_args *a, const struct trend *t)
{
	const char **label = xcalloc(t->nperiods, sizeof(*label));
	struct chart_in in = { 0 };
	size_t p;
	int rc;

	for (p = 0; p < t->nperiods; p++)
		label[p] = t->label[p];
	in.nperiods = t->nperiods;
	in.label = label;
	in.year = t->year;
	in.nseries = t->nsvc;
	in.series = t->svc;
	in.values = t->failures;
	rc = draw(a, &in);
	free(label);
	return rc;
}

int
cmd_plot_errors(int argc, char **argv)
{
	struct plot_args a;
	struct source_list files;
	struct timeline tl;
	struct trend t;
	int rc, r;

	memset(&a, 0, sizeof(a));
	read_opts_init(&a.ro);
	chart_opts_init(&a.co);
	a.co.title = DEFAULT_TITLE;
	a.unit = TREND_MONTH;
	sbuf_init(&a.ylabel);
	if ((r = parse(argc, argv, &a)) != PARSED)
		goto out;
	if ((r = collect_inputs(&a.ro, argv + optind, argc - optind,
	    &files)) != 0)
		goto out;
	diag_set_progress(true);
	timeline_build(&tl, &files, &a.ro.scan);
	source_list_release(&files);
	trend_compute(&tl, a.unit, a.nonly ? a.only : NULL, a.nonly, &t);
	rc = scan_exit_code(&a.ro, &tl.stats);
	if (t.nperiods == 0) {
		if (rc == EXIT_OK)
			diag_error(NULL, 0, "no authentication failures to "
			    "plot");
		r = rc != EXIT_OK ? rc : EXIT_DATAERR;
	} else if ((r = plot(&a, &t)) == EXIT_OK)
		r = rc;
	trend_release(&t);
	timeline_release(&tl);
out:
	sbuf_release(&a.ylabel);
	return finish_stdout(r);
}
