// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/pgcache.c - the Host's cache of shadow page directories
 * (H:440): it keeps the shadows of the last four directories the Guest
 * used, so switching away and back costs nothing, and to make room for a
 * fifth it flushes the one in the slot after the current one's.
 *
 * We see a shadow without timing anything, through the accessed bit.  Each
 * of five directories (the boot one and four copies of it) maps VA_P,
 * through a page table of its own, to a page of its own.  Reading VA_P with
 * no shadow entry for it faults into the Host, whose walk sets the accessed
 * bit in our entry; with a shadow entry there, nothing faults and nobody
 * sets it.  So once we have cleared the bit behind the Host's back
 * ("forget"), a read that leaves it clear proves the shadow was kept, and
 * one that sets it proves the shadow was thrown away and filled again.
 *
 * How a broken Host fails: with no cache (a fresh shadow at every switch) or
 * a cache of fewer than four, a "kept" check finds the bit set; one that
 * never lets a shadow go, or flushes the wrong one, fails an "evicted" or a
 * "kept" check; one that hands a slot to another directory without flushing
 * it shows the old directory's page at VA_P.
 */
#include "check.h"

#define VA_P	0x48000000UL	/* alone in its 4 MiB, in every directory */
#define DIRS	5

static u32 *dirs[DIRS];		/* the directories */
static u32 *ptes[DIRS];		/* the entry for VA_P in each */

/* Read a word at @va; the vector of any trap, or -1, goes in *@trap. */
static u32 peek(unsigned long va, int *trap)
{
	u32 v = 0xDEADBEEF;

	*trap = TRY_ASM("movl (%1), %0", : "+r"(v) : "r"(va) : "memory");
	return v;
}

/*
 * Make directory @i (0 is the boot one, the others copies of it) map VA_P
 * through a table of its own to a page holding 0x1000 + @i, its entry not
 * yet accessed.  Only directory 0 is in use, so only it needs telling.
 */
static bool build(unsigned int i)
{
	u32 *table = page_alloc(), *page = page_alloc();
	unsigned int index = VA_P >> PGDIR_SHIFT;

	if (!table || !page)
		return false;
	if (i == 0) {
		dirs[0] = pgdir_current();
	} else {
		dirs[i] = page_alloc();
		if (!dirs[i])
			return false;
		memcpy(dirs[i], dirs[0], PAGE_SIZE);
	}
	page[0] = 0x1000 + i;
	ptes[i] = &table[(VA_P >> PAGE_SHIFT) % PTRS_PER_TABLE];
	*ptes[i] = __pa(page) | PTE_PRESENT | PTE_RW | PTE_DIRTY;
	if (i == 0)
		set_pde(dirs[0], index, __pa(table) | PDE_TABLE);
	else
		dirs[i][index] = __pa(table) | PDE_TABLE;
	return true;
}

/* Clear directory @i's accessed bit for VA_P, and tell the Host nothing. */
static void forget(unsigned int i)
{
	*ptes[i] &= ~PTE_ACCESSED;
}

/*
 * Switch to directory @i and read VA_P: it must be @i's own page.  Returns
 * whether the accessed bit is now set (the read went through the Host).
 */
static bool visit(unsigned int i, const char *when)
{
	int trap;
	u32 v;

	load_pgdir(dirs[i]);
	v = peek(VA_P, &trap);
	CHECK(trap == -1 && v == 0x1000 + i,
	      "%s: directory %u reads 0x%x at VA_P (trap %d), want 0x%x",
	      when, i, v, trap, 0x1000 + i);
	return *ptes[i] & PTE_ACCESSED;
}

/* Directory @i is new to the Host: the read fills its shadow. */
static void first(unsigned int i, const char *when)
{
	CHECK(visit(i, when), "%s: directory %u: the first read left the "
	      "accessed bit clear (its shadow was not new)", when, i);
	forget(i);
}

/* Directory @i's shadow must still be there, VA_P and all. */
static void kept(unsigned int i, const char *when)
{
	CHECK(!visit(i, when), "%s: directory %u's shadow was not kept",
	      when, i);
}

/* Directory @i's shadow must have been thrown away, and is now refilled. */
static void evicted(unsigned int i, const char *when)
{
	CHECK(visit(i, when), "%s: directory %u's shadow was kept, want it "
	      "flushed", when, i);
	forget(i);
}

/* Say how a stage went: ok if nothing failed since @before failures. */
static void stage(const char *what, int before)
{
	printk("pgcache: %s: %s\n", what, failures == before ? "ok" : "FAILED");
}

int guest_main(const struct lguest_boot_info *boot)
{
	unsigned int i;
	int before;

	check_init(boot);
	for (i = 0; i < DIRS; i++)
		if (!build(i)) {
			CHECK(false, "out of pages for directory %u", i);
			return finish("pgcache");
		}

	/* The cache's slots, current one starred: [0*] at boot. */
	before = failures;
	first(0, "boot directory");
	first(1, "second directory");			/* [0 1*] */
	kept(0, "back to the first");			/* [0* 1] */
	kept(1, "back to the second");			/* [0 1*] */
	stage("away and back, the shadow kept", before);
	before = failures;

	first(2, "third directory");
	first(3, "fourth directory");			/* [0 1 2 3*] */
	for (i = 0; i < 4; i++)
		kept(i, "four directories");		/* [0 1 2 3*] */
	stage("four shadows kept", before);
	before = failures;

	/* The fifth takes the slot after the current one: 0's. */
	first(4, "fifth directory");			/* [4* 1 2 3] */
	for (i = 1; i < 5; i++)
		kept(i, "after the fifth");		/* [4* 1 2 3] */
	evicted(0, "the fifth evicted the first");	/* [4 0* 2 3] */
	evicted(1, "the first evicted the second");	/* [4 0 1* 3] */
	kept(3, "the fourth, after two evictions");	/* [4 0 1 3*] */
	kept(4, "the fifth, after two evictions");	/* [4* 0 1 3] */
	kept(0, "the first, back");			/* [4 0* 1 3] */
	evicted(2, "the second evicted the third");	/* [4 0 2* 3] */
	stage("the fifth directory evicts, in order", before);
	return finish("pgcache");
}
