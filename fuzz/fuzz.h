/*
 * fuzz/fuzz.h - helpers shared by the libFuzzer targets (header only).
 *
 * Targets get their input as one byte buffer.  Readers that take a path
 * are handed an in-memory file (memfd) through /proc/self/fd, so that no
 * fuzz iteration touches the disk.  check_span() makes a span that points
 * outside the line fail loudly, and touches every byte of it so that
 * AddressSanitizer sees a bad pointer.
 */
#ifndef SUBSUBMIT_FUZZ_FUZZ_H
#define SUBSUBMIT_FUZZ_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/diag.h"
#include "io/span.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_sink - keeps the compiler from dropping the reads. */
static volatile unsigned fuzz_sink;

/*
 * check_span - read every byte of s.  A span inside [base, base+len) must
 * not run past its end; one outside the line (a fixed tag such as
 * "exim", a journal MESSAGE unescaped into the envelope's own buffer)
 * is read as it is, and AddressSanitizer checks that read.
 */
static inline void
check_span(struct span s, const char *base, size_t len)
{
	size_t i;

	if (s.len == 0)
		return;
	if (s.p >= base && s.p <= base + len &&
	    s.len > (size_t)(base + len - s.p)) {
		fprintf(stderr, "span runs past the line\n");
		abort();
	}
	for (i = 0; i < s.len; i++)
		fuzz_sink += (unsigned char)s.p[i];
}

/* check_string - read a NUL-terminated string to its end. */
static inline void
check_string(const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++)
		fuzz_sink += (unsigned char)*s;
}

/*
 * fuzz_memfile - an in-memory file holding buf[0..len); its path
 * ("/proc/self/fd/N") goes into path.  Returns the descriptor, which the
 * caller closes.  Aborts on failure: that is a broken harness.
 */
static inline int
fuzz_memfile(const uint8_t *buf, size_t len, char *path, size_t pathsz)
{
	int fd = memfd_create("fuzz", 0);
	size_t off = 0;

	if (fd == -1) {
		perror("memfd_create");
		abort();
	}
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n <= 0) {
			perror("write");
			abort();
		}
		off += (size_t)n;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

/* fuzz_quiet - no warnings on stderr: they would drown the fuzzer's. */
static inline void
fuzz_quiet(void)
{
	diag_set_quiet(true);
}

#endif
