/*
 * io/codec.c - the input side shared by the decompressors, and the list
 * of those built in.
 */
#include "io/codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t
codec_in_read_into(struct codec_in *in, void *buf, size_t cap)
{
	ssize_t n;

	if (in->eof)
		return 0;
	do
		n = read(in->fd, buf, cap);
	while (n == -1 && errno == EINTR);
	if (n <= 0) {
		if (n == -1 && in->fault == CODEC_OK) {
			in->fault = CODEC_READ;
			in->fault_errno = errno;
			in->fault_off = in->bytes_in;
		}
		in->eof = true;
		return 0;
	}
	in->bytes_in += (uint64_t)n;
	return (size_t)n;
}

size_t
codec_in_read(struct codec_in *in)
{
	size_t n;

	if (in->avail > 0 || in->eof)
		return in->avail;
	if ((n = codec_in_read_into(in, in->buf, in->cap)) == 0)
		return 0;
	in->next = in->buf;
	in->avail = n;
	return n;
}

void
codec_in_fault(struct codec_in *in, enum codec_fault f, const char *why)
{
	if (in->fault != CODEC_OK)
		return;
	in->fault = f;
	in->fault_off = in->bytes_in - in->avail;
	snprintf(in->fault_msg, sizeof(in->fault_msg), "%s",
	    why != NULL ? why : "bad data");
}

bool
codec_in_trailer(struct codec_in *in, unsigned char magic0)
{
	for (;;) {
		if (codec_in_read(in) == 0)
			return false;
		if (in->next[0] == magic0)
			return true;
		while (in->avail > 0 && in->next[0] == 0) {
			in->next++;
			in->avail--;
		}
		if (in->avail == 0)
			continue;
		in->garbage = true;
		in->garbage_off = in->bytes_in - in->avail;
		return false;
	}
}

#ifdef HAVE_BZIP2
#define BZ2	&codec_bzip2,
#else
#define BZ2
#endif
#ifdef HAVE_LZMA
#define XZ	&codec_xz,
#else
#define XZ
#endif
#ifdef HAVE_ZSTD
#define ZSTD	&codec_zstd,
#else
#define ZSTD
#endif

const struct codec *const *
codec_list(void)
{
	static const struct codec *const with_zlib[] = {
		&codec_gzip_zlib, BZ2 XZ ZSTD NULL
	};
#ifdef HAVE_ISAL
	static const struct codec *const with_isal[] = {
		&codec_gzip_isal, BZ2 XZ ZSTD NULL
	};
	const char *e = getenv("SUBSUBMIT_INFLATE");

	if (e == NULL || strcmp(e, "zlib") != 0)
		return with_isal;
#endif
	return with_zlib;
}
