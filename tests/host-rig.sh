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
#   NMIS=MS: the NMI run.  Once /init has said HOSTTESTS START, a loop here
#           sends "nmi" to QEMU's monitor every MS milliseconds (1-999)
#           until HOSTTESTS DONE, and the kernel is booted with lguest.nmis.
#           QEMU raises the NMI on each CPU's local APIC LINT1 pin, which
#           Linux leaves open on CPU 0 only, so CPU 0 takes them all (use
#           SMP=1 for every Guest to run there).  Nothing claims those NMIs,
#           so the Host reports each as unknown ("Uhhuh. NMI received for
#           unknown reason", "Dazed and confused, but trying to
#           continue"): in this run, and only here, those lines are counted
#           instead of failed, and a PASS line gives the count.  No such
#           line at all is a FAIL: then no NMI arrived and the run proved
#           nothing.  /init writes its own lines through the kernel's log
#           in this run, so the Host's reports cannot land inside them.
#           (The monitor is a pair of FIFOs, $OUT/test/$SUITE-monitor.in
#           and .out, QEMU's "pipe" character device: plain bash can write
#           to them, where a Unix socket would need socat.)
#
# Kernel complaints are judged twice: /init fails the case during which the
# kernel logged one (it reads /dev/kmsg around every case), and this script
# fails the run on any in the whole console, as a backstop for what came
# between cases or during boot.  The list of complaints is kernel_bad[] in
# tests/host/init.c, read from there, so the two judges agree.
#
# The Launcher ($OUT/lguest, as /lguest), the Launcher in its test harness
# ($OUT/test/irqbreak, as /irqbreak), the native benchmark
# ($OUT/test/native-bench, as /native-bench), every Guest image
# ($OUT/guests/*.elf and $OUT/test/guests/*.elf, under /guests/), the
# Kernel's user programs ($OUT/user/*, under /bin/) and its disk
# ($OUT/kernel-disk.img, as /kernel.img) go into the initramfs too, whichever
# of them have been built.
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
NMIS=${NMIS:-}
[ "$DEMO" = 1 ] && KERNEL_ARGS="lguest.demo${KERNEL_ARGS:+ $KERNEL_ARGS}"
[ "$BENCH" = 1 ] && KERNEL_ARGS="lguest.bench${KERNEL_ARGS:+ $KERNEL_ARGS}"
[ -n "$NMIS" ] && KERNEL_ARGS="lguest.nmis${KERNEL_ARGS:+ $KERNEL_ARGS}"

SRC=$(dirname "$0")/host/init.c
TEST=$OUT/test
RD=$TEST/rd
LOG=$OUT/$SUITE-console.log
APPEND="console=ttyS0 panic=-1 nokaslr nmi_watchdog=0"
APPEND="$APPEND${CLEARCPUID:+ clearcpuid=$CLEARCPUID} panic_on_warn=1"
APPEND="$APPEND${KERNEL_ARGS:+ $KERNEL_ARGS}"

# c_strings ARRAY: the strings of "static const char *const ARRAY[] = {",
# one a line, in $SRC, as one extended regular expression that matches any.
c_strings() {
	sed -n "/^static const char \*const $1\[\] = {\$/,/^};\$/p" "$SRC" |
		sed -n 's/^\t"\(.*\)",$/\1/p' |
		sed 's/[]*.^$+?(){}|[]/\\&/g' | paste -s -d '|'
}

# What the kernel says when it is unhappy: kernel_bad[] in tests/host/init.c.
BAD=$(c_strings kernel_bad)
# What it says of an NMI nobody claimed: nmi_unknown[] there; the first is
# the line counted in the NMI run.
NMI_UNKNOWN=$(c_strings nmi_unknown)
NMI_UHHUH=${NMI_UNKNOWN%%|*}
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
[ -n "$BAD" ] && [ -n "$NMI_UNKNOWN" ] ||
	setup_fail "no kernel_bad[] or nmi_unknown[] list in $SRC"
case $NMIS in
'' | [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;;
*) setup_fail "NMIS=$NMIS: want milliseconds, 1 to 999" ;;
esac

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
# The Kernel's user programs, to run natively too (kernel-native), and its
# disk, which holds them for the Guest.
for f in "$OUT"/user/*; do
	[ -x "$f" ] && BUILT="$BUILT $f:/bin/$(basename "$f")"
done
[ -r "$OUT/kernel-disk.img" ] && BUILT="$BUILT $OUT/kernel-disk.img:/kernel.img"
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

# The NMI run's monitor: QEMU reads commands from $MON.in and writes its
# replies to $MON.out.
MON=$TEST/$SUITE-monitor
MONITOR=()
if [ -n "$NMIS" ]; then
	{ rm -f "$MON.in" "$MON.out" "$MON.pause" &&
		mkfifo "$MON.in" "$MON.out" "$MON.pause"; } ||
		setup_fail "cannot make the FIFOs $MON.in, .out and .pause"
	MONITOR=(-chardev "pipe,id=nmimon,path=$MON"
		-mon chardev=nmimon,mode=readline)
fi

# The boot.  The machine powers itself off when /init is done.
boot() {
	run timeout -k 10 "$TIMEOUT" "$QEMU" -cpu "$QEMU_CPU" -smp "$SMP" \
		-m "$MEM" -nographic -no-reboot -kernel "$KERNEL" \
		-initrd "$TEST/initrd.gz" -append "$APPEND" \
		${MONITOR[@]+"${MONITOR[@]}"} </dev/null
}

# nmi_sender: from /init's HOSTTESTS START to its HOSTTESTS DONE on the
# console, an "nmi" (an NMI to CPU 0, see NMIS) into the monitor every
# $NMIS ms; on SIGTERM, or when done, the number sent goes to $MON.sent.
# None before the START line: an NMI that finds the kernel booting proves
# nothing about the Host.
nmi_sender() {
	local sent=0 pause

	pause=$(printf '0.%03d' "$NMIS")
	trap 'echo "$sent" >"$MON.sent"; exit 0' TERM
	echo 0 >"$MON.sent"
	# Read-write: opening a FIFO so never waits for the other end.  The
	# pause is a read from a FIFO nobody writes that times out: no
	# process to start for every NMI, as sleep would be.
	exec 3<>"$MON.in" 4<>"$MON.pause" || exit 1
	until grep -q 'HOSTTESTS START' "$LOG" 2>/dev/null; do
		sleep 0.1
	done
	while :; do
		# Looking at the console costs a grep: every 8th NMI.
		if [ $((sent % 8)) = 0 ] &&
			grep -q 'HOSTTESTS DONE' "$LOG"; then
			break
		fi
		echo nmi >&3 || break
		sent=$((sent + 1))
		read -r -t "$pause" -u 4
	done
	echo "$sent" >"$MON.sent"
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

: >"$LOG"
if [ -n "$NMIS" ]; then
	# QEMU's replies, read so that it never waits to write them; cat ends
	# when QEMU closes the FIFO.
	cat "$MON.out" >"$MON.log" &
	drain=$!
	nmi_sender &
	sender=$!
fi
boot >"$LOG" 2>&1
status=$?
[ "$V" = 1 ] && echo "  qemu exit status $status" >&2
nmis_sent=
if [ -n "$NMIS" ]; then
	kill "$sender" 2>/dev/null
	wait "$sender"
	kill "$drain" 2>/dev/null
	wait "$drain" 2>/dev/null
	nmis_sent=$(cat "$MON.sent" 2>/dev/null)
fi

# The judgement.
fails=0
passed=0
failed=0
done_line=
clean=
quiet=		# in a quiet window: its case
reports=0	# NMI backtraces begun there whose Call Trace is still to come
uhhuh=0		# the NMI run: "Uhhuh. NMI received for unknown reason" lines
unknown=0	# and all the lines of nmi_unknown[]
host_nmis=	# the NMIs /init saw the Host take during the cases
switcher_nmis=	# of those, the NMIs that struck the Switcher
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
	if [ -n "$NMIS" ] && [[ $kernel_part =~ $NMI_UNKNOWN ]]; then
		# Expected in the NMI run, and only there: counted.
		unknown=$((unknown + 1))
		[[ $kernel_part =~ $NMI_UHHUH ]] && uhhuh=$((uhhuh + 1))
	elif [ -z "$clean" ] && [ -z "$forgiven" ] &&
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
	*"HOSTTESTS NMIS "*)
		host_nmis=${line#*HOSTTESTS NMIS }
		switcher_nmis=${host_nmis#* }
		host_nmis=${host_nmis%% *}
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

# The NMI run proves something only if NMIs reached the Host.
if [ -n "$NMIS" ]; then
	how="$uhhuh \"Uhhuh\" lines ($unknown of the NMI lines expected),"
	how="$how ${host_nmis:-?} NMIs taken by the Host during the cases"
	how="$how (${switcher_nmis:-?} of them inside the Switcher),"
	how="$how ${nmis_sent:-?} sent from the monitor"
	if [ "$uhhuh" -eq 0 ]; then
		echo "FAIL $SUITE: no NMI reached the Host: $how"
		fails=1
	elif [ "${switcher_nmis:-0}" -eq 0 ]; then
		# The window this run is for: an NMI inside the Switcher.
		echo "FAIL $SUITE: no NMI struck the Switcher: $how"
		fails=1
	else
		echo "PASS $SUITE: NMIs reached the Host: $how"
	fi
fi

if [ -z "$done_line" ]; then
	last=$(tr -d '\r' <"$LOG" | grep -v '^[[:space:]]*$' | tail -1)
	echo "FAIL $SUITE: boot: no HOSTTESTS DONE line (timeout or crash)," \
		"QEMU exited $status after: ${last:0:160}, see $LOG"
	fails=1
elif [ "$done_line" != "$passed $failed" ]; then
	echo "FAIL $SUITE: boot: /init counted $done_line passed/failed," \
		"console shows $passed $failed (lines lost?), see $LOG"
	fails=1
fi

exit $fails
