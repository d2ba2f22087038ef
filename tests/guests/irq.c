// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/irq.c - an interrupt from the Launcher (LHREQ_IRQ 1, vector
 * 33), for tests/host/irqbreak.c.  With interrupts on, we print "irq: ready"
 * and halt until the interrupt arrives (the harness first stops us with
 * LHREQ_BREAK, then raises IRQ 1).  A 50 ms clock tick wakes us from each
 * halt, so we give up after 10 s rather than sleep for ever.  The interrupt
 * must arrive once, on vector 33, through its interrupt gate.
 */
#include "check.h"

#define MS		1000000ULL
#define IRQ		1
#define WAIT_MS		10000
#define TICK_NS		(50 * MS)

static volatile int irqs, ticks;
static volatile u32 irq_vector, irq_cs, irq_eflags, irq_enabled;

static void got_irq(struct trap_frame *f)
{
	irqs++;
	irq_vector = f->vector;
	irq_cs = f->cs;
	irq_eflags = f->eflags;
	irq_enabled = lguest_data.irq_enabled;
}

static void tick(struct trap_frame *f)
{
	ticks++;
	clock_set_next(TICK_NS);
}

int guest_main(const struct lguest_boot_info *boot)
{
	u64 start, took;

	check_init(boot);
	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	set_trap_handler(FIRST_EXTERNAL_VECTOR + IRQ, got_irq);
	irq_enable();
	clock_set_next(TICK_NS);
	printk("irq: ready\n");

	start = clock_ns();
	irq_disable();
	while (!irqs && clock_ns() - start < WAIT_MS * MS)
		wait_for_interrupt();
	irq_enable();
	took = clock_ns() - start;
	/* A second delivery of the same interrupt would come at once. */
	spin_ns(100 * MS);
	clock_set_next(0);

	CHECK(irqs == 1, "IRQ %d arrived %d times in %llu ms, want once", IRQ,
	      irqs, took / MS);
	CHECK(irq_vector == FIRST_EXTERNAL_VECTOR + IRQ,
	      "on vector %u, want %u", irq_vector, FIRST_EXTERNAL_VECTOR + IRQ);
	CHECK(irq_cs == KERNEL_CS, "from cs 0x%x", irq_cs);
	CHECK(irq_eflags & X86_EFLAGS_IF, "saved IF clear");
	CHECK(irq_enabled == 0, "the handler ran with interrupts on");
	if (irqs)
		printk("irq: IRQ %d after %llu ms and %d ticks\n", IRQ,
		       took / MS, ticks);
	return finish("irq");
}
