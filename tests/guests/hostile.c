// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/hostile.c - a Guest that tries, one way per run, to get more
 * than it is given.  The first word of its command line names the attack
 * ("hostile.elf idt-8").  Each must be contained: either the Host kills the
 * Guest (the Launcher exits 255 with "lguest: Guest killed: <reason>"), or
 * the attempt traps into the Guest's own handler (or is quietly made
 * harmless) and the Guest reports how, "hostile: <attack>: refused (trap
 * 13)", and shuts down with 0.  An attack that succeeds prints "hostile:
 * <attack>: SURVIVED" and exits with 3.  tests/host/init.c says, for each
 * attack, which kill reason or which refusal the Host owes it.
 */
#include "check.h"

#define SURVIVED	3
#define SEL(entry)	(((entry) << 3) | 1)

static struct desc gdt[GDT_ENTRIES + 1];
unsigned long saved_esp;
static const char *attack;

/* The Host let us do something it should not have. */
static int survived(void)
{
	printk("hostile: %s: SURVIVED\n", attack);
	return SURVIVED;
}

/*
 * Whatever we tried was contained: say how (@fmt, what we saw), and exit 0;
 * but a failed CHECK on the way is a failure.
 */
static int __printf(1, 2) refused(const char *fmt, ...)
{
	char how[160];
	va_list ap;

	if (failures)
		return finish("hostile");
	va_start(ap, fmt);
	vsnprintf(how, sizeof(how), fmt, ap);
	va_end(ap);
	printk("hostile: %s: refused (%s)\n", attack, how);
	return 0;
}

/* A harmless oddity the Guest must live through: say so, and exit 0. */
static int lived_on(const char *what)
{
	if (failures)
		return finish("hostile");
	printk("hostile: %s: lived on (%s)\n", attack, what);
	return 0;
}

/* A flat GDT of @n entries with @extra in entry @i. */
static void load_gdt_with(unsigned int i, struct desc extra, unsigned int n)
{
	gdt_fill_default(gdt, ARRAY_SIZE(gdt));
	gdt[i] = extra;
	gdt_load(gdt, n);
}

static struct desc flat_data(unsigned int dpl)
{
	return make_desc(0, 0xFFFFF, 0x93 | (dpl << 5), 0xC);
}

/* Hypercalls the Host must not accept. */
static int early_notify(void)
{
	static const char msg[] = "hostile: printed before LGUEST_INIT\n";

	hcall(LHCALL_NOTIFY, __pa(msg), 0, 0);
	return survived();
}

static int early_shutdown(void)
{
	hcall(LHCALL_SHUTDOWN, 0, 0, 0);
	return survived();
}

static int init_outside(void)
{
	hcall(LHCALL_LGUEST_INIT, 0xFFFFF000, 0, 0);
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	return survived();
}

static int unknown_hcall(void)
{
	unsigned long nr = 0;
	const char *p = attack + 6;	/* "hcall-N" */

	while (*p >= '0' && *p <= '9')
		nr = nr * 10 + *p++ - '0';
	if (streq(p, "max"))
		nr = 0xFFFFFFFF;
	hcall(nr, 0, 0, 0);
	return survived();
}

static int async_unknown(void)
{
	async_hcall(99, 0, 0, 0);
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	return survived();
}

static int async_init(void)
{
	async_hcall(LHCALL_LGUEST_INIT, __pa(&lguest_data), 0, 0);
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	return survived();
}

static int shutdown_status(void)
{
	hcall(LHCALL_SHUTDOWN, 0, streq(attack, "shutdown-255") ? 255 : 300,
	      0);
	return survived();
}

/* Descriptors the Host must refuse (or fix). */
static int gdt_system(void)
{
	/* A present 32-bit TSS: a task switch would be ours to make. */
	load_gdt_with(20, make_desc(0x100000, 0x67, 0x89, 0), GDT_ENTRIES);
	return survived();
}

static int gdt_reserved(void)
{
	unsigned int entry = attack[4] == '1' && attack[5] == '0' ? 10 :
			     attack[5] == '1' ? 11 : 16;	/* "gdt-N" */

	load_gdt_with(entry, flat_data(1), GDT_ENTRIES);
	return survived();
}

static int gdt_too_big(void)
{
	load_gdt_with(GDT_ENTRIES, flat_data(1), GDT_ENTRIES + 1);
	return survived();
}

static int gdt_outside(void)
{
	hcall(LHCALL_LOAD_GDT, lguest_boot->mem_size + 64 * PAGE_SIZE,
	      GDT_ENTRIES, 0);
	return survived();
}

static int tls_system(void)
{
	struct desc tls[GDT_TLS_ENTRIES] = {
		make_desc(0, 0xFFFFF, 0xF3, 0xC),
		make_desc(0x100000, 0x67, 0x89, 0),	/* a TSS */
	};

	tls_load(tls);
	return survived();
}

/*
 * A segment register whose descriptor changes under it: %fs holds a TLS data
 * segment, which we then turn into execute-only code.  The Switcher could not
 * load that %fs again; the Host must null it instead, and we live on.
 */
static int tls_execonly(void)
{
	struct desc tls[GDT_TLS_ENTRIES] = {
		make_desc(0, 0xFFFFF, 0xF3, 0xC),
	};
	u32 fs = (GDT_TLS_FIRST << 3) | 3;

	tls_load(tls);
	asm volatile("movl %0, %%fs" : : "r"(fs));
	tls[0] = make_desc(0, 0xFFFFF, 0xF8, 0xC);	/* code, no reading */
	tls_load(tls);
	asm volatile("movl %%fs, %0" : "=r"(fs));
	CHECK(fs == 0, "%%fs is 0x%x after its segment became code", fs);
	return refused("%%fs became %u", fs);
}

/* A ring-0 segment is quietly demoted to ring 1, and still works. */
static int gdt_dpl0(void)
{
	u32 ar = 0;
	bool ok;

	load_gdt_with(20, flat_data(0), GDT_ENTRIES);
	asm volatile("lar %2, %0\n\tsetz %1" : "+r"(ar), "=q"(ok)
		     : "r"(SEL(20)) : "cc");
	CHECK(ok, "lar cannot read a DPL 0 entry: not demoted");
	CHECK(((ar >> 13) & 3) == 1, "entry 20 has DPL %u", (ar >> 13) & 3);
	CHECK(ar & 0x100, "entry 20 not marked accessed");
	CHECK(TRY_ASM("movl %0, %%es", : : "r"(SEL(20)) : "memory") == -1,
	      "loading the demoted segment trapped %d", trapped.vector);
	asm volatile("movl %0, %%es" : : "r"(KERNEL_DS));
	return refused("entry 20 has DPL %u", (ar >> 13) & 3);
}

/* Gates the Host must refuse: reserved vectors, odd types. */
static int idt_bad(void)
{
	static const struct {
		const char *name;
		unsigned int vector, type;
	} gates[] = {
		{ "idt-2", 2, GATE_INTR }, { "idt-8", 8, GATE_INTR },
		{ "idt-15", 15, GATE_INTR }, { "idt-31", 31, GATE_INTR },
		{ "idt-256", 256, GATE_INTR }, { "idt-task", 40, 0x5 },
		{ "idt-call", 40, 0xC }, { "idt-16bit", 40, 0x6 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gates); i++)
		if (streq(attack, gates[i].name))
			idt_set_gate(gates[i].vector, make_gate(trap_stubs[6],
								gates[i].type,
								1));
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	return survived();
}

/*
 * Gates into ring 0: the Switcher's code segment (0x50) as a gate's selector,
 * once for a trap the processor delivers directly (int3, a trap gate) and
 * once for one the Host reflects (ud2, an interrupt gate).  The Host must
 * make both the Guest's ring-1 segment: the handler reads its own %cs.
 */
static volatile u32 handler_cs;

static void note_cs(struct trap_frame *f)
{
	u32 cs;

	asm volatile("movl %%cs, %0" : "=r"(cs));
	handler_cs = cs;
	try_trap(f);
}

static struct gate ring0_gate(unsigned int vector, unsigned int type)
{
	struct gate g = make_gate(trap_stubs[vector], type, 1);

	g.lo = (0x50 << 16) | (g.lo & 0xFFFF);
	return g;
}

static int idt_ring0(void)
{
	int trap3, trap6;
	u32 cs3;

	set_trap_handler(3, note_cs);
	set_trap_handler(6, note_cs);
	idt_set_gate(3, ring0_gate(3, GATE_TRAP));
	idt_set_gate(6, ring0_gate(6, GATE_INTR));
	trap3 = TRY("int3");
	cs3 = handler_cs;
	CHECK(trap3 == 3 && cs3 == KERNEL_CS,
	      "direct int3 through a ring-0 gate: trap %d, handler cs 0x%x",
	      trap3, cs3);
	handler_cs = 0;
	trap6 = TRY("ud2");
	CHECK(trap6 == 6 && handler_cs == KERNEL_CS,
	      "reflected ud2 through a ring-0 gate: trap %d, handler cs 0x%x",
	      trap6, handler_cs);
	return refused("trap %d with cs 0x%x, trap %d with cs 0x%x", trap3,
		       cs3, trap6, handler_cs);
}

/* Write to @va: a trap means the Host refused the mapping. */
static int touch(unsigned long va)
{
	if (TRY_ASM("movl %0, (%0)", : : "r"(va) : "memory") == -1)
		return survived();
	return refused("trap %u at 0x%x", trapped.vector, trapped.cr2);
}

/* Page tables that point outside our memory. */
static unsigned long pfn_limit(void)
{
	return lguest_boot->mem_size / PAGE_SIZE + lguest_boot->device_pages;
}

static int pte_outside(void)
{
	unsigned long pfn = streq(attack, "pte-far") ? 0xFFFFF : pfn_limit();

	map_page(pgdir_current(), 0x40000000, pfn * PAGE_SIZE, PTE_KERNEL);
	return touch(0x40000000);
}

static int pmd_outside(void)
{
	set_pde(pgdir_current(), 0x40000000 >> PGDIR_SHIFT,
		pfn_limit() * PAGE_SIZE | PDE_TABLE);
	return touch(0x40000000);
}

static int pgdir_outside(void)
{
	hcall(LHCALL_NEW_PGTABLE, (pfn_limit() + 100) * PAGE_SIZE, 0, 0);
	return touch(0x100000);
}

static int pde_large(void)
{
	set_pde(pgdir_current(), 0x40000000 >> PGDIR_SHIFT,
		0x400000 | PTE_LARGE | PTE_KERNEL);
	return touch(0x40000000);
}

/* A ring-1 stack for traps from ring 3 that is not our data segment. */
static int set_stack_bad(void)
{
	hcall(LHCALL_SET_STACK, streq(attack, "setstack-user") ? USER_DS :
	      KERNEL_DS & ~3, 0x200000, 1);
	return survived();
}

/* Traps the Host cannot deliver: no gate, or nowhere to push the frame. */
static int no_idt(void)
{
	asm volatile("ud2");
	return survived();
}

/*
 * sgdt and sidt (not privileged) tell us where the Switcher keeps our GDT
 * and IDT, unless the Host's processor has UMIP, which makes them fault
 * outside ring 0; then the Host's first page has to do.
 */
static bool find_tables(unsigned long *gdt, unsigned long *idt)
{
	u8 gdtr[6], idtr[6];
	int trap = TRY_ASM("sgdt %0\n\tsidt %1", : "=m"(gdtr), "=m"(idtr));

	if (trap == 13) {
		printk("hostile: sgdt faults (UMIP): using 0xC0000000\n");
		*gdt = *idt = 0xC0000000;
		return false;
	}
	CHECK(trap == -1, "sgdt and sidt: trap %d", trap);
	memcpy(gdt, gdtr + 2, 4);
	memcpy(idt, idtr + 2, 4);
	return true;
}

static int stack_unusable(void)
{
	unsigned long esp = 0x50000000, gdt;

	if (streq(attack, "stack-switcher")) {
		find_tables(&gdt, &esp);
		esp = (esp & PAGE_MASK) + 0x800;
	}
	asm volatile("movl %0, %%esp\n\tud2" : : "r"(esp));
	return survived();
}

/*
 * The Switcher and the Host: the Switcher keeps our GDT and IDT, and the
 * Host's own memory starts at 3 GiB.  Every write there must fault, even
 * after we map a page there ourselves.
 */
static unsigned int writes, faulted;	/* by must_fault(), and as it must */

static void must_fault(unsigned long va, const char *what)
{
	int trap = TRY_ASM("movl %0, (%0)", : : "r"(va) : "memory");

	writes++;
	CHECK(trap == 14, "writing %s at 0x%x: trap %d", what, (u32)va, trap);
	if (trap == 14)
		CHECK(trapped.cr2 == va, "%s: cr2 0x%x", what, trapped.cr2);
	if (trap == 14 && trapped.cr2 == va)
		faulted++;
}

static int switcher(void)
{
	unsigned long gdt_base, idt_base;

	find_tables(&gdt_base, &idt_base);
	printk("hostile: the GDT is at 0x%x, the IDT at 0x%x\n",
	       (u32)gdt_base, (u32)idt_base);
	CHECK(gdt_base >= 0xC0000000 && idt_base >= 0xC0000000,
	      "the Switcher's tables are in our half of memory");
	must_fault(gdt_base, "the GDT");
	must_fault(idt_base, "the IDT");
	must_fault(0xC0000000, "the Host's first page");
	must_fault(0xC1000000, "the Host's kernel text");
	must_fault(0xFFFFF000, "the last page");
	map_page(pgdir_current(), idt_base, __pa(page_alloc()), PTE_KERNEL);
	must_fault(idt_base, "the IDT, mapped by us");
	map_page(pgdir_current(), 0xC0000000, __pa(page_alloc()), PTE_KERNEL);
	must_fault(0xC0000000, "the Host's first page, mapped by us");
	return refused("%u of %u writes: trap 14 at the address", faulted,
		       writes);
}

/* Ways into ring 0 that must fault: the Switcher's segments, sysenter. */
static int ring0_doors(void)
{
	u32 frame[3] = { 0, 0x60, 0x202 };	/* eip, ring-0 cs, eflags */
	int ljmp, mov, iret, sysenter, syscall;

	frame[0] = (u32)no_idt;
	ljmp = TRY("ljmp $0x50, $0");
	CHECK(ljmp == 13, "far jump to the Switcher's code: trap %d", ljmp);
	mov = TRY_ASM("movl %0, %%es", : : "r"(0x58) : "memory");
	CHECK(mov == 13, "loading the Switcher's data segment: trap %d", mov);
	try_armed = true;
	asm volatile("movl %%esp, saved_esp\n\t"
		     "movl $1f, try_resume\n\t"
		     "movl %0, %%esp\n\t"
		     "iret\n"
		     "1:\tmovl saved_esp, %%esp" : : "r"(frame) : "memory");
	iret = try_armed ? -1 : (int)trapped.vector;
	CHECK(iret == 13, "iret to ring 0: trap %d", iret);
	try_armed = false;
	sysenter = TRY("sysenter");
	CHECK(sysenter == 13, "sysenter: trap %d", sysenter);
	syscall = TRY("syscall");
	CHECK(syscall == 6 || syscall == 13, "syscall: trap %d", syscall);
	return refused("ljmp trap %d, mov trap %d, iret trap %d, sysenter "
		       "trap %d, syscall trap %d", ljmp, mov, iret, sysenter,
		       syscall);
}

/*
 * Odd but harmless: a notification is the Launcher's business, whatever it
 * says, so the Host hands each to the Launcher unchanged (which warns of
 * the two outside our memory and prints at most the last byte of it for the
 * third) and we live on.
 */
static int notify_outside(void)
{
	hcall(LHCALL_NOTIFY, 0xF0000000, 0, 0);
	hcall(LHCALL_NOTIFY, lguest_boot->mem_size, 0, 0);
	hcall(LHCALL_NOTIFY, lguest_boot->mem_size - 1, 0, 0);
	return lived_on("three notifications");
}

/* We introduced ourselves already: the Host kills a second introduction. */
static int init_twice(void)
{
	hcall(LHCALL_LGUEST_INIT, __pa(&lguest_data), 0, 0);
	return survived();
}

static int hcall_storm(void)
{
	u64 start = clock_ns();
	unsigned int i;

	for (i = 0; i < 100000; i++)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	printk("hostile: 100000 hypercalls in %llu ms\n",
	       (clock_ns() - start) / 1000000);
	return lived_on("100000 hypercalls");
}

static const struct {
	const char *name;
	int (*fn)(void);
	enum { FULL, INIT_ONLY, BARE } start;	/* how far to boot first */
} attacks[] = {
	{ "early-notify", early_notify, BARE },
	{ "early-shutdown", early_shutdown, BARE },
	{ "init-outside", init_outside, BARE },
	{ "init-twice", init_twice, FULL },
	{ "hcall-11", unknown_hcall }, { "hcall-12", unknown_hcall },
	{ "hcall-13", unknown_hcall }, { "hcall-18", unknown_hcall },
	{ "hcall-99", unknown_hcall }, { "hcall-max", unknown_hcall },
	{ "async-unknown", async_unknown }, { "async-init", async_init },
	{ "shutdown-255", shutdown_status },
	{ "shutdown-300", shutdown_status },
	{ "notify-outside", notify_outside }, { "hcall-storm", hcall_storm },
	{ "gdt-system", gdt_system }, { "gdt-10", gdt_reserved },
	{ "gdt-11", gdt_reserved }, { "gdt-16", gdt_reserved },
	{ "gdt-33", gdt_too_big }, { "gdt-outside", gdt_outside },
	{ "gdt-dpl0", gdt_dpl0 }, { "tls-system", tls_system },
	{ "tls-execonly", tls_execonly },
	{ "idt-2", idt_bad }, { "idt-8", idt_bad }, { "idt-15", idt_bad },
	{ "idt-31", idt_bad }, { "idt-256", idt_bad }, { "idt-task", idt_bad },
	{ "idt-call", idt_bad }, { "idt-16bit", idt_bad },
	{ "idt-ring0", idt_ring0 },
	{ "pte-pfnlimit", pte_outside }, { "pte-far", pte_outside },
	{ "pmd-pfnlimit", pmd_outside }, { "pgdir-outside", pgdir_outside },
	{ "pde-4mb", pde_large },
	{ "setstack-user", set_stack_bad }, { "setstack-ring0", set_stack_bad },
	{ "no-idt", no_idt, INIT_ONLY }, { "stack-unmapped", stack_unusable },
	{ "stack-switcher", stack_unusable },
	{ "switcher", switcher }, { "ring0-doors", ring0_doors },
};

int guest_main(const struct lguest_boot_info *boot)
{
	unsigned int i;
	char word[32];

	for (i = 0; i < sizeof(word) - 1 && boot->cmdline[i] > ' '; i++)
		word[i] = boot->cmdline[i];
	word[i] = '\0';
	attack = word;
	for (i = 0; i < ARRAY_SIZE(attacks); i++) {
		if (!streq(word, attacks[i].name))
			continue;
		if (attacks[i].start == BARE)
			return attacks[i].fn();
		if (attacks[i].start == INIT_ONLY)
			lguest_init(boot);
		else
			check_init(boot);
		printk("hostile: %s\n", attack);
		return attacks[i].fn();
	}
	lguest_init(boot);
	printk("hostile: no attack called \"%s\"\n", word);
	return 2;
}
