// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/busy.c - a Guest that keeps its CPU busy for a while, then
 * shuts down with 0: for the host tests that poke the Host while a Guest is
 * surely running.  It turns interrupts (virtually) on, prints "busy:
 * spinning for N ms", loops without a hypercall for N milliseconds of the
 * time stamp counter (the number on its command line, 5000 without one),
 * prints "busy: done" and returns 0.
 */
#include "check.h"

#define MS	1000000ULL

int guest_main(const struct lguest_boot_info *boot)
{
	const char *p;
	unsigned int ms = 0;

	check_init(boot);
	for (p = boot->cmdline; *p >= '0' && *p <= '9'; p++)
		ms = ms * 10 + *p - '0';
	if (!ms)
		ms = 5000;
	irq_enable();
	printk("busy: spinning for %u ms\n", ms);
	spin_ns(ms * MS);
	printk("busy: done\n");
	return 0;
}
