/*
 * io/codec_xz.c - xz rotations (newsyslog "X", logrotate with xz) through
 * liblzma, concatenated streams and stream padding included.
 */
#include "io/codec.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>

struct xstate {
	lzma_stream	ls;
};

static bool
sniff(const unsigned char *p, size_t n)
{
	return n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0;
}

static void *
start(void)
{
	struct xstate *s = calloc(1, sizeof(*s));
	lzma_stream init = LZMA_STREAM_INIT;

	if (s == NULL)
		return NULL;
	s->ls = init;
	if (lzma_stream_decoder(&s->ls, UINT64_MAX, LZMA_CONCATENATED) !=
	    LZMA_OK) {
		free(s);
		return NULL;
	}
	return s;
}

static const char *
why(lzma_ret ret)
{
	switch (ret) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_FORMAT_ERROR:
		return "not xz data";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	default:
		return "bad data";
	}
}

static size_t
step(void *vs, struct codec_in *in, unsigned char *out, size_t room,
    bool *done)
{
	struct xstate *s = vs;
	lzma_ret ret;

	(void)codec_in_read(in);
	s->ls.next_in = in->next;
	s->ls.avail_in = in->avail;
	s->ls.next_out = out;
	s->ls.avail_out = room;
	ret = lzma_code(&s->ls, in->avail == 0 && in->eof ? LZMA_FINISH :
	    LZMA_RUN);
	in->next = (unsigned char *)(uintptr_t)s->ls.next_in;
	in->avail = s->ls.avail_in;
	room -= s->ls.avail_out;
	if (ret == LZMA_STREAM_END)
		*done = true;
	else if (ret == LZMA_BUF_ERROR ||
	    (ret == LZMA_OK && room == 0 && in->avail == 0 && in->eof)) {
		codec_in_fault(in, CODEC_TRUNCATED, NULL);
		*done = true;
	} else if (ret != LZMA_OK) {
		codec_in_fault(in, CODEC_CORRUPT, why(ret));
		*done = true;
	}
	return room;
}

static void
end(void *vs)
{
	struct xstate *s = vs;

	if (s == NULL)
		return;
	lzma_end(&s->ls);
	free(s);
}

static const char *
library(void)
{
	return "liblzma " LZMA_VERSION_STRING;
}

const struct codec codec_xz = {
	"xz", "stream", COMP_XZ, library, sniff, start, step, end
};
