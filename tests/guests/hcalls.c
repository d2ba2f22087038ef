// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/hcalls.c - every hypercall, used the way a kernel uses it,
 * does what it should: LGUEST_INIT fills in lguest_data, LOAD_GDT and
 * LOAD_TLS give us segments we can load, LOAD_IDT_ENTRY a handler that runs,
 * SET_STACK a stack, TS a #NM, SET_CLOCKEVENT and HALT a tick, the page
 * table calls mappings, FLUSH_ASYNC the ring, NOTIFY this output, and
 * SHUTDOWN (from _start, after guest_main returns 0) the end.
 */
#include "check.h"

static struct desc gdt[GDT_ENTRIES];
static u32 tls_word = 0x7151;
static volatile int ticks;

static void tick(struct trap_frame *f)
{
	ticks++;
}

static void init_filled_in(void)
{
	CHECK(lguest_data.tsc_khz > 0, "tsc_khz 0");
	CHECK(lguest_data.guestid > 0, "guestid 0");
	CHECK(lguest_data.reserve_mem == 0, "reserve_mem 0x%x",
	      lguest_data.reserve_mem);
	CHECK(lguest_data.time.seconds > 1000000000, "time %u",
	      lguest_data.time.seconds);
	printk("hcalls: LGUEST_INIT: guest %u, %u kHz: ok\n",
	       lguest_data.guestid, lguest_data.tsc_khz);
}

static void segments(void)
{
	struct desc tls[GDT_TLS_ENTRIES] = {
		make_desc((u32)&tls_word, 3, 0xB3, 0x4),	/* bytes */
	};
	u32 v = 0;

	gdt_fill_default(gdt, GDT_ENTRIES);
	gdt[20] = make_desc(0, 0xFFFFF, 0xB3, 0xC);
	gdt_load(gdt, GDT_ENTRIES);
	CHECK(TRY_ASM("movl %0, %%fs", : : "r"((20 << 3) | 1) : "memory")
	      == -1, "loading GDT entry 20 trapped %d", trapped.vector);
	tls_load(tls);
	CHECK(TRY_ASM("movl %1, %%gs\n\tmovl %%gs:0, %0", : "+r"(v)
		      : "r"((GDT_TLS_FIRST << 3) | 1) : "memory") == -1,
	      "loading TLS entry 6 trapped %d", trapped.vector);
	CHECK(v == 0x7151, "gs:0 reads 0x%x", v);
	asm volatile("movl %0, %%fs\n\tmovl %0, %%gs" : : "r"(0));
	printk("hcalls: LOAD_GDT, LOAD_TLS: ok\n");
}

static void traps_and_stack(void)
{
	static u8 stack[2 * PAGE_SIZE] __aligned(PAGE_SIZE);

	CHECK(TRY("ud2") == 6, "ud2: trap %d", trapped.vector);
	CHECK(TRY("int3") == 3, "int3: trap %d", trapped.vector);
	hcall(LHCALL_SET_STACK, KERNEL_DS, (unsigned long)stack + sizeof(stack),
	      2);
	hcall(LHCALL_TS, 1, 0, 0);
	CHECK(TRY("fnop") == 7, "fnop with TS: trap %d", trapped.vector);
	hcall(LHCALL_TS, 0, 0, 0);
	CHECK(TRY("fnop") == -1, "fnop without TS: trap %d", trapped.vector);
	printk("hcalls: LOAD_IDT_ENTRY, SET_STACK, TS: ok\n");
}

static void clock_and_halt(void)
{
	u64 start = clock_ns();

	set_trap_handler(FIRST_EXTERNAL_VECTOR, tick);
	clock_set_next(3000000);
	irq_disable();
	while (!ticks && clock_ns() - start < 2000000000ULL)
		wait_for_interrupt();
	irq_enable();
	CHECK(ticks == 1, "%d ticks after SET_CLOCKEVENT and HALT", ticks);
	printk("hcalls: SET_CLOCKEVENT, HALT: ok\n");
}

static void page_tables(void)
{
	u32 *pgdir = pgdir_current(), *page = page_alloc();
	volatile u32 *va = (volatile u32 *)0x40000000;

	page[0] = 0x5E7;
	map_page(pgdir, (unsigned long)va, __pa(page), PTE_KERNEL);
	CHECK(*va == 0x5E7, "SET_PMD and SET_PTE: read 0x%x", *va);
	load_pgdir(pgdir);
	flush_tlb();
	CHECK(*va == 0x5E7, "NEW_PGTABLE and FLUSH_TLB: read 0x%x", *va);
	printk("hcalls: SET_PTE, SET_PMD, NEW_PGTABLE, FLUSH_TLB: ok\n");
}

static void async_ring(void)
{
	static const char one[] = "hcalls: async 1\n";
	static const char two[] = "hcalls: async 2\n";

	async_hcall(LHCALL_NOTIFY, __pa(one), 0, 0);
	async_hcall(LHCALL_NOTIFY, __pa(two), 0, 0);
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	CHECK(lguest_data.hcall_status[0] == 0xFF &&
	      lguest_data.hcall_status[1] == 0xFF, "the ring was not run");
	printk("hcalls: FLUSH_ASYNC: ok\n");
}

int guest_main(const struct lguest_boot_info *boot)
{
	check_init(boot);
	irq_enable();
	init_filled_in();
	segments();
	traps_and_stack();
	clock_and_halt();
	page_tables();
	async_ring();
	return finish("hcalls");
}
