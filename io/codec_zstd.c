/*
 * io/codec_zstd.c - zstd rotations (logrotate with zstd) through libzstd;
 * several frames read as one text.
 */
#include "io/codec.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

struct zsstate {
	ZSTD_DStream	*ds;
	size_t		 hint;		/* last return: 0 at a frame's end */
	bool		 frame_end;
};

static bool
sniff(const unsigned char *p, size_t n)
{
	return n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0;
}

static void *
start(void)
{
	struct zsstate *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if ((s->ds = ZSTD_createDStream()) == NULL ||
	    ZSTD_isError(ZSTD_initDStream(s->ds))) {
		ZSTD_freeDStream(s->ds);
		free(s);
		return NULL;
	}
	s->hint = 1;
	return s;
}

static size_t
step(void *vs, struct codec_in *in, unsigned char *out, size_t room,
    bool *done)
{
	struct zsstate *s = vs;
	ZSTD_inBuffer ib;
	ZSTD_outBuffer ob = { out, room, 0 };
	size_t r;

	if (s->frame_end) {
		if (!codec_in_trailer(in, 0x28)) {
			*done = true;
			return 0;
		}
		s->frame_end = false;
	}
	(void)codec_in_read(in);
	ib.src = in->next;
	ib.size = in->avail;
	ib.pos = 0;
	r = ZSTD_decompressStream(s->ds, &ob, &ib);
	in->next += ib.pos;
	in->avail -= ib.pos;
	if (ZSTD_isError(r)) {
		codec_in_fault(in, CODEC_CORRUPT, ZSTD_getErrorName(r));
		*done = true;
	} else if (r == 0)
		s->frame_end = true;
	else if (ob.pos == 0 && in->avail == 0 && in->eof) {
		codec_in_fault(in, CODEC_TRUNCATED, NULL);
		*done = true;
	}
	return ob.pos;
}

static void
end(void *vs)
{
	struct zsstate *s = vs;

	if (s == NULL)
		return;
	ZSTD_freeDStream(s->ds);
	free(s);
}

static const char *
library(void)
{
	return "libzstd " ZSTD_VERSION_STRING;
}

const struct codec codec_zstd = {
	"zstd", "frame", COMP_ZSTD, library, sniff, start, step, end
};
