/*
 * tests/test_source.c - io/source: folder discovery, rotation order,
 * skipped files and their reasons.
 *
 * Each test builds its folder under $TEST_TMPDIR (or /tmp) at run time.
 */
#define _XOPEN_SOURCE	700	/* nftw() */

#include <sys/stat.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/diag.h"
#include "io/sbuf.h"
#include "io/source.h"
#include "io/xalloc.h"
#include "tests/testutil.h"

static char tmpdir[4096];

/* mk_tmpdir, rm_tmpdir - a private folder for this suite's fixtures. */
static void
mk_tmpdir(void)
{
	fixture_dir(tmpdir, sizeof(tmpdir), "source");
}

static void
rm_tmpdir(void)
{
	fixture_dir_remove(tmpdir);
}

TestSuite(source, .init = mk_tmpdir, .fini = rm_tmpdir);

/* path_of - tmpdir/name in a fresh heap string. */
static char *
path_of(const char *name)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s/%s", tmpdir, name);
	return sbuf_detach(&sb, NULL);
}

/* touch - create tmpdir/name with one line in it. */
static void
touch(const char *name)
{
	char *path = path_of(name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs("Jan  1 00:00:00 mx postfix/smtpd[1]: x\n", f);
	fclose(f);
	free(path);
}

/* make_names - create the files in a NULL-terminated list. */
static void
make_names(const char *const *names)
{
	while (*names != NULL)
		touch(*names++);
}

/* expect_names - the list holds tmpdir/<want[i]>, in order. */
static void
expect_names(const struct source_list *l, const char *const *want)
{
	char *p;
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		cr_assert(i < l->n, "only %zu files, want %s", l->n, want[i]);
		p = path_of(want[i]);
		cr_assert_str_eq(l->v[i].name, p, "file %zu", i);
		cr_assert_str_eq(l->v[i].path, p, "file %zu", i);
		free(p);
	}
	cr_assert_eq(l->n, i, "%zu files, want %zu", l->n, i);
}

/*
 * Capture of stderr (io/diag writes there) into a file, to check the
 * reasons given for skipped files.
 */
static int saved_stderr = -1;
static char capture_path[4200];

static void
capture_begin(void)
{
	int fd;

	fflush(stderr);
	snprintf(capture_path, sizeof(capture_path), "%s.stderr", tmpdir);
	fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* capture_end - restore stderr; returns what was written (free it). */
static char *
capture_end(void)
{
	char buf[16384];
	size_t n;
	FILE *f;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	f = fopen(capture_path, "rb");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	unlink(capture_path);
	buf[n] = '\0';
	return xstrdup(buf);
}

/* collect_ok - source_collect() that must succeed. */
static void
collect_ok(char *const *args, int nargs, struct source_list *l)
{
	struct sbuf err = SBUF_INIT;

	cr_assert_eq(source_collect(args, nargs, l, &err), 0, "%s",
	    err.buf);
	sbuf_release(&err);
}

static const char *const debian_mix[] = {
	"maillog", "maillog.1", "maillog.2.gz", "maillog.10.gz",
	"maillog-20180101.gz", "mail.log", "mail.err", "mail.warn",
	"random.txt", NULL
};

Test(source, folder_order_oldest_first)
{
	static const char *const want[] = {
		"mail.log", "maillog-20180101.gz", "maillog.10.gz",
		"maillog.2.gz", "maillog.1", "maillog", NULL
	};
	struct source_list l = { 0 };
	char *args[] = { tmpdir };
	size_t i;

	make_names(debian_mix);
	collect_ok(args, 1, &l);
	expect_names(&l, want);
	cr_assert_eq(l.v[1].dateext, 20180101);
	cr_assert_eq(l.v[2].rotation, 10);
	cr_assert_eq(l.v[3].rotation, 2);
	cr_assert_eq(l.v[4].rotation, 1);
	cr_assert_eq(l.v[5].rotation, 0);
	for (i = 0; i < l.n; i++)
		cr_assert(!l.v[i].explicit_arg);
	source_list_release(&l);
	source_list_release(&l);
}

Test(source, skipped_files_have_reasons)
{
	struct source_list l = { 0 };
	char *args[] = { tmpdir };
	struct sbuf want = SBUF_INIT;
	char *msg;

	make_names(debian_mix);
	diag_set_verbose(true);
	capture_begin();
	collect_ok(args, 1, &l);
	msg = capture_end();
	diag_set_verbose(false);
	cr_assert_eq(l.n, 6);
	sbuf_addf(&want, "skipping '%s/mail.err': repeats lines of mail.log",
	    tmpdir);
	cr_assert(strstr(msg, want.buf) != NULL, "got: %s", msg);
	sbuf_reset(&want);
	sbuf_addf(&want, "skipping '%s/mail.warn': repeats", tmpdir);
	cr_assert(strstr(msg, want.buf) != NULL, "got: %s", msg);
	sbuf_reset(&want);
	sbuf_addf(&want, "skipping '%s/random.txt': not a mail log", tmpdir);
	cr_assert(strstr(msg, want.buf) != NULL, "got: %s", msg);
	sbuf_reset(&want);
	sbuf_addf(&want, "taking '%s/maillog.10.gz'", tmpdir);
	cr_assert(strstr(msg, want.buf) != NULL, "got: %s", msg);
	cr_assert(strstr(msg, "taking '") < strstr(msg, want.buf));
	free(msg);
	sbuf_release(&want);
	source_list_release(&l);
}

Test(source, explicit_files_keep_argument_order)
{
	static const char *const want[] = {
		"mail.err", "maillog", "maillog.2.gz", NULL
	};
	struct source_list l = { 0 };
	char *args[3];
	size_t i;

	make_names(debian_mix);
	args[0] = path_of("mail.err");
	args[1] = path_of("maillog");
	args[2] = path_of("maillog.2.gz");
	collect_ok(args, 3, &l);
	expect_names(&l, want);
	for (i = 0; i < l.n; i++)
		cr_assert(l.v[i].explicit_arg);
	cr_assert_eq(l.v[2].rotation, 2);
	for (i = 0; i < 3; i++)
		free(args[i]);
	source_list_release(&l);
}

Test(source, folder_expands_in_place)
{
	struct source_list l = { 0 };
	char *sub, *other, *args[3];

	touch("first.log");
	cr_assert_eq(mkdir((sub = path_of("logs")), 0700), 0);
	touch("logs/maillog.1");
	touch("logs/maillog");
	touch("last.txt");
	args[0] = path_of("first.log");
	args[1] = sub;
	args[2] = other = path_of("last.txt");
	collect_ok(args, 3, &l);
	cr_assert_eq(l.n, 4);
	cr_assert_str_eq(l.v[0].name, args[0]);
	cr_assert(strstr(l.v[1].name, "/logs/maillog.1") != NULL);
	cr_assert(strstr(l.v[2].name, "/logs/maillog") != NULL);
	cr_assert_str_eq(l.v[3].name, other);
	cr_assert(l.v[0].explicit_arg && !l.v[1].explicit_arg);
	free(args[0]);
	free(sub);
	free(other);
	source_list_release(&l);
}

Test(source, trailing_slash_not_doubled)
{
	struct source_list l = { 0 };
	struct sbuf arg = SBUF_INIT;
	char *args[1], *want;

	touch("maillog");
	sbuf_addf(&arg, "%s/", tmpdir);
	args[0] = arg.buf;
	collect_ok(args, 1, &l);
	cr_assert_eq(l.n, 1);
	want = path_of("maillog");
	cr_assert_str_eq(l.v[0].name, want);
	free(want);
	sbuf_release(&arg);
	source_list_release(&l);
}

Test(source, same_file_read_once)
{
	struct source_list l = { 0 };
	char *args[2];
	char *msg;

	touch("maillog");
	args[0] = tmpdir;
	args[1] = path_of("maillog");
	capture_begin();
	collect_ok(args, 2, &l);
	msg = capture_end();
	cr_assert_eq(l.n, 1);
	cr_assert(strstr(msg, "read once") != NULL, "got: %s", msg);
	free(msg);
	free(args[1]);
	source_list_release(&l);
}

Test(source, nonexistent_argument)
{
	struct source_list l = { 0 };
	struct sbuf err = SBUF_INIT;
	char *args[] = { "no/such/maillog" };

	cr_assert_eq(source_collect(args, 1, &l, &err), -1);
	cr_assert_str_eq(err.buf,
	    "cannot open 'no/such/maillog': No such file or directory");
	sbuf_release(&err);
	source_list_release(&l);
}

Test(source, empty_folder_warns)
{
	struct source_list l = { 0 };
	char *args[] = { tmpdir };
	char *msg;

	capture_begin();
	collect_ok(args, 1, &l);
	msg = capture_end();
	cr_assert_eq(l.n, 0);
	cr_assert(strstr(msg, "no mail logs in folder") != NULL, "got: %s",
	    msg);
	free(msg);
	source_list_release(&l);
}

Test(source, folder_without_mail_logs)
{
	struct source_list l = { 0 };
	char *args[] = { tmpdir };
	char *msg;

	touch("mail.err");
	touch("syslog");
	capture_begin();
	collect_ok(args, 1, &l);
	msg = capture_end();
	cr_assert_eq(l.n, 0);
	cr_assert(strstr(msg, "no mail logs in folder") != NULL, "got: %s",
	    msg);
	free(msg);
	source_list_release(&l);
}

Test(source, unsupported_compression_and_subfolders_skipped)
{
	struct source_list l = { 0 };
	char *args[] = { tmpdir }, *sub;
	char *msg;

	touch("maillog.0.bz2");
	touch("mail.log.3.xz");
	touch("maillog");
	cr_assert_eq(mkdir((sub = path_of("maillog.4")), 0700), 0);
	capture_begin();
	collect_ok(args, 1, &l);
	msg = capture_end();
	cr_assert_eq(l.n, 1);
	cr_assert(strstr(msg, "maillog.0.bz2: skipped: bzip2 compression") !=
	    NULL, "got: %s", msg);
	cr_assert(strstr(msg, "mail.log.3.xz: skipped: xz") != NULL, "got: %s",
	    msg);
	free(msg);
	free(sub);
	source_list_release(&l);
}

Test(source, stdin_dash)
{
	struct source_list l = { 0 };
	char *args[] = { "-" };

	collect_ok(args, 1, &l);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.v[0].path, "-");
	cr_assert(l.v[0].explicit_arg);
	source_list_release(&l);
}

struct name_case {
	const char	*base;
	const char	*family;	/* NULL: not a mail log */
	int32_t		 dateext;
	uint32_t	 rotation;
};

static const struct name_case name_cases[] = {
	{ "maillog", "maillog", 0, 0 },
	{ "maillog.1", "maillog", 0, 1 },
	{ "maillog.2.gz", "maillog", 0, 2 },
	{ "maillog.10.gz", "maillog", 0, 10 },
	{ "maillog.0.bz2", "maillog", 0, 0 },
	{ "maillog-20180101", "maillog", 20180101, 0 },
	{ "maillog-20181211.gz", "maillog", 20181211, 0 },
	{ "maillog.gz", "maillog", 0, 0 },
	{ "mail.log", "mail.log", 0, 0 },
	{ "mail.log.1", "mail.log", 0, 1 },
	{ "mail.log.7.gz", "mail.log", 0, 7 },
	{ "mail.log-20240229.xz", "mail.log", 20240229, 0 },
	{ "mail.log.3.zst", "mail.log", 0, 3 },
	{ "mail.err", NULL, 0, 0 },
	{ "mail.warn.1.gz", NULL, 0, 0 },
	{ "mail.info", NULL, 0, 0 },
	{ "maillogs", NULL, 0, 0 },
	{ "maillog.", NULL, 0, 0 },
	{ "maillog.1.gz.old", NULL, 0, 0 },
	{ "maillog.x", NULL, 0, 0 },
	{ "maillog-2018", NULL, 0, 0 },
	{ "maillog-20181301", NULL, 0, 0 },
	{ "maillog-201801011", NULL, 0, 0 },
	{ "maillog.99999999999", NULL, 0, 0 },
	{ "maillog.-1", NULL, 0, 0 },
	{ "Maillog", NULL, 0, 0 },
	{ "", NULL, 0, 0 },
	{ "mainlog", "mainlog", 0, 0 },
	{ "mainlog.1", "mainlog", 0, 1 },
	{ "mainlog.2.gz", "mainlog", 0, 2 },
	{ "mainlog-20240107.gz", "mainlog", 20240107, 0 },
	{ "exim_mainlog", "exim_mainlog", 0, 0 },
	{ "exim_mainlog-20240107", "exim_mainlog", 20240107, 0 },
	{ "rejectlog", NULL, 0, 0 },
	{ "paniclog.1", NULL, 0, 0 },
};

Test(source, name_info_table)
{
	const struct name_case *c;
	const char *fam;
	uint32_t rot;
	int32_t date;
	size_t i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		c = &name_cases[i];
		date = -7;
		rot = 77;
		fam = source_name_info(c->base, &date, &rot);
		if (c->family == NULL) {
			cr_assert_null(fam, "'%s' taken as %s", c->base, fam);
			continue;
		}
		cr_assert_not_null(fam, "'%s' not taken", c->base);
		cr_assert_str_eq(fam, c->family, "'%s'", c->base);
		cr_assert_eq(date, c->dateext, "'%s' date %d", c->base, date);
		cr_assert_eq(rot, c->rotation, "'%s' rot %u", c->base, rot);
	}
}

Test(source, release_zeroed_is_noop)
{
	struct source_list l = { 0 };

	source_list_release(&l);
}

Test(source, per_host_subfolders)
{
	static const char *const want[] = {
		"hosts/mx1/maillog-20240101.gz", "hosts/mx1/maillog.1",
		"hosts/mx1/maillog", "hosts/mx2/mail.log.2.gz",
		"hosts/mx2/mail.log", NULL
	};
	struct source_list l = { 0 };
	char *hosts = path_of("hosts"), *args[] = { hosts };
	static const char *const dirs[] = {
		"hosts", "hosts/mx2", "hosts/mx1", "hosts/empty",
		"hosts/mx1/deeper", NULL
	};
	size_t i;
	char *p, *msg;

	for (i = 0; dirs[i] != NULL; i++) {
		cr_assert_eq(mkdir((p = path_of(dirs[i])), 0700), 0);
		free(p);
	}
	touch("hosts/mx2/mail.log");
	touch("hosts/mx2/mail.log.2.gz");
	touch("hosts/mx1/maillog");
	touch("hosts/mx1/maillog.1");
	touch("hosts/mx1/maillog-20240101.gz");
	touch("hosts/mx1/deeper/maillog");	/* one level only */
	touch("hosts/empty/syslog");
	touch("hosts/README");
	capture_begin();
	collect_ok(args, 1, &l);
	msg = capture_end();
	expect_names(&l, want);
	cr_expect(strstr(msg, "no mail logs") == NULL, "got: %s", msg);
	free(msg);
	source_list_release(&l);

	/* a folder with mail logs of its own is not searched further */
	touch("hosts/maillog");
	collect_ok(args, 1, &l);
	cr_assert_eq(l.n, 1);
	source_list_release(&l);
	free(hosts);
}

Test(source, per_host_unreadable_subfolder_warns)
{
	struct source_list l = { 0 };
	char *hosts = path_of("hosts"), *args[] = { hosts }, *p, *msg;

	if (geteuid() == 0) {
		rm_tmpdir();	/* a skipped test gets no .fini */
		cr_skip_test("root reads any folder");
	}
	cr_assert_eq(mkdir(hosts, 0700), 0);
	cr_assert_eq(mkdir((p = path_of("hosts/mx1")), 0700), 0);
	free(p);
	cr_assert_eq(mkdir((p = path_of("hosts/mx2")), 0700), 0);
	touch("hosts/mx2/maillog");
	cr_assert_eq(chmod(p, 0), 0);
	free(p);
	touch("hosts/mx1/maillog");
	capture_begin();
	collect_ok(args, 1, &l);
	msg = capture_end();
	cr_assert_eq(l.n, 1);
	cr_expect(strstr(msg, "mx2: skipped: cannot open") != NULL, "got: %s",
	    msg);
	p = path_of("hosts/mx2");
	chmod(p, 0700);
	free(p);
	free(msg);
	source_list_release(&l);
	free(hosts);
}
