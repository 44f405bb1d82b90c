/*
 * io/codec_isal.c - gzip through Intel ISA-L's streaming inflate, about
 * twice as fast as zlib's on x86-64 (bench/).  Built when libisal-dev is
 * present; SUBSUBMIT_INFLATE=zlib chooses zlib at run time.
 *
 * Damaged input must read the same whichever inflater a build has, but
 * the two stop at different bytes: ISA-L keeps the last few input bytes
 * of a truncated member to itself, and may notice corruption a little
 * earlier or later than zlib.  So on damage the member is read again
 * from its start with zlib, the text ISA-L already gave is skipped, and
 * zlib has the last word, for the rest of the file.  That needs a
 * seekable file; on a pipe ISA-L's own reading stands.
 */
#include "io/codec.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

#define SCRATCH	(64 * 1024)	/* text skipped on a second reading */

struct istate {
	struct inflate_state	st;
	bool			member_end;
	uint64_t		member_in;	/* offset of the member */
	uint64_t		member_out;	/* its text given so far */
	void			*z;		/* zlib, after damage */
	unsigned char		*scratch;
	uint64_t		skip;		/* text zlib must not repeat */
};

static bool
sniff(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static void
reset(struct istate *s)
{
	isal_inflate_reset(&s->st);
	s->st.crc_flag = ISAL_GZIP;
	s->member_end = false;
}

static void *
start(void)
{
	struct istate *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	isal_inflate_init(&s->st);
	s->st.crc_flag = ISAL_GZIP;
	return s;
}

/* why - ISA-L's error codes in words. */
static const char *
why(int ret)
{
	switch (ret) {
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	case ISAL_INVALID_SYMBOL:
		return "invalid symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER:
		return "incorrect header";
	case ISAL_UNSUPPORTED_METHOD:
		return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "incorrect data check";
	default:
		return "bad data";
	}
}

/*
 * fallback - read the damaged member again with zlib from its start.
 * False when the input cannot be rewound.
 */
static bool
fallback(struct istate *s, struct codec_in *in)
{
	if (lseek(in->fd, (off_t)s->member_in, SEEK_SET) == (off_t)-1)
		return false;
	if ((s->scratch = malloc(SCRATCH)) == NULL ||
	    (s->z = codec_gzip_zlib.start()) == NULL) {
		free(s->scratch);
		s->scratch = NULL;
		return false;
	}
	in->avail = 0;
	in->eof = false;
	in->bytes_in = s->member_in;
	s->skip = s->member_out;
	return true;
}

/* zlib_step - after damage: skip what ISA-L gave, then go on with zlib. */
static size_t
zlib_step(struct istate *s, struct codec_in *in, unsigned char *out,
    size_t room, bool *done)
{
	size_t n;

	while (s->skip > 0 && !*done) {
		n = s->skip < SCRATCH ? (size_t)s->skip : SCRATCH;
		s->skip -= codec_gzip_zlib.step(s->z, in, s->scratch, n, done);
	}
	if (*done)
		return 0;
	return codec_gzip_zlib.step(s->z, in, out, room, done);
}

/* damage - zlib takes over if it can; otherwise ISA-L's verdict stands. */
static void
damage(struct istate *s, struct codec_in *in, enum codec_fault f,
    const char *reason, bool *done)
{
	if (in->fault == CODEC_OK && fallback(s, in))
		return;
	codec_in_fault(in, f, reason);
	*done = true;
}

static size_t
step(void *vs, struct codec_in *in, unsigned char *out, size_t room,
    bool *done)
{
	struct istate *s = vs;
	int ret;

	if (s->z != NULL)
		return zlib_step(s, in, out, room, done);
	if (s->member_end) {
		if (!codec_in_trailer(in, 0x1f)) {
			*done = true;
			return 0;
		}
		reset(s);
		s->member_in = in->bytes_in - in->avail;
		s->member_out = 0;
	}
	(void)codec_in_read(in);
	s->st.next_in = in->next;
	s->st.avail_in = (uint32_t)in->avail;
	s->st.next_out = out;
	s->st.avail_out = (uint32_t)room;
	ret = isal_inflate(&s->st);
	in->next = s->st.next_in;
	in->avail = s->st.avail_in;
	room -= s->st.avail_out;
	s->member_out += room;
	if (ret < 0 || ret == ISAL_NEED_DICT)
		damage(s, in, CODEC_CORRUPT, why(ret), done);
	else if (s->st.block_state == ISAL_BLOCK_FINISH)
		s->member_end = true;
	else if (room == 0 && in->avail == 0 && in->eof)
		damage(s, in, CODEC_TRUNCATED, NULL, done);
	return room;
}

static void
end(void *vs)
{
	struct istate *s = vs;

	if (s == NULL)
		return;
	if (s->z != NULL)
		codec_gzip_zlib.end(s->z);
	free(s->scratch);
	free(s);
}

static const char *
library(void)
{
	return "ISA-L " SUBSUBMIT_ISAL_VERSION;
}

const struct codec codec_gzip_isal = {
	"gzip", "member", COMP_GZIP, library, sniff, start, step, end
};
