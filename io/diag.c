/*
 * io/diag.c - the diagnostic sink: every message to stderr goes through
 * here, in one shape, "subsubmit: FILE:LINE: text".
 *
 * The sink is the program's one mutable global.  A mutex keeps lines from
 * reader threads whole.  Progress lines are drawn only on a terminal and
 * erased before any other message.
 */
#include "io/diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/escape.h"
#include "io/sbuf.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool quiet, verbose, progress_on, progress_shown;
static _Thread_local struct sbuf *held;	/* diag_hold() */

void
diag_set_quiet(bool on)
{
	quiet = on;
}

bool
diag_is_quiet(void)
{
	return quiet;
}

void
diag_set_verbose(bool on)
{
	verbose = on;
}

bool
diag_is_verbose(void)
{
	return verbose;
}

void
diag_set_progress(bool on)
{
	progress_on = on && isatty(STDERR_FILENO);
}

bool
diag_progress_enabled(void)
{
	return progress_on && !quiet;
}

/* clear_progress - erase a progress line; caller holds the lock. */
static void
clear_progress(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}

/* put - whole lines of text to stderr, the progress line erased. */
static void
put(const char *text, size_t len)
{
	pthread_mutex_lock(&lock);
	clear_progress();
	fwrite(text, 1, len, stderr);
	fflush(stderr);
	pthread_mutex_unlock(&lock);
}

/* emit - one whole message line, or into the thread's held text. */
static void
emit(const char *kind, const char *file, uint64_t line, bool now,
    const char *fmt, va_list ap)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "subsubmit: ");
	if (file != NULL) {
		escape_text(&sb, file, strlen(file), 0);
		if (line > 0)
			sbuf_addf(&sb, ":%llu", (unsigned long long)line);
		sbuf_adds(&sb, ": ");
	}
	if (kind != NULL)
		sbuf_adds(&sb, kind);
	sbuf_vaddf(&sb, fmt, ap);
	sbuf_addc(&sb, '\n');
	if (held != NULL && !now)
		sbuf_add(held, sb.buf, sb.len);
	else
		put(sb.buf, sb.len);
	sbuf_release(&sb);
}

void
diag_hold(struct sbuf *sb)
{
	held = sb;
}

void
diag_print_held(const struct sbuf *sb)
{
	if (sb->len > 0)
		put(sb->buf, sb->len);
}

void
diag_warn(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	emit(NULL, file, line, false, fmt, ap);
	va_end(ap);
}

void
diag_error(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, file, line, false, fmt, ap);
	va_end(ap);
}

void
diag_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	emit(NULL, NULL, 0, false, fmt, ap);
	va_end(ap);
}

_Noreturn void
diag_fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, NULL, 0, true, fmt, ap);
	va_end(ap);
	exit(code);
}

_Noreturn void
diag_bug(const char *srcfile, int srcline, const char *what)
{
	pthread_mutex_lock(&lock);
	clear_progress();
	fprintf(stderr, "subsubmit: BUG: %s (%s:%d)\n", what, srcfile,
	    srcline);
	pthread_mutex_unlock(&lock);
	exit(EXIT_SOFTWARE);
}

void
diag_progress(const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	if (!diag_progress_enabled())
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lock);
	fputs("\r\033[K", stderr);
	fwrite(sb.buf, 1, sb.len, stderr);
	fflush(stderr);
	progress_shown = true;
	pthread_mutex_unlock(&lock);
	sbuf_release(&sb);
}

void
diag_progress_done(void)
{
	pthread_mutex_lock(&lock);
	clear_progress();
	pthread_mutex_unlock(&lock);
}

const char *
diag_quote(const char *p, size_t len)
{
	static _Thread_local char buf[400];
	struct sbuf sb = SBUF_INIT;
	size_t n;

	escape_text(&sb, p, len, 80);
	n = sb.len < sizeof(buf) - 1 ? sb.len : sizeof(buf) - 1;
	memcpy(buf, sb.buf, n);
	buf[n] = '\0';
	sbuf_release(&sb);
	return buf;
}
