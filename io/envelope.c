/*
 * io/envelope.c - split a log line into time, host, tag, pid and message.
 *
 * This is the first step of the per-line pipeline (formats.md section 1):
 * io/reader hands over a length-delimited line, envelope_parse() cuts it
 * into spans, and the io/parse_* modules dispatch on the tag.  It runs on
 * every line of multi-gigabyte logs, so it scans bytes directly: no regex,
 * no sscanf, no locale, no allocation.  Every byte is attacker-controlled
 * and NUL is data, so nothing here relies on a terminator.
 *
 * The steps are: strip a trailing CR, skip blank and "-- " lines, take an
 * optional "<PRI>" (and branch to RFC 5424 on "<PRI>1 "), read the time
 * stamp, skip a FreeBSD "<facility.level>", decide whether the first token
 * is a host or already the tag, split TAG[PID], and drop a Solaris
 * "[ID n facility.level] " from the front of the message.
 *
 * Time stamp forms are told apart by the class of their first byte (a
 * table of parsers); dates are checked against the calendar and never
 * normalized.  The calendar helpers below follow Howard Hinnant's
 * "chrono-compatible low-level date algorithms" and never call mktime(3)
 * or timegm(3), which depend on the process time zone.
 */
#include "io/envelope.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/journal_json.h"
#include "io/span.h"

#define TAI64_BASE	((UINT64_C(1) << 62) + 10)	/* 2^62 + (TAI - UTC) */
#define EPOCH_MAX	INT64_C(253402300799)	/* 9999-12-31 23:59:59 */
#define YEAR_MIN	1900
#define PID_DIGITS_MAX	10
#define BRACKET_MAX	64	/* "[Jun 21 16:55:03]" and a margin */
#define PAREN_TAG_MAX	512	/* Dovecot auth prefix: user cut at 64 */

#define WHY_STAMP	"bad time stamp"
#define WHY_MONTH	"month name not understood"
#define WHY_DATE	"no such date"
#define WHY_YEAR	"year out of range"
#define WHY_CLOCK	"bad time of day"
#define WHY_FRAC	"bad fraction of a second"
#define WHY_ZONE	"bad utc offset"
#define WHY_TAG		"no tag"
#define WHY_PID		"bad pid"
#define WHY_5424	"bad rfc 5424 header"
#define WHY_SD		"bad rfc 5424 structured data"

/* A read position in the line, and the reason for the first failure. */
struct cur {
	const char	*p;
	const char	*e;
	const char	*why;
};

/*
 * Month and weekday names as the three bytes in one word, compared in one
 * go: the name of every line of a syslog file is looked up here.
 */
#define NAME3(a, b, c)	((uint32_t)(unsigned char)(a) << 16 | \
	(uint32_t)(unsigned char)(b) << 8 | (uint32_t)(unsigned char)(c))

static const uint32_t months[12] = {
	NAME3('J', 'a', 'n'), NAME3('F', 'e', 'b'), NAME3('M', 'a', 'r'),
	NAME3('A', 'p', 'r'), NAME3('M', 'a', 'y'), NAME3('J', 'u', 'n'),
	NAME3('J', 'u', 'l'), NAME3('A', 'u', 'g'), NAME3('S', 'e', 'p'),
	NAME3('O', 'c', 't'), NAME3('N', 'o', 'v'), NAME3('D', 'e', 'c'),
};

static const uint32_t weekdays[7] = {
	NAME3('M', 'o', 'n'), NAME3('T', 'u', 'e'), NAME3('W', 'e', 'd'),
	NAME3('T', 'h', 'u'), NAME3('F', 'r', 'i'), NAME3('S', 'a', 't'),
	NAME3('S', 'u', 'n'),
};

/* Bytes of a program name, the part of a tag before '(' or '['. */
static const unsigned char name_char[256] = {
	['-'] = 1, ['.'] = 1, ['/'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* fail - record why and report failure; keeps the first reason. */
static bool
fail(struct cur *c, const char *why)
{
	if (c->why == NULL)
		c->why = why;
	return false;
}

static size_t
left(const struct cur *c)
{
	return (size_t)(c->e - c->p);
}

static bool
at(const struct cur *c, char ch)
{
	return c->p < c->e && *c->p == ch;
}

static bool
is_digit(unsigned char ch)
{
	return (unsigned)(ch - '0') < 10;
}

static bool
is_alpha(unsigned char ch)
{
	return (unsigned)((ch | 0x20) - 'a') < 26;
}

static void
skip_spaces(struct cur *c)
{
	while (c->p < c->e && *c->p == ' ')
		c->p++;
}

/* dig2 - the two decimal digits at p, or -1. */
static int
dig2(const char *p)
{
	unsigned a = (unsigned char)p[0] - '0';
	unsigned b = (unsigned char)p[1] - '0';

	if (a > 9 || b > 9)
		return -1;
	return (int)(a * 10 + b);
}

/* name3 - index of the three bytes at p in a table of names, or -1. */
static int
name3(const char *p, const uint32_t *tab, int n)
{
	uint32_t key = NAME3(p[0], p[1], p[2]);
	int i;

	for (i = 0; i < n; i++)
		if (key == tab[i])
			return i;
	return -1;
}

/*
 * month3 - index of the month name at p, or -1.  The name's word times
 * MONTH_MUL has a different top nibble for each month: one table look-up
 * and one compare instead of up to twelve.
 */
#define MONTH_MUL	UINT32_C(0xec148cb5)

static int
month3(const char *p)
{
	static const int8_t by_hash[16] = {
		8, 7, -1, 2, -1, 9, -1, -1, 5, 10, 6, 4, 11, 3, 0, 1,
	};
	uint32_t key = NAME3(p[0], p[1], p[2]);
	int i = by_hash[(uint32_t)(key * MONTH_MUL) >> 28];

	return i >= 0 && months[i] == key ? i : -1;
}

/* ---------------------------------------------------------------- */
/* Calendar */

bool
is_leap_year(int32_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
days_in_month(int32_t year, int mon)
{
	static const unsigned char mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	if (mon < 1 || mon > 12)
		return 0;
	if (mon == 2 && is_leap_year(year))
		return 29;
	return mdays[mon - 1];
}

/* days_from_civil - days since 1970-01-01 (Hinnant). */
int64_t
days_from_civil(int32_t year, int mon, int mday)
{
	int64_t y = (int64_t)year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* civil_from_days - the date of a day number (Hinnant). */
void
civil_from_days(int64_t days, int32_t *year, int *mon, int *mday)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mon = m;
	*year = (int32_t)(yoe + era * 400 + (m <= 2));
}

/* logtime_civil - wall-clock seconds since the epoch; refuses bad dates. */
bool
logtime_civil(const struct logtime *t, int32_t year, int64_t *out)
{
	if (t->mday < 1 || t->mday > days_in_month(year, t->mon) ||
	    t->hour > 23 || t->min > 59 || t->sec > 60)
		return false;
	*out = days_from_civil(year, t->mon, t->mday) * 86400 +
	    t->hour * 3600 + t->min * 60 + t->sec;
	return true;
}

/* epoch_to_logtime - UTC civil fields of Unix seconds. */
static void
epoch_to_logtime(int64_t secs, uint32_t usec, struct logtime *t)
{
	int64_t days = secs / 86400, rem = secs % 86400;
	int32_t year;
	int mon, mday;

	civil_from_days(days, &year, &mon, &mday);
	t->year = year;
	t->mon = (uint8_t)mon;
	t->mday = (uint8_t)mday;
	t->hour = (uint8_t)(rem / 3600);
	t->min = (uint8_t)(rem / 60 % 60);
	t->sec = (uint8_t)(rem % 60);
	t->usec = usec;
	t->has_off = true;
	t->off_min = 0;
}

/* ---------------------------------------------------------------- */
/* Time stamp pieces */

/* frac - an optional fraction: '.' (or ',' if comma), then 1-9 digits. */
static bool
frac(struct cur *c, struct logtime *t, bool comma)
{
	uint32_t usec = 0;
	int n = 0;

	if (c->p == c->e || (*c->p != '.' && (!comma || *c->p != ',')))
		return true;
	for (c->p++; c->p < c->e && is_digit((unsigned char)*c->p); c->p++) {
		if (++n > 9)
			return fail(c, WHY_FRAC);
		if (n <= 6)
			usec = usec * 10 + (uint32_t)(*c->p - '0');
	}
	if (n == 0)
		return fail(c, WHY_FRAC);
	for (; n < 6; n++)
		usec *= 10;
	t->usec = usec;
	return true;
}

/* hms - "HH:MM:SS" and an optional fraction (see frac). */
static bool
hms(struct cur *c, struct logtime *t, bool comma)
{
	const char *p = c->p;
	int h, m, s;

	if (left(c) < 8 || p[2] != ':' || p[5] != ':')
		return fail(c, WHY_STAMP);
	h = dig2(p);
	m = dig2(p + 3);
	s = dig2(p + 6);
	if (h < 0 || m < 0 || s < 0)
		return fail(c, WHY_STAMP);
	if (h > 23 || m > 59 || s > 60)
		return fail(c, WHY_CLOCK);
	t->hour = (uint8_t)h;
	t->min = (uint8_t)m;
	t->sec = (uint8_t)s;
	c->p += 8;
	return frac(c, t, comma);
}

/* ymd - "YYYY-MM-DD", checked against the calendar. */
static bool
ymd(struct cur *c, struct logtime *t)
{
	const char *p = c->p;
	int y1, y2, mon, mday;

	if (left(c) < 10 || p[4] != '-' || p[7] != '-')
		return fail(c, WHY_STAMP);
	y1 = dig2(p);
	y2 = dig2(p + 2);
	mon = dig2(p + 5);
	mday = dig2(p + 8);
	if (y1 < 0 || y2 < 0 || mon < 0 || mday < 0)
		return fail(c, WHY_STAMP);
	t->year = y1 * 100 + y2;
	if (t->year < YEAR_MIN)
		return fail(c, WHY_YEAR);
	if (mday < 1 || mday > days_in_month(t->year, mon))
		return fail(c, WHY_DATE);
	t->mon = (uint8_t)mon;
	t->mday = (uint8_t)mday;
	c->p += 10;
	return true;
}

/* numeric_zone - "+hh:mm", "+hhmm" or "+hh" at c->p. */
static bool
numeric_zone(struct cur *c, struct logtime *t)
{
	int sign = *c->p == '-' ? -1 : 1, hh, mm = 0;
	bool colon;

	c->p++;
	if (left(c) < 2 || (hh = dig2(c->p)) < 0 || hh > 23)
		return fail(c, WHY_ZONE);
	c->p += 2;
	colon = at(c, ':');
	c->p += colon;
	if (colon || (c->p < c->e && is_digit((unsigned char)*c->p))) {
		if (left(c) < 2 || (mm = dig2(c->p)) < 0 || mm > 59)
			return fail(c, WHY_ZONE);
		c->p += 2;
	}
	t->has_off = true;
	t->off_min = (int16_t)(sign * (hh * 60 + mm));
	return true;
}

/* attached_zone - an RFC 3339 "Z" or numeric offset right after the time. */
static bool
attached_zone(struct cur *c, struct logtime *t)
{
	if (c->p == c->e)
		return true;
	switch (*c->p) {
	case 'Z':
	case 'z':
		c->p++;
		t->has_off = true;
		t->off_min = 0;
		return true;
	case '+':
	case '-':
		return numeric_zone(c, t);
	default:
		return true;
	}
}

/* word_is - true when the word [p, e) is lit. */
static bool
word_is(const char *p, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - p) == n && memcmp(p, lit, n) == 0;
}

/* is_abbrev - a zone abbreviation: 1-6 upper-case letters (JST, CEST). */
static bool
is_abbrev(const char *p, const char *e)
{
	if (p == e || e - p > 6)
		return false;
	for (; p < e; p++)
		if (*p < 'A' || *p > 'Z')
			return false;
	return true;
}

/*
 * zone_word - a zone written as a separate word after the time: "UTC" or
 * "GMT" give offset 0.  With journal (journalctl -o short-full) "Z" and
 * numeric offsets count too, and another abbreviation (JST, CEST, IST) is
 * consumed but keeps has_off false, since those are ambiguous.  A word
 * that is no zone is left alone: it is the host.
 */
static bool
zone_word(struct cur *c, struct logtime *t, bool journal)
{
	const char *w, *q;

	if (!at(c, ' '))
		return true;
	w = c->p + 1;
	if (!journal && (w == c->e || (*w != 'U' && *w != 'G')))
		return true;	/* the common case: a host follows */
	for (q = w; q < c->e && *q != ' '; q++)
		;
	if (word_is(w, q, "UTC") || word_is(w, q, "GMT") ||
	    (journal && word_is(w, q, "Z"))) {
		t->has_off = true;
		t->off_min = 0;
		c->p = q;
		return true;
	}
	if (!journal)
		return true;
	if (w < q && (*w == '+' || *w == '-')) {
		c->p = w;
		return numeric_zone(c, t) && (c->p == q || fail(c, WHY_ZONE));
	}
	if (is_abbrev(w, q))
		c->p = q;
	return true;
}

/* ---------------------------------------------------------------- */
/* Time stamp forms */

/* stamp_bsd - "Dec  1 15:42:52[.frac]": day of 1-2 digits, any padding. */
static bool
stamp_bsd(struct cur *c, struct logtime *t, int mon)
{
	int mday;

	c->p += 3;
	if (!at(c, ' '))
		return fail(c, WHY_STAMP);
	skip_spaces(c);
	if (c->p == c->e || !is_digit((unsigned char)*c->p))
		return fail(c, WHY_STAMP);
	mday = *c->p++ - '0';
	if (c->p < c->e && is_digit((unsigned char)*c->p))
		mday = mday * 10 + (*c->p++ - '0');
	if (!at(c, ' '))
		return fail(c, WHY_STAMP);
	skip_spaces(c);
	/* No year yet: allow Feb 29, logtime_civil() decides later. */
	if (mday < 1 || mday > days_in_month(2000, mon + 1))
		return fail(c, WHY_DATE);
	t->year = 0;
	t->mon = (uint8_t)(mon + 1);
	t->mday = (uint8_t)mday;
	return hms(c, t, false) && zone_word(c, t, false);
}

/* stamp_iso - RFC 3339, or "YYYY-MM-DD HH:MM:SS[.,frac]" without zone. */
static bool
stamp_iso(struct cur *c, struct logtime *t)
{
	if (!ymd(c, t))
		return false;
	if (c->p == c->e ||
	    (*c->p != 'T' && *c->p != 't' && *c->p != ' '))
		return fail(c, WHY_STAMP);
	c->p++;
	if (!hms(c, t, true) || !attached_zone(c, t))
		return false;
	return t->has_off || zone_word(c, t, false);
}

/* stamp_journal - journalctl -o short-full "Tue 2018-12-11 15:42:52 JST". */
static bool
stamp_journal(struct cur *c, struct logtime *t)
{
	c->p += 3;
	if (!at(c, ' '))
		return fail(c, WHY_STAMP);
	c->p++;
	if (!ymd(c, t) || !at(c, ' '))
		return fail(c, WHY_STAMP);
	c->p++;
	return hms(c, t, false) && zone_word(c, t, true);
}

/* stamp_epoch - journalctl -o short-unix "1544510572.123456". */
static bool
stamp_epoch(struct cur *c, struct logtime *t)
{
	int64_t secs = 0;
	int n;

	for (n = 0; c->p < c->e && is_digit((unsigned char)*c->p); n++) {
		if (n == 11)
			return fail(c, WHY_STAMP);
		secs = secs * 10 + (*c->p++ - '0');
	}
	/* Nine digits reach back to 1973; fewer is not a time stamp. */
	if (n < 9)
		return fail(c, WHY_STAMP);
	if (secs > EPOCH_MAX)
		return fail(c, WHY_YEAR);
	epoch_to_logtime(secs, 0, t);
	return frac(c, t, false);
}

/* hexval - value of a hex digit, or -1. */
static int
hexval(unsigned char ch)
{
	if (is_digit(ch))
		return ch - '0';
	ch |= 0x20;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* hex_u64 - n hex digits at p. */
static bool
hex_u64(const char *p, int n, uint64_t *out)
{
	uint64_t v = 0;
	int d;

	while (n-- > 0) {
		if ((d = hexval((unsigned char)*p++)) < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

/*
 * stamp_tai64n - daemontools "@" + 16 hex digits of TAI64 seconds + 8 of
 * nanoseconds.  TAI64 labels are 2^62 + 10 + Unix time (libtai); fail2ban
 * reads them without the 10, so results differ from its labels by 10 s.
 */
static bool
stamp_tai64n(struct cur *c, struct logtime *t)
{
	uint64_t secs, nsec;

	if (left(c) < 25 || !hex_u64(c->p + 1, 16, &secs) ||
	    !hex_u64(c->p + 17, 8, &nsec) || nsec > 999999999)
		return fail(c, WHY_STAMP);
	if (secs < TAI64_BASE || secs - TAI64_BASE > (uint64_t)EPOCH_MAX)
		return fail(c, WHY_YEAR);
	epoch_to_logtime((int64_t)(secs - TAI64_BASE), (uint32_t)(nsec / 1000),
	    t);
	c->p += 25;
	return true;
}

/* stamp_name - a month (BSD) or a weekday (journalctl short-full). */
static bool
stamp_name(struct cur *c, struct logtime *t)
{
	int i;

	if (left(c) < 4)
		return fail(c, WHY_STAMP);
	if ((i = month3(c->p)) >= 0)
		return stamp_bsd(c, t, i);
	if (name3(c->p, weekdays, 7) >= 0)
		return stamp_journal(c, t);
	return fail(c, WHY_MONTH);
}

/* stamp_number - a date "YYYY-MM-DD..." or epoch seconds. */
static bool
stamp_number(struct cur *c, struct logtime *t)
{
	if (left(c) > 4 && c->p[4] == '-')
		return stamp_iso(c, t);
	return stamp_epoch(c, t);
}

static bool
stamp_none(struct cur *c, struct logtime *t)
{
	(void)t;
	return fail(c, WHY_STAMP);
}

enum stamp_class { SC_NONE, SC_NAME, SC_NUMBER, SC_TAI64N };

static bool (*const stamp_forms[])(struct cur *, struct logtime *) = {
	[SC_NONE] = stamp_none,
	[SC_NAME] = stamp_name,
	[SC_NUMBER] = stamp_number,
	[SC_TAI64N] = stamp_tai64n,
};

static enum stamp_class
stamp_class(unsigned char ch)
{
	if (is_digit(ch))
		return SC_NUMBER;
	if (is_alpha(ch))
		return SC_NAME;
	return ch == '@' ? SC_TAI64N : SC_NONE;
}

/* stamp - any time stamp form at c->p; it must end at a space or the end. */
static bool
stamp(struct cur *c, struct logtime *t)
{
	memset(t, 0, sizeof(*t));
	if (c->p == c->e)
		return fail(c, WHY_STAMP);
	if (!stamp_forms[stamp_class((unsigned char)*c->p)](c, t))
		return false;
	if (c->p < c->e && *c->p != ' ')
		return fail(c, WHY_STAMP);
	return true;
}

bool
logtime_parse(struct span s, struct logtime *t, size_t *used)
{
	struct cur c = { s.p, s.p + s.len, NULL };

	if (s.len == 0 || !stamp(&c, t))
		return false;
	*used = (size_t)(c.p - s.p);
	return true;
}

/* ---------------------------------------------------------------- */
/* Application-own logs: Kerio, Domino, Zimbra, Oracle IMS */

/*
 * These servers write their own files with no syslog tag.  app_line() is
 * tried only after the syslog forms failed; it gives the line a fixed tag
 * naming the application (a static string, not a span of the line) so
 * that io/parse_misc can claim it.  Each form is anchored tightly enough
 * (bracket, three spaces, level word, "<co ts=") that an Exim mainlog line
 * stays ENV_BAD "no tag" for its own reader.
 */

/* dmy_hms - "dd-mm-yyyy" (sep '-') or "dd/Mon/yyyy" (sep '/'), " hh:mm:ss". */
static bool
dmy_hms(struct cur *c, struct logtime *t, char sep)
{
	const char *p = c->p;
	size_t ml = sep == '/' ? 3 : 2;
	int mday, mon, y1, y2;

	memset(t, 0, sizeof(*t));
	if (left(c) < 8 + ml || p[2] != sep || p[3 + ml] != sep)
		return fail(c, WHY_STAMP);
	mday = dig2(p);
	mon = sep == '/' ? month3(p + 3) + 1 : dig2(p + 3);
	y1 = dig2(p + 4 + ml);
	y2 = dig2(p + 6 + ml);
	if (mday < 0 || mon <= 0 || y1 < 0 || y2 < 0)
		return fail(c, WHY_STAMP);
	t->year = y1 * 100 + y2;
	if (t->year < YEAR_MIN)
		return fail(c, WHY_YEAR);
	if (mon > 12 || mday < 1 || mday > days_in_month(t->year, mon))
		return fail(c, WHY_DATE);
	t->mon = (uint8_t)mon;
	t->mday = (uint8_t)mday;
	c->p += 8 + ml;
	if (!at(c, ' '))
		return fail(c, WHY_STAMP);
	c->p++;
	return hms(c, t, false);
}

/* app_msg - the rest of the line as the message, under a fixed tag. */
static bool
app_msg(struct cur *c, struct envelope *env, struct span tag)
{
	env->tag = tag;
	env->msg = span_make(c->p, left(c));
	return true;
}

/* kerio_line - "[17/Jun/2011 17:00:45] MSG" (Kerio Connect). */
static bool
kerio_line(struct cur *c, struct envelope *env)
{
	if (!at(c, '['))
		return false;
	c->p++;
	if (!dmy_hms(c, &env->t, '/') || left(c) < 2 || c->p[0] != ']' ||
	    c->p[1] != ' ')
		return false;
	c->p += 2;
	return app_msg(c, env, SPAN_LIT("kerio"));
}

/*
 * domino_line - Lotus Domino console log: an optional "[pid:tid-id] ",
 * "dd-mm-yyyy hh:mm:ss" or "yyyy-mm-dd hh:mm:ss", three spaces, MSG.
 */
static bool
domino_line(struct cur *c, struct envelope *env)
{
	const char *rb;
	bool ok;

	if (at(c, '[')) {
		rb = memchr(c->p, ']', left(c) < BRACKET_MAX ? left(c) :
		    BRACKET_MAX);
		if (rb == NULL || rb + 1 == c->e || rb[1] != ' ' ||
		    memchr(c->p, ' ', (size_t)(rb - c->p)) != NULL)
			return false;
		c->p = rb + 2;
	}
	if (left(c) > 4 && c->p[4] == '-') {
		memset(&env->t, 0, sizeof(env->t));
		ok = ymd(c, &env->t) && at(c, ' ') && (++c->p, true) &&
		    hms(c, &env->t, false);
	} else
		ok = dmy_hms(c, &env->t, '-');
	if (!ok || left(c) < 4 || memcmp(c->p, "   ", 3) != 0)
		return false;
	skip_spaces(c);
	return app_msg(c, env, SPAN_LIT("domino"));
}

/* zimbra_line - "2021-03-03 19:26:38,616 INFO  [thread] ..." (mailbox.log) */
static bool
zimbra_line(struct cur *c, struct envelope *env)
{
	const char *w;

	if (!stamp(c, &env->t) || env->t.year == 0 || !at(c, ' '))
		return false;
	c->p++;
	for (w = c->p; c->p < c->e && *c->p >= 'A' && *c->p <= 'Z'; c->p++)
		;
	if (c->p - w < 4 || c->p - w > 5 || !at(c, ' '))
		return false;
	skip_spaces(c);
	return at(c, '[') && app_msg(c, env, SPAN_LIT("zimbra"));
}

/*
 * stampless_line - "HOST PROG[PID]: STAMP MSG": a syslog line that lost
 * its own stamp (journalctl -o cat with the host put back, fail2ban's
 * journal sample) from a program that writes a full stamp of its own
 * (Exim).  The time is that stamp; msg keeps it, as for Exim in syslog.
 */
static bool
stampless_line(struct cur *c, struct envelope *env)
{
	struct span line = span_make(c->p, left(c)), tag, rest;
	ptrdiff_t sp = span_find(line, " ", 1), colon;
	size_t used, i;

	if (sp <= 0)
		return false;
	rest = span_skip(line, (size_t)sp + 1);
	if ((colon = span_find(rest, ": ", 2)) <= 0)
		return false;
	tag = span_make(rest.p, (size_t)colon);
	for (i = 0; i < tag.len; i++)
		if (tag.p[i] == ' ')
			return false;
	rest = span_skip(rest, (size_t)colon + 2);
	if (!logtime_parse(rest, &env->t, &used) || env->t.year == 0)
		return false;
	env->host = span_make(line.p, (size_t)sp);
	if (tag.len > 2 && tag.p[tag.len - 1] == ']') {
		ptrdiff_t lb = span_rfind(tag, "[", 1);

		if (lb > 0) {
			env->pid = span_make(tag.p + lb + 1,
			    tag.len - (size_t)lb - 2);
			tag.len = (size_t)lb;
		}
	}
	env->tag = tag;
	env->msg = rest;
	return true;
}

/* oracle_line - Oracle IMS LOG_FORMAT=4: '<co ts="2014-06-02T22:02:13.94"'. */
static bool
oracle_line(struct cur *c, struct envelope *env)
{
	static const char pre[] = "<co ts=\"";
	const char *q;
	struct cur in;

	if (left(c) < sizeof(pre) || memcmp(c->p, pre, sizeof(pre) - 1) != 0)
		return false;
	in.p = c->p + sizeof(pre) - 1;
	if ((q = memchr(in.p, '"', (size_t)(c->e - in.p))) == NULL)
		return false;
	in.e = q;
	in.why = NULL;
	if (!stamp(&in, &env->t) || in.p != q)
		return false;
	return app_msg(c, env, SPAN_LIT("oracle-ims"));
}

/* app_line - the application forms above, tried in turn on [p, e). */
static bool
app_line(const char *p, const char *e, struct envelope *env)
{
	static bool (*const forms[])(struct cur *, struct envelope *) = {
		kerio_line, domino_line, zimbra_line, oracle_line,
		stampless_line,
	};
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct cur c = { p, e, NULL };

		memset(env, 0, offsetof(struct envelope, text));
		if (forms[i](&c, env))
			return true;
	}
	memset(env, 0, offsetof(struct envelope, text));
	return false;
}

/* ---------------------------------------------------------------- */
/* Envelope steps */

/* is_skip - blank lines and journalctl "-- Boot ... --" style notes. */
static bool
is_skip(const struct cur *c)
{
	const char *p;

	if (left(c) >= 3 && memcmp(c->p, "-- ", 3) == 0)
		return true;
	for (p = c->p; p < c->e; p++)
		if (*p != ' ' && *p != '\t')
			return false;
	return true;
}

/* skip_pri - a leading "<PRI>" (1-3 digits), as in raw network syslog. */
static bool
skip_pri(struct cur *c)
{
	const char *p = c->p + 1;

	if (!at(c, '<'))
		return false;
	while (p < c->e && p - c->p <= 3 && is_digit((unsigned char)*p))
		p++;
	if (p == c->p + 1 || p == c->e || *p != '>')
		return false;
	c->p = p + 1;
	return true;
}

/* line_stamp - the time stamp, possibly in brackets: "[Jun 21 16:55:03]". */
static bool
line_stamp(struct cur *c, struct logtime *t)
{
	struct cur in;
	const char *rb;
	size_t n;

	if (!at(c, '['))
		return stamp(c, t);
	n = left(c) < BRACKET_MAX ? left(c) : BRACKET_MAX;
	if ((rb = memchr(c->p, ']', n)) == NULL)
		return fail(c, WHY_STAMP);
	in = (struct cur){ c->p + 1, rb, NULL };
	if (!stamp(&in, t) || in.p != rb)
		return fail(c, in.why != NULL ? in.why : WHY_STAMP);
	c->p = rb + 1;
	return true;
}

/* skip_bsd_verbose - FreeBSD syslogd -v "<mail.info>" or "<4.6>". */
static void
skip_bsd_verbose(struct cur *c)
{
	const char *q;

	if (!at(c, '<'))
		return;
	for (q = c->p + 1; q < c->e && *q != ' ' && *q != '>'; q++)
		;
	if (q < c->e && *q == '>' && memchr(c->p, '.', (size_t)(q - c->p)) &&
	    (q + 1 == c->e || q[1] == ' ')) {
		c->p = q + 1;
		skip_spaces(c);
	}
}

/*
 * find_any4 - the first byte of [p, e) that is a, b, c or d, or e.  Host
 * names and tags are scanned on every line, so eight bytes are tested
 * at a time: a byte equal to a target is a zero byte of the XOR, and the
 * lowest flag of the zero-byte test is exact (a borrow only runs toward
 * later bytes).  Byte by byte for the tail and on big-endian machines.
 */
static inline const char *
find_any4(const char *p, const char *e, unsigned char a, unsigned char b,
    unsigned char c, unsigned char d)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;

	while (e - p >= 8) {
		uint64_t w, x, m = 0;

		memcpy(&w, p, sizeof(w));
		x = w ^ (ones * a);
		m |= (x - ones) & ~x;
		x = w ^ (ones * b);
		m |= (x - ones) & ~x;
		x = w ^ (ones * c);
		m |= (x - ones) & ~x;
		x = w ^ (ones * d);
		m |= (x - ones) & ~x;
		if ((m &= highs) != 0)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	for (; p < e; p++)
		if ((unsigned char)*p == a || (unsigned char)*p == b ||
		    (unsigned char)*p == c || (unsigned char)*p == d)
			return p;
	return e;
}

/* is_name - true when [p, e) is a non-empty program name. */
static bool
is_name(const char *p, const char *e)
{
	if (p == e)
		return false;
	for (; p < e; p++)
		if (!name_char[(unsigned char)*p])
			return false;
	return true;
}

/*
 * take_host - the first token is the host unless it already looks like a
 * tag: a program name followed by '[' or '(' ("cyrus/pop3[4297]:",
 * "auth-worker(304):"), or a token ending with ':' ("pop3-login:").  A ':'
 * inside the token (an IPv6 address, "2001:db8::") does not count, nor a
 * bracket after other bytes (Exim's "H=(helo)").  Returns false when
 * host-less.
 */
static bool
take_host(struct cur *c, struct envelope *env)
{
	const char *q;

	for (q = c->p; (q = find_any4(q, c->e, ' ', ':', '[', '(')) < c->e;
	    q++) {
		if (*q == ' ')
			break;
		if (*q == ':' && ((q + 1 < c->e && q[1] != ' ') ||
		    (q > c->p && q[-1] == ':')))
			continue;
		if ((*q == '(' || *q == '[') && !is_name(c->p, q))
			continue;
		return false;
	}
	env->host = span_make(c->p, (size_t)(q - c->p));
	c->p = q;
	skip_spaces(c);
	return true;
}

static bool
is_closer(char ch)
{
	return ch == ')' || ch == '>' || ch == ']';
}

/*
 * paren_end - end of a tag holding '(' at p, such as Dovecot's
 * "auth(user,192.0.2.1,sasl:login)<sess>:" or "auth-worker(default):":
 * the first ':' that follows ')', '>' or ']' and ends a word.  Host-less
 * Dovecot 2.4 prefixes may hold spaces (in the user name), so the search
 * crosses spaces only then.  XXX a user name holding "): " ends the tag
 * early; the rest stays in msg, where parse_dovecot anchors from the right.
 */
static const char *
paren_end(const char *p, const char *e, bool hostless)
{
	const char *stop = e, *q, *sp = memchr(p, ' ', (size_t)(e - p));

	if (!hostless && sp != NULL)
		stop = sp;
	else if (stop - p > PAREN_TAG_MAX)
		stop = p + PAREN_TAG_MAX;
	for (q = p; (q = memchr(q, ':', (size_t)(stop - q))) != NULL; q++)
		if (is_closer(q[-1]) && (q + 1 == e || q[1] == ' '))
			return q;
	return sp != NULL ? sp : e;
}

/* field_end - the ':' or ' ' that ends the TAG[PID] field at p, or e. */
static const char *
field_end(const char *p, const char *e, bool hostless)
{
	const char *q;

	for (q = p; (q = find_any4(q, e, ' ', ':', '(', '(')) < e; q++) {
		if (*q != '(')
			return q;
		if (is_name(p, q))
			return paren_end(q, e, hostless);
	}
	return e;
}

/* pid_suffix - split "tag[1234]" into tag and pid; false if no such end. */
static bool
pid_suffix(struct span f, struct span *tag, struct span *pid)
{
	const char *end = f.p + f.len, *q;

	if (f.len < 3 || end[-1] != ']')
		return false;
	for (q = end - 1; q > f.p && is_digit((unsigned char)q[-1]); q--)
		;
	if (q == end - 1 || end - 1 - q > PID_DIGITS_MAX || q == f.p ||
	    q[-1] != '[')
		return false;
	*pid = span_make(q, (size_t)(end - 1 - q));
	*tag = span_make(f.p, (size_t)(q - 1 - f.p));
	return true;
}

/* split_tag - TAG and PID of a field; '[' is only allowed around a pid. */
static bool
split_tag(struct cur *c, struct span f, struct envelope *env)
{
	if (!pid_suffix(f, &env->tag, &env->pid))
		env->tag = f;
	if (env->tag.len == 0 || *env->tag.p == '[')
		return fail(c, WHY_TAG);
	if (memchr(env->tag.p, '[', env->tag.len) != NULL &&
	    memchr(env->tag.p, '(', env->tag.len) == NULL)
		return fail(c, WHY_PID);
	return true;
}

/*
 * strip_solaris_id - Solaris syslog writes "[ID 123456 mail.info] " after
 * "tag[pid]: "; drop it from the message.
 */
static void
strip_solaris_id(struct span *msg)
{
	const char *p = msg->p, *e = msg->p + msg->len, *q;

	if (msg->len < 8 || memcmp(p, "[ID ", 4) != 0)
		return;
	for (q = p + 4; q < e && is_digit((unsigned char)*q); q++)
		;
	if (q == p + 4 || q == e || *q++ != ' ')
		return;
	p = q;
	while (q < e && *q != ']' && *q != ' ')
		q++;
	if (q == p || q == e || *q != ']')
		return;
	for (q++; q < e && *q == ' '; q++)
		;
	*msg = span_make(q, (size_t)(e - q));
}

/*
 * tag_and_msg - "TAG[PID]: MSG", "TAG: MSG", or "TAG[PID] MSG" (no colon,
 * only when a pid closes the field), then the message.
 */
static bool
tag_and_msg(struct cur *c, struct envelope *env, bool hostless)
{
	const char *end = field_end(c->p, c->e, hostless);
	struct span f = span_make(c->p, (size_t)(end - c->p));
	struct span tag, pid;

	if (end < c->e && *end == ':') {
		c->p = end + 1;
		if (at(c, ' '))
			c->p++;
	} else if (end < c->e && pid_suffix(f, &tag, &pid)) {
		c->p = end;
		skip_spaces(c);
	} else
		return fail(c, WHY_TAG);
	if (!split_tag(c, f, env))
		return false;
	env->msg = span_make(c->p, left(c));
	strip_solaris_id(&env->msg);
	return true;
}

/* syslog_rest - what follows the stamp: "[<fac.lvl>] [HOST] TAG[PID]: MSG". */
static bool
syslog_rest(struct cur *c, struct envelope *env)
{
	bool hostless;

	skip_spaces(c);
	skip_bsd_verbose(c);
	if (c->p == c->e)
		return fail(c, WHY_TAG);
	hostless = !take_host(c, env);
	return tag_and_msg(c, env, hostless);
}

/*
 * common_rest - after bsd_stamp(), the rest of the common line: one
 * space, a host with none of " :[(<", one space, a tag of name bytes,
 * then "[PID]:" or ":", and the message after one optional space.
 * Exactly what syslog_rest() makes of such a line; false, with c and env
 * untouched, for any other shape.
 */
static bool
common_rest(struct cur *c, struct envelope *env)
{
	const char *h = c->p + 1, *e = c->e, *p, *t, *d;

	if (h == e || *h == '<')
		return false;
	p = find_any4(h, e, ' ', ':', '[', '(');
	if (p == h || p == e || *p != ' ')
		return false;
	t = ++p;
	while (p < e && name_char[(unsigned char)*p])
		p++;
	if (p == t || p == e)
		return false;
	if (*p == '[') {
		d = ++p;
		while (p < e && is_digit((unsigned char)*p))
			p++;
		if (p == d || p - d > PID_DIGITS_MAX || e - p < 2 ||
		    p[0] != ']' || p[1] != ':')
			return false;
		env->pid = span_make(d, (size_t)(p - d));
		env->tag = span_make(t, (size_t)(d - 1 - t));
		p += 2;
	} else if (*p == ':') {
		env->tag = span_make(t, (size_t)(p - t));
		p++;
	} else
		return false;
	if (p < e && *p == ' ')
		p++;
	env->host = span_make(h, (size_t)(t - 1 - h));
	env->msg = span_make(p, (size_t)(e - p));
	strip_solaris_id(&env->msg);
	c->p = e;
	return true;
}

/* syslog_line - "TIMESTAMP [<fac.lvl>] [HOST] TAG[PID]: MSG". */
static bool
syslog_line(struct cur *c, struct envelope *env)
{
	return line_stamp(c, &env->t) && syslog_rest(c, env);
}

/*
 * bsd_stamp - the common stamp alone: "Mmm dd hh:mm:ss" (day padded with a
 * space or a zero) and a space, and then no zone word.  It takes exactly
 * what stamp() would take and sets the same fields; any other shape
 * (fraction, unpadded day, "UTC" or "GMT" after it, a bad date) is
 * refused, c and t untouched, and left to the general path, which also
 * says why.  The day check is stamp_bsd()'s (days_in_month()); the clock
 * check repeats hms()'s inline: calling hms() cost 2% of an events run.
 */
static bool
bsd_stamp(struct cur *c, struct logtime *t)
{
	const char *p = c->p;
	int mon, mday, h, m, sec;

	if (left(c) < 17 || (mon = month3(p)) < 0 || p[3] != ' ' ||
	    p[6] != ' ' || p[9] != ':' || p[12] != ':' || p[15] != ' ' ||
	    p[16] == 'U' || p[16] == 'G')
		return false;
	if (p[4] == ' ')
		mday = is_digit((unsigned char)p[5]) ? p[5] - '0' : -1;
	else
		mday = dig2(p + 4);
	h = dig2(p + 7);
	m = dig2(p + 10);
	sec = dig2(p + 13);
	/* No year yet: Feb 29 passes, as in stamp_bsd(). */
	if (mday < 1 || mday > days_in_month(2000, mon + 1) || h < 0 ||
	    h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return false;
	memset(t, 0, sizeof(*t));
	t->mon = (uint8_t)(mon + 1);
	t->mday = (uint8_t)mday;
	t->hour = (uint8_t)h;
	t->min = (uint8_t)m;
	t->sec = (uint8_t)sec;
	c->p = p + 15;
	return true;
}

/* field5424 - one space-separated RFC 5424 header field; "-" is empty. */
static bool
field5424(struct cur *c, struct span *out)
{
	const char *q = memchr(c->p, ' ', left(c));

	if (q == NULL || q == c->p)
		return fail(c, WHY_5424);
	*out = span_make(c->p, (size_t)(q - c->p));
	if (out->len == 1 && *out->p == '-')
		*out = SPAN_NULL;
	c->p = q + 1;
	return true;
}

/* sd_element - one "[id k="v" ...]"; a quoted value may hold \" \] \\. */
static bool
sd_element(struct cur *c)
{
	bool quoted = false;

	for (c->p++; c->p < c->e; c->p++) {
		if (quoted && *c->p == '\\' && c->p + 1 < c->e)
			c->p++;
		else if (*c->p == '"')
			quoted = !quoted;
		else if (!quoted && *c->p == ']') {
			c->p++;
			return true;
		}
	}
	return fail(c, WHY_SD);
}

/* structured_data - "-" or one or more SD elements. */
static bool
structured_data(struct cur *c)
{
	if (at(c, '-')) {
		c->p++;
		return true;
	}
	if (!at(c, '['))
		return fail(c, WHY_SD);
	while (at(c, '['))
		if (!sd_element(c))
			return false;
	return true;
}

/*
 * rfc5424_line - "<PRI>1 TS HOST APP PROCID MSGID SD [MSG]", PRI already
 * skipped.  APP becomes the tag and a numeric PROCID the pid.
 */
static bool
rfc5424_line(struct cur *c, struct envelope *env)
{
	struct span procid, msgid;

	c->p += 2;
	if (!stamp(c, &env->t) || !at(c, ' '))
		return fail(c, WHY_5424);
	c->p++;
	if (!field5424(c, &env->host) || !field5424(c, &env->tag) ||
	    !field5424(c, &procid) || !field5424(c, &msgid) ||
	    !structured_data(c))
		return false;
	if (env->tag.len == 0)
		return fail(c, WHY_TAG);
	if (procid.len <= PID_DIGITS_MAX &&
	    span_to_u32(procid, UINT32_MAX, &(uint32_t){ 0 }))
		env->pid = procid;
	if (c->p < c->e && *c->p++ != ' ')
		return fail(c, WHY_SD);
	if (left(c) >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
	env->msg = span_make(c->p, left(c));
	return true;
}

/* ---------------------------------------------------------------- */
/* Exim's own mainlog */

/* id_part - n base-62 bytes at s[*pos], then sep (0 = none); advances. */
static bool
id_part(struct span s, size_t *pos, size_t n, char sep)
{
	size_t end = *pos + n;

	if (end > s.len)
		return false;
	for (; *pos < end; (*pos)++)
		if (!is_digit((unsigned char)s.p[*pos]) &&
		    !is_alpha((unsigned char)s.p[*pos]))
			return false;
	if (sep == 0)
		return true;
	if (*pos == s.len || s.p[*pos] != sep)
		return false;
	(*pos)++;
	return true;
}

/* exim_id_len - the length of an Exim message id opening s, or 0. */
size_t
exim_id_len(struct span s)
{
	static const uint8_t shape[2][3] = { { 6, 6, 2 }, { 6, 11, 4 } };
	size_t k, pos;

	for (k = 0; k < 2; k++) {
		pos = 0;
		if (id_part(s, &pos, shape[k][0], '-') &&
		    id_part(s, &pos, shape[k][1], '-') &&
		    id_part(s, &pos, shape[k][2], 0) &&
		    (pos == s.len || s.p[pos] == ' '))
			return pos;
	}
	return 0;
}

/* mainlog_pid - "[PID] " after the stamp (log_selector +pid). */
static bool
mainlog_pid(struct cur *c, struct envelope *env)
{
	const char *q;

	if (!at(c, '['))
		return false;
	for (q = c->p + 1; q < c->e && is_digit((unsigned char)*q); q++)
		;
	if (q == c->p + 1 || q - c->p - 1 > PID_DIGITS_MAX || q == c->e ||
	    *q != ']' || (q + 1 < c->e && q[1] != ' '))
		return false;
	env->pid = span_make(c->p + 1, (size_t)(q - c->p - 1));
	c->p = q + 1;
	skip_spaces(c);
	return true;
}

/*
 * mainlog_line - Exim's own log file: "YYYY-MM-DD HH:MM:SS[.mmm]
 * [+hhmm] [[PID] ]MSG" (log_selector +millisec, log_timezone, +pid), with
 * no host and no tag.  The tag becomes the static "exim", so that the
 * dispatch finds the Exim parser.  strict: only when a pid or a message
 * id follows the stamp, shapes that no syslog line has.
 */
static bool
mainlog_line(struct cur *c, struct envelope *env, bool strict)
{
	if (left(c) < 19 || c->p[4] != '-' || c->p[10] != ' ' ||
	    !is_digit((unsigned char)*c->p))
		return fail(c, WHY_TAG);
	if (!stamp(c, &env->t))
		return false;
	skip_spaces(c);
	if (!env->t.has_off && left(c) > 5 && (*c->p == '+' ||
	    *c->p == '-') && is_digit((unsigned char)c->p[1])) {
		if (!numeric_zone(c, &env->t))
			return false;
		skip_spaces(c);
	}
	if (!mainlog_pid(c, env) && strict &&
	    exim_id_len(span_make(c->p, left(c))) == 0)
		return fail(c, WHY_TAG);
	env->host = span_make(c->p, 0);
	env->tag = SPAN_LIT("exim");
	env->msg = span_make(c->p, left(c));
	return true;
}

/*
 * mainlog_or_syslog - a line of Exim's mainlog or a syslog line.  An
 * Exim pid or message id after a "YYYY-MM-DD HH:MM:SS" stamp settles it
 * first; otherwise the syslog form is tried, and a line with such a stamp
 * that is no syslog line is read as the mainlog's.  XXX So an unparseable
 * line with that stamp is an Exim line we ignore, not a bad envelope.
 */
static bool
mainlog_or_syslog(struct cur *c, struct envelope *env)
{
	const struct cur start = *c;
	const char *why;

	/* Most lines are syslog's: their stamp fails the first test cheaply. */
	if (left(c) >= 19 && c->p[4] == '-') {
		if (mainlog_line(c, env, true))
			return true;
		*c = start;
		memset(env, 0, offsetof(struct envelope, text));
	}
	if (syslog_line(c, env))
		return true;
	why = c->why;
	*c = start;
	memset(env, 0, offsetof(struct envelope, text));
	c->why = why;
	return false;
}

/*
 * lax_mainlog - last of all, after the application stamps: a line with
 * Exim's stamp is an Exim line we ignore, not a bad envelope.
 */
static bool
lax_mainlog(struct cur c, struct envelope *env)
{
	memset(env, 0, offsetof(struct envelope, text));
	if (mainlog_line(&c, env, false))
		return true;
	memset(env, 0, offsetof(struct envelope, text));
	return false;
}

static enum env_status
parse(const char *line, size_t len, struct envelope *env, const char **why,
    bool fast)
{
	struct cur c = { line, line + len, NULL }, start = { NULL, NULL, NULL };
	bool ok;

	memset(env, 0, offsetof(struct envelope, text));
	if (len > 0 && line[len - 1] == '\r')
		c.e--;
	/*
	 * Most lines of most logs: the common stamp, then the rest as
	 * syslog_line() reads it.  Anything else starts over below, where
	 * the same line takes the same way through the general steps.
	 */
	if (fast && bsd_stamp(&c, &env->t)) {
		if (common_rest(&c, env) || syslog_rest(&c, env))
			return ENV_OK;
		c = (struct cur){ line, c.e, NULL };
		memset(env, 0, offsetof(struct envelope, text));
	}
	if (is_skip(&c))
		return ENV_SKIP;
	if (at(&c, '{'))
		return journal_json_parse(c.p, left(&c), env, why);
	if (skip_pri(&c) && left(&c) >= 2 && c.p[0] == '1' && c.p[1] == ' ')
		ok = rfc5424_line(&c, env);
	else {
		start = c;
		ok = mainlog_or_syslog(&c, env);
	}
	if (ok || app_line(line, c.e, env) ||
	    (start.p != NULL && lax_mainlog(start, env)))
		return ENV_OK;
	if (why != NULL)
		*why = c.why != NULL ? c.why : WHY_STAMP;
	return ENV_BAD;
}

enum env_status
envelope_parse(const char *line, size_t len, struct envelope *env,
    const char **why)
{
	return parse(line, len, env, why, true);
}

enum env_status
envelope_parse_general(const char *line, size_t len, struct envelope *env,
    const char **why)
{
	return parse(line, len, env, why, false);
}
