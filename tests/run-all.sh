#!/bin/bash
# Runs every test suite and prints the closing line "N passed, N failed".
# Each suite prints PASS or FAIL lines; this script only counts them.
#
# The Host's tests run three times: on the recommended CPU model with 256
# MiB and two CPUs; then on QEMU's "max" CPU with one CPU and 1.5 GiB, where
# the Host kernel has HighMem (Guest pages above 896 MiB) and keeps global
# pages, SMEP, SMAP and UMIP on, which the Switcher must hide from the Guest;
# then the NMI run (host-nmi): NMIs from QEMU's monitor every few
# milliseconds while the cases run (NMIS in tests/host-rig.sh), on the "max"
# CPU (so the Host's %cr4 differs from the Guest's, and hostile-nmi-leak can
# tell them apart; UMIP off, so hostile Guests find the Switcher quickly), on
# one CPU,
# because QEMU delivers the monitor's NMI through the local APIC's LINT1,
# which Linux opens on CPU 0 only: so every Guest runs where the NMIs land.
#
# The soak (tests/soak.sh, make soak) is not part of this.
set -u
OUT=${OUT:-out}
mkdir -p "$OUT"
log=$OUT/test-results.txt
: >"$log"

. "$(dirname "$0")/suites.sh"

run_suite book bash tests/book-checks.sh
run_suite launcher bash tests/launcher-checks.sh
run_suite host bash tests/host-rig.sh
run_suite host-highmem env SUITE=host-highmem MEM=1536 SMP=1 QEMU_CPU=max \
	CLEARCPUID= bash tests/host-rig.sh
run_suite host-nmi env SUITE=host-nmi SMP=1 NMIS=5 QEMU_CPU=max \
	CLEARCPUID=umip bash tests/host-rig.sh

closing_line
