/*
 * tests/testutil.h - helpers for tests that run the built binary and read
 * its CSV output (header-only; each test file includes it once).
 */
#ifndef SUBSUBMIT_TESTS_TESTUTIL_H
#define SUBSUBMIT_TESTS_TESTUTIL_H

#include <criterion/criterion.h>
#include <csv.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_COLS	32

struct csv_table {
	char	*cols[MAX_COLS];	/* header names */
	int	 ncols;
	char	***rows;		/* rows[i][j] */
	size_t	 nrows;
	size_t	 cap;
	/* parser state */
	char	*cur[MAX_COLS];
	int	 ncur;
	bool	 header_done;
};

static inline void
tbl_cell(void *s, size_t len, void *arg)
{
	struct csv_table *t = arg;
	char *c = malloc(len + 1);

	memcpy(c, s, len);
	c[len] = '\0';
	if (t->ncur < MAX_COLS)
		t->cur[t->ncur++] = c;
	else
		free(c);
}

static inline void
tbl_row(int ch, void *arg)
{
	struct csv_table *t = arg;
	int i;

	(void)ch;
	if (!t->header_done) {
		for (i = 0; i < t->ncur; i++)
			t->cols[i] = t->cur[i];
		t->ncols = t->ncur;
		t->header_done = true;
	} else {
		if (t->nrows == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 256;
			t->rows = realloc(t->rows, t->cap * sizeof(*t->rows));
		}
		t->rows[t->nrows] = calloc(MAX_COLS, sizeof(char *));
		for (i = 0; i < t->ncur; i++)
			t->rows[t->nrows][i] = t->cur[i];
		t->nrows++;
	}
	t->ncur = 0;
}

/* tbl_load - parse a CSV file (first row = header); 0 on success. */
static inline int
tbl_load(const char *path, struct csv_table *t)
{
	struct csv_parser p;
	char buf[65536];
	size_t n;
	FILE *fp = fopen(path, "r");

	memset(t, 0, sizeof(*t));
	if (fp == NULL || csv_init(&p, CSV_APPEND_NULL) != 0)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		csv_parse(&p, buf, n, tbl_cell, tbl_row, t);
	csv_fini(&p, tbl_cell, tbl_row, t);
	csv_free(&p);
	fclose(fp);
	return 0;
}

/* tbl_free - free what tbl_load allocated. */
static inline void
tbl_free(struct csv_table *t)
{
	size_t i;
	int j;

	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < MAX_COLS; j++)
			free(t->rows[i][j]);
		free(t->rows[i]);
	}
	free(t->rows);
	for (j = 0; j < t->ncols; j++)
		free(t->cols[j]);
}

/* tbl_col - index of a header name, or -1. */
static inline int
tbl_col(const struct csv_table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return i;
	return -1;
}

static inline const char *
tbl_get(const struct csv_table *t, size_t row, const char *name)
{
	int c = tbl_col(t, name);

	if (c < 0 || t->rows[row][c] == NULL)
		return "";
	return t->rows[row][c];
}

/*
 * run_cmd - run a shell command line built by the test (no log text in
 * it), return the exit status (or 128+signal).
 */
static inline int
run_cmd(const char *cmdline)
{
	int st = system(cmdline);

	if (st == -1)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static inline const char *
env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

static inline int
fixture_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * fixture_dir - make a private folder for a suite's fixtures,
 * TEST_TMPDIR/NAME.PID.XXXXXX, its path in dir.  fixture_dir_remove -
 * remove it and all in it, when it was made.
 */
static inline void
fixture_dir(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "%s/%s.%d.XXXXXX", env_or("TEST_TMPDIR", "/tmp"),
	    name, (int)getpid());
	cr_assert_not_null(mkdtemp(dir));
}

static inline void
fixture_dir_remove(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, fixture_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * tmp_path - a scratch file name under TEST_TMPDIR; the result stays valid
 * for the next 7 calls.
 */
static inline const char *
tmp_path(const char *leaf)
{
	static char buf[8][4096];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s.%d", env_or("TEST_TMPDIR", "/tmp"),
	    leaf, (int)getpid());
	return b;
}

/* test_bin, test_data - the binary and testdata/ as meson passes them. */
static inline const char *
test_bin(void)
{
	return env_or("SUBSUBMIT", "subsubmit");
}

static inline const char *
test_data(void)
{
	return env_or("TESTDATA", "testdata");
}

/*
 * run_fmt - format a command line (only test-made text in it) and run it;
 * returns the exit status.
 */
static inline int
run_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char test_cmdline[16384];	/* the last command run_fmt ran */

static inline int
run_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test_cmdline, sizeof(test_cmdline), fmt, ap);
	va_end(ap);
	return run_cmd(test_cmdline);
}

/*
 * slurp - a whole file into a malloc'ed, NUL-terminated buffer (the
 * caller frees it); its length in *len unless len is NULL.  Fails the
 * test when the file cannot be read.
 */
static inline char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(fp, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

#endif
