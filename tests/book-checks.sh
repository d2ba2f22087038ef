#!/bin/bash
# Checks of the book itself: journey labels, tangling, chunks, LaTeX, PDF,
# HTML.  Run from the top of the tree after `make`; prints one PASS or FAIL
# line per check and exits non-zero if any failed.
set -u
OUT=${OUT:-out}
TANGLE=${TANGLE:-tangle}
CHAPTERS=$(sed -n 's/^\\bookchapter{\([^}]*\)}.*/\1/p' chapters.nw)
SOURCES="chapters.nw $CHAPTERS"
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS book: $1"; }
fail() { echo "FAIL book: $1: $2"; failed=1; }
check() {	# check NAME PROBLEMS-FILE: PASS if the file is empty
	if [ -s "$2" ]; then
		fail "$1" "$(head -5 "$2" | tr '\n' ';')"
	else
		pass "$1"
	fi
}

# 1. Journey labels: letter of the chapter, three digits, unique, ascending
#    within the chapter; each stop introduces a chunk whose first line is
#    the label and title as a comment.
: >"$tmp/labels"
for f in $CHAPTERS; do
	case $(basename "$f" .nw) in
	preparation) p=P ;; drivers) p=D ;; guest) p=G ;; launcher) p=L ;;
	host) p=H ;; switcher) p=S ;; kernel) p=K ;; mastery) p=M ;;
	*) p=? ;;
	esac
	awk -v p="$p" -v f="$f" '
	/\\tourstop\{/ {
		if (want != "")
			printf "%s:%d: stop %s introduces no chunk\n", f, wantline, want
		s = $0; sub(/.*\\tourstop\{/, "", s)
		label = s; sub(/\}.*/, "", label)
		title = s; sub(/^[^}]*\}\{/, "", title); sub(/\}.*/, "", title)
		if (label !~ /^[A-Z]:[0-9][0-9][0-9]$/)
			printf "%s:%d: malformed label %s\n", f, NR, label
		else if (substr(label, 1, 1) != p)
			printf "%s:%d: label %s in a chapter of %s\n", f, NR, label, p
		else if (label <= last)
			printf "%s:%d: label %s after %s\n", f, NR, label, last
		last = label; want = label; wanttitle = title; wantline = NR
		print label > "/dev/stderr"
		next
	}
	/^<<.*>>=$/ && want != "" { chunkline = NR; next }
	chunkline == NR - 1 && want != "" &&
	    /^(\/\/|\/\*) SPDX-License-Identifier/ {
		chunkline = NR; next
	}
	chunkline == NR - 1 && want != "" {
		if ($0 != "/* " want " " wanttitle " */" &&
		    $0 != "# " want " " wanttitle)
			printf "%s:%d: chunk after stop %s begins %s\n", f, NR, want, $0
		want = ""
	}
	END { if (want != "")
		printf "%s:%d: stop %s introduces no chunk\n", f, wantline, want }
	' "$f" 2>>"$tmp/labels"
done >"$tmp/journey"
sort "$tmp/labels" | uniq -d | sed 's/^/duplicate label /' >>"$tmp/journey"
[ -s "$tmp/labels" ] || echo "no journey stops at all" >>"$tmp/journey"
check "journey labels" "$tmp/journey"

# 2. Every root tangles without complaint, and every root is a file name in
#    double brackets: any other root is a chunk defined and never used.
: >"$tmp/roots"
noroots $SOURCES | while read -r r; do
	case "$r" in
	"<<[["*"]]>>") ;;
	*) echo "chunk $r is defined but never used" ;;
	esac
	r=${r#<<}
	notangle -R"${r%>>}" $SOURCES 2>&1 >/dev/null |
		while read -r l; do echo "$r: $l"; done
done >"$tmp/roots" 2>&1
check "every root tangles, no chunk unused" "$tmp/roots"

# 3. Tangling twice gives identical bytes, and the same as tangle/.
for d in a b; do
	make --no-print-directory -s TANGLE="$tmp/$d" "$tmp/$d/.stamp" \
		>/dev/null 2>"$tmp/err.$d" || cat "$tmp/err.$d"
	rm -f "$tmp/$d/.stamp"
done >"$tmp/twice"
diff -r "$tmp/a" "$tmp/b" >>"$tmp/twice" 2>&1
diff -r -x .stamp -x '*.o' -x '*.ko' -x '*.mod*' -x '.*.cmd' -x 'Module.symvers' \
	-x modules.order -x '.tmp*' "$tmp/a" "$TANGLE" >>"$tmp/twice" 2>&1
check "tangling is repeatable" "$tmp/twice"

# 4. C and assembly point back at the book.
noroots $SOURCES | sed -n 's/^<<\[\[\(.*\.[chS]\)\]\]>>$/\1/p' | while read -r f; do
	grep -q '^#line [0-9]* "book/' "$TANGLE/$f" || echo "$f has no #line"
done >"$tmp/lines"
check "tangled C carries #line" "$tmp/lines"

# 4b. Tangled C is kernel style in its shape: lines of at most 80 columns
#     (tabs count 8), indented with tabs.  (#line directives don't count.)
noroots $SOURCES | sed -n 's/^<<\[\[\(.*\.[chS]\)\]\]>>$/\1/p' | while read -r f; do
	expand "$TANGLE/$f" | awk -v f="$f" '
		!/^#line / && length($0) > 80 {
			printf "%s:%d: %d columns\n", f, NR, length($0) }'
	grep -n '^  *[^ *]' "$TANGLE/$f" | grep -v ':#line' |
		sed "s|^|$f: indented with spaces: |"
done >"$tmp/style"
check "tangled C within 80 columns, tab-indented" "$tmp/style"

# 5. A second `make tangle` rebuilds nothing.
before=$(stat -c %Y "$OUT/lg.ko" 2>/dev/null)
make --no-print-directory tangle >"$tmp/again" 2>&1 || echo "make tangle failed" >>"$tmp/again"
after=$(stat -c %Y "$OUT/lg.ko" 2>/dev/null)
[ -n "$before" ] && [ "$before" = "$after" ] || echo "lg.ko was rebuilt" >>"$tmp/again"
check "a second make tangle does nothing" "$tmp/again"

# 6. LaTeX finished with no undefined references and no overfull storms.
log=$OUT/lguest.log
if [ ! -f "$log" ]; then
	echo "no $log" >"$tmp/latex"
else
	grep -E 'undefined|Rerun to get' "$log" >"$tmp/latex"
	n=$(grep -c '^Overfull' "$log")
	[ "$n" -le 5 ] || echo "$n overfull boxes" >>"$tmp/latex"
fi
check "LaTeX clean" "$tmp/latex"

# 7. The PDF has the chapters in the card's order, and the Journey index
#    lists every stop.
pdftotext "$OUT/lguest.pdf" - 2>/dev/null | tr -d '\f' >"$tmp/pdf.txt"
want=$(sed -n 's/^\\bookchapter{[^}]*}{\([^}]*\)}.*/\1/p' chapters.nw | tr '\n' ' ')
got=$(awk '/^Chapter [0-9]+$/ { getline; if ($0 == "") getline; print }' \
	"$tmp/pdf.txt" | tr '\n' ' ')
: >"$tmp/order"
[ "$want" = "$got" ] || echo "chapters are '$got', want '$want'" >"$tmp/order"
case "$want" in
"Preparation Drivers Guest Launcher Host Switcher "*) ;;
*) echo "chapters.nw order '$want' is not the card's" >>"$tmp/order" ;;
esac
check "PDF chapters in order" "$tmp/order"
awk '/^Journey$/ { on = 1 } /^Chunks$/ { on = 0 } on' "$tmp/pdf.txt" \
	>"$tmp/jtext"
sort -u "$tmp/labels" | while read -r l; do
	grep -q "^$l" "$tmp/jtext" || echo "$l not in the Journey index"
done >"$tmp/jny"
check "PDF Journey index" "$tmp/jny"

# 8. The HTML edition: every stop has an anchor, and every internal link
#    lands somewhere.
html=$OUT/html/index.html
grep -o 'id="[^"]*"' "$html" 2>/dev/null | sed 's/id="\(.*\)"/\1/' |
	sort -u >"$tmp/ids"
grep -o 'href="#[^"]*"' "$html" 2>/dev/null | sed 's/href="#\(.*\)"/\1/' |
	sort -u >"$tmp/hrefs"
comm -23 "$tmp/hrefs" "$tmp/ids" | sed 's/^/dangling link #/' >"$tmp/html"
sort -u "$tmp/labels" | while read -r l; do
	grep -qx "stop:$l" "$tmp/ids" || echo "no anchor for $l"
done >>"$tmp/html"
[ -s "$tmp/hrefs" ] || echo "no links at all in $html" >>"$tmp/html"
check "HTML edition links" "$tmp/html"

# 9. make tour lists every stop, in journey order.
make --no-print-directory -s tour 2>&1 | awk '{ print $1 }' >"$tmp/tour"
awk '{ print $1 }' "$tmp/labels" >"$tmp/booked"
diff "$tmp/booked" "$tmp/tour" >"$tmp/tourdiff" 2>&1
check "make tour" "$tmp/tourdiff"

exit $failed
