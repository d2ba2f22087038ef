// SPDX-License-Identifier: GPL-2.0
/*
 * tests/host/native-bench.c - the native side of `make bench`: what the
 * Host kernel itself charges for the operations tests/guests/bench.c times
 * in a Guest, measured in the same QEMU machine.  tests/host/init.c runs it
 * as /native-bench in its lguest.bench mode and divides.
 *
 * One line per result, "native: NAME NS", NS the nanoseconds of one
 * operation by CLOCK_MONOTONIC: the best of ROUNDS rounds, or for the
 * timer the median of SAMPLES.
 *
 *	syscall		getppid by int $0x80, as the Guest's ring 3 calls
 *	syscall-libc	getppid by syscall(), whichever way libc enters
 *	pagefault	the first write to a fresh anonymous page: the
 *			kernel takes the fault, zeroes a page and maps it
 *	timer		clock_nanosleep to an absolute deadline (timer slack
 *			1 ns, as the Host's hrtimer for a Guest has none):
 *			from the deadline to running again
 *
 * Nothing here passes or fails on time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define ROUNDS		15
#define SAMPLES		31
#define TIMER_NS	200000ULL
#define NPAGES		256
#define PAGE		4096

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void report(const char *name, uint64_t ns)
{
	printf("native: %s %llu\n", name, (unsigned long long)ns);
	fflush(stdout);
}

static void *region;

/* Run @fn(@n) ROUNDS times, after @prep(@n) and before @done(@n). */
static void repeat(const char *name, void (*fn)(unsigned int),
		   void (*prep)(unsigned int), void (*done)(unsigned int),
		   unsigned int n)
{
	uint64_t best = UINT64_MAX, t0, t1;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		if (prep)
			prep(n);
		t0 = now_ns();
		fn(n);
		t1 = now_ns();
		if (done)
			done(n);
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	report(name, best / n);
}

static void b_int80(unsigned int n)
{
	while (n--) {
		long nr = SYS_getppid;

		asm volatile("int $0x80" : "+a"(nr) : : "memory");
	}
}

static void b_libc(unsigned int n)
{
	while (n--)
		syscall(SYS_getppid);
}

static void map_region(unsigned int n)
{
	region = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		perror("native-bench: mmap");
		exit(1);
	}
	/* One page at a time, as the Guest's are. */
	madvise(region, (size_t)n * PAGE, MADV_NOHUGEPAGE);
}

static void b_pagefault(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*(volatile uint32_t *)((char *)region + (size_t)i * PAGE) = i;
}

static void unmap_region(unsigned int n)
{
	munmap(region, (size_t)n * PAGE);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void timer(void)
{
	uint64_t lat[SAMPLES], deadline, woke;
	struct timespec ts;
	int s;

	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	for (s = 0; s < SAMPLES; s++) {
		deadline = now_ns() + TIMER_NS;
		ts.tv_sec = deadline / 1000000000ULL;
		ts.tv_nsec = deadline % 1000000000ULL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		woke = now_ns();
		lat[s] = woke > deadline ? woke - deadline : 0;
	}
	qsort(lat, SAMPLES, sizeof(lat[0]), cmp_u64);
	report("timer", lat[SAMPLES / 2]);
}

int main(void)
{
	repeat("syscall", b_int80, NULL, NULL, 1000);
	repeat("syscall-libc", b_libc, NULL, NULL, 1000);
	repeat("pagefault", b_pagefault, map_region, unmap_region, NPAGES);
	timer();
	return 0;
}
