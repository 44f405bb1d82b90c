/*
 * fuzz/fuzz_parser.c - one mail-system parser behind envelope_parse().
 *
 * Built once per parser (fuzz/meson.build's parsers table): PARSER names
 * the parser, so that parse_PARSER() is the function under test, declared
 * in PARSER_H ("io/parse_PARSER.h").  The claims check is skipped so
 * that the parser sees every envelope, claimed or not: parse_*() must
 * cope with any envelope, since a tag that looks like its own may carry
 * any message.  Every span of the event must lie in the
 * line.
 */
#include "fuzz/fuzz.h"

#include "io/envelope.h"
#include "io/event.h"

#include PARSER_H

#define CAT_(a, b)	a##b
#define CAT(a, b)	CAT_(a, b)

#define PARSE	CAT(parse_, PARSER)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data, *why = NULL;
	struct envelope env;
	struct raw_event ev;

	if (envelope_parse(line, size, &env, NULL) != ENV_OK)
		return 0;
	raw_event_clear(&ev);
	switch (PARSE(&env, &ev, &why)) {
	case PARSE_OK:
		check_span(ev.svc_name, line, size);
		check_span(ev.account, line, size);
		check_span(ev.client_name, line, size);
		check_span(ev.queue_id, line, size);
		check_span(ev.session, line, size);
		check_span(ev.method, line, size);
		check_span(ev.status, line, size);
		check_span(ev.detail, line, size);
		check_string(event_kind_name(ev.kind));
		check_string(service_name(ev.service));
		if (ev.kind <= EV_NONE || ev.kind >= EV_KIND_MAX ||
		    ev.service >= SVC_MAX)
			abort();
		break;
	case PARSE_BAD:
		if (why == NULL)
			abort();
		check_string(why);
		break;
	case PARSE_IGNORE:
		break;
	}
	return 0;
}
