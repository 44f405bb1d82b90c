/*
 * tests/test_chart.c - io/chart: the data file and its escaping, the
 * fixed script, real PNG, SVG and PDF files from gnuplot, and the
 * "plot-errors" command end to end (exit codes, --script, no gnuplot).
 */
#include "io/chart.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/sbuf.h"
#include "tests/testutil.h"

#define NPER	30


/* run - format and run a shell command line (no log text in it). */
#define run run_fmt

/* path - a scratch name under TEST_TMPDIR (free() it). */
static char *
path(const char *leaf)
{
	char *p;

	cr_assert(asprintf(&p, "%s/chart-%d-%s", env_or("TEST_TMPDIR",
	    "/tmp"), (int)getpid(), leaf) > 0);
	return p;
}

/* slurp_or_null - a whole file, NUL-terminated; NULL when it cannot be read. */
static char *
slurp_or_null(const char *file, size_t *len)
{
	FILE *fp = fopen(file, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* The input of the tests: NPER months from 2019-11, nser series. */
struct fixture {
	char		 labels[NPER][16];
	const char	*label[NPER];
	int32_t		 year[NPER];
	uint64_t	 values[NPER * 8];
	struct chart_in	 in;
};

static void
fixture_init(struct fixture *f, const char *const *series, size_t nser)
{
	size_t p, s;

	memset(&f->in, 0, sizeof(f->in));
	for (p = 0; p < NPER; p++) {
		f->year[p] = (int32_t)(2019 + (p + 10) / 12);
		snprintf(f->labels[p], sizeof(f->labels[p]), "%d-%02d",
		    (int)f->year[p], (int)((p + 10) % 12 + 1));
		f->label[p] = f->labels[p];
		for (s = 0; s < nser; s++)
			f->values[p * nser + s] = (p * 37 + s * 11) % 50;
	}
	f->in.nperiods = NPER;
	f->in.label = f->label;
	f->in.year = f->year;
	f->in.nseries = nser;
	f->in.series = series;
	f->in.values = f->values;
}

static const char *const plain[] = { "submission", "smtps", "imap" };
static const char *const hostile[] = { "a\"b", "`reboot`", "x\ty",
	"#comment", "@SUM" };
/* How each hostile name is written in the data file. */
static const char *const hostile_dat[] = { "\"a\\\\x22b\"",
	"\"`reboot`\"", "\"x\\\\x09y\"", "\"#comment\"", "\"@SUM\"" };

Test(chart, data_file_shape)
{
	struct fixture f;
	struct sbuf err = SBUF_INIT;
	char *dat = path("shape.dat"), *s, *line;
	size_t n, rows = 0, tabs;

	fixture_init(&f, plain, 3);
	cr_assert_eq(chart_write_data(&f.in, dat, &err), CHART_OK, "%s",
	    err.buf);
	s = slurp_or_null(dat, &n);
	cr_assert_not_null(s);
	cr_expect_eq(count_lines(s), 1 + NPER);
	cr_expect(strncmp(s, "\"period\"\t\"tick\"\t\"submission\"\t"
	    "\"smtps\"\t\"imap\"\n", 44) == 0, "header: %.60s", s);
	cr_expect_not_null(strstr(s, "\n\"2019-11\"\t\"2019\"\t"));
	cr_expect_not_null(strstr(s, "\n\"2019-12\"\t\"\"\t"));
	cr_expect_not_null(strstr(s, "\n\"2020-01\"\t\"2020\"\t"));
	cr_expect_not_null(strstr(s, "\n\"2021-04\"\t\"\"\t"));
	for (line = s; *line != '\0'; line = strchr(line, '\n') + 1) {
		tabs = 0;
		for (char *c = line; *c != '\n'; c++)
			tabs += *c == '\t';
		cr_expect_eq(tabs, 4, "line %zu has %zu tabs", rows, tabs);
		cr_expect_eq(line[0], '"');
		rows++;
	}
	cr_expect_eq(rows, 1 + NPER);
	free(s);
	unlink(dat);
	free(dat);
	sbuf_release(&err);
}

Test(chart, hostile_names_stay_in_the_data)
{
	struct fixture f;
	struct chart_opts o;
	struct sbuf err = SBUF_INIT;
	char *dat = path("hostile.dat"), *gp = path("hostile.gp"), *d, *g;
	size_t i, n;

	fixture_init(&f, hostile, 5);
	chart_opts_init(&o);
	cr_assert_eq(chart_write_data(&f.in, dat, &err), CHART_OK);
	cr_assert_eq(chart_write_script(&f.in, &o, gp, &err), CHART_OK);
	d = slurp_or_null(dat, &n);
	g = slurp_or_null(gp, &n);
	cr_assert(d != NULL && g != NULL);
	cr_expect_eq(count_lines(d), 1 + NPER);
	cr_expect_eq(strchr(d, '\n')[1], '"', "a data line starts "
	    "unquoted");
	for (i = 0; i < 5; i++) {
		cr_expect_not_null(strstr(d, hostile_dat[i]), "%s not in the "
		    "data file", hostile_dat[i]);
		cr_expect_null(strstr(g, hostile[i]), "'%s' in the script",
		    hostile[i]);
	}
	cr_expect_null(strstr(g, "reboot"));
	cr_expect_null(strstr(g, "comment"));
	cr_expect_null(strstr(g, "SUM"));
	cr_expect_null(strstr(g, "x22"));
	cr_expect_null(strstr(g, "`"));
	cr_expect_null(strstr(g, "@"));
	cr_expect_not_null(strstr(g, "set termoption noenhanced"));
	cr_expect_not_null(strstr(g, "NSERIES = 5\n"));
	free(d);
	free(g);
	unlink(dat);
	unlink(gp);
	free(dat);
	free(gp);
	sbuf_release(&err);
}

Test(chart, parse_size_and_format)
{
	enum chart_format fmt;
	int w = 0, h = 0;

	cr_expect(chart_parse_size("1200x600", &w, &h));
	cr_expect(w == 1200 && h == 600);
	cr_expect(chart_parse_size("100X10000", &w, &h));
	cr_expect_not(chart_parse_size("99x600", &w, &h));
	cr_expect_not(chart_parse_size("1200x10001", &w, &h));
	cr_expect_not(chart_parse_size("+1200x600", &w, &h));
	cr_expect_not(chart_parse_size("1200x600 ", &w, &h));
	cr_expect_not(chart_parse_size("1200", &w, &h));
	cr_expect_not(chart_parse_size("x600", &w, &h));
	cr_expect_not(chart_parse_size("0001200x600", &w, &h));
	cr_expect_not(chart_parse_size("99999999999999999999x600", &w, &h));
	cr_expect(chart_format_from_path("a/b.PNG", &fmt) && fmt == CHART_PNG);
	cr_expect(chart_format_from_path("b.svg", &fmt) && fmt == CHART_SVG);
	cr_expect(chart_format_from_path("b.pdf", &fmt) && fmt == CHART_PDF);
	cr_expect_not(chart_format_from_path("b.gif", &fmt));
	cr_expect_not(chart_format_from_path("b.d/png", &fmt));
	cr_expect_not(chart_format_from_path("png", &fmt));
}

Test(chart, command_is_shell_quoted)
{
	struct chart_opts o;
	struct sbuf sb = SBUF_INIT;

	chart_opts_init(&o);
	o.title = "it's $(x)";
	o.ylabel = "per month";
	chart_command(&sb, "d/plot-errors.gp", "out.png",
	    "d/plot-errors.dat", &o);
	cr_expect_str_eq(sb.buf, "gnuplot -d -c d/plot-errors.gp out.png "
	    "d/plot-errors.dat 'it'\\''s $(x)' 'per month'");
	sbuf_release(&sb);
}

static bool
have_gnuplot(void)
{
	return run("command -v gnuplot >/dev/null 2>&1") == 0;
}

/* render - draw the hostile fixture into leaf; the file's bytes. */
static char *
render(const char *leaf, enum chart_format fmt, bool log, size_t *n)
{
	struct fixture f;
	struct chart_opts o;
	struct sbuf err = SBUF_INIT;
	char *out = path(leaf), *s;

	fixture_init(&f, hostile, 5);
	chart_opts_init(&o);
	o.format = fmt;
	o.log = log;
	o.title = "title with `date` and @x_y^{z}";
	o.ylabel = "failed logins per month";
	cr_assert_eq(chart_render(&f.in, &o, out, &err), CHART_OK, "%s",
	    err.buf);
	s = slurp_or_null(out, n);
	cr_assert_not_null(s, "no %s", out);
	cr_expect_gt(*n, 2048, "%s: only %zu bytes", leaf, *n);
	unlink(out);
	free(out);
	sbuf_release(&err);
	return s;
}

Test(chart, renders_png_svg_pdf)
{
	size_t n;
	char *s;

	if (!have_gnuplot())
		cr_skip_test("gnuplot not installed");
	s = render("c.png", CHART_PNG, false, &n);
	cr_expect(memcmp(s, "\x89PNG\r\n\x1a\n", 8) == 0);
	free(s);
	s = render("log.png", CHART_PNG, true, &n);
	cr_expect(memcmp(s, "\x89PNG", 4) == 0);
	free(s);
	s = render("c.svg", CHART_SVG, false, &n);
	s[n < 512 ? n : 512] = '\0';
	cr_expect(strstr(s, "<svg") != NULL || strncmp(s, "<?xml", 5) == 0);
	free(s);
	s = render("c.svg", CHART_SVG, false, &n);
	/* The legend shows the escaped names, literally. */
	cr_expect_not_null(strstr(s, ">a\\x22b<"));
	cr_expect_not_null(strstr(s, ">`reboot`<"));
	cr_expect_not_null(strstr(s, ">x\\x09y<"));
	cr_expect_not_null(strstr(s, ">#comment<"));
	cr_expect_not_null(strstr(s, ">@SUM<"));
	cr_expect_not_null(strstr(s, "title with `date` and @x_y^{z}"));
	free(s);
	s = render("c.pdf", CHART_PDF, false, &n);
	cr_expect(memcmp(s, "%PDF", 4) == 0);
	free(s);
}

#define bin test_bin
#define td test_data

/* distinct_periods - periods in "errors --by month --format csv". */
static size_t
distinct_periods(void)
{
	char *csv = path("errors.csv");
	struct csv_table t;
	size_t r, n = 0;

	cr_assert_eq(run("'%s' errors -q --by month --format csv '%s/demo' "
	    "> '%s'", bin(), td(), csv), 0);
	cr_assert_eq(tbl_load(csv, &t), 0);
	for (r = 0; r < t.nrows; r++)
		if (r == 0 || strcmp(tbl_get(&t, r, "period"),
		    tbl_get(&t, r - 1, "period")) != 0)
			n++;
	unlink(csv);
	free(csv);
	return n;
}

Test(chart, plot_errors_end_to_end)
{
	char *png = path("demo.png");
	size_t n;
	char *s;

	if (!have_gnuplot())
		cr_skip_test("gnuplot not installed");
	cr_assert_eq(run("'%s' plot-errors -q -o '%s' --by month '%s/demo'",
	    bin(), png, td()), 0);
	s = slurp_or_null(png, &n);
	cr_assert_not_null(s);
	cr_expect(memcmp(s, "\x89PNG", 4) == 0);
	cr_expect_gt(n, 2048);
	free(s);
	unlink(png);
	free(png);
}

Test(chart, script_dir_matches_errors)
{
	char *dir = path("script"), *outf = path("cmd.txt"), *dat, *s, *c;
	char *png = path("by-hand.png");
	size_t n, periods = distinct_periods();

	cr_assert_eq(run("'%s' plot-errors -q --script '%s' -o '%s' --by "
	    "month '%s/demo' > '%s'", bin(), dir, png, td(), outf), 0);
	cr_assert(asprintf(&dat, "%s/plot-errors.dat", dir) > 0);
	s = slurp_or_null(dat, &n);
	cr_assert_not_null(s);
	cr_expect_gt(periods, 0);
	cr_expect_eq(count_lines(s), periods + 1, "%zu data rows, %zu "
	    "periods", count_lines(s) - 1, periods);
	free(s);
	c = slurp_or_null(outf, &n);
	cr_assert_not_null(c);
	cr_expect(strncmp(c, "gnuplot -d -c ", 14) == 0, "printed: %s", c);
	/* The printed command draws the chart. */
	if (have_gnuplot()) {
		cr_expect_eq(run_cmd(c), 0, "%s", c);
		s = slurp_or_null(png, &n);
		cr_expect(s != NULL && n > 2048);
		free(s);
	}
	run("rm -rf '%s' '%s' '%s'", dir, outf, png);
	free(c);
	free(dat);
	free(dir);
	free(outf);
	free(png);
}

Test(chart, no_gnuplot_exits_69)
{
	char *png = path("none.png"), *err = path("none.err"), *s;
	size_t n;

	cr_assert_eq(run("env PATH=/nonexistent '%s' plot-errors -q -o '%s' "
	    "'%s/demo' 2> '%s'", bin(), png, td(), err), 69);
	s = slurp_or_null(err, &n);
	cr_assert_not_null(s);
	cr_expect_not_null(strstr(s, "gnuplot-nox"), "stderr: %s", s);
	cr_expect_neq(access(png, F_OK), 0, "an output file was left");
	free(s);
	unlink(err);
	free(err);
	free(png);
}

Test(chart, bad_usage_exits_64)
{
	static const char *const sizes[] = { "10x10", "abc", "1200x",
		"1200x600x2", "-1200x600", "1200x99999999999" };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		cr_expect_eq(run("'%s' plot-errors -o x.png --size '%s' "
		    "'%s/demo' 2>/dev/null", bin(), sizes[i], td()), 64,
		    "--size %s", sizes[i]);
	cr_expect_eq(run("'%s' plot-errors -o x.gif '%s/demo' 2>/dev/null",
	    bin(), td()), 64);
	cr_expect_eq(run("'%s' plot-errors -o x '%s/demo' 2>/dev/null",
	    bin(), td()), 64);
	cr_expect_eq(run("'%s' plot-errors '%s/demo' 2>/dev/null", bin(),
	    td()), 64);
	cr_expect_eq(run("'%s' plot-errors -o x.png --by hour '%s/demo' "
	    "2>/dev/null", bin(), td()), 64);
	cr_expect_eq(run("'%s' plot-errors -o x.png 2>/dev/null", bin()), 64);
}

Test(chart, nothing_to_plot_exits_65)
{
	char *png = path("nothing.png");

	cr_expect_eq(run("'%s' plot-errors -q -o '%s' --service nosuch "
	    "'%s/demo' 2>/dev/null", bin(), png, td()), 65);
	cr_expect_neq(access(png, F_OK), 0);
	free(png);
}
