/*
 * io/journal_json.h - the envelope of a "journalctl -o json" record.
 *
 * journalctl -o json writes one JSON object per line, mapping journal
 * field names to values (the "Journal JSON Format" of systemd's
 * JOURNAL_EXPORT_FORMATS): a string; null for a field over journalctl's
 * size threshold; an array of byte values 0-255 for a field that is not
 * printable UTF-8; or, for a field with several values, an array of those.
 * Every value is a string even when it holds a number.
 *
 * journal_json_parse() turns such a line into the same struct envelope as
 * a syslog line, so the mail-system parsers never know the difference:
 *
 *	tag	SYSLOG_IDENTIFIER, else _COMM
 *	pid	SYSLOG_PID, else _PID (the pid the program logged, which a
 *		syslog file would show)
 *	host	_HOSTNAME, empty when absent
 *	msg	MESSAGE, unescaped; of a field with several values, the first
 *	time	__REALTIME_TIMESTAMP, else _SOURCE_REALTIME_TIMESTAMP:
 *		microseconds since the epoch, shown as UTC (has_off true,
 *		off_min 0), whatever the zone of the machine that logged
 *
 * All other fields are checked for shape and skipped, in any order.  The
 * reader is strict: anything but the shapes above (objects, numbers or
 * booleans as values, raw control bytes in a string, a lone surrogate
 * in \uXXXX, a missing comma, bytes after the closing brace) is ENV_BAD,
 * never a crash.  A line that io/reader cut at its cap is no longer a
 * whole object and is ENV_BAD too.
 */
#ifndef SUBSUBMIT_IO_JOURNAL_JSON_H
#define SUBSUBMIT_IO_JOURNAL_JSON_H

#include <stddef.h>

#include "io/envelope.h"

/*
 * journal_json_parse - split the JSON record line[0..len) (no trailing
 * newline or CR, starting with '{') into env, which must have been
 * cleared up to its text buffer.  Spans point into line when a value
 * needs no unescaping, otherwise into env->text, so they stay valid as
 * long as both line and env do (an envelope copied by value may point
 * into the original's text).  Returns ENV_OK; ENV_SKIP for a record
 * without a MESSAGE field; or ENV_BAD with *why (if why is not NULL) set
 * to a static lower-case reason such as "bad json string", including a
 * MESSAGE that journalctl left out as null (it does so above 4096 bytes
 * unless run with --all).
 */
enum env_status journal_json_parse(const char *line, size_t len,
    struct envelope *env, const char **why);

#endif
