// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/shutdown.c - shuts down with the status and message on its
 * command line ("shutdown.elf 7 some words"): the Launcher must exit with
 * that status and print the message; a status above 254 must get the Guest
 * killed instead.
 */
#include "check.h"

int guest_main(const struct lguest_boot_info *boot)
{
	const char *p;
	unsigned int status = 0;

	check_init(boot);
	for (p = boot->cmdline; *p >= '0' && *p <= '9'; p++)
		status = status * 10 + *p - '0';
	while (*p == ' ')
		p++;
	printk("shutdown: status %u, message \"%s\"\n", status, p);
	lguest_shutdown(status, *p ? p : NULL);
}
