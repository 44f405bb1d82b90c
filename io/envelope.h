/*
 * io/envelope.h - the syslog envelope: TIMESTAMP [HOST] TAG[PID]: MESSAGE.
 *
 * envelope_parse() is the first step of every line: it splits the line into
 * its time, host, tag, pid and message spans without allocating, and only
 * then do the mail-system parsers look at the message.  It is a pure
 * function of the line.
 *
 * Accepted time stamps (formats.md section 1.1): BSD "Dec  1 15:42:52"
 * (space-, zero- or un-padded day, optional fraction), RFC 3339 with 0-9
 * fraction digits and Z or +hh:mm / +hhmm (rsyslog, journalctl -o
 * short-iso), "YYYY-MM-DD HH:MM:SS[.frac|,frac]" (Dovecot log_path, Exim),
 * journalctl -o short-full "Tue 2018-12-11 15:42:52 JST", -o short-unix
 * epoch seconds, daemontools TAI64N "@4000...", and RFC 5424
 * "<PRI>1 TS HOST APP PROCID MSGID SD MSG".  A leading "<PRI>" and a
 * FreeBSD "<facility.level>" before the host are skipped.
 *
 * The host may be absent (Dovecot log_path files, "prog[pid]: msg").
 * A line starting with '{' is a journalctl -o json record, read by
 * io/journal_json into the same envelope.
 *
 * Application-own files without a syslog tag are tried when the forms
 * above fail: Kerio Connect "[17/Jun/2011 17:00:45] MSG", Lotus Domino
 * "[pid:tid] 22-06-2014 09:56:12   MSG" (or "2016-11-07 22:21:20   MSG",
 * three spaces), Zimbra "2021-03-03 19:26:38,616 INFO  [thread] ..." and
 * Oracle IMS '<co ts="2014-06-02T22:02:13.94" ... />'.  Those lines get
 * no host and the fixed tag "kerio", "domino", "zimbra" or "oracle-ims"
 * (a static string); msg is the rest of the line (all of it for Oracle
 * IMS, from the thread bracket on for Zimbra).
 */
#ifndef SUBSUBMIT_IO_ENVELOPE_H
#define SUBSUBMIT_IO_ENVELOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "io/span.h"

/*
 * A time as written in the log.  year is 0 when the line carries none (BSD
 * stamps): the year is inferred from the file context (io/yearinfer.h).
 * Fields are the log's own local wall-clock time; has_off says whether the
 * line also carried a UTC offset (off_min minutes east of UTC).
 */
struct logtime {
	int32_t		year;		/* 0 = not in the line */
	uint8_t		mon;		/* 1-12 */
	uint8_t		mday;		/* 1-31 */
	uint8_t		hour, min, sec;	/* sec may be 60 (leap) */
	bool		has_off;
	int16_t		off_min;	/* minutes east of UTC when has_off */
	uint32_t	usec;		/* fraction, microseconds */
};

enum env_status {
	ENV_OK = 0,
	ENV_SKIP,	/* not a log line and not an error: blank, "-- Boot ..." */
	ENV_BAD,	/* unparseable envelope; why says what was wrong */
};

/* Room for unescaped journal JSON values: one line (io/reader's cap). */
#define ENVELOPE_TEXT_MAX	8192

struct envelope {
	struct logtime	t;
	struct span	host;		/* empty when absent */
	struct span	tag;		/* "postfix/submission/smtpd", "dovecot" */
	struct span	pid;		/* digits, empty when absent */
	struct span	msg;		/* after "tag[pid]: " to end of line */
	/* Last, never cleared: spans of a JSON record may point here. */
	char		text[ENVELOPE_TEXT_MAX];
};

/*
 * envelope_parse - split line[0..len) (no trailing newline) into env.
 * Spans point into line, or for a JSON record into env->text: they are
 * valid while both are (do not copy an envelope by value).  On ENV_BAD *why (if why is not NULL) is set to
 * a static lower-case reason such as "bad time stamp".  A trailing CR is
 * ignored.  The tag is never empty on ENV_OK.  Exim's own mainlog lines
 * ("YYYY-MM-DD HH:MM:SS[.mmm] [+hhmm] [[PID] ]MSG", no host, no tag) get
 * the static tag "exim" (not a span of the line) and an empty host; a
 * line with that stamp that is no syslog line is read that way.
 */
enum env_status envelope_parse(const char *line, size_t len,
    struct envelope *env, const char **why);

/*
 * envelope_parse_general - the same without the shortcut for the common
 * "Mmm dd hh:mm:ss host tag[pid]: " line; the tests check that both
 * give the same envelope for every line.
 */
enum env_status envelope_parse_general(const char *line, size_t len,
    struct envelope *env, const char **why);

/*
 * logtime_parse - parse a time stamp at the start of s (any form above),
 * storing the time and the number of bytes used.  Exposed for tests and for
 * formats (Exim) that carry a second time stamp in the message.  The stamp
 * must end at a space or at the end of s; a "UTC"/"GMT" word after it is
 * part of it.  "<PRI>", RFC 5424 and "[stamp]" are envelope_parse()'s.
 */
bool	logtime_parse(struct span s, struct logtime *t, size_t *used);

/*
 * exim_id_len - the length of the Exim message id that opens s: 16 for
 * the classic "1rABCD-000123-Xy", 23 for Exim 4.97's
 * "1rABCD-00000000123-XyZw"; 0 when s does not start with one (it must
 * end at a space or at the end of s).
 */
size_t	exim_id_len(struct span s);

/* Calendar helpers (proleptic Gregorian). */
bool	is_leap_year(int32_t year);
int	days_in_month(int32_t year, int mon);
/* days_from_civil - days since 1970-01-01 for a valid date. */
int64_t	days_from_civil(int32_t year, int mon, int mday);
/*
 * civil_from_days - inverse of days_from_civil.
 */
void	civil_from_days(int64_t days, int32_t *year, int *mon, int *mday);

/*
 * logtime_civil - seconds since 1970-01-01 00:00:00 of the wall-clock time
 * (offset not applied), using year (which overrides t->year).  Returns
 * false when the date does not exist in that year (Feb 29 of a non-leap
 * year): never normalizes.
 */
bool	logtime_civil(const struct logtime *t, int32_t year, int64_t *out);

#endif
