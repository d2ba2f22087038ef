// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/rng.c - the entropy device: two reads of 64 bytes arrive in
 * full, are not constant, and differ from each other.
 */
#include "check.h"
#include "virtio.h"

int guest_main(const struct lguest_boot_info *boot)
{
	static u8 a[64], b[64];
	unsigned int i, same = 0;
	int n;

	check_init(boot);
	CHECK(virtio_init() == 2, "want a console and an rng");
	n = rng_read(a, sizeof(a));
	CHECK(n == sizeof(a), "first read gave %d", n);
	n = rng_read(b, sizeof(b));
	CHECK(n == sizeof(b), "second read gave %d", n);
	for (i = 1; i < sizeof(a); i++)
		same += a[i] == a[0];
	CHECK(same < 8, "the bytes are constant");
	CHECK(memcmp(a, b, sizeof(a)), "two reads gave the same bytes");
	return finish("rng");
}
