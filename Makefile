# lguest, the literate hypervisor.
#
# Everything that runs is tangled out of chapters.nw and book/*.nw; this file
# only drives the tools.  `make` builds the whole book and the hypervisor,
# `make test` proves it, `make help` lists the rest.

OUT := out
TANGLE := tangle
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

# The chapter order is written once, in chapters.nw, as \bookchapter lines.
CHAPTERS := $(shell sed -n 's/^\\bookchapter{\([^}]*\)}.*/\1/p' chapters.nw)
SOURCES := chapters.nw $(CHAPTERS)

# Kbuild-style quiet output; V=1 shows every command.
ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-7s %s\n'
endif
export V Q say

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# (tangle/ and out/ are never committed; see .gitignore)
.PHONY: all deps tangle module programs pdf html run test tour clean help bench \
	soak
all: tangle pdf html

help:
	@echo 'make          install what is missing, tangle, build lg.ko, PDF, HTML'
	@echo 'make deps     install the Debian packages the book needs'
	@echo 'make tangle   write tangle/ from the .nw sources and build lg.ko'
	@echo 'make pdf      weave out/lguest.pdf'
	@echo 'make html     write the HTML edition out/html/index.html'
	@echo 'make run      boot the host in QEMU and run the demo guest'
	@echo 'make bench    guest vs native costs in one QEMU run, as ratios'
	@echo 'make test     run every test; the last line says N passed, N failed'
	@echo 'make soak     long runs: 1,000 Guests, eight at once, leaks, the fuzzer'
	@echo '              on FUZZ_SOAK_SEEDS=5-24 (not part of make test)'
	@echo 'make tour     print the journey, stop by stop, from the tangled C'
	@echo 'make clean    remove tangle/ and out/'

# ---------------------------------------------------------------------------
# Dependencies: Debian packages only, installed when missing.

# The host kernel: the newest linux-image-6.1.0-N-686-unsigned:i386 whose
# headers are also in the archive.  The choice is recorded in one file.
HOSTKERNEL_MK := $(OUT)/host-kernel.mk
ifneq ($(filter-out clean help,$(or $(MAKECMDGOALS),all)),)
-include $(HOSTKERNEL_MK)
endif
KDIR := /usr/src/linux-headers-$(KVER)

PACKAGES := noweb pandoc qemu-system-x86 gcc gcc-multilib make cpio \
	texlive-latex-recommended texlive-latex-extra texlive-pictures \
	texlive-fonts-recommended lmodern poppler-utils strace

deps: $(OUT)/.deps

$(OUT)/.deps: Makefile $(HOSTKERNEL_MK)
	$(say) DEPS "Debian packages and linux-image-$(KVER)"
	$(Q)missing=; for p in $(PACKAGES) linux-image-$(KVER)-unsigned:i386 \
		linux-headers-$(KVER):i386; do \
		dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "  APT    $$missing"; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y \
			--no-install-recommends $$missing >$(OUT)/apt.log 2>&1 || \
			{ tail -20 $(OUT)/apt.log; exit 1; }; \
	fi
	$(Q)cp /boot/vmlinuz-$(KVER) $(OUT)/vmlinuz
	$(Q)touch $@

$(HOSTKERNEL_MK):
	$(Q)mkdir -p $(OUT)
	$(say) KERNEL "choosing the host kernel"
	$(Q)if ! dpkg --print-foreign-architectures | grep -qx i386; then \
		$(SUDO) dpkg --add-architecture i386; fi
	$(Q)$(SUDO) apt-get update >$(OUT)/apt-update.log 2>&1 || \
		echo "  (apt-get update reported errors; see $(OUT)/apt-update.log)"
	$(Q)n=$$(apt-cache search --names-only \
		'^linux-image-6\.1\.0-[0-9]+-686-unsigned$$' | \
		sed -n 's/^linux-image-6\.1\.0-\([0-9]*\)-686-unsigned .*/\1/p' | \
		sort -rn | while read n; do \
		  if apt-cache show "linux-headers-6.1.0-$$n-686:i386" \
			>/dev/null 2>&1; then echo $$n; break; fi; done); \
	if [ -z "$$n" ]; then \
		echo "no linux-image-6.1.0-N-686-unsigned with headers found" >&2; \
		exit 1; fi; \
	echo "# Written by make: the host kernel the book runs on." >$@; \
	echo "KVER := 6.1.0-$$n-686" >>$@
	$(Q)cat $@ | sed -n 's/^KVER := /  using  /p'

# ---------------------------------------------------------------------------
# Tangling: every root chunk is a file under tangle/.  C and assembly carry
# #line directives pointing at the .nw; cpif leaves unchanged files alone.

tangle: $(OUT)/.deps $(TANGLE)/.stamp module programs

# notangle -L keeps every line in the column it has in the .nw file, which
# would cost a chunk used inside a function its indentation.  So we tangle
# twice, with and without #line, and take the #line directives from the one
# and the lines, indented as the C needs them, from the other.  (Before each
# #line in the middle of a line, -L leaves the indentation it had begun on a
# line of its own; those lines are dropped.)
tangle_with_lines = notangle -t8 -R"[[$(1)]]" $(SOURCES) \
	>$(TANGLE)/.plain.$$$$ && \
	notangle -L -R"[[$(1)]]" $(SOURCES) | awk \
	'NR == FNR { plain[++n] = $$0; next } \
	 /^\#line / { print; held = 0; next } \
	 held { print plain[++i]; held = 0 } \
	 /^[ \t]+$$/ { held = 1; next } \
	 { print plain[++i] } \
	 END { if (held) print plain[++i]; \
	       if (i != n) { print "line counts differ" >"/dev/stderr"; exit 1 } }' \
	$(TANGLE)/.plain.$$$$ - && rm -f $(TANGLE)/.plain.$$$$

$(TANGLE)/.stamp: $(SOURCES) Makefile
	$(Q)mkdir -p $(TANGLE)
	$(Q)noroots $(SOURCES) | sed -n 's/^<<\[\[\(.*\)\]\]>>$$/\1/p' | \
	while read -r f; do \
		mkdir -p "$(TANGLE)/$$(dirname "$$f")"; \
		case "$$f" in \
		*.c|*.h|*.S) $(call tangle_with_lines,$$f) ;; \
		*) notangle -R"[[$$f]]" $(SOURCES) ;; \
		esac >$(TANGLE)/.tmp.$$$$ || exit 1; \
		if ! cmp -s $(TANGLE)/.tmp.$$$$ "$(TANGLE)/$$f"; then \
			[ "$(V)" = 1 ] || printf '  %-7s %s\n' TANGLE "$(TANGLE)/$$f"; \
			cpif "$(TANGLE)/$$f" <$(TANGLE)/.tmp.$$$$; \
		fi; \
	done; status=$$?; rm -f $(TANGLE)/.tmp.$$$$; exit $$status
	$(Q)touch $@

# The Host: lg.ko, built by the kernel's own build system.
module: $(TANGLE)/.stamp $(OUT)/.deps
	$(Q)$(MAKE) --no-print-directory -C $(KDIR) M=$(abspath $(TANGLE)/host) \
		$(if $(filter 1,$(V)),V=1) modules 2>&1 | \
		{ grep -v -e '^make\[' -e 'Entering directory' \
			-e 'Leaving directory' || true; }
	$(Q)cmp -s $(TANGLE)/host/lg.ko $(OUT)/lg.ko || \
		{ cp $(TANGLE)/host/lg.ko $(OUT)/lg.ko && \
		  printf '  %-7s %s\n' COPY $(OUT)/lg.ko; }

# The Launcher and the Guests are ordinary i386 programs, built in a second
# make so that the file lists below see what tangling wrote.
programs: $(TANGLE)/.stamp
	$(Q)$(MAKE) --no-print-directory -f tests/programs.mk OUT=$(OUT) \
		TANGLE=$(TANGLE)

# ---------------------------------------------------------------------------
# Weaving: the PDF with noweb's indexes and the Journey, the HTML via pandoc.

pdf: $(OUT)/lguest.pdf

$(OUT)/lguest.tex: $(SOURCES) $(OUT)/.deps $(TANGLE)/.stamp
	$(say) WEAVE $@
	$(Q)noweave -delay -filter 'awk -f $(TANGLE)/tools/cdefs.awk' -index \
		$(SOURCES) >$@.tmp
	$(Q)printf '%s\n' '\bookbackmatter' '\end{document}' >>$@.tmp
	$(Q)mv $@.tmp $@

# The figures are TikZ pictures, one standalone document each, sharing the
# styles in figures/*.sty: a PDF for the book, an SVG for the HTML edition.
FIGURES := $(basename $(notdir $(wildcard figures/*.tex)))
FIGURE_PDFS := $(FIGURES:%=$(OUT)/figures/%.pdf)
FIGURE_SVGS := $(FIGURES:%=$(OUT)/html/%.svg)

$(FIGURE_PDFS): $(OUT)/figures/%.pdf: figures/%.tex $(wildcard figures/*.sty) \
		| $(OUT)/.deps
	$(say) TIKZ $@
	$(Q)mkdir -p $(OUT)/figures
	$(Q)cd $(OUT)/figures && TEXINPUTS=../../figures//: pdflatex \
		-interaction=nonstopmode -halt-on-error ../../$< >/dev/null || \
		{ grep -A5 '^!' $*.log; exit 1; }

$(FIGURE_SVGS): $(OUT)/html/%.svg: $(OUT)/figures/%.pdf
	$(say) SVG $@
	$(Q)mkdir -p $(OUT)/html
	$(Q)pdftocairo -svg $< $@

$(OUT)/lguest.pdf: $(OUT)/lguest.tex $(FIGURE_PDFS)
	$(say) LATEX $@
	$(Q)cd $(OUT) && for pass in 1 2 3; do \
		TEXINPUTS=../figures//: pdflatex -interaction=nonstopmode \
		-halt-on-error lguest.tex >/dev/null || \
		{ grep -A5 '^!' lguest.log; exit 1; }; \
	done

html: $(OUT)/html/index.html

# noweb's own front end, which turns .nw files into its pipeline.
NWLIB := /usr/lib/noweb

$(OUT)/html/index.html: $(TANGLE)/.stamp $(FIGURE_SVGS)
	$(say) HTML $@
	$(Q)mkdir -p $(OUT)/html
	$(Q)$(NWLIB)/markup $(SOURCES) | awk -f $(TANGLE)/tools/nw2html.awk \
		>$(OUT)/html/book.tex
	$(Q)cd $(OUT)/html && pandoc -f latex -t html5 --standalone --toc \
		--toc-depth=2 --section-divs --tab-stop=8 \
		--metadata title='lguest, the literate hypervisor' \
		-o index.html book.tex

# ---------------------------------------------------------------------------
# Running and testing.

run: tangle
	$(Q)DEMO=1 bash tests/host-rig.sh

# Speed as ratios of Guest to native in the same QEMU run; never pass/fail.
bench: tangle
	$(Q)BENCH=1 bash tests/host-rig.sh

test: all
	$(Q)bash tests/run-all.sh

# Not part of test: what takes long or looks for slow leaks (tests/soak.sh):
# the leak soak, and the hypercall fuzzer on more seeds (make test runs
# seeds 1 to 4), FUZZ_SOAK_CALLS calls each.
FUZZ_SOAK_SEEDS ?= 5-24
FUZZ_SOAK_CALLS ?= 100000
soak: tangle
	$(Q)FUZZ_SOAK_SEEDS=$(FUZZ_SOAK_SEEDS) \
		FUZZ_SOAK_CALLS=$(FUZZ_SOAK_CALLS) bash tests/soak.sh

tour: $(TANGLE)/.stamp
	$(Q)sh $(TANGLE)/tools/tour.sh $(TANGLE)

clean:
	$(say) CLEAN "$(TANGLE) $(OUT)"
	$(Q)rm -rf $(TANGLE) $(OUT)
