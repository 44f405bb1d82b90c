/*
 * io/statefile.c - reading, locking and atomically replacing the audit
 * state file.
 */
#include "io/statefile.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/diag.h"
#include "io/numfmt.h"
#include "io/out_csv.h"
#include "io/span.h"
#include "io/xalloc.h"

#define HEADER		"account,verdict,first_seen"
#define STATE_MAX	(64u * 1024 * 1024)	/* refuse larger files */

void
state_init(struct state *s)
{
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
}

void
state_release(struct state *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].account);
	free(s->v);
	if (s->lock_fd != -1)
		close(s->lock_fd);	/* drops the flock */
	state_init(s);
}

int
state_lock(struct state *s, const char *path, struct sbuf *err)
{
	struct sbuf lp = SBUF_INIT;
	int fd;

	sbuf_addf(&lp, "%s.lock", path);
	fd = open(lp.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || flock(fd, LOCK_EX) == -1) {
		sbuf_addf(err, "cannot lock '%s': %s",
		    diag_quote(lp.buf, lp.len), strerror(errno));
		if (fd != -1)
			close(fd);
		sbuf_release(&lp);
		return -1;
	}
	sbuf_release(&lp);
	s->lock_fd = fd;
	return 0;
}

struct state_row *
state_find(struct state *s, const char *account, size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->v[i].account) == len &&
		    memcmp(s->v[i].account, account, len) == 0)
			return &s->v[i];
	return NULL;
}

void
state_add(struct state *s, const char *account, size_t len,
    const char *verdict, int64_t first_seen)
{
	struct state_row *r;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	r = &s->v[s->n++];
	r->account = xmemdup(account, len);
	snprintf(r->verdict, sizeof(r->verdict), "%s", verdict);
	r->first_seen = first_seen;
}

/* The libcsv callbacks collect the cells of one row. */
struct parse {
	struct state	*s;
	char		*cell[4];
	size_t		 len[4];
	int		 ncell;
	unsigned	 rows;
	bool		 bad;
	char		 why[64];
};

static void
on_cell(void *p, size_t len, void *arg)
{
	struct parse *ps = arg;

	if (ps->ncell < 4) {
		ps->cell[ps->ncell] = xmemdup(p, len);
		ps->len[ps->ncell] = len;
	}
	ps->ncell++;
}

static bool
verdict_ok(const char *v)
{
	return strcmp(v, "bulk") == 0 || strcmp(v, "stealth") == 0 ||
	    strcmp(v, "at-risk") == 0;
}

static void
on_row(int c, void *arg)
{
	struct parse *ps = arg;
	uint32_t hi;
	int64_t t;
	int i;

	(void)c;
	if (!ps->bad && ps->rows == 0) {
		if (ps->ncell != 3 || strcmp(ps->cell[0], "account") != 0 ||
		    strcmp(ps->cell[1], "verdict") != 0 ||
		    strcmp(ps->cell[2], "first_seen") != 0) {
			ps->bad = true;
			snprintf(ps->why, sizeof(ps->why), "not a subsubmit "
			    "audit state file (header)");
		}
	} else if (!ps->bad) {
		if (ps->ncell != 3 || ps->len[0] == 0 ||
		    !verdict_ok(ps->cell[1]) ||
		    !span_to_u32(span_make(ps->cell[2], ps->len[2]),
		    UINT32_MAX, &hi)) {
			ps->bad = true;
			snprintf(ps->why, sizeof(ps->why), "malformed row");
		} else {
			t = hi;
			state_add(ps->s, ps->cell[0], ps->len[0], ps->cell[1],
			    t);
		}
	}
	for (i = 0; i < ps->ncell && i < 4; i++)
		free(ps->cell[i]);
	ps->ncell = 0;
	if (!ps->bad)
		ps->rows++;
}

/*
 * trailer - the "# end N" line: returns the length of the data before it
 * and stores N, or -1 when there is none (a truncated file).
 */
static ptrdiff_t
trailer(const char *buf, size_t len, uint32_t *n)
{
	struct span s = span_make(buf, len);
	ptrdiff_t at;

	if (len == 0 || buf[len - 1] != '\n')
		return -1;
	s.len--;
	at = SPAN_RFIND_LIT(s, "\n# end ");
	if (at < 0)
		return -1;
	if (!span_to_u32(span_skip(s, (size_t)at + 7), UINT32_MAX, n))
		return -1;
	return at + 1;
}

int
state_parse(struct state *s, const char *name, const char *buf, size_t len,
    struct sbuf *err)
{
	struct parse ps = { s, { 0 }, { 0 }, 0, 0, false, "" };
	struct csv_parser p;
	ptrdiff_t data;
	uint32_t n = 0;

	if ((data = trailer(buf, len, &n)) < 0) {
		sbuf_addf(err, "%s: damaged state file: no '# end' line (cut "
		    "short?)", diag_quote(name, strlen(name)));
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
		BUG("csv_init");
	if (csv_parse(&p, buf, (size_t)data, on_cell, on_row, &ps) !=
	    (size_t)data)
		snprintf(ps.why, sizeof(ps.why), "%s",
		    csv_strerror(csv_error(&p))), ps.bad = true;
	if (!ps.bad && csv_fini(&p, on_cell, on_row, &ps) != 0)
		snprintf(ps.why, sizeof(ps.why), "unterminated quote"),
		    ps.bad = true;
	csv_free(&p);
	/* A parse error leaves the cells of an unfinished row. */
	while (ps.ncell > 0)
		if (--ps.ncell < 4)
			free(ps.cell[ps.ncell]);
	if (!ps.bad && (ps.rows == 0 || ps.rows - 1 != n))
		snprintf(ps.why, sizeof(ps.why), "%u rows but the end line "
		    "says %u", ps.rows ? ps.rows - 1 : 0, n), ps.bad = true;
	if (ps.bad) {
		sbuf_addf(err, "%s:%u: damaged state file: %s",
		    diag_quote(name, strlen(name)), ps.rows + 1, ps.why);
		return -1;
	}
	return 0;
}

int
state_read(struct state *s, const char *path, struct sbuf *err)
{
	struct sbuf buf = SBUF_INIT;
	char chunk[65536];
	ssize_t got;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		sbuf_addf(err, "cannot open '%s': %s",
		    diag_quote(path, strlen(path)), strerror(errno));
		return -1;
	}
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		if (buf.len + (size_t)got > STATE_MAX) {
			got = -1;
			errno = EFBIG;
			break;
		}
		sbuf_add(&buf, chunk, (size_t)got);
	}
	close(fd);
	if (got < 0) {
		sbuf_addf(err, "cannot read '%s': %s",
		    diag_quote(path, strlen(path)), strerror(errno));
		sbuf_release(&buf);
		return -1;
	}
	rc = state_parse(s, path, buf.buf, buf.len, err);
	sbuf_release(&buf);
	return rc;
}

/* render - the file's bytes. */
static void
render(const struct state *s, struct sbuf *out)
{
	char *mem = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&mem, &len);
	struct csv_out c;

	if (fp == NULL)
		diag_fatal(EXIT_OSERR, "out of memory");
	csv_out_init(&c, fp);
	csv_out_header(&c, HEADER);
	for (i = 0; i < s->n; i++) {
		csv_out_raw_text(&c, s->v[i].account, strlen(s->v[i].account));
		csv_out_str(&c, s->v[i].verdict);
		csv_out_u64(&c, (uint64_t)s->v[i].first_seen);
		csv_out_end(&c);
	}
	csv_out_release(&c);
	fprintf(fp, "# end %zu\n", s->n);
	fclose(fp);
	sbuf_add(out, mem, len);
	free(mem);
}

/* fsync_dir - make the rename durable. */
static void
fsync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int
state_write(const struct state *s, const char *path, struct sbuf *err)
{
	struct sbuf tmp = SBUF_INIT, data = SBUF_INIT;
	int fd, rc = -1;
	ssize_t w = 0;
	size_t off = 0;

	sbuf_addf(&tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) == -1) {
		sbuf_addf(err, "cannot create '%s': %s",
		    diag_quote(tmp.buf, tmp.len), strerror(errno));
		goto out;
	}
	render(s, &data);
	while (off < data.len && (w = write(fd, data.buf + off,
	    data.len - off)) > 0)
		off += (size_t)w;
	if (off != data.len || fsync(fd) != 0) {
		sbuf_addf(err, "cannot write '%s': %s",
		    diag_quote(tmp.buf, tmp.len), strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	if (close(fd) != 0) {
		sbuf_addf(err, "cannot write '%s': %s",
		    diag_quote(tmp.buf, tmp.len), strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, path) != 0) {
		sbuf_addf(err, "cannot replace '%s': %s",
		    diag_quote(path, strlen(path)), strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	fsync_dir(path);
	rc = 0;
out:
	sbuf_release(&tmp);
	sbuf_release(&data);
	return rc;
}
