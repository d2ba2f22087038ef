# Builds the i386 user programs from tangle/: the Launcher, the Guest runtime,
# the demo Guests, and the test Guests in tests/guests/.  Included by the
# top Makefile as a second make, so the wildcards see the tangled files; it
# passes OUT and TANGLE, and exports its quiet-output variables Q and say.
OUT ?= out
TANGLE ?= tangle

CC := gcc
# The Launcher: a static program, so it runs alone in the test initramfs.
LAUNCHER_SRC := $(wildcard $(TANGLE)/launcher/*.c)
LAUNCHER_CFLAGS := -m32 -static -O2 -g -Wall -Werror -pthread \
	-I$(TANGLE)/include

# The Guest: freestanding i386 code at privilege level 1, linked at its
# physical address by the book's linker script.
GUEST_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse \
	-mno-mmx -mno-80387 -O2 -g -Wall -Werror \
	-I$(TANGLE)/include -I$(TANGLE)/guest
GUEST_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-T,$(TANGLE)/guest/guest.lds
GUEST_RT_SRC := $(wildcard $(TANGLE)/guest/*.c $(TANGLE)/guest/*.S)
GUEST_RT_OBJ := $(patsubst $(TANGLE)/%,$(OUT)/obj/%.o,$(GUEST_RT_SRC))
DEMO_SRC := $(wildcard $(TANGLE)/guests/*.c)
DEMOS := $(patsubst $(TANGLE)/guests/%.c,$(OUT)/guests/%.elf,$(DEMO_SRC))
TEST_GUEST_SRC := $(wildcard tests/guests/*.c tests/guests/*.S)
TEST_GUESTS := $(sort $(patsubst tests/guests/%,$(OUT)/test/guests/%,\
	$(basename $(TEST_GUEST_SRC))))
TEST_GUESTS := $(addsuffix .elf,$(TEST_GUESTS))

# The Kernel (book/kernel.nw): a Guest of its own, linked high by its own
# script, which loads its programs from its disk.  The user programs are
# static i386 Linux programs with no C library (tangle/user/*.c, and the
# tests' in tests/user/*.c); the same files run natively in the test
# machine, under /bin/, where the Kernel's disk has them too.
KERNEL_SRC := $(wildcard $(TANGLE)/kernel/*.c $(TANGLE)/kernel/*.S)
KERNEL_OBJ := $(patsubst $(TANGLE)/%,$(OUT)/obj/%.o,$(KERNEL_SRC))
USER_SRC := $(wildcard $(TANGLE)/user/*.c tests/user/*.c)
USER_PROGS := $(sort $(patsubst %.c,$(OUT)/user/%,$(notdir $(USER_SRC))))
USER_CFLAGS := -m32 -static -nostdlib -no-pie -fno-pic -ffreestanding \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-mgeneral-regs-only -O2 -Wall -Werror -I$(TANGLE)/user \
	-Wl,--build-id=none

all: $(if $(LAUNCHER_SRC),$(OUT)/lguest $(OUT)/test/irqbreak) $(DEMOS) \
	$(if $(GUEST_RT_SRC),$(TEST_GUESTS)) $(OUT)/test/native-bench \
	$(if $(KERNEL_SRC),$(OUT)/guests/kernel.elf $(OUT)/kernel-disk.img)
	@:

$(OUT)/lguest: $(LAUNCHER_SRC) $(wildcard $(TANGLE)/include/*.h \
		$(TANGLE)/launcher/*.h)
	$(say) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LAUNCHER_CFLAGS) -o $@ $(LAUNCHER_SRC)

# The host test of LHREQ_BREAK and LHREQ_IRQ: the Launcher compiled into a
# harness that pokes its /dev/lguest from a second thread.
$(OUT)/test/irqbreak: tests/host/irqbreak.c $(LAUNCHER_SRC) \
		$(wildcard $(TANGLE)/include/*.h $(TANGLE)/launcher/*.h)
	$(say) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(LAUNCHER_CFLAGS) -I$(TANGLE) -I$(TANGLE)/launcher -o $@ $< \
		$(filter-out %/lguest.c,$(LAUNCHER_SRC))

# The native side of `make bench`: the Host kernel's own costs, measured in
# the same QEMU machine as the bench Guest's (tests/guests/bench.c).
$(OUT)/test/native-bench: tests/host/native-bench.c
	$(say) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -static -O2 -g -Wall -Werror -o $@ $<

$(OUT)/obj/%.o: $(TANGLE)/% $(wildcard $(TANGLE)/include/*.h \
		$(TANGLE)/guest/*.h)
	$(say) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(OUT)/guest/libguest.a: $(GUEST_RT_OBJ)
	$(say) AR $@
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/guests/%.elf: $(TANGLE)/guests/%.c $(OUT)/guest/libguest.a \
		$(TANGLE)/guest/guest.lds
	$(say) GUEST $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $< \
		$(OUT)/guest/libguest.a -lgcc

# A test Guest may add compiler flags of its own with a line such as
# "// guest-cflags: -m80387" (the FPU test needs the FPU the others may not
# touch); its shared headers are in tests/guests/ too.
TEST_GUEST_SRC_OF = $(filter tests/guests/%.c tests/guests/%.S,$^)
$(OUT)/test/guests/%.elf: tests/guests/%.* $(wildcard tests/guests/*.h) \
		$(OUT)/guest/libguest.a $(TANGLE)/guest/guest.lds
	$(say) GUEST $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -Itests/guests \
		$(shell sed -n 's,^// guest-cflags: ,,p' $(TEST_GUEST_SRC_OF)) \
		$(GUEST_LDFLAGS) -o $@ $(TEST_GUEST_SRC_OF) \
		$(OUT)/guest/libguest.a -lgcc

$(OUT)/user/%: $(TANGLE)/user/%.c $(wildcard $(TANGLE)/user/*.h)
	$(say) USER $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $<

$(OUT)/user/%: tests/user/%.c $(wildcard $(TANGLE)/user/*.h)
	$(say) USER $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -o $@ $<

$(OUT)/obj/kernel/%.o: $(TANGLE)/kernel/% $(wildcard $(TANGLE)/include/*.h \
		$(TANGLE)/guest/*.h $(TANGLE)/kernel/*.h)
	$(say) CC $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

# The Kernel's disk (K:210-K:220): the formatting tool, a Host program, puts
# every user program under /bin and the book's text files (tangle/disk/) at
# the top.
$(OUT)/mkfs: $(TANGLE)/tools/mkfs.c $(TANGLE)/include/kfs.h
	$(say) HOSTCC $@
	$(Q)$(CC) -O2 -Wall -Werror -I$(TANGLE)/include -o $@ $<

DISK_TEXTS := $(wildcard $(TANGLE)/disk/*)
$(OUT)/kernel-disk.img: $(OUT)/mkfs $(USER_PROGS) $(DISK_TEXTS)
	$(say) MKFS $@
	$(Q)$(OUT)/mkfs $@.tmp 4096 \
		$(foreach p,$(USER_PROGS),bin/$(notdir $(p))=$(p)) \
		$(foreach t,$(DISK_TEXTS),$(notdir $(t))=$(t)) && mv $@.tmp $@

$(OUT)/guests/kernel.elf: $(KERNEL_OBJ) $(OUT)/guest/libguest.a \
		$(TANGLE)/kernel/kernel.lds
	$(say) KERNEL $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
		-Wl,-T,$(TANGLE)/kernel/kernel.lds -o $@ $(KERNEL_OBJ) \
		$(OUT)/guest/libguest.a -lgcc
