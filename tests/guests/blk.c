// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/blk.c - the block device.  The first word says what to do
 * with disk 0 (the host test makes it 64 KiB):
 *	write	write a pattern to sectors 0-15, flush, print "blk: flushed",
 *		then spin until the host test kills the Launcher
 *	verify	read the pattern back; reads past the end get IOERR
 *	ro	the disk is read-only: writes get IOERR, reads work
 *	noflush	refuse VIRTIO_BLK_F_FLUSH: a flush gets UNSUPP, writes work
 */
#include "check.h"
#include "virtio.h"

#define SECTORS	16

static u8 buf[SECTORS * VIRTIO_BLK_SECTOR];

static u8 pattern(unsigned int i)
{
	return (i * 7 + i / 512) ^ 0x5A;
}

static void fill(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(i);
}

static bool matches(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != pattern(i))
			return false;
	return true;
}

int guest_main(const struct lguest_boot_info *boot)
{
	struct blk_disk *d;
	int s;

	check_init(boot);
	if (cmdline_has("noflush"))
		virtio_refuse_feature(VIRTIO_ID_BLOCK, VIRTIO_BLK_F_FLUSH);
	virtio_init();
	d = blk_disk(0);
	CHECK(blk_count() == 1 && d, "%u disks", blk_count());
	if (!d)
		return finish("blk");
	CHECK(d->capacity == 128, "capacity %llu sectors", d->capacity);
	if (cmdline_has("write")) {
		fill();
		s = blk_write(0, 0, buf, SECTORS);
		CHECK(s == VIRTIO_BLK_S_OK, "write: status %d", s);
		s = blk_flush(0);
		CHECK(s == VIRTIO_BLK_S_OK, "flush: status %d", s);
		if (failures)
			return finish("blk");
		printk("blk: flushed\n");
		for (;;)
			barrier();
	}
	if (cmdline_has("verify")) {
		memset(buf, 0, sizeof(buf));
		s = blk_read(0, 0, buf, SECTORS);
		CHECK(s == VIRTIO_BLK_S_OK && matches(), "read back: %d", s);
		s = blk_read(0, d->capacity - 1, buf, 2);
		CHECK(s == VIRTIO_BLK_S_IOERR, "read over the end: %d", s);
		s = blk_read(0, d->capacity + 1000, buf, 1);
		CHECK(s == VIRTIO_BLK_S_IOERR, "read past the end: %d", s);
		s = blk_read(0, d->capacity - 1, buf, 1);
		CHECK(s == VIRTIO_BLK_S_OK, "the last sector: %d", s);
	}
	if (cmdline_has("ro")) {
		CHECK(d->ro, "the disk is not marked read-only");
		s = blk_write(0, 0, buf, 1);
		CHECK(s == VIRTIO_BLK_S_IOERR, "write to read-only: %d", s);
		s = blk_read(0, 0, buf, 1);
		CHECK(s == VIRTIO_BLK_S_OK, "read from read-only: %d", s);
	}
	if (cmdline_has("noflush")) {
		CHECK(!(d->vd->features & (1U << VIRTIO_BLK_F_FLUSH)),
		      "acknowledged flush anyway");
		s = blk_flush(0);
		CHECK(s == VIRTIO_BLK_S_UNSUPP, "flush without the feature: "
		      "status %d", s);
		s = blk_write(0, 20, buf, 1);
		CHECK(s == VIRTIO_BLK_S_OK, "write without flush: %d", s);
	}
	return finish("blk");
}
