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

# expect WHAT STATUS PATTERN ARGS...: run the Launcher with ARGS; it must
# exit with STATUS and print a line "lguest: ..." matching PATTERN (an
# extended regular expression) on stderr.  Status 2 must not have touched
# /dev/lguest; status 1 must have been refused by it.
expect() {
	local what=$1 want=$2 pattern=$3 status
	shift 3
	: >"$tmp/trace"
	$STRACE "$LGUEST" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
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
	--frobnicate "$tmp/good.elf"
expect "--mem 0" 2 "--mem wants a size" --mem 0 "$tmp/good.elf"
expect "--mem 5000" 2 "--mem wants a size" --mem 5000 "$tmp/good.elf"
expect "--mem=-1" 2 "--mem wants a size" --mem=-1 "$tmp/good.elf"
expect "--mem 12abc" 2 "--mem wants a size" --mem 12abc "$tmp/good.elf"
expect "--mem with no size" 2 "--mem needs a size"  --mem
expect "no image named" 2 "no Guest image" --mem 16
long=$(printf 'x%.0s' $(seq 1 200))
expect "a 256-byte Guest command line" 2 "command line is longer" \
	"$tmp/good.elf" "$long" "$(printf 'y%.0s' $(seq 1 55))"
"$LGUEST" --help >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" = 0 ] && grep -q '^usage: lguest ' "$tmp/out" &&
   [ ! -s "$tmp/err" ]; then
	pass "--help"
else
	fail "--help" "exit status $status, stdout '$(oneline "$tmp/out")'"
fi

# Files that cannot be images at all.
expect "a missing file" 2 "cannot open .*No such file" "$tmp/missing.elf"
expect "a directory" 2 "not a regular file" "$tmp"
if [ "$(id -u)" != 0 ]; then
	cp "$tmp/good.elf" "$tmp/secret.elf" && chmod 000 "$tmp/secret.elf"
	expect "an unreadable file" 2 "cannot open .*Permission denied" \
		"$tmp/secret.elf"
fi
echo 'this is not a kernel' >"$tmp/text.elf"
expect "a text file" 2 "not an ELF file" "$tmp/text.elf"
: >"$tmp/empty.elf"
expect "an empty file" 2 "not an ELF file" "$tmp/empty.elf"
head -c 30 "$tmp/good.elf" >"$tmp/short.elf"
expect "a truncated ELF header" 2 "ELF header is truncated" "$tmp/short.elf"

# ELF headers for something else.
expect "an x86-64 ELF file" 2 "not a 32-bit ELF" "$tmp/x86_64.elf"
variant bigendian 5 '\x02'
expect "a big-endian ELF file" 2 "not a little-endian" "$tmp/bigendian.elf"
variant x32 18 "$(le16 62)"
expect "an ELF32 file for x86-64 (x32)" 2 "not for the i386" "$tmp/x32.elf"
variant dyn 16 "$(le16 3)"
expect "a position-independent (ET_DYN) file" 2 "not an executable" \
	"$tmp/dyn.elf"

# Program headers we cannot read.
variant phentsize 42 "$(le16 40)"
expect "program headers of the wrong size" 2 "program headers of 40 bytes" \
	"$tmp/phentsize.elf"
variant phoff 28 "$(le32 0xffffff00)"
expect "program headers beyond the file" 2 \
	"too short to hold the program headers" "$tmp/phoff.elf"
head -c 60 "$tmp/good.elf" >"$tmp/cutphdr.elf"
expect "a file cut inside the program headers" 2 \
	"too short to hold the program headers" "$tmp/cutphdr.elf"
variant phnum 44 "$(le16 1000)"
expect "a thousand program headers" 2 "1000 program headers" "$tmp/phnum.elf"
variant nophdr 44 "$(le16 0)"
expect "no program headers" 2 "no loadable" "$tmp/nophdr.elf"
variant noload 52 "$(le32 0)"
expect "no PT_LOAD segment" 2 "no loadable" "$tmp/noload.elf"

# Segments that do not fit.
expect "a segment at 0xC0000000" 2 "segment 0 at 0xc0000000.* outside" \
	"$tmp/high.elf"
variant page0 64 "$(le32 0)"
expect "a segment in page zero" 2 "segment 0 at 0x0-.* outside" \
	"$tmp/page0.elf"
variant wrap 64 "$(le32 0xfffff000)"
poke "$tmp/wrap.elf" 72 "$(le32 0x2000)"
expect "a segment wrapping past 4 GiB" 2 "segment 0 at 0xfffff000-0x100001000" \
	"$tmp/wrap.elf"
expect "a segment over the page tables (--mem 1)" 2 "segment 0 .* outside" \
	--mem 1 "$tmp/good.elf"
variant fat 68 "$(le32 0x3000)"
expect "p_filesz > p_memsz" 2 "has 12288 bytes in the file, 8194 in memory" \
	"$tmp/fat.elf"
variant farfile 56 "$(le32 0x7ffff000)"
expect "segment data beyond the file" 2 "too short to hold segment 0" \
	"$tmp/farfile.elf"
head -c $((0x1001)) "$tmp/good.elf" >"$tmp/cutseg.elf"
expect "a file cut inside a segment" 2 "too short to hold segment 0" \
	"$tmp/cutseg.elf"
variant entry 24 "$(le32 0x200000)"
expect "an entry point outside every segment" 2 \
	"entry point 0x200000 is not inside" "$tmp/entry.elf"

# Images and arguments that pass every check.
reaches_host "a good image" "$tmp/good.elf"
reaches_host "a good image linked with -Ttext" "$tmp/ttext.elf"
reaches_host "--mem=1024" --mem=1024 "$tmp/good.elf"
reaches_host "--mem 2" --mem 2 "$tmp/good.elf"
reaches_host "a 255-byte Guest command line" "$tmp/good.elf" "$long" \
	"$(printf 'y%.0s' $(seq 1 54))"
reaches_host "Guest words that look like options" "$tmp/good.elf" --mem 5 -x
reaches_host "-- before the image" -- "$tmp/good.elf"

exit $failed
