/*
 * fuzz/fuzz_reader.c - the compressed-or-plain line reader.
 *
 * The input is a file (plain, gzip with any number of members, damaged
 * or not), read through an in-memory file to its end.  Lines must stay
 * within the cap, line numbers must grow, and the end must stay the end.
 */
#include "fuzz/fuzz.h"

#include "io/reader.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof(path));
	struct sbuf err = SBUF_INIT;
	struct reader *rd;
	struct span line;
	uint64_t lineno, prev = 0;
	int64_t mtime;

	fuzz_quiet();
	if ((rd = reader_open(path, "fuzz", &err)) == NULL) {
		check_string(err.buf);
		goto out;
	}
	while (reader_next(rd, &line, &lineno) == 1) {
		if (line.len > READER_LINE_CAP || lineno <= prev) {
			fprintf(stderr, "line %llu of %zu bytes\n",
			    (unsigned long long)lineno, line.len);
			abort();
		}
		prev = lineno;
		check_span(line, line.p, line.len);
		fuzz_sink += reader_line_cut(rd);
	}
	if (reader_next(rd, &line, &lineno) != 0)
		abort();
	fuzz_sink += (unsigned)reader_bytes_in(rd) +
	    (unsigned)reader_bytes_out(rd) + reader_damaged(rd) +
	    (unsigned)reader_overlong(rd) + reader_gzip_mtime(rd) +
	    (unsigned)reader_file_size(rd) + reader_file_mtime(rd, &mtime);
	check_string(reader_comp_name(reader_compression(rd)));
	reader_free(rd);
out:
	sbuf_release(&err);
	close(fd);
	return 0;
}
