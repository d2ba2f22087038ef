# SPDX-License-Identifier: GPL-2.0
#
# tests/suites.sh: sourced by tests/run-all.sh and tests/soak.sh, after they
# set log to their results file.  run_suite runs one suite and keeps its
# lines; closing_line counts them, prints "N passed, N failed" and returns
# the verdict.

# run_suite NAME COMMAND...: run one suite, keep its lines, count nothing.
run_suite() {
	local name=$1 status

	shift
	"$@" 2>&1 | tee -a "$log" | grep -E '^(PASS|FAIL) '
	status=${PIPESTATUS[0]}
	if [ "$status" -ne 0 ] && ! grep -q "^FAIL " "$log"; then
		echo "FAIL $name: exited $status with no FAIL line" | tee -a "$log"
	fi
}

# closing_line: the line every test run ends with; fails if anything did.
closing_line() {
	local passed failed

	passed=$(grep -c '^PASS ' "$log")
	failed=$(grep -c '^FAIL ' "$log")
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
