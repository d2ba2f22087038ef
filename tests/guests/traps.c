// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/traps.c - every class of exception reaches the Guest's own
 * handler, through its IDT, with the right vector, error code, instruction
 * pointer, code segment, flags and (for page faults) cr2.
 */
#include "check.h"

#define NOT_PRESENT_SEL	((20 << 3) | 1)	/* data, not present */
#define PAST_GDT_SEL	((40 << 3) | 1)	/* beyond the 32 entries */

static struct desc gdt[GDT_ENTRIES];

/* Expect @vector with @err at the instruction (fault) or after it (trap). */
static void expect(const char *what, int got, int vector, unsigned int err,
		   bool fault)
{
	u32 eip = fault ? try_start : try_resume;

	CHECK(got == vector, "%s: vector %d, want %d", what, got, vector);
	if (got != vector)
		return;
	CHECK(trapped.err == err, "%s: error code 0x%x, want 0x%x", what,
	      trapped.err, err);
	CHECK(trapped.eip == eip, "%s: eip 0x%x, want 0x%x", what,
	      trapped.eip, eip);
	CHECK(trapped.cs == KERNEL_CS, "%s: cs 0x%x", what, trapped.cs);
	CHECK(trapped.eflags & X86_EFLAGS_IF, "%s: saved IF clear", what);
	CHECK(trapped.irq_enabled == 0, "%s: handler ran with interrupts on",
	      what);
	CHECK(lguest_data.irq_enabled == X86_EFLAGS_IF,
	      "%s: interrupts not back on after the trap", what);
	printk("traps: %s: vector %d, error 0x%x: ok\n", what, got, err);
}

static void arithmetic_traps(void)
{
	u32 a = 1, d = 0;
	u32 bounds[2] = { 0, 10 };

	expect("divide error", TRY_ASM("divl %2", : "+a"(a), "+d"(d)
				       : "r"(0) : "memory"), 0, 0, true);
	expect("overflow", TRY_ASM("movl $0x7fffffff, %%eax\n\t"
				   "addl $1, %%eax\n\tinto",
				   : : : "eax", "memory"), 4, 0, false);
	expect("bound range", TRY_ASM("bound %0, (%1)",
				      : : "r"(20), "r"(bounds) : "memory"),
	       5, 0, true);
}

static void debug_traps(void)
{
	expect("breakpoint", TRY("int3"), 3, 0, false);
	expect("int $3", TRY("int $3"), 3, 0, false);
	/* Single-step: popf sets TF, the nop completes, then #DB. */
	expect("single step", TRY_ASM("pushfl\n\torl $0x100, (%%esp)\n\t"
				      "popfl\n\tnop", : : : "memory"),
	       1, 0, false);
	expect("invalid opcode", TRY("ud2"), 6, 0, true);
}

static void segment_traps(void)
{
	gdt_fill_default(gdt, GDT_ENTRIES);
	gdt[NOT_PRESENT_SEL >> 3] = make_desc(0, 0xFFFFF, 0x33, 0xC);
	gdt_load(gdt, GDT_ENTRIES);
	expect("segment not present", TRY_ASM("movl %0, %%es",
					      : : "r"(NOT_PRESENT_SEL)
					      : "memory"),
	       11, NOT_PRESENT_SEL & ~3, true);
	expect("stack segment", TRY_ASM("movl %0, %%ss",
					: : "r"(NOT_PRESENT_SEL) : "memory"),
	       12, NOT_PRESENT_SEL & ~3, true);
	expect("general protection", TRY_ASM("movl %0, %%es",
					     : : "r"(PAST_GDT_SEL)
					     : "memory"),
	       13, PAST_GDT_SEL & ~3, true);
	/* A software interrupt cannot fake a hardware one. */
	expect("int $0x20", TRY("int $0x20"), 13, (0x20 << 3) | 2, true);
	expect("int $0x80 with no gate", TRY("int $0x80"), 13,
	       (0x80 << 3) | 2, true);
}

static void page_faults(void)
{
	u32 v = 0;

	expect("page fault (read)", TRY_ASM("movl (%1), %0", : "+r"(v)
					    : "r"(0x50000000) : "memory"),
	       14, 0, true);
	CHECK(trapped.cr2 == 0x50000000, "read fault cr2 0x%x", trapped.cr2);
	expect("page fault (write)", TRY_ASM("movl %0, (%1)", : : "r"(v),
					     "r"(0x50000400) : "memory"),
	       14, 2, true);
	CHECK(trapped.cr2 == 0x50000400, "write fault cr2 0x%x", trapped.cr2);
}

/* With the virtual TS flag set, the first FPU instruction traps #NM. */
static void device_not_available(void)
{
	hcall(LHCALL_TS, 1, 0, 0);
	expect("device not available", TRY("fnop"), 7, 0, true);
	hcall(LHCALL_TS, 0, 0, 0);
	CHECK(TRY("fnop") == -1, "fnop traps with TS clear");
}

/* A trap gate leaves interrupts on; a trap with them off keeps them off. */
static void gate_kinds(void)
{
	idt_set_gate(6, make_gate(trap_stubs[6], GATE_TRAP, 1));
	CHECK(TRY("ud2") == 6, "ud2 through a trap gate: no trap");
	CHECK(trapped.irq_enabled == X86_EFLAGS_IF,
	      "trap gate turned interrupts off");
	idt_set_gate(6, make_gate(trap_stubs[6], GATE_INTR, 1));

	irq_disable();
	CHECK(TRY("ud2") == 6, "ud2 with interrupts off: no trap");
	CHECK(!(trapped.eflags & X86_EFLAGS_IF),
	      "saved IF set with interrupts off");
	CHECK(lguest_data.irq_enabled == 0,
	      "interrupts came back on after a trap taken with them off");
	irq_enable();
}

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	irq_enable();
	arithmetic_traps();
	debug_traps();
	segment_traps();
	page_faults();
	device_not_available();
	gate_kinds();
	return finish("traps");
}
