// SPDX-License-Identifier: GPL-2.0
/*
 * tests/user/files.c - files on the Kernel's disk (K:210-K:270).
 *
 * "files write": create, write, append, read back, truncate and unlink a
 * file; one of several blocks read back at odd offsets; errors (ENOENT,
 * EBADF, ENOEXEC); a pipe into which a child, given it as standard output
 * by dup2, writes after becoming /bin/files again by execve from the disk;
 * then /kept written and fsync'ed, "files: synced", and a sleep until the
 * test kills the Guest.  "files check", on a new boot from the same disk:
 * /kept is there, byte for byte.  "files echo": one line on standard output.
 */
#include "check.h"
#define C(cond, ...) CHECK("files", cond, __VA_ARGS__)
#define KEPT_LEN 1500

static char buf[4096];

/* The byte at @i of /kept (and of the big file): not a repeating block. */
static char pattern(int i)
{
	return 'a' + (i * 7 + i / 512) % 26;
}

/* Compare @len bytes of @s with @want; 1 if they match. */
static int same(const char *s, const char *want, long len)
{
	while (len--)
		if (*s++ != *want++)
			return 0;
	return 1;
}

/* Create, append, read back, truncate, unlink. */
static void small(void)
{
	long fd = sys_open("/notes", O_WRONLY | O_CREAT | O_TRUNC, 0644), n;

	C(fd >= 3, "open /notes for writing: %ld\n", fd);
	C(sys_write(fd, "one\n", 4) == 4, "write one\n");
	C(sys_read(fd, buf, 4) == -9, "read from a write-only file\n");
	C(sys_close(fd) == 0 && sys_close(fd) == -9, "close twice\n");
	fd = sys_open("notes", O_WRONLY | O_APPEND, 0);
	C(sys_write(fd, "two\n", 4) == 4, "append two\n");
	sys_close(fd);
	fd = sys_open("/notes", O_RDONLY, 0);
	n = sys_read(fd, buf, sizeof(buf));
	C(n == 8 && same(buf, "one\ntwo\n", 8), "read back %ld bytes\n", n);
	C(sys_read(fd, buf, 10) == 0, "no end of file\n");
	C(sys_write(fd, "x", 1) == -9, "write to a read-only file\n");
	sys_close(fd);
	fd = sys_open("/notes", O_RDWR | O_TRUNC, 0);
	C(sys_read(fd, buf, 10) == 0, "truncated, yet bytes are left\n");
	sys_close(fd);
	C(sys_unlink("/notes") == 0, "unlink /notes\n");
	C(sys_open("/notes", O_RDONLY, 0) == -2, "/notes is still there\n");
	C(sys_unlink("/notes") == -2, "unlink twice\n");
	printf("files: create, append, truncate and unlink\n");
}

/* A file of several blocks, written in odd pieces, read at odd offsets. */
static void big(void)
{
	long fd = sys_open("/big", O_RDWR | O_CREAT | O_TRUNC, 0), n, i, got;
	int bad = 0;

	for (i = 0; i < 3000; i++)
		buf[i] = pattern(i);
	for (i = 0; i < 3000; i += n)
		n = sys_write(fd, buf + i, i + 700 > 3000 ? 3000 - i : 700);
	sys_close(fd);
	fd = sys_open("/big", O_RDONLY, 0);
	for (got = 0; (n = sys_read(fd, buf, 333)) > 0; got += n)
		for (i = 0; i < n; i++)
			bad += buf[i] != pattern(got + i);
	sys_close(fd);
	C(got == 3000 && !bad, "read %ld bytes back, %d wrong\n", got, bad);
	C(sys_unlink("/big") == 0, "unlink /big\n");
	printf("files: 3000 bytes through six blocks\n");
}

/* The errors a student's shell will meet. */
static void errors(void)
{
	char *argv[] = { "README", 0 };
	long fd = sys_open("/README", O_RDONLY, 0), n;

	n = sys_read(fd, buf, 20);
	C(n == 20 && same(buf, "This disk was made b", 20), "README: %ld\n",
	  n);
	sys_close(fd);
	C(sys_open("/no/such/file", O_RDONLY, 0) == -2, "open of nothing\n");
	C(sys_execve("/no/such/program", argv) == -2, "execve of nothing\n");
	C(sys_execve("/README", argv) == -8, "execve of a text file\n");
	C(sys_write(9, "x", 1) == -9 && sys_dup2(9, 3) == -9, "fd 9\n");
	printf("files: ENOENT, ENOEXEC and EBADF as Linux says them\n");
}

/* A child, become /bin/files from the disk, writes into a pipe via dup2. */
static void piped(void)
{
	char *argv[] = { "files", "echo", 0 };
	int fds[2] = { -1, -1 }, status = -1;
	long pid, n, got = 0;

	C(sys_pipe(fds) == 0 && fds[0] >= 0 && fds[1] >= 0, "pipe\n");
	pid = sys_fork();
	if (pid == 0) {
		sys_dup2(fds[1], 1);
		sys_close(fds[0]);
		sys_close(fds[1]);
		sys_execve("/bin/files", argv);
		sys_exit(99);
	}
	sys_close(fds[1]);
	while ((n = sys_read(fds[0], buf + got, sizeof(buf) - got)) > 0)
		got += n;
	sys_close(fds[0]);
	sys_wait4(pid, &status, 0);
	C(status == 0, "the child: 0x%x\n", status);
	C(got == 21 && same(buf, "files: through a pipe", 21),
	  "the pipe gave %ld bytes\n", got);
	printf("files: a program from the disk wrote through a pipe\n");
}

/* Write /kept, sync it, and wait to be killed. */
static void keep(void)
{
	long fd = sys_open("/kept", O_WRONLY | O_CREAT | O_TRUNC, 0), i;

	for (i = 0; i < KEPT_LEN; i++)
		buf[i] = pattern(i);
	C(sys_write(fd, buf, KEPT_LEN) == KEPT_LEN, "write /kept\n");
	C(sys_fsync(fd) == 0, "fsync\n");
	sys_close(fd);
	if (failed)
		return;
	printf("files: synced\n");
	for (;;)
		sleep_ms(1000);
}

/* After the kill and a new boot: /kept as it was written. */
static void check(void)
{
	long fd = sys_open("/kept", O_RDONLY, 0), n, i;
	int bad = 0;

	n = sys_read(fd, buf, sizeof(buf));
	for (i = 0; i < n; i++)
		bad += buf[i] != pattern(i);
	C(fd >= 0 && n == KEPT_LEN && !bad, "/kept: %ld bytes, %d wrong\n", n,
	  bad);
	if (!failed)
		printf("files: /kept is intact after the kill\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && same(argv[1], "echo", 5)) {
		printf("files: through a pipe");
		return 0;
	}
	if (argc > 1 && same(argv[1], "check", 6)) {
		check();
	} else {
		small();
		big();
		errors();
		piped();
		keep();
	}
	if (!failed)
		printf("files: all\n");
	return failed;
}
