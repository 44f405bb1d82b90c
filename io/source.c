/*
 * io/source.c - which files to read, and in which order.
 *
 * The first step of the data flow: command-line arguments become an
 * ordered list of files for io/reader.  Year inference (formats.md
 * section 11) walks files from newest to oldest, so the order matters:
 * inside a mail-log family the oldest rotation comes first and the live
 * file last.  The order comes from the names alone, never from mtimes,
 * which copying resets.
 *
 * A folder is scanned once, its entries sorted by name so that messages
 * come out in a stable order, and each entry is either taken or skipped
 * with a reason (diag_info, seen with --verbose).  A file reached twice,
 * say through a folder and by name, is read once: counting its lines
 * twice would double every failure in it.
 */
#include "io/source.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/diag.h"
#include "io/escape.h"
#include "io/span.h"
#include "io/xalloc.h"

#define ROTATION_MAX	999999
#define STDIN_NAME	"(standard input)"

/* A base name split into family and rotation suffixes. */
struct name_parts {
	const char	*family;
	bool		 subset;	/* mail.err and friends */
	bool		 numbered;	/* has ".N" (N may be 0) */
	int32_t		 dateext;
	uint32_t	 rotation;
	const char	*unsupported;	/* compressor we cannot read yet */
};

static const struct family {
	const char	*stem;
	bool		 subset;
} families[] = {
	{ "exim_mainlog", false },	/* cPanel's /var/log/exim_mainlog */
	{ "mail.err", true },
	{ "mail.info", true },
	{ "mail.log", false },
	{ "mail.warn", true },
	{ "maillog", false },
	{ "mainlog", false },		/* Exim's log_file_path %slog */
};

static const struct compressor {
	const char	*suffix;
	const char	*name;		/* NULL: read by io/reader */
} compressors[] = {
	{ "", NULL },
	{ ".gz", NULL },
	{ ".bz2", "bzip2" },
	{ ".xz", "xz" },
	{ ".zst", "zstd" },
};

/* A folder entry that was taken, with its sort keys. */
struct cand {
	char		*base;
	struct name_parts np;
};

/* One file identity, to read each file once. */
struct file_id {
	dev_t		 dev;
	ino_t		 ino;
};

/* State of one source_collect() call. */
struct collect {
	struct source_list	*out;
	size_t			 first;	/* out->v[first] has ids[0] */
	struct file_id		*ids;
	size_t			 nids;
	size_t			 capids;
	const char		*site;	/* the host sub-folder being read */
};

/* digits - length of the run of ASCII digits at s. */
static size_t
digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* parse_date - 8 digits as a plausible YYYYMMDD, or -1. */
static int32_t
parse_date(const char *s)
{
	uint32_t v, m, d;

	if (digits(s) != 8 || !span_to_u32(span_make(s, 8), 99991231, &v))
		return -1;
	m = v / 100 % 100;
	d = v % 100;
	if (v < 19700101 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return (int32_t)v;
}

/*
 * parse_suffix - the part after the family stem: an optional ".N" or
 * "-YYYYMMDD", then an optional compressor suffix, then nothing.
 */
static bool
parse_suffix(const char *s, struct name_parts *np)
{
	size_t i, n;

	if (s[0] == '.' && (n = digits(s + 1)) > 0) {
		if (!span_to_u32(span_make(s + 1, n), ROTATION_MAX,
		    &np->rotation))
			return false;
		np->numbered = true;
		s += 1 + n;
	} else if (s[0] == '-') {
		if ((np->dateext = parse_date(s + 1)) == -1)
			return false;
		s += 9;
	}
	for (i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++) {
		if (strcmp(s, compressors[i].suffix) == 0) {
			np->unsupported = compressors[i].name;
			return true;
		}
	}
	return false;
}

/* parse_name - split base into family and suffixes; false if no family. */
static bool
parse_name(const char *base, struct name_parts *np)
{
	size_t i, len;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		memset(np, 0, sizeof(*np));
		len = strlen(families[i].stem);
		if (strncmp(base, families[i].stem, len) == 0 &&
		    parse_suffix(base + len, np)) {
			np->family = families[i].stem;
			np->subset = families[i].subset;
			return true;
		}
	}
	memset(np, 0, sizeof(*np));
	return false;
}

const char *
source_name_info(const char *base, int32_t *dateext, uint32_t *rotation)
{
	struct name_parts np;
	bool ok;

	ok = parse_name(base, &np) && !np.subset;
	*dateext = ok ? np.dateext : 0;
	*rotation = ok ? np.rotation : 0;
	return ok ? np.family : NULL;
}

/* quoted - the escaped name in a scratch sbuf, for one message. */
static const char *
quoted(struct sbuf *sb, const char *name)
{
	sbuf_reset(sb);
	escape_text(sb, name, strlen(name), 0);
	return sb->buf;
}

/* add_errno - "cannot VERB 'NAME': strerror" into err. */
static void
add_errno(struct sbuf *err, const char *verb, const char *name, int errnum)
{
	sbuf_addf(err, "cannot %s '", verb);
	escape_text(err, name, strlen(name), 0);
	sbuf_addf(err, "': %s", strerror(errnum));
}

/* join - "dir/base", without doubling a slash the user typed. */
static char *
join(const char *dir, const char *base)
{
	size_t dlen = strlen(dir);
	struct sbuf sb = SBUF_INIT;

	sbuf_add(&sb, dir, dlen);
	if (dlen > 0 && dir[dlen - 1] != '/')
		sbuf_addc(&sb, '/');
	sbuf_adds(&sb, base);
	return sbuf_detach(&sb, NULL);
}

/*
 * seen_before - true (with a warning) when the file with this identity
 * is already in the list; otherwise remember it.  Standard input (st is
 * NULL) is never a duplicate.
 */
static bool
seen_before(struct collect *c, const struct stat *st, const char *name)
{
	struct sbuf q = SBUF_INIT;
	size_t i;

	for (i = 0; st != NULL && i < c->nids; i++) {
		if (c->ids[i].dev == st->st_dev &&
		    c->ids[i].ino == st->st_ino) {
			diag_warn(name, 0, "same file as '%s'; read once",
			    quoted(&q, c->out->v[c->first + i].name));
			sbuf_release(&q);
			return true;
		}
	}
	if (c->nids == c->capids) {
		c->capids = c->capids ? st_mult(c->capids, 2) : 16;
		c->ids = xreallocarray(c->ids, c->capids, sizeof(*c->ids));
	}
	c->ids[c->nids].dev = st != NULL ? st->st_dev : 0;
	c->ids[c->nids].ino = st != NULL ? st->st_ino : 0;
	c->nids++;
	return false;
}

/* add_file - append one file to the list; path and name are taken over. */
static void
add_file(struct collect *c, char *path, char *name, bool explicit_arg,
    const struct stat *st)
{
	struct source_list *l = c->out;
	struct source_file *f;
	struct name_parts np;
	const char *base;

	if (seen_before(c, st, name)) {
		free(path);
		free(name);
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? st_mult(l->cap, 2) : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	parse_name(base, &np);
	f = &l->v[l->n++];
	f->path = path;
	f->name = name;
	f->explicit_arg = explicit_arg;
	f->dateext = np.dateext;
	f->rotation = np.rotation;
	f->site = c->site != NULL ? xstrdup(c->site) : NULL;
}

/*
 * rank - where a rotation sits in its family: dateext files first, then
 * numbered rotations, then the live file.
 */
static int
rank(const struct name_parts *np)
{
	if (np->dateext != 0)
		return 0;
	return np->numbered ? 1 : 2;
}

/* cand_cmp - qsort order: family, then oldest rotation first. */
static int
cand_cmp(const void *va, const void *vb)
{
	const struct cand *a = va, *b = vb;
	int d;

	if ((d = strcmp(a->np.family, b->np.family)) != 0)
		return d;
	if ((d = rank(&a->np) - rank(&b->np)) != 0)
		return d;
	if (a->np.dateext != b->np.dateext)
		return a->np.dateext < b->np.dateext ? -1 : 1;
	if (a->np.rotation != b->np.rotation)
		return a->np.rotation > b->np.rotation ? -1 : 1;
	return strcmp(a->base, b->base);
}

/* name_cmp - qsort order of plain names. */
static int
name_cmp(const void *va, const void *vb)
{
	return strcmp(*(char *const *)va, *(char *const *)vb);
}

/*
 * list_names - the sorted entry names of an open folder, without "."
 * and "..", in *namesp (free each and the array).  Returns the count, or
 * -1 with a message in err and nothing to free.
 */
static ssize_t
list_names(DIR *dir, const char *arg, char ***namesp, struct sbuf *err)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? st_mult(cap, 2) : 32;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (errno != 0) {
		add_errno(err, "read", arg, errno);
		while (n > 0)
			free(names[--n]);
		free(names);
		return -1;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	*namesp = names;
	return (ssize_t)n;
}

/*
 * skip_reason - why a folder entry is not read, or NULL to take it.
 * Reasons that lose mail-log data are warnings; the rest are info.
 */
static const char *
skip_reason(DIR *dir, const char *base, struct name_parts *np,
    bool *loud)
{
	struct stat st;

	*loud = false;
	if (!parse_name(base, np))
		return "not a mail log";
	if (np->subset)
		return "repeats lines of mail.log (name it to read it)";
	/*
	 * A mail log that cannot be examined is taken all the same, so that
	 * opening it fails loudly and the gap is named in the report.
	 */
	if (fstatat(dirfd(dir), base, &st, 0) == -1)
		return NULL;
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (np->unsupported != NULL) {
		*loud = true;
		return "compression is not supported yet";
	}
	return NULL;
}

/* pick - the taken entries of a folder, in read order. */
static size_t
pick(DIR *dir, const char *arg, char **names, size_t n, struct cand *cands)
{
	struct sbuf q = SBUF_INIT;
	const char *why;
	char *disp;
	size_t i, nc = 0;
	bool loud;

	for (i = 0; i < n; i++) {
		why = skip_reason(dir, names[i], &cands[nc].np, &loud);
		if (why == NULL) {
			cands[nc++].base = names[i];
			continue;
		}
		disp = join(arg, names[i]);
		if (loud)
			diag_warn(disp, 0, "skipped: %s %s",
			    cands[nc].np.unsupported, why);
		else
			diag_info("skipping '%s': %s", quoted(&q, disp), why);
		free(disp);
	}
	sbuf_release(&q);
	qsort(cands, nc, sizeof(*cands), cand_cmp);
	return nc;
}

/* take_cands - append the picked entries of folder arg to the list. */
static void
take_cands(struct collect *c, const char *arg, struct cand *cands,
    size_t nc)
{
	struct sbuf q = SBUF_INIT;
	struct stat st, *stp;
	char *path;
	size_t i;

	for (i = 0; i < nc; i++) {
		path = join(arg, cands[i].base);
		stp = stat(path, &st) == 0 ? &st : NULL;
		diag_info("taking '%s'", quoted(&q, path));
		add_file(c, path, xstrdup(path), false, stp);
	}
	sbuf_release(&q);
}

static int scan_folder(struct collect *, const char *, bool, struct sbuf *);

/*
 * scan_hosts - a folder without mail logs of its own may hold one
 * sub-folder per host (a central syslog server's /var/log/hosts/mx1/):
 * take the mail logs of each, sub-folders in name order, one level deep.
 * A sub-folder that cannot be read is a warning here, not an error.
 * Returns the number of files added.
 */
static size_t
scan_hosts(struct collect *c, DIR *dir, const char *arg, char **names,
    size_t n)
{
	struct sbuf err = SBUF_INIT;
	struct stat st;
	size_t i, before = c->out->n;
	char *path;

	for (i = 0; i < n; i++) {
		if (fstatat(dirfd(dir), names[i], &st, 0) == -1 ||
		    !S_ISDIR(st.st_mode))
			continue;
		path = join(arg, names[i]);
		sbuf_reset(&err);
		c->site = path;
		if (scan_folder(c, path, true, &err) == -1)
			diag_warn(path, 0, "skipped: %s", err.buf);
		c->site = NULL;
		free(path);
	}
	sbuf_release(&err);
	return c->out->n - before;
}

/*
 * scan_folder - add the mail logs of folder arg, oldest first, or those
 * of its per-host sub-folders (unless nested, itself one of those).
 */
static int
scan_folder(struct collect *c, const char *arg, bool nested,
    struct sbuf *err)
{
	struct cand *cands = NULL;
	char **names = NULL;
	ssize_t n;
	size_t i, nc = 0;
	DIR *dir;

	if ((dir = opendir(arg)) == NULL) {
		add_errno(err, "open", arg, errno);
		return -1;
	}
	n = list_names(dir, arg, &names, err);
	if (n >= 0) {
		cands = xreallocarray(NULL, (size_t)n + 1, sizeof(*cands));
		nc = pick(dir, arg, names, (size_t)n, cands);
		take_cands(c, arg, cands, nc);
		if (nc == 0 && !nested &&
		    scan_hosts(c, dir, arg, names, (size_t)n) == 0)
			diag_warn(arg, 0, "no mail logs in folder");
	}
	closedir(dir);
	for (i = 0; n > 0 && i < (size_t)n; i++)
		free(names[i]);
	free(names);
	free(cands);
	return n >= 0 ? 0 : -1;
}

/* add_arg - one command-line argument: a file, a folder or "-". */
static int
add_arg(struct collect *c, const char *arg, struct sbuf *err)
{
	struct sbuf q = SBUF_INIT;
	struct stat st;

	if (strcmp(arg, "-") == 0) {
		add_file(c, xstrdup("-"), xstrdup(STDIN_NAME), true, NULL);
		return 0;
	}
	if (stat(arg, &st) == -1) {
		add_errno(err, "open", arg, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return scan_folder(c, arg, false, err);
	diag_info("taking '%s'", quoted(&q, arg));
	sbuf_release(&q);
	add_file(c, xstrdup(arg), xstrdup(arg), true, &st);
	return 0;
}

int
source_collect(char *const *args, int nargs, struct source_list *out,
    struct sbuf *err)
{
	struct collect c = { out, out->n, NULL, 0, 0, NULL };
	int i, rc = 0;

	for (i = 0; i < nargs && rc == 0; i++)
		rc = add_arg(&c, args[i], err);
	free(c.ids);
	return rc;
}

void
source_list_release(struct source_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].name);
		free(l->v[i].site);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
