#!/bin/sh
# check_listed.sh - every tests/test_*.c is listed in tests/meson.build.
root=${1:-.}
fail=0
n=0
for f in "$root"/tests/test_*.c; do
	n=$((n + 1))
done
echo "1..$n"
i=0
for f in "$root"/tests/test_*.c; do
	i=$((i + 1))
	name=$(basename "$f" .c)
	name=${name#test_}
	if grep -q "'$name':" "$root/tests/meson.build"; then
		echo "ok $i - $name listed"
	else
		echo "not ok $i - tests/test_$name.c is not listed in tests/meson.build"
		fail=1
	fi
done
exit $fail
