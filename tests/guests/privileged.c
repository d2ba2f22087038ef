// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/privileged.c - every privileged instruction, tried at
 * privilege level 1, is a general protection fault delivered to the Guest's
 * own handler (never carried out, never a reason to kill it); and popf cannot
 * turn off the real interrupt flag or raise the I/O privilege level.
 */
#include "check.h"

/* The instruction in @insn must fault with #GP(0) at itself. */
static void expect_gp(const char *what, int got)
{
	CHECK(got == 13, "%s: vector %d, want 13", what, got);
	if (got != 13)
		return;
	CHECK(trapped.err == 0, "%s: error code 0x%x", what, trapped.err);
	CHECK(trapped.eip == try_start, "%s: eip 0x%x, want 0x%x", what,
	      trapped.eip, (u32)try_start);
}

#define GP(insn)							\
	expect_gp(insn, TRY_ASM(insn, : : : "eax", "ecx", "edx", "esi",	\
				"edi", "memory"))

static void interrupt_flag(void)
{
	GP("cli");
	GP("sti");
	GP("hlt");
}

static void io_ports(void)
{
	GP("inb $0x80, %%al");
	GP("outb %%al, $0x80");
	GP("inl (%%dx), %%eax");
	GP("outw %%ax, (%%dx)");
	GP("insb");
	GP("outsb");
}

static void tables_and_control(void)
{
	GP("lgdt pseudo_desc");
	GP("lidt pseudo_desc");
	GP("lldt %%ax");
	GP("ltr %%ax");
	GP("movl %%cr0, %%eax");
	GP("movl %%eax, %%cr0");
	GP("movl %%cr3, %%eax");
	GP("movl %%eax, %%cr3");
	GP("movl %%eax, %%cr4");
	GP("movl %%eax, %%dr7");
	GP("lmsw %%ax");
	GP("clts");
	GP("invlpg (%%eax)");
	GP("invd");
	GP("wbinvd");
	GP("rdmsr");
	GP("wrmsr");
}

/* popf at ring 1 silently keeps IF and IOPL: the Host's, not ours. */
static void popf_is_harmless(void)
{
	u32 flags;

	asm volatile("pushfl\n\t"
		     "andl $~0x200, (%%esp)\n\t"	/* IF off */
		     "orl $0x3000, (%%esp)\n\t"		/* IOPL 3 */
		     "popfl\n\t"
		     "pushfl\n\t"
		     "popl %0" : "=r"(flags) : : "memory", "cc");
	CHECK(flags & X86_EFLAGS_IF, "popf turned the real IF off");
	CHECK(!(flags & 0x3000), "popf raised IOPL to %u", (flags >> 12) & 3);
	GP("cli");
}

/* A table descriptor for lgdt and lidt to fail to load. */
asm(".pushsection .data\npseudo_desc: .word 0xff\n.long 0\n.popsection");

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	irq_enable();
	interrupt_flag();
	io_ports();
	tables_and_control();
	popf_is_harmless();
	CHECK(lguest_data.irq_enabled == X86_EFLAGS_IF,
	      "interrupts not on at the end");
	return finish("privileged");
}
