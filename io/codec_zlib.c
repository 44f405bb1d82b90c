/*
 * io/codec_zlib.c - gzip through zlib's streaming inflate: the portable
 * path, and the one every build has.
 */
#include "io/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

struct zstate {
	z_stream	zs;
	bool		member_end;	/* Z_STREAM_END, next member not seen */
};

static bool
sniff(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static void *
start(void)
{
	struct zstate *s = calloc(1, sizeof(*s));

	if (s != NULL && inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
		free(s);
		s = NULL;
	}
	return s;
}

/*
 * step - one inflate() call.  Input that ends inside a member shows as
 * Z_BUF_ERROR once zlib has flushed all it holds.
 */
static size_t
step(void *vs, struct codec_in *in, unsigned char *out, size_t room,
    bool *done)
{
	struct zstate *s = vs;
	int ret;

	if (s->member_end) {
		if (!codec_in_trailer(in, 0x1f)) {
			*done = true;
			return 0;
		}
		inflateReset(&s->zs);
		s->member_end = false;
	}
	(void)codec_in_read(in);
	s->zs.next_in = in->next;
	s->zs.avail_in = (uInt)in->avail;
	s->zs.next_out = out;
	s->zs.avail_out = (uInt)room;
	ret = inflate(&s->zs, Z_NO_FLUSH);
	in->next = s->zs.next_in;
	in->avail = s->zs.avail_in;
	room -= s->zs.avail_out;
	if (ret == Z_STREAM_END)
		s->member_end = true;
	else if (ret == Z_BUF_ERROR && in->avail == 0 && in->eof) {
		codec_in_fault(in, CODEC_TRUNCATED, NULL);
		*done = true;
	} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		codec_in_fault(in, CODEC_CORRUPT, s->zs.msg != NULL ?
		    s->zs.msg : ret == Z_MEM_ERROR ? "out of memory" : NULL);
		*done = true;
	}
	return room;
}

static void
end(void *vs)
{
	struct zstate *s = vs;

	if (s == NULL)
		return;
	inflateEnd(&s->zs);
	free(s);
}

/* library - the zlib actually linked; only --version asks. */
static const char *
library(void)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "zlib %s", zlibVersion());
	return buf;
}

const struct codec codec_gzip_zlib = {
	"gzip", "member", COMP_GZIP, library, sniff, start, step, end
};
