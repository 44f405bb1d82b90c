#!/bin/sh
# layering.sh - dependencies point cmd -> analysis -> io, never back.
# Prints TAP.
root=${1:-.}
fail=0
echo "1..2"
if grep -n '#include "\(analysis\|cmd\)/' "$root"/io/*.[ch]; then
	echo "not ok 1 - io/ includes a higher layer"; fail=1
else
	echo "ok 1 - io/ includes only io/"
fi
if grep -n '#include "cmd/' "$root"/analysis/*.[ch]; then
	echo "not ok 2 - analysis/ includes cmd/"; fail=1
else
	echo "ok 2 - analysis/ does not include cmd/"
fi
exit $fail
