/*
 * io/chart.c - bar charts drawn by gnuplot, for "subsubmit plot-errors".
 *
 * It sits at the end of the flow: cmd/ hands it the counts of a pass as
 * plain numbers and label strings.  gnuplot runs backquoted commands even
 * inside double quotes and expands @macros, so no variable text enters
 * the script: labels and series names go into a tab-separated data file,
 * each escaped (io/escape.h) and double-quoted, and the script picks
 * them up with xticlabels() and columnheader().  The output file, data
 * file, title and axis label are passed as "gnuplot -c" arguments, which
 * the script only uses as string values.  Only the terminal line, chosen
 * from a fixed table, and numbers formatted here vary.
 */
#include "io/chart.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/escape.h"

extern char **environ;

#define ERR_CAP		160	/* bytes of gnuplot's message we show */

/*
 * The terminals, by output extension.  The line is formatted with
 * width/div, height/div, twice (the PNG one needs them for its fallback;
 * the others ignore the excess arguments).
 */
static const struct format {
	const char		*ext;
	enum chart_format	 fmt;
	const char		*tmpname;	/* in the temporary dir */
	const char		*terminal;
	double			 div;
} formats[] = {
	{ ".png", CHART_PNG, "chart.png",
	    "if (strstrt(GPVAL_TERMINALS, \" pngcairo \") > 0) {\n"
	    "\tset terminal pngcairo size %.0f,%.0f noenhanced "
	    "font \"sans,10\"\n"
	    "} else {\n"
	    "\tset terminal png size %.0f,%.0f noenhanced\n"
	    "}\n", 1 },
	{ ".svg", CHART_SVG, "chart.svg",
	    "set terminal svg size %.0f,%.0f noenhanced font \"sans,10\"\n",
	    1 },
	{ ".pdf", CHART_PDF, "chart.pdf",
	    "set terminal pdfcairo size %.2fin,%.2fin noenhanced "
	    "font \"sans,8\"\n", 100 },
};

#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))

/*
 * The fixed part of the script.  ARG1 output, ARG2 data, ARG3 title,
 * ARG4 y label; the data columns are period, tick, then one per series.
 */
static const char script_body[] =
    "set termoption noenhanced\n"
    "set encoding utf8\n"
    "set output ARG1\n"
    "set datafile separator \"\\t\"\n"
    "set title ARG3 noenhanced\n"
    "set ylabel ARG4 noenhanced\n"
    "set key top left Left reverse opaque box noenhanced\n"
    "set style data histograms\n"
    "set style histogram clustered gap 1\n"
    "set style fill solid 1.0 noborder\n"
    "set xtics nomirror scale 0\n"
    "set xrange [-0.6:NPERIODS-0.4]\n"
    "set offsets 0, 0, graph 0.2, 0\n"
    "set ytics nomirror\n"
    "set style line 100 lc rgb \"#d8d8d8\" lw 1 dt 1\n"
    "set grid ytics ls 100\n"
    "set border 3\n"
    "set linetype 1 lc rgb \"#1f77b4\"\n"
    "set linetype 2 lc rgb \"#ff7f0e\"\n"
    "set linetype 3 lc rgb \"#2ca02c\"\n"
    "set linetype 4 lc rgb \"#d62728\"\n"
    "set linetype 5 lc rgb \"#9467bd\"\n"
    "set linetype 6 lc rgb \"#8c564b\"\n"
    "set linetype 7 lc rgb \"#e377c2\"\n"
    "set linetype 8 lc rgb \"#7f7f7f\"\n"
    "set linetype cycle 8\n";

static const char script_linear[] = "set yrange [0:*]\n";
static const char script_log[] =
    "set logscale y\n"
    "set yrange [0.5:*]\n";
static const char script_plot[] =
    "plot for [i=3:NSERIES+2] ARG2 using i:xticlabels(2) "
    "title columnheader(i)\n"
    "set output\n";

void
chart_opts_init(struct chart_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = CHART_PNG;
	o->width = CHART_WIDTH;
	o->height = CHART_HEIGHT;
	o->title = "";
	o->ylabel = "";
}

static const struct format *
format_of(enum chart_format fmt)
{
	size_t i;

	for (i = 0; i < NFORMATS; i++)
		if (formats[i].fmt == fmt)
			return &formats[i];
	return &formats[0];
}

bool
chart_format_from_path(const char *path, enum chart_format *out)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return false;
	for (i = 0; i < NFORMATS; i++) {
		if (strcasecmp(dot, formats[i].ext) == 0) {
			*out = formats[i].fmt;
			return true;
		}
	}
	return false;
}

/* parse_dim - decimal digits only, CHART_SIZE_MIN..CHART_SIZE_MAX. */
static const char *
parse_dim(const char *s, int *out)
{
	long v = 0;
	int n = 0;

	for (; *s >= '0' && *s <= '9' && n < 6; s++, n++)
		v = v * 10 + (*s - '0');
	if (n == 0 || n == 6 || v < CHART_SIZE_MIN || v > CHART_SIZE_MAX)
		return NULL;
	*out = (int)v;
	return s;
}

bool
chart_parse_size(const char *s, int *w, int *h)
{
	int tw, th;

	if ((s = parse_dim(s, &tw)) == NULL || (*s != 'x' && *s != 'X'))
		return false;
	if ((s = parse_dim(s + 1, &th)) == NULL || *s != '\0')
		return false;
	*w = tw;
	*h = th;
	return true;
}

/* add_quoted_path - 'path', escaped and cut, for a message. */
static void
add_quoted_path(struct sbuf *sb, const char *path)
{
	sbuf_addc(sb, '\'');
	escape_text(sb, path, strlen(path), 80);
	sbuf_addc(sb, '\'');
}

/*
 * add_field - one data-file string field.  The escaped text holds no
 * control bytes, so no tab or newline; gnuplot then reads backslash
 * escapes inside double quotes, so each backslash is doubled and a
 * double quote becomes the text \x22.  What the legend shows is exactly
 * what escape_text() made, with \x22 for a quote.
 */
static void
add_field(struct sbuf *sb, struct sbuf *tmp, const char *s)
{
	size_t i;

	sbuf_reset(tmp);
	escape_text(tmp, s, strlen(s), 0);
	sbuf_addc(sb, '"');
	for (i = 0; i < tmp->len; i++) {
		if (tmp->buf[i] == '\\')
			sbuf_adds(sb, "\\\\");
		else if (tmp->buf[i] == '"')
			sbuf_adds(sb, "\\\\x22");
		else
			sbuf_addc(sb, tmp->buf[i]);
	}
	sbuf_addc(sb, '"');
}

/* write_file - the whole of sb into path (created or truncated). */
static enum chart_status
write_file(const char *path, const struct sbuf *sb, struct sbuf *err)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666)) == -1) {
		sbuf_adds(err, "cannot create ");
		add_quoted_path(err, path);
		sbuf_addf(err, ": %s", strerror(errno));
		return CHART_ECREATE;
	}
	while (off < sb->len) {
		if ((n = write(fd, sb->buf + off, sb->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) == 0 && off == sb->len)
		return CHART_OK;
	sbuf_adds(err, "write error on ");
	add_quoted_path(err, path);
	sbuf_addf(err, ": %s", strerror(errno));
	return CHART_EWRITE;
}

/* data_lines - the header and one line per period, into sb. */
static void
data_lines(struct sbuf *sb, const struct chart_in *in)
{
	struct sbuf tmp = SBUF_INIT;
	size_t p, s;

	sbuf_adds(sb, "\"period\"\t\"tick\"");
	for (s = 0; s < in->nseries; s++) {
		sbuf_addc(sb, '\t');
		add_field(sb, &tmp, in->series[s]);
	}
	sbuf_addc(sb, '\n');
	for (p = 0; p < in->nperiods; p++) {
		add_field(sb, &tmp, in->label[p]);
		/*
		 * Ticks mark years, at the first period of each one; a
		 * short chart labels every period instead.
		 */
		if (in->tick != NULL) {
			sbuf_addc(sb, '\t');
			add_field(sb, &tmp, in->tick[p]);
		} else if (in->nperiods <= CHART_LABEL_ALL) {
			sbuf_addc(sb, '\t');
			add_field(sb, &tmp, in->label[p]);
		} else if (p == 0 || in->year[p] != in->year[p - 1])
			sbuf_addf(sb, "\t\"%d\"", (int)in->year[p]);
		else
			sbuf_adds(sb, "\t\"\"");
		for (s = 0; s < in->nseries; s++)
			sbuf_addf(sb, "\t%llu", (unsigned long long)
			    in->values[p * in->nseries + s]);
		sbuf_addc(sb, '\n');
	}
	sbuf_release(&tmp);
}

enum chart_status
chart_write_data(const struct chart_in *in, const char *dat_path,
    struct sbuf *err)
{
	struct sbuf sb = SBUF_INIT;
	enum chart_status st;

	data_lines(&sb, in);
	st = write_file(dat_path, &sb, err);
	sbuf_release(&sb);
	return st;
}

enum chart_status
chart_write_script(const struct chart_in *in, const struct chart_opts *o,
    const char *gp_path, struct sbuf *err)
{
	const struct format *f = format_of(o->format);
	struct sbuf sb = SBUF_INIT;
	enum chart_status st;

	sbuf_adds(&sb, "# subsubmit plot-errors: gnuplot -d -c THIS-FILE "
	    "OUTPUT DATA TITLE YLABEL\n");
	sbuf_addf(&sb, "NPERIODS = %zu\nNSERIES = %zu\n", in->nperiods,
	    in->nseries);
	sbuf_addf(&sb, f->terminal, o->width / f->div, o->height / f->div,
	    o->width / f->div, o->height / f->div);
	sbuf_adds(&sb, script_body);
	sbuf_adds(&sb, o->log ? script_log : script_linear);
	sbuf_adds(&sb, script_plot);
	st = write_file(gp_path, &sb, err);
	sbuf_release(&sb);
	return st;
}

void
chart_argv(const char *argv[CHART_ARGC + 1], const char *gp,
    const char *out, const char *dat, const struct chart_opts *o)
{
	/* -d: no ~/.gnuplot or gnuplotrc, so every chart looks the same. */
	argv[0] = "gnuplot";
	argv[1] = "-d";
	argv[2] = "-c";
	argv[3] = gp;
	argv[4] = out;
	argv[5] = dat;
	argv[6] = o->title;
	argv[7] = o->ylabel;
	argv[8] = NULL;
}

/* add_shell_word - s as one shell word, single-quoted when needed. */
static void
add_shell_word(struct sbuf *sb, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./,:=+-%@";

	if (*s != '\0' && s[strspn(s, safe)] == '\0') {
		sbuf_adds(sb, s);
		return;
	}
	sbuf_addc(sb, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			sbuf_adds(sb, "'\\''");
		else
			sbuf_addc(sb, *s);
	}
	sbuf_addc(sb, '\'');
}

void
chart_command(struct sbuf *out, const char *gp, const char *out_path,
    const char *dat, const struct chart_opts *o)
{
	const char *argv[CHART_ARGC + 1];
	int i;

	chart_argv(argv, gp, out_path, dat, o);
	for (i = 0; i < CHART_ARGC; i++) {
		if (i > 0)
			sbuf_addc(out, ' ');
		add_shell_word(out, argv[i]);
	}
}

/* join - dir + "/" + leaf into sb (reset first). */
static const char *
join(struct sbuf *sb, const char *dir, const char *leaf)
{
	sbuf_reset(sb);
	sbuf_addf(sb, "%s/%s", dir, leaf);
	return sb->buf;
}

/* make_dir - mkdir 0755 unless dir already is a directory. */
static enum chart_status
make_dir(const char *dir, struct sbuf *err)
{
	struct stat sb;
	int e;

	if (mkdir(dir, 0755) == 0)
		return CHART_OK;
	e = errno;
	if (e == EEXIST) {
		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			return CHART_OK;
		e = ENOTDIR;
	}
	sbuf_adds(err, "cannot create directory ");
	add_quoted_path(err, dir);
	sbuf_addf(err, ": %s", strerror(e));
	return CHART_ECREATE;
}

enum chart_status
chart_write_files(const struct chart_in *in, const struct chart_opts *o,
    const char *dir, struct sbuf *err)
{
	struct sbuf path = SBUF_INIT;
	enum chart_status st;

	if ((st = make_dir(dir, err)) != CHART_OK)
		return st;
	st = chart_write_script(in, o, join(&path, dir, CHART_SCRIPT_NAME),
	    err);
	if (st == CHART_OK)
		st = chart_write_data(in, join(&path, dir, CHART_DATA_NAME),
		    err);
	sbuf_release(&path);
	return st;
}

/* The private directory of one rendering and the files in it. */
struct work {
	struct sbuf	dir, gp, dat, out, log;
	bool		made;
};

/* work_init - mkdtemp() under $TMPDIR (or /tmp) and the file names. */
static enum chart_status
work_init(struct work *w, const struct format *f, struct sbuf *err)
{
	const char *tmp = getenv("TMPDIR");

	sbuf_init(&w->dir);
	sbuf_init(&w->gp);
	sbuf_init(&w->dat);
	sbuf_init(&w->out);
	sbuf_init(&w->log);
	w->made = false;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	sbuf_addf(&w->dir, "%s/subsubmit-XXXXXX", tmp);
	if (mkdtemp(w->dir.buf) == NULL) {
		sbuf_adds(err, "cannot create a temporary directory in ");
		add_quoted_path(err, tmp);
		sbuf_addf(err, ": %s", strerror(errno));
		return CHART_ECREATE;
	}
	w->made = true;
	join(&w->gp, w->dir.buf, CHART_SCRIPT_NAME);
	join(&w->dat, w->dir.buf, CHART_DATA_NAME);
	join(&w->out, w->dir.buf, f->tmpname);
	join(&w->log, w->dir.buf, "gnuplot.log");
	return CHART_OK;
}

/* work_release - remove the temporary files and their directory. */
static void
work_release(struct work *w)
{
	if (w->made) {
		(void)unlink(w->gp.buf);
		(void)unlink(w->dat.buf);
		(void)unlink(w->out.buf);
		(void)unlink(w->log.buf);
		(void)rmdir(w->dir.buf);
	}
	sbuf_release(&w->dir);
	sbuf_release(&w->gp);
	sbuf_release(&w->dat);
	sbuf_release(&w->out);
	sbuf_release(&w->log);
}

/* read_file - up to max bytes of path into sb; -1 with errno set. */
static int
read_file(const char *path, struct sbuf *sb, size_t max)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (sb->len < max) {
		if ((n = read(fd, buf, sizeof(buf))) == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)close(fd);
			return -1;
		}
		sbuf_add(sb, buf, (size_t)n);
	}
	return close(fd);
}

/* add_log_line - ": " and the first non-blank line gnuplot wrote, escaped. */
static void
add_log_line(struct sbuf *err, const char *log)
{
	struct sbuf sb = SBUF_INIT;
	const char *p, *end;

	if (read_file(log, &sb, 4096) == 0) {
		for (p = sb.buf; p < sb.buf + sb.len; p = end + 1) {
			end = memchr(p, '\n', (size_t)(sb.buf + sb.len - p));
			if (end == NULL)
				end = sb.buf + sb.len;
			if (p + strspn(p, " \t\r") < end) {
				sbuf_adds(err, ": ");
				escape_text(err, p, (size_t)(end - p), ERR_CAP);
				break;
			}
		}
	}
	sbuf_release(&sb);
}

static void
not_found(struct sbuf *err)
{
	sbuf_adds(err, "gnuplot not found: install the Debian package "
	    "gnuplot-nox");
}

/* spawn - argv[0] from PATH; stdin, stdout /dev/null, stderr to log. */
static int
spawn(pid_t *pid, const char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	int rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 2, log,
		    O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (rc == 0)
		rc = posix_spawnp(pid, argv[0], &fa, NULL,
		    (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* run_gnuplot - run it by argv, wait, and judge its exit status. */
static enum chart_status
run_gnuplot(const struct work *w, const struct chart_opts *o,
    struct sbuf *err)
{
	const char *argv[CHART_ARGC + 1];
	pid_t pid;
	int rc, status;

	chart_argv(argv, w->gp.buf, w->out.buf, w->dat.buf, o);
	if ((rc = spawn(&pid, argv, w->log.buf)) != 0) {
		if (rc == ENOENT) {
			not_found(err);
			return CHART_ENOGNUPLOT;
		}
		sbuf_addf(err, "cannot run gnuplot: %s", strerror(rc));
		return CHART_EGNUPLOT;
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			sbuf_addf(err, "cannot wait for gnuplot: %s",
			    strerror(errno));
			return CHART_EGNUPLOT;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CHART_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		not_found(err);
		return CHART_ENOGNUPLOT;
	}
	if (WIFEXITED(status))
		sbuf_addf(err, "gnuplot failed (exit status %d)",
		    WEXITSTATUS(status));
	else
		sbuf_addf(err, "gnuplot killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	add_log_line(err, w->log.buf);
	return CHART_EGNUPLOT;
}

/* copy_out - gnuplot's output file to the user's output path. */
static enum chart_status
copy_out(const struct work *w, const char *out_path, struct sbuf *err)
{
	struct sbuf sb = SBUF_INIT;
	enum chart_status st;

	if (read_file(w->out.buf, &sb, SIZE_MAX) != 0 || sb.len == 0) {
		sbuf_adds(err, "gnuplot wrote no chart");
		add_log_line(err, w->log.buf);
		sbuf_release(&sb);
		return CHART_EGNUPLOT;
	}
	st = write_file(out_path, &sb, err);
	sbuf_release(&sb);
	return st;
}

enum chart_status
chart_render(const struct chart_in *in, const struct chart_opts *o,
    const char *out_path, struct sbuf *err)
{
	struct work w;
	enum chart_status st;

	if ((st = work_init(&w, format_of(o->format), err)) == CHART_OK)
		st = chart_write_data(in, w.dat.buf, err);
	if (st == CHART_OK)
		st = chart_write_script(in, o, w.gp.buf, err);
	if (st == CHART_OK)
		st = run_gnuplot(&w, o, err);
	if (st == CHART_OK)
		st = copy_out(&w, out_path, err);
	work_release(&w);
	return st;
}
