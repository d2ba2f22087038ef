// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/devidle.c - with its console running and no input, halt for
 * 2 s (one clock interrupt ends it); the host test measures the CPU the
 * Launcher used meanwhile.
 */
#include "check.h"
#include "virtio.h"

static volatile int ticks;

static void tick(struct trap_frame *f)
{
	ticks++;
}

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	CHECK(virtio_init() >= 1, "no console");
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	printk("devidle: halting\n");
	clock_set_next(2000000000UL);
	irq_disable();
	while (!ticks)
		wait_for_interrupt();
	irq_enable();
	return finish("devidle");
}
