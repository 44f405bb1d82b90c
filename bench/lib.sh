# bench/lib.sh - shared by the benchmark scripts (sourced, not run).
# Needs $SUBSUBMIT, $RUNS and $KEEP; checks the tools, makes the scratch
# folder $tmp (removed at exit unless KEEP=1), defines die, measure,
# median, bench, bench_all, rate, mb, bytes_of and builds the launcher.

me=${0##*/}
die() {
	printf '%s: %s\n' "$me" "$*" >&2
	exit 1
}

[ -x "$SUBSUBMIT" ] || die "no executable '$SUBSUBMIT' (build first: meson setup build && ninja -C build, or set BUILD or SUBSUBMIT)"
command -v python3 >/dev/null || die "python3 is required"
command -v gzip >/dev/null || die "gzip is required"

tmp=$(mktemp -d /tmp/subsubmit-bench.XXXXXX)
cleanup() {
	if [ "$KEEP" = 1 ]; then
		printf '%s: kept %s\n' "$me" "$tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The launcher: fork, exec, wait4(2); appends "seconds max_rss_kb status"
# to OUT.  It is a small C program because ru_maxrss survives execve(2):
# a child forked from python3 would report python's ~10 MB as its floor.
# Without a C compiler, python3 is used and the note below says so.
build_launcher() {
	cat >"$tmp/launch.c" <<'EOF'
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st, fd;

	if (argc < 4)
		return 64;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == -1)
		return 71;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, 1);
		if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND,
		    0644)) != -1)
			dup2(fd, 2);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) == -1)
		return 71;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if ((f = fopen(argv[1], "a")) == NULL)
		return 73;
	fprintf(f, "%.4f %ld %d\n", (double)(b.tv_sec - a.tv_sec) +
	    (b.tv_nsec - a.tv_nsec) / 1e9, ru.ru_maxrss,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return fclose(f) == 0 ? 0 : 74;
}
EOF
	${CC:-cc} -O2 -D_GNU_SOURCE -o "$tmp/launch" "$tmp/launch.c" \
	    2>/dev/null
}

launcher_py() {
	python3 - "$@" <<'EOF'
import os, sys, time
out, err, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), 2)
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
dt = time.monotonic() - t0
with open(out, "a") as f:
    f.write("%.4f %d %d\n" % (dt, ru.ru_maxrss,
                              os.waitstatus_to_exitcode(status)))
EOF
}

# measure OUT ERR CMD... - run CMD (stdout to /dev/null, stderr appended
# to ERR) and append its time, peak RSS and exit status to OUT.
measure() {
	if [ -x "$tmp/launch" ]; then
		"$tmp/launch" "$@"
	else
		launcher_py "$@"
	fi
}

# median FILE COLUMN - the median of a column (1 = seconds, 2 = RSS KB).
median() {
	sort -n -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c }
	    END { print v[int((NR + 1) / 2)] }'
}

# bench NAME CMD... - queue a measurement; bench_all runs the queue.
declare -A bench_cmd=()
bench_queue=()
bench() {
	local name=$1
	shift
	bench_queue+=("$name")
	bench_cmd[$name]=$(printf '%q ' "$@")
	: >"$tmp/$name.runs"
}

# bench_all - RUNS rounds over every queued measurement, each once per
# round, so that a slow minute of a shared host falls on all of them
# alike and the ratios stay side by side; fails when a run exits
# non-zero.  The queue is emptied.
bench_all() {
	local i name
	for ((i = 0; i < RUNS; i++)); do
		for name in "${bench_queue[@]}"; do
			eval "measure \"\$tmp/\$name.runs\" \"\$tmp/\$name.err\" ${bench_cmd[$name]}"
		done
	done
	for name in "${bench_queue[@]}"; do
		if awk '$3 != 0 { bad = 1 } END { exit !bad }' "$tmp/$name.runs"; then
			printf '%s: %s failed; stderr:\n' "${0##*/}" "$name" >&2
			head -n 20 "$tmp/$name.err" >&2
			exit 1
		fi
	done
	bench_queue=()
}

rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0) ? b / 1e6 / s : 0 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
bytes_of() { cat "$@" | wc -c; }

build_launcher || printf '%s: no C compiler; peak RSS includes python3 (~10 MB)\n' "${0##*/}" >&2
