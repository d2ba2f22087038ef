// SPDX-License-Identifier: GPL-2.0
/*
 * tests/user/forkwait.c - fork, exit, wait4, getpid, getppid, brk, read,
 * write, execve and nanosleep, with deterministic output: the same binary
 * runs under the Host's Linux and in the Guest's Kernel, and the lines
 * beginning "forkwait:" must be the same (tests/host/init.c, kernel-native).
 */
#include "check.h"
#define C(cond, ...) CHECK("forkwait", cond, __VA_ARGS__)

static int counter = 5;

/* Five children with five exit statuses, collected by pid in reverse. */
static void children(void)
{
	long pids[5], me = sys_getpid(), pid;
	int i, status;

	for (i = 0; i < 5; i++) {
		pid = sys_fork();
		if (pid == 0) {
			counter = 100 + i;
			return (void)sys_exit(sys_getppid() == me ?
					      10 * i + 3 : 99);
		}
		C(pid > 0, "fork %d: %ld\n", i, pid);
		pids[i] = pid;
	}
	for (i = 4; i >= 0; i--) {
		status = -1;
		pid = sys_wait4(pids[i], &status, 0);
		C(pid == pids[i], "wait4(%ld): %ld\n", pids[i], pid);
		printf("forkwait: child %d exited with %d (signal %d)\n", i,
		       (status >> 8) & 0xFF, status & 0x7F);
	}
	C(counter == 5, "a child's store reached the parent: %d\n", counter);
	C(sys_wait4(-1, &status, 0) == -10, "wait4 with no children\n");
}

/* A child still sleeping is not collected by WNOHANG. */
static void nohang(void)
{
	int status = 0;
	long pid = sys_fork();

	if (pid == 0) {
		sleep_ms(200);
		sys_exit(42);
	}
	C(sys_wait4(pid, &status, 1) == 0, "WNOHANG did not return 0\n");
	C(sys_wait4(-1, &status, 0) == pid, "wait4(-1) did not find it\n");
	printf("forkwait: the sleeper exited with %d\n", (status >> 8) & 0xFF);
}

/* The heap grows zeroed, a child's copy is its own, and it shrinks. */
static void heap(void)
{
	char *base = (char *)sys_brk(0), *top = base + (1 << 20);
	int i, bad = 0, status = 0;

	C(sys_brk(top) == (long)top, "brk did not grow\n");
	for (i = 0; i < (1 << 20); i += 4096) {
		bad += base[i] != 0;
		base[i] = i >> 12;
	}
	C(!bad, "%d new heap pages were not zero\n", bad);
	if (sys_fork() == 0) {
		base[8192] = 77;
		sys_exit((unsigned char)base[4096 * 200] == 200 ? 0 : 1);
	}
	sys_wait4(-1, &status, 0);
	C(status == 0, "the child saw the wrong heap: 0x%x\n", status);
	C(base[8192] == 2, "the child's heap store reached the parent\n");
	C(sys_brk(base) == (long)base, "brk did not shrink\n");
	printf("forkwait: the heap grew by 1 MiB, copied and shrank\n");
}

/* Bad pointers are the program's error, unknown calls are ENOSYS. */
static void errors(void)
{
	char c;

	C(sys_write(1, (void *)0x10, 5) == -14, "write from 0x10\n");
	C(sys_write(1, (void *)0x80100000, 5) == -14, "write from the kernel\n");
	C(sys_write(7, "x", 1) == -9, "write to fd 7\n");
	C(syscall3(9999, 0, 0, 0) == -38, "call 9999 is not ENOSYS\n");
	printf("forkwait: read %ld bytes from stdin\n", sys_read(0, &c, 1));
}

/* execve: a missing program is ENOENT and leaves us as we were; a child
 * becomes /bin/kcat, natively and from the Guest's disk. */
static void exec(void)
{
	char *argv[] = { "kcat", 0 };
	int status = -1;
	long pid;

	C(sys_execve("/no/such/program", argv) == -2, "execve of nothing\n");
	pid = sys_fork();
	if (pid == 0) {
		sys_execve("/bin/kcat", argv);
		sys_exit(99);
	}
	sys_wait4(pid, &status, 0);
	C(status == 0, "the child did not become kcat: 0x%x\n", status);
	printf("forkwait: the child that became kcat exited with %d\n",
	       (status >> 8) & 0xFF);
}

int main(int argc, char **argv)
{
	const char *name = argv[0], *s;

	for (s = argv[0]; *s; s++)
		if (*s == '/')
			name = s + 1;
	printf("forkwait: begin, %d argument(s), called %s\n", argc, name);
	children();
	nohang();
	heap();
	errors();
	exec();
	if (!failed)
		printf("forkwait: all\n");
	return failed;
}
