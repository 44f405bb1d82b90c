/*
 * io/diag.h - the diagnostic sink: the only code that writes to stderr.
 *
 * Every message has one shape:
 *	subsubmit: maillog.2.gz:1187: skipped line: no 'user=' in auth record
 * The locator is an input file and line, never a source file.  Text that
 * came from a log is escaped (io/escape.h) and cut to 80 bytes by the
 * caller through diag_quote().  The sink is the one mutable global of the
 * program; it is guarded by a mutex so reader threads may report.
 */
#ifndef SUBSUBMIT_IO_DIAG_H
#define SUBSUBMIT_IO_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, sysexits(3); listed in the man page. */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,	/* audit: new findings */
	EXIT_USAGE = 64,	/* EX_USAGE */
	EXIT_DATAERR = 65,	/* EX_DATAERR: no usable events, --strict */
	EXIT_NOINPUT = 66,	/* EX_NOINPUT */
	EXIT_UNAVAILABLE = 69,	/* EX_UNAVAILABLE: gnuplot */
	EXIT_SOFTWARE = 70,	/* EX_SOFTWARE: BUG() */
	EXIT_OSERR = 71,	/* EX_OSERR: out of memory */
	EXIT_CANTCREAT = 73,	/* EX_CANTCREAT */
	EXIT_IOERR = 74,	/* EX_IOERR: write error */
};

/* diag_set_quiet - suppress warnings (errors and fatals still print). */
void	diag_set_quiet(bool);
bool	diag_is_quiet(void);
void	diag_set_verbose(bool);
bool	diag_is_verbose(void);

/*
 * diag_warn - "subsubmit: FILE:LINE: message".  file may be NULL (no
 * locator) and line 0 (file only).  The message is formatted text from
 * this program; any log bytes in it must already be escaped.
 */
void	diag_warn(const char *file, uint64_t line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	diag_error(const char *file, uint64_t line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	diag_info(const char *fmt, ...)		/* only with --verbose */
	    __attribute__((format(printf, 1, 2)));
_Noreturn void diag_fatal(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
_Noreturn void diag_bug(const char *srcfile, int srcline, const char *what);

#define BUG(what)	diag_bug(__FILE__, __LINE__, (what))

struct sbuf;

/*
 * diag_hold - this thread's messages (not diag_fatal()'s) go into sb as
 * the lines they would print, until diag_hold(NULL): for a helper thread
 * whose messages must come out at a fixed point, with diag_print_held(),
 * not between other threads' lines.
 */
void	diag_hold(struct sbuf *);
void	diag_print_held(const struct sbuf *);

/* Progress line (\r-terminated) on a terminal; no-op otherwise. */
void	diag_progress(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	diag_progress_done(void);
bool	diag_progress_enabled(void);
void	diag_set_progress(bool);

/*
 * diag_quote - escape up to 80 bytes of log text into a static per-thread
 * buffer, for use in one diag_* call.  The result is printable ASCII.
 */
const char *diag_quote(const char *p, size_t len);

#endif
