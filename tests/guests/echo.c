// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/echo.c - the console, both ways.  We echo every byte of
 * input back through the console until the end of input, then report.  With
 * "spin" we first print "echo: spinning" and compute for 2 s with interrupts
 * on: input the host test sends meanwhile must interrupt us (the Launcher's
 * input thread breaks us out); otherwise we print "echo: ready" and wait,
 * halted, in console_read.
 *
 * At the end we report what the stream cost, from the queues' counters:
 * input buffers taken (each console_read of ours empties one, since our
 * buffer is bigger than the driver's), kicks on each queue, and the output
 * queue's interrupts.  The host's console-suppression case judges those.
 */
#include "check.h"
#include "virtio.h"

#define MS	1000000ULL

int guest_main(const struct lguest_boot_info *boot)
{
	char buf[200];
	unsigned long total = 0, bufs = 0;
	int n;

	check_init(boot);
	CHECK(virtio_init() >= 1, "no console");
	irq_enable();
	if (cmdline_has("spin")) {
		printk("echo: spinning\n");
		spin_ns(2000 * MS);
		CHECK(console_queue(0)->interrupts > 0,
		      "no input interrupt while spinning");
	} else {
		printk("echo: ready\n");
	}
	while ((n = console_read(buf, sizeof(buf))) > 0) {
		CHECK(console_write(buf, n) == n, "console_write");
		total += n;
		bufs++;
	}
	CHECK(n == 0, "console_read returned %d", n);
	console_take_printk();
	printk("echo: %lu bytes in %lu buffers, end of input\n", total, bufs);
	printk("echo: kicks: %lu input, %lu output; output interrupts: %lu\n",
	       console_queue(0)->kicks, console_queue(1)->kicks,
	       console_queue(1)->interrupts);
	return finish("echo");
}
