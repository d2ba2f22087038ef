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
 * then "HOSTTESTS DONE <passed> <failed>" and power the machine off.
 *
 * A case also fails if the kernel complained while it ran: run_case() reads
 * the kernel's log (/dev/kmsg) from where it was when the case began, and
 * a line of the kernel's holding any of kernel_bad[] ("Oops", "BUG:",
 * "Call Trace", "Uhhuh", "rcu: INFO", "soft lockup", ...) fails the case
 * with that line.  The rig scans the whole console for the same list (it
 * reads kernel_bad[] from this file), as a backstop for what comes between
 * cases; so nothing printed here may look like a complaint.  (The one
 * report a case provokes on purpose, an NMI backtrace, is fenced by
 * "HOSTTESTS QUIET BEGIN/END" records in the kernel's log: see
 * t_nmi_in_guest(), kmsg_judge() and tests/host-rig.sh.)
 *
 * "lguest.nmis" on the command line (the rig's NMIS, the host-nmi run of
 * make test) says NMIs nobody claims will come: the lines of nmi_unknown[]
 * ("Uhhuh. NMI received for unknown reason", "Dazed and confused ...") are
 * then counted, not failed, a note after each case gives its NMIs, and
 * "HOSTTESTS NMIS <n>" before DONE the NMIs taken during the cases.  Our
 * own lines then go through the kernel's log (see emit()).
 *
 * "lguest.soak" (make soak) runs the cases marked .soak, and only those:
 * see the soak section below the other cases.
 *
 * Adding a case: write "static void t_foo(void)" which calls fail() (as many
 * times as it likes; the reasons are joined) for anything wrong, and step()
 * before anything that might hang, then add a line to the table.  Cases run
 * in table order and share the kernel, so a case that needs the module calls
 * need_module() first.  A case that needs more CPUs than one says how many
 * in the table (.cpus); on a machine with fewer it is not run, and a note
 * says so.  A case marked .soak (the SOAK() lines) runs only in the soak.
 * run_prog() runs a program from the initramfs (say /lguest) with a time
 * limit and captures its output; prog_start() and prog_wait() do the same
 * in two halves, for programs that run side by side.
 *
 * Most cases run a Guest: the rig puts the Launcher at /lguest and every
 * Guest image under /guests/, and a GUEST() or HOSTILE() line in the table
 * says which image, with which words, and what must come of it (see
 * t_guest() and judge()).  Cases run in table order, so the ones that
 * remove the module come last.
 *
 * "lguest.only=traps,fpu" on the kernel command line (KERNEL_ARGS for the
 * rig) runs only the cases named; "hostile-*" names every case whose name
 * begins so.
 *
 * The fuzz-N cases run the hypercall fuzzer (t_fuzz()) on seed N:
 * "lguest.fuzzcalls=N" changes how many calls each seed makes,
 * "lguest.fuzzverbose" notes every launch, and "lguest.fuzzseeds=A-B" runs
 * seeds A to B instead of the table (make soak).
 *
 * Booted with "lguest.demo" on the kernel command line (make run), init
 * runs no tests: it runs the demo Guest with its output on the console,
 * prints "LGUEST DEMO DONE <status>" and powers off.  With
 * "lguest.fuzzreplay=seed=1,start=512,trace=600" as well, the demo is that
 * launch of the fuzzer, to see what a failing fuzz case did.
 *
 * Booted with "lguest.bench" (make bench), init runs no tests either: it
 * runs /native-bench and the bench Guest, prints their lines and a table of
 * Guest against native costs, then "LGUEST BENCH DONE <status>", and powers
 * off.  The bench measures; it never passes or fails on time.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
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

#define KMSG		"/dev/kmsg"

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

/* If not -1, the next program started gets this as its stdin. */
static int next_stdin = -1;

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

/*
 * Where our lines go: the console (fd 1), or, in the NMI run, the kernel's
 * log (see emit()).
 */
static int kmsg_lines = -1;

/*
 * Put one line (@len bytes, ending in a newline) on the console.  Usually
 * we write it to fd 1 and wait until it is out.  But the kernel writes to
 * the same serial port, a record at a time, while the tty sends our line
 * a FIFO's worth at a time, so a kernel line can land in the middle of
 * ours; in the NMI run, where the Host reports every NMI, that happens.
 * There (kmsg_lines open) our line becomes a record of the kernel's log,
 * and the console prints it whole, in turn with the kernel's.
 */
static void emit(const char *line, size_t len)
{
	char rec[1000];
	int n;

	if (kmsg_lines >= 0) {
		n = snprintf(rec, sizeof(rec), "<5>%.*s", (int)len, line);
		if (n >= (int)sizeof(rec)) {	/* cut short, still a line */
			n = sizeof(rec) - 1;
			rec[n - 1] = '\n';
		}
		while (write(kmsg_lines, rec, n) < 0 && errno == EINTR)
			;
		return;
	}
	while (write(1, line, len) < 0 && errno == EINTR)
		;
	tcdrain(1);
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
 * A program running in the background: its pid, and the pipe its stdout and
 * stderr go to, collected into @out (NUL-terminated, the rest dropped).
 */
struct prog {
	pid_t pid;
	int fd;
	char *out;
	size_t outlen, used;
};

/*
 * Start argv[0] (a path), its stdin /dev/null, on CPU @cpu alone (-1: any).
 * 0, or -1 with errno set.
 */
static int prog_start_on(struct prog *p, char *const argv[], char *out,
			 size_t outlen, int cpu)
{
	int pipefd[2];

	p->out = out;
	p->outlen = outlen;
	p->used = 0;
	if (outlen)
		out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	p->pid = fork();
	if (p->pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (p->pid == 0) {
		int null = next_stdin >= 0 ? next_stdin :
			   open("/dev/null", O_RDONLY);
		cpu_set_t set;

		if (null >= 0)
			dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		if (cpu >= 0) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set)) {
				dprintf(2, "sched_setaffinity(CPU %d): %s\n",
					cpu, strerror(errno));
				_exit(127);
			}
		}
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	p->fd = pipefd[0];
	fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

static int prog_start(struct prog *p, char *const argv[], char *out,
		      size_t outlen)
{
	return prog_start_on(p, argv, out, outlen, -1);
}

/* Collect whatever the program has written; returns 0 at end of file. */
static int prog_drain(struct prog *p)
{
	char sink[256];
	ssize_t n;

	for (;;) {
		if (p->outlen && p->used < p->outlen - 1)
			n = read(p->fd, p->out + p->used,
				 p->outlen - 1 - p->used);
		else
			n = read(p->fd, sink, sizeof(sink));
		if (n <= 0)
			return n < 0 ? 1 : 0;
		if (p->outlen && p->used < p->outlen - 1) {
			p->used += n;
			p->out[p->used] = '\0';
		}
	}
}

/* Wait up to @ms for @text in the program's output; 0 if it came. */
static int __attribute__((unused))
prog_wait_output(struct prog *p, const char *text, unsigned int ms)
{
	unsigned int waited;

	for (waited = 0; ; waited += 10) {
		prog_drain(p);
		if (p->outlen && strstr(p->out, text))
			return 0;
		if (waited >= ms)
			return -1;
		sleep_ms(10);
	}
}

/*
 * Wait up to @ms for the program to exit, collecting its output.  Returns
 * its wait status, or -2 if it did not exit in time (it is then killed).
 */
static int prog_wait(struct prog *p, unsigned int ms)
{
	unsigned int waited = 0;
	int status, ret = -2;

	for (;;) {
		prog_drain(p);
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			ret = status;
			break;
		}
		if (waited >= ms) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			break;
		}
		sleep_ms(10);
		waited += 10;
	}
	prog_drain(p);		/* what it wrote just before exiting */
	close(p->fd);
	return ret;
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
	struct prog p;

	if (prog_start(&p, argv, out, outlen))
		return -1;
	return prog_wait(&p, timeout * 1000);
}

/*
 * A case: a function, or a Guest for t_guest() to run and judge.
 */
struct hosttest {
	const char *name;
	void (*fn)(void);
	unsigned int timeout;	/* seconds; 0 means DEFAULT_TIMEOUT */
	const char *guest;	/* t_guest: /guests/<guest>.elf */
	const char *args;	/* its command line words, or NULL */
	int want;		/* an exit status, or one of the WANTs */
	const char *expect;	/* text its output must contain, or NULL */
	unsigned int cpus;	/* CPUs it needs; fewer present: not run */
	int soak;		/* run with lguest.soak, and only then */
};

static const struct hosttest *current;	/* the case running now */

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

/*
 * Cases that run Guests: /lguest [options] 32 /guests/NAME.elf [words...]
 * (32 MiB of memory: GUEST_MEM_MB), judged by the
 * Launcher's exit status and what it printed.  A Guest the Host killed makes
 * the Launcher exit 255 and print "lguest: Guest killed: <reason>"; a test
 * Guest that passes prints "<name>: all N checks passed" and exits 0; a
 * hostile one that gets away with something prints "SURVIVED".  What must
 * come of a case is an exit status or WANT_KILLED, and text: every line of
 * it must be in the output, or for a killed Guest in the kill reason.
 */
#define LAUNCHER	"/lguest"
#define GUEST_DIR	"/guests/"
#define GUEST_MEM_MB	"32"	/* MiB, the Launcher's MEM-MB, for every Guest */
#define OUT_LEN		16384
#define KILLED_LINE	"lguest: Guest killed: "

enum {
	WANT_OK = 0,		/* exit status 0 */
	WANT_KILLED = -1,	/* killed by the Host: 255 and KILLED_LINE */
};

/* A note on the console that the rig ignores: what a Guest died of. */
static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int len;
	char *p;

	len = snprintf(line, sizeof(line), "HOSTTESTS note: ");
	va_start(ap, fmt);
	vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	va_end(ap);
	for (p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	strcat(line, "\n");
	emit(line, strlen(line));
}

/*
 * @out on one line for a failure reason: its FAIL lines if it has any, else
 * its end; newlines become " | ".
 */
static const char *excerpt(const char *out)
{
	static char buf[400];
	const char *from = out, *fails = strstr(out, "FAIL");
	size_t len = strlen(out), j = 0;

	if (fails) {
		while (fails > out && fails[-1] != '\n')
			fails--;
		from = fails;
	} else if (len > 240) {
		from = out + len - 240;
	}
	for (; *from && j < sizeof(buf) - 4; from++) {
		if (*from == '\n') {
			if (from[1])
				j += snprintf(buf + j, sizeof(buf) - j, " | ");
		} else if (*from != '\r') {
			buf[j++] = *from;
		}
	}
	buf[j] = '\0';
	return buf;
}

/*
 * Start the Launcher on /guests/@guest.elf with the words in @args, on CPU
 * @cpu alone (-1: any).
 */
static int start_guest_on(struct prog *p, const char *guest, const char *args,
			  char *out, size_t outlen, int cpu)
{
	static char path[128], words[256], opts[256];
	char *argv[24], *w;
	int argc = 0;

	if (access(LAUNCHER, X_OK)) {
		fail("no %s in the initramfs (is out/lguest built?)", LAUNCHER);
		return -1;
	}
	argv[argc++] = LAUNCHER;
	/* "--opt ... name": Launcher options, MEM-MB, the image's name. */
	snprintf(opts, sizeof(opts), "%s", guest);
	for (w = strtok(opts, " "); w; w = strtok(NULL, " "))
		argv[argc++] = w;
	guest = argv[--argc];
	argv[argc++] = GUEST_MEM_MB;
	snprintf(path, sizeof(path), GUEST_DIR "%s.elf", guest);
	argv[argc++] = path;
	snprintf(words, sizeof(words), "%s", args ? args : "");
	for (w = strtok(words, " "); w && argc < 23; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (access(path, R_OK)) {
		fail("no %s in the initramfs", path);
		return -1;
	}
	step("running %s %s", guest, args ? args : "");
	if (prog_start_on(p, argv, out, outlen, cpu)) {
		fail("cannot run %s: %s", LAUNCHER, strerror(errno));
		return -1;
	}
	return 0;
}

static int start_guest(struct prog *p, const char *guest, const char *args,
		       char *out, size_t outlen)
{
	return start_guest_on(p, guest, args, out, outlen, -1);
}

/*
 * start_guest() with a new pipe as the Launcher's standard input, the
 * Guest's console input; returns the pipe's write end, or -1 after fail().
 */
static int start_guest_piped(struct prog *p, const char *guest,
			     const char *args, char *out, size_t outlen)
{
	int fds[2], err;

	if (pipe2(fds, O_CLOEXEC)) {
		fail("pipe: %s", strerror(errno));
		return -1;
	}
	next_stdin = fds[0];
	err = start_guest(p, guest, args, out, outlen);
	next_stdin = -1;
	close(fds[0]);
	if (err) {
		close(fds[1]);
		return -1;
	}
	return fds[1];
}

/*
 * The first line of @expect (one or more lines) that is not somewhere in
 * @text, copied into @buf; NULL if all are.
 */
static const char *missing_line(const char *text, const char *expect,
				char *buf, size_t len)
{
	const char *line, *end;

	for (line = expect; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		snprintf(buf, len, "%.*s", (int)(end - line), line);
		if (!strstr(text, buf))
			return buf;
	}
	return NULL;
}

/*
 * Judge the Launcher's wait @status and output @out against @want, and
 * @expect (see above).
 */
static void judge(const char *what, int status, const char *out, int want,
		  const char *expect)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	const char *killed = code == 255 ? strstr(out, KILLED_LINE) : NULL;
	char why[200] = "", reason[256] = "", line[120];
	const char *missing = NULL;

	if (killed)
		snprintf(reason, sizeof(reason), "%.*s",
			 (int)strcspn(killed + strlen(KILLED_LINE), "\r\n"),
			 killed + strlen(KILLED_LINE));
	if (expect)
		missing = missing_line(killed ? reason : out, expect, line,
				       sizeof(line));

	if (status == -2)
		snprintf(why, sizeof(why), "still running at its time limit");
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "the Launcher died of signal %d",
			 WTERMSIG(status));
	else if (strstr(out, "SURVIVED"))
		snprintf(why, sizeof(why), "the attack worked (exit %d)", code);
	else if (want == WANT_KILLED && !killed)
		snprintf(why, sizeof(why), "exit %d, want the Guest killed",
			 code);
	else if (want >= 0 && code != want)
		snprintf(why, sizeof(why), "exit %d, want %d", code, want);
	else if (missing && killed)
		snprintf(why, sizeof(why), "killed for \"%s\", want \"%s\"",
			 reason, missing);
	else if (missing)
		snprintf(why, sizeof(why), "no \"%s\" in its output", missing);
	if (why[0])
		fail("%s: %s: %s", what, why, excerpt(out));
	else if (killed)
		note("%s: %.200s", what, killed);
}

/* Run one Guest to its end and judge it. */
static void run_guest(const char *what, const char *guest, const char *args,
		      unsigned int timeout, int want, const char *expect)
{
	static char out[OUT_LEN];
	struct prog p;

	if (start_guest(&p, guest, args, out, sizeof(out)))
		return;
	judge(what, prog_wait(&p, timeout * 1000), out, want, expect);
}

/* The case in the table: its Guest, words, status and text. */
static void t_guest(void)
{
	const struct hosttest *t = current;
	unsigned int timeout = t->timeout ? t->timeout : DEFAULT_TIMEOUT;

	if (need_module())
		return;
	/* Leave the harness time to report a hang as ours, not its own. */
	if (timeout > 10)
		timeout -= 5;
	run_guest(t->name, t->guest, t->args, timeout, t->want, t->expect);
}

/*
 * The FPU: a Guest that uses it, while a process beside it keeps values in
 * every SSE register and computes with doubles; neither may see the other's.
 */
static double __attribute__((noinline)) harmonic(int n)
{
	double sum = 0;

	while (n > 0)
		sum += 1.0 / n--;
	return sum;
}

/* Put a pattern in xmm0-7, give up the CPU, check it is still there. */
static int __attribute__((target("sse2"))) xmm_survive(unsigned int seed)
{
	uint32_t in[32], out[32];
	unsigned int i;

	for (i = 0; i < 32; i++)
		in[i] = seed * 0x9E3779B9u + i;
	asm volatile("movdqu 0(%0), %%xmm0\n\tmovdqu 16(%0), %%xmm1\n\t"
		     "movdqu 32(%0), %%xmm2\n\tmovdqu 48(%0), %%xmm3\n\t"
		     "movdqu 64(%0), %%xmm4\n\tmovdqu 80(%0), %%xmm5\n\t"
		     "movdqu 96(%0), %%xmm6\n\tmovdqu 112(%0), %%xmm7\n\t"
		     "movl %2, %%eax\n\tint $0x80\n\t"	/* sched_yield */
		     "movdqu %%xmm0, 0(%1)\n\tmovdqu %%xmm1, 16(%1)\n\t"
		     "movdqu %%xmm2, 32(%1)\n\tmovdqu %%xmm3, 48(%1)\n\t"
		     "movdqu %%xmm4, 64(%1)\n\tmovdqu %%xmm5, 80(%1)\n\t"
		     "movdqu %%xmm6, 96(%1)\n\tmovdqu %%xmm7, 112(%1)"
		     : : "r"(in), "r"(out), "i"(SYS_sched_yield)
		     : "eax", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		       "xmm4", "xmm5", "xmm6", "xmm7");
	return !memcmp(in, out, sizeof(in));
}

/* Until *@stop: check registers and arithmetic; exit 0 if all was well. */
static void __attribute__((noreturn)) fpu_stress(volatile int *stop)
{
	volatile double want = harmonic(100000), got;
	unsigned int round;

	for (round = 0; !*stop; round++) {
		if (!xmm_survive(round))
			_exit(1);
		got = harmonic(100000);	/* the store rounds it */
		if (got != want)
			_exit(2);
	}
	_exit(round ? 0 : 3);
}

static void t_fpu(void)
{
	volatile double before = harmonic(1000), after;
	volatile int *stop;
	int status;
	pid_t pid;

	if (need_module())
		return;
	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		return;
	}
	*stop = 0;
	pid = fork();
	if (pid == 0)
		fpu_stress(stop);
	run_guest("fpu", "fpu", NULL, 60, WANT_OK, "fpu: all");
	*stop = 1;
	step("waiting for the FPU stress process");
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		fail("the FPU stress process: %s", strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the host's FPU state changed beside the Guest (%s %d)",
		     WIFEXITED(status) ? "exit" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) :
		     WTERMSIG(status));
	after = harmonic(1000);
	if (after != before || !xmm_survive(42))
		fail("init's own FPU state changed");
}

/* Two Guests at once, on two CPUs, each passing its own tests. */
static void t_two_guests(void)
{
	static char out1[OUT_LEN], out2[OUT_LEN];
	struct prog a, b;
	int sa, sb;

	if (need_module() ||
	    start_guest(&a, "timer", NULL, out1, sizeof(out1)))
		return;
	if (start_guest(&b, "paging", NULL, out2, sizeof(out2))) {
		prog_wait(&a, 0);
		return;
	}
	step("waiting for two Guests");
	sa = prog_wait(&a, 50000);
	sb = prog_wait(&b, 50000);
	judge("timer", sa, out1, WANT_OK, "timer: all");
	judge("paging", sb, out2, WANT_OK, "paging: all");
}

static unsigned int now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The CPU time, user and system, process @pid has used: ms, or -1. */
static long long cpu_ms(pid_t pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	long hz = sysconf(_SC_CLK_TCK);
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* After "pid (comm)": state and ten numbers, then utime and stime. */
	p = strrchr(buf, ')');
	if (!p || hz <= 0 || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u "
				    "%*u %*u %*u %llu %llu", &utime,
				    &stime) != 2)
		return -1;
	return (utime + stime) * 1000 / hz;
}

/*
 * HALT burns no CPU: the idle Guest halts for 2 s with its clock set to
 * wake it, and meanwhile the Launcher (whose thread runs the Guest, and
 * sleeps in the Host while it halts) may use a tenth of that time at most.
 * A Host that spins while the Guest halts, or ignores HALT so that the Guest
 * spins, uses all of it; one that never wakes the Guest times out.
 */
static void t_idle(void)
{
	static char out[OUT_LEN];
	long long cpu0, cpu1;
	unsigned int t0, t1;
	struct prog p;

	if (need_module() || start_guest(&p, "idle", NULL, out, sizeof(out)))
		return;
	if (prog_wait_output(&p, "idle: halting", 20000)) {
		fail("no \"idle: halting\": %s", excerpt(out));
		prog_wait(&p, 0);
		return;
	}
	t0 = now_ms();
	cpu0 = cpu_ms(p.pid);
	step("waiting for the idle Guest to wake");
	if (prog_wait_output(&p, "idle: woke", 10000))
		fail("no \"idle: woke\" 10 s after the halt");
	t1 = now_ms();
	cpu1 = cpu_ms(p.pid);
	judge("idle", prog_wait(&p, 10000), out, WANT_OK, "idle: all");
	if (cpu0 < 0 || cpu1 < 0)
		fail("cannot read the Launcher's CPU time");
	else if (t1 - t0 < 1500)
		fail("the halt took only %u ms", t1 - t0);
	else if ((cpu1 - cpu0) * 10 > t1 - t0)
		fail("the Launcher used %lld ms of CPU in %u ms of halting",
		     cpu1 - cpu0, t1 - t0);
	else
		note("idle: the Launcher used %lld ms of CPU in %u ms of "
		     "halting", cpu1 - cpu0, t1 - t0);
}

/*
 * The Guest's wall clock is the Host's real-time clock: the walltime Guest
 * checks that it advances as its time stamp counter does, and prints the
 * seconds it last read, which must be at most a few seconds behind ours.
 * A Host that gives the Guest another clock (the time since boot, say), or
 * stops updating it, fails here.
 */
#define WALL_SAID	"walltime: the Host's clock says "

static void t_walltime(void)
{
	static char out[OUT_LEN];
	unsigned long long secs;
	struct timespec now;
	const char *said;
	struct prog p;
	int status;

	if (need_module() ||
	    start_guest(&p, "walltime", NULL, out, sizeof(out)))
		return;
	status = prog_wait(&p, 20000);
	clock_gettime(CLOCK_REALTIME, &now);
	judge("walltime", status, out, WANT_OK, "walltime: all");
	said = strstr(out, WALL_SAID);
	if (!said || sscanf(said + strlen(WALL_SAID), "%llu", &secs) != 1)
		fail("no \"%s\" in its output", WALL_SAID);
	else if (secs > (unsigned long long)now.tv_sec ||
		 now.tv_sec - secs > 5)
		fail("the Guest's wall clock says %llu s, the Host's %lld s",
		     secs, (long long)now.tv_sec);
	else
		note("walltime: the Guest's clock %llu s behind the Host's",
		     now.tv_sec - secs);
}

/*
 * Start @guest with @args, wait for @ready in its output, let it run for
 * @ms more, then send the Launcher @sig: it must be gone within 2 seconds.
 */
static void kill_running(const char *guest, const char *args,
			 const char *ready, unsigned int ms, int sig)
{
	static char out[OUT_LEN];
	unsigned int sent;
	struct prog p;
	int status;

	if (need_module() || start_guest(&p, guest, args, out, sizeof(out)))
		return;
	if (prog_wait_output(&p, ready, 20000)) {
		fail("no \"%s\" from %s: %s", ready, guest, excerpt(out));
		prog_wait(&p, 0);
		return;
	}
	sleep_ms(ms);
	step("sending signal %d to the Launcher", sig);
	sent = now_ms();
	kill(p.pid, sig);
	status = prog_wait(&p, 2000);
	if (status == -2)
		fail("the Launcher outlived signal %d by 2 s (%s)", sig,
		     excerpt(out));
	else if (WIFSIGNALED(status) && WTERMSIG(status) != sig)
		fail("the Launcher died of signal %d, not %d",
		     WTERMSIG(status), sig);
	else
		note("%s %s: the Launcher died %u ms after signal %d", guest,
		     args ? args : "", now_ms() - sent, sig);
}

static void t_sigterm(void)
{
	kill_running("spin", "timer", "spin: spinning", 500, SIGTERM);
}

static void t_sigkill(void)
{
	kill_running("spin", NULL, "spin: spinning", 500, SIGKILL);
}

static void t_sigkill_irqs_off(void)
{
	kill_running("spin", "noirq", "spin: spinning", 2000, SIGKILL);
}

static void t_sigkill_storm(void)
{
	kill_running("storm", "forever", "storm: raining", 1000, SIGKILL);
}

/*
 * A non-maskable interrupt that arrives while a Guest runs must reach the
 * Host's own handler (S:075, S:130), not vanish with the Guest's exit.  The
 * busy Guest spins on CPU 1; from CPU 0, "l" into /proc/sysrq-trigger sends
 * CPU 1 an NMI whose handler prints "NMI backtrace for cpu 1" and the
 * registers it interrupted; the write waits (up to 10 s) until CPU 1 has
 * done so.  We read the kernel's log from /dev/kmsg.  The report must be
 * there, and must show that the NMI came the Guest's way: its EIP in the lg
 * module, just after an indirect call ("Code: ... ff dN <..>"), which is
 * where call_host_handler() has the Host's handler return.  An NMI that
 * finds CPU 1 elsewhere (in the Host for its timer, or in the Launcher) is
 * handled but proves nothing, and we send another.
 *
 * The report holds a "Call Trace" line, which the rig forgives only between
 * the HOSTTESTS QUIET BEGIN and END lines we put into the kernel's log
 * around it (so that the console shows them in order with the kernel's own
 * lines), and only one after each "NMI backtrace for cpu N".
 */
#define SYSRQ		"/proc/sysrq-trigger"
#define NMI_TRIES	4	/* two QUIET lines each: /dev/kmsg takes 10 */

/* The CPUs in a sysfs list such as "0-1,3" at @path; 0 if unreadable. */
static unsigned long cpu_list(const char *path)
{
	unsigned long mask = 0, a, b;
	char buf[256], *p, *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC), n = -1;

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (p = buf; *p >= '0' && *p <= '9'; p = end + (*end == ',')) {
		a = b = strtoul(p, &end, 10);
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (; a <= b && a < 8 * sizeof(mask); a++)
			mask |= 1UL << a;
	}
	return mask;
}

/* A line into the kernel's log: "HOSTTESTS QUIET <what> <case>". */
static void kmsg_say(int fd, const char *what)
{
	char line[128];
	int len;

	len = snprintf(line, sizeof(line), "<4>HOSTTESTS QUIET %s %s\n", what,
		       current->name);
	if (write(fd, line, len) != len)
		fail("writing to %s: %s", KMSG, strerror(errno));
}

/* What the kernel's log said of one CPU's NMI backtrace. */
struct nmi_report {
	int seen;		/* "NMI backtrace for cpu N" */
	int idle;		/* "... skipped: idling at ..." instead */
	char eip[128];		/* its "EIP: " line, without that */
	char code[256];		/* its "Code: " line, without that */
};

/*
 * Read the kernel's log from @fd (non-blocking) for @ms at most, or until
 * CPU @cpu's NMI backtrace has shown its EIP and code.
 */
static void kmsg_backtrace(int fd, unsigned int cpu, struct nmi_report *r,
			   unsigned int ms)
{
	char rec[1024], head[64], *text, *nl;
	unsigned int waited = 0;
	size_t hlen;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	hlen = snprintf(head, sizeof(head), "NMI backtrace for cpu %u", cpu);
	while (!r->idle && !r->code[0]) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;	/* EPIPE: records lost, go on */
		if (n <= 0) {
			if (waited >= ms)
				break;
			sleep_ms(10);
			waited += 10;
			continue;
		}
		/* "level,seq,usec,flags;text\n", maybe " KEY=value" lines. */
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (!r->seen && !strncmp(text, head, hlen)) {
			if (!text[hlen])
				r->seen = 1;
			else if (!strncmp(text + hlen, " skipped", 8))
				r->idle = 1;
		} else if (r->seen && !r->eip[0] && !strncmp(text, "EIP: ", 5)) {
			snprintf(r->eip, sizeof(r->eip), "%s", text + 5);
		} else if (r->eip[0] && !strncmp(text, "Code: ", 6)) {
			snprintf(r->code, sizeof(r->code), "%s", text + 6);
		}
	}
}

/* Was the NMI of @r taken just after a "call *%reg" in the lg module? */
static int nmi_after_call(const struct nmi_report *r)
{
	const char *at = strchr(r->code, '<');

	return strstr(r->eip, " [lg]") && at && at - r->code >= 6 &&
	       !strncmp(at - 6, "ff d", 4) && at[-2] >= '0' && at[-2] <= '7';
}

static void t_nmi_in_guest(void)
{
	static char out[OUT_LEN];
	unsigned int sent, took = 0;
	struct nmi_report r = { 0 };
	int kmsg, sysrq, tries;
	cpu_set_t set;
	struct prog p;

	if (need_module())
		return;
	if (!(cpu_list("/sys/devices/system/cpu/online") & 2)) {
		fail("CPU 1 is not online");
		return;
	}
	/* We stay on CPU 0, and leave CPU 1 to the Guest. */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fail("sched_setaffinity(CPU 0): %s", strerror(errno));
		return;
	}
	kmsg = open(KMSG, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (kmsg < 0) {
		fail("open %s: %s", KMSG, strerror(errno));
		return;
	}
	if (start_guest_on(&p, "busy", "5000", out, sizeof(out), 1)) {
		close(kmsg);
		return;
	}
	if (prog_wait_output(&p, "busy: spinning", 20000)) {
		fail("no \"busy: spinning\": %s", excerpt(out));
		prog_wait(&p, 0);
		close(kmsg);
		return;
	}
	sleep_ms(500);		/* surely in the Guest by now */
	for (tries = 1; tries <= NMI_TRIES; tries++) {
		prog_drain(&p);
		if (strstr(out, "busy: done")) {
			fail("the Guest finished before the NMI of try %d",
			     tries);
			break;
		}
		lseek(kmsg, 0, SEEK_END);
		kmsg_say(kmsg, "BEGIN");
		step("try %d: sysrq l, an NMI to CPU 1", tries);
		sent = now_ms();
		sysrq = open(SYSRQ, O_WRONLY | O_CLOEXEC);
		if (sysrq < 0 || write(sysrq, "l", 1) != 1)
			fail("writing to %s: %s", SYSRQ, strerror(errno));
		took = now_ms() - sent;
		if (sysrq >= 0)
			close(sysrq);
		kmsg_backtrace(kmsg, 1, &r, 1000);
		kmsg_say(kmsg, "END");
		if (report->reason[0] || !r.seen || nmi_after_call(&r))
			break;
		note("nmi-in-guest: try %d: the NMI found CPU 1 outside the "
		     "Guest, at %s", tries, r.eip[0] ? r.eip : "?");
	}
	if (report->reason[0])
		;
	else if (r.idle)
		fail("CPU 1 was idle, not running the Guest");
	else if (!r.seen)
		fail("no \"NMI backtrace for cpu 1\" (sysrq waited %u ms): "
		     "the Host lost the NMI", took);
	else if (!r.code[0])
		fail("CPU 1's NMI backtrace has no EIP and Code lines");
	else if (!nmi_after_call(&r))
		fail("in %d tries, no NMI found CPU 1 running the Guest",
		     NMI_TRIES);
	else
		note("nmi-in-guest: try %d: CPU 1 took the NMI at %s "
		     "(sysrq waited %u ms)", tries, r.eip, took);
	step("waiting for the busy Guest");
	judge("busy", prog_wait(&p, 20000), out, WANT_OK, "busy: done");
	close(kmsg);
}

/*
 * A second thread of the Launcher stops the running Guest with LHREQ_BREAK,
 * then interrupts it with LHREQ_IRQ: /irqbreak is the Launcher with such a
 * thread (tests/host/irqbreak.c), and the irq Guest shuts down once the
 * interrupt has come.
 */
#define IRQBREAK	"/irqbreak"

static void t_irq_break(void)
{
	static const char *const said[] = {
		"irqbreak: break ok", "irqbreak: irq sent",
	};
	static char out[OUT_LEN];
	char *argv[] = { IRQBREAK, GUEST_MEM_MB, GUEST_DIR "irq.elf", NULL };
	unsigned int i;
	int status;

	if (need_module())
		return;
	if (access(IRQBREAK, X_OK)) {
		fail("no %s in the initramfs (is out/test/irqbreak built?)",
		     IRQBREAK);
		return;
	}
	if (access(argv[2], R_OK)) {
		fail("no %s in the initramfs", argv[2]);
		return;
	}
	step("running %s %s %s", argv[0], argv[1], argv[2]);
	status = run_prog(argv, out, sizeof(out), 25);
	if (status == -1) {
		fail("cannot run %s: %s", IRQBREAK, strerror(errno));
		return;
	}
	judge("irq-break", status, out, WANT_OK, "irq: all");
	for (i = 0; i < sizeof(said) / sizeof(said[0]); i++)
		if (!strstr(out, said[i]))
			fail("no \"%s\" in its output: %s", said[i],
			     excerpt(out));
}

/*
 * Attacks whose harm the Guest cannot see for itself: the harness watches
 * the kernel's log, the pin counters, the Launcher's address space and the
 * debug registers.
 */
#define GUEST_MEM_PAGES	(32u * 256 + 1)	/* GUEST_MEM_MB, + devices */

/*
 * A non-blocking /dev/kmsg positioned after the last record logged so far;
 * or -1, after fail().
 */
static int kmsg_from_now(void)
{
	int fd = open(KMSG, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		fail("open %s: %s", KMSG, strerror(errno));
	} else if (lseek(fd, 0, SEEK_END) < 0) {
		fail("seek to the end of %s: %s", KMSG, strerror(errno));
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Read the kernel's records from @fd to the end; return how many contain
 * one of the NULL-terminated @words, the first of them in @first.
 */
static int kmsg_count(int fd, const char *const words[], char *first,
		      size_t len)
{
	char rec[1024], *text, *nl;
	unsigned int i;
	int found = 0;
	ssize_t n;

	first[0] = '\0';
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		for (i = 0; words[i]; i++)
			if (strstr(text, words[i]))
				break;
		if (!words[i])
			continue;
		if (!found++)
			snprintf(first, len, "%s", text);
	}
	return found;
}

/* Fail if the kernel said any of @words since @fd was opened. */
static void kmsg_must_not_say(int fd, const char *const words[])
{
	char first[200];
	int n;

	if (fd < 0)
		return;
	n = kmsg_count(fd, words, first, sizeof(first));
	if (n)
		fail("the kernel said \"%s\" (%d such lines)", first, n);
	close(fd);
}

/*
 * The value of @name in /proc/vmstat, or -1; with the CPUs' pending
 * differences folded in first (stat_refresh), so that it is exact.
 */
static long long vmstat(const char *name)
{
	char line[128], key[64];
	long long value, found = -1;
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	FILE *f;

	if (fd < 0 || write(fd, "1", 1) != 1)
		fail("folding the vm statistics: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", key, &value) == 2 &&
		    !strcmp(key, name))
			found = value;
	if (f)
		fclose(f);
	return found;
}

/* Keep this process on CPU @cpu; 0, or -1 after fail(). */
static int stay_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (!sched_setaffinity(0, sizeof(set), &set))
		return 0;
	fail("sched_setaffinity(CPU %d): %s", cpu, strerror(errno));
	return -1;
}

/*
 * One page mapped at 196608 Guest addresses (tests/guests/hostile.c,
 * pin-many).  The Host pins each Guest page at most once, so the run may
 * take no more pins than the Guest has pages, and none is left afterwards.
 */
static void t_pin_once(void)
{
	long long acq0, rel0, acq1, rel1;

	if (need_module())
		return;
	acq0 = vmstat("nr_foll_pin_acquired");
	rel0 = vmstat("nr_foll_pin_released");
	if (acq0 < 0 || rel0 < 0) {
		fail("no nr_foll_pin_acquired/released in /proc/vmstat");
		return;
	}
	run_guest("pin-many", "hostile", "pin-many", 110, WANT_OK,
		  "hostile: pin-many: refused");
	acq1 = vmstat("nr_foll_pin_acquired");
	rel1 = vmstat("nr_foll_pin_released");
	if (acq1 - acq0 > GUEST_MEM_PAGES)
		fail("the Guest's run took %lld pins, more than its %u pages",
		     acq1 - acq0, GUEST_MEM_PAGES);
	if (acq1 - rel1 > acq0 - rel0)
		fail("%lld pins still held after the Guest exited",
		     (acq1 - rel1) - (acq0 - rel0));
	note("pin-once: the Guest's run took %lld pins", acq1 - acq0);
}

/*
 * The NMI flag in the registers page (hostile.c, nmi-flag): however the
 * Guest fills that page, no NMI may reach the Host's handler.  Unknown NMIs
 * are reported as "Uhhuh. NMI received ..." and "Dazed and confused".
 */
static int nmis_expected;	/* booted with lguest.nmis: see main() */

static void t_nmi_flag(void)
{
	static const char *const nmi_words[] = { "NMI", "Dazed", NULL };
	static char out[OUT_LEN];
	struct prog p;
	int kmsg;

	if (need_module())
		return;
	kmsg = kmsg_from_now();
	if (start_guest_on(&p, "hostile", "nmi-flag", out, sizeof(out), 0)) {
		if (kmsg >= 0)
			close(kmsg);
		return;
	}
	judge("nmi-flag", prog_wait(&p, 50000), out, WANT_OK,
	      "hostile: nmi-flag: refused (");
	sleep_ms(200);		/* a last NMI's report */
	if (nmis_expected)	/* the NMI run: the monitor's are expected */
		close(kmsg);
	else
		kmsg_must_not_say(kmsg, nmi_words);
}

/*
 * A Guest that spins in virtual-8086 mode with interrupts off must not
 * keep a Host CPU (hostile.c, vm86-spin).  The fixed Host refuses ring 3
 * any page below 0x110000, so the Guest faults and is killed for it; the
 * old one spins until the RCU stall detector's NMI kicks it out.
 */
static void t_vm86_spin(void)
{
	static const char *const stall_words[] = {
		"rcu:", "stall", "lockup", NULL
	};
	int kmsg;

	if (need_module())
		return;
	kmsg = kmsg_from_now();
	run_guest("vm86-spin", "hostile", "vm86-spin", 30, WANT_KILLED,
		  "virtual-8086");
	kmsg_must_not_say(kmsg, stall_words);
}

/*
 * Stale debug status (hostile.c, dr6-step): single steps in the Guest set
 * DR6.BS, which the Host must clear before its own #DB handler can see it.
 * The Guest runs on CPU 0, then we stay there and let a hardware
 * breakpoint (perf) fire, first in the kernel (a pipe read into the
 * watched word), then in user mode.  A stale BS makes the first a WARNING
 * (a panic here: the rig boots with panic_on_warn) and the second a
 * SIGTRAP.
 */
static volatile uint32_t dr6_watched;
static volatile sig_atomic_t dr6_sigtraps;

static void dr6_on_sigtrap(int sig)
{
	dr6_sigtraps++;
}

static void t_stale_dr6(void)
{
	static const char *const warn_words[] = {
		"WARNING", "traps.c", NULL
	};
	static char out[OUT_LEN];
	struct perf_event_attr attr;
	unsigned long long count = 0;
	int kmsg, bp, pipefd[2];
	struct prog p;

	if (need_module() || stay_on(0) ||
	    start_guest_on(&p, "hostile", "dr6-step", out, sizeof(out), 0))
		return;
	judge("dr6-step", prog_wait(&p, 30000), out, WANT_OK,
	      "hostile: dr6-step: refused");
	if (report->reason[0])
		return;
	kmsg = kmsg_from_now();
	signal(SIGTRAP, dr6_on_sigtrap);
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_type = HW_BREAKPOINT_W;
	attr.bp_addr = (uintptr_t)&dr6_watched;
	attr.bp_len = HW_BREAKPOINT_LEN_4;
	attr.exclude_hv = 1;
	bp = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (bp < 0) {
		fail("perf_event_open(breakpoint): %s", strerror(errno));
		close(kmsg);
		return;
	}
	step("the kernel writes a watched word, after the Guest's steps");
	if (pipe(pipefd) || write(pipefd[1], "abcd", 4) != 4 ||
	    read(pipefd[0], (void *)&dr6_watched, 4) != 4)
		fail("the pipe: %s", strerror(errno));
	step("user mode writes the watched word");
	dr6_watched = 5;
	if (read(bp, &count, sizeof(count)) != sizeof(count))
		fail("reading the breakpoint's count: %s", strerror(errno));
	else if (count < 2)	/* a copy in the kernel may hit it per byte */
		fail("the breakpoint fired %llu times, want 2 or more",
		     count);
	if (dr6_sigtraps)
		fail("%d SIGTRAPs from a data breakpoint: a stale DR6.BS",
		     (int)dr6_sigtraps);
	close(bp);
	kmsg_must_not_say(kmsg, warn_words);
}

/*
 * The Launcher's mapping of its Guest's memory, from /proc/@pid/maps: the
 * largest anonymous read-write mapping of at least the Guest's size.
 */
static int guest_mapping(pid_t pid, unsigned long *lo, unsigned long *hi)
{
	unsigned long a, b, inode, best = 0;
	char path[64], line[256], perms[8];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s %*x %*s %lu", &a, &b, perms,
			   &inode) == 4 && !strcmp(perms, "rw-p") &&
		    !inode && !strchr(line, '[') &&
		    b - a >= GUEST_MEM_PAGES * PAGE && b - a > best) {
			best = b - a;
			*lo = a;
			*hi = b;
		}
	if (f)
		fclose(f);
	return best ? 0 : -1;
}

/*
 * A hostile Guest that prints what it could see ("seen ... 0x..." lines),
 * judged as usual, on CPU 0 so that the Switcher's pages it found stay
 * put; no word it saw may be an address in the Launcher's mapping of its
 * memory.
 */
static void t_watched(void)
{
	static char out[OUT_LEN];
	const struct hosttest *t = current;
	unsigned long lo = 0, hi = 0, v;
	unsigned int waited, seen = 0;
	const char *line, *hex, *eol;
	char *end;
	struct prog p;
	int status;

	if (need_module() ||
	    start_guest_on(&p, t->guest, t->args, out, sizeof(out), 0))
		return;
	for (waited = 0; guest_mapping(p.pid, &lo, &hi); waited++) {
		if (waited >= 5000 || waitpid(p.pid, &status, WNOHANG)) {
			fail("never saw the Launcher's mapping of the Guest");
			break;
		}
		usleep(1000);
	}
	judge(t->name, prog_wait(&p, (t->timeout - 5) * 1000), out, t->want,
	      t->expect);
	for (line = strstr(out, ": seen "); line;
	     line = strstr(line + 1, ": seen ")) {
		seen++;
		eol = strchrnul(line, '\n');
		for (hex = strstr(line, "0x"); hex && hex < eol;
		     hex = strstr(hex + 2, "0x")) {
			v = strtoul(hex, &end, 16);
			if (hi && v >= lo && v < hi)
				fail("the Guest saw 0x%lx, in the Launcher's "
				     "mapping of its memory 0x%lx-0x%lx", v,
				     lo, hi);
		}
	}
	if (!strcmp(t->args, "launcher-addr") && seen < 3)
		fail("only %u lines of what the Guest saw", seen);
	note("%s: %u lines of what it saw checked against 0x%lx-0x%lx",
	     t->name, seen, lo, hi);
}

/*
 * One Guest fills the unused part of CPU 0's registers page, and exits;
 * the next Guest on CPU 0 must not find it there (hostile.c spare-read).
 */
static void t_spare_carry(void)
{
	static char out[OUT_LEN];
	struct prog p;

	if (need_module())
		return;
	if (start_guest_on(&p, "hostile", "spare-write", out, sizeof(out), 0))
		return;
	judge("spare-write", prog_wait(&p, 20000), out, WANT_OK,
	      "hostile: spare-write: refused (wrote ");
	if (start_guest_on(&p, "hostile", "spare-read", out, sizeof(out), 0))
		return;
	judge("spare-read", prog_wait(&p, 20000), out, WANT_OK,
	      "hostile: spare-read: refused (nothing of the last Guest)");
}

/*
 * The Host still runs a Guest that behaves, and once it is gone nothing
 * holds the module: for after cases that ran hostile Guests.
 */
static void host_still_fine(void)
{
	char line[256], name[64];
	unsigned long size;
	int refs;
	FILE *f;

	run_guest("hello", "hello", NULL, 30, WANT_OK,
		  "Hello from the Guest at privilege level 1!");
	f = fopen("/proc/modules", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu %d", name, &size, &refs) == 3 &&
		    !strcmp(name, MODULE_NAME) && refs != 0)
			fail("the module is still used %d times", refs);
	if (f)
		fclose(f);
}


/*
 * Devices.  The console: start the echo Guest with a pipe as its stdin,
 * wait for @ready, send @text, see it echoed, close the pipe: the Guest must
 * see the end of input and pass.  @text must come back byte for byte.
 */
static void console_echo(const char *args, const char *ready)
{
	static const char text[] = "line one\n\tline two \x01\x7f\xff\n"
		"the quick brown fox jumps over the lazy dog\n";
	static char out[OUT_LEN];
	struct prog p;
	int fds[2];

	if (need_module())
		return;
	fds[1] = start_guest_piped(&p, "echo", args, out, sizeof(out));
	if (fds[1] < 0)
		return;
	if (prog_wait_output(&p, ready, 20000)) {
		fail("no \"%s\": %s", ready, excerpt(out));
		close(fds[1]);
		prog_wait(&p, 0);
		return;
	}
	sleep_ms(300);
	step("writing to the console");
	if (write(fds[1], text, strlen(text)) != (ssize_t)strlen(text))
		fail("write to the console: %s", strerror(errno));
	if (prog_wait_output(&p, text, 10000))
		fail("the text did not come back while the pipe was open");
	close(fds[1]);
	judge("echo", prog_wait(&p, 20000), out, WANT_OK, "end of input");
	if (!strstr(out, text))
		fail("echo: not byte-exact: %s", excerpt(out));
}

static void t_console_halted(void)
{
	console_echo(NULL, "echo: ready");
}

static void t_console_spinning(void)
{
	console_echo("spin", "echo: spinning");
}

/*
 * Wait up to @ms for @text in the program's output at or after *@pos (which
 * then moves past it), woken by the output itself rather than a 10 ms nap:
 * the suppression case waits for a thousand echoes.  0 if it came.
 */
static int prog_wait_output_from(struct prog *p, const char *text,
				 size_t *pos, unsigned int ms)
{
	struct timespec start, now;
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	const char *found;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		prog_drain(p);
		found = strstr(p->out + *pos, text);
		if (found) {
			*pos = found - p->out + strlen(text);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000 >= ms ||
		    p->used >= p->outlen - 1)
			return -1;
		poll(&pfd, 1, 10);
	}
}

/* How many times @text occurs in @out. */
static unsigned int count_of(const char *out, const char *text)
{
	unsigned int n = 0;

	for (out = strstr(out, text); out; out = strstr(out + 1, text))
		n++;
	return n;
}

/*
 * Notification and interrupt suppression.  The echo Guest, with --verbose,
 * gets SUPPRESS_LINES short lines one at a time (each sent once the one
 * before has come back), so SUPPRESS_LINES input buffers and as many output
 * buffers.  Without suppression each input buffer costs a kick when the
 * Guest offers it again, and each output buffer an interrupt when the
 * Launcher gives it back.  With it, the Launcher keeps NO_NOTIFY set on
 * the input queue while it has buffers in hand, and the Guest keeps
 * NO_INTERRUPT set on the output queue, so both must stay under a quarter
 * of the buffers (in practice they are 0): counted by the Guest's queues
 * and, for the kicks and interrupts the Launcher saw, by its --verbose
 * lines, which must agree.  The output kicks are reported, not judged:
 * our Launcher serves output as it is kicked, so each one costs a kick.
 */
#define SUPPRESS_LINES	1000
#define SUPPRESS_OUT	(512 * 1024)

static void t_console_suppress(void)
{
	static char out[SUPPRESS_OUT];
	unsigned long bytes = 0, bufs = 0, in_kicks = ~0UL, out_kicks = ~0UL;
	unsigned long out_irqs = ~0UL;
	unsigned int i, notified, irqs, quiet;
	char line[32];
	const char *r;
	size_t pos = 0;
	struct prog p;
	int fds[2];

	if (need_module())
		return;
	fds[1] = start_guest_piped(&p, "--verbose echo", NULL, out,
				   sizeof(out));
	if (fds[1] < 0)
		return;
	if (prog_wait_output_from(&p, "echo: ready", &pos, 20000)) {
		fail("no \"echo: ready\": %s", excerpt(out));
		goto out_close;
	}
	step("%d lines, each after the last came back", SUPPRESS_LINES);
	for (i = 0; i < SUPPRESS_LINES; i++) {
		snprintf(line, sizeof(line), "line %04u\n", i);
		if (write(fds[1], line, strlen(line)) != (ssize_t)strlen(line)) {
			fail("write to the console: %s", strerror(errno));
			goto out_close;
		}
		if (prog_wait_output_from(&p, line, &pos, 5000)) {
			fail("line %u did not come back: %s", i, excerpt(out));
			goto out_close;
		}
	}
out_close:
	close(fds[1]);
	judge("console-suppression", prog_wait(&p, 20000), out, WANT_OK,
	      "end of input");
	if (i < SUPPRESS_LINES)
		return;
	r = strstr(out, "echo: ");
	while (r && sscanf(r, "echo: %lu bytes in %lu buffers", &bytes,
			   &bufs) != 2)
		r = strstr(r + 1, "echo: ");
	r = strstr(out, "echo: kicks: ");
	if (!r || sscanf(r, "echo: kicks: %lu input, %lu output; output "
			 "interrupts: %lu", &in_kicks, &out_kicks,
			 &out_irqs) != 3) {
		fail("no counts from the Guest: %s", excerpt(out));
		return;
	}
	notified = count_of(out, "lguest: notify: console input\n");
	irqs = count_of(out, ": console output\n") -
	       count_of(out, "lguest: notify: console output\n");
	quiet = count_of(out, "no interrupt: console output asked for none");
	note("console-suppression: %lu input buffers, %lu input kicks (the "
	     "Launcher saw %u); %lu output kicks; %lu output interrupts (the "
	     "Launcher raised %u, held back %u)", bufs, in_kicks, notified,
	     out_kicks, out_irqs, irqs, quiet);
	if (bytes != SUPPRESS_LINES * 10 || bufs < SUPPRESS_LINES)
		fail("the Guest took %lu bytes in %lu buffers, want %u in %u",
		     bytes, bufs, SUPPRESS_LINES * 10, SUPPRESS_LINES);
	else if (in_kicks >= bufs / 4 || notified >= bufs / 4)
		fail("%lu input buffers cost %lu kicks (the Launcher saw %u): "
		     "NO_NOTIFY is not suppressing them", bufs, in_kicks,
		     notified);
	else if (notified != in_kicks)
		fail("the Guest counted %lu input kicks, the Launcher %u",
		     in_kicks, notified);
	else if (out_irqs >= bufs / 4 || irqs >= bufs / 4)
		fail("%lu output buffers cost %lu interrupts (the Launcher "
		     "raised %u): NO_INTERRUPT is not suppressing them", bufs,
		     out_irqs, irqs);
	else if (quiet < bufs / 2)
		fail("the Launcher held back only %u output interrupts for "
		     "%lu buffers: was it asked?", quiet, bufs);
}

/* Make /disk.img, @bytes of zeroes; 0 or -1 after fail(). */
static int make_disk(size_t bytes)
{
	int fd = open("/disk.img", O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || ftruncate(fd, bytes)) {
		fail("/disk.img: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* The pattern tests/guests/blk.c writes, byte @i. */
static unsigned char blk_pattern(unsigned int i)
{
	return (i * 7 + i / 512) ^ 0x5A;
}

/*
 * Wait up to @ms for @p to say @line (its output so far is @out), then kill
 * it with SIGKILL, as a crash would: 0, or -1 after fail() if it never did.
 */
static int kill_when_said(struct prog *p, const char *out, const char *line,
			  unsigned int ms)
{
	if (prog_wait_output(p, line, ms)) {
		fail("no \"%s\": %s", line, excerpt(out));
		prog_wait(p, 0);
		return -1;
	}
	kill(p->pid, SIGKILL);
	prog_wait(p, 5000);
	return 0;
}

/*
 * A Guest writes a pattern and flushes; we kill the Launcher at once; the
 * file must hold the pattern, and a second Guest must read it back.
 */
static void t_block(void)
{
	static char out[OUT_LEN];
	unsigned char buf[16 * 512];
	struct prog p;
	unsigned int i;
	int fd;

	if (need_module() || make_disk(64 * 1024) ||
	    start_guest(&p, "--block=/disk.img blk", "write", out,
			sizeof(out)))
		return;
	if (kill_when_said(&p, out, "blk: flushed", 20000))
		return;
	fd = open("/disk.img", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != sizeof(buf)) {
		fail("reading /disk.img back: %s", strerror(errno));
		return;
	}
	close(fd);
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != blk_pattern(i)) {
			fail("/disk.img byte %u is 0x%02x, want 0x%02x", i,
			     buf[i], blk_pattern(i));
			return;
		}
	run_guest("block-verify", "--block=/disk.img blk", "verify", 30,
		  WANT_OK, "blk: all");
}

static void t_block_ro(void)
{
	if (!need_module() && !make_disk(64 * 1024))
		run_guest("block-ro", "--block=/disk.img,ro blk", "ro", 30,
			  WANT_OK, "blk: all");
}

static void t_block_noflush(void)
{
	if (!need_module() && !make_disk(64 * 1024))
		run_guest("block-noflush", "--block=/disk.img blk", "noflush",
			  30, WANT_OK, "blk: all");
}

static void t_vq_readable(void)
{
	if (!need_module() && !make_disk(64 * 1024))
		run_guest("vq-readable", "--block=/disk.img vqhostile",
			  "readable", 30, WANT_KILLED,
			  "block 0 requests: 2 readable buffers where 1");
}

/*
 * A console input buffer of 0 bytes: the Guest makes its first one so and
 * waits for input, which we send through a pipe.  A Launcher that reads
 * into it gets 0 bytes and takes that for the end of input.
 */
static void t_vq_empty(void)
{
	static char out[OUT_LEN];
	struct prog p;
	int fds[2];

	if (need_module())
		return;
	fds[1] = start_guest_piped(&p, "vqhostile", "empty", out, sizeof(out));
	if (fds[1] < 0)
		return;
	if (prog_wait_output(&p, "vqhostile: empty: ready", 20000))
		fail("no \"vqhostile: empty: ready\": %s", excerpt(out));
	else if (write(fds[1], "x\n", 2) != 2)
		fail("write to the console: %s", strerror(errno));
	judge("vq-empty", prog_wait(&p, 20000), out, WANT_KILLED,
	      "console input: a buffer of 0 bytes");
	close(fds[1]);
}

/* CPU ticks (user + system) process @pid has used, or -1. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu", &ut, &st) != 2)
		return -1;
	return ut + st;
}

/* The Kernel (book/kernel.nw) boots from its disk, made by out/mkfs. */
#define KERNEL_GUEST	"--block=/kernel.img kernel"

/*
 * The Kernel.  kernel-hogs: two children that never yield
 * (tests/user/hogs.c); their lines must interleave, which they cannot if
 * the clock does not preempt: the first would print all eight before the
 * second printed one.
 */
static void t_kernel_hogs(void)
{
	static char out[OUT_LEN];
	struct prog p;
	char *first_b, *last_a, *first_a, *last_b, *s;

	if (need_module() || start_guest(&p, KERNEL_GUEST, "hogs", out,
					 sizeof(out)))
		return;
	judge("kernel-hogs", prog_wait(&p, 50000), out, WANT_OK, "hogs: all");
	first_a = strstr(out, "hog A 1");
	first_b = strstr(out, "hog B 1");
	last_a = strstr(out, "hog A 8");
	last_b = strstr(out, "hog B 8");
	if (!first_a || !first_b || !last_a || !last_b) {
		fail("not every hog line: %s", excerpt(out));
		return;
	}
	if (first_b > last_a || first_a > last_b) {
		for (s = out; (s = strchr(s, '\n')); )
			*s = ' ';
		fail("one hog ran to its end before the other began: %.300s",
		     strstr(out, "hog "));
	}
}

/*
 * kernel-read: the console's input through read(0) to a program
 * (tests/user/kcat.c) while another process runs, then the end of input.
 */
static void t_kernel_read(void)
{
	static const char text[] = "one line\nand another, a little longer\n";
	static char out[OUT_LEN];
	struct prog p;
	int fds[2];
	char want[64];

	if (need_module())
		return;
	fds[1] = start_guest_piped(&p, KERNEL_GUEST, "kcat", out, sizeof(out));
	if (fds[1] < 0)
		return;
	if (prog_wait_output(&p, "kcat: the ticker ran", 20000))
		fail("the ticker never ran while kcat read: %s", excerpt(out));
	if (write(fds[1], text, strlen(text)) != (ssize_t)strlen(text))
		fail("write: %s", strerror(errno));
	close(fds[1]);
	snprintf(want, sizeof(want), "kcat: %zu bytes", strlen(text));
	judge("kernel-read", prog_wait(&p, 20000), out, WANT_OK, "kcat: all");
	if (!strstr(out, text) || !strstr(out, want))
		fail("want the text back and \"%s\": %s", want, excerpt(out));
}

/* The lines of @out that begin with @prefix, in order, into @buf. */
static void lines_with(const char *out, const char *prefix, char *buf,
		       size_t len)
{
	const char *line, *end;
	size_t used = 0;

	buf[0] = '\0';
	for (line = out; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!strncmp(line, prefix, strlen(prefix)) && used < len)
			used += snprintf(buf + used, len - used, "%.*s\n",
					 (int)(end - line), line);
	}
}

/*
 * kernel-native: the same static program (tests/user/forkwait.c, built
 * once) run here under Linux and in the Guest's Kernel prints the same
 * "forkwait:" lines, and ends well in both.
 */
static void t_kernel_native(void)
{
	static char native[OUT_LEN], guest[OUT_LEN], a[4096], b[4096];
	char *argv[] = { "/bin/forkwait", NULL };
	struct prog p;
	int status;

	if (need_module())
		return;
	status = run_prog(argv, native, sizeof(native), 20);
	if (status != 0)
		fail("natively: status %d: %s", status, excerpt(native));
	if (start_guest(&p, KERNEL_GUEST, "forkwait", guest, sizeof(guest)))
		return;
	judge("kernel-native", prog_wait(&p, 30000), guest, WANT_OK,
	      "forkwait: all");
	lines_with(native, "forkwait:", a, sizeof(a));
	lines_with(guest, "forkwait:", b, sizeof(b));
	if (!strstr(a, "forkwait: all") || strcmp(a, b))
		fail("native and Guest differ: [%s] [%s]", excerpt(a),
		     excerpt(b));
}

/* Copy /kernel.img to @path, a disk of the Kernel's this test may write. */
static int copy_kernel_disk(const char *path)
{
	static char block[65536];
	int in = open("/kernel.img", O_RDONLY), out = -1;
	ssize_t n = -1;

	if (in >= 0)
		out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	while (out >= 0 && (n = read(in, block, sizeof(block))) > 0)
		if (write(out, block, n) != n) {
			n = -1;
			break;
		}
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		n = -1;
	if (n) {
		fail("copying /kernel.img to %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * kernel-files: tests/user/files.c writes, appends, truncates, unlinks,
 * pipes, meets ENOENT and ENOEXEC, then writes /kept, fsyncs and says
 * "files: synced"; we kill the Launcher with SIGKILL there, so nothing the
 * Kernel still held in memory can reach the disk.  A second boot on the same
 * disk must read /kept back byte for byte.  A Kernel that kept its writes in
 * memory, or a file system that lost its table or directory, fails the
 * second half; one that mixed up errno values fails the first.
 */
static void t_kernel_files(void)
{
	static char out[OUT_LEN];
	struct prog p;

	if (need_module() || copy_kernel_disk("/kfs.img") ||
	    start_guest(&p, "--block=/kfs.img kernel", "files write", out,
			sizeof(out)))
		return;
	if (kill_when_said(&p, out, "files: synced", 30000))
		return;
	if (strstr(out, "FAIL"))
		fail("the writer: %s", excerpt(strstr(out, "FAIL")));
	if (!strstr(out, "files: a program from the disk wrote through a pipe"))
		fail("the writer skipped a step: %s", excerpt(out));
	run_guest("kernel-files", "--block=/kfs.img kernel", "files check", 30,
		  WANT_OK, "files: /kept is intact after the kill\nfiles: all");
	unlink("/kfs.img");
}

/*
 * An idle Guest (halted, console up, a pipe with no input): over 1.5 s of
 * its 2 s halt, the Launcher's threads must use under 5% of a CPU.
 */
static void t_devices_idle(void)
{
	static char out[OUT_LEN];
	long hz = sysconf(_SC_CLK_TCK), before, after;
	struct prog p;
	int fds[2];

	if (need_module())
		return;
	fds[1] = start_guest_piped(&p, "devidle", NULL, out, sizeof(out));
	if (fds[1] < 0)
		return;
	if (prog_wait_output(&p, "devidle: halting", 20000)) {
		fail("no \"devidle: halting\": %s", excerpt(out));
		prog_wait(&p, 0);
		return;
	}
	before = cpu_ticks(p.pid);
	sleep_ms(1500);
	after = cpu_ticks(p.pid);
	judge("devices-idle", prog_wait(&p, 20000), out, WANT_OK,
	      "devidle: all");
	close(fds[1]);
	if (before < 0 || after < 0)
		fail("cannot read /proc/%d/stat", p.pid);
	else if ((after - before) * 1000 / hz > 75)
		fail("the idle Guest used %ld ms of CPU in 1.5 s",
		     (after - before) * 1000 / hz);
	else
		note("idle Guest: %ld ms of CPU in 1.5 s",
		     (after - before) * 1000 / hz);
}

#define VQ_HOSTILE(attack, reason)					\
	{ "vq-" attack, t_guest, 30, "vqhostile", attack, WANT_KILLED, reason }

/* After all that, the Host still runs Guests and holds no references. */
static void t_host_fine(void)
{
	if (need_module())
		return;
	host_still_fine();
}

/*
 * The hypercall fuzzer, tests/guests/fuzz.c: one case per seed, whose
 * words are the seed.  The Guest makes calls K, K+1, ... of its seed and
 * prints "fuzz: at K" before each multiple of FUZZ_EVERY; every launch must
 * end contained: killed by the Host, ended by a SHUTDOWN call, given up
 * ("fuzz: stuck") or finished ("fuzz: done").  A launch that ends early is
 * followed by one from the next progress point past the last it printed,
 * so a call that kills deterministically is skipped.  Calls are counted up
 * to the last progress line (all of them when it finished); the case
 * passes when the seed has made FUZZ_CALLS (lguest.fuzzcalls=N on the
 * kernel command line) and a plain Guest still runs afterwards.  A launch
 * that stops printing for FUZZ_STALL_MS has hung.
 */
#define FUZZ_CALLS	100000
#define FUZZ_EVERY	256
#define FUZZ_STALL_MS	15000
#define FUZZ_TIMEOUT	240	/* seconds for a case */
#define FUZZ_ENDS	24	/* kinds of end kept apart */
#define FUZZ_LINE	256
#define FUZZ_TAIL	2048
#define FUZZ_GIVE_UP	3	/* the Guest's status when stuck */

static char cmdline[1024];	/* the kernel's, from /proc/cmdline */
static unsigned int cmdline_number(const char *key, unsigned int def);

/* What one launch printed, read as it comes. */
struct fuzz_launch {
	unsigned int start, end;	/* the calls it was asked to make */
	long at;			/* its last "fuzz: at N", or -1 */
	int done;			/* it printed "fuzz: done <end>" */
	char line[FUZZ_LINE];		/* the line being read */
	size_t len;
	char tail[FUZZ_TAIL];		/* the last of its output */
	size_t tail_len;
};

/* Look at one whole (or overlong) line of a launch's output. */
static void fuzz_line(struct fuzz_launch *l)
{
	const char *p;
	char *end;
	unsigned long v;

	l->line[l->len] = '\0';
	p = strstr(l->line, "fuzz: at ");
	if (p) {
		v = strtoul(p + 9, &end, 10);
		if (end > p + 9 && (*end == '\0' || *end == '\n') &&
		    v >= l->start && v < l->end && (long)v > l->at)
			l->at = v;
	}
	p = strstr(l->line, "fuzz: done ");
	if (p) {
		v = strtoul(p + 11, &end, 10);
		if (end > p + 11 && (*end == '\0' || *end == '\n') &&
		    v == l->end)
			l->done = 1;
	}
}

/* Take @n bytes of a launch's output: lines, and the tail. */
static void fuzz_take(struct fuzz_launch *l, const char *buf, size_t n)
{
	size_t i, keep = 40;
	char c;

	for (i = 0; i < n; i++) {
		c = buf[i] ? buf[i] : '.';
		if (l->tail_len == FUZZ_TAIL - 1) {
			memmove(l->tail, l->tail + FUZZ_TAIL / 2,
				FUZZ_TAIL / 2 - 1);
			l->tail_len = FUZZ_TAIL / 2 - 1;
		}
		l->tail[l->tail_len++] = c;
		if (c == '\n') {
			fuzz_line(l);
			l->len = 0;
			continue;
		}
		l->line[l->len++] = c;
		if (l->len == FUZZ_LINE - 1) {
			/* Garbage from a NOTIFY: look, keep its end. */
			fuzz_line(l);
			memmove(l->line, l->line + l->len - keep, keep);
			l->len = keep;
		}
	}
	l->tail[l->tail_len] = '\0';
}

/*
 * Wait for a launch to end, reading its output; kill it if it prints no
 * new progress for FUZZ_STALL_MS.  Returns its wait status, or -2 if it
 * was killed for that.
 */
static int fuzz_wait(struct prog *p, struct fuzz_launch *l)
{
	unsigned int quiet = 0;
	long seen = l->at;
	char buf[4096];
	int status, ret = -2;
	ssize_t n;

	for (;;) {
		while ((n = read(p->fd, buf, sizeof(buf))) > 0)
			fuzz_take(l, buf, n);
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			ret = status;
			break;
		}
		if (l->at != seen) {
			seen = l->at;
			quiet = 0;
		}
		if (quiet >= FUZZ_STALL_MS) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			break;
		}
		sleep_ms(5);
		quiet += 5;
	}
	while ((n = read(p->fd, buf, sizeof(buf))) > 0)
		fuzz_take(l, buf, n);
	fuzz_line(l);
	close(p->fd);
	return ret;
}

/* How launches ended, by kind: "killed: <reason, numbers as N>" etc. */
struct fuzz_end {
	char what[120];
	unsigned int n;
};

/* Count one end of kind @what, its numbers (but trap numbers) as N. */
static void fuzz_count_end(struct fuzz_end *ends, const char *what)
{
	char kind[sizeof(ends->what)];
	size_t j = 0;
	unsigned int i;
	int keep;

	while (*what && *what != '\n' && j < sizeof(kind) - 2) {
		if (*what < '0' || *what > '9') {
			kind[j++] = *what++;
			continue;
		}
		keep = j >= 5 && !strncmp(kind + j - 5, "trap ", 5);
		if (what[0] == '0' && what[1] == 'x')
			what += 2;
		while (((*what >= '0' && *what <= '9') ||
			(*what >= 'a' && *what <= 'f')) && j < sizeof(kind) - 2)
			if (keep)
				kind[j++] = *what++;
			else
				what++;
		if (!keep)
			kind[j++] = 'N';
	}
	kind[j] = '\0';
	for (i = 0; i < FUZZ_ENDS - 1 && ends[i].n; i++)
		if (!strcmp(ends[i].what, kind))
			break;
	if (!ends[i].n)
		snprintf(ends[i].what, sizeof(ends[i].what), "%s",
			 i < FUZZ_ENDS - 1 ? kind : "others");
	ends[i].n++;
}

/* The commonest ends in @ends, "3x what, 2x what", into @buf. */
static void fuzz_top_ends(struct fuzz_end *ends, char *buf, size_t len,
			  unsigned int top)
{
	unsigned int i, j, best;
	size_t used = 0;
	struct fuzz_end t;

	buf[0] = '\0';
	for (i = 0; i < top && i < FUZZ_ENDS && ends[i].n; i++) {
		for (best = i, j = i + 1; j < FUZZ_ENDS && ends[j].n; j++)
			if (ends[j].n > ends[best].n)
				best = j;
		t = ends[i];
		ends[i] = ends[best];
		ends[best] = t;
		used += snprintf(buf + used, len - used, "%s%ux %s",
				 i ? "; " : "", ends[i].n, ends[i].what);
		if (used >= len)
			break;
	}
}

/*
 * Judge one launch that has ended with wait status @status: 1 if it was
 * contained (counted in @ends), 0 after fail().
 */
static int fuzz_judge(unsigned int seed, unsigned int launch,
		      const struct fuzz_launch *l, int status,
		      struct fuzz_end *ends)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	const char *killed = strstr(l->tail, KILLED_LINE);
	char replay[128];

	snprintf(replay, sizeof(replay), "replay: DEMO=1 KERNEL_ARGS=lguest."
		 "fuzzreplay=seed=%u,start=%u bash tests/host-rig.sh", seed,
		 l->start);
	if (status == -2) {
		fail("seed %u, launch %u: no progress for %u s after call %ld "
		     "(%s): %s", seed, launch, FUZZ_STALL_MS / 1000, l->at,
		     replay, excerpt(l->tail));
		return 0;
	}
	if (WIFSIGNALED(status)) {
		fail("seed %u, launch %u: the Launcher died of signal %d after "
		     "call %ld (%s): %s", seed, launch, WTERMSIG(status), l->at,
		     replay, excerpt(l->tail));
		return 0;
	}
	if (code == 255 && killed) {
		char what[160];

		snprintf(what, sizeof(what), "killed: %s",
			 killed + strlen(KILLED_LINE));
		fuzz_count_end(ends, what);
	} else if (code == 0 && l->done) {
		fuzz_count_end(ends, "finished");
	} else if (code == FUZZ_GIVE_UP &&
		   strstr(l->tail, "Guest shut down: fuzz: stuck")) {
		fuzz_count_end(ends, strstr(l->tail, "fuzz: stuck"));
	} else if (code == 0 || (code >= 16 && code <= 254)) {
		fuzz_count_end(ends, "ended by a SHUTDOWN call");
	} else {
		fail("seed %u, launch %u: the Launcher exited %d after call "
		     "%ld (%s): %s", seed, launch, code, l->at, replay,
		     excerpt(l->tail));
		return 0;
	}
	return 1;
}

/* The case: the seed in its words, launches until enough calls are made. */
static void t_fuzz(void)
{
	static struct fuzz_launch l;
	struct fuzz_end ends[FUZZ_ENDS];
	unsigned int seed = strtoul(current->args, NULL, 10);
	unsigned int want = cmdline_number("lguest.fuzzcalls=", FUZZ_CALLS);
	unsigned int timeout = current->timeout ? current->timeout :
		DEFAULT_TIMEOUT;
	unsigned int next = 0, calls = 0, launches = 0, began = now_ms();
	int verbose = strstr(cmdline, "lguest.fuzzverbose") != NULL;
	unsigned int ms, launch_ms;
	char args[128], top[300];
	struct prog p;

	memset(ends, 0, sizeof(ends));
	if (need_module())
		return;
	while (calls < want) {
		/* Leave time to say so, and for the plain Guest after. */
		ms = now_ms() - began;
		if (ms + FUZZ_STALL_MS + 40000 > timeout * 1000) {
			fail("seed %u: only %u of %u calls in %u launches, "
			     "%u s", seed, calls, want, launches, ms / 1000);
			break;
		}
		memset(&l, 0, sizeof(l));
		l.start = next;
		l.end = next + (want - calls + FUZZ_EVERY - 1) / FUZZ_EVERY *
			FUZZ_EVERY;
		l.at = -1;
		snprintf(args, sizeof(args), "seed=%u start=%u count=%u "
			 "every=%u", seed, l.start, l.end - l.start,
			 FUZZ_EVERY);
		launches++;
		launch_ms = now_ms();
		if (start_guest(&p, "fuzz", args, NULL, 0))
			break;
		if (!fuzz_judge(seed, launches, &l, fuzz_wait(&p, &l), ends))
			break;
		if (verbose)
			note("%s: launch %u, %s: %u ms, after call %ld: %s",
			     current->name, launches, args,
			     now_ms() - launch_ms, l.at, excerpt(l.tail));
		if (l.done) {
			calls += l.end - l.start;
			next = l.end;
		} else if (l.at < 0) {
			fail("seed %u, launch %u: ended before its first "
			     "call (start=%u): %s", seed, launches, l.start,
			     excerpt(l.tail));
			break;
		} else {
			calls += l.at - l.start;
			next = l.at + FUZZ_EVERY;
		}
	}
	ms = now_ms() - began;
	fuzz_top_ends(ends, top, sizeof(top), 5);
	note("%s: seed %u: %u calls in %u launches, %u.%u s (%u ms per "
	     "1000 calls); ends: %s", current->name, seed, calls, launches,
	     ms / 1000, ms % 1000 / 100, calls ? ms * 1000 / calls : 0, top);
	step("a plain Guest after the fuzzer");
	host_still_fine();
}

/*
 * The soak (make soak boots with lguest.soak): the cases marked .soak run
 * then, and only then, in table order.  They look for what one run of a
 * case cannot show: a little memory, slab or a pinned page lost with every
 * Guest, and a failure that comes once in hundreds of launches.
 * soak-baseline must be the first of them and soak-rmmod the last; other
 * soak cases go between, and may call soak_check() to compare with the
 * baseline.
 *
 * The measure (mem_measure): sync, drop the page cache, dentries and inodes
 * (/proc/sys/vm/drop_caches), fold every CPU's counter deltas into the
 * totals (/proc/sys/vm/stat_refresh, or the pin counts could be off by a
 * CPU's unfolded delta), then read three things.  Free memory: MemFree
 * from /proc/meminfo plus the free pages each CPU keeps on its own lists
 * (the "count:" lines of /proc/zoneinfo), which MemFree leaves out; alone,
 * MemFree wandered by 1.7 MB between idle measures, the sum by 8 kB.  Slab
 * nobody can shrink, where a leaked kmalloc() stays: SUnreclaim.  Pinned
 * pages: nr_foll_pin_acquired - nr_foll_pin_released from /proc/vmstat,
 * the pages pinned right now, which the Host's shadow page tables take
 * with pin_user_pages_fast() and give back when a Guest goes.
 *
 * The baseline comes after a warm-up: the module loaded, SOAK_WARM_ROUNDS
 * rounds of eight Guests at once, SOAK_WARM_LAUNCHES launches, the module
 * unloaded.  The kernel grows its caches the first time (measured: about
 * 200 kB of free memory and 150 kB of slab for the first rounds of eight
 * Guests, 50 kB for the first load of the module) and then keeps them;
 * with those in the baseline, what moves afterwards is noise or a leak.
 * Each measure is taken three times (mem_measure), and every slab cache
 * is shrunk first, or the slab that CPUs keep for themselves would move
 * SUnreclaim by 80 kB with no leak at all.  The tolerances (soak_check),
 * against the largest moves seen in four soaks with no leak (free memory
 * down by 40 kB, slab up by 56 kB):
 * - pinned pages: none.  Between Guests no Guest page is pinned.  That the
 *   counter sees the Host's pins at all is checked too, or this would pass
 *   on anything: SOAK_LAUNCHES launches must take as many pins, and while
 *   eight Guests run, pages must be seen pinned.
 * - free memory: SOAK_FREE_KB, 64 pages.  A page lost per Guest is 4,000
 *   kB after the launches, 320 kB after the rounds.
 * - slab: SOAK_SLAB_KB.  A leak of 256 bytes per Guest is 250 kB after the
 *   launches.  (200 pipes kept open by a case, tried once: slab up 164 kB,
 *   free memory down 1,048 kB, both failed.)
 * soak-rmmod compares with the measure taken after the warm-up, with the
 * module unloaded: everything the module and its Guests took must be back.
 */
#define SOAK_LAUNCHES		1000
#define SOAK_GUESTS		8
#define SOAK_ROUNDS		10
#define SOAK_WARM_ROUNDS	3
#define SOAK_WARM_LAUNCHES	20
#define SOAK_FREE_KB		256
#define SOAK_SLAB_KB		128
#define HELLO_LINE	"Hello from the Guest at privilege level 1!"

/* What the kernel holds, as the soak measures it. */
struct mem_state {
	long free_kb;		/* MemFree and the CPUs' own free pages */
	long slab_kb;		/* SUnreclaim */
	long acquired;		/* nr_foll_pin_acquired */
	long pinned;		/* acquired - nr_foll_pin_released */
};

/* Measures kept across soak cases (each runs in a child of its own). */
struct soak_state {
	int have_cold, have_warm;
	struct mem_state cold;	/* warmed up, the module unloaded */
	struct mem_state warm;	/* the baseline: warmed up, loaded, idle */
};

static struct soak_state *soak;	/* shared, set up by main() */

/* The number after "@key:" or "@key " at the start of a line of @path. */
static long proc_value(const char *path, const char *key)
{
	size_t n = strlen(key);
	char line[256];
	long value = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) &&
		    (line[n] == ':' || line[n] == ' ')) {
			value = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return value;
}

/* Write @text into the sysctl file @path; 0, or -1 with errno set. */
static int proc_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -1;
	close(fd);
	return ret;
}

/*
 * The free pages each CPU keeps on its own lists (MemFree does not count
 * them), in kB: the "count:" lines of /proc/zoneinfo; -1 if unreadable.
 */
static long pcp_free_kb(void)
{
	char line[256];
	long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (PAGE / 1024);
}

/* The pin counters only, folded first; 0, or -1 if unreadable. */
static int pins_measure(struct mem_state *m)
{
	long released;

	/* It fails with EINVAL if some counter is negative: still folded. */
	if (proc_write("/proc/sys/vm/stat_refresh", "1") && errno != EINVAL)
		return -1;
	m->acquired = proc_value("/proc/vmstat", "nr_foll_pin_acquired");
	released = proc_value("/proc/vmstat", "nr_foll_pin_released");
	if (m->acquired < 0 || released < 0)
		return -1;
	m->pinned = m->acquired - released;
	return 0;
}

/*
 * Have every slab cache give back its empty slabs, the ones each CPU keeps
 * too (write 1 into /sys/kernel/slab/<cache>/shrink); the number of caches
 * that would not, or -1 if there is no /sys/kernel/slab.
 */
static int slab_shrink_all(void)
{
	char path[300];
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/slab");
	int bad = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.' && d->d_type == DT_DIR) {
			snprintf(path, sizeof(path),
				 "/sys/kernel/slab/%s/shrink", d->d_name);
			bad += proc_write(path, "1") != 0;
		}
	closedir(dir);
	return bad;
}

/* Give back what the kernel can, then measure once into @m; 0 or -1. */
static int mem_measure_once(struct mem_state *m, const char *when)
{
	long pcp;

	sync();
	if (proc_write("/proc/sys/vm/drop_caches", "3")) {
		fail("%s: writing /proc/sys/vm/drop_caches: %s", when,
		     strerror(errno));
		return -1;
	}
	/* Objects freed after an RCU grace period: let them go. */
	sleep_ms(200);
	if (slab_shrink_all()) {
		fail("%s: the slab caches in /sys/kernel/slab would not shrink",
		     when);
		return -1;
	}
	if (pins_measure(m)) {
		fail("%s: no pin counts in /proc/vmstat: %s", when,
		     strerror(errno));
		return -1;
	}
	m->free_kb = proc_value("/proc/meminfo", "MemFree");
	m->slab_kb = proc_value("/proc/meminfo", "SUnreclaim");
	pcp = pcp_free_kb();
	if (m->free_kb < 0 || m->slab_kb < 0 || pcp < 0) {
		fail("%s: no MemFree or SUnreclaim in /proc/meminfo, or no "
		     "per-CPU counts in /proc/zoneinfo", when);
		return -1;
	}
	m->free_kb += pcp;
	return 0;
}

/*
 * Measure into @m, three times: the most free memory and the least slab
 * seen, as what stays between measures is what a leak would keep; the
 * pins of the last.  0, or -1 after fail().
 */
static int mem_measure(struct mem_state *m, const char *when)
{
	struct mem_state again;
	int i;

	step("measuring memory %s", when);
	if (mem_measure_once(m, when))
		return -1;
	for (i = 1; i < 3; i++) {
		if (mem_measure_once(&again, when))
			return -1;
		if (again.free_kb > m->free_kb)
			m->free_kb = again.free_kb;
		if (again.slab_kb < m->slab_kb)
			m->slab_kb = again.slab_kb;
		m->acquired = again.acquired;
		m->pinned = again.pinned;
	}
	return 0;
}

/*
 * Measure now and compare with @base (taken @since): fail on any page
 * still pinned, or slab or free memory beyond the tolerances above.  The
 * differences go on the console as a note either way.
 */
static void soak_check(const char *since, const struct mem_state *base)
{
	struct mem_state now;

	if (mem_measure(&now, "after"))
		return;
	note("%s: since %s: free %+ld kB, SUnreclaim %+ld kB, "
	     "pinned pages %+ld (%ld pins taken)", current->name, since,
	     now.free_kb - base->free_kb, now.slab_kb - base->slab_kb,
	     now.pinned - base->pinned, now.acquired - base->acquired);
	if (now.pinned != base->pinned)
		fail("%ld pages pinned, %ld %s", now.pinned, base->pinned,
		     since);
	if (now.slab_kb - base->slab_kb > SOAK_SLAB_KB)
		fail("SUnreclaim %ld kB, %ld kB %s: up by more than %d kB",
		     now.slab_kb, base->slab_kb, since, SOAK_SLAB_KB);
	if (base->free_kb - now.free_kb > SOAK_FREE_KB)
		fail("free %ld kB, %ld kB %s: down by more than %d kB",
		     now.free_kb, base->free_kb, since, SOAK_FREE_KB);
}

/* The baseline a soak case compares with; NULL after fail() if none. */
static const struct mem_state *soak_baseline(void)
{
	if (!soak->have_warm) {
		fail("no baseline (soak-baseline failed, or did not run)");
		return NULL;
	}
	return &soak->warm;
}

/*
 * The Guests of a soak round: eight that make many exits, each judged.
 * (Not the user Guest: it arms a 2 ms one-shot tick and then enters ring
 * 3, and a tick that comes before it gets there, as it does when eight
 * Guests share two CPUs, is never re-armed, so it spins for ever.)
 */
static const struct {
	const char *guest, *expect;
} soak_mix[SOAK_GUESTS] = {
	{ "hello", HELLO_LINE },
	{ "hcalls", "hcalls: all" },
	{ "timer", "timer: all" },
	{ "paging", "paging: all" },
	{ "fpu", "fpu: all" },
	{ "traps", "traps: all" },
	{ "privileged", "privileged: all" },
	{ "storm", "storm: " },
};

/*
 * One round: the Guests of soak_mix all at once, each judged as its own
 * case would be.  Returns the most pages seen pinned while they ran.
 */
static long soak_round(const char *round)
{
	static char out[SOAK_GUESTS][OUT_LEN];
	struct prog p[SOAK_GUESTS];
	int status[SOAK_GUESTS], live[SOAK_GUESTS], started[SOAK_GUESTS];
	unsigned int i, running = 0, waited;
	struct mem_state m;
	long most = -1;
	char what[64];

	for (i = 0; i < SOAK_GUESTS; i++) {
		status[i] = -2;
		live[i] = !start_guest(&p[i], soak_mix[i].guest, NULL,
				       out[i], sizeof(out[i]));
		started[i] = live[i];
		running += live[i];
	}
	step("%s: waiting for %u Guests", round, running);
	for (waited = 0; running && waited < 60000; waited += 10) {
		if (waited % 50 == 0 && !pins_measure(&m) &&
		    m.pinned > most)
			most = m.pinned;
		for (i = 0; i < SOAK_GUESTS; i++) {
			if (!live[i])
				continue;
			prog_drain(&p[i]);
			if (waitpid(p[i].pid, &status[i], WNOHANG) ==
			    p[i].pid) {
				/* What it wrote just before it exited. */
				prog_drain(&p[i]);
				close(p[i].fd);
				live[i] = 0;
				running--;
			}
		}
		sleep_ms(10);
	}
	for (i = 0; i < SOAK_GUESTS; i++) {
		if (!started[i])
			continue;	/* start_guest() said why */
		if (live[i])
			prog_wait(&p[i], 0);	/* too late: killed */
		snprintf(what, sizeof(what), "%s: %s", round,
			 soak_mix[i].guest);
		judge(what, status[i], out[i], WANT_OK, soak_mix[i].expect);
	}
	return most;
}

/* Unload the module; 0, or -1 after fail(). */
static int soak_unload(void)
{
	int err;

	step("delete_module");
	err = module_unload();
	if (err) {
		fail("delete_module(%s): %s", MODULE_NAME, strerror(-err));
		return -1;
	}
	check_gone("after unload");
	return report->reason[0] ? -1 : 0;
}

/*
 * Warm up (see above), measure with the module unloaded, load it, and
 * measure the baseline the other soak cases compare with.
 */
static void t_soak_baseline(void)
{
	struct mem_state cold, warm;
	char what[32];
	int i;

	if (need_module())
		return;
	for (i = 1; i <= SOAK_WARM_ROUNDS && !report->reason[0]; i++) {
		snprintf(what, sizeof(what), "warm-up round %d", i);
		soak_round(what);
	}
	for (i = 1; i <= SOAK_WARM_LAUNCHES && !report->reason[0]; i++) {
		snprintf(what, sizeof(what), "warm-up launch %d", i);
		run_guest(what, "hello", NULL, 30, WANT_OK, HELLO_LINE);
	}
	if (report->reason[0] || soak_unload() ||
	    mem_measure(&cold, "with the module unloaded"))
		return;
	soak->cold = cold;
	soak->have_cold = 1;
	if (need_module())
		return;
	run_guest("loaded again", "hello", NULL, 30, WANT_OK, HELLO_LINE);
	if (report->reason[0] || mem_measure(&warm, "at the baseline"))
		return;
	soak->warm = warm;
	soak->have_warm = 1;
	note("soak-baseline: free %ld kB, SUnreclaim %ld kB, pinned pages "
	     "%ld (the module unloaded: %ld kB, %ld kB, %ld)",
	     warm.free_kb, warm.slab_kb, warm.pinned, cold.free_kb,
	     cold.slab_kb, cold.pinned);
}

/* The hello Guest, SOAK_LAUNCHES times, one after another. */
static void t_soak_launches(void)
{
	static char out[OUT_LEN];
	const struct mem_state *base = soak_baseline();
	struct mem_state before, after;
	unsigned int start;
	char what[32];
	struct prog p;
	int i;

	if (!base || need_module() || pins_measure(&before))
		return;
	start = now_ms();
	for (i = 1; i <= SOAK_LAUNCHES; i++) {
		snprintf(what, sizeof(what), "launch %d", i);
		if (start_guest(&p, "hello", NULL, out, sizeof(out)))
			return;
		judge(what, prog_wait(&p, 30000), out, WANT_OK, HELLO_LINE);
		if (report->reason[0])
			return;		/* the first failure says it all */
	}
	note("soak-launches: %d launches in %u ms", SOAK_LAUNCHES,
	     now_ms() - start);
	if (pins_measure(&after) ||
	    after.acquired - before.acquired < SOAK_LAUNCHES)
		fail("%d launches took %ld pins: the counters do not see the "
		     "Host's", SOAK_LAUNCHES, after.acquired - before.acquired);
	soak_check("the baseline", base);
}

/* SOAK_ROUNDS rounds of SOAK_GUESTS Guests at once. */
static void t_soak_concurrent(void)
{
	const struct mem_state *base = soak_baseline();
	long most = -1, pinned;
	unsigned int start;
	char what[32];
	int round;

	if (!base || need_module())
		return;
	for (round = 1; round <= SOAK_ROUNDS; round++) {
		snprintf(what, sizeof(what), "round %d", round);
		start = now_ms();
		pinned = soak_round(what);
		note("soak-concurrent: round %d: %u ms, at most %ld pages "
		     "pinned", round, now_ms() - start, pinned);
		if (pinned > most)
			most = pinned;
		if (report->reason[0])
			return;
	}
	if (most <= base->pinned)
		fail("at most %ld pages pinned while Guests ran, %ld at the "
		     "baseline: the counters do not see the Host's pins",
		     most, base->pinned);
	soak_check("the baseline", base);
}

/* Last: the module goes, all it took with it, and comes back. */
static void t_soak_rmmod(void)
{
	int err;

	if (!soak->have_cold) {
		fail("no measure with the module unloaded (soak-baseline)");
		return;
	}
	if (soak_unload())
		return;
	soak_check("with the module unloaded before", &soak->cold);
	step("reloading");
	err = module_load();
	if (err) {
		fail("finit_module after unload: %s", strerror(-err));
		return;
	}
	if (need_module())
		return;
	run_guest("after reload", "hello", NULL, 30, WANT_OK, HELLO_LINE);
}

#define SOAK(name, fn, timeout)						\
	{ name, fn, timeout, .soak = 1 }

#define GUEST(name, guest, args, want, expect)				\
	{ name, t_guest, 60, guest, args, want, expect }

/*
 * A hostile Guest (tests/guests/hostile.c) and what the Host owes it: killed
 * with a reason that holds @reason (each of its lines), or refused, the
 * Guest seeing what @how says and exiting 0, or living on and saying @said.
 */
#define HOSTILE(attack, reason)						\
	{ "hostile-" attack, t_guest, 30, "hostile", attack, WANT_KILLED, \
	  reason }
#define HOSTILE_REFUSED(attack, how)					\
	{ "hostile-" attack, t_guest, 30, "hostile", attack, WANT_OK,	\
	  "hostile: " attack ": refused (" how ")" }
#define HOSTILE_OK(attack, said)					\
	{ "hostile-" attack, t_guest, 30, "hostile", attack, WANT_OK, said }
/*
 * HOSTILE_WATCHED: run on CPU 0 by t_watched(), which also checks every word
 * the Guest says it saw against the Launcher's mapping of the Guest's memory.
 */
#define HOSTILE_WATCHED(attack, want, expect)				\
	{ "hostile-" attack, t_watched, 40, "hostile", attack, want, expect }

static const struct hosttest tests[] = {
	{ "load",		t_load,		60 },
	{ "devnode",		t_devnode,	60 },
	{ "open-close",		t_open_close,	60 },
	{ "bad-requests",	t_bad_requests,	60 },
	/* Guests that behave. */
	GUEST("first-light", "hello", NULL, WANT_OK,
	      "Hello from the Guest at privilege level 1!"),
	GUEST("shutdown-0", "shutdown", "0", 0, "shutdown: status 0"),
	GUEST("shutdown-7", "shutdown", "7 goodbye, Host", 7, "goodbye, Host"),
	GUEST("shutdown-254", "shutdown", "254", 254, NULL),
	GUEST("hcalls", "hcalls", NULL, WANT_OK, "hcalls: all"),
	GUEST("traps", "traps", NULL, WANT_OK, "traps: all"),
	GUEST("privileged", "privileged", NULL, WANT_OK, "privileged: all"),
	GUEST("timer", "timer", NULL, WANT_OK, "timer: all"),
	{ "idle",		t_idle,		30 },
	{ "walltime",		t_walltime,	30 },
	GUEST("paging", "paging", NULL, WANT_OK, "paging: all"),
	GUEST("pgcache", "pgcache", NULL, WANT_OK, "pgcache: all"),
	GUEST("pgshare", "pgshare", NULL, WANT_OK, "pgshare: all"),
	GUEST("user", "user", NULL, WANT_OK, "user: all"),
	{ "fpu",		t_fpu,		90 },
	{ "two-guests",		t_two_guests,	120 },
	GUEST("storm", "storm", NULL, WANT_OK, "storm: "),
	/* Devices. */
	{ "console-halted",	t_console_halted, 40 },
	{ "console-spinning",	t_console_spinning, 40 },
	{ "console-suppression", t_console_suppress, 120 },
	{ "block",		t_block,	60 },
	{ "block-ro",		t_block_ro,	40 },
	{ "block-noflush",	t_block_noflush, 40 },
	GUEST("rng", "--rng rng", NULL, WANT_OK, "rng: all"),
	/* The Host's counts, printed by --stats when the Guest ends. */
	GUEST("stats", "--stats hostile", "hcall-storm", WANT_OK,
	      "lguest: stats: hypercall LGUEST_INIT: 1\n"
	      "lguest: stats: hypercall FLUSH_ASYNC: 1000\n"
	      "lguest: stats: hypercall SHUTDOWN: 1\n"
	      "lguest: stats: of those, 0 from the async ring\n"
	      "lguest: stats: Host interrupts while the Guest ran: "),
	{ "devices-idle",	t_devices_idle,	30 },
	/* The Kernel: processes in their own address spaces. */
	GUEST("kernel-init", KERNEL_GUEST, NULL, WANT_OK,
	      "init: child 2 of 1\ninit: child 2 exited with 7\n"
	      "kernel: init exited with status 0"),
	GUEST("kernel-fork", KERNEL_GUEST, "forkwait", WANT_OK, "forkwait: all"),
	GUEST("kernel-many", KERNEL_GUEST, "many", WANT_OK,
	      "many: all\nchildren alive at once"),
	GUEST("kernel-crash", KERNEL_GUEST, "crash", WANT_OK,
	      "(crash): page fault at 0x0\n"
	      "(crash): page fault at 0x80100000\n"
	      "(crash): general protection fault at 0x\n"
	      "(crash): invalid opcode at 0x\n"
	      "crash: the survivor is still here\ncrash: all"),
	{ "kernel-hogs",	t_kernel_hogs,	60 },
	{ "kernel-read",	t_kernel_read,	40 },
	{ "kernel-native",	t_kernel_native, 60 },
	{ "kernel-files",	t_kernel_files,	90 },
	VQ_HOSTILE("outside", "console output: buffer 0x"),
	VQ_HOSTILE("overflow", "console output: buffer 0x"),
	VQ_HOSTILE("loop", "console output: a descriptor chain longer"),
	VQ_HOSTILE("jump", "console output: the available index jumped"),
	VQ_HOSTILE("head", "console output: request"),
	VQ_HOSTILE("notify", "which is not a virtqueue"),
	VQ_HOSTILE("writable", "console output: 1 writable buffers where 0"),
	{ "vq-readable",	t_vq_readable,	40 },
	VQ_HOSTILE("indirect", "console output: descriptor 0 has flags 0x4"),
	{ "vq-empty",		t_vq_empty,	40 },
	GUEST("vq-numvq", "vqhostile", "numvq", WANT_OK,
	      "vqhostile: numvq: ignored"),
	{ "vq-huge", t_guest, 30, "--rng vqhostile", "huge", WANT_OK,
	  "vqhostile: huge: answered" },
	/* A Launcher that lies about the ring, and a Guest that copes. */
	GUEST("vq-liar", "vqliar", NULL, WANT_OK, "vqliar: all"),
	/* Launchers killed while their Guests run. */
	{ "sigterm",		t_sigterm,	30 },
	{ "sigkill",		t_sigkill,	30 },
	{ "sigkill-irqs-off",	t_sigkill_irqs_off, 30 },
	{ "sigkill-storm",	t_sigkill_storm, 30 },
	/* A Launcher's second thread stops the Guest, then interrupts it. */
	{ "irq-break",		t_irq_break,	30 },
	/* An NMI while a Guest runs, on a machine with a second CPU. */
	{ "nmi-in-guest",	t_nmi_in_guest,	60, .cpus = 2 },
	/* Guests that misbehave: each must be contained. */
	HOSTILE("early-notify", "hypercall 17 before LGUEST_INIT"),
	HOSTILE("early-shutdown", "hypercall 2 before LGUEST_INIT"),
	/* The first read is of noirq_start, at 0x460 in lguest_data. */
	HOSTILE("init-outside", "bad lguest_data address 0xfffff000"),
	HOSTILE("init-twice", "LGUEST_INIT called twice"),
	HOSTILE("hcall-11", "unknown hypercall 11"),
	HOSTILE("hcall-12", "unknown hypercall 12"),
	HOSTILE("hcall-13", "unknown hypercall 13"),
	HOSTILE("hcall-18", "unknown hypercall 18"),
	HOSTILE("hcall-99", "unknown hypercall 99"),
	HOSTILE("hcall-max", "unknown hypercall 4294967295"),
	HOSTILE("async-unknown", "unknown hypercall 99"),
	HOSTILE("async-init", "LGUEST_INIT called twice"),
	HOSTILE("shutdown-255", "shutdown with status 255"),
	HOSTILE("shutdown-300", "shutdown with status 300"),
	/* Not in memory, not a device page, not a ring: the Launcher says no. */
	HOSTILE("notify-outside",
		"notified 0xf0000000, which is not a virtqueue"),
	HOSTILE_OK("hcall-storm",
		   "hostile: hcall-storm: lived on (100000 hypercalls)"),
	HOSTILE("gdt-system", "system descriptor in GDT entry 20"),
	HOSTILE("gdt-10", "GDT entry 10 belongs to the Host"),
	HOSTILE("gdt-11", "GDT entry 11 belongs to the Host"),
	HOSTILE("gdt-16", "GDT entry 16 belongs to the Host"),
	HOSTILE("gdt-33", "GDT of 33 entries"),
	/* 64 pages past the end of its 32 MiB. */
	HOSTILE("gdt-outside", "bad read of 256 bytes at 0x2040000"),
	HOSTILE_REFUSED("gdt-dpl0", "entry 20 has DPL 1"),
	HOSTILE("tls-system", "system descriptor in GDT entry 7"),
	HOSTILE_REFUSED("tls-execonly", "%fs became 0"),
	HOSTILE("idt-2", "interrupt gate for reserved vector 2"),
	HOSTILE("idt-8", "interrupt gate for reserved vector 8"),
	HOSTILE("idt-15", "interrupt gate for reserved vector 15"),
	HOSTILE("idt-31", "interrupt gate for reserved vector 31"),
	HOSTILE("idt-256", "interrupt gate for reserved vector 256"),
	HOSTILE("idt-task", "bad gate type 0x5 for vector 40"),
	HOSTILE("idt-call", "bad gate type 0xc for vector 40"),
	HOSTILE("idt-16bit", "bad gate type 0x6 for vector 40"),
	HOSTILE_REFUSED("idt-ring0",
			"trap 3 with cs 0x61, trap 6 with cs 0x61"),
	/* Memory is 32 MiB and the device pages: this is the page after. */
	HOSTILE("pte-pfnlimit", "page 0x2040000 beyond memory"),
	HOSTILE("pte-far", "page 0xfffff000 beyond memory"),
	HOSTILE("pmd-pfnlimit", "page table 0x2040000 beyond memory"),
	HOSTILE("pgdir-outside", "bad page directory 0x20a4000"),
	HOSTILE("pde-4mb", "4 MiB page at 0x40000000"),
	HOSTILE("setstack-user", "bad stack segment 0x7b"),
	HOSTILE("setstack-ring0", "bad stack segment 0x68"),
	/* Where the ud2 is depends on the compiler: any address will do. */
	HOSTILE("no-idt", "trap 6 at 0x\nwith no handler"),
	HOSTILE("stack-unmapped",
		"double fault: cannot push on the stack at 0x4ffffffc"),
	/* The Switcher's address depends on the Host's memory. */
	HOSTILE("stack-switcher",
		"double fault: cannot push on the stack at 0x"),
	HOSTILE_REFUSED("switcher", "7 of 7 writes: trap 14 at the address"),
	/*
	 * syscall is not there to use (trap 6) on the recommended CPU; on
	 * others it may be, and must fault instead.
	 */
	HOSTILE_OK("ring0-doors", "hostile: ring0-doors: refused (ljmp trap "
		   "13, mov trap 13, iret trap 13, sysenter trap 13, "
		   "syscall trap "),
	/* The harm of these the harness sees, not the Guest. */
	HOSTILE_WATCHED("vm86-shift", WANT_KILLED, "in virtual-8086 mode"),
	GUEST("user-low-page", "user", "low", WANT_OK, "user: all"),
	HOSTILE_WATCHED("leaks", WANT_OK, "hostile: leaks: refused ("),
	HOSTILE_WATCHED("launcher-addr", WANT_OK,
			"hostile: launcher-addr: refused ("),
	/*
	 * NMIs that strike the Switcher on its way home must not leave Host
	 * values in the Guest's registers page.  Judged only where NMIs come
	 * (the NMI run) and the Host's %cr4 differs from the Guest's (global
	 * pages, SMEP or SMAP on): otherwise it says "not judged".
	 */
	HOSTILE_OK("nmi-leak", "hostile: nmi-leak: refused ("),
	{ "hostile-nmi-flag",	t_nmi_flag,	60 },
	/* What one Guest leaves in the registers page, the next must not see. */
	{ "hostile-spare-carry", t_spare_carry, 60 },
	{ "hostile-pin-many",	t_pin_once,	120 },
	/* On a broken Host these two take a CPU, or the whole machine. */
	{ "hostile-vm86-spin",	t_vm86_spin,	45 },
	{ "hostile-dr6-step",	t_stale_dr6,	45 },
	/* Seeded random hypercalls: every launch contained. */
	{ "fuzz-1", t_fuzz, FUZZ_TIMEOUT, "fuzz", "1" },
	{ "fuzz-2", t_fuzz, FUZZ_TIMEOUT, "fuzz", "2" },
	{ "fuzz-3", t_fuzz, FUZZ_TIMEOUT, "fuzz", "3" },
	{ "fuzz-4", t_fuzz, FUZZ_TIMEOUT, "fuzz", "4" },
	{ "host-fine",		t_host_fine,	60 },
	/* Last: the module goes, and comes back, with nothing left behind. */
	{ "rmmod",		t_rmmod,	60 },
	{ "reload-20",		t_reload_20,	120 },
	/* The soak: only with lguest.soak (make soak), and only these. */
	SOAK("soak-baseline",	t_soak_baseline,	120),
	SOAK("soak-launches",	t_soak_launches,	1800),
	SOAK("soak-concurrent",	t_soak_concurrent,	600),
	SOAK("soak-rmmod",	t_soak_rmmod,		120),
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
	emit(line, len);
}

/*
 * What the kernel says when it is unhappy: a line of the kernel's holding
 * any of these fails the case during which it was logged.  The rig reads
 * this list from here (each string alone on its line) to judge the whole
 * console the same way.  ("watchdog: BUG" and "hung task" are there to be
 * found by name; "BUG:" and "blocked for more than" already catch them.)
 */
static const char *const kernel_bad[] = {
	"Oops",
	"BUG:",
	"WARNING:",
	"general protection",
	"Kernel panic",
	"kernel BUG",
	"Call Trace",
	"Uhhuh",
	"Dazed and confused",
	"NMI received for unknown reason",
	"rcu: INFO",
	"self-detected stall",
	"detected stalls",
	"soft lockup",
	"hard LOCKUP",
	"watchdog: BUG",
	"hung task",
	"hung_task",
	"blocked for more than",
};

/*
 * What the Host says of an NMI that no handler claims.  In the NMI run
 * (booted with lguest.nmis; the rig sends NMIs from QEMU's monitor) these
 * lines are expected, so they are counted instead of failed.  The rig reads
 * this list too; the first line is the one it counts.
 */
static const char *const nmi_unknown[] = {
	"Uhhuh. NMI received for unknown reason",
	"Dazed and confused, but trying to continue",
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static int nmis_expected;	/* booted with lguest.nmis */

/* Does @text hold any of the @n strings of @list? */
static int holds_any(const char *text, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(text, list[i]))
			return 1;
	return 0;
}

/* What the kernel logged during one case. */
struct kmsg_verdict {
	char bad[256];		/* the first complaint, or "" */
	unsigned int unknown;	/* nmi_unknown[] lines, in the NMI run */
	unsigned int lost;	/* overwritten before we read them */
};

/* Is @text "NMI backtrace for cpu N", and nothing more? */
static int nmi_backtrace_head(const char *text)
{
	static const char head[] = "NMI backtrace for cpu ";
	const char *p = text + sizeof(head) - 1;

	if (strncmp(text, head, sizeof(head) - 1) || !*p)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return !*p;
}

/*
 * Read every record logged since kmsg_from_now() gave us @fd and judge the
 * kernel's ones as the rig judges the console: the first holding any of
 * kernel_bad[] goes into @v.  Records that user space wrote (a facility
 * other than 0) are never judged; they only open and close the quiet
 * window of case @name ("HOSTTESTS QUIET BEGIN/END <name>", written by
 * t_nmi_in_guest()), inside which each "NMI backtrace for cpu N" lets one
 * "Call Trace:" after it pass.  In the NMI run, nmi_unknown[] lines are
 * counted, not judged.
 */
static void kmsg_judge(int fd, const char *name, struct kmsg_verdict *v)
{
	char rec[1024], begin[96], end[96], *text, *nl;
	int quiet = 0, reports = 0, forgiven;
	unsigned int prefix;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	snprintf(begin, sizeof(begin), "HOSTTESTS QUIET BEGIN %s", name);
	snprintf(end, sizeof(end), "HOSTTESTS QUIET END %s", name);
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE) {
			v->lost++;	/* the reader skips to what is left */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EAGAIN: nothing more */
		/* "prefix,seq,usec,flags;text\n", maybe " KEY=value" lines. */
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text || sscanf(rec, "%u", &prefix) != 1)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (prefix >> 3) {
			if (!strcmp(text, begin)) {
				quiet = 1;
				reports = 0;
			} else if (!strcmp(text, end)) {
				quiet = 0;
			}
			continue;
		}
		forgiven = 0;
		if (quiet && nmi_backtrace_head(text)) {
			reports++;
		} else if (quiet && reports && !strcmp(text, "Call Trace:")) {
			reports--;
			forgiven = 1;
		}
		if (nmis_expected &&
		    holds_any(text, nmi_unknown, ARRAY_LEN(nmi_unknown)))
			v->unknown++;
		else if (!forgiven && !v->bad[0] &&
			 holds_any(text, kernel_bad, ARRAY_LEN(kernel_bad)))
			snprintf(v->bad, sizeof(v->bad), "%s", text);
	}
}

/* The NMIs all CPUs have taken, from /proc/interrupts; 0 if unreadable. */
static unsigned long nmi_count(void)
{
	char line[512], *p, *end;
	unsigned long sum = 0, n;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "NMI:", 4))
			continue;
		for (p += 4; ; p = end) {
			n = strtoul(p, &end, 10);
			if (end == p)
				break;
			sum += n;
		}
	}
	fclose(f);
	return sum;
}

static unsigned long nmis_in_cases;	/* the NMI run: NMIs during cases */

/*
 * NMIs that struck the Switcher itself, which the Host counts in a module
 * parameter; 0 when the module is not loaded (a reload starts again at 0,
 * which is why cases are measured one by one).
 */
static unsigned long switcher_nmi_count(void)
{
	FILE *f = fopen("/sys/module/" MODULE_NAME
			"/parameters/switcher_nmis", "r");
	unsigned long n = 0;

	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

static unsigned long switcher_nmis_in_cases;	/* the NMI run: of those */

/*
 * Run one case in a child and judge it, by what the child reported and by
 * what the kernel logged meanwhile; returns 1 if it passed.
 */
static int run_case(const struct hosttest *t)
{
	unsigned int limit = (t->timeout ? t->timeout : DEFAULT_TIMEOUT) * 1000;
	char why[REASON_LEN + STEP_LEN + 128] = "";
	unsigned int waited = 0;
	struct kmsg_verdict kv;
	unsigned long nmis, switcher_nmis;
	int status, timed_out = 0, kmsg;
	size_t len;
	pid_t pid;

	memset(report, 0, sizeof(*report));
	current = t;
	kmsg = kmsg_from_now();
	if (kmsg < 0) {
		say("HOSTTEST %s FAIL: cannot read the kernel's log, %s: %s",
		    t->name, KMSG, strerror(errno));
		return 0;
	}
	nmis = nmi_count();
	switcher_nmis = switcher_nmi_count();
	pid = fork();
	if (pid < 0) {
		say("HOSTTEST %s FAIL: fork: %s", t->name, strerror(errno));
		close(kmsg);
		return 0;
	}
	if (pid == 0) {
		close(kmsg);
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
		snprintf(why, sizeof(why), "timed out after %u s during %s%s%s",
			 limit / 1000,
			 report->step[0] ? report->step : "start",
			 report->reason[0] ? "; before that: " : "",
			 report->reason);
	} else if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why),
			 "died of signal %d (%s) during %s%s%s",
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 report->step[0] ? report->step : "start",
			 report->reason[0] ? "; before that: " : "",
			 report->reason);
	} else if (report->reason[0]) {
		snprintf(why, sizeof(why), "%s", report->reason);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(why, sizeof(why), "exit status %d",
			 WEXITSTATUS(status));
	}

	kmsg_judge(kmsg, t->name, &kv);
	close(kmsg);
	if (kv.bad[0]) {
		len = strlen(why);
		snprintf(why + len, sizeof(why) - len,
			 "%sthe kernel complained: %.200s", len ? "; " : "",
			 kv.bad);
	}
	if (kv.lost)
		say("HOSTTESTS note: %s: the kernel's log lost records %u "
		    "times before they were read (the rig still sees the "
		    "console)", t->name, kv.lost);
	if (nmis_expected) {
		nmis = nmi_count() - nmis;
		nmis_in_cases += nmis;
		if (switcher_nmi_count() > switcher_nmis)
			switcher_nmis_in_cases += switcher_nmi_count() -
				switcher_nmis;
		say("HOSTTESTS note: %s: %lu NMIs taken, %u unknown-NMI lines",
		    t->name, nmis, kv.unknown);
	}
	if (why[0]) {
		say("HOSTTEST %s FAIL: %s", t->name, why);
		return 0;
	}
	say("HOSTTEST %s ok", t->name);
	return 1;
}

static void read_cmdline(void)
{
	int fd = open("/proc/cmdline", O_RDONLY), n = 0;

	if (fd >= 0) {
		n = read(fd, cmdline, sizeof(cmdline) - 1);
		close(fd);
	}
	cmdline[n > 0 ? n : 0] = '\0';
}

/* Was the kernel booted with lguest.demo (by `make run`)? */
static int demo_wanted(void)
{
	return strstr(cmdline, "lguest.demo") != NULL;
}

/* The number after @key (such as "lguest.fuzzcalls=") there, or @def. */
static unsigned int cmdline_number(const char *key, unsigned int def)
{
	const char *p = strstr(cmdline, key);

	if (!p || p[strlen(key)] < '0' || p[strlen(key)] > '9')
		return def;
	return strtoul(p + strlen(key), NULL, 10);
}

/*
 * With lguest.only=a,b,c on the kernel command line, run only those cases;
 * a name ending in '*' stands for every case whose name begins so.
 */
static int case_wanted(const char *name)
{
	const char *only = strstr(cmdline, "lguest.only="), *p;
	size_t n = strlen(name), w;

	if (!only)
		return 1;
	for (p = only + strlen("lguest.only="); *p && *p != ' '; p++) {
		if (p[-1] != '=' && p[-1] != ',')
			continue;
		w = strcspn(p, ", \n");
		if (w && p[w - 1] == '*' ? !strncmp(p, name, w - 1) :
		    w == n && !strncmp(p, name, n))
			return 1;
	}
	return 0;
}

/*
 * With "lguest.fuzzreplay=seed=1,start=512,trace=600" as well, the demo is
 * that launch of the fuzzer instead: /guests/fuzz.elf with those words (the
 * commas become spaces), its output on the console.  Fills @argv.
 */
static void fuzz_replay(char *argv[], unsigned int max)
{
	static char words[256];
	const char *key = "lguest.fuzzreplay=", *p = strstr(cmdline, key);
	unsigned int argc = 2;	/* after the Launcher and MEM-MB */
	char *w;

	if (!p)
		return;
	snprintf(words, sizeof(words), "%.*s", (int)strcspn(p + strlen(key),
							      " \n"),
		 p + strlen(key));
	argv[argc++] = GUEST_DIR "fuzz.elf";
	for (w = strtok(words, ","); w && argc < max - 1; w = strtok(NULL, ","))
		argv[argc++] = w;
	argv[argc] = NULL;
}

/*
 * The demo: run the first-light Guest with its output on the console, say
 * how it ended ("LGUEST DEMO DONE <status>", which the rig looks for), and
 * let main() power the machine off.
 */
static void demo(void)
{
	char *argv[16] = { LAUNCHER, GUEST_MEM_MB, GUEST_DIR "hello.elf", NULL };
	int status = -1, code = -1;
	pid_t pid;

	memset(report, 0, sizeof(*report));
	fuzz_replay(argv, 16);
	if (need_module()) {
		say("lguest demo: %s", report->reason);
		say("LGUEST DEMO DONE -1");
		return;
	}
	say("lguest demo: %s %s %s", argv[0], argv[1], argv[2]);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		dprintf(2, "lguest demo: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		code = WEXITSTATUS(status);
	say("lguest demo: the Launcher exited with status %d", code);
	say("LGUEST DEMO DONE %d", code);
}

/* Was the kernel booted with lguest.bench (by `make bench`)? */
static int bench_wanted(void)
{
	return strstr(cmdline, "lguest.bench") != NULL;
}

/*
 * The bench: /native-bench (tests/host/native-bench.c) prints "native: NAME
 * NS" lines, the bench Guest (tests/guests/bench.c) "bench: NAME NS" lines;
 * the same NAME on both sides is the same operation, and the table gives
 * the Guest's cost as a multiple of the native one.  Each runs
 * BENCH_PASSES times, in turn, and the table keeps each one's best.
 */
#define NATIVE_BENCH	"/native-bench"
#define BENCH_MAX	32
#define BENCH_TIMEOUT	120	/* seconds for each program */
#define BENCH_PASSES	2	/* runs of each, the best result kept */

struct bench_line {
	char name[32];
	long long guest, native;	/* ns, or -1 if not measured */
};

static struct bench_line bench_lines[BENCH_MAX];
static unsigned int bench_count;

/* Echo @out to the console, keeping the lines that start with @prefix. */
static void bench_collect(const char *out, const char *prefix, int guest)
{
	const char *line, *end;
	struct bench_line *b;
	char copy[256], name[32];
	long long ns;
	unsigned int i;
	int len;

	for (line = out; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		len = end - line;
		if (len >= (int)sizeof(copy))
			len = sizeof(copy) - 1;
		memcpy(copy, line, len);
		copy[len] = '\0';
		if (len && copy[len - 1] == '\r')
			copy[--len] = '\0';
		if (!len)
			continue;
		say("%s", copy);
		if (strncmp(copy, prefix, strlen(prefix)) ||
		    sscanf(copy + strlen(prefix), "%31s %lld", name, &ns) != 2)
			continue;
		for (i = 0; i < bench_count; i++)
			if (!strcmp(bench_lines[i].name, name))
				break;
		if (i == bench_count) {
			if (bench_count == BENCH_MAX)
				continue;
			b = &bench_lines[bench_count++];
			snprintf(b->name, sizeof(b->name), "%s", name);
			b->guest = b->native = -1;
		}
		b = &bench_lines[i];
		/* Of the passes, the best. */
		if (guest && (b->guest < 0 || ns < b->guest))
			b->guest = ns;
		else if (!guest && (b->native < 0 || ns < b->native))
			b->native = ns;
	}
}

/* Run @argv for the bench; 0 if it exited 0. */
static int bench_run(char *const argv[], const char *prefix, int guest)
{
	static char out[OUT_LEN];
	int status;

	if (access(argv[0], X_OK)) {
		say("lguest bench: no %s in the initramfs", argv[0]);
		return -1;
	}
	say("lguest bench: %s%s%s%s%s", argv[0], argv[1] ? " " : "",
	    argv[1] ? argv[1] : "", argv[1] && argv[2] ? " " : "",
	    argv[1] && argv[2] ? argv[2] : "");
	status = run_prog(argv, out, sizeof(out), BENCH_TIMEOUT);
	bench_collect(out, prefix, guest);
	if (status == -1) {
		say("lguest bench: cannot run %s: %s", argv[0],
		    strerror(errno));
		return -1;
	}
	if (status == -2) {
		say("lguest bench: %s still running after %d s", argv[0],
		    BENCH_TIMEOUT);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		say("lguest bench: %s ended with %s %d", argv[0],
		    WIFEXITED(status) ? "status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status));
		return -1;
	}
	return 0;
}

/* One row: both sides and their ratio, or "-" for a side not measured. */
static void bench_row(const struct bench_line *b)
{
	char g[24] = "-", n[24] = "-", r[24] = "-";

	if (b->guest >= 0)
		snprintf(g, sizeof(g), "%lld", b->guest);
	if (b->native >= 0)
		snprintf(n, sizeof(n), "%lld", b->native);
	if (b->guest >= 0 && b->native > 0)
		snprintf(r, sizeof(r), "%.2f",
			 (double)b->guest / (double)b->native);
	say("BENCH %-12s %10s %10s %7s", b->name, g, n, r);
}

static void bench(void)
{
	char *native[] = { NATIVE_BENCH, NULL };
	char *guest[] = { LAUNCHER, GUEST_MEM_MB, GUEST_DIR "bench.elf", NULL };
	unsigned int i, pairs = 0;
	int bad = 0;

	memset(report, 0, sizeof(*report));
	say("LGUEST BENCH START");
	if (need_module()) {
		say("lguest bench: %s", report->reason);
		say("LGUEST BENCH DONE 1");
		return;
	}
	/* Taking turns, so that a busy moment on the machine hits both. */
	for (i = 0; i < BENCH_PASSES; i++) {
		bad |= bench_run(native, "native: ", 0);
		bad |= bench_run(guest, "bench: ", 1);
	}

	/* The pairs, then what only the Guest has, then only native. */
	say("BENCH %-12s %10s %10s %7s", "name", "guest_ns", "native_ns",
	    "ratio");
	for (i = 0; i < bench_count; i++)
		if (bench_lines[i].guest >= 0 && bench_lines[i].native >= 0) {
			bench_row(&bench_lines[i]);
			pairs++;
		}
	for (i = 0; i < bench_count; i++)
		if (bench_lines[i].native < 0)
			bench_row(&bench_lines[i]);
	for (i = 0; i < bench_count; i++)
		if (bench_lines[i].guest < 0)
			bench_row(&bench_lines[i]);
	if (!pairs) {
		say("lguest bench: no Guest and native results to compare");
		bad = 1;
	}
	say("LGUEST BENCH DONE %d", bad ? 1 : 0);
}

/*
 * make soak: "lguest.fuzzseeds=A-B" on the kernel command line runs the
 * fuzzer's seeds A to B as cases "fuzz-A" to "fuzz-B" instead of the table
 * (whose own fuzz cases are seeds 1 to 4); lguest.only picks among them.
 */
static int fuzz_soak_wanted(void)
{
	return strstr(cmdline, "lguest.fuzzseeds=") != NULL;
}

/* The cases lguest.fuzzseeds asks for, counted in @passed and @failed. */
static void fuzz_soak(unsigned int *passed, unsigned int *failed)
{
	const char *key = "lguest.fuzzseeds=", *p = strstr(cmdline, key);
	unsigned int seed, last;
	char name[32], words[16];
	struct hosttest t = {
		name, t_fuzz, FUZZ_TIMEOUT, "fuzz", words, WANT_OK, NULL
	};
	char *end;

	if (!p)
		return;
	seed = strtoul(p + strlen(key), &end, 10);
	last = *end == '-' ? strtoul(end + 1, NULL, 10) : seed;
	for (; seed <= last; seed++) {
		snprintf(name, sizeof(name), "fuzz-%u", seed);
		snprintf(words, sizeof(words), "%u", seed);
		if (!case_wanted(name))
			continue;
		if (run_case(&t))
			(*passed)++;
		else
			(*failed)++;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
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
	unsigned int i, cpus, passed = 0, failed = 0;
	int soak_wanted;
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
	soak = mmap(NULL, sizeof(*soak), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (report == MAP_FAILED || soak == MAP_FAILED) {
		say("HOSTTESTS note: mmap: %s", strerror(errno));
		goto out;
	}

	read_cmdline();
	soak_wanted = strstr(cmdline, "lguest.soak") != NULL;
	nmis_expected = strstr(cmdline, "lguest.nmis") != NULL;
	/*
	 * In the NMI run, our lines go through the kernel's log (emit()), all
	 * of them: without printk_devkmsg "on", it would take ten lines in
	 * five seconds from us and drop the rest.
	 */
	if (nmis_expected &&
	    proc_write("/proc/sys/kernel/printk_devkmsg", "on\n"))
		say("HOSTTESTS note: printk_devkmsg: %s", strerror(errno));
	else if (nmis_expected)
		kmsg_lines = open(KMSG, O_WRONLY | O_CLOEXEC);
	if (demo_wanted()) {
		demo();
		goto out;
	}
	if (bench_wanted()) {
		bench();
		goto out;
	}

	say("HOSTTESTS START %u", (unsigned int)(sizeof(tests) /
						 sizeof(tests[0])));
	cpus = __builtin_popcountl(cpu_list("/sys/devices/system/cpu/present"));
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!case_wanted(tests[i].name) || fuzz_soak_wanted() ||
		    !tests[i].soak != !soak_wanted)
			continue;
		/* Not a pass, not a failure: not a case for this machine. */
		if (cpus && tests[i].cpus > cpus) {
			say("HOSTTESTS note: %s not run: it needs %u CPUs, "
			    "this machine has %u", tests[i].name,
			    tests[i].cpus, cpus);
			continue;
		}
		if (run_case(&tests[i]))
			passed++;
		else
			failed++;
		/* Reap anything a case left behind (we are everyone's init). */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	fuzz_soak(&passed, &failed);
	if (nmis_expected)
		say("HOSTTESTS NMIS %lu %lu", nmis_in_cases,
		    switcher_nmis_in_cases);
	say("HOSTTESTS DONE %u %u", passed, failed);
out:
	sync();
	reboot(RB_POWER_OFF);
	/* PID 1 must never exit. */
	for (;;)
		pause();
}
