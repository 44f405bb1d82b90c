/*
 * io/codec_bzip2.c - bzip2 rotations (FreeBSD's newsyslog "J" flag,
 * logrotate with bzip2) through libbz2.  Concatenated streams, as
 * pbzip2 writes them, read as one text.
 */
#include "io/codec.h"

#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bstate {
	bz_stream	bz;
	bool		live;		/* BZ2_bzDecompressInit() done */
	bool		stream_end;
};

/*
 * sniff - "BZh", the block size digit and the first block's magic, so
 * that text starting with "BZh" is still text.
 */
static bool
sniff(const unsigned char *p, size_t n)
{
	return n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	    p[3] <= '9' && (memcmp(p + 4, "1AY&SY", 6) == 0 ||
	    memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0);
}

static bool
init(struct bstate *s)
{
	memset(&s->bz, 0, sizeof(s->bz));
	s->live = BZ2_bzDecompressInit(&s->bz, 0, 0) == BZ_OK;
	s->stream_end = false;
	return s->live;
}

static void *
start(void)
{
	struct bstate *s = calloc(1, sizeof(*s));

	if (s != NULL && !init(s)) {
		free(s);
		s = NULL;
	}
	return s;
}

static size_t
step(void *vs, struct codec_in *in, unsigned char *out, size_t room,
    bool *done)
{
	struct bstate *s = vs;
	int ret;

	if (s->stream_end) {
		BZ2_bzDecompressEnd(&s->bz);
		s->live = false;
		if (!codec_in_trailer(in, 'B') || !init(s)) {
			*done = true;
			return 0;
		}
	}
	(void)codec_in_read(in);
	s->bz.next_in = (char *)in->next;
	s->bz.avail_in = (unsigned)in->avail;
	s->bz.next_out = (char *)out;
	s->bz.avail_out = (unsigned)room;
	ret = BZ2_bzDecompress(&s->bz);
	in->next = (unsigned char *)s->bz.next_in;
	in->avail = s->bz.avail_in;
	room -= s->bz.avail_out;
	if (ret == BZ_STREAM_END)
		s->stream_end = true;
	else if (ret != BZ_OK) {
		codec_in_fault(in, CODEC_CORRUPT, ret == BZ_MEM_ERROR ?
		    "out of memory" : "bad data");
		*done = true;
	} else if (room == 0 && in->avail == 0 && in->eof) {
		codec_in_fault(in, CODEC_TRUNCATED, NULL);
		*done = true;
	}
	return room;
}

static void
end(void *vs)
{
	struct bstate *s = vs;

	if (s == NULL)
		return;
	if (s->live)
		BZ2_bzDecompressEnd(&s->bz);
	free(s);
}

/* library - "libbz2 1.0.8, 13-Jul-2019"; only --version asks. */
static const char *
library(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "libbz2 %s", BZ2_bzlibVersion());
	return buf;
}

const struct codec codec_bzip2 = {
	"bzip2", "stream", COMP_BZIP2, library, sniff, start, step, end
};
