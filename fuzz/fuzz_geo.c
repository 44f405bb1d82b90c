/*
 * fuzz/fuzz_geo.c - the country and ASN range file readers.
 *
 * The input is loaded twice, once as a country file and once as an ASN
 * file, and then looked up at a few addresses, among them the first and
 * last of every family, so that the sorted, disjoint ranges are walked.
 */
#include "fuzz/fuzz.h"

#include <string.h>

#include "io/geo.h"
#include "io/ipaddr.h"

static const char *const probes[] = {
	"0.0.0.0", "255.255.255.255", "192.0.2.1", "1.2.3.4", "10.0.0.0",
	"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1",
	"::ffff:192.0.2.1",
};

/* load - one load and the lookups; kind selects the loader. */
static void
load(const char *path, bool asn)
{
	struct geo_db db;
	struct geo_hit hit;
	struct ipaddr a;
	struct sbuf err = SBUF_INIT;
	size_t i;
	int rc;

	geo_init(&db);
	rc = asn ? geo_load_asn(&db, path, &err) :
	    geo_load_country(&db, path, &err);
	if (rc == 0) {
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			if (!ipaddr_parse(span_make(probes[i],
			    strlen(probes[i])), &a))
				abort();
			if (geo_lookup(&db, &a, &hit)) {
				check_string(hit.cc);
				check_string(hit.org);
				fuzz_sink += hit.asn;
			}
		}
		fuzz_sink += (unsigned)geo_count(&db);
	} else
		check_string(err.buf);
	geo_release(&db);
	sbuf_release(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof(path));

	fuzz_quiet();
	load(path, false);
	load(path, true);
	close(fd);
	return 0;
}
