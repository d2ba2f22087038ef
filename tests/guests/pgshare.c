// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/pgshare.c - a page table shared between page directories,
 * changed once (H:440, G:170).  Two directories map VA_S through ONE page
 * table, as a kernel maps itself in every address space.  Both have read
 * VA_S, so the Host holds a shadow entry for it in each.  Then, running in
 * the first, we point the shared entry at another page and tell the Host
 * once, naming the first directory.  Switching to the second directory (its
 * shadow still cached) must show the new page.
 *
 * A third directory maps VA_S through a table of its own, which happens to
 * hold the same entry at first; the change above is not its business, and
 * it must keep its own page.
 *
 * How a broken Host fails: one that drops the entry only in the directory
 * named shows the old page in the second directory; one that drops it
 * everywhere still passes the third check (dropping is never wrong, only
 * slower), so that check is about correctness of what we see, not cost.
 */
#include "check.h"

#define VA_S	0x4C000000UL	/* alone in its 4 MiB, in every directory */

/* Read a word at @va; the vector of any trap, or -1, goes in *@trap. */
static u32 peek(unsigned long va, int *trap)
{
	u32 v = 0xDEADBEEF;

	*trap = TRY_ASM("movl (%1), %0", : "+r"(v) : "r"(va) : "memory");
	return v;
}

/* Switch to @dir and check VA_S reads @want. */
static void expect(u32 *dir, const char *which, u32 want, const char *when)
{
	int trap;
	u32 v;

	load_pgdir(dir);
	v = peek(VA_S, &trap);
	CHECK(trap == -1 && v == want,
	      "%s: the %s directory reads 0x%x at VA_S (trap %d), want 0x%x",
	      when, which, v, trap, want);
}

int guest_main(const struct lguest_boot_info *boot)
{
	u32 *shared = page_alloc(), *own = page_alloc();
	u32 *old = page_alloc(), *new = page_alloc();
	u32 *first, *second = page_alloc(), *third = page_alloc();
	unsigned int index = VA_S >> PGDIR_SHIFT;
	unsigned int slot = (VA_S >> PAGE_SHIFT) % PTRS_PER_TABLE;

	check_init(boot);
	if (!shared || !own || !old || !new || !second || !third) {
		CHECK(false, "out of pages");
		return finish("pgshare");
	}
	first = pgdir_current();
	old[0] = 0x01D;
	new[0] = 0x2E7;
	shared[slot] = __pa(old) | PTE_PRESENT | PTE_RW | PTE_DIRTY |
		PTE_ACCESSED;
	own[slot] = shared[slot];
	memcpy(second, first, PAGE_SIZE);
	memcpy(third, first, PAGE_SIZE);
	second[index] = __pa(shared) | PDE_TABLE;
	third[index] = __pa(own) | PDE_TABLE;
	set_pde(first, index, __pa(shared) | PDE_TABLE);

	/* Fill a shadow of VA_S in all three. */
	expect(first, "first", 0x01D, "before");
	expect(second, "second", 0x01D, "before");
	expect(third, "third", 0x01D, "before");

	/* Change the shared table once, from the first directory. */
	load_pgdir(first);
	shared[slot] = __pa(new) | PTE_PRESENT | PTE_RW | PTE_DIRTY |
		PTE_ACCESSED;
	hcall(LHCALL_SET_PTE, __pa(first), VA_S, shared[slot]);
	expect(first, "first", 0x2E7, "after");
	expect(second, "second", 0x2E7, "after one SET_PTE");
	expect(third, "third", 0x01D, "after a change to another table");
	expect(second, "second", 0x2E7, "back again");
	load_pgdir(first);
	printk("pgshare: one change to a shared table, seen everywhere\n");
	return finish("pgshare");
}
