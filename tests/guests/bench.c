// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/bench.c - what the Guest's basic operations cost, for
 * `make bench` (never for `make test`: nothing here passes or fails on
 * time).  tests/host/init.c runs it in its lguest.bench mode beside
 * /native-bench (tests/host/native-bench.c), in the same QEMU Host, and
 * prints the ratios of the pairs that correspond.
 *
 * Each result is one line, "bench: NAME NS", NS the nanoseconds of one
 * operation by the time stamp counter (lguest_data.tsc_khz): the best of
 * ROUNDS rounds for the operations we repeat, the median of SAMPLES for
 * the timer's latencies.  A first line, "bench-info: ...", gives the clock
 * rate and the number of rounds.
 *
 *	hypercall	LHCALL_FLUSH_ASYNC, into the Host and back
 *	trap		ud2 in ring 1: the Host reflects #UD to our handler
 *	syscall		int $0x80 from ring 3 to a trivial handler, through
 *			the direct trap gate (the Host never sees it)
 *	ring3		run_user() of a program that only exits: iret down
 *			to ring 3 and a system call back
 *	pagefault	a write to an unmapped page: the Host reflects the
 *			fault, our handler zeroes a page and maps it
 *			(SET_PTE, accessed: the Host fills its shadow entry
 *			then), and the write is retried
 *	shadowfill	the first write to a page we have mapped: the Host
 *			fills the shadow entry on its own
 *	timer		halted until the clock interrupt: from the deadline
 *			to our handler
 *	timer-spin	the same, spinning in ring 1 instead of halting
 */
#include "lguest.h"

#define ROUNDS		15
#define SAMPLES		31
#define TIMER_NS	200000UL	/* the timer's delay */
#define NPAGES		256		/* pages per fault round */
#define PF_BASE		0x50000000UL	/* faulted in by the handler */
#define SF_BASE		0x54000000UL	/* mapped, then touched */

enum { SYS_EXIT = 1, SYS_NOP = 20 };

static u32 *pgdir;
static void *pool[NPAGES];		/* the pages the faults map */
static volatile unsigned int ticks;
static volatile u64 tick_tsc;
static volatile unsigned int user_n __ring3_data;	/* system calls */

/* Cycles of the time stamp counter to nanoseconds. */
static u64 tsc_to_ns(u64 cycles)
{
	return cycles * 1000000 / lguest_data.tsc_khz;
}

static void report(const char *name, u64 ns)
{
	printk("bench: %s %llu\n", name, ns);
}

/*
 * Run @fn(@n) ROUNDS times, each after @prep(@n) if there is one, and
 * report the best round's nanoseconds per operation.
 */
static void repeat(const char *name, void (*fn)(unsigned int),
		   void (*prep)(unsigned int), unsigned int n)
{
	u64 best = ~0ULL, t0, t1;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		if (prep)
			prep(n);
		t0 = rdtsc();
		fn(n);
		t1 = rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	report(name, tsc_to_ns(best) / n);
}

/* The handlers: the system call, #UD, the page fault and the clock. */
static void do_syscall(struct trap_frame *f)
{
	if (f->eax == SYS_EXIT && (f->cs & 3) == 3)
		user_return(f->ebx);
	f->eax = 0;
}

static void skip_ud2(struct trap_frame *f)
{
	f->eip += 2;
}

static void map_fault(struct trap_frame *f)
{
	unsigned long cr2 = lguest_data.cr2;
	unsigned int i = (cr2 - PF_BASE) >> PAGE_SHIFT;

	if (cr2 < PF_BASE || i >= NPAGES)
		lguest_panic("bench: page fault at 0x%lx, eip 0x%x", cr2,
			     f->eip);
	memset(pool[i], 0, PAGE_SIZE);
	map_page(pgdir, cr2 & PAGE_MASK, __pa(pool[i]), PTE_KERNEL);
}

static void tick(struct trap_frame *f)
{
	tick_tsc = rdtsc();
	ticks++;
}

/* The operations. */
static void b_hypercall(unsigned int n)
{
	while (n--)
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}

static void b_trap(unsigned int n)
{
	while (n--)
		asm volatile("ud2" : : : "memory");
}

/* In one trip to ring 3, user_n system calls. */
static void __ring3 u_syscalls(void)
{
	unsigned int i;

	for (i = 0; i < user_n; i++)
		syscall2(SYS_NOP, 0, 0);
	syscall2(SYS_EXIT, 0, 0);
}

static void b_syscall(unsigned int n)
{
	user_n = n;
	if (run_user(u_syscalls) != 0)
		lguest_panic("bench: ring 3 did not exit cleanly");
}

static void __ring3 u_exit(void)
{
	syscall2(SYS_EXIT, 0, 0);
}

static void b_ring3(unsigned int n)
{
	while (n--)
		if (run_user(u_exit) != 0)
			lguest_panic("bench: ring 3 did not exit cleanly");
}

/* Write to the first word of @n pages from @base. */
static void touch(unsigned long base, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*(volatile u32 *)(base + i * PAGE_SIZE) = i;
}

static void unmap_pf(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		set_pte(pgdir, PF_BASE + i * PAGE_SIZE, 0);
}

static void b_pagefault(unsigned int n)
{
	touch(PF_BASE, n);
}

/*
 * Map (again) every page: SET_PTE drops the Host's shadow entry.  The
 * entries are not marked accessed, so the Host leaves the filling to the
 * first touch (an accessed one it would fill at once: H:440).
 */
static void map_sf(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		map_page(pgdir, SF_BASE + i * PAGE_SIZE, __pa(pool[i]),
			 PTE_KERNEL & ~PTE_ACCESSED);
}

static void b_shadowfill(unsigned int n)
{
	touch(SF_BASE, n);
}

static void sort(u64 *v, unsigned int n)
{
	unsigned int i, j;
	u64 x;

	for (i = 1; i < n; i++) {
		for (x = v[i], j = i; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * The clock's latency: arm it for TIMER_NS, wait (halting, or spinning),
 * and measure from the deadline to the handler.  The Host starts its timer
 * somewhere inside the hypercall, so the deadline is counted from the
 * hypercall's middle.
 */
static void timer(const char *name, bool spin)
{
	u64 lat[SAMPLES], a, b, deadline, second = lguest_data.tsc_khz * 1000ULL;
	unsigned int s, before;

	for (s = 0; s < SAMPLES; s++) {
		before = ticks;
		a = rdtsc();
		clock_set_next(TIMER_NS);
		b = rdtsc();
		deadline = a + (b - a) / 2 +
			   TIMER_NS * (u64)lguest_data.tsc_khz / 1000000;
		if (!spin)
			irq_disable();
		while (ticks == before) {
			if (spin)
				barrier();
			else
				wait_for_interrupt();
			if (rdtsc() - a > second)
				lguest_panic("bench: no clock interrupt in 1 s");
		}
		irq_enable();
		lat[s] = tick_tsc > deadline ? tick_tsc - deadline : 0;
	}
	sort(lat, SAMPLES);
	report(name, tsc_to_ns(lat[SAMPLES / 2]));
}

int guest_main(const struct lguest_boot_info *boot)
{
	unsigned int i;

	if (lguest_init(boot))
		lguest_shutdown(2, "bad boot information");
	if (!lguest_data.tsc_khz)
		lguest_shutdown(2, "bench: no tsc_khz from the Host");
	traps_init();
	set_trap_handler(6, skip_ud2);
	set_trap_handler(14, map_fault);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	set_trap_handler(SYSCALL_VECTOR, do_syscall);
	if (user_init())
		lguest_shutdown(2, "bench: user_init failed");
	pgdir = pgdir_current();
	for (i = 0; i < NPAGES; i++) {
		pool[i] = page_alloc();
		if (!pool[i])
			lguest_shutdown(2, "bench: out of pages");
	}
	/* Make the page tables now, so no round has to. */
	map_page(pgdir, PF_BASE, __pa(pool[0]), PTE_KERNEL);
	set_pte(pgdir, PF_BASE, 0);
	map_page(pgdir, SF_BASE, __pa(pool[0]), PTE_KERNEL);
	irq_enable();

	printk("bench-info: tsc %u kHz, best of %d rounds\n",
	       lguest_data.tsc_khz, ROUNDS);
	repeat("hypercall", b_hypercall, NULL, 500);
	repeat("trap", b_trap, NULL, 500);
	repeat("syscall", b_syscall, NULL, 1000);
	repeat("ring3", b_ring3, NULL, 500);
	repeat("pagefault", b_pagefault, unmap_pf, NPAGES);
	repeat("shadowfill", b_shadowfill, map_sf, NPAGES);
	timer("timer", false);
	timer("timer-spin", true);
	return 0;
}
