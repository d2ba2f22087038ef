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

/*
 * Virtual-8086 mode.  A real processor ignores EFLAGS.VM in an iret made
 * outside ring 0, but QEMU's emulator honours it at ring 1, and then the
 * Guest runs 16-bit code at ring 3 with flags of its choosing.  Its next
 * trap makes the processor push a frame four words longer than a ring-3
 * one (es, ds, fs and gs go on top), so every register the Switcher saves
 * lands four words off: the Host reads our VM86 gs as ss, fs as esp, ds as
 * eflags, es as cs, ss as eip, and so on down.  We choose them so that the
 * Host's next entry irets to the Switcher's own code segment (0x50), that
 * is to ring 0, at code we put at 0x2000.  Whatever the Host does, it must
 * never run us in virtual-8086 mode: the fixed Host kills us, saying so.
 */
#define SWITCHER_CS	0x50
#define RING0_CODE	0x2000		/* where ring0_blob is copied */
#define VM86_SEG	USER_DS		/* VM86 cs: becomes the Host's es */
#define VM86_IP		(USER_DS - 1)	/* after int3, ip+1 becomes its ds */
#define VM86_LINEAR	(VM86_SEG * 16 + VM86_IP)
#define X86_EFLAGS_IOPL3	0x3000
#define X86_EFLAGS_VM		0x20000

volatile u32 ring0_cr3, ring0_cr2;
void vm86_back(void);
extern const char ring0_blob[], ring0_blob_end[];

/*
 * The ring-0 code: note %cr3 and %cr2 (which a Guest may not read), then
 * iret to vm86_back at ring 1 on our own stack.  It is copied to RING0_CODE
 * and runs there, so it refers to nothing by a relative address.
 */
asm(".pushsection .text\n"
    ".globl ring0_blob, ring0_blob_end\n"
    "ring0_blob:\n\t"
    "movl %cr3, %eax\n\t"
    "movl %eax, %ss:ring0_cr3\n\t"
    "movl %cr2, %eax\n\t"
    "movl %eax, %ss:ring0_cr2\n\t"
    "pushl $" __stringify(KERNEL_DS) "\n\t"
    "pushl %ss:saved_esp\n\t"
    "pushl $0x202\n\t"
    "pushl $" __stringify(KERNEL_CS) "\n\t"
    "pushl $vm86_back\n\t"
    "iret\n"
    "ring0_blob_end:\n"
    ".popsection");

/*
 * iret with the nine-word virtual-8086 frame @frame.  Comes back if the iret
 * traps into our handler, or if ring0_blob ran; every register but the stack
 * is then garbage, so we keep the callee-saved ones ourselves.
 */
static void __attribute__((noinline)) vm86_iret(u32 *frame)
{
	try_armed = true;
	asm volatile("pushl %%ebp\n\tpushl %%ebx\n\tpushl %%esi\n\t"
		     "pushl %%edi\n\t"
		     "movl %%esp, saved_esp\n\t"
		     "movl $1f, try_resume\n\t"
		     "movl %0, %%esp\n\t"
		     "iret\n"
		     ".globl vm86_back\n"
		     "vm86_back:\n\t"
		     "movl $" __stringify(KERNEL_DS) ", %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n"
		     "1:\tmovl %%ss:saved_esp, %%esp\n\t"
		     "popl %%edi\n\tpopl %%esi\n\tpopl %%ebx\n\tpopl %%ebp"
		     : "+c"(frame) : : "eax", "edx", "memory", "cc");
}

/* Make our page 0 a user page, so that VM86 code (ring 3) may run there. */
static void low_code(unsigned long linear, const u8 *code, unsigned int len)
{
	volatile u8 *at = __va(linear);

	/* A pointer into page 0 is not a null pointer here: tell gcc. */
	asm("" : "+r"(at));
	map_page(pgdir_current(), 0, 0, PTE_USER_RW);
	while (len--)
		*at++ = *code++;
	/* Touch it now, so that the shadow entry is there before we go. */
	(void)at[-1];
}

/* A Guest page nobody has touched: the Launcher has not even faulted it. */
static unsigned long untouched_page(void)
{
	return lguest_boot->pgdir - 64 * PAGE_SIZE;
}

static int vm86_shift(void)
{
	static const u8 int3 = 0xCC;
	u32 frame[9] = {
		VM86_IP, VM86_SEG, X86_EFLAGS_VM | X86_EFLAGS_FIXED,
		0,			/* VM86 esp: the Host's errcode */
		RING0_CODE,		/* VM86 ss: the Host's eip */
		SWITCHER_CS,		/* VM86 es: the Host's cs */
		X86_EFLAGS_FIXED,	/* VM86 ds: the Host's eflags */
		0, 0,			/* fs, gs: its esp and ss */
	};
	int trap;

	low_code(VM86_LINEAR, &int3, 1);
	memcpy(__va(RING0_CODE), ring0_blob, ring0_blob_end - ring0_blob);
	/*
	 * Have the Host fault on a Launcher page, so that %cr2 holds a
	 * Launcher address when ring0_blob reads it.
	 */
	hcall(LHCALL_LOAD_TLS, untouched_page(), 0, 0);
	vm86_iret(frame);
	trap = try_armed ? -1 : (int)trapped.vector;
	try_armed = false;
	if (ring0_cr3) {
		printk("hostile: vm86-shift: ran at ring 0: cr3 0x%x\n",
		       ring0_cr3);
		printk("hostile: vm86-shift: seen ring-0-cr2 0x%08x\n",
		       ring0_cr2);
		return survived();
	}
	printk("hostile: vm86-shift: the iret took trap %d\n", trap);
	return refused("the iret took trap %d", trap);
}

/*
 * A Host CPU in virtual-8086 mode with interrupts off (VM86 flags are
 * ours, IOPL 3 too), spinning: nothing but an NMI can stop it.  The fixed
 * Host maps nothing below 0x110000 for ring 3, so the first fetch faults.
 * Should an NMI kick it out on the old Host, the shifted frame makes the
 * Host iret to cs 0, which faults in the Switcher: the Guest dies.
 */
static int vm86_spin(void)
{
	static const u8 spin[2] = { 0xEB, 0xFE };	/* jmp . */
	u32 frame[9] = {
		USER_DS, USER_DS,
		X86_EFLAGS_VM | X86_EFLAGS_IOPL3 | X86_EFLAGS_FIXED,
		0, 0, 0, 0, 0, 0,
	};
	int trap;

	low_code(USER_DS * 16 + USER_DS, spin, sizeof(spin));
	vm86_iret(frame);
	trap = try_armed ? -1 : (int)trapped.vector;
	try_armed = false;
	printk("hostile: vm86-spin: back from VM86, trap %d\n", trap);
	return trap == -1 ? survived() : refused("trap %d", trap);
}

/*
 * One page at many addresses: every shadow entry used to pin the page
 * again.  16 page directory entries share one page table whose 1024
 * entries all name the same page: 64 MiB of addresses, in three page
 * directories (the Host keeps the shadows of four).  The fixed Host pins
 * each Guest page at most once; the harness counts the pins.
 */
#define PIN_BASE	0x40000000UL
#define PIN_TABLES	16
#define PIN_DIRS	3

static int pin_many(void)
{
	u32 *table = page_alloc(), *page = page_alloc(), *dirs[PIN_DIRS];
	unsigned long va, touched = 0;
	unsigned int d, i;

	for (i = 0; i < PTRS_PER_TABLE; i++)
		table[i] = __pa(page) | PTE_KERNEL;
	dirs[0] = pgdir_current();
	for (d = 1; d < PIN_DIRS; d++) {
		dirs[d] = page_alloc();
		memcpy(dirs[d], dirs[0], PAGE_SIZE);
	}
	for (d = 0; d < PIN_DIRS; d++)
		for (i = 0; i < PIN_TABLES; i++)
			set_pde(dirs[d], (PIN_BASE >> PGDIR_SHIFT) + i,
				__pa(table) | PDE_TABLE);
	for (d = 0; d < PIN_DIRS; d++) {
		load_pgdir(dirs[d]);
		for (va = PIN_BASE;
		     va < PIN_BASE + PIN_TABLES * (PAGE_SIZE * PTRS_PER_TABLE);
		     va += PAGE_SIZE, touched++)
			*(volatile u32 *)va = touched;
	}
	load_pgdir(dirs[0]);
	CHECK(*page == touched - 1, "the last write is not in the page");
	printk("hostile: pin-many: one page at %lu addresses\n", touched);
	return refused("one page at %lu addresses", touched);
}

/*
 * The Switcher's pages for the CPU we run on: its text, our registers page
 * (writable) and our state page (read-only).  sgdt names the GDT, which
 * is in the state page; under UMIP we look for them page by page from
 * 3 GiB up.  The harness keeps us on one CPU, or the pages would move.
 */
struct switcher_view {
	unsigned long text, regs, state;
};

static bool readable(unsigned long va)
{
	u32 v;

	return TRY_ASM("movl (%1), %0", : "=r"(v) : "r"(va) : "memory") == -1;
}

static bool find_switcher(struct switcher_view *s)
{
	unsigned long gdt, idt, va, found[3];
	unsigned int n = 0;

	if (find_tables(&gdt, &idt)) {
		s->state = gdt & PAGE_MASK;
		s->regs = s->state - PAGE_SIZE;
		for (va = s->regs - PAGE_SIZE; va >= 0xC0000000;
		     va -= PAGE_SIZE)
			if (readable(va))
				break;
		s->text = va;
	} else {
		for (va = 0xC0000000; va && n < 3; va += PAGE_SIZE)
			if (readable(va))
				found[n++] = va;
		if (n < 3)
			return false;
		s->text = found[0];
		s->regs = found[1];
		s->state = found[2];
	}
	printk("hostile: the Switcher: text 0x%x, registers 0x%x, state "
	       "0x%x\n", (u32)s->text, (u32)s->regs, (u32)s->state);
	return readable(s->text) && readable(s->regs) && readable(s->state) &&
	       (s->text >> PGDIR_SHIFT) == (s->state >> PGDIR_SHIFT);
}

/*
 * The flag "an NMI hit the Switcher" used to be the first word of the
 * registers page, which we may write: every exit with it set made the Host
 * send itself an NMI.  We write every word of that page but the saved
 * registers, and trap into the Host a few hundred times.  The harness
 * watches the kernel's log for NMI messages; and the read-only state page
 * must stay read-only.
 */
#define SAVED_REGS_BYTES	72	/* struct lguest_regs, at the end */

static int nmi_flag(void)
{
	struct switcher_view s;
	unsigned int round, w;
	volatile u32 *regs;

	if (!find_switcher(&s)) {
		CHECK(false, "cannot find the Switcher's pages");
		return finish("hostile");
	}
	regs = (volatile u32 *)s.regs;
	for (round = 0; round < 300; round++) {
		for (w = 0; w < (PAGE_SIZE - SAVED_REGS_BYTES) / 4; w++)
			regs[w] = round & 1 ? 0xFFFFFFFF : 1;
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	}
	must_fault(s.state, "the state page");
	must_fault(s.state + PAGE_SIZE - 4, "the end of the state page");
	return refused("the state page is read-only");
}

/*
 * Single-stepping leaves DR6.BS set in the real debug status register;
 * a Host that does not clear it leaves it for its own next #DB, which then
 * looks like a single-step in the kernel (a WARN).  We step through a few
 * instructions with our own #DB handler; the harness does the rest.
 */
static volatile unsigned int steps;

static void count_step(struct trap_frame *f)
{
	if (++steps >= 20)
		f->eflags &= ~X86_EFLAGS_TF;
}

static int dr6_step(void)
{
	set_trap_handler(1, count_step);
	asm volatile("pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t"
		     ".rept 30\n\tnop\n\t.endr\n\t"
		     "pushfl\n\tandl $~0x100, (%%esp)\n\tpopfl"
		     : : : "memory", "cc");
	CHECK(steps == 20, "%u single steps, want 20", steps);
	printk("hostile: dr6-step: %u single steps\n", steps);
	return refused("%u single steps", steps);
}

/*
 * What the Switcher's pages tell us of the Host: every word of the
 * registers and state pages that looks like a Host kernel address (3 GiB
 * and up, below the top page, which the Host never maps) and is not inside
 * the Switcher's own 4 MiB slot.  Neither word of a descriptor whose base
 * is in the slot (the TSS's) is an address.  Physical addresses, such
 * as the Host's %cr3, are not ours to judge here.  The text page we read
 * but do not judge: it is position-independent code, whose words are
 * instructions (a backward jump's displacement reads as 0xFFFFxxxx), and
 * the Host puts nothing else in it.
 */
static u32 desc_base(u32 lo, u32 hi)
{
	return (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
}

static unsigned int host_pointers(const char *name, unsigned long page,
				  unsigned long slot)
{
	const volatile u32 *w = (const volatile u32 *)page;
	unsigned int i, n = 0;
	u32 v;

	for (i = 0; i < PAGE_SIZE / 4; i++) {
		v = w[i];
		if (v < 0xC0000000 || v >= 0xFFFFF000 ||
		    v >> PGDIR_SHIFT == slot)
			continue;
		if ((i & 1) ? desc_base(w[i - 1], v) >> PGDIR_SHIFT == slot :
		    desc_base(v, w[i + 1]) >> PGDIR_SHIFT == slot)
			continue;
		printk("hostile: leaks: %s page +0x%03x: 0x%08x\n", name,
		       i * 4, v);
		n++;
	}
	return n;
}

/* Words of @page that could be Launcher addresses, for the harness. */
static void launcher_candidates(const char *name, const volatile u32 *w,
				unsigned int words)
{
	unsigned long limit = pfn_limit() * PAGE_SIZE;
	unsigned int i;

	for (i = 0; i < words; i++)
		if (w[i] >= limit && w[i] < 0xC0000000)
			printk("hostile: %s: seen %s+0x%03x 0x%08x\n", attack,
			       name, i * 4, w[i]);
}

static int leaks(void)
{
	struct switcher_view s;
	unsigned long slot;
	unsigned int n;

	if (!find_switcher(&s)) {
		CHECK(false, "cannot find the Switcher's pages");
		return finish("hostile");
	}
	slot = s.text >> PGDIR_SHIFT;
	n = host_pointers("registers", s.regs, slot) +
	    host_pointers("state", s.state, slot);
	launcher_candidates("registers", (volatile u32 *)s.regs, 1024);
	launcher_candidates("state", (volatile u32 *)s.state, 1024);
	if (n) {
		printk("hostile: leaks: %u Host addresses\n", n);
		return survived();
	}
	return refused("no Host addresses");
}

/*
 * Could a Launcher address reach us?  The Host reaches our memory at the
 * Launcher's addresses, and faults there when a page is new; its %cr2 then
 * holds one.  So we make it fault (a TLS load from a page nobody touched,
 * a trap frame pushed onto another), then take page faults of our own and
 * print all we are told: the fault address and error code, the frame, our
 * shared page, the Switcher's pages.  The harness knows where the
 * Launcher's mapping of our memory is and checks every "seen" word.
 */
static u32 frame_words[4];

static void note_frame(struct trap_frame *f)
{
	frame_words[0] = f->eip;
	frame_words[1] = f->cs;
	frame_words[2] = f->eflags;
	frame_words[3] = f->err;
	try_trap(f);
}

static int launcher_addr(void)
{
	unsigned long page = untouched_page(), stack = page - 16 * PAGE_SIZE;
	struct switcher_view s;
	int trap;

	spin_ns(1000000000ULL);		/* the harness reads our maps now */
	hcall(LHCALL_LOAD_TLS, page, 0, 0);
	trap = TRY_ASM("movl (%0), %%eax", : : "r"(0x07000000) : "eax",
		       "memory");
	CHECK(trap == 14 && trapped.cr2 == 0x07000000,
	      "fault at 0x07000000: trap %d, cr2 0x%x", trap, trapped.cr2);
	printk("hostile: launcher-addr: seen cr2 0x%08x\n", trapped.cr2);
	printk("hostile: launcher-addr: seen error 0x%08x\n", trapped.err);
	/* A trap whose frame the Host pushes onto a page new to it. */
	set_trap_handler(6, note_frame);
	try_armed = true;
	asm volatile("movl %%esp, saved_esp\n\t"
		     "movl %0, %%esp\n\t"
		     "movl $1f, try_resume\n\t"
		     "ud2\n"
		     "1:\tmovl saved_esp, %%esp"
		     : : "r"(stack) : "memory");
	CHECK(frame_words[0] && !try_armed,
	      "ud2 on a fresh stack did not trap");
	printk("hostile: launcher-addr: seen frame 0x%08x 0x%08x 0x%08x "
	       "0x%08x\n", frame_words[0], frame_words[1], frame_words[2],
	       frame_words[3]);
	launcher_candidates("lguest_data", (volatile u32 *)&lguest_data,
			    sizeof(lguest_data) / 4);
	if (find_switcher(&s)) {
		launcher_candidates("registers", (volatile u32 *)s.regs, 1024);
		launcher_candidates("state", (volatile u32 *)s.state, 1024);
	}
	return refused("no Launcher addresses");
}

/*
 * An NMI that strikes the Switcher on its way home is taken on whatever
 * stack is live, and until the Switcher loads the Host's stack pointer that
 * is our registers page: the NMI stub pushes the interrupted %eax and %edx
 * (and %cr0) just below the saved registers, where we can read them.  On
 * the way home %edx holds, in turn, the Host's %cr3 (ours to see), the
 * Host's %cr4 and the writable view of the Host's GDT, a Host kernel
 * pointer; neither of the last two is ours.  We trap into the Host for
 * 15 seconds while NMIs arrive (the harness's NMI run), and after every exit
 * read the words below the saved registers: a %cr4 that is ours plus
 * global pages, SMEP or SMAP, or a Host address outside the Switcher's
 * slot, came from the Host's page.  We count the NMI frames we see (the
 * Switcher's code segment next to an address in its slot) so that a run
 * with no NMI in the Switcher says it judged nothing.
 */
#define NMI_LEAK_WORDS	32	/* below the saved registers */
#define CR4_HIDDEN	((1u << 7) | (1u << 20) | (1u << 21))	/* PGE, SMEP, SMAP */

static int nmi_leak(void)
{
	struct switcher_view s;
	const volatile u32 *below, *state;
	unsigned long slot;
	u64 end = clock_ns() + 15000000000ULL;
	unsigned int i, frames = 0, cr4s = 0, ptrs = 0, exits = 0;
	u32 guest_cr4, v, last_frame = 0;

	if (!find_switcher(&s)) {
		CHECK(false, "cannot find the Switcher's pages");
		return finish("hostile");
	}
	slot = s.text >> PGDIR_SHIFT;
	state = (const volatile u32 *)s.state;
	guest_cr4 = state[2];
	below = (const volatile u32 *)(s.regs + PAGE_SIZE - SAVED_REGS_BYTES) -
		NMI_LEAK_WORDS;
	printk("hostile: nmi-leak: our cr4 0x%08x\n", guest_cr4);
	while (clock_ns() < end) {
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
		exits++;
		for (i = 1; i < NMI_LEAK_WORDS; i++) {
			v = below[i];
			if (v == SWITCHER_CS && below[i - 1] >> PGDIR_SHIFT ==
			    slot && below[i - 1] != last_frame) {
				last_frame = below[i - 1];
				frames++;
			}
			if (v != guest_cr4 && (v & ~CR4_HIDDEN) == guest_cr4) {
				if (!cr4s++)
					printk("hostile: nmi-leak: the Host's "
					       "cr4 0x%08x at regs-0x%02x\n",
					       v, (NMI_LEAK_WORDS - i) * 4);
			}
			if (v >= 0xC0000000 && v < 0xFFFFF000 &&
			    v >> PGDIR_SHIFT != slot) {
				if (!ptrs++)
					printk("hostile: nmi-leak: Host "
					       "address 0x%08x at regs-0x%02x\n",
					       v, (NMI_LEAK_WORDS - i) * 4);
			}
		}
	}
	printk("hostile: nmi-leak: %u exits, %u NMI frames seen, %u Host cr4, "
	       "%u Host addresses\n", exits, frames, cr4s, ptrs);
	if (cr4s || ptrs)
		return survived();
	if (!frames)
		return refused("not judged: no NMI struck the Switcher");
	return refused("%u NMI frames, no Host values", frames);
}

/*
 * The registers page belongs to a CPU, not to a Guest, and the Host only
 * writes its last 72 bytes (the saved registers) before each trip.  So the
 * rest of it is a mailbox from one Guest to the next on the same CPU: one
 * Guest (spare-write) fills it with a pattern, and the next (spare-read),
 * a Guest of another Launcher perhaps, finds the pattern there.
 */
#define SPARE_MAGIC	0x5A5EC0DEu

static int spare_write(void)
{
	struct switcher_view s;
	volatile u32 *w;
	unsigned int i;

	if (!find_switcher(&s)) {
		CHECK(false, "cannot find the Switcher's pages");
		return finish("hostile");
	}
	w = (volatile u32 *)s.regs;
	for (i = 0; i < (PAGE_SIZE - SAVED_REGS_BYTES) / 4; i++)
		w[i] = SPARE_MAGIC ^ i;
	return refused("wrote %u words for the next Guest", i);
}

static int spare_read(void)
{
	struct switcher_view s;
	const volatile u32 *w;
	unsigned int i, n = 0;

	if (!find_switcher(&s)) {
		CHECK(false, "cannot find the Switcher's pages");
		return finish("hostile");
	}
	w = (const volatile u32 *)s.regs;
	for (i = 0; i < (PAGE_SIZE - SAVED_REGS_BYTES) / 4; i++)
		if (w[i] == (SPARE_MAGIC ^ i))
			n++;
	if (n) {
		printk("hostile: spare-read: %u words the last Guest left\n", n);
		return survived();
	}
	return refused("nothing of the last Guest");
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
	{ "vm86-shift", vm86_shift }, { "vm86-spin", vm86_spin },
	{ "pin-many", pin_many }, { "nmi-flag", nmi_flag },
	{ "dr6-step", dr6_step }, { "leaks", leaks },
	{ "launcher-addr", launcher_addr }, { "nmi-leak", nmi_leak },
	{ "spare-write", spare_write }, { "spare-read", spare_read },
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
