// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/paging.c - the Guest's own page tables, shadowed by the Host:
 * fresh mappings are filled on demand, changed and removed ones take effect
 * after SET_PTE (or FLUSH_TLB, or the asynchronous ring), faults on what is
 * not mapped reach the Guest with the right cr2 and error code, the Host
 * keeps the accessed and dirty bits as the processor would, a second page
 * directory works, and the device page can be mapped.
 */
#include "check.h"

#define VA_A		0x40000000UL	/* its own page table */
#define VA_B		(VA_A + PAGE_SIZE)
#define VA_RO		(VA_A + 2 * PAGE_SIZE)
#define VA_SECOND	0x60000000UL	/* only in the second directory */
#define VA_DEVICES	0x70000000UL
#define VA_AD		0x44000000UL	/* alone in its 4 MiB */

/* Read a word at @va; the vector of any trap, or -1, goes in *@trap. */
static u32 peek(unsigned long va, int *trap)
{
	u32 v = 0xDEADBEEF;

	*trap = TRY_ASM("movl (%1), %0", : "+r"(v) : "r"(va) : "memory");
	return v;
}

/* Write @v at @va; returns the vector of any trap, or -1. */
static int poke(unsigned long va, u32 v)
{
	return TRY_ASM("movl %0, (%1)", : : "r"(v), "r"(va) : "memory");
}

static void demand_fill(u32 *pgdir, u32 *page)
{
	int trap;

	CHECK(map_page(pgdir, VA_A, __pa(page), PTE_KERNEL) == 0, "map_page");
	CHECK(map_page(pgdir, VA_B, __pa(page), PTE_KERNEL) == 0, "alias");
	CHECK(poke(VA_A, 0x12345678) == -1, "write through a fresh mapping "
	      "trapped %d", trapped.vector);
	CHECK(page[0] == 0x12345678, "the page holds 0x%x", page[0]);
	CHECK(peek(VA_B, &trap) == 0x12345678 && trap == -1,
	      "the alias reads 0x%x (trap %d)", peek(VA_B, &trap), trap);
	page[1] = 0xCAFE;
	CHECK(peek(VA_A + 4, &trap) == 0xCAFE, "a write at the physical "
	      "address is not seen through the mapping");
	printk("paging: demand fill and aliases: ok\n");
}

static void faults(u32 *pgdir)
{
	int trap;

	peek(0x50000000, &trap);
	CHECK(trap == 14 && trapped.cr2 == 0x50000000 && !(trapped.err & 1),
	      "unmapped read: trap %d, cr2 0x%x, error 0x%x", trap,
	      trapped.cr2, trapped.err);
	CHECK(poke(0x50000ffc, 1) == 14 && trapped.cr2 == 0x50000ffc &&
	      (trapped.err & 3) == 2, "unmapped write: cr2 0x%x, error 0x%x",
	      trapped.cr2, trapped.err);

	set_pte(pgdir, VA_B, 0);
	peek(VA_B, &trap);
	CHECK(trap == 14 && trapped.cr2 == VA_B,
	      "read after unmapping: trap %d, cr2 0x%x", trap, trapped.cr2);

	map_page(pgdir, VA_RO, __pa(pgdir), PTE_PRESENT | PTE_ACCESSED);
	CHECK(peek(VA_RO, &trap) == pgdir[0] && trap == -1,
	      "read-only page unreadable (trap %d)", trap);
	CHECK(poke(VA_RO, 0) == 14 && trapped.cr2 == VA_RO &&
	      (trapped.err & 3) == 3, "write to a read-only page: cr2 0x%x, "
	      "error 0x%x", trapped.cr2, trapped.err);
	printk("paging: faults reflected with cr2: ok\n");
}

/* The entry for @va in @pgdir, found by hand, to change behind the Host. */
static u32 *pte_of(u32 *pgdir, unsigned long va)
{
	u32 *table = __va(pgdir[va >> PGDIR_SHIFT] & PAGE_MASK);

	return &table[(va >> PAGE_SHIFT) % PTRS_PER_TABLE];
}

static void changes(u32 *pgdir, u32 *page, u32 *other)
{
	int trap, i;

	other[0] = 0x0700;
	map_page(pgdir, VA_A, __pa(other), PTE_KERNEL);
	CHECK(peek(VA_A, &trap) == 0x0700, "SET_PTE to another page ignored");

	*pte_of(pgdir, VA_A) = __pa(page) | PTE_KERNEL;
	flush_tlb();
	CHECK(peek(VA_A, &trap) == 0x12345678, "FLUSH_TLB left a stale entry");

	*pte_of(pgdir, VA_A) = __pa(other) | PTE_KERNEL;
	async_hcall(LHCALL_SET_PTE, __pa(pgdir), VA_A, *pte_of(pgdir, VA_A));
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	CHECK(peek(VA_A, &trap) == 0x0700, "an async SET_PTE was not run");
	for (i = 0; i < 3 * LHCALL_RING_SIZE + 5; i++)
		async_hcall(LHCALL_SET_PTE, __pa(pgdir), VA_A,
			    __pa(i & 1 ? other : page) | PTE_KERNEL);
	*pte_of(pgdir, VA_A) = __pa(page) | PTE_KERNEL;	/* as the last */
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	for (i = 0; i < LHCALL_RING_SIZE; i++)
		CHECK(lguest_data.hcall_status[i] == 0xFF,
		      "async slot %d has status %u", i,
		      lguest_data.hcall_status[i]);
	CHECK(peek(VA_A, &trap) == 0x12345678, "the ring ran out of order");
	printk("paging: changes by SET_PTE, FLUSH_TLB and the ring: ok\n");
}

/*
 * The accessed and dirty bits: the processor never sees our entries, so the
 * Host must set the bits in them for us, as its walk allows each access.
 * We clear them and tell the Host (SET_PTE, SET_PMD); a read must then set
 * the accessed bit of the page table entry and of the directory entry, and
 * leave the dirty bit clear; the first write must set the dirty bit.  A Host
 * whose walk does not set them, sets dirty on a read, or lets a write
 * through a shadow entry made writable before the Guest's entry was dirty,
 * fails here.
 */
static void accessed_dirty(u32 *pgdir, u32 *page)
{
	unsigned int index = VA_AD >> PGDIR_SHIFT;
	u32 *pte, *pde = &pgdir[index];
	int trap, before = failures;

	page[0] = 0xAD;
	CHECK(map_page(pgdir, VA_AD, __pa(page), PTE_PRESENT | PTE_RW) == 0,
	      "map_page");
	set_pde(pgdir, index, *pde & ~PTE_ACCESSED);
	pte = pte_of(pgdir, VA_AD);
	CHECK(!(*pte & (PTE_ACCESSED | PTE_DIRTY)) && !(*pde & PTE_ACCESSED),
	      "the bits are set before any access: pte 0x%x, pde 0x%x", *pte,
	      *pde);

	CHECK(peek(VA_AD, &trap) == 0xAD && trap == -1, "read (trap %d)",
	      trap);
	CHECK(*pte & PTE_ACCESSED, "a read left the accessed bit clear: "
	      "pte 0x%x", *pte);
	CHECK(!(*pte & PTE_DIRTY), "a read set the dirty bit: pte 0x%x",
	      *pte);
	CHECK(*pde & PTE_ACCESSED, "a read left the directory entry's "
	      "accessed bit clear: pde 0x%x", *pde);

	CHECK(poke(VA_AD, 0xAD2) == -1 && page[0] == 0xAD2,
	      "write (trap %d, the page holds 0x%x)", trapped.vector, page[0]);
	CHECK(*pte & PTE_DIRTY, "a write left the dirty bit clear: pte 0x%x",
	      *pte);

	/* Clean again, and said so: the next write must be seen again. */
	set_pte(pgdir, VA_AD, *pte & ~(PTE_ACCESSED | PTE_DIRTY));
	CHECK(poke(VA_AD, 0xAD3) == -1 && page[0] == 0xAD3,
	      "second write (trap %d)", trapped.vector);
	CHECK((*pte & (PTE_ACCESSED | PTE_DIRTY)) ==
	      (PTE_ACCESSED | PTE_DIRTY), "a write to a cleaned page left "
	      "pte 0x%x", *pte);
	printk("paging: accessed and dirty bits: %s\n",
	       failures == before ? "ok" : "FAILED");
}

static void second_directory(u32 *pgdir, u32 *third)
{
	u32 *pgdir2 = page_alloc();
	int trap, round;

	memcpy(pgdir2, pgdir, PAGE_SIZE);
	third[0] = 0x3333;
	map_page(pgdir2, VA_SECOND, __pa(third), PTE_KERNEL);
	for (round = 0; round < 10; round++) {
		load_pgdir(pgdir2);
		CHECK(pgdir_current() == pgdir2, "pgdir_current");
		CHECK(peek(VA_SECOND, &trap) == 0x3333 && trap == -1,
		      "round %d: the second directory's page (trap %d)",
		      round, trap);
		CHECK(peek(VA_A, &trap) == 0x12345678,
		      "round %d: a shared table's page", round);
		load_pgdir(pgdir);
		peek(VA_SECOND, &trap);
		CHECK(trap == 14, "round %d: the first directory sees the "
		      "second's page (trap %d)", round, trap);
	}
	printk("paging: two page directories: ok\n");
}

static void devices_and_many_pages(u32 *pgdir)
{
	unsigned long va = 0x48000000UL;
	u32 *pages[256];
	int trap, i;

	map_page(pgdir, VA_DEVICES, lguest_boot->mem_size, PTE_KERNEL);
	/* The first descriptor is the console's: type 3, two queues. */
	CHECK((peek(VA_DEVICES, &trap) & 0xFFFF) == 0x0203 && trap == -1,
	      "the device page: 0x%x (trap %d)", peek(VA_DEVICES, &trap),
	      trap);
	for (i = 0; i < 256; i++) {
		pages[i] = page_alloc();
		map_page(pgdir, va + i * PAGE_SIZE, __pa(pages[i]), PTE_KERNEL);
	}
	for (i = 0; i < 256; i++)
		poke(va + i * PAGE_SIZE + 4 * i, i + 1);
	for (i = 0; i < 256; i++)
		CHECK(pages[i][i] == (u32)i + 1, "page %d holds 0x%x", i,
		      pages[i][i]);
	printk("paging: the device page and 256 fresh pages: ok\n");
}

int guest_main(const struct lguest_boot_info *boot)
{
	u32 *page, *other, *third, *fourth, *pgdir;

	check_init(boot);
	irq_enable();
	pgdir = pgdir_current();
	page = page_alloc();
	other = page_alloc();
	third = page_alloc();
	fourth = page_alloc();
	CHECK(page && other && third && fourth, "page_alloc failed");
	if (!page || !other || !third || !fourth)
		return finish("paging");
	demand_fill(pgdir, page);
	faults(pgdir);
	changes(pgdir, page, other);
	accessed_dirty(pgdir, fourth);
	second_directory(pgdir, third);
	devices_and_many_pages(pgdir);
	return finish("paging");
}
