// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/timer.c - the clock interrupt (IRQ 0, vector 32) and the
 * virtual interrupt flag: with it on the interrupt arrives, through an
 * interrupt gate, with the right frame; with it off (or the line blocked)
 * nothing arrives, however many hypercalls we make; enabling it delivers the
 * pending interrupt at the next trip through the Host.
 */
#include "check.h"

#define MS	1000000ULL

static volatile int ticks;
static volatile u32 tick_cs, tick_eflags, tick_irq;
static volatile unsigned long rearm_ns;

static void tick(struct trap_frame *f)
{
	ticks++;
	tick_cs = f->cs;
	tick_eflags = f->eflags;
	tick_irq = lguest_data.irq_enabled;
	if (rearm_ns)
		clock_set_next(rearm_ns);
}

/*
 * Wait up to @ms after @start for @n ticks, halting; returns the nanoseconds
 * since @start, which the caller took before arming the timer (the Host may
 * keep us waiting between arming it and returning).
 */
static u64 wait_ticks(u64 start, int n, unsigned int ms)
{
	irq_disable();
	while (ticks < n && clock_ns() - start < ms * MS)
		wait_for_interrupt();
	irq_enable();
	return clock_ns() - start;
}

/* Make hypercalls for @ns: each is a chance for the Host to deliver. */
static void hypercalls_for(u64 ns)
{
	u64 end = clock_ns() + ns;

	while (clock_ns() < end)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}

static void interrupts_on(void)
{
	u64 took;

	ticks = 0;
	irq_enable();
	took = clock_ns();
	clock_set_next(1 * MS);
	took = wait_ticks(took, 1, 2000);
	CHECK(ticks == 1, "%d ticks after 1 ms, want 1", ticks);
	CHECK(took >= MS / 2, "the tick came after %llu ns, asked 1 ms", took);
	CHECK(tick_cs == KERNEL_CS, "tick from cs 0x%x", tick_cs);
	CHECK(tick_eflags & X86_EFLAGS_IF, "tick's saved IF clear");
	CHECK(tick_irq == 0, "tick handler ran with interrupts on");
	CHECK(lguest_data.irq_enabled == X86_EFLAGS_IF,
	      "interrupts off after the tick");
	CHECK(lguest_data.time.seconds > 1000000000,
	      "wall clock %u s after a tick", lguest_data.time.seconds);
	printk("timer: one tick after %llu us: ok\n", took / 1000);
}

static void interrupts_off(void)
{
	ticks = 0;
	irq_disable();
	clock_set_next(1 * MS);
	hypercalls_for(20 * MS);
	CHECK(ticks == 0, "%d ticks with interrupts off", ticks);
	halt();			/* returns: an interrupt is pending */
	CHECK(ticks == 0, "halt with interrupts off delivered a tick");
	irq_enable_now();
	CHECK(ticks == 1, "%d ticks just after enabling, want 1", ticks);
	printk("timer: held while off, delivered on enabling: ok\n");
}

static void line_blocked(void)
{
	ticks = 0;
	lguest_data.blocked_interrupts[0] = 1;
	clock_set_next(1 * MS);
	hypercalls_for(20 * MS);
	/*
	 * On a busy Host 20 ms may pass before the clock fires; a halt
	 * returns once the interrupt is pending, blocked or not, so after it
	 * the interrupt has surely been held back.
	 */
	halt();
	CHECK(ticks == 0, "%d ticks with IRQ 0 blocked", ticks);
	lguest_data.blocked_interrupts[0] = 0;
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	CHECK(ticks == 1, "%d ticks after unblocking, want 1", ticks);
}

/* No hypercalls at all: the Host's own timer brings us back to it. */
static void without_hypercalls(void)
{
	u64 start;

	ticks = 0;
	clock_set_next(1 * MS);
	start = clock_ns();
	while (!ticks && clock_ns() - start < 1000 * MS)
		barrier();
	CHECK(ticks == 1, "%d ticks while spinning for 1 s", ticks);
}

static void periodic_and_cancel(void)
{
	ticks = 0;
	rearm_ns = 1 * MS;
	clock_set_next(1 * MS);
	wait_ticks(clock_ns(), 20, 5000);
	rearm_ns = 0;
	CHECK(ticks >= 20, "%d ticks in 5 s at 1 ms", ticks);
	clock_set_next(0);
	hypercalls_for(5 * MS);	/* a last re-arm may have fired */

	ticks = 0;
	clock_set_next(5 * MS);
	clock_set_next(0);
	hypercalls_for(20 * MS);
	CHECK(ticks == 0, "%d ticks from a cancelled timer", ticks);

	clock_set_next(1000 * MS);
	clock_set_next(1 * MS);	/* replaces the first */
	CHECK(wait_ticks(clock_ns(), 1, 500) < 500 * MS,
	      "the 1 ms timer did not replace the 1 s one");
	printk("timer: periodic, cancelled and replaced: ok\n");
}

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	CHECK(lguest_data.tsc_khz > 1000, "tsc_khz is %u", lguest_data.tsc_khz);
	interrupts_on();
	interrupts_off();
	line_blocked();
	without_hypercalls();
	periodic_and_cancel();
	return finish("timer");
}
