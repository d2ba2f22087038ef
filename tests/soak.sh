#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/soak.sh: the soak (make soak), too long for make test.  Prints PASS
# and FAIL lines and the closing line "N passed, N failed", and exits
# non-zero if anything failed.  Every line also goes to $OUT/soak-results.txt.
#
# Its parts, each a run_suite line below:
# - soak: the Host booted with lguest.soak on two CPUs, so /init runs the
#   cases of tests/host/init.c marked .soak, and only those: a baseline of
#   free memory, unreclaimable slab and pinned pages after a warm-up; 1,000
#   launches of the hello Guest one after another; rounds of eight Guests
#   at once; then the module unloaded (everything back as before) and
#   loaded again.  The console is in $OUT/soak-console.log.
# - soak-fuzz: the hypercall fuzzer (tests/guests/fuzz.c) on the seeds
#   FUZZ_SOAK_SEEDS (5-24), FUZZ_SOAK_CALLS (100,000) calls each.
# A new part is one more run_suite line: another rig run (with a SUITE of
# its own), or cases marked .soak in tests/host/init.c, which this run
# picks up.
set -u
OUT=${OUT:-out}
mkdir -p "$OUT"
log=$OUT/soak-results.txt
: >"$log"

. "$(dirname "$0")/suites.sh"

# 1,000 launches take about 35 s under emulation, the whole run about a
# minute; the time limit leaves room for a slower machine.
run_suite soak env SUITE=soak \
	KERNEL_ARGS="lguest.soak${KERNEL_ARGS:+ $KERNEL_ARGS}" \
	SMP=2 TIMEOUT=${TIMEOUT:-3600} bash tests/host-rig.sh

# The hypercall fuzzer on more seeds than make test's, in one boot; each
# seed's note (launches, time, the commonest ends) is printed after it.
run_suite soak-fuzz env SUITE=soak-fuzz TIMEOUT=${TIMEOUT:-3600} \
	KERNEL_ARGS="lguest.fuzzseeds=${FUZZ_SOAK_SEEDS:-5-24} lguest.fuzzcalls=${FUZZ_SOAK_CALLS:-100000}" \
	bash tests/host-rig.sh
sed -n 's/.*HOSTTESTS note: \(fuzz-[0-9]*: seed\)/  \1/p' \
	"$OUT/soak-fuzz-console.log"

closing_line
