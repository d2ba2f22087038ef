// SPDX-License-Identifier: GPL-2.0
/*
 * tests/host/init.c - the /init (PID 1) of the host test initramfs.
 *
 * tests/host-rig.sh boots the host kernel in QEMU with an initramfs holding
 * this program, the module as /lg.ko and any extra files (launcher, guest
 * images).  We mount /proc, /sys and /dev, run every case of the table at the
 * bottom in its own forked child with a time limit, print one line per case
 * on the console:
 *
 *	HOSTTEST <name> ok
 *	HOSTTEST <name> FAIL: <reason>
 *
 * then "HOSTTESTS DONE <passed> <failed>" and power the machine off.  The rig
 * also scans the console for kernel complaints, so nothing printed here may
 * look like one.
 *
 * Adding a case: write "static void t_foo(void)" which calls fail() (as many
 * times as it likes; the reasons are joined) for anything wrong, and step()
 * before anything that might hang, then add a line to the table.  Cases run
 * in table order and share the kernel, so a case that needs the module calls
 * need_module() first.  run_prog() runs a program from the initramfs (say
 * /lguest) with a time limit and captures its output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>

#define MODULE_PATH	"/lg.ko"
#define MODULE_NAME	"lg"
#define DEV_PATH	"/dev/lguest"
#define SYSFS_PATH	"/sys/class/misc/lguest"

#define DEFAULT_TIMEOUT	60	/* seconds per case */
#define DEVTMPFS_WAIT	2000	/* ms for devtmpfs/sysfs to catch up */

/* The requests, as the module expects them: 32-bit words, word 0 is this. */
enum {
	LHREQ_INITIALIZE,	/* + base, pfnlimit, pgdir, start */
	LHREQ_GETDMA,		/* retired */
	LHREQ_IRQ,		/* + irq */
	LHREQ_BREAK,		/* + flag */
};

#define PAGE		4096u
#define GUEST_PAGES	64u

/*
 * A child reports through memory shared with the parent: the reasons it
 * failed, and what it was doing (for when it hangs or dies).
 */
#define REASON_LEN	1024
#define STEP_LEN	128

struct report {
	char reason[REASON_LEN];
	char step[STEP_LEN];
};

static struct report *report;

/* Record a failure; a case may fail several times, reasons are joined. */
static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	size_t len = strlen(report->reason);
	va_list ap;

	if (len && len < REASON_LEN - 3) {
		strcpy(report->reason + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(report->reason + len, REASON_LEN - len, fmt, ap);
	va_end(ap);
}

/* Note what we are about to do, for the report if we never come back. */
static void __attribute__((format(printf, 1, 2))) step(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(report->step, STEP_LEN, fmt, ap);
	va_end(ap);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait up to @ms for @path to exist (@present) or to be gone (!@present). */
static int wait_for_path(const char *path, int present, unsigned int ms)
{
	struct stat st;
	unsigned int waited;

	for (waited = 0; ; waited += 10) {
		if ((stat(path, &st) == 0) == !!present)
			return 0;
		if (waited >= ms)
			return -1;
		sleep_ms(10);
	}
}

/* Is the module in /proc/modules?  1 yes, 0 no, -1 cannot tell. */
static int module_listed(void)
{
	char line[256];
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, MODULE_NAME " ", strlen(MODULE_NAME) + 1))
			found = 1;
	fclose(f);
	return found;
}

/* finit_module(/lg.ko); 0 or -errno. */
static int module_load(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = -errno;
	close(fd);
	return ret;
}

/* delete_module("lg"); 0 or -errno. */
static int module_unload(void)
{
	if (syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK))
		return -errno;
	return 0;
}

/*
 * For cases that need the module: load it unless it is there, and wait for
 * its device node.  Returns 0, or -1 after fail().
 */
static int __attribute__((unused)) need_module(void)
{
	int err;

	step("loading module");
	if (module_listed() != 1) {
		err = module_load();
		if (err && err != -EEXIST) {
			fail("finit_module(%s): %s", MODULE_PATH,
			     strerror(-err));
			return -1;
		}
	}
	if (wait_for_path(DEV_PATH, 1, DEVTMPFS_WAIT)) {
		fail("%s did not appear", DEV_PATH);
		return -1;
	}
	return 0;
}

/*
 * Run argv[0] (a path) with a time limit of @timeout seconds, its stdin
 * /dev/null, its stdout and stderr captured in @out (NUL-terminated, the
 * rest dropped).  Returns the wait status, or -1 with errno set if it could
 * not be run, or -2 if it timed out (it was then killed).
 */
static int __attribute__((unused))
run_prog(char *const argv[], char *out, size_t outlen, unsigned int timeout)
{
	int pipefd[2], status, flags;
	size_t used = 0;
	unsigned int waited = 0;
	pid_t pid;
	ssize_t n;
	char sink[256];

	if (outlen)
		out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	flags = fcntl(pipefd[0], F_GETFL);
	fcntl(pipefd[0], F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		if (outlen && used < outlen - 1)
			n = read(pipefd[0], out + used, outlen - 1 - used);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n > 0) {
			if (outlen && used < outlen - 1) {
				used += n;
				out[used] = '\0';
			}
			continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (waited >= timeout * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(pipefd[0]);
			return -2;
		}
		sleep_ms(10);
		waited += 10;
	}
	/* Drain what it wrote just before exiting. */
	while (outlen && used < outlen - 1 &&
	       (n = read(pipefd[0], out + used, outlen - 1 - used)) > 0) {
		used += n;
		out[used] = '\0';
	}
	close(pipefd[0]);
	return status;
}

/*
 * The cases.
 */

static void t_load(void)
{
	int err;

	step("finit_module");
	err = module_load();
	if (err)
		fail("finit_module(%s): %s", MODULE_PATH, strerror(-err));
	else if (module_listed() != 1)
		fail("loaded but not in /proc/modules");
}

static void t_devnode(void)
{
	unsigned int maj, min;
	struct stat st;
	FILE *f;

	if (wait_for_path(DEV_PATH, 1, DEVTMPFS_WAIT)) {
		fail("%s: %s", DEV_PATH, strerror(errno));
		return;
	}
	if (stat(DEV_PATH, &st)) {
		fail("stat %s: %s", DEV_PATH, strerror(errno));
		return;
	}
	if (!S_ISCHR(st.st_mode))
		fail("%s is not a character device", DEV_PATH);
	if ((st.st_mode & 07777) != 0600)
		fail("%s has mode %04o, not 0600", DEV_PATH,
		     (unsigned int)(st.st_mode & 07777));
	if (st.st_uid != 0 || st.st_gid != 0)
		fail("%s owned by %u:%u, not root", DEV_PATH,
		     (unsigned int)st.st_uid, (unsigned int)st.st_gid);

	if (wait_for_path(SYSFS_PATH, 1, DEVTMPFS_WAIT)) {
		fail("%s: %s", SYSFS_PATH, strerror(errno));
		return;
	}
	/* The sysfs "dev" attribute should name the same device. */
	f = fopen(SYSFS_PATH "/dev", "r");
	if (!f) {
		fail("%s/dev: %s", SYSFS_PATH, strerror(errno));
		return;
	}
	if (fscanf(f, "%u:%u", &maj, &min) != 2)
		fail("%s/dev: unreadable", SYSFS_PATH);
	else if (S_ISCHR(st.st_mode) &&
		 (maj != major(st.st_rdev) || min != minor(st.st_rdev)))
		fail("%s is %u:%u but sysfs says %u:%u", DEV_PATH,
		     major(st.st_rdev), minor(st.st_rdev), maj, min);
	fclose(f);
}

static void t_open_close(void)
{
	int fd1, fd2;

	step("open");
	fd1 = open(DEV_PATH, O_RDWR);
	if (fd1 < 0) {
		fail("open %s: %s", DEV_PATH, strerror(errno));
		return;
	}
	step("close");
	if (close(fd1))
		fail("close: %s", strerror(errno));

	step("open twice");
	fd1 = open(DEV_PATH, O_RDWR);
	if (fd1 < 0) {
		fail("first of two opens: %s", strerror(errno));
		return;
	}
	fd2 = open(DEV_PATH, O_RDWR);
	if (fd2 < 0)
		fail("second concurrent open: %s", strerror(errno));
	else if (close(fd2))
		fail("close second fd: %s", strerror(errno));
	if (close(fd1))
		fail("close first fd: %s", strerror(errno));
}

/*
 * Write @len bytes of @req to @fd and expect failure with @want (0: expect
 * success, returning @len).  Returns 1 if the write succeeded (so the caller
 * knows the fd may have changed state), else 0.
 */
static int expect_write(int fd, const char *what, const void *req, size_t len,
			int want)
{
	ssize_t ret;

	step("%s", what);
	ret = write(fd, req, len);
	if (ret < 0) {
		if (errno != want)
			fail("%s: %s, want %s", what, strerror(errno),
			     want ? strerror(want) : "success");
		return 0;
	}
	if (want)
		fail("%s: returned %zd, want %s", what, ret, strerror(want));
	else if ((size_t)ret != len)
		fail("%s: returned %zd, want %zu", what, ret, len);
	return 1;
}

static int open_dev(void)
{
	int fd = open(DEV_PATH, O_RDWR);

	if (fd < 0)
		fail("open %s: %s", DEV_PATH, strerror(errno));
	return fd;
}

static void t_bad_requests(void)
{
	uint32_t base, req[6];
	uint32_t word;
	void *mem;
	int fd;
	struct {
		const char *what;
		uint32_t req[6];
		size_t len;
	} bad[] = {
		{ "2-byte write", { LHREQ_INITIALIZE }, 2 },
		{ "unknown request 99", { 99, 0 }, 8 },
		{ "retired GETDMA", { LHREQ_GETDMA, 0 }, 8 },
		{ "IRQ before INITIALIZE", { LHREQ_IRQ, 0 }, 8 },
		{ "BREAK before INITIALIZE", { LHREQ_BREAK, 0 }, 8 },
		/* The INITIALIZEs get base filled in below unless it's set. */
		{ "INITIALIZE with 3 args",
		  { LHREQ_INITIALIZE, 0, GUEST_PAGES, 0 }, 16 },
		{ "INITIALIZE with 5 args",
		  { LHREQ_INITIALIZE, 0, GUEST_PAGES, 0, PAGE, 0 }, 24 },
		{ "INITIALIZE with pfnlimit 0",
		  { LHREQ_INITIALIZE, 0, 0, 0, PAGE }, 20 },
		{ "INITIALIZE with unaligned base",
		  { LHREQ_INITIALIZE, 0x10, GUEST_PAGES, 0, PAGE }, 20 },
		{ "INITIALIZE with start past pfnlimit",
		  { LHREQ_INITIALIZE, 0, GUEST_PAGES, 0,
		    GUEST_PAGES * PAGE }, 20 },
		{ "INITIALIZE with unaligned pgdir",
		  { LHREQ_INITIALIZE, 0, GUEST_PAGES, 0x100, PAGE }, 20 },
		{ "INITIALIZE with base+limit past 4G",
		  { LHREQ_INITIALIZE, 0xFFFF0000u, 0x20, 0, PAGE }, 20 },
		{ "INITIALIZE with pfnlimit*4096 overflowing",
		  { LHREQ_INITIALIZE, 0xFFFF0000u, 0x100000u, 0, PAGE }, 20 },
	};
	unsigned int i;

	step("mmap guest memory");
	mem = mmap(NULL, GUEST_PAGES * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		return;
	}
	base = (uint32_t)(uintptr_t)mem;

	fd = open_dev();
	if (fd < 0)
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Those with a base of their own are about overflow. */
		if (bad[i].req[0] == LHREQ_INITIALIZE && bad[i].len > 4 &&
		    bad[i].req[1] < 0x1000)
			bad[i].req[1] += base;
		if (expect_write(fd, bad[i].what, bad[i].req, bad[i].len,
				 EINVAL)) {
			/* It took it: start again on a fresh fd. */
			close(fd);
			fd = open_dev();
			if (fd < 0)
				return;
		}
	}
	step("read before INITIALIZE");
	if (read(fd, &word, sizeof(word)) >= 0)
		fail("read before INITIALIZE: succeeded, want %s",
		     strerror(EINVAL));
	else if (errno != EINVAL)
		fail("read before INITIALIZE: %s, want %s", strerror(errno),
		     strerror(EINVAL));
	close(fd);

	fd = open_dev();
	if (fd < 0)
		return;
	req[0] = LHREQ_INITIALIZE;
	req[1] = base;
	req[2] = GUEST_PAGES;
	req[3] = 0;
	req[4] = 0;
	if (!expect_write(fd, "valid INITIALIZE", req, 20, 0)) {
		close(fd);
		return;
	}
	expect_write(fd, "second INITIALIZE", req, 20, EBUSY);
	req[0] = LHREQ_IRQ;
	req[1] = 32;
	expect_write(fd, "IRQ 32", req, 8, EINVAL);
	req[0] = LHREQ_BREAK;
	req[1] = 2;
	expect_write(fd, "BREAK with flag 2", req, 8, EINVAL);
	step("close initialized fd");
	if (close(fd))
		fail("close after INITIALIZE: %s", strerror(errno));
}

/* After unloading, nothing of the module may remain visible. */
static void check_gone(const char *when)
{
	if (wait_for_path(DEV_PATH, 0, DEVTMPFS_WAIT))
		fail("%s still exists %s", DEV_PATH, when);
	if (wait_for_path(SYSFS_PATH, 0, DEVTMPFS_WAIT))
		fail("%s still exists %s", SYSFS_PATH, when);
	switch (module_listed()) {
	case 1:
		fail("%s still in /proc/modules %s", MODULE_NAME, when);
		break;
	case -1:
		fail("/proc/modules: %s", strerror(errno));
		break;
	}
}

static void t_rmmod(void)
{
	int err;

	step("delete_module");
	err = module_unload();
	if (err) {
		fail("delete_module(%s): %s", MODULE_NAME, strerror(-err));
		return;
	}
	check_gone("after unload");
}

static void t_reload_20(void)
{
	int i, fd, err;

	for (i = 1; i <= 20; i++) {
		step("iteration %d: load", i);
		err = module_load();
		if (err) {
			fail("iteration %d: finit_module: %s", i,
			     strerror(-err));
			return;
		}
		step("iteration %d: open", i);
		if (wait_for_path(DEV_PATH, 1, DEVTMPFS_WAIT)) {
			fail("iteration %d: %s did not appear", i, DEV_PATH);
		} else {
			fd = open(DEV_PATH, O_RDWR);
			if (fd < 0)
				fail("iteration %d: open: %s", i,
				     strerror(errno));
			else if (close(fd))
				fail("iteration %d: close: %s", i,
				     strerror(errno));
		}
		step("iteration %d: unload", i);
		err = module_unload();
		if (err) {
			fail("iteration %d: delete_module: %s", i,
			     strerror(-err));
			return;
		}
		/* devtmpfs removes nodes asynchronously: let it settle. */
		if (wait_for_path(DEV_PATH, 0, DEVTMPFS_WAIT)) {
			fail("iteration %d: %s lingers", i, DEV_PATH);
			return;
		}
		if (report->reason[0])
			return;
	}
	check_gone("after 20 reloads");
}

struct hosttest {
	const char *name;
	void (*fn)(void);
	unsigned int timeout;	/* seconds; 0 means DEFAULT_TIMEOUT */
};

static const struct hosttest tests[] = {
	{ "load",		t_load,		60 },
	{ "devnode",		t_devnode,	60 },
	{ "open-close",		t_open_close,	60 },
	{ "bad-requests",	t_bad_requests,	60 },
	{ "rmmod",		t_rmmod,	60 },
	{ "reload-20",		t_reload_20,	120 },
};

/*
 * The harness.
 */

/* One line to the console in one write(), and wait until it is out. */
static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	char line[REASON_LEN + STEP_LEN + 128];
	va_list ap;
	int len;
	char *p;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len > (int)sizeof(line) - 2)
		len = sizeof(line) - 2;
	/* A reason is one line, whatever went into it. */
	for (p = line; p < line + len; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	line[len++] = '\n';
	while (write(1, line, len) < 0 && errno == EINTR)
		;
	tcdrain(1);
}

/* Run one case in a child; returns 1 if it passed. */
static int run_case(const struct hosttest *t)
{
	unsigned int limit = (t->timeout ? t->timeout : DEFAULT_TIMEOUT) * 1000;
	unsigned int waited = 0;
	int status, timed_out = 0;
	pid_t pid;

	memset(report, 0, sizeof(*report));
	pid = fork();
	if (pid < 0) {
		say("HOSTTEST %s FAIL: fork: %s", t->name, strerror(errno));
		return 0;
	}
	if (pid == 0) {
		t->fn();
		_exit(report->reason[0] ? 1 : 0);
	}

	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (waited >= limit) {
			timed_out = 1;
			break;
		}
		sleep_ms(10);
		waited += 10;
	}
	if (timed_out) {
		kill(pid, SIGKILL);
		/* Give it a moment to die; it may be stuck in the kernel. */
		for (waited = 0; waited < 5000; waited += 10) {
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			sleep_ms(10);
		}
		say("HOSTTEST %s FAIL: timed out after %u s during %s%s%s",
		    t->name, limit / 1000,
		    report->step[0] ? report->step : "start",
		    report->reason[0] ? "; before that: " : "",
		    report->reason);
		return 0;
	}

	if (WIFSIGNALED(status)) {
		say("HOSTTEST %s FAIL: died of signal %d (%s) during %s%s%s",
		    t->name, WTERMSIG(status), strsignal(WTERMSIG(status)),
		    report->step[0] ? report->step : "start",
		    report->reason[0] ? "; before that: " : "",
		    report->reason);
		return 0;
	}
	if (report->reason[0]) {
		say("HOSTTEST %s FAIL: %s", t->name, report->reason);
		return 0;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say("HOSTTEST %s FAIL: exit status %d", t->name,
		    WEXITSTATUS(status));
		return 0;
	}
	say("HOSTTEST %s ok", t->name);
	return 1;
}

static void mount_fs(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		say("HOSTTESTS note: mount %s on %s: %s", type, dir,
		    strerror(errno));
}

int main(void)
{
	unsigned int i, passed = 0, failed = 0;
	int fd;

	mount_fs("devtmpfs", "/dev", "devtmpfs");
	/* No console from the kernel?  Then take devtmpfs's. */
	if (fcntl(1, F_GETFD) < 0) {
		fd = open("/dev/console", O_RDWR | O_NOCTTY);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");

	report = mmap(NULL, sizeof(*report), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (report == MAP_FAILED) {
		say("HOSTTESTS note: mmap: %s", strerror(errno));
		goto out;
	}

	say("HOSTTESTS START %u", (unsigned int)(sizeof(tests) /
						 sizeof(tests[0])));
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (run_case(&tests[i]))
			passed++;
		else
			failed++;
		/* Reap anything a case left behind (we are everyone's init). */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	say("HOSTTESTS DONE %u %u", passed, failed);
out:
	sync();
	reboot(RB_POWER_OFF);
	/* PID 1 must never exit. */
	for (;;)
		pause();
}
