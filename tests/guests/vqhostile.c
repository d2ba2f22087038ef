// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/vqhostile.c - one broken virtqueue per run, named by the
 * first word; each must make the Launcher kill us with a reason naming the
 * device and what was wrong (the host test checks the reason):
 *	outside		a buffer beyond our memory
 *	overflow	a buffer whose length wraps past 4 GiB
 *	loop		a descriptor chain that links back to itself
 *	jump		avail->idx moved by more than the ring size
 *	head		an available entry naming no descriptor
 *	notify		a notification of an address that is no ring
 *	writable	a device-writable buffer on the console's output
 *	readable	a disk read into a readable buffer (run with --block)
 *	indirect	a descriptor flagged indirect, a feature never offered
 *	empty		a console input buffer of 0 bytes (the host test sends
 *			input after "vqhostile: empty: ready")
 * If we are still alive afterwards we say "SURVIVED".  And two more:
 *	huge		(run with --rng) every entry of the rng's ring names one
 *			chain of every descriptor, each 16 MiB: 64 GiB of random
 *			bytes asked for in one kick.  The Launcher must answer
 *			in bounded time; we say "huge: answered" and exit 0
 *	numvq		not an attack the Launcher should kill for: we do the
 *			console's handshake ourselves after scribbling 0 over
 *			its num_vq, a field only the Launcher writes; it must
 *			still read our (empty) feature bits where they are,
 *			and we say "numvq: ignored" and exit 0
 */
#include "check.h"
#include "virtio.h"

static char data[64];

/* Publish descriptor chain @head on @vq by hand and kick. */
static void publish(struct virtqueue *vq, u16 head)
{
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	barrier();
	vq->avail->idx++;
	hcall(LHCALL_NOTIFY, vq->notify, 0, 0);
}

/* Set descriptor @i of @vq. */
static void set_desc(struct virtqueue *vq, u16 i, u64 addr, u32 len,
		     u16 flags, u16 next)
{
	vq->desc[i].addr = addr;
	vq->desc[i].len = len;
	vq->desc[i].flags = flags;
	vq->desc[i].next = next;
}

/*
 * numvq: map the device pages, set the console's num_vq to 0 and say
 * DRIVER_OK, with no features taken.  A Launcher that believed num_vq would
 * look for our feature bits inside the first queue's descriptor.
 */
static int numvq(const struct lguest_boot_info *boot)
{
	unsigned long pa = boot->mem_size;
	struct lguest_device_desc *d = __va(pa);
	unsigned int i;

	for (i = 0; i < boot->device_pages; i++)
		if (map_page(pgdir_current(), pa + i * PAGE_SIZE,
			     pa + i * PAGE_SIZE, PTE_KERNEL))
			lguest_panic("cannot map the device pages");
	if (d->type != VIRTIO_ID_CONSOLE || d->num_vq != 2)
		lguest_panic("the console is not first");
	d->num_vq = 0;
	d->status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		    VIRTIO_STATUS_DRIVER_OK;
	hcall(LHCALL_NOTIFY, pa, 0, 0);
	printk("vqhostile: numvq: ignored\n");
	return 0;
}

/*
 * huge: the rng's ring, found on the device page, filled with requests of
 * 64 x 16 MiB from 4 MiB up (free memory, above our image and its pages).
 */
static int huge(const struct lguest_boot_info *boot)
{
	u8 *page = __va(boot->mem_size);
	struct lguest_device_desc *d = (void *)page;
	struct lguest_vqconfig *c;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	unsigned int i;

	while (d->type && d->type != VIRTIO_ID_RNG)
		d = (void *)((u8 *)d + sizeof(*d) + d->num_vq * sizeof(*c) +
			     2 * d->feature_len + d->config_len);
	if (!d->type)
		lguest_panic("no rng (run with --rng)");
	c = (void *)d->config;
	desc = __va(c->pfn << PAGE_SHIFT);
	avail = (void *)((u8 *)desc + vring_avail_off(c->num));
	used = (void *)((u8 *)desc + vring_used_off(c->num));
	for (i = 0; i < c->num; i++) {
		desc[i].addr = 0x400000;
		desc[i].len = 0x1000000;
		desc[i].flags = VRING_DESC_F_WRITE |
				(i + 1 < c->num ? VRING_DESC_F_NEXT : 0);
		desc[i].next = i + 1;
		avail->ring[i] = 0;
	}
	barrier();
	avail->idx += c->num;
	hcall(LHCALL_NOTIFY, c->pfn << PAGE_SHIFT, 0, 0);
	printk("vqhostile: huge: answered, %u bytes in the last\n",
	       used->ring[(u16)(used->idx - 1) % c->num].len);
	return 0;
}

int guest_main(const struct lguest_boot_info *boot)
{
	struct virtqueue *out;
	struct vq_buf b = { data, sizeof(data) };
	unsigned long mem = boot->mem_size;

	check_init(boot);
	if (cmdline_has("numvq"))
		return numvq(boot);
	virtio_init();
	if (cmdline_has("huge"))
		return huge(boot);
	out = console_queue(1);
	if (!out)
		lguest_panic("no console");
	if (cmdline_has("outside")) {
		set_desc(out, 0, mem, 16, 0, 0);
		publish(out, 0);
	} else if (cmdline_has("overflow")) {
		set_desc(out, 0, mem - 16, 0xFFFFFFF0U, 0, 0);
		publish(out, 0);
	} else if (cmdline_has("loop")) {
		set_desc(out, 0, __pa(data), 8, VRING_DESC_F_NEXT, 1);
		set_desc(out, 1, __pa(data), 8, VRING_DESC_F_NEXT, 0);
		publish(out, 0);
	} else if (cmdline_has("jump")) {
		out->avail->idx += out->num + 1;
		hcall(LHCALL_NOTIFY, out->notify, 0, 0);
	} else if (cmdline_has("head")) {
		publish(out, out->num + 5);
	} else if (cmdline_has("notify")) {
		hcall(LHCALL_NOTIFY, out->notify + 8, 0, 0);
	} else if (cmdline_has("writable")) {
		vq_add(out, &b, 0, 1, data);
		hcall(LHCALL_NOTIFY, out->notify, 0, 0);
	} else if (cmdline_has("indirect")) {
		set_desc(out, 0, __pa(data), 16, 4, 0);
		publish(out, 0);
	} else if (cmdline_has("empty")) {
		struct virtqueue *in = console_queue(0);

		in->desc[in->avail->ring[0]].len = 0;
		printk("vqhostile: empty: ready\n");
		console_read(data, sizeof(data));
	} else if (cmdline_has("readable") && blk_disk(0)) {
		static struct virtio_blk_outhdr hdr = { VIRTIO_BLK_T_IN };
		static u8 status;
		struct vq_buf req[3] = { { &hdr, sizeof(hdr) },
					 { data, sizeof(data) },
					 { &status, 1 } };

		vq_add(&blk_disk(0)->vq, req, 2, 1, &hdr);
		hcall(LHCALL_NOTIFY, blk_disk(0)->vq.notify, 0, 0);
	}
	printk("vqhostile: SURVIVED\n");
	return 3;
}
