#!/usr/bin/env bash
# bench/bench_perf.sh - how close subsubmit comes to the cost of merely
# decompressing the logs, on one core and on all of them.
#
# Generates a rotated .gz set of about SIZE_MB megabytes (uncompressed)
# with testdata/gen_demo.py --scale, then measures, as the median of RUNS
# runs each, side by side in one run (RUNS rounds, each measurement once
# per round, so that a slow minute of a shared host falls on all alike):
#   floor [-i] FILES       bench/floor.c: stream inflate (zlib, or ISA-L
#                          with -i) and a memchr line split, nothing else
#   subsubmit events|errors|report FILES, with -j1 and with -jNCPU, once
#                          with SUBSUBMIT_INFLATE=zlib and once with ISA-L
#                          when the binary has it
#   zcat FILES | pflogsumm, in the same rounds
# and prints MB/s of uncompressed log, the ratio to the floor with the
# same inflater, and peak RSS.  Then it generates SCALES times the input
# (default 4 and 16), one size at a time, runs report on it once, and
# prints seconds and peak RSS per GB, to show linear growth.
#
# Environment:
#   SIZE_MB=1000   size of the base set (uncompressed)
#   BUILD=./build  meson build folder; the binary is $BUILD/cmd/subsubmit
#   SUBSUBMIT=     binary to run instead of $BUILD/cmd/subsubmit
#   RUNS=3         runs per measurement (the median is reported)
#   SCALES="4 16"  multiples of SIZE_MB for the growth check ("" skips it)
#   PFLOGSUMM=1    0 skips the pflogsumm comparison
#   SEED=1 KEEP=0 JOBS=   as for bench_events.sh
# pflogsumm is installed with apt-get when missing and running as root.

set -euo pipefail

SIZE_MB=${SIZE_MB:-1000}
BUILD=${BUILD:-./build}
SUBSUBMIT=${SUBSUBMIT:-$BUILD/cmd/subsubmit}
RUNS=${RUNS:-3}
SCALES=${SCALES-4 16}
PFLOGSUMM=${PFLOGSUMM:-1}
SEED=${SEED:-1}
KEEP=${KEEP:-0}
JOBS=${JOBS:-0}

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

ncpu=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
has_isal=0
"$SUBSUBMIT" --version | grep -q 'ISA-L' && has_isal=1

# The floor program, with ISA-L when its header is there.
floor_isal=0
if ${CC:-cc} -O2 -DWITH_ISAL -o "$tmp/floor" "$top/bench/floor.c" -lz \
    -lisal 2>/dev/null; then
	floor_isal=1
else
	${CC:-cc} -O2 -o "$tmp/floor" "$top/bench/floor.c" -lz ||
	    die "cannot build bench/floor.c"
fi

if [ "$PFLOGSUMM" = 1 ] && ! command -v pflogsumm >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    pflogsumm >/dev/null 2>&1 || true
	fi
	command -v pflogsumm >/dev/null ||
	    { printf 'bench_perf: pflogsumm not available; skipped\n' >&2; PFLOGSUMM=0; }
fi

# gen SIZE DIR - a rotated set, every file gzipped (the generator leaves
# the newest one plain, as logrotate's delaycompress does).
gen() {
	local jobs_opt=()
	[ "$JOBS" -gt 0 ] && jobs_opt=(--jobs "$JOBS")
	python3 "$top/testdata/gen_demo.py" --out "$2" --scale "$1" \
	    --seed "$SEED" "${jobs_opt[@]}"
	rm -f "$2/mail.err"
	# One gzip per core: at 16x, one gzip alone took longer than the runs.
	find "$2" -maxdepth 1 -name 'maillog-*' ! -name '*.gz' -print0 |
	    xargs -0 -r -n 1 -P "$ncpu" gzip
}

printf 'generating %s MB with gen_demo.py --scale (seed %s) in %s\n' \
    "$SIZE_MB" "$SEED" "$tmp"
gen "$SIZE_MB" "$tmp/gz"
mapfile -t files < <(find "$tmp/gz" -maxdepth 1 -name 'maillog-*.gz' | sort)
[ "${#files[@]}" -ge 8 ] || die "the generator wrote fewer than 8 files"
raw=$(gzip -dc "${files[@]}" | wc -c)
cat "${files[@]}" >/dev/null	# warm the page cache

bench floor_zlib "$tmp/floor" "${files[@]}"
[ "$floor_isal" = 1 ] && bench floor_isal "$tmp/floor" -i "${files[@]}"

inflaters=(zlib)
[ "$has_isal" = 1 ] && inflaters+=(isal)
for inf in "${inflaters[@]}"; do
	for cmd in events errors report; do
		for j in 1 "$ncpu"; do
			bench "${cmd}_${inf}_j$j" env SUBSUBMIT_INFLATE="$inf" \
			    "$SUBSUBMIT" "$cmd" --format csv --quiet -j "$j" \
			    "${files[@]}"
		done
	done
done
# pflogsumm in the same rounds, so that its median is compared, not one
# run: one run of it took 29 s in one benchmark and 43 s in the next.
if [ "$PFLOGSUMM" = 1 ]; then
	bench pflogsumm sh -c 'zcat "$@" | pflogsumm >/dev/null' sh \
	    "${files[@]}"
fi
bench_all

secs() { median "$tmp/$1.runs" 1; }
peak() { awk -v k="$(median "$tmp/$1.runs" 2)" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
row() {
	local name=$1 label=$2 floor=$3 s
	s=$(secs "$name")
	printf '%-30s %8.2f %8s %8s %9s\n' "$label" "$s" "$(rate "$raw" "$s")" \
	    "$(ratio "$(secs "$floor")" "$s")" "$(peak "$name")"
}
# by_round A B - the time of A over the time of B, round by round.
by_round() {
	paste -d' ' "$tmp/$1.runs" "$tmp/$2.runs" | awk '{ printf "%s%.2f",
	    (NR > 1) ? " " : "", ($4 > 0) ? $1 / $4 : 0 }'
}
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "ok" : "BELOW TARGET" }'; }

printf '\ninput: %d .gz files, %s MB uncompressed, %s MB compressed; %d CPUs\n' \
    "${#files[@]}" "$(mb "$raw")" "$(mb "$(bytes_of "${files[@]}")")" "$ncpu"
printf 'binary: %s (%s); median of %d runs\n\n' "$SUBSUBMIT" \
    "$("$SUBSUBMIT" --version | sed -n 's/^compression: gzip (\([^)]*\)).*/\1/p')" "$RUNS"
printf '%-30s %8s %8s %8s %9s\n' "" "seconds" "MB/s" "x floor" "peak MB"
row floor_zlib "floor, zlib" floor_zlib
[ "$floor_isal" = 1 ] && row floor_isal "floor, ISA-L" floor_isal
for inf in "${inflaters[@]}"; do
	fl=floor_zlib
	[ "$inf" = isal ] && [ "$floor_isal" = 1 ] && fl=floor_isal
	for cmd in events errors report; do
		for j in 1 "$ncpu"; do
			row "${cmd}_${inf}_j$j" "$cmd -j$j ($inf)" "$fl"
		done
	done
done
if [ "$PFLOGSUMM" = 1 ]; then
	row pflogsumm "zcat | pflogsumm" floor_zlib
fi

printf '\ntargets (ratios of time, measured above):\n'
r=$(ratio "$(secs floor_zlib)" "$(secs events_zlib_j1)")
printf '  events -j1 / floor, zlib:            %s (>= 0.8: %s)\n' "$r" "$(verdict "$r" 0.8)"
if [ "$has_isal" = 1 ] && [ "$floor_isal" = 1 ]; then
	r=$(ratio "$(secs floor_isal)" "$(secs events_isal_j1)")
	printf '  events -j1 / floor, ISA-L:           %s (>= 0.8: %s)\n' "$r" "$(verdict "$r" 0.8)"
fi
r=$(ratio "$(secs floor_zlib)" "$(secs "report_zlib_j$ncpu")")
printf '  report -j%d (zlib) / floor zlib:      %s (>= 1.4: %s)\n' "$ncpu" "$r" "$(verdict "$r" 1.4)"
if [ "$has_isal" = 1 ]; then
	r=$(ratio "$(secs floor_zlib)" "$(secs "report_isal_j$ncpu")")
	printf '  report -j%d (ISA-L) / floor zlib:     %s (>= 2.5: %s)\n' "$ncpu" "$r" "$(verdict "$r" 2.5)"
fi
best=zlib
[ "$has_isal" = 1 ] && best=isal
r=$(ratio "$(secs "report_${best}_j1")" "$(secs "report_${best}_j$ncpu")")
printf '  report -j1 / -j%d time (%s):         %s (>= 1.6 on 2 free cores: %s)\n' "$ncpu" "$best" "$r" "$(verdict "$r" 1.6)"
# The same ratio round by round (the two ran one after the other), to
# show how far the host's noise moves it; the verdict above is the one.
printf '    round by round:                    %s\n' \
    "$(by_round "report_${best}_j1" "report_${best}_j$ncpu")"
if [ "$PFLOGSUMM" = 1 ]; then
	r=$(ratio "$(secs pflogsumm)" "$(secs "report_${best}_j$ncpu")")
	printf '  pflogsumm / report time:             %s (>= 20: %s)\n' "$r" "$(verdict "$r" 20)"
	printf '    round by round:                    %s\n' \
	    "$(by_round pflogsumm "report_${best}_j$ncpu")"
fi
rss=$(median "$tmp/report_${best}_j$ncpu.runs" 2)
pct=$(awk -v k="$rss" -v b="$raw" 'BEGIN { printf "%.1f", k * 1024 * 100 / b }')
printf '  report peak RSS / input:             %s%% (<= 15%%: %s)\n' "$pct" \
    "$(awk -v p="$pct" 'BEGIN { print (p <= 15) ? "ok" : "ABOVE TARGET" }')"

# Growth: report on 1x and on each multiple, per GB of input.
per_gb() {
	local name=$1 bytes=$2 s k
	s=$(median "$tmp/$name.runs" 1)
	k=$(median "$tmp/$name.runs" 2)
	awk -v s="$s" -v k="$k" -v b="$bytes" 'BEGIN {
	    g = b / 1e9; printf "%8.2f GB %8.2f s %8.2f s/GB %8.1f MB %8.1f MB/GB\n",
	    g, s, s / g, k / 1024, k / 1024 / g }'
}
if [ -n "$SCALES" ]; then
	printf '\ngrowth of report -j%d (%s):\n' "$ncpu" "$best"
	printf '  1x: %s\n' "$(per_gb "report_${best}_j$ncpu" "$raw")"
	for m in $SCALES; do
		rm -rf "$tmp/scale"
		gen $((SIZE_MB * m)) "$tmp/scale" >/dev/null 2>&1
		mapfile -t big < <(find "$tmp/scale" -maxdepth 1 -name 'maillog-*.gz' | sort)
		braw=$(gzip -dc "${big[@]}" | wc -c)
		: >"$tmp/scale$m.runs"
		measure "$tmp/scale$m.runs" "$tmp/scale$m.err" env \
		    SUBSUBMIT_INFLATE="$best" "$SUBSUBMIT" report --format csv \
		    --quiet "${big[@]}"
		printf '  %dx: %s\n' "$m" "$(per_gb "scale$m" "$braw")"
		rm -rf "$tmp/scale"
	done
fi
