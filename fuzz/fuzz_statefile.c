/*
 * fuzz/fuzz_statefile.c - the audit state file reader.
 *
 * The input is the file's bytes, handed to state_parse() as state_read()
 * does; every row kept must be findable again by its account.
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "io/statefile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s;
	struct sbuf err = SBUF_INIT;
	size_t i;

	state_init(&s);
	if (state_parse(&s, "fuzz", (const char *)data, size, &err) == 0) {
		for (i = 0; i < s.n; i++) {
			const char *a = s.v[i].account;

			if (state_find(&s, a, strlen(a)) == NULL)
				abort();
			check_string(s.v[i].verdict);
		}
	} else
		check_string(err.buf);
	state_release(&s);
	sbuf_release(&err);
	return 0;
}
