/*
 * cmd/commands.h - the subcommands: each parses its own options and
 * returns an exit code (man page, EXIT STATUS).
 */
#ifndef SUBSUBMIT_CMD_COMMANDS_H
#define SUBSUBMIT_CMD_COMMANDS_H

int	cmd_audit(int argc, char **argv);
int	cmd_errors(int argc, char **argv);
int	cmd_events(int argc, char **argv);
int	cmd_report(int argc, char **argv);
int	cmd_timeline(int argc, char **argv);
int	cmd_plot_errors(int argc, char **argv);

/* Usage lines, word for word the SYNOPSIS of the man page. */
#define USAGE_EVENTS "subsubmit events [-qv] [-j n] [--format csv|text] " \
	"[--since time] [--until time] [--year year] " \
	"[--service-map name=service] [--pseudonymize key] " \
	"[--pseudonymize-key-file file] [--strict] path ..."

#define USAGE_ERRORS "subsubmit errors [-qv] [-j n] [--by year|month|week|day] " \
	"[--service list] [--format csv|text] [--since time] " \
	"[--until time] [--year year] [--service-map name=service] " \
	"[--pseudonymize key] [--pseudonymize-key-file file] " \
	"[--strict] path ..."

#define USAGE_PLOT_ERRORS "subsubmit plot-errors [-qv] [-j n] -o file " \
	"[--by year|month|week|day] [--service list] [--log] [--size WxH] " \
	"[--title text] [--script dir] [--since time] [--until time] " \
	"[--year year] [--service-map name=service] [--pseudonymize key] " \
	"[--pseudonymize-key-file file] [--strict] path ..."

#define USAGE_REPORT "subsubmit report [-qv] [-j n] [--format csv|text] " \
	"[--geo file] [--asn file] [--home cc] [--trusted cidr] " \
	"[--config file] [--threshold name=value] [--since time] " \
	"[--until time] [--year year] [--service-map name=service] " \
	"[--pseudonymize key] [--pseudonymize-key-file file] " \
	"[--strict] path ..."

#define USAGE_TIMELINE "subsubmit timeline [-qv] [-j n] [--plot file] " \
	"[--since time] [--until time] [--year year] " \
	"[--service-map name=service] [--pseudonymize key] " \
	"[--pseudonymize-key-file file] [--strict] account path ..."

#define USAGE_AUDIT "subsubmit audit [-qv] [-j n] [--days n] [--history days] " \
	"[--now time] [--state file] [--always] [--format text|csv] " \
	"[--geo file] [--asn file] [--home cc] [--trusted cidr] " \
	"[--config file] [--threshold name=value] [--year year] " \
	"[--service-map name=service] [--pseudonymize key] " \
	"[--pseudonymize-key-file file] [--strict] path ..."

#endif
