// SPDX-License-Identifier: GPL-2.0
/*
 * tests/user/many.c - forty children alive at once (each sleeps 500 ms
 * after its fork, and the forks take far less), then more until the process
 * table is full: fork must then say EAGAIN, and everybody is collected.
 */
#include "check.h"
#define C(cond, ...) CHECK("many", cond, __VA_ARGS__)
#define FIRST	40

int main(int argc, char **argv)
{
	int i, n, status, seen = 0, sum = 0, want = 0;
	long pid;

	for (n = 0; ; n++) {
		pid = sys_fork();
		if (pid == 0) {
			sleep_ms(500);
			sys_exit(n & 0xFF);
		}
		if (pid < 0)
			break;
	}
	C(n >= FIRST, "only %d forks before %ld\n", n, pid);
	C(pid == -11, "the table filled with %ld, not -EAGAIN\n", pid);
	printf("many: %d children alive at once\n", n);
	for (i = 0; i < n; i++) {
		pid = sys_wait4(-1, &status, 0);
		C(pid > 0 && (status & 0x7F) == 0, "wait4: %ld 0x%x\n", pid,
		  status);
		seen++;
		sum += (status >> 8) & 0xFF;
		want += i & 0xFF;
	}
	C(sum == want, "exit statuses add to %d, not %d\n", sum, want);
	C(sys_wait4(-1, &status, 0) == -10, "a child too many\n");
	if (!failed)
		printf("many: all %d collected\nmany: all\n", seen);
	return failed;
}
