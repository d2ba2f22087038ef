#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host-rig.sh: boot the host kernel in QEMU with the module and the host
# test /init (tests/host/init.c) in an initramfs, then judge the console.
#
# Run from the top of the tree.  Prints "PASS host: <what>" or
# "FAIL host: <what>: <why>" lines only, and exits non-zero if any FAIL.
#
# Settings (environment):
#   OUT=out  KERNEL=$OUT/vmlinuz  MODULE=$OUT/lg.ko  MEM=256  SMP=2
#   TIMEOUT=600 (seconds for the whole boot)
#   EXTRA_FILES="src:/dest ..."  more files for the initramfs (a src
#                without ":dest" lands as /<basename>)
#   QEMU_CPU, CLEARCPUID (features the Host kernel must not use),
#   KERNEL_ARGS (appended to the command line), CC, V=1 (echo),
#   SUITE=host (the name on the result lines, and of the console log)
#   DEMO=1: boot with lguest.demo, so /init runs the demo Guest instead of
#           the tests; the console is shown live and the exit status is the
#           Launcher's (make run does this)
#   BENCH=1: boot with lguest.bench, so /init runs /native-bench and the
#           bench Guest instead of the tests; shows their lines and the
#           table of Guest/native ratios, and the exit status says only
#           whether both ran (make bench does this; nothing is judged on time)
#
# The Launcher ($OUT/lguest, as /lguest), the Launcher in its test harness
# ($OUT/test/irqbreak, as /irqbreak), the native benchmark
# ($OUT/test/native-bench, as /native-bench) and every Guest image
# ($OUT/guests/*.elf and $OUT/test/guests/*.elf, under /guests/) go into the
# initramfs too, whichever of them have been built.
set -u

OUT=${OUT:-out}
KERNEL=${KERNEL:-$OUT/vmlinuz}
MODULE=${MODULE:-$OUT/lg.ko}
MEM=${MEM:-256}
SMP=${SMP:-2}
TIMEOUT=${TIMEOUT:-600}
EXTRA_FILES=${EXTRA_FILES:-}
QEMU=${QEMU:-qemu-system-i386}
QEMU_CPU=${QEMU_CPU:-SandyBridge,-pge,-x2apic,-tsc-deadline,-syscall,-lm}
CLEARCPUID=${CLEARCPUID-smep,smap,umip}
SUITE=${SUITE:-host}
KERNEL_ARGS=${KERNEL_ARGS:-}
CC=${CC:-gcc}
V=${V:-0}
DEMO=${DEMO:-0}
BENCH=${BENCH:-0}
[ "$DEMO" = 1 ] && KERNEL_ARGS="lguest.demo${KERNEL_ARGS:+ $KERNEL_ARGS}"
[ "$BENCH" = 1 ] && KERNEL_ARGS="lguest.bench${KERNEL_ARGS:+ $KERNEL_ARGS}"

SRC=$(dirname "$0")/host/init.c
TEST=$OUT/test
RD=$TEST/rd
LOG=$OUT/$SUITE-console.log
APPEND="console=ttyS0 panic=-1 nokaslr nmi_watchdog=0"
APPEND="$APPEND${CLEARCPUID:+ clearcpuid=$CLEARCPUID} panic_on_warn=1"
APPEND="$APPEND${KERNEL_ARGS:+ $KERNEL_ARGS}"

# What the kernel says when it is unhappy.
BAD='Oops|BUG:|WARNING:|general protection|Kernel panic|kernel BUG|Call Trace'
# Except in a report a case asks for: between the kernel-log lines
# "HOSTTESTS QUIET BEGIN <case>" and "HOSTTESTS QUIET END <case>" (the
# nmi-in-guest case of tests/host/init.c), each "NMI backtrace for cpu N"
# line lets one "Call Trace:" line after it pass.  Nothing else is forgiven,
# there or anywhere.
TS='^\[ *[0-9]+\.[0-9]+\] '
NMI_HEAD="${TS}NMI backtrace for cpu [0-9]+\$"
NMI_TRACE="${TS}Call Trace:\$"

run() {
	[ "$V" = 1 ] && echo "  $*" >&2
	"$@"
}

setup_fail() {
	echo "FAIL $SUITE: setup: $*"
	exit 1
}

for f in "$KERNEL" "$MODULE" "$SRC"; do
	[ -r "$f" ] || setup_fail "cannot read $f"
done
command -v "$QEMU" >/dev/null || setup_fail "$QEMU not found"
mkdir -p "$TEST" || setup_fail "cannot create $TEST"

# The /init, rebuilt only when its source is newer.
if [ ! -x "$TEST/init" ] || [ "$SRC" -nt "$TEST/init" ]; then
	run "$CC" -m32 -static -O2 -Wall -Werror -o "$TEST/init" "$SRC" ||
		setup_fail "cannot build $TEST/init from $SRC"
fi

# The initramfs.
{ run rm -rf "$RD" && run mkdir -p "$RD"; } || setup_fail "cannot create $RD"
run cp "$TEST/init" "$RD/init" || setup_fail "cannot copy init"
run cp -L "$MODULE" "$RD/lg.ko" || setup_fail "cannot copy $MODULE"
# The Launcher and the Guests, as far as they are built; EXTRA_FILES come
# after them, so they can replace one.
BUILT=
[ -x "$OUT/lguest" ] && BUILT="$OUT/lguest:/lguest"
[ -x "$TEST/irqbreak" ] && BUILT="$BUILT $TEST/irqbreak:/irqbreak"
[ -x "$TEST/native-bench" ] && BUILT="$BUILT $TEST/native-bench:/native-bench"
for f in "$OUT"/guests/*.elf "$OUT"/test/guests/*.elf; do
	[ -r "$f" ] && BUILT="$BUILT $f:/guests/$(basename "$f")"
done
for pair in $BUILT $EXTRA_FILES; do
	src=${pair%%:*}
	if [ "$src" = "$pair" ]; then
		dest=/$(basename "$src")
	else
		dest=${pair#*:}
	fi
	case $dest in
	/*) ;;
	*) dest=/$dest ;;
	esac
	[ -r "$src" ] || setup_fail "EXTRA_FILES: cannot read $src"
	{ run mkdir -p "$RD$(dirname "$dest")" &&
		run cp -L "$src" "$RD$dest"; } ||
		setup_fail "EXTRA_FILES: cannot copy $src to $dest"
done
[ "$V" = 1 ] && echo "  (cd $RD && find . | cpio -o -H newc | gzip) >$TEST/initrd.gz" >&2
(cd "$RD" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet | gzip -1) >"$TEST/initrd.gz" ||
	setup_fail "cannot pack $TEST/initrd.gz"

# The boot.  The machine powers itself off when /init is done.
boot() {
	run timeout -k 10 "$TIMEOUT" "$QEMU" -cpu "$QEMU_CPU" -smp "$SMP" \
		-m "$MEM" -nographic -no-reboot -kernel "$KERNEL" \
		-initrd "$TEST/initrd.gz" -append "$APPEND" </dev/null
}

# verdict WHAT MARKER: exit with the status /init printed after MARKER on
# the console, or 1 if it printed none or the Host complained.
verdict() {
	local what=$1 marker=$2 result bad

	result=$(sed -n "s/.*$marker \(-\{0,1\}[0-9]*\).*/\1/p" "$LOG")
	bad=$(grep -E "$BAD" "$LOG" | head -1)
	if [ -n "$bad" ]; then
		echo "lguest $what: the Host complained: $bad"
		exit 1
	fi
	[ -n "$result" ] || { echo "lguest $what: no result (see $LOG)"; exit 1; }
	exit "$([ "$result" = 0 ] && echo 0 || echo 1)"
}

# The demo: the console as it happens, and the Launcher's verdict.
if [ "$DEMO" = 1 ]; then
	boot 2>&1 | tee "$LOG"
	verdict demo "LGUEST DEMO DONE"
fi

# The bench: /init's lines from its start, without the kernel's, as they
# come; the exit status says whether both sides ran, never how fast.
if [ "$BENCH" = 1 ]; then
	boot 2>&1 | tee "$LOG" | sed -u -n -e 's/\r$//' -e '/^\[ *[0-9]/d' \
		-e '/LGUEST BENCH START/,$p'
	verdict bench "LGUEST BENCH DONE"
fi

boot >"$LOG" 2>&1
status=$?
[ "$V" = 1 ] && echo "  qemu exit status $status" >&2

# The judgement.
fails=0
passed=0
failed=0
done_line=
clean=
quiet=		# in a quiet window: its case
reports=0	# NMI backtraces begun there whose Call Trace is still to come
while IFS= read -r line || [ -n "$line" ]; do
	line=${line//$'\r'/}
	# Our own words cannot be trusted to be clean, the kernel's can.
	kernel_part=${line%%HOSTTEST*}
	forgiven=
	if [ -n "$quiet" ]; then
		if [[ $kernel_part =~ $NMI_HEAD ]]; then
			reports=$((reports + 1))
		elif [ "$reports" -gt 0 ] && [[ $kernel_part =~ $NMI_TRACE ]]; then
			reports=$((reports - 1))
			forgiven=1
		fi
	fi
	if [ -z "$clean" ] && [ -z "$forgiven" ] &&
		[[ $kernel_part =~ $BAD ]]; then
		clean=$line
	fi
	case $line in
	*"HOSTTESTS QUIET BEGIN "*)
		quiet=${line#*HOSTTESTS QUIET BEGIN }
		reports=0
		continue
		;;
	*"HOSTTESTS QUIET END "*)
		quiet=
		reports=0
		continue
		;;
	*"HOSTTESTS DONE "*)
		done_line=${line#*HOSTTESTS DONE }
		continue
		;;
	*"HOSTTEST "*)
		rest=${line#*HOSTTEST }
		name=${rest%% *}
		verdict=${rest#"$name" }
		if [ "$verdict" = ok ]; then
			echo "PASS $SUITE: $name"
			passed=$((passed + 1))
		elif [ "${verdict#FAIL: }" != "$verdict" ]; then
			echo "FAIL $SUITE: $name: ${verdict#FAIL: }"
			failed=$((failed + 1))
			fails=1
		else
			echo "FAIL $SUITE: console: garbled result: $line"
			fails=1
		fi
		continue
		;;
	*HOSTTESTS*)
		continue
		;;
	esac
done <"$LOG"

if [ -n "$clean" ]; then
	echo "FAIL $SUITE: console: $clean"
	fails=1
else
	echo "PASS $SUITE: console clean"
fi

if [ -z "$done_line" ]; then
	echo "FAIL $SUITE: boot: no HOSTTESTS DONE line (timeout or crash), see $LOG"
	fails=1
elif [ "$done_line" != "$passed $failed" ]; then
	echo "FAIL $SUITE: boot: /init counted $done_line passed/failed," \
		"console shows $passed $failed (lines lost?), see $LOG"
	fails=1
fi

exit $fails
