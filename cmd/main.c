/*
 * cmd/main.c - subsubmit: find who brute-forces the submission port,
 * which accounts were cracked and which of them now send spam.
 *
 * The command table (alphabetical), global flags and the exit code live
 * here; each subcommand parses its own options (cmd/<name>.c).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "config.h"
#include "io/diag.h"
#include "io/reader.h"

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
	const char	*usage;
};

static const struct command commands[] = {
	{ "audit", cmd_audit, "the weekly audit for cron: what is new",
	    USAGE_AUDIT },
	{ "errors", cmd_errors, "authentication failures per period and "
	    "service", USAGE_ERRORS },
	{ "events", cmd_events, "list every recognized event, in time order",
	    USAGE_EVENTS },
	{ "help", NULL, "show help for a command", "subsubmit help [command]" },
	{ "plot-errors", cmd_plot_errors, "chart of authentication failures "
	    "per period and service", USAGE_PLOT_ERRORS },
	{ "report", cmd_report, "accounts cracked and used for spam, with "
	    "the evidence", USAGE_REPORT },
	{ "timeline", cmd_timeline, "every event of one account, with its "
	    "evidence", USAGE_TIMELINE },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const char main_usage[] =
    "usage: subsubmit [--help] [--version] command [args ...]";

static void
print_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "%s\n\ncommands:\n", main_usage);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "   %-12s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\nSee 'subsubmit help COMMAND' and subsubmit(1).\n");
}

static void
print_version(void)
{
	struct sbuf sb = SBUF_INIT;

	reader_codecs(&sb);
	printf("subsubmit %s\n", SUBSUBMIT_VERSION);
	printf("compression: %s\n", sb.buf);
	sbuf_release(&sb);
}

static const struct command *
lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* cmd_help - "subsubmit help [COMMAND]". */
static int
cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_help(stdout);
		return EXIT_OK;
	}
	if ((c = lookup(argv[1])) == NULL) {
		diag_error(NULL, 0, "'%s' is not a subsubmit command",
		    diag_quote(argv[1], strlen(argv[1])));
		print_help(stderr);
		return EXIT_USAGE;
	}
	printf("usage: %s\n\n%s.\nSee subsubmit(1) for the options.\n",
	    c->usage, c->summary);
	return EXIT_OK;
}

static int
finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_error(NULL, 0, "write error on standard output");
		return EXIT_IOERR;
	}
	return code;
}

int
main(int argc, char **argv)
{
	const struct command *c;

	/* A closed pipe ends us quietly, as with any filter (head -1). */
	signal(SIGPIPE, SIG_DFL);
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(stdout);
		return finish(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		print_version();
		return finish(EXIT_OK);
	}
	if ((c = lookup(argv[1])) == NULL) {
		diag_error(NULL, 0, "'%s' is not a subsubmit command",
		    diag_quote(argv[1], strlen(argv[1])));
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (c->fn == NULL)
		return finish(cmd_help(argc - 1, argv + 1));
	return finish(c->fn(argc - 1, argv + 1));
}
