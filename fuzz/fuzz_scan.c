/*
 * fuzz/fuzz_scan.c - the whole read pipeline: reader, envelope, year
 * inference, the dispatch to every mail-system parser, repeat records,
 * duplicate removal across files and the callback.
 *
 * The input is one or more log files, separated by a line
 * "#--next-file--": each part becomes an in-memory file, read oldest
 * first as if rotated.  Any parser added to analysis/scan.c's dispatch
 * is fuzzed here without a change.
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "analysis/scan.h"
#include "io/xalloc.h"

#define MAXFILES	4

static const char sep[] = "\n#--next-file--\n";

static const struct service_map_entry smap[] = {
	{ "postfix-in", "inbound" },
	{ "submission", "msa" },
};

/* on_event - read every field the commands read. */
static int
on_event(const struct scan_event *se, void *arg)
{
	(void)arg;
	check_string(se->service);
	check_string(se->file);
	check_string(event_kind_name(se->ev->kind));
	fuzz_sink += (unsigned)se->when + se->count + (unsigned)se->line;
	fuzz_sink += (unsigned)se->ev->account.len;
	if (se->ev->account.len > 0)
		fuzz_sink += (unsigned char)se->ev->account.p[
		    se->ev->account.len - 1];
	return 0;
}

/* add_file - one part of the input as a file of the list. */
static int
add_file(struct source_list *l, const uint8_t *p, size_t len)
{
	char path[64];
	int fd = fuzz_memfile(p, len, path, sizeof(path));
	struct source_file *sf = &l->v[l->n++];

	memset(sf, 0, sizeof(*sf));
	sf->path = xstrdup(path);
	sf->name = xstrdup(path);
	sf->explicit_arg = true;
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_file files[MAXFILES];
	struct source_list l = { files, 0, MAXFILES };
	struct scan_opts o;
	struct scan_stats st;
	int fds[MAXFILES];
	const uint8_t *p = data, *end = data + size, *q;
	size_t i, n = 0;

	fuzz_quiet();
	while (n < MAXFILES - 1 &&
	    (q = memmem(p, (size_t)(end - p), sep, sizeof(sep) - 1)) != NULL) {
		fds[n++] = add_file(&l, p, (size_t)(q - p) + 1);
		p = q + sizeof(sep) - 1;
	}
	fds[n++] = add_file(&l, p, (size_t)(end - p));
	memset(&o, 0, sizeof(o));
	o.now = 1735689600;	/* 2025-01-01: no clock in a fuzzer */
	o.jobs = 1;		/* one thread: inputs reproduce */
	o.smap = smap;
	o.nsmap = sizeof(smap) / sizeof(smap[0]);
	scan_run(&l, &o, on_event, NULL, &st);
	for (i = 0; i < l.n; i++) {
		free(files[i].path);
		free(files[i].name);
		close(fds[i]);
	}
	return 0;
}
