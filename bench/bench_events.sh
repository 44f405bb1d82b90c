#!/usr/bin/env bash
# bench/bench_events.sh - throughput and memory of `subsubmit events`.
#
# Generates about SIZE_MB megabytes (uncompressed) of synthetic rotated mail
# logs with testdata/gen_demo.py --scale, then measures, as the median of
# RUNS runs each (in RUNS rounds, each command once per round, so that a
# slow minute of a shared host falls on all of them alike):
#   gzip -dcf FILES > /dev/null              (the floor: one zlib stream)
#   subsubmit events --format csv --quiet FILES > /dev/null   (.gz set)
#   the same on a decompressed copy of the set, and on its older half
#   subsubmit errors and report on the .gz set
# and prints MB/s of uncompressed log, the ratio events(gz) / gzip -dc
# (target >= 1.5), peak RSS of each run, peak RSS of events on half and
# on all of the input (it should be flat: events streams), the errors /
# events and report / events time ratios (issues 3 and 4), and how many
# files a week's audit skips by their dates (issue 5).
#
# Environment:
#   SIZE_MB=1000   size of the generated set (uncompressed)
#   BUILD=./build  meson build folder; the binary is $BUILD/cmd/subsubmit
#   SUBSUBMIT=     binary to run instead of $BUILD/cmd/subsubmit
#   RUNS=3         runs per measurement (the median is reported)
#   SEED=1         generator seed
#   KEEP=1         keep the temporary folder (its path is printed)
#   JOBS=          generator processes (default: one per CPU)
# Peak RSS comes from wait4(2), read by a small C launcher (bench/lib.sh;
# python3 when no compiler is found), so /usr/bin/time is not needed.

set -euo pipefail

SIZE_MB=${SIZE_MB:-1000}
BUILD=${BUILD:-./build}
SUBSUBMIT=${SUBSUBMIT:-$BUILD/cmd/subsubmit}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
KEEP=${KEEP:-0}
JOBS=${JOBS:-0}

top=$(cd "$(dirname "$0")/.." && pwd)

. "$top/bench/lib.sh"

printf 'generating %s MB with gen_demo.py --scale (seed %s) in %s\n' \
    "$SIZE_MB" "$SEED" "$tmp"
gen_start=$(date +%s)
jobs_opt=()
[ "$JOBS" -gt 0 ] && jobs_opt=(--jobs "$JOBS")
python3 "$top/testdata/gen_demo.py" --out "$tmp/gz" --scale "$SIZE_MB" \
    --seed "$SEED" "${jobs_opt[@]}"
gen_secs=$(($(date +%s) - gen_start))

# The set, oldest first (dateext names sort by date); mail.err is left out.
mapfile -t gz_files < <(find "$tmp/gz" -maxdepth 1 -name 'maillog-*' | sort)
[ "${#gz_files[@]}" -ge 2 ] || die "the generator wrote too few files"
mkdir "$tmp/plain"
plain_files=()
for f in "${gz_files[@]}"; do
	b=$(basename "$f" .gz)
	gzip -dcf "$f" >"$tmp/plain/$b"
	plain_files+=("$tmp/plain/$b")
done
half=$(((${#gz_files[@]} + 1) / 2))
half_files=("${gz_files[@]:0:half}")

raw_bytes=$(bytes_of "${plain_files[@]}")
gz_bytes=$(bytes_of "${gz_files[@]}")
half_raw=$(bytes_of "${plain_files[@]:0:half}")

# Warm the page cache so the first timed run does not pay for the disk.
cat "${gz_files[@]}" "${plain_files[@]}" >/dev/null

EV=("$SUBSUBMIT" events --format csv --quiet)
bench gzip gzip -dcf "${gz_files[@]}"
bench events_gz "${EV[@]}" "${gz_files[@]}"
bench events_plain "${EV[@]}" "${plain_files[@]}"
bench events_half "${EV[@]}" "${half_files[@]}"
bench errors_gz "$SUBSUBMIT" errors --format csv --quiet -v "${gz_files[@]}"
bench report_gz "$SUBSUBMIT" report --format csv --quiet "${gz_files[@]}"
bench_all

row() {
	local name=$1 label=$2 bytes=$3 s rss
	s=$(median "$tmp/$name.runs" 1)
	rss=$(median "$tmp/$name.runs" 2)
	printf '%-34s %9.3f %9s %10.1f\n' "$label" "$s" "$(rate "$bytes" "$s")" \
	    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
}

printf '\ninput: %d files, %s MB uncompressed, %s MB gzip (generated in %d s)\n' \
    "${#gz_files[@]}" "$(mb "$raw_bytes")" "$(mb "$gz_bytes")" "$gen_secs"
printf 'binary: %s; median of %d runs\n\n' "$SUBSUBMIT" "$RUNS"
printf '%-34s %9s %9s %10s\n' "" "seconds" "MB/s" "peak MB"
row gzip "gzip -dcf (.gz set)" "$raw_bytes"
row events_gz "events (.gz set)" "$raw_bytes"
row events_plain "events (plain copy)" "$raw_bytes"
row errors_gz "errors (.gz set)" "$raw_bytes"
row report_gz "report (.gz set)" "$raw_bytes"

g=$(median "$tmp/gzip.runs" 1)
e=$(median "$tmp/events_gz.runs" 1)
ratio=$(awk -v g="$g" -v e="$e" 'BEGIN { printf "%.2f", (e > 0) ? g / e : 0 }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.5) ? "ok" : "BELOW TARGET" }')
printf '\nevents(gz) / gzip -dc throughput: %s (target >= 1.5: %s)\n' \
    "$ratio" "$verdict"

r1=$(median "$tmp/events_half.runs" 2)
r2=$(median "$tmp/events_gz.runs" 2)
printf 'peak RSS of events (.gz): %.1f MB on %s MB (1x), %.1f MB on %s MB (%.1fx)\n' \
    "$(awk -v k="$r1" 'BEGIN { print k / 1024 }')" "$(mb "$half_raw")" \
    "$(awk -v k="$r2" 'BEGIN { print k / 1024 }')" "$(mb "$raw_bytes")" \
    "$(awk -v a="$half_raw" -v b="$raw_bytes" 'BEGIN { printf "%.1f", b / a }')"
printf 'RSS growth from 1x to 2x input: %s\n' \
    "$(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%+.1f%%", (a > 0) ? (b - a) * 100 / a : 0 }')"

# Issue 3 and 4: the stored timeline costs little next to reading.
er=$(median "$tmp/errors_gz.runs" 1)
rp=$(median "$tmp/report_gz.runs" 1)
printf '\nerrors / events time: %s (target <= 1.2)\n' \
    "$(awk -v a="$er" -v b="$e" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
printf 'report / events time: %s (target <= 1.5)\n' \
    "$(awk -v a="$rp" -v b="$e" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
nev=$(grep -o 'timeline: [0-9]* events' "$tmp/errors_gz.err" | tail -1 | awk '{ print $2 }')
rss=$(median "$tmp/errors_gz.runs" 2)
printf 'stored events: %s (24 bytes each); peak RSS of errors %.1f MB = %s bytes per stored event\n' \
    "${nev:-?}" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$rss" -v n="${nev:-0}" 'BEGIN { printf "%.0f", (n > 0) ? k * 1024 / n : 0 }')"

# Issue 5: the audit of the last week reads only what window and history
# need (files wholly older are skipped by their dates, not decompressed).
last=$(ls "${gz_files[@]}" | sed -n 's/.*maillog-\([0-9]\{8\}\).*/\1/p' | sort | tail -1)
if [ -n "$last" ]; then
	now="${last:0:4}-${last:4:2}-${last:6:2}"
	for hist in 90 30; do
		"$SUBSUBMIT" audit -q -v --always --now "$now" --history "$hist" \
		    "${gz_files[@]}" 2>"$tmp/audit.err" >/dev/null || true
		skipped=$(grep -c 'older than the history' "$tmp/audit.err" || true)
		printf 'audit --now %s --history %s: %d of %d files opened, %d skipped by date\n' \
		    "$now" "$hist" $(( ${#gz_files[@]} - skipped )) "${#gz_files[@]}" "$skipped"
	done
fi
