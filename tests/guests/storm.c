// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/storm.c - an interrupt storm: the clock handler re-arms the
 * timer for the shortest time the Host allows (and the main loop keeps asking
 * for 1 ns), so an interrupt is always due.  The Guest must still make
 * progress: after enough work it prints its count and shuts down with 0.
 * With "forever" on the command line it never stops, and the host test
 * checks its Launcher still dies promptly to SIGKILL.
 */
#include "check.h"

static volatile unsigned int ticks;

static void tick(struct trap_frame *f)
{
	ticks++;
	clock_set_next(ticks & 1 ? 1 : LG_CLOCK_MIN_DELTA);
}

int guest_main(const struct lguest_boot_info *boot)
{
	bool forever;
	unsigned long work = 0;

	check_init(boot);
	forever = cmdline_has("forever");
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	irq_enable();
	clock_set_next(1);
	printk("storm: raining\n");
	while (forever || work < 2000 || ticks < 2000) {
		work++;
		if (!(work % 64))
			clock_set_next(1);
	}
	irq_disable();
	clock_set_next(0);
	printk("storm: %lu rounds of work through %u interrupts\n", work,
	       ticks);
	return 0;
}
