#!/bin/sh
# valgrind.sh - the main commands over the demo and the hostile fixtures
# under valgrind(1): any invalid access, use of uninitialised memory or
# leak fails the run.  Needs a build without sanitizers:
#	meson setup build-vg && ninja -C build-vg
#	tests/valgrind.sh build-vg/cmd/subsubmit
# Prints one TAP line per command.
bin=${1:?usage: valgrind.sh SUBSUBMIT [TESTDATA]}
td=${2:-$(dirname "$0")/../testdata}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/subsubmit-vg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
VG=99	# valgrind's exit status on an error, told apart from ours
n=0
fail=0
out=$tmp/out	# where standard output goes

# check WANT ARGS... - run one command; WANT is its expected exit status.
check() {
	want=$1
	shift
	n=$((n + 1))
	valgrind -q --error-exitcode=$VG --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    "$bin" "$@" >"$out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq $want ]; then
		echo "ok $n - $* (exit $rc)"
	else
		fail=1
		echo "not ok $n - $* (exit $rc, want $want)"
		sed 's/^/# /' "$tmp/err" | head -40
	fi
}

echo "1..18"
check 0 events "$td/demo"
check 0 events --format csv "$td/demo"
check 0 errors --by week "$td/demo"
check 0 errors --format csv "$td/demo"
check 0 report "$td/demo"
check 0 report --format csv --geo "$td/geo/tor-geoip" \
    --asn "$td/geo/asn.csv" "$td/demo"
check 0 timeline regine "$td/demo"
check 1 audit --now 2024-01-21 --state "$tmp/state.csv" "$td/demo"
check 0 audit --now 2024-01-21 --state "$tmp/state.csv" "$td/demo"
check 0 plot-errors -o "$tmp/e.png" --script "$tmp/script" "$td/demo"
check 0 events "$td/hostile/escapes.log" "$td/hostile/formula.log" \
    "$td/hostile/nul.log" --year 2024
check 0 report --format csv --year 2024 "$td/hostile/formula.log"
check 0 events --year 2024 "$td/hostile/truncated.log.gz" \
    "$td/hostile/fake.gz"
check 0 events "$td/hostile/rollover"
check 65 events "$td/hostile/empty.log"
check 66 events "$td/hostile/escapes.log" "$tmp/missing"
check 64 events --no-such-option "$td/demo"
out=/dev/full
check 74 events "$td/demo"
out=$tmp/out
exit $fail
