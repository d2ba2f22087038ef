#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/launcher-checks.sh: the Launcher's first half, which needs no Host.
# Runs out/lguest natively (a static i386 program) with bad options and bad
# Guest images made here, and wants each refused with exit status 2 and a
# message naming the problem, before /dev/lguest is touched.  Good images
# must get as far as opening /dev/lguest, which does not exist here, so they
# end with status 1 and a message naming it.
#
# Run from the top of the tree after `make tangle`.  Prints one line per
# check, "PASS launcher: <what>" or "FAIL launcher: <what>: <why>", and
# exits non-zero if any failed.  When strace works, it also confirms that
# refused runs never open /dev/lguest.  When /dev/lguest exists (a machine
# with lg.ko loaded) the checks that would start a Guest are skipped, each
# with a "SKIP launcher:" line.
set -u
OUT=${OUT:-out}
LGUEST=${LGUEST:-$OUT/lguest}
CC=${CC:-gcc}
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS launcher: $1"; }
fail() { echo "FAIL launcher: $1: $2"; failed=1; }
oneline() { head -c 300 "$1" | tr '\n' ' '; }

if [ ! -x "$LGUEST" ]; then
	fail "setup" "no $LGUEST (run make tangle first)"
	exit 1
fi
STRACE=
if strace -qq -o /dev/null true 2>/dev/null; then
	STRACE="strace -qq -f -e trace=open,openat -o $tmp/trace"
fi

# A file we may not read needs a user whom permissions bind: as root, the
# checks of unreadable files run the Launcher as nobody (with $RUNAS set),
# or are skipped when setpriv cannot do that.
RUNAS=
NOBODY=
if [ "$(id -u)" != 0 ]; then
	NOBODY=yes
elif setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null
then
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$tmp"
fi
# as_nobody CHECK ARGS...: run the check CHECK (expect, reaches_host) as a
# user who cannot read a mode 000 file.
as_nobody() {
	if [ -z "$NOBODY" ]; then
		echo "SKIP launcher: $2: no way to drop root here"
		return
	fi
	[ "$NOBODY" = yes ] || RUNAS=$NOBODY
	"$@"
	RUNAS=
}

# expect WHAT STATUS PATTERN ARGS...: run the Launcher with ARGS; it must
# exit with STATUS and print a line "lguest: ..." matching PATTERN (an
# extended regular expression) on stderr.  Status 2 must not have touched
# /dev/lguest; status 1 must have been refused by it.
expect() {
	local what=$1 want=$2 pattern=$3 status
	shift 3
	: >"$tmp/trace"
	$STRACE $RUNAS "$LGUEST" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	if [ "$status" != "$want" ]; then
		fail "$what" "exit status $status, want $want: $(oneline "$tmp/err")"
	elif ! grep -Eq "^lguest: .*($pattern)" "$tmp/err"; then
		fail "$what" "message '$(oneline "$tmp/err")' does not match '$pattern'"
	elif [ "$want" = 2 ] && grep -q /dev/lguest "$tmp/err" "$tmp/trace"; then
		fail "$what" "refused, but only after touching /dev/lguest"
	elif [ "$want" = 1 ] && [ -n "$STRACE" ] &&
	     ! grep -q '"/dev/lguest", O_RDWR' "$tmp/trace"; then
		fail "$what" "never opened /dev/lguest for reading and writing"
	else
		pass "$what"
	fi
}

# reaches_host WHAT ARGS...: a run that passes every check, so it ends at
# the open of /dev/lguest; skipped where that would start a real Guest.
reaches_host() {
	local what=$1
	shift
	if [ -e /dev/lguest ]; then
		echo "SKIP launcher: $what: /dev/lguest exists here"
		return
	fi
	expect "$what" 1 "cannot open /dev/lguest" "$@"
}

# poke FILE OFFSET BYTES: overwrite bytes (printf escapes) in place.
poke() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
le32() { printf '%s%s' "$(le16 $(($1 & 65535)))" "$(le16 $(($1 >> 16 & 65535)))"; }

# variant NAME OFFSET BYTES: a copy of the good image with one field changed.
variant() {
	cp "$tmp/good.elf" "$tmp/$1.elf" && poke "$tmp/$1.elf" "$2" "$3"
}

# The images.  good.elf has one PT_LOAD, program header 0: the text at
# 0x100000 from file offset 0x1000, then 8 KiB of bss.  The ELF header's
# fields sit at fixed offsets: e_type 16, e_machine 18, e_entry 24,
# e_phoff 28, e_phentsize 42, e_phnum 44; program header 0 at 52 has
# p_type +0, p_offset +4, p_paddr +12, p_filesz +16, p_memsz +20.
printf '.globl _start\n_start:\tjmp _start\n.bss\n.space 8192\n' >"$tmp/g.S"
lds() {
	printf 'ENTRY(_start)\nSECTIONS {\n\t. = %s;\n' "$1"
	printf '\t.text : { *(.text) }\n\t.bss : { *(.bss) }\n}\n'
}
lds 0x100000 >"$tmp/low.lds"
lds 0xC0000000 >"$tmp/high.lds"
LDFLAGS="-nostdlib -static -no-pie -Wl,--build-id=none"
LDFLAGS="$LDFLAGS -Wl,--no-warn-rwx-segments"
build() {	# build OUTPUT LDS [CFLAGS...]
	local out=$1 lds=$2
	shift 2
	$CC "$@" $LDFLAGS -Wl,-T,"$lds" -o "$out" "$tmp/g.S" 2>>"$tmp/cc.log"
}
if ! build "$tmp/good.elf" "$tmp/low.lds" -m32 ||
   ! build "$tmp/high.elf" "$tmp/high.lds" -m32 ||
   ! build "$tmp/x86_64.elf" "$tmp/low.lds" -m64 ||
   ! $CC -m32 $LDFLAGS -Wl,-Ttext=0x100000 -o "$tmp/ttext.elf" "$tmp/g.S" \
	2>>"$tmp/cc.log"; then
	fail "setup" "cannot build the test images: $(oneline "$tmp/cc.log")"
	exit 1
fi

# Options and the command line.
expect "an unknown option" 2 "unknown option --frobnicate" \
	--frobnicate 32 "$tmp/good.elf"
# MEM-MB, the first word after the options, and the image after it.
expect "MEM-MB 0" 2 "MEM-MB must be a whole number of MiB from 1 to 1024, not '0'" \
	0 "$tmp/good.elf"
expect "MEM-MB 1025" 2 "MEM-MB must be .* not '1025'" 1025 "$tmp/good.elf"
expect "MEM-MB 5000000000" 2 "MEM-MB must be .* not '5000000000'" \
	5000000000 "$tmp/good.elf"
expect "MEM-MB -1" 2 "MEM-MB must be .* not '-1'" -1 "$tmp/good.elf"
expect "MEM-MB 12abc" 2 "MEM-MB must be .* not '12abc'" 12abc "$tmp/good.elf"
expect "MEM-MB ' 12'" 2 "MEM-MB must be .* not ' 12'" " 12" "$tmp/good.elf"
expect "MEM-MB left out (an image where it belongs)" 2 \
	"MEM-MB must be .* not '$tmp/good.elf'" "$tmp/good.elf"
expect "no MEM-MB and no image" 2 "no memory size and no Guest image" \
	--rng
expect "MEM-MB but no image" 2 "no Guest image after the memory size" \
	16
expect "the old --mem option" 2 "unknown option --mem" --mem 16 \
	"$tmp/good.elf"
long=$(printf 'x%.0s' $(seq 1 200))
expect "a 256-byte Guest command line" 2 "command line is longer" \
	32 "$tmp/good.elf" "$long" "$(printf 'y%.0s' $(seq 1 55))"
"$LGUEST" --help >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" != 0 ] || [ -s "$tmp/err" ]; then
	fail "--help" "exit status $status, stderr '$(oneline "$tmp/err")'"
elif ! grep -q '^usage: lguest \[options\] MEM-MB GUEST-IMAGE \[GUEST-ARGS\.\.\.\]$' \
	"$tmp/out"; then
	fail "--help" "no usage line: '$(oneline "$tmp/out")'"
else
	missing=
	for word in console --block=FILE --block=FILE,ro --rng --verbose \
		--help MEM-MB; do
		grep -q -e "$word" "$tmp/out" || missing="$missing $word"
	done
	if [ -n "$missing" ]; then
		fail "--help" "it does not mention$missing"
	else
		pass "--help names the console, --block, ,ro, --rng, --verbose"
	fi
fi

# Files that cannot be images at all.
expect "a missing file" 2 "cannot open .*No such file" 32 "$tmp/missing.elf"
expect "a directory" 2 "not a regular file" 32 "$tmp"
cp "$tmp/good.elf" "$tmp/secret.elf" && chmod 000 "$tmp/secret.elf"
as_nobody expect "an unreadable file" 2 "cannot open .*Permission denied" \
	32 "$tmp/secret.elf"
echo 'this is not a kernel' >"$tmp/text.elf"
expect "a text file" 2 "not an ELF file" 32 "$tmp/text.elf"
: >"$tmp/empty.elf"
expect "an empty file" 2 "not an ELF file" 32 "$tmp/empty.elf"
head -c 30 "$tmp/good.elf" >"$tmp/short.elf"
expect "a truncated ELF header" 2 "ELF header is truncated" 32 "$tmp/short.elf"

# ELF headers for something else.
expect "an x86-64 ELF file" 2 "not a 32-bit ELF" 32 "$tmp/x86_64.elf"
variant bigendian 5 '\x02'
expect "a big-endian ELF file" 2 "not a little-endian" 32 "$tmp/bigendian.elf"
variant x32 18 "$(le16 62)"
expect "an ELF32 file for x86-64 (x32)" 2 "not for the i386" 32 "$tmp/x32.elf"
variant dyn 16 "$(le16 3)"
expect "a position-independent (ET_DYN) file" 2 "not an executable" \
	32 "$tmp/dyn.elf"

# Program headers we cannot read.
variant phentsize 42 "$(le16 40)"
expect "program headers of the wrong size" 2 "program headers of 40 bytes" \
	32 "$tmp/phentsize.elf"
variant phoff 28 "$(le32 0xffffff00)"
expect "program headers beyond the file" 2 \
	"too short to hold the program headers" 32 "$tmp/phoff.elf"
head -c 60 "$tmp/good.elf" >"$tmp/cutphdr.elf"
expect "a file cut inside the program headers" 2 \
	"too short to hold the program headers" 32 "$tmp/cutphdr.elf"
variant phnum 44 "$(le16 1000)"
expect "a thousand program headers" 2 "1000 program headers" 32 "$tmp/phnum.elf"
variant nophdr 44 "$(le16 0)"
expect "no program headers" 2 "no loadable" 32 "$tmp/nophdr.elf"
variant noload 52 "$(le32 0)"
expect "no PT_LOAD segment" 2 "no loadable" 32 "$tmp/noload.elf"

# Segments that do not fit.
expect "a segment at 0xC0000000" 2 "segment 0 at 0xc0000000.* outside" \
	32 "$tmp/high.elf"
variant page0 64 "$(le32 0)"
expect "a segment in page zero" 2 "segment 0 at 0x0-.* outside" \
	32 "$tmp/page0.elf"
variant wrap 64 "$(le32 0xfffff000)"
poke "$tmp/wrap.elf" 72 "$(le32 0x2000)"
expect "a segment wrapping past 4 GiB" 2 "segment 0 at 0xfffff000-0x100001000" \
	32 "$tmp/wrap.elf"
expect "a segment over the page tables (MEM-MB 1)" 2 "segment 0 .* outside" \
	1 "$tmp/good.elf"
variant fat 68 "$(le32 0x3000)"
expect "p_filesz > p_memsz" 2 "has 12288 bytes in the file, 8194 in memory" \
	32 "$tmp/fat.elf"
variant farfile 56 "$(le32 0x7ffff000)"
expect "segment data beyond the file" 2 "too short to hold segment 0" \
	32 "$tmp/farfile.elf"
head -c $((0x1001)) "$tmp/good.elf" >"$tmp/cutseg.elf"
expect "a file cut inside a segment" 2 "too short to hold segment 0" \
	32 "$tmp/cutseg.elf"
variant entry 24 "$(le32 0x200000)"
expect "an entry point outside every segment" 2 \
	"entry point 0x200000 is not inside" 32 "$tmp/entry.elf"

# Disks.  Every mistake in a --block option is refused, naming it, before
# /dev/lguest is opened; a file we cannot open for what ,ro says is too.
head -c 65536 /dev/zero >"$tmp/disk.img"
d=$tmp/disk.img
expect "a --block file that does not exist" 2 \
	"cannot open $tmp/nodisk.img: No such file" \
	--block="$tmp/nodisk.img" 32 "$tmp/good.elf"
expect "a --block=FILE,ro that does not exist" 2 \
	"cannot open $tmp/nodisk.img: No such file" \
	--block="$tmp/nodisk.img,ro" 32 "$tmp/good.elf"
expect "--block= with no file" 2 "--block= needs a file name" \
	--block= 32 "$tmp/good.elf"
expect "--block=,ro with no file" 2 "--block= needs a file name" \
	--block=,ro 32 "$tmp/good.elf"
expect "--block=FILE,xx" 2 "--block=$d,xx: ',xx' is not ',ro'" \
	--block="$d,xx" 32 "$tmp/good.elf"
expect "--block=FILE,ro,rw" 2 "--block=$d,ro,rw: ',rw' is not ',ro'" \
	--block="$d,ro,rw" 32 "$tmp/good.elf"
expect "five disks, one more than allowed" 2 "at most 4 --block options" \
	--block="$d" --block="$d,ro" --block="$d" --block="$d" --block="$d" \
	32 "$tmp/good.elf"
cp "$d" "$tmp/secret.img" && chmod 000 "$tmp/secret.img"
as_nobody expect "an unreadable --block file" 2 \
	"cannot open $tmp/secret.img: Permission denied" \
	--block="$tmp/secret.img,ro" 32 "$tmp/good.elf"
cp "$d" "$tmp/rodisk.img" && chmod 444 "$tmp/rodisk.img"
as_nobody expect "a read-only --block file without ,ro" 2 \
	"cannot open $tmp/rodisk.img: Permission denied" \
	--block="$tmp/rodisk.img" 32 "$tmp/good.elf"
as_nobody reaches_host "a read-only --block file with ,ro" \
	--block="$tmp/rodisk.img,ro" 32 "$tmp/good.elf"

# verbose_devices: --verbose names every device as it is set up, before
# the Launcher gets to /dev/lguest.
verbose_devices() {
	local want line missing=
	reaches_host "four disks and an rng" --verbose --block="$d" \
		--block="$d,ro" --block="$d" --block="$d" --rng 32 \
		"$tmp/good.elf"
	[ -e /dev/lguest ] && return
	for want in "console: input and output" \
		"block 0: $d, 128 sectors\$" "block 1: $d, 128 sectors, read-only" \
		"block 3: $d, 128 sectors\$" "rng: random bytes"; do
		grep -q "^lguest: $want" "$tmp/err" || missing="$missing, '$want'"
	done
	if [ -n "$missing" ]; then
		fail "--verbose names the devices" "no line${missing#,}: $(oneline "$tmp/err")"
	else
		pass "--verbose names the devices"
	fi
}
verbose_devices

# Images and arguments that pass every check.
reaches_host "a good image" 32 "$tmp/good.elf"
reaches_host "a good image linked with -Ttext" 32 "$tmp/ttext.elf"
reaches_host "MEM-MB 1024" 1024 "$tmp/good.elf"
reaches_host "MEM-MB 2" 2 "$tmp/good.elf"
reaches_host "a 255-byte Guest command line" 32 "$tmp/good.elf" "$long" \
	"$(printf 'y%.0s' $(seq 1 54))"
reaches_host "Guest words that look like options" 32 "$tmp/good.elf" \
	--rng 5 -x
reaches_host "-- before the image" -- 32 "$tmp/good.elf"

# With standard output closed, the Launcher must put /dev/null there before
# it opens anything else, or the image, a disk or /dev/lguest would become
# its standard output (L:055).
if [ -z "$STRACE" ]; then
	echo "SKIP launcher: closed standard output: no strace here"
else
	: >"$tmp/trace"
	$STRACE "$LGUEST" 32 "$tmp/good.elf" >&- 2>"$tmp/err" </dev/null
	first=$(grep -v -e '/etc/' -e '/lib' -e '/proc/' "$tmp/trace" |
		grep -m1 -o 'open[a-z]*(.*) = [0-9]*$')
	case $first in
	*'"/dev/null", O_RDWR'*') = 1')
		pass "closed standard output filled with /dev/null first" ;;
	*)
		fail "closed standard output filled with /dev/null first" \
			"the first open was: ${first:-none}" ;;
	esac
fi

exit $failed
