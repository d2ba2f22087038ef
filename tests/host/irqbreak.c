// SPDX-License-Identifier: GPL-2.0
/*
 * tests/host/irqbreak.c - LHREQ_BREAK and LHREQ_IRQ against a running Guest.
 *
 *	irqbreak MEM-MB guest.elf [guest words...]
 *
 * This is the real Launcher (tangle/launcher/lguest.c, compiled in here with
 * its main renamed) plus one thread that pokes its /dev/lguest file while
 * the Guest runs, the way the Launcher's own device threads will.  The
 * Launcher's stdout goes through a pipe that a second thread copies to ours,
 * watching for the Guest's "ready" line.  Then the poking thread:
 *
 *	writes LHREQ_BREAK 1: it must return 8, once the Launcher's read has
 *	come back with EAGAIN (we count those, wrapping its read()) and the
 *	Launcher has written LHREQ_BREAK 0 ("irqbreak: break ok");
 *	writes LHREQ_IRQ 32 and LHREQ_BREAK 2: both must fail with EINVAL;
 *	writes LHREQ_IRQ 1: it must return 8 ("irqbreak: irq sent").
 *
 * The Guest (tests/guests/irq.c) shuts down once IRQ 1 has arrived.  When
 * the Launcher exits, we wait for the poking thread, say what went wrong if
 * anything did, and exit with the Launcher's status, or 1 if it was 0 and
 * something went wrong here.
 */
#define _FILE_OFFSET_BITS 64	/* as the Launcher has it */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static void harness_exit(int status) __attribute__((noreturn));
static ssize_t harness_read(int fd, void *buf, size_t n);

#define main launcher_main
#define exit harness_exit
#define read(fd, buf, n) harness_read(fd, buf, n)
#include "launcher/lguest.c"
#undef main
#undef exit
#undef read

#define READY		"ready\n"	/* the Guest's line: it is waiting */
#define READY_WAIT_S	20		/* for it to say so */
#define POKES_WAIT_MS	3000		/* for the pokes, once it has ended */
#define OUT_MAX		65536		/* Guest output we look through */

static int real_stdout = -1;		/* where the Launcher's stdout goes */
static int pipe_out = -1;		/* the pipe the Launcher writes into */
static pthread_t copier, poker;
static bool copier_started, poker_started;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static bool ready;			/* the Guest said READY */
static bool poking;			/* the poker found the Guest ready */
static bool pokes_done;			/* and did all it meant to */
static char failures[1024];		/* what went wrong, "; "-joined */
static int breaks;			/* reads of the Launcher's: EAGAIN */

/* The Launcher's read(), counting the breaks it is told of. */
static ssize_t harness_read(int fd, void *buf, size_t n)
{
	ssize_t ret = read(fd, buf, n);

	if (ret < 0 && errno == EAGAIN)
		__atomic_add_fetch(&breaks, 1, __ATOMIC_SEQ_CST);
	return ret;
}

/* Record a failure and say it at once, on stderr. */
static void __attribute__((format(printf, 1, 2))) poke_fail(const char *fmt,
							   ...)
{
	char msg[256];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "irqbreak: FAIL: %s\n", msg);
	pthread_mutex_lock(&lock);
	len = strlen(failures);
	snprintf(failures + len, sizeof(failures) - len, "%s%s",
		 len ? "; " : "", msg);
	pthread_mutex_unlock(&lock);
}

/* Copy the Launcher's stdout to ours until it closes; notice READY. */
static void *copy_output(void *unused)
{
	static char seen[OUT_MAX];
	size_t used = 0;
	char buf[512];
	ssize_t n;

	for (;;) {
		n = read(pipe_out, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(real_stdout, buf, n) != n)
			break;
		if (used + n >= sizeof(seen))
			continue;	/* long past READY, if it ever came */
		memcpy(seen + used, buf, n);
		used += n;
		seen[used] = '\0';
		if (strstr(seen, READY)) {
			pthread_mutex_lock(&lock);
			ready = true;
			pthread_cond_signal(&ready_cond);
			pthread_mutex_unlock(&lock);
		}
	}
	return NULL;
}

/* Wait up to READY_WAIT_S for the Guest's READY line; true if it came. */
static bool wait_ready(void)
{
	struct timespec until;
	int err = 0;
	bool got;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += READY_WAIT_S;
	pthread_mutex_lock(&lock);
	while (!ready && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&ready_cond, &lock, &until);
	got = ready;
	if (got)
		poking = true;
	pthread_mutex_unlock(&lock);
	return got;
}

/* The Launcher's /dev/lguest file descriptor, or -1. */
static int find_lguest_fd(void)
{
	struct stat dev, st;
	int fd;

	if (stat("/dev/lguest", &dev))
		return -1;
	for (fd = 3; fd < 1024; fd++)
		if (!fstat(fd, &st) && S_ISCHR(st.st_mode) &&
		    st.st_rdev == dev.st_rdev)
			return fd;
	return -1;
}

/* Write request @req, @arg to @fd; 0 if it returned 8, else the errno. */
static int request(int fd, unsigned long req, unsigned long arg)
{
	unsigned long words[] = { req, arg };
	ssize_t n = write(fd, words, sizeof(words));

	if (n == (ssize_t)sizeof(words))
		return 0;
	return n < 0 ? errno : EPROTO;
}

/* The second thread: stop the running Guest, then interrupt it. */
static void *poke(void *unused)
{
	int fd, err, n;

	if (!wait_ready()) {
		poke_fail("the Guest never said \"%.5s\" in %d s", READY,
			  READY_WAIT_S);
		return NULL;
	}
	fd = find_lguest_fd();
	if (fd < 0) {
		poke_fail("cannot find the Launcher's /dev/lguest");
		goto out;
	}
	err = request(fd, LHREQ_BREAK, 1);
	n = __atomic_load_n(&breaks, __ATOMIC_SEQ_CST);
	if (err)
		poke_fail("LHREQ_BREAK 1: %s, want 8 bytes", strerror(err));
	else if (n != 1)
		poke_fail("LHREQ_BREAK 1 returned with %d reads ending in "
			  "EAGAIN, want 1", n);
	else
		fprintf(stderr, "irqbreak: break ok\n");
	err = request(fd, LHREQ_IRQ, 32);
	if (err != EINVAL)
		poke_fail("LHREQ_IRQ 32: %s, want %s", strerror(err),
			  strerror(EINVAL));
	err = request(fd, LHREQ_BREAK, 2);
	if (err != EINVAL)
		poke_fail("LHREQ_BREAK 2: %s, want %s", strerror(err),
			  strerror(EINVAL));
	err = request(fd, LHREQ_IRQ, 1);
	if (err)
		poke_fail("LHREQ_IRQ 1: %s, want 8 bytes", strerror(err));
	else
		fprintf(stderr, "irqbreak: irq sent\n");
out:
	pthread_mutex_lock(&lock);
	pokes_done = true;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/*
 * The Launcher's every exit comes here: let the copier finish, give the
 * poker its time, and exit with the Launcher's @status unless we failed.
 */
static void harness_exit(int status)
{
	bool started, done = false;
	int waited, code;

	fflush(stdout);
	if (real_stdout >= 0)
		dup2(real_stdout, 1);	/* closes the pipe: the copier ends */
	if (copier_started)
		pthread_join(copier, NULL);
	for (waited = 0; poker_started; waited += 10) {
		pthread_mutex_lock(&lock);
		started = poking;
		done = pokes_done;
		pthread_mutex_unlock(&lock);
		if (done || !started || waited >= POKES_WAIT_MS)
			break;
		usleep(10000);
	}
	pthread_mutex_lock(&lock);
	if (poker_started && !done && !failures[0])
		snprintf(failures, sizeof(failures), poking ?
			 "the pokes did not finish (LHREQ_BREAK 1 unanswered?)"
			 : "the Launcher ended before the Guest was ready");
	else if (done && !failures[0] &&
		 __atomic_load_n(&breaks, __ATOMIC_SEQ_CST) != 1)
		snprintf(failures, sizeof(failures),
			 "%d reads ended in EAGAIN, want 1", breaks);
	if (failures[0])
		fprintf(stderr, "irqbreak: FAIL: %s (Launcher status %d)\n",
			failures, status);
	else
		fprintf(stderr, "irqbreak: Launcher status %d\n", status);
	code = failures[0] && !status ? 1 : status;
	pthread_mutex_unlock(&lock);
	exit(code);
}

int main(int argc, char *argv[])
{
	int fds[2];

	if (argc < 3 || argv[1][0] == '-') {
		fprintf(stderr,
			"usage: irqbreak MEM-MB guest.elf [guest words...]\n");
		return 2;
	}
	real_stdout = dup(1);
	if (real_stdout < 0 || pipe(fds) || dup2(fds[1], 1) < 0) {
		perror("irqbreak: stdout pipe");
		return 1;
	}
	close(fds[1]);
	pipe_out = fds[0];
	fcntl(real_stdout, F_SETFD, FD_CLOEXEC);
	fcntl(pipe_out, F_SETFD, FD_CLOEXEC);
	if (pthread_create(&copier, NULL, copy_output, NULL) ||
	    pthread_create(&poker, NULL, poke, NULL)) {
		fprintf(stderr, "irqbreak: cannot start the threads\n");
		return 1;
	}
	copier_started = poker_started = true;
	launcher_main(argc, argv);
	harness_exit(0);	/* the Launcher never returns */
}
