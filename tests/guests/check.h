/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/guests/check.h - shared by the test Guests (each is one .c file that
 * includes this once).
 *
 * CHECK(cond, fmt, ...) counts a check and prints a FAIL line if it is false;
 * finish(name) prints "<name>: all N checks passed" (the line the host test
 * looks for) and returns 0, or a summary and 1.
 *
 * TRY(insn) runs one instruction that may trap, with a handler on every
 * exception vector: it returns the vector taken (-1 for none), and the trap's
 * details are in the struct trap_record "trapped".  try_start is the address
 * of the instruction, try_resume the one after it, where execution goes on.
 */
#ifndef CHECK_H
#define CHECK_H
#include "lguest.h"

#define __maybe_unused	__attribute__((unused))

static int checks, failures;

#define CHECK(cond, fmt, ...)						\
	do {								\
		checks++;						\
		if (!(cond)) {						\
			failures++;					\
			printk("FAIL: %s:%d: " fmt "\n", __func__,	\
			       __LINE__, ##__VA_ARGS__);		\
		}							\
	} while (0)

/* Print the verdict line; returns the exit status for guest_main. */
static int __maybe_unused finish(const char *name)
{
	if (failures) {
		printk("%s: %d of %d checks FAILED\n", name, failures, checks);
		return 1;
	}
	printk("%s: all %d checks passed\n", name, checks);
	return 0;
}

struct trap_record {
	unsigned int vector, err;
	u32 eip, cs, eflags, cr2;
	u32 irq_enabled;		/* as the handler found it */
};

/* Written by TRY's assembly, so visible and volatile. */
volatile unsigned long try_start, try_resume;
static volatile bool try_armed;
static volatile struct trap_record trapped;
static volatile int unexpected_traps;

/* The handler for every exception: record it and resume after TRY's insn. */
static void __maybe_unused try_trap(struct trap_frame *f)
{
	u32 cr2 = lguest_data.cr2, irq = lguest_data.irq_enabled;

	f->eflags &= ~X86_EFLAGS_TF;
	if (!try_armed)
		lguest_panic("unexpected trap %u, error 0x%x, at 0x%x:0x%x, "
			     "cr2 0x%x", f->vector, f->err, f->cs, f->eip, cr2);
	trapped.vector = f->vector;
	trapped.err = f->err;
	trapped.eip = f->eip;
	trapped.cs = f->cs;
	trapped.eflags = f->eflags;
	trapped.cr2 = cr2;
	trapped.irq_enabled = irq;
	try_armed = false;
	f->eip = try_resume;
}

#define TRY_ASM(insn, ...)						\
	({								\
		try_armed = true;					\
		barrier();						\
		asm volatile("movl $2f, try_start\n\t"			\
			     "movl $1f, try_resume\n"			\
			     "2:\t" insn "\n1:" __VA_ARGS__);		\
		barrier();						\
		try_armed ? (try_armed = false, -1) : (int)trapped.vector; \
	})
#define TRY(insn)	TRY_ASM(insn, : : : "memory")

/* Introduce ourselves, fill the IDT, and catch every exception with TRY. */
static void __maybe_unused check_init(const struct lguest_boot_info *boot)
{
	unsigned int v;

	if (lguest_init(boot))
		lguest_shutdown(2, "bad boot information");
	traps_init();
	for (v = 0; v < FIRST_EXTERNAL_VECTOR; v++)
		set_trap_handler(v, try_trap);
}

static bool __maybe_unused streq(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && !memcmp(a, b, strlen(a));
}

/* Does the boot command line contain the word @w? */
static bool __maybe_unused cmdline_has(const char *w)
{
	const char *p = lguest_boot->cmdline;
	size_t n = strlen(w);

	while (*p) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, w, n) && (p[n] == ' ' || p[n] == '\0'))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

/* Spin (without hypercalls) for @ns nanoseconds of the time stamp counter. */
static void __maybe_unused spin_ns(u64 ns)
{
	u64 end = clock_ns() + ns;

	while (clock_ns() < end)
		barrier();
}

#endif /* CHECK_H */
