/*
 * io/chart.h - bar charts of counts per period and series, drawn by
 * gnuplot(1) run as a separate program.
 *
 * The writer takes numbers and label strings only.  Every string (period
 * labels, series names, which may come from logs) goes into a data file
 * as an escaped, double-quoted, tab-separated column; the gnuplot script
 * is fixed text plus numbers this module formats itself.  The paths, the
 * title and the axis label reach gnuplot as arguments of "gnuplot -c",
 * where the script reads them as the string variables ARG1 to ARG4, so no
 * variable text is ever parsed as a gnuplot command (STYLE 8).  gnuplot is
 * started with posix_spawnp(), never through a shell.
 */
#ifndef SUBSUBMIT_IO_CHART_H
#define SUBSUBMIT_IO_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/sbuf.h"

/* The input: nperiods x nseries counts, periods in time order. */
struct chart_in {
	size_t			 nperiods;
	const char *const	*label;		/* "2019-03", per period */
	const int32_t		*year;		/* year of each period */
	const char *const	*tick;		/* or NULL: tick text per
						   period, "" for none */
	size_t			 nseries;
	const char *const	*series;	/* legend names (untrusted) */
	const uint64_t		*values;	/* [period * nseries + s] */
};

enum chart_format {
	CHART_PNG,
	CHART_SVG,
	CHART_PDF,
};

struct chart_opts {
	enum chart_format	 format;
	int			 width, height;	/* pixels (PDF: 1/100 in) */
	bool			 log;		/* logarithmic y axis */
	const char		*title;		/* ARG3; "" for none */
	const char		*ylabel;	/* ARG4 */
};

/* Results of the functions that write files or run gnuplot. */
enum chart_status {
	CHART_OK = 0,
	CHART_ECREATE,		/* cannot create a file or directory */
	CHART_EWRITE,		/* write error */
	CHART_ENOGNUPLOT,	/* gnuplot is not installed (not on PATH) */
	CHART_EGNUPLOT,		/* gnuplot failed */
};

#define CHART_LABEL_ALL		24	/* up to this many periods, each is labelled */
#define CHART_SIZE_MIN		100
#define CHART_SIZE_MAX		10000
#define CHART_WIDTH		1200
#define CHART_HEIGHT		600
#define CHART_SCRIPT_NAME	"plot-errors.gp"
#define CHART_DATA_NAME		"plot-errors.dat"

/* chart_opts_init - PNG, 1200x600, linear axis, no title. */
void	chart_opts_init(struct chart_opts *);

/*
 * chart_format_from_path - the format from the extension of path (.png,
 * .svg, .pdf, in any case); false for any other name.
 */
bool	chart_format_from_path(const char *path, enum chart_format *out);

/*
 * chart_parse_size - "WxH" with both numbers from CHART_SIZE_MIN to
 * CHART_SIZE_MAX, decimal digits only; false otherwise.
 */
bool	chart_parse_size(const char *s, int *w, int *h);

/*
 * chart_write_data - write the data file: a header line ("period", "tick",
 * then one name per series) and one line per period (label; tick: the
 * year at the first period of each year and "" elsewhere, or the label
 * itself on charts of at most CHART_LABEL_ALL periods; then the counts).
 * Text fields are escaped and double-quoted.
 */
enum chart_status chart_write_data(const struct chart_in *,
	    const char *dat_path, struct sbuf *err);

/*
 * chart_write_script - write the fixed gnuplot script for nseries series
 * in the given format and size; it reads ARG1 (output file), ARG2 (data
 * file), ARG3 (title) and ARG4 (y axis label).
 */
enum chart_status chart_write_script(const struct chart_in *,
	    const struct chart_opts *, const char *gp_path, struct sbuf *err);

/*
 * chart_argv - the argument vector gnuplot is run with: "gnuplot", "-d",
 * "-c", gp, out, dat, title, ylabel, NULL.  The pointers are borrowed.
 */
#define CHART_ARGC	8
void	chart_argv(const char *argv[CHART_ARGC + 1], const char *gp,
	    const char *out, const char *dat, const struct chart_opts *);

/*
 * chart_command - append the shell-quoted form of that argument vector to
 * out, for the user to run by hand.
 */
void	chart_command(struct sbuf *out, const char *gp, const char *out_path,
	    const char *dat, const struct chart_opts *);

/*
 * chart_write_files - write DIR/plot-errors.gp and DIR/plot-errors.dat,
 * creating DIR (0755) when it does not exist.
 */
enum chart_status chart_write_files(const struct chart_in *,
	    const struct chart_opts *, const char *dir, struct sbuf *err);

/*
 * chart_render - draw the chart into out_path: write the data and script
 * into a private directory made with mkdtemp() under $TMPDIR (or /tmp),
 * run gnuplot there by argv, wait for it, copy its output to out_path
 * and remove the temporary files.  On failure err holds the message;
 * gnuplot's own error output is included escaped and cut short.
 */
enum chart_status chart_render(const struct chart_in *,
	    const struct chart_opts *, const char *out_path, struct sbuf *err);

#endif
