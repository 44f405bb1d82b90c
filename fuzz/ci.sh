#!/bin/sh
# fuzz/ci.sh - the bounded fuzz run of .ci/run: every target for 25
# seconds (twelve targets, about six minutes with the build); exits
# non-zero when any target finds a crash, leak, timeout or sanitizer
# report.
exec "$(dirname "$0")/run" "${FUZZ_SECONDS:-25}"
