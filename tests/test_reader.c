/*
 * tests/test_reader.c - io/reader: gzip by magic bytes, bounded lines,
 * damaged input kept up to the damage.
 *
 * Fixtures are made at run time in a private folder under $TEST_TMPDIR
 * (or /tmp), so that the hostile ones (truncated and corrupt gzip, a 20 MB
 * line) need not live in the tree.
 */
#define _XOPEN_SOURCE	700	/* nftw() */

#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "config.h"
#ifdef HAVE_BZIP2
#include <bzlib.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "io/reader.h"
#include "io/sbuf.h"
#include "io/xalloc.h"
#include "tests/testutil.h"

static char tmpdir[4096];

/* mk_tmpdir, rm_tmpdir - a private folder for this suite's fixtures. */
static void
mk_tmpdir(void)
{
	fixture_dir(tmpdir, sizeof(tmpdir), "reader");
}

static void
rm_tmpdir(void)
{
	fixture_dir_remove(tmpdir);
}

TestSuite(reader, .init = mk_tmpdir, .fini = rm_tmpdir);

/* fixture - the path of file name in the test folder (static buffer). */
static const char *
fixture(const char *name)
{
	static char path[4200];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

/* write_file - write len bytes to fixture name; returns its path. */
static const char *
write_file(const char *name, const void *p, size_t len)
{
	const char *path = fixture(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(p, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* gz_member - one gzip member of p[0..len) with header MTIME, into out. */
static void
gz_member(struct sbuf *out, const void *p, size_t len, uint32_t mtime)
{
	unsigned char chunk[65536];
	gz_header head;
	z_stream zs;
	int ret;

	memset(&zs, 0, sizeof(zs));
	memset(&head, 0, sizeof(head));
	head.time = mtime;
	head.os = 3;
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	cr_assert_eq(deflateSetHeader(&zs, &head), Z_OK);
	zs.next_in = (unsigned char *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	do {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		ret = deflate(&zs, Z_FINISH);
		cr_assert(ret == Z_OK || ret == Z_STREAM_END);
		sbuf_add(out, chunk, sizeof(chunk) - zs.avail_out);
	} while (ret != Z_STREAM_END);
	deflateEnd(&zs);
}

/* write_gz - fixture name as one gzip member of the text s. */
static const char *
write_gz(const char *name, const void *p, size_t len, uint32_t mtime)
{
	struct sbuf sb = SBUF_INIT;
	const char *path;

	gz_member(&sb, p, len, mtime);
	path = write_file(name, sb.buf, sb.len);
	sbuf_release(&sb);
	return path;
}

/* open_ok - reader_open() that must succeed. */
static struct reader *
open_ok(const char *path)
{
	struct sbuf err = SBUF_INIT;
	struct reader *r;

	r = reader_open(path, path, &err);
	cr_assert_not_null(r, "reader_open: %s", err.buf);
	sbuf_release(&err);
	return r;
}

/* expect_line - the next line must be want (NUL-terminated) at lineno. */
static void
expect_line(struct reader *r, const char *want, uint64_t lineno)
{
	struct span line;
	uint64_t n;

	cr_assert_eq(reader_next(r, &line, &n), 1, "no line %ju", lineno);
	cr_assert_eq(n, lineno, "lineno %ju, want %ju", n, lineno);
	cr_assert_eq(line.len, strlen(want), "line %ju: len %zu, want %zu",
	    lineno, line.len, strlen(want));
	cr_assert(memcmp(line.p, want, line.len) == 0, "line %ju", lineno);
	cr_assert(!reader_line_cut(r));
}

/* expect_end - reader_next() must report the end, and stay there. */
static void
expect_end(struct reader *r)
{
	struct span line;
	uint64_t n;

	cr_assert_eq(reader_next(r, &line, &n), 0);
	cr_assert_eq(reader_next(r, &line, &n), 0);
}

/* count_lines - read to the end; returns the number of lines. */
static uint64_t
count_lines(struct reader *r)
{
	struct span line;
	uint64_t n, count = 0;

	while (reader_next(r, &line, &n) == 1)
		cr_assert_eq(n, ++count);
	return count;
}

/*
 * Capture of stderr (io/diag writes there) into a file, to check that a
 * warning was given.
 */
static int saved_stderr = -1;

static void
capture_begin(void)
{
	int fd;

	fflush(stderr);
	fd = open(fixture("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* capture_end - restore stderr; returns what was written (free it). */
static char *
capture_end(void)
{
	char buf[8192];
	size_t n;
	FILE *f;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	f = fopen(fixture("stderr.txt"), "rb");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return xstrdup(buf);
}

/* syslog_text - n numbered syslog-like lines into sb. */
static void
syslog_text(struct sbuf *sb, unsigned n)
{
	unsigned i;

	for (i = 1; i <= n; i++)
		sbuf_addf(sb, "Jan %2u 10:%02u:%02u mx postfix/smtpd[%u]: "
		    "warning: unknown[192.0.2.%u]: SASL LOGIN authentication "
		    "failed: UGFzc3dvcmQ6 line=%u\n", i % 28 + 1, i % 60,
		    i * 7 % 60, 1000 + i % 5000, i % 250, i);
}

/* line_of - the text of line i of syslog_text(), without newline. */
static void
line_of(struct sbuf *sb, const struct sbuf *text, unsigned i)
{
	const char *p = text->buf, *nl;

	while (--i > 0)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	sbuf_reset(sb);
	sbuf_add(sb, p, (size_t)(nl - p));
}

Test(reader, plain_lines_and_last_without_newline)
{
	static const char text[] = "one\ntwo\n\nfour";
	struct reader *r;
	int64_t mtime = 0;

	r = open_ok(write_file("plain.log", text, sizeof(text) - 1));
	cr_assert_eq(reader_compression(r), COMP_NONE);
	cr_assert_str_eq(reader_comp_name(COMP_NONE), "plain");
	cr_assert(reader_file_mtime(r, &mtime));
	cr_assert(mtime > 0);
	cr_assert_eq(reader_file_size(r), sizeof(text) - 1);
	cr_assert_eq(reader_gzip_mtime(r), 0);
	expect_line(r, "one", 1);
	expect_line(r, "two", 2);
	expect_line(r, "", 3);
	expect_line(r, "four", 4);
	expect_end(r);
	cr_assert(!reader_damaged(r));
	cr_assert_eq(reader_bytes_out(r), sizeof(text) - 1);
	reader_free(r);
}

Test(reader, lineno_exact_with_empty_lines)
{
	static const char text[] = "\n\n\nx\n\ny\n\n";
	struct reader *r;

	r = open_ok(write_file("empty-lines.log", text, sizeof(text) - 1));
	expect_line(r, "", 1);
	expect_line(r, "", 2);
	expect_line(r, "", 3);
	expect_line(r, "x", 4);
	expect_line(r, "", 5);
	expect_line(r, "y", 6);
	expect_line(r, "", 7);
	expect_end(r);
	reader_free(r);
}

Test(reader, empty_file)
{
	struct reader *r;

	r = open_ok(write_file("empty.log", "", 0));
	cr_assert_eq(reader_compression(r), COMP_NONE);
	expect_end(r);
	cr_assert(!reader_damaged(r));
	reader_free(r);
}

Test(reader, empty_gzip)
{
	struct reader *r;

	r = open_ok(write_gz("empty.gz", "", 0, 0));
	cr_assert_eq(reader_compression(r), COMP_GZIP);
	expect_end(r);
	cr_assert(!reader_damaged(r));
	reader_free(r);
}

Test(reader, nul_bytes_are_data)
{
	static const char text[] = "a\0b\n\0\0\0\nc";
	struct span line;
	struct reader *r;
	uint64_t n;

	r = open_ok(write_file("nul.log", text, sizeof(text) - 1));
	cr_assert_eq(reader_next(r, &line, &n), 1);
	cr_assert_eq(line.len, 3);
	cr_assert(memcmp(line.p, "a\0b", 3) == 0);
	cr_assert_eq(reader_next(r, &line, &n), 1);
	cr_assert_eq(line.len, 3);
	cr_assert(memcmp(line.p, "\0\0\0", 3) == 0);
	expect_line(r, "c", 3);
	expect_end(r);
	reader_free(r);
}

Test(reader, crlf_keeps_cr)
{
	static const char text[] = "a\r\nb\r\n\r\n";
	struct reader *r;

	r = open_ok(write_file("crlf.log", text, sizeof(text) - 1));
	expect_line(r, "a\r", 1);
	expect_line(r, "b\r", 2);
	expect_line(r, "\r", 3);
	expect_end(r);
	reader_free(r);
}

Test(reader, gzip_lines_and_header_mtime)
{
	static const char text[] = "alpha\nbeta\ngamma\n";
	struct reader *r;

	r = open_ok(write_gz("one.gz", text, sizeof(text) - 1, 1514764800));
	cr_assert_eq(reader_compression(r), COMP_GZIP);
	cr_assert_str_eq(reader_comp_name(COMP_GZIP), "gzip");
	cr_assert_eq(reader_gzip_mtime(r), 1514764800u);
	expect_line(r, "alpha", 1);
	expect_line(r, "beta", 2);
	expect_line(r, "gamma", 3);
	expect_end(r);
	cr_assert(!reader_damaged(r));
	cr_assert_eq(reader_bytes_out(r), sizeof(text) - 1);
	cr_assert_eq(reader_bytes_in(r), reader_file_size(r));
	reader_free(r);
}

Test(reader, gzip_by_magic_not_by_name)
{
	static const char text[] = "line one\nline two\n";
	struct reader *r;

	/* Text named .gz is text; gzip named .log is gzip. */
	r = open_ok(write_file("fake.gz", text, sizeof(text) - 1));
	cr_assert_eq(reader_compression(r), COMP_NONE);
	expect_line(r, "line one", 1);
	expect_line(r, "line two", 2);
	expect_end(r);
	reader_free(r);
	r = open_ok(write_gz("real.log", text, sizeof(text) - 1, 0));
	cr_assert_eq(reader_compression(r), COMP_GZIP);
	expect_line(r, "line one", 1);
	reader_free(r);
}

Test(reader, multi_member_continues_line_numbers)
{
	struct sbuf sb = SBUF_INIT;
	struct reader *r;

	gz_member(&sb, "m1 a\nm1 b\n", 10, 1000);
	gz_member(&sb, "m2 c\nm2 d", 9, 2000);
	gz_member(&sb, "\nm3 e\n", 6, 3000);
	sbuf_add(&sb, "\0\0\0\0\0\0\0\0", 8);	/* tape padding */
	r = open_ok(write_file("multi.gz", sb.buf, sb.len));
	cr_assert_eq(reader_gzip_mtime(r), 1000);
	expect_line(r, "m1 a", 1);
	expect_line(r, "m1 b", 2);
	expect_line(r, "m2 c", 3);
	expect_line(r, "m2 d", 4);
	expect_line(r, "m3 e", 5);
	expect_end(r);
	cr_assert(!reader_damaged(r));
	reader_free(r);
	sbuf_release(&sb);
}

Test(reader, trailing_garbage_warns_keeps_lines)
{
	struct sbuf sb = SBUF_INIT;
	struct reader *r;
	char *msg;

	gz_member(&sb, "x\ny\n", 4, 0);
	sbuf_adds(&sb, "garbage");
	r = open_ok(write_file("garbage.gz", sb.buf, sb.len));
	capture_begin();
	expect_line(r, "x", 1);
	expect_line(r, "y", 2);
	expect_end(r);
	msg = capture_end();
	cr_assert(strstr(msg, "trailing garbage") != NULL, "got: %s", msg);
	free(msg);
	reader_free(r);
	sbuf_release(&sb);
}

/*
 * check_prefix_lines - the first upto lines read must be the first lines
 * of text (after corrupt data, inflate may emit garbage before it fails).
 */
static uint64_t
check_prefix_lines(struct reader *r, const struct sbuf *text, uint64_t upto)
{
	struct sbuf want = SBUF_INIT;
	struct span line;
	uint64_t n, count = 0;

	while (reader_next(r, &line, &n) == 1) {
		cr_assert_eq(n, ++count);
		if (n > upto)
			continue;
		line_of(&want, text, (unsigned)n);
		/* The last line may be cut by the damage. */
		cr_assert(line.len <= want.len);
		cr_assert(memcmp(line.p, want.buf, line.len) == 0,
		    "line %ju differs", n);
	}
	sbuf_release(&want);
	return count;
}

Test(reader, truncated_gzip_keeps_lines_and_warns)
{
	struct sbuf text = SBUF_INIT, gz = SBUF_INIT;
	struct reader *r;
	uint64_t count;
	char *msg;

	syslog_text(&text, 20000);
	gz_member(&gz, text.buf, text.len, 0);
	r = open_ok(write_file("trunc.gz", gz.buf, gz.len / 2));
	capture_begin();
	count = check_prefix_lines(r, &text, UINT64_MAX);
	expect_end(r);
	msg = capture_end();
	cr_assert(count > 1000 && count < 20000, "kept %ju lines", count);
	cr_assert(reader_damaged(r));
	cr_assert(strstr(msg, "truncated gzip member at offset") != NULL,
	    "got: %s", msg);
	cr_assert(strstr(msg, "trunc.gz") != NULL, "got: %s", msg);
	cr_assert_null(strstr(strstr(msg, "truncated") + 1, "truncated"),
	    "one warning only: %s", msg);
	free(msg);
	reader_free(r);
	sbuf_release(&text);
	sbuf_release(&gz);
}

Test(reader, truncated_inside_header)
{
	struct reader *r;

	r = open_ok(write_file("tiny.gz", "\x1f\x8b\x08", 3));
	capture_begin();
	cr_assert_eq(count_lines(r), 0);
	free(capture_end());
	cr_assert(reader_damaged(r));
	reader_free(r);
}

Test(reader, corrupt_gzip_keeps_lines)
{
	struct sbuf text = SBUF_INIT, gz = SBUF_INIT;
	struct reader *r;
	uint64_t count;
	size_t i;
	char *msg;

	syslog_text(&text, 20000);
	gz_member(&gz, text.buf, text.len, 0);
	for (i = gz.len / 2; i < gz.len / 2 + 64; i++)
		gz.buf[i] = (char)(gz.buf[i] ^ 0x5a);
	r = open_ok(write_file("corrupt.gz", gz.buf, gz.len));
	capture_begin();
	count = check_prefix_lines(r, &text, 1000);
	msg = capture_end();
	cr_assert(count > 1000, "kept %ju lines", count);
	cr_assert(reader_damaged(r));
	cr_assert(strstr(msg, "corrupt.gz") != NULL, "got: %s", msg);
	cr_assert(strstr(msg, "at offset") != NULL, "got: %s", msg);
	free(msg);
	reader_free(r);
	sbuf_release(&text);
	sbuf_release(&gz);
}

Test(reader, bad_crc_is_damage_after_all_lines)
{
	struct sbuf text = SBUF_INIT, gz = SBUF_INIT;
	struct reader *r;

	syslog_text(&text, 100);
	gz_member(&gz, text.buf, text.len, 0);
	gz.buf[gz.len - 8] = (char)(gz.buf[gz.len - 8] ^ 1);
	r = open_ok(write_file("crc.gz", gz.buf, gz.len));
	capture_begin();
	cr_assert_eq(count_lines(r), 100);
	free(capture_end());
	cr_assert(reader_damaged(r));
	reader_free(r);
	sbuf_release(&text);
	sbuf_release(&gz);
}

/* long_line_file - "first\n", n bytes of 'x', then tail. */
static struct sbuf
long_line_text(size_t n, const char *tail)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "first\n");
	sbuf_grow(&sb, n);
	memset(sb.buf + sb.len, 'x', n);
	sb.len += n;
	sb.buf[sb.len] = '\0';
	sbuf_adds(&sb, tail);
	return sb;
}

/* expect_cut - the next line is cut at the cap, at lineno. */
static void
expect_cut(struct reader *r, uint64_t lineno)
{
	struct span line;
	uint64_t n;
	size_t i;

	cr_assert_eq(reader_next(r, &line, &n), 1);
	cr_assert_eq(n, lineno);
	cr_assert_eq(line.len, READER_LINE_CAP);
	cr_assert(reader_line_cut(r));
	for (i = 0; i < line.len; i++)
		cr_assert_eq(line.p[i], 'x');
}

Test(reader, one_megabyte_line_is_cut)
{
	struct sbuf sb = long_line_text(1 << 20, "\nnext\n");
	struct reader *r;

	r = open_ok(write_file("long.log", sb.buf, sb.len));
	expect_line(r, "first", 1);
	expect_cut(r, 2);
	expect_line(r, "next", 3);
	expect_end(r);
	cr_assert_eq(reader_overlong(r), 1);
	reader_free(r);
	r = open_ok(write_gz("long.gz", sb.buf, sb.len, 0));
	expect_line(r, "first", 1);
	expect_cut(r, 2);
	expect_line(r, "next", 3);
	expect_end(r);
	reader_free(r);
	sbuf_release(&sb);
}

Test(reader, twenty_megabyte_line_without_newline)
{
	struct sbuf sb = long_line_text(20 << 20, "");
	struct reader *r;

	r = open_ok(write_gz("huge.gz", sb.buf, sb.len, 0));
	expect_line(r, "first", 1);
	expect_cut(r, 2);
	expect_end(r);
	cr_assert_eq(reader_overlong(r), 1);
	cr_assert_eq(reader_bytes_out(r), sb.len);
	reader_free(r);
	sb.buf[sb.len - 1] = '\n';
	sbuf_adds(&sb, "after\n");
	r = open_ok(write_file("huge.log", sb.buf, sb.len));
	expect_line(r, "first", 1);
	expect_cut(r, 2);
	expect_line(r, "after", 3);
	expect_end(r);
	reader_free(r);
	sbuf_release(&sb);
}

Test(reader, cap_boundary)
{
	struct sbuf sb = SBUF_INIT;
	struct span line;
	struct reader *r;
	uint64_t n;

	sbuf_grow(&sb, 2 * READER_LINE_CAP + 2);
	memset(sb.buf, 'a', READER_LINE_CAP);
	sb.buf[READER_LINE_CAP] = '\n';
	memset(sb.buf + READER_LINE_CAP + 1, 'b', READER_LINE_CAP + 1);
	sb.len = 2 * READER_LINE_CAP + 2;
	sb.buf[sb.len] = '\0';
	r = open_ok(write_file("cap.log", sb.buf, sb.len));
	cr_assert_eq(reader_next(r, &line, &n), 1);
	cr_assert_eq(line.len, READER_LINE_CAP);
	cr_assert(!reader_line_cut(r));
	cr_assert_eq(reader_next(r, &line, &n), 1);
	cr_assert_eq(n, 2);
	cr_assert_eq(line.len, READER_LINE_CAP);
	cr_assert(reader_line_cut(r));
	expect_end(r);
	cr_assert_eq(reader_overlong(r), 1);
	reader_free(r);
	sbuf_release(&sb);
}

/* rnd - xorshift64, for reproducible random fixtures. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* random_text - lines of random length (some over the cap), NULs too. */
static void
random_text(struct sbuf *sb, size_t total, uint64_t seed)
{
	size_t len, i;

	while (sb->len < total) {
		len = rnd(&seed) % 16 == 0 ? rnd(&seed) % 40000 :
		    rnd(&seed) % 300;
		sbuf_grow(sb, len + 1);
		for (i = 0; i < len; i++)
			sb->buf[sb->len + i] = (char)(rnd(&seed) % 96 == 0 ?
			    0 : 'a' + i % 26);
		sb->len += len;
		sbuf_addc(sb, '\n');
	}
	if (rnd(&seed) % 2)
		sbuf_adds(sb, "no newline at end");
}

/* compare_model - the reader agrees with a plain split of text. */
static void
compare_model(struct reader *r, const struct sbuf *text)
{
	const char *p = text->buf, *end = text->buf + text->len, *nl;
	struct span line;
	uint64_t n, want = 0;
	size_t len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		cr_assert_eq(reader_next(r, &line, &n), 1);
		cr_assert_eq(n, ++want);
		cr_assert_eq(reader_line_cut(r), len > READER_LINE_CAP);
		if (len > READER_LINE_CAP)
			len = READER_LINE_CAP;
		cr_assert_eq(line.len, len, "line %ju", n);
		cr_assert(memcmp(line.p, p, len) == 0, "line %ju", n);
		p = nl != NULL ? nl + 1 : end;
	}
	expect_end(r);
}

Test(reader, random_lines_match_model)
{
	struct sbuf text = SBUF_INIT, gz = SBUF_INIT;
	struct reader *r;
	uint64_t seed;

	for (seed = 1; seed <= 3; seed++) {
		sbuf_reset(&text);
		sbuf_reset(&gz);
		random_text(&text, 5 << 20, seed * 0x9e3779b97f4a7c15ull);
		r = open_ok(write_file("model.log", text.buf, text.len));
		compare_model(r, &text);
		reader_free(r);
		gz_member(&gz, text.buf, text.len / 3, 0);
		gz_member(&gz, text.buf + text.len / 3,
		    text.len - text.len / 3, 0);
		r = open_ok(write_file("model.gz", gz.buf, gz.len));
		compare_model(r, &text);
		cr_assert(!reader_damaged(r));
		reader_free(r);
	}
	sbuf_release(&text);
	sbuf_release(&gz);
}

Test(reader, stdin_dash)
{
	static const char text[] = "from\nstdin\n";
	struct sbuf err = SBUF_INIT;
	struct reader *r;
	int fd;

	write_gz("stdin.gz", text, sizeof(text) - 1, 42);
	fd = open(fixture("stdin.gz"), O_RDONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	r = reader_open("-", "(standard input)", &err);
	cr_assert_not_null(r);
	cr_assert_eq(reader_gzip_mtime(r), 42);
	expect_line(r, "from", 1);
	expect_line(r, "stdin", 2);
	expect_end(r);
	reader_free(r);
	sbuf_release(&err);
}

Test(reader, stdin_pipe_in_small_writes)
{
	struct sbuf text = SBUF_INIT, gz = SBUF_INIT;
	struct reader *r;
	size_t i;
	pid_t pid;
	int fds[2];

	syslog_text(&text, 3000);
	gz_member(&gz, text.buf, text.len, 7);
	cr_assert_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		for (i = 0; i < gz.len; i += 7)
			if (write(fds[1], gz.buf + i, gz.len - i < 7 ?
			    gz.len - i : 7) == -1)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	cr_assert_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	r = open_ok("-");
	cr_assert_eq(reader_compression(r), COMP_GZIP);
	cr_assert_eq(reader_gzip_mtime(r), 7);
	cr_assert(!reader_file_mtime(r, &(int64_t){ 0 }));
	compare_model(r, &text);
	cr_assert(!reader_damaged(r));
	reader_free(r);
	waitpid(pid, NULL, 0);
	sbuf_release(&text);
	sbuf_release(&gz);
}

Test(reader, first_read_error)
{
	struct sbuf err = SBUF_INIT;

	/* Reading /proc/self/mem at offset 0 fails with EIO. */
	cr_assert_null(reader_open("/proc/self/mem", "mem", &err));
	cr_assert_str_eq(err.buf, "cannot read 'mem': Input/output error");
	sbuf_release(&err);
}

Test(reader, open_errors)
{
	struct sbuf err = SBUF_INIT;

	cr_assert_null(reader_open(fixture("nope.log"), "nope.log", &err));
	cr_assert_str_eq(err.buf,
	    "cannot open 'nope.log': No such file or directory");
	sbuf_reset(&err);
	cr_assert_null(reader_open(tmpdir, "logs", &err));
	cr_assert_str_eq(err.buf, "cannot open 'logs': Is a directory");
	sbuf_release(&err);
}

/* Compressors other than gzip, made with their own libraries. */
#ifdef HAVE_BZIP2
static void
bz2_stream(struct sbuf *out, const char *p, size_t len)
{
	unsigned int n = (unsigned int)(len + len / 100 + 600);

	sbuf_grow(out, n);
	cr_assert_eq(BZ2_bzBuffToBuffCompress(out->buf + out->len, &n,
	    (char *)(uintptr_t)p, (unsigned int)len, 9, 0, 0), BZ_OK);
	out->len += n;
}
#endif
#ifdef HAVE_LZMA
static void
xz_stream(struct sbuf *out, const char *p, size_t len)
{
	size_t pos = 0, cap = lzma_stream_buffer_bound(len);

	sbuf_grow(out, cap);
	cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
	    (const uint8_t *)p, len, (uint8_t *)out->buf + out->len, &pos,
	    cap), LZMA_OK);
	out->len += pos;
}
#endif
#ifdef HAVE_ZSTD
static void
zstd_frame(struct sbuf *out, const char *p, size_t len)
{
	size_t cap = ZSTD_compressBound(len), n;

	sbuf_grow(out, cap);
	n = ZSTD_compress(out->buf + out->len, cap, p, len, 3);
	cr_assert(!ZSTD_isError(n));
	out->len += n;
}
#endif

#if defined(HAVE_BZIP2) || defined(HAVE_LZMA) || defined(HAVE_ZSTD)
/*
 * check_codec - two streams of text read as one, in both reading modes;
 * cut short, the lines before the cut are kept and one warning names the
 * format.
 */
static void
check_codec(void (*make)(struct sbuf *, const char *, size_t),
    const char *name, enum reader_comp comp, const char *warning)
{
	struct sbuf text = SBUF_INIT, z = SBUF_INIT;
	struct reader *r;
	uint64_t count;
	char *msg;
	int mode;

	random_text(&text, 2 << 20, 0x1234567 + (uint64_t)comp);
	make(&z, text.buf, text.len / 2);
	make(&z, text.buf + text.len / 2, text.len - text.len / 2);
	for (mode = 0; mode < 2; mode++) {
		r = open_ok(write_file(name, z.buf, z.len));
		cr_assert_eq(reader_compression(r), comp);
		if (mode == 1)
			reader_prefetch(r);
		compare_model(r, &text);
		cr_assert(!reader_damaged(r));
		reader_free(r);
	}
	sbuf_reset(&text);
	syslog_text(&text, 20000);
	sbuf_reset(&z);
	make(&z, text.buf, text.len);
	r = open_ok(write_file(name, z.buf, z.len * 2 / 3));
	capture_begin();
	count = check_prefix_lines(r, &text, UINT64_MAX);
	msg = capture_end();
	cr_assert(count > 1000 && count < 20000, "%s: kept %ju lines", name,
	    count);
	cr_assert(reader_damaged(r));
	cr_assert_not_null(strstr(msg, warning), "got: %s", msg);
	free(msg);
	reader_free(r);
	sbuf_release(&text);
	sbuf_release(&z);
}
#endif

Test(reader, other_compressors)
{
	static const char text[] = "BZh9 is not bzip2\n";
	struct reader *r;

#ifdef HAVE_BZIP2
	check_codec(bz2_stream, "m.bz2", COMP_BZIP2, "truncated bzip2 stream");
#endif
#ifdef HAVE_LZMA
	check_codec(xz_stream, "m.xz", COMP_XZ, "truncated xz stream");
#endif
#ifdef HAVE_ZSTD
	check_codec(zstd_frame, "m.zst", COMP_ZSTD, "truncated zstd frame");
#endif
	r = open_ok(write_file("bzh.log", text, sizeof(text) - 1));
	expect_line(r, "BZh9 is not bzip2", 1);
	reader_free(r);
}

#if !defined(HAVE_BZIP2) || !defined(HAVE_LZMA)
Test(reader, compressors_not_built_are_refused)
{
	static const char xz[] = "\xfd" "7zXZ\0\0\x04\xe6\xd6\xb4\x46";
	static const char bz[] = "BZh91AY&SY\x01\x02";
	struct sbuf err = SBUF_INIT;

#ifndef HAVE_LZMA
	cr_assert_null(reader_open(write_file("m.xz", xz, sizeof(xz) - 1),
	    "m.xz", &err));
	cr_assert_str_eq(err.buf, "cannot read 'm.xz': xz compression is "
	    "not supported by this build");
	sbuf_reset(&err);
#endif
#ifndef HAVE_BZIP2
	cr_assert_null(reader_open(write_file("m.bz2", bz, sizeof(bz) - 1),
	    "m.bz2", &err));
	cr_assert_str_eq(err.buf, "cannot read 'm.bz2': bzip2 compression "
	    "is not supported by this build");
#endif
	(void)xz;
	(void)bz;
	sbuf_release(&err);
}
#endif

/*
 * read_all - every line of path, the warning and the damage flag, read
 * with the inflater chosen by SUBSUBMIT_INFLATE and, when prefetch is
 * set, on the decompression thread.
 */
static void
read_all(const char *path, const char *inflater, bool prefetch,
    struct sbuf *lines, char **warning, bool *damaged)
{
	struct reader *r;
	struct span line;
	uint64_t n;

	if (inflater != NULL)
		setenv("SUBSUBMIT_INFLATE", inflater, 1);
	else
		unsetenv("SUBSUBMIT_INFLATE");
	r = open_ok(path);
	unsetenv("SUBSUBMIT_INFLATE");
	if (prefetch)
		reader_prefetch(r);
	capture_begin();
	while (reader_next(r, &line, &n) == 1) {
		sbuf_addf(lines, "%ju:", n);
		sbuf_add(lines, line.p, line.len);
		sbuf_addc(lines, '\n');
	}
	*warning = capture_end();
	*damaged = reader_damaged(r);
	reader_free(r);
}

/*
 * Every way of reading gzip gives the same lines, the same warning and
 * the same verdict: zlib or ISA-L (when built), on the caller's thread or
 * the decompression thread, for whole, multi-member, truncated, corrupt
 * and badly checksummed files.
 */
Test(reader, inflaters_and_threads_agree)
{
	static const char *const inflater[] = { "zlib", NULL };
	struct sbuf text = SBUF_INIT, gz = SBUF_INIT, ref = SBUF_INIT,
	    got = SBUF_INIT;
	char *wref, *w, name[32];
	bool dref, d;
	int kind, i;

	syslog_text(&text, 30000);
	for (kind = 0; kind < 5; kind++) {
		sbuf_reset(&gz);
		gz_member(&gz, text.buf, text.len / 2, 0);
		gz_member(&gz, text.buf + text.len / 2,
		    text.len - text.len / 2, 0);
		if (kind == 1)
			gz.len = gz.len * 3 / 4;		/* truncated */
		else if (kind == 2)
			for (i = 0; i < 64; i++)		/* corrupt */
				gz.buf[gz.len / 3 + (size_t)i] ^= 0x5a;
		else if (kind == 3)
			gz.buf[gz.len - 8] ^= 1;		/* bad CRC */
		else if (kind == 4)
			gz.len = gz.len / 2 + 7;	/* cut in member 1 */
		snprintf(name, sizeof(name), "agree%d.gz", kind);
		write_file(name, gz.buf, gz.len);
		sbuf_reset(&ref);
		read_all(fixture(name), "zlib", false, &ref, &wref, &dref);
		for (i = 0; i < 4; i++) {
			sbuf_reset(&got);
			read_all(fixture(name), inflater[i / 2], i % 2 == 1,
			    &got, &w, &d);
			cr_assert_eq(d, dref, "kind %d mode %d", kind, i);
			cr_assert(got.len == ref.len && memcmp(got.buf,
			    ref.buf, ref.len) == 0, "kind %d mode %d: "
			    "%zu bytes of lines, want %zu", kind, i,
			    got.len, ref.len);
			cr_assert_str_eq(w, wref, "kind %d mode %d", kind, i);
			free(w);
		}
		free(wref);
	}
	sbuf_release(&text);
	sbuf_release(&gz);
	sbuf_release(&ref);
	sbuf_release(&got);
}

Test(reader, unreadable_file)
{
	struct sbuf err = SBUF_INIT;
	const char *path;

	if (geteuid() == 0) {
		rm_tmpdir();	/* a skipped test gets no .fini */
		cr_skip_test("root reads mode 000 files");
	}
	path = write_file("secret.log", "x\n", 2);
	cr_assert_eq(chmod(path, 0), 0);
	cr_assert_null(reader_open(path, "secret.log", &err));
	cr_assert_str_eq(err.buf,
	    "cannot open 'secret.log': Permission denied");
	sbuf_release(&err);
}

Test(reader, free_null)
{
	reader_free(NULL);
}
