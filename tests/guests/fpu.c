// SPDX-License-Identifier: GPL-2.0
// guest-cflags: -m80387 -mmmx -msse -msse2 -mfpmath=sse
/*
 * tests/guests/fpu.c - the Guest may use the FPU (x87 and SSE): its results
 * are right, its registers survive hypercalls, interrupts and trips to the
 * Launcher (whose C library uses SSE itself), the virtual TS flag gives it
 * #NM, and its own FPU exceptions (#MF, #XM) reach its handlers.  The host
 * test runs an FPU-heavy process beside it to show the Host's stay intact.
 *
 * Built with the FPU allowed (the line above), so the handlers here must not
 * touch it: they only count and make hypercalls.
 */
#include "check.h"

static volatile int nm_traps;

/* Lazy FPU switching, Guest side: on #NM, clear TS and retry. */
static void device_not_available(struct trap_frame *f)
{
	nm_traps++;
	hcall(LHCALL_TS, 0, 0, 0);
}

/* 1 + 1/4 + 1/9 + ... : pi squared over six, slowly. */
static double __attribute__((noinline)) basel(int n)
{
	double sum = 0;
	int k;

	for (k = n; k > 0; k--)
		sum += 1.0 / ((double)k * k);
	return sum;
}

static void arithmetic(void)
{
	double a = basel(100000), b;
	u64 ab, bb;

	CHECK(a > 1.6449 && a < 1.6450, "basel(100000) = %d/1e6",
	      (int)(a * 1e6));
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	b = basel(100000);
	memcpy(&ab, &a, 8);
	memcpy(&bb, &b, 8);
	CHECK(ab == bb, "the same sum twice: 0x%llx, then 0x%llx", ab, bb);
}

/* The registers' contents before and after; global so the asm names them. */
u32 fpu_in[8][4] __aligned(16), fpu_out[8][4] __aligned(16);
double fpu_x87_out[4];
u16 fpu_cw_in = 0x0F7F, fpu_cw_out;	/* round to zero, all masked */
u32 fpu_mxcsr_in = 0x7F80, fpu_mxcsr_out;	/* the same for SSE */
u32 fpu_mxcsr_default = 0x1F80;
const char fpu_empty[] = "";

/*
 * Load every FPU register, then 200 times: arm the timer, sleep in the Host
 * until it fires, and make a trip to the Launcher.  Then store them all.
 */
static void load_sleep_store(void)
{
	asm volatile("movdqu fpu_in, %%xmm0\n\tmovdqu fpu_in+16, %%xmm1\n\t"
		     "movdqu fpu_in+32, %%xmm2\n\tmovdqu fpu_in+48, %%xmm3\n\t"
		     "movdqu fpu_in+64, %%xmm4\n\tmovdqu fpu_in+80, %%xmm5\n\t"
		     "movdqu fpu_in+96, %%xmm6\n\tmovdqu fpu_in+112, %%xmm7\n\t"
		     "fninit\n\tfldcw fpu_cw_in\n\tldmxcsr fpu_mxcsr_in\n\t"
		     "fildl fpu_in\n\tfildl fpu_in+4\n\t"
		     "fildl fpu_in+8\n\tfildl fpu_in+12\n\t"
		     "movl $200, %%esi\n"
		     "1:\tmovl %0, %%eax\n\tmovl $100000, %%edx\n\t"
		     "int $0x1f\n\t"
		     "movl %1, %%eax\n\tint $0x1f\n\t"
		     "movl %2, %%eax\n\tmovl $fpu_empty, %%edx\n\tint $0x1f\n\t"
		     "decl %%esi\n\tjnz 1b\n\t"
		     "movdqu %%xmm0, fpu_out\n\tmovdqu %%xmm1, fpu_out+16\n\t"
		     "movdqu %%xmm2, fpu_out+32\n\t"
		     "movdqu %%xmm3, fpu_out+48\n\t"
		     "movdqu %%xmm4, fpu_out+64\n\t"
		     "movdqu %%xmm5, fpu_out+80\n\t"
		     "movdqu %%xmm6, fpu_out+96\n\t"
		     "movdqu %%xmm7, fpu_out+112\n\t"
		     "fnstcw fpu_cw_out\n\tstmxcsr fpu_mxcsr_out\n\t"
		     "fstpl fpu_x87_out\n\tfstpl fpu_x87_out+8\n\t"
		     "fstpl fpu_x87_out+16\n\tfstpl fpu_x87_out+24\n\t"
		     "fninit\n\tldmxcsr fpu_mxcsr_default"
		     : : "i"(LHCALL_SET_CLOCKEVENT), "i"(LHCALL_HALT),
		       "i"(LHCALL_NOTIFY)
		     : "eax", "ebx", "ecx", "edx", "esi", "memory", "xmm0",
		       "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
}

static void registers_survive(void)
{
	int i, j;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 4; j++)
			fpu_in[i][j] = 0x01010101 * (i + 1) +
				       j * 0x10000000 + 7;
	irq_disable();
	load_sleep_store();
	irq_enable();
	for (i = 0; i < 8; i++)
		CHECK(!memcmp(fpu_in[i], fpu_out[i], 16), "xmm%d: 0x%x, "
		      "want 0x%x", i, fpu_out[i][0], fpu_in[i][0]);
	for (i = 0; i < 4; i++)
		CHECK(fpu_x87_out[i] == (double)(s32)fpu_in[0][3 - i],
		      "st(%d) changed", i);
	CHECK(fpu_cw_out == fpu_cw_in, "x87 control word 0x%x", fpu_cw_out);
	CHECK((fpu_mxcsr_out & ~0x3F) == fpu_mxcsr_in, "mxcsr 0x%x",
	      fpu_mxcsr_out);
	printk("fpu: registers survived 600 hypercalls: ok\n");
}

/* With TS set, the first FPU use traps; the handler clears TS and retries. */
static void task_switched(void)
{
	volatile double a = 3.0, b = 7.0, c;

	nm_traps = 0;
	hcall(LHCALL_TS, 1, 0, 0);
	c = a * b;
	CHECK(nm_traps == 1, "%d #NM traps with TS set, want 1", nm_traps);
	CHECK(c == 21.0, "3 * 7 = %d after the #NM", (int)c);
	c = a + b;
	CHECK(nm_traps == 1, "#NM with TS clear");
	hcall(LHCALL_TS, 1, 0, 0);
	asm volatile("fnop");
	CHECK(nm_traps == 2, "x87 fnop with TS set: %d traps", nm_traps);
	printk("fpu: TS gives #NM, and clearing it lets the FPU work: ok\n");
}

/* Unmasked FPU exceptions: x87 divide by zero (#MF), SSE's (#XM). */
static void fpu_exceptions(void)
{
	static const u16 cw = 0x037B;		/* zero-divide unmasked */
	static const u32 mxcsr = 0x1D80;	/* the same for SSE */
	static const float one = 1.0f, zero = 0.0f;

	u32 flags;
	int trap;

	asm volatile("fninit\n\tfldcw %0\n\tfld1\n\tfldz\n\tfdivrp"
		     : : "m"(cw) : "memory");
	trap = TRY("fwait");
	CHECK(trap == 16, "x87 divide by zero: vector %d, want 16", trap);
	asm volatile("fnclex\n\tfninit");
	asm volatile("ldmxcsr %0\n\tmovss %1, %%xmm0\n\tmovss %2, %%xmm1"
		     : : "m"(mxcsr), "m"(one), "m"(zero) : "xmm0", "xmm1");
	trap = TRY("divss %%xmm1, %%xmm0");
	asm volatile("stmxcsr %0\n\tldmxcsr fpu_mxcsr_default" : "=m"(flags));
	/* QEMU's emulator sets the flag but never raises #XM. */
	CHECK(trap == 19 || (trap == -1 && (flags & 4)),
	      "SSE divide by zero: vector %d, want 19", trap);
	printk("fpu: #MF delivered; #XM %s: ok\n", trap == 19 ? "delivered" :
	       "not raised by this processor, but flagged");
}

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	set_trap_handler(7, device_not_available);
	irq_enable();
	arithmetic();
	registers_survive();
	task_switched();
	fpu_exceptions();
	arithmetic();
	return finish("fpu");
}
