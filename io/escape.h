/*
 * io/escape.h - making attacker-controlled bytes safe for each medium.
 *
 * Every byte of a log was chosen by a stranger.  Before log text reaches a
 * terminal, stderr or a CSV cell it passes through here:
 *  - control bytes (0x00-0x1f), DEL and bytes that are not part of valid
 *    UTF-8 become \xHH, and a backslash becomes \\ (so the escaping is
 *    reversible and unambiguous);
 *  - valid multi-byte UTF-8 is kept, except C1 controls (U+0080-U+009F)
 *    and bidirectional overrides, which are escaped as \u{HHHH}.
 * CSV cells are additionally neutralized: a cell that would start with
 * '=', '+', '-', '@', TAB or CR gets a leading apostrophe (CWE-1236).
 */
#ifndef SUBSUBMIT_IO_ESCAPE_H
#define SUBSUBMIT_IO_ESCAPE_H

#include <stddef.h>

#include "io/sbuf.h"

/*
 * escape_text - append the escaped form of p[0..len) to out.  When cap is
 * non-zero at most cap input bytes are used and "..." marks the cut.
 */
void	escape_text(struct sbuf *out, const char *p, size_t len, size_t cap);

/*
 * escape_csv_cell - append the escaped and neutralized cell text (without
 * CSV quoting, which out_csv adds) to out.
 */
void	escape_csv_cell(struct sbuf *out, const char *p, size_t len);

#endif
