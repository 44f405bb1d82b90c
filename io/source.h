/*
 * io/source.h - which files to read, and in which order.
 *
 * Arguments are files, folders or "-" (standard input).  A folder is
 * searched (not recursively) for mail-log families: "maillog",
 * "mail.log", Exim's "mainlog" and "exim_mainlog", each with numbered
 * rotations (".1", ".2.gz", ...) and dateext rotations ("-YYYYMMDD",
 * "-YYYYMMDD.gz").  Debian's subset files
 * "mail.err", "mail.warn" and "mail.info" repeat lines of mail.log and are
 * skipped unless named explicitly; so is everything else in the folder.
 * Within a family files are ordered oldest first: dateext files by date,
 * then numbered rotations from the highest number down, then the live
 * file; families in alphabetical order ("mail.log" before "maillog").
 * Files named explicitly keep the order given, and a folder's files take
 * the folder argument's place.  A folder without mail logs of its own is
 * searched one level further: each sub-folder holding mail logs is taken
 * as one host's (/var/log/hosts/mx1/maillog, .../mx2/maillog), sub-folders
 * in name order, each host's files oldest first, one host after the other
 * in the list, each file marked with its sub-folder (site); the scan
 * (analysis/scan.c) merges the families in time order.  A sub-folder that
 * cannot be read is skipped with a warning.  Rotations compressed with
 * gzip, bzip2, xz or zstd are listed like plain ones (io/reader tells them
 * by their magic bytes).  A file reached twice (same device and inode,
 * e.g. through a folder and by name) is listed once, with a warning.
 */
#ifndef SUBSUBMIT_IO_SOURCE_H
#define SUBSUBMIT_IO_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "io/sbuf.h"

struct source_file {
	char		*path;		/* path to open, "-" for stdin */
	char		*name;		/* display name (path as given, or
					   "(standard input)") */
	bool		 explicit_arg;	/* named on the command line */
	int32_t		 dateext;	/* YYYYMMDD from the name, 0 = none */
	uint32_t	 rotation;	/* ".N" suffix, 0 = none (or ".0") */
	char		*site;		/* the per-host sub-folder it was found
					   in (scan_hosts), else NULL: one
					   server's logs, whatever host names
					   they carry */
};

struct source_list {
	struct source_file	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * source_collect - expand the arguments into an ordered file list,
 * appended to out.  Taken files, and folder entries that are not taken
 * with the reason, are reported with diag_info (seen with --verbose).
 * Returns 0, or -1 with a message in err when an argument does not exist
 * or a folder cannot be read (the caller exits 66); out then keeps the
 * files added before the failure and must be released either way.  A
 * folder without mail logs is not an error here: the list just gains
 * nothing from it (diag_warn says so).
 */
int	source_collect(char *const *args, int nargs, struct source_list *out,
    struct sbuf *err);

/* source_list_release - free the list; a zeroed list is a no-op. */
void	source_list_release(struct source_list *);

/*
 * source_name_info - parse a file name's rotation suffixes: stores the
 * dateext date (YYYYMMDD or 0) and rotation number (or 0), and returns
 * the family ("maillog", "mail.log") or NULL when the name is not a
 * mail-log family member (mail.err, mail.warn and mail.info are not).
 * Compressor suffixes (".gz", ".bz2", ".xz", ".zst") are allowed last.
 * Both outputs are 0 when NULL is returned.  Exposed for tests.
 */
const char *source_name_info(const char *base, int32_t *dateext,
    uint32_t *rotation);

#endif
