// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/walltime.c - the wall clock in lguest_data.time.  The Host
 * writes it when we introduce ourselves and whenever it delivers our clock's
 * interrupt, so the tick handler reads it fresh, with the time stamp
 * counter beside it.  Between two ticks a second apart it must advance as
 * the counter does.  The last reading's seconds are printed for
 * tests/host/init.c (t_walltime) to compare with the Host's real-time
 * clock.  A Host that writes the time only once (or never) fails here; one
 * that writes another clock (since boot, say) fails there.
 */
#include "check.h"

#define MS		1000000ULL
#define NS		1000000000ULL
#define APART_MS	1000

static volatile int ticks;
static volatile u64 wall[2], tsc[2];	/* at the first two ticks */
static volatile u32 bad_ns;		/* a nanoseconds field >= 1e9 */

/* The clock's interrupt: note both clocks, and ask for the second tick. */
static void tick(struct trap_frame *f)
{
	u32 s = lguest_data.time.seconds, ns = lguest_data.time.nanoseconds;

	if (ns >= NS)
		bad_ns = ns;
	if (ticks < 2) {
		wall[ticks] = s * NS + ns;
		tsc[ticks] = clock_ns();
	}
	if (++ticks == 1)
		clock_set_next(APART_MS * MS);
}

int guest_main(const struct lguest_boot_info *boot)
{
	s64 dwall, dtsc;

	check_init(boot);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	CHECK(lguest_data.time.seconds != 0, "no wall clock after LGUEST_INIT");
	irq_disable();
	clock_set_next(1 * MS);
	while (ticks < 2)
		wait_for_interrupt();
	irq_enable();
	dwall = wall[1] - wall[0];
	dtsc = tsc[1] - tsc[0];
	printk("walltime: %lld ms of wall clock, %lld ms of TSC\n",
	       dwall / (s64)MS, dtsc / (s64)MS);
	CHECK(!bad_ns, "the Host wrote %u nanoseconds", bad_ns);
	CHECK(dtsc >= (APART_MS - 50) * (s64)MS, "the ticks were %lld ms apart "
	      "by the TSC, asked %u", dtsc / (s64)MS, APART_MS);
	/* Both measured at the tick's delivery: 10% and a little apart. */
	CHECK(dwall > dtsc - dtsc / 10 - 20 * (s64)MS &&
	      dwall < dtsc + dtsc / 10 + 20 * (s64)MS,
	      "the wall clock moved %lld ms while the TSC moved %lld ms",
	      dwall / (s64)MS, dtsc / (s64)MS);
	printk("walltime: the Host's clock says %u s\n",
	       (u32)(wall[1] / NS));
	return finish("walltime");
}
