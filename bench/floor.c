/*
 * bench/floor.c - the reference floor for the benchmarks: stream-inflate
 * each file (zlib, or ISA-L with -i) and split the text into lines with
 * memchr(), nothing else.  No parsing, no output: what reading the logs
 * costs at the least on one core.  Plain (non-gzip) files are read and
 * split.  Prints "BYTES LINES" of text on stdout.
 *
 *	cc -O2 -o floor floor.c -lz [-DWITH_ISAL -lisal]
 *	floor [-i] FILE...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef WITH_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define IN_SIZE		(256 * 1024)
#define OUT_SIZE	(256 * 1024)

static unsigned char in[IN_SIZE], out[OUT_SIZE];
static unsigned long long bytes, lines;

/* split - count the newlines of n bytes of text. */
static void
split(const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *nl;

	bytes += n;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p = nl + 1;
	}
}

static void
plain(int fd, size_t have)
{
	ssize_t n;

	split(in, have);
	while ((n = read(fd, in, IN_SIZE)) > 0)
		split(in, (size_t)n);
}

static int
with_zlib(int fd, size_t have)
{
	z_stream zs;
	int ret = Z_OK;
	ssize_t n;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return -1;
	zs.next_in = in;
	zs.avail_in = (uInt)have;
	for (;;) {
		if (zs.avail_in == 0) {
			if ((n = read(fd, in, IN_SIZE)) <= 0)
				break;
			zs.next_in = in;
			zs.avail_in = (uInt)n;
		}
		if (ret == Z_STREAM_END)
			inflateReset(&zs);
		zs.next_out = out;
		zs.avail_out = OUT_SIZE;
		ret = inflate(&zs, Z_NO_FLUSH);
		split(out, OUT_SIZE - zs.avail_out);
		if (ret != Z_OK && ret != Z_STREAM_END)
			break;
	}
	inflateEnd(&zs);
	return 0;
}

#ifdef WITH_ISAL
static int
with_isal(int fd, size_t have)
{
	static struct inflate_state st;
	ssize_t n;
	int ret;

	isal_inflate_init(&st);
	st.crc_flag = ISAL_GZIP;
	st.next_in = in;
	st.avail_in = (uint32_t)have;
	for (;;) {
		if (st.avail_in == 0) {
			if ((n = read(fd, in, IN_SIZE)) <= 0)
				break;
			st.next_in = in;
			st.avail_in = (uint32_t)n;
		}
		if (st.block_state == ISAL_BLOCK_FINISH) {
			isal_inflate_reset(&st);
			st.crc_flag = ISAL_GZIP;
		}
		st.next_out = out;
		st.avail_out = OUT_SIZE;
		ret = isal_inflate(&st);
		split(out, OUT_SIZE - st.avail_out);
		if (ret < 0)
			break;
	}
	return 0;
}
#endif

int
main(int argc, char **argv)
{
	int i = 1, fd, use_isal = 0;
	ssize_t n;

	if (argc > 1 && strcmp(argv[1], "-i") == 0) {
#ifndef WITH_ISAL
		fprintf(stderr, "floor: built without ISA-L\n");
		return 69;
#endif
		use_isal = 1;
		i++;
	}
	for (; i < argc; i++) {
		if ((fd = open(argv[i], O_RDONLY)) == -1) {
			fprintf(stderr, "floor: %s: %s\n", argv[i],
			    strerror(errno));
			return 66;
		}
		n = read(fd, in, IN_SIZE);
		if (n >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
#ifdef WITH_ISAL
			if (use_isal)
				with_isal(fd, (size_t)n);
			else
#endif
				with_zlib(fd, (size_t)n);
		} else if (n > 0)
			plain(fd, (size_t)n);
		close(fd);
	}
	(void)use_isal;
	printf("%llu %llu\n", bytes, lines);
	return 0;
}
