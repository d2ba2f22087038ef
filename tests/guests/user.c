// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/user.c - ring 3: entering it, system calls through the direct
 * trap (int $0x80 straight to the Guest's trap gate), interrupts and faults
 * taken in ring 3 onto the stack set with SET_STACK, and the things a user
 * program must not do (touch kernel pages, cli, hypercalls) reaching the
 * Guest kernel as faults.  With the word "low", only this: user pages below
 * 0x110000, which virtual-8086 code could reach, are refused to ring 3.
 */
#include "check.h"

enum { SYS_EXIT = 1, SYS_WRITE = 4, SYS_ADD = 100 };

static volatile int syscalls, user_ticks;
static volatile u32 sys_cs, sys_eflags, trap_ss, trap_esp;

static char hello[] __ring3_data = "Hello from ring 3!\n";
static volatile int user_counter __ring3_data;

/* The Guest kernel's system calls: exit, write and an adder. */
static void do_syscall(struct trap_frame *f)
{
	syscalls++;
	sys_cs = f->cs;
	sys_eflags = f->eflags;
	if (f->eax == SYS_EXIT && (f->cs & 3) == 3) {
		user_return(f->ebx);
	} else if (f->eax == SYS_WRITE) {
		const char *s = (const char *)f->ebx;

		if (s < __ring3_start || s + f->ecx > __ring3_end ||
		    f->ecx >= 64) {
			f->eax = -14;
		} else {
			char buf[64];

			memcpy(buf, s, f->ecx);
			buf[f->ecx] = '\0';
			early_puts(buf);
			f->eax = f->ecx;
		}
	} else if (f->eax == SYS_ADD) {
		f->eax = f->ebx + f->ecx;
	} else {
		f->eax = -38;
	}
}

/* Traps from ring 3 end the user program with minus the vector. */
static void user_trap(struct trap_frame *f)
{
	if ((f->cs & 3) != 3) {
		try_trap(f);
		return;
	}
	trapped.vector = f->vector;
	trapped.err = f->err;
	trapped.eip = f->eip;
	trapped.cs = f->cs;
	trapped.cr2 = lguest_data.cr2;
	trap_ss = f->user_ss;
	trap_esp = f->user_esp;
	user_return(-(int)f->vector);
}

/*
 * The clock, while user_interrupts() waits for a tick in ring 3.  A tick
 * that comes before ring 3 has started (a busy Host can make the 2 ms pass
 * before we get there) is no use: ask for another.
 */
static volatile bool want_user_tick;

static void tick(struct trap_frame *f)
{
	if ((f->cs & 3) != 3) {
		if (want_user_tick)
			clock_set_next(2000000);
		return;
	}
	want_user_tick = false;
	user_ticks++;
	trap_ss = f->user_ss;
	trap_esp = f->user_esp;
	trapped.eflags = f->eflags;
	user_return(1000);
}

static void __ring3 u_hello(void)
{
	syscall2(SYS_WRITE, (long)hello, sizeof(hello) - 1);
	syscall2(SYS_EXIT, 42, 0);
}

static void __ring3 u_adds(void)
{
	long sum = 0;
	int i;

	for (i = 0; i < 1000; i++)
		sum = syscall2(SYS_ADD, sum, 1);
	syscall2(SYS_EXIT, sum, 0);
}

static void __ring3 u_bad_write(void)
{
	syscall2(SYS_EXIT, syscall2(SYS_WRITE, (long)&lguest_data, 4), 0);
}

static void __ring3 u_spin(void)
{
	for (;;)
		user_counter++;
}

static void __ring3 u_read_kernel(void)
{
	syscall2(SYS_EXIT, *(volatile u32 *)&lguest_data, 0);
}

static void __ring3 u_write_kernel(void)
{
	*(volatile u32 *)&lguest_data = 0;
	syscall2(SYS_EXIT, 0, 0);
}

static void __ring3 u_call_kernel(void)
{
	((void (*)(void))0x100000)();
}

static void __ring3 u_cli(void)
{
	asm volatile("cli");
}

static void __ring3 u_hlt(void)
{
	asm volatile("hlt");
}

static void __ring3 u_int3(void)
{
	asm volatile("int3");
}

static void __ring3 u_int20(void)
{
	asm volatile("int $0x20");
}

/* A hypercall from ring 3: SHUTDOWN with status 0, which must not happen. */
static void __ring3 u_hypercall(void)
{
	asm volatile("int $0x1f" : : "a"(LHCALL_SHUTDOWN), "d"(0), "b"(0));
}

/* An unaligned load with EFLAGS.AC set: #AC if the Host's CR0.AM is on. */
static void __ring3 u_align(void)
{
	static u8 bytes[8] __ring3_data;
	u32 v;

	asm volatile("pushfl\n\torl $0x40000, (%%esp)\n\tpopfl\n\t"
		     "movl 1(%1), %0\n\t"
		     "pushfl\n\tandl $~0x40000, (%%esp)\n\tpopfl"
		     : "=r"(v) : "r"(bytes) : "memory", "cc");
	syscall2(SYS_EXIT, v, 0);
}

/* Reads of user pages low enough for virtual-8086 code to reach. */
static void __ring3 u_read_8000(void)
{
	syscall2(SYS_EXIT, *(volatile u32 *)0x8000, 0);
}

static void __ring3 u_read_10f000(void)
{
	syscall2(SYS_EXIT, *(volatile u32 *)0x10F000, 0);
}

/* Run @fn in ring 3 and expect it to end by trap @vector. */
static void expect_user_trap(const char *what, void (*fn)(void), int vector)
{
	int ret = run_user(fn);

	CHECK(ret == -vector, "%s: ring 3 ended with %d, want %d", what, ret,
	      -vector);
	if (ret == -vector)
		CHECK(trapped.cs == USER_CS && trap_ss == USER_DS,
		      "%s: frame cs 0x%x ss 0x%x", what, trapped.cs, trap_ss);
}

static void system_calls(void)
{
	CHECK(run_user(u_hello) == 42, "exit(42) did not return 42");
	CHECK(sys_cs == USER_CS, "the system call came from cs 0x%x", sys_cs);
	CHECK(run_user(u_adds) == 1000, "1000 additions in ring 3 failed");
	/*
	 * Did int $0x80 go straight to our gate?  A frame the processor
	 * pushes carries the real interrupt flag, which is always on in a
	 * Guest; a frame the Host builds carries the virtual one.  So with
	 * interrupts virtually off, the flag in the frame tells who built it.
	 */
	irq_disable();
	CHECK(syscall2(SYS_ADD, 2, 3) == 5, "int $0x80 from ring 1");
	irq_enable();
	CHECK(sys_eflags & X86_EFLAGS_IF, "the system call frame has the "
	      "virtual interrupt flag: it went through the Host, not direct");
	CHECK(run_user(u_bad_write) == -14, "write() of a kernel address");
	CHECK(syscall2(SYS_ADD, 2, 3) == 5, "int $0x80 from ring 1");
	CHECK(sys_cs == KERNEL_CS, "ring-1 system call from cs 0x%x", sys_cs);
}

static void user_faults(void)
{
	u16 ds;

	expect_user_trap("read kernel memory", u_read_kernel, 14);
	CHECK(trapped.cr2 == (u32)&lguest_data && (trapped.err & 4),
	      "user read fault: cr2 0x%x error 0x%x", trapped.cr2,
	      trapped.err);
	expect_user_trap("write kernel memory", u_write_kernel, 14);
	expect_user_trap("call kernel code", u_call_kernel, 14);
	CHECK(trapped.cr2 == 0x100000, "fetch fault at 0x%x", trapped.cr2);
	expect_user_trap("cli", u_cli, 13);
	expect_user_trap("hlt", u_hlt, 13);
	expect_user_trap("int3", u_int3, 3);
	expect_user_trap("int $0x20", u_int20, 13);
	CHECK(trapped.err == ((0x20 << 3) | 2), "int $0x20: error 0x%x",
	      trapped.err);
	expect_user_trap("hypercall", u_hypercall, 13);
	asm volatile("movw %%ds, %0" : "=r"(ds));
	CHECK(ds == KERNEL_DS, "back from ring 3 with ds 0x%x", ds);

	switch (run_user(u_align)) {
	case -17:
		printk("user: alignment check delivered as #AC: ok\n");
		break;
	default:
		printk("user: no alignment check (CR0.AM is off, or the "
		       "processor does not check)\n");
	}
}

/*
 * The Host never lets ring 3 use a page below 0x110000 (1 MiB and the
 * 64 KiB above it that a 16-bit segment can reach), whatever our page
 * tables say: code in virtual-8086 mode runs at ring 3, and must find no
 * page there.  So a ring-3 read of a user page there is a page fault.
 */
static void low_pages(void)
{
	map_page(pgdir_current(), 0x8000, 0x8000, PTE_USER_RW);
	expect_user_trap("read a user page at 0x8000", u_read_8000, 14);
	CHECK(trapped.cr2 == 0x8000, "0x8000: fault at 0x%x", trapped.cr2);
	map_page(pgdir_current(), 0x10F000, 0x10F000, PTE_USER_RW);
	expect_user_trap("read a user page at 0x10F000", u_read_10f000, 14);
	CHECK(trapped.cr2 == 0x10F000, "0x10F000: fault at 0x%x",
	      trapped.cr2);
}

static void user_interrupts(void)
{
	int ret;

	user_counter = 0;
	want_user_tick = true;
	clock_set_next(2000000);
	ret = run_user(u_spin);
	CHECK(ret == 1000 && user_ticks == 1, "spinning ring 3 ended with "
	      "%d after %d ticks", ret, user_ticks);
	CHECK(user_counter > 0, "ring 3 never ran");
	CHECK(trap_ss == USER_DS, "tick in ring 3 saved ss 0x%x", trap_ss);
	CHECK(trapped.eflags & X86_EFLAGS_IF, "ring 3 ran with IF off");
	CHECK(lguest_data.irq_enabled == X86_EFLAGS_IF,
	      "run_user did not restore interrupts");
}

int guest_main(const struct lguest_boot_info *boot)
{
	unsigned int v;

	check_init(boot);
	for (v = 0; v < FIRST_EXTERNAL_VECTOR; v++)
		set_trap_handler(v, user_trap);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	set_trap_handler(SYSCALL_VECTOR, do_syscall);
	CHECK(user_init() == 0, "user_init");
	irq_enable();
	if (cmdline_has("low")) {
		low_pages();
		return finish("user");
	}
	system_calls();
	user_faults();
	user_interrupts();
	return finish("user");
}
