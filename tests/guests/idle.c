// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/idle.c - a Guest with nothing to do for two seconds halts
 * with interrupts on, its clock set to wake it.  tests/host/init.c (t_idle)
 * measures the Launcher's CPU time over the halt, which must be small: the
 * Host sleeps while the Guest halts.  Here we check that HALT did not
 * return before the clock's interrupt, and that the interrupt came.  A Host
 * that ignores HALT fails here; one that spins while the Guest halts fails
 * there.
 */
#include "check.h"

#define MS		1000000ULL
#define HALT_MS		2000

static volatile int ticks;

/* The clock's interrupt: count it. */
static void tick(struct trap_frame *f)
{
	ticks++;
}

int guest_main(const struct lguest_boot_info *boot)
{
	u64 start, took;

	check_init(boot);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	printk("idle: halting for %u ms\n", HALT_MS);
	irq_enable();
	start = clock_ns();
	clock_set_next(HALT_MS * MS);
	halt();
	took = clock_ns() - start;
	printk("idle: woke after %llu ms\n", took / MS);
	CHECK(ticks == 1, "%d ticks when HALT returned, want 1", ticks);
	CHECK(took >= (HALT_MS - 100) * MS, "HALT returned after %llu ms, "
	      "the clock was set for %u", took / MS, HALT_MS);
	return finish("idle");
}
