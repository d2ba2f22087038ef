// SPDX-License-Identifier: GPL-2.0
/*
 * tests/user/hogs.c - two children that never yield nor sleep, each printing
 * eight "hog X n" lines between long loops.  Without preemption the first
 * prints all of its lines before the second prints one; tests/host/init.c
 * (kernel-hogs) checks the lines interleave.
 */
#include "check.h"

/* Spin and print, for ever unless preempted. */
static void hog(char name)
{
	volatile unsigned long spin;
	int line;

	for (line = 1; line <= 8; line++) {
		for (spin = 0; spin < 3000000; spin++)
			;
		printf("hog %c %d\n", name, line);
	}
	sys_exit(0);
}

int main(int argc, char **argv)
{
	int status, i, bad = 0;

	if (sys_fork() == 0)
		hog('A');
	if (sys_fork() == 0)
		hog('B');
	for (i = 0; i < 2; i++)
		bad += sys_wait4(-1, &status, 0) <= 0 || status;
	CHECK("hogs", !bad, "a hog did not end well\n");
	if (!failed)
		printf("hogs: all\n");
	return failed;
}
