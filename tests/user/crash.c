// SPDX-License-Identifier: GPL-2.0
/*
 * tests/user/crash.c - children that fault (a NULL read, a write to the
 * kernel), execute privileged instructions (cli, hlt) and an undefined one
 * (ud2); each must die with Linux's signal while a sibling sleeps through
 * it all and then ends well.  The Kernel prints a line for each ("pid 3
 * (crash): page fault at 0x0"), which tests/host/init.c looks for.
 */
#include "check.h"
#define C(cond, ...) CHECK("crash", cond, __VA_ARGS__)

/* Die in way @how; never returns. */
static void die(int how)
{
	if (how == 0)
		(void)*(volatile int *)0;
	else if (how == 1)
		*(volatile int *)0x80100000 = 1;
	else if (how == 2)
		asm volatile("cli");
	else if (how == 3)
		asm volatile("hlt");
	else
		asm volatile("ud2");
	sys_exit(100);
}

int main(int argc, char **argv)
{
	static const int want[] = { 11, 11, 11, 11, 4 };
	long survivor = sys_fork(), pid;
	int i, status;

	if (survivor == 0) {
		sleep_ms(300);
		printf("crash: the survivor is still here\n");
		return 0;
	}
	for (i = 0; i < 5; i++) {
		pid = sys_fork();
		if (pid == 0)
			die(i);
		status = -1;
		C(sys_wait4(pid, &status, 0) == pid, "wait4 for %d\n", i);
		C(status == want[i], "death %d: status 0x%x, want %d\n", i,
		  status, want[i]);
	}
	C(sys_wait4(survivor, &status, 0) == survivor && status == 0,
	  "the survivor: 0x%x\n", status);
	if (!failed)
		printf("crash: all\n");
	return failed;
}
