// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/vqliar.c - a Launcher that lies, played by ourselves: after
 * the Launcher has given a console output buffer back, we scribble on the
 * shared ring the way a broken Launcher could, and check that our
 * virtqueue code believes none of it:
 *	len	the used entry says 0x7fffffff bytes were written into a
 *		buffer with no writable bytes at all: vq_get must say 0
 *	next	a free descriptor links to descriptor 5000: the next request
 *		must still use descriptors inside the ring
 *	loop	a finished chain's head links to itself: vq_get must free
 *		the chain we offered, not follow the loop for ever
 * After each, an ordinary request must still go and come back.
 */
#include "check.h"
#include "virtio.h"

static char msg[] = "vqliar: a buffer\n";

/* Offer @n copies of msg on @vq and kick; 0 or -1. */
static int offer(struct virtqueue *vq, unsigned int n, void *token)
{
	struct vq_buf b[2] = { { msg, sizeof(msg) - 1 },
			       { msg, sizeof(msg) - 1 } };

	if (vq_add(vq, b, n, 0, token))
		return -1;
	vq_kick(vq);
	return 0;
}

/* Wait for the Launcher to give back @token; its length, or -1. */
static long take(struct virtqueue *vq, void *token)
{
	unsigned int len;
	void *got;

	while (!(got = vq_get(vq, &len)))
		vq_wait(vq);
	return got == token ? (long)len : -1;
}

/* The used entry the next vq_get will read. */
static struct vring_used_elem *next_used(struct virtqueue *vq)
{
	return &vq->used->ring[vq->last_used % vq->num];
}

int guest_main(const struct lguest_boot_info *boot)
{
	struct virtqueue *vq;
	unsigned int head;
	long len;
	int i;

	check_init(boot);
	virtio_init();
	vq = console_queue(1);
	if (!vq)
		lguest_panic("no console");

	/* len: the used ring claims more than the chain could hold. */
	CHECK(!offer(vq, 1, msg), "vq_add");
	vq_wait(vq);
	next_used(vq)->len = 0x7fffffff;
	len = take(vq, msg);
	CHECK(len == 0, "vq_get believed %ld bytes in a readable buffer",
	      len);

	/* next: the free list is ours, not the ring's. */
	vq->desc[vq->free_head].next = 5000;
	CHECK(!offer(vq, 2, msg), "vq_add");
	vq_wait(vq);
	head = next_used(vq)->id;
	CHECK(head < vq->num, "the request's head is %u", head);
	for (i = 0; head < vq->num && i < 2; i++) {
		CHECK(vq->desc[head].next < vq->num || i == 1,
		      "descriptor %u links to %u", head, vq->desc[head].next);
		head = vq->desc[head].next;
	}
	CHECK(take(vq, msg) >= 0, "the two-buffer request did not return");
	CHECK(vq->free_head < vq->num, "the free list starts at %u",
	      vq->free_head);

	/* loop: the finished chain's head now links to itself. */
	CHECK(!offer(vq, 1, msg), "vq_add");
	vq_wait(vq);
	head = next_used(vq)->id;
	vq->desc[head].flags |= VRING_DESC_F_NEXT;
	vq->desc[head].next = head;
	CHECK(take(vq, msg) >= 0, "the looped request did not return");

	/* And the queue still works, every descriptor free again. */
	for (i = 0; i < 3; i++) {
		CHECK(!offer(vq, 2, msg), "vq_add after the lies");
		CHECK(take(vq, msg) >= 0, "a request after the lies");
	}
	CHECK(vq->num_free == vq->num, "%u of %u descriptors free",
	      vq->num_free, vq->num);
	return finish("vqliar");
}
