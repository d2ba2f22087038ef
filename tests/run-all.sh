#!/bin/bash
# Runs every test suite and prints the closing line "N passed, N failed".
# Each suite prints PASS or FAIL lines; this script only counts them.
set -u
OUT=${OUT:-out}
mkdir -p "$OUT"
log=$OUT/test-results.txt
: >"$log"
for suite in tests/book-checks.sh tests/launcher-checks.sh tests/host-rig.sh; do
	bash "$suite" 2>&1 | tee -a "$log" | grep -E '^(PASS|FAIL) '
	status=${PIPESTATUS[0]}
	if [ "$status" -ne 0 ] && ! grep -q "^FAIL " "$log"; then
		echo "FAIL $suite: exited $status with no FAIL line" | tee -a "$log"
	fi
done
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
