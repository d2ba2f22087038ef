// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/spin.c - a Guest that never stops, for the host tests that
 * kill its Launcher with a signal.  It prints "spin: spinning" and loops
 * without a hypercall.  Words on its command line: "noirq" keeps interrupts
 * (virtually) off; "timer" keeps a 1 ms clock interrupt going.
 */
#include "check.h"

static void tick(struct trap_frame *f)
{
	clock_set_next(1000000);
}

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	if (cmdline_has("timer"))
		clock_set_next(1000000);
	if (!cmdline_has("noirq"))
		irq_enable();
	printk("spin: spinning%s%s\n", cmdline_has("noirq") ? ", irqs off" : "",
	       cmdline_has("timer") ? ", with a timer" : "");
	for (;;)
		barrier();
}
