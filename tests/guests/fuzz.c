// SPDX-License-Identifier: GPL-2.0
/*
 * tests/guests/fuzz.c - a seeded hypercall fuzzer.
 *
 * Command line words: "seed=N start=K count=M every=P" (defaults 1, 0,
 * 100000 and 256), and for hunting "trace=T" (print every call from T on)
 * and "deadly=D" (see below; 0 for none).  We make calls K to K+M-1 of seed
 * N.  A call is one synchronous hypercall with random arguments, random
 * %esi, %edi and %ebp, and sometimes odd flags (TF, DF, NT, AC...), made
 * after filling the async ring with random entries, or after loading %fs
 * and %gs with random selectors, or plain; or a hypercall through the ring
 * alone; or a random entry in our own page tables, announced with SET_PTE
 * and touched; or a timer interrupt let in.  Call i of a seed is always the
 * same call, chosen by a PRNG seeded from N and i only, so a run can be
 * resumed or replayed from any K.  Before each call whose number is a
 * multiple of P we print "fuzz: at <i>"; after the last, "fuzz: done
 * <K+M>", then a line of counts, and we shut down with 0.
 *
 * Most calls are ones a Guest survives: valid numbers with arguments drawn
 * from a list of interesting values (0, 1, -1, the ends of our memory, our
 * own structures, the Host's addresses from 3 GiB, the Switcher's pages,
 * random).  About one in DEADLY_ONE_IN (or D) is chosen to end us: an unknown
 * number, a second LGUEST_INIT, SHUTDOWN, or a table, stack or page
 * directory the Host must refuse.  Each launch must be contained: the Host
 * kills us ("lguest: Guest killed: <reason>"), or a SHUTDOWN call ends us
 * with its status, or we finish.  If our own traps go round in circles we
 * give up with status 3 ("fuzz: stuck ...").  tests/host/init.c runs us
 * again from the next progress line after each end, until enough calls
 * have been made.
 *
 * We keep two things true so that no call can make us hang: IRQ 0 is always
 * pending in the Host, with our virtual interrupts off (so HALT returns at
 * once), except inside irq_episode(), which takes it and makes it pending
 * again; and every gate we install points at an entry stub that agrees
 * with the vector's error code, or nowhere at all.
 */
#include "check.h"

#define DEFAULT_COUNT	100000
#define DEFAULT_EVERY	256
#define DEADLY_ONE_IN	8192	/* calls chosen to end us */
#define STUCK_LIMIT	64	/* faults in a row at one address */
#define NPGDIRS		6	/* page directories: the Host caches 4 */
#define SWITCHER_GUESS	0xFFC00000UL	/* if sidt will not tell us */
#define GIVE_UP		3	/* our exit status when stuck */
#define SCRATCH		0x40000000UL	/* map_and_touch()'s 4 MiB */

/* The flags a ring-1 popf may change (IF and IOPL it may not). */
#define FLAGS_FUZZABLE	(0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | \
			 0x800 | 0x4000 | 0x40000 | 0x200000)

/* Every register of one trip into the Host, for fuzz_trap_host(). */
struct fuzz_regs {
	u32 eax, edx, ebx, ecx, esi, edi, ebp, eflags;
};

void fuzz_trap_host(struct fuzz_regs *r);

/*
 * fuzz_trap_host(r): load %eax, %edx, %ebx, %ecx, %esi, %edi, %ebp and the
 * flags from *r, trap into the Host, put back our own flags and registers,
 * and leave the Host's answer in r->eax.  (A single-step trap, if r->eflags
 * had TF, comes after the popfl that ends it.)
 */
asm(".text\n"
    ".globl fuzz_trap_host\n"
    "fuzz_trap_host:\n\t"
    "pushl %ebp\n\t"
    "pushl %ebx\n\t"
    "pushl %esi\n\t"
    "pushl %edi\n\t"
    "movl 20(%esp), %eax\n\t"
    "pushl %eax\n\t"
    "pushfl\n\t"
    "pushl 28(%eax)\n\t"
    "movl 4(%eax), %edx\n\t"
    "movl 8(%eax), %ebx\n\t"
    "movl 12(%eax), %ecx\n\t"
    "movl 16(%eax), %esi\n\t"
    "movl 20(%eax), %edi\n\t"
    "movl 24(%eax), %ebp\n\t"
    "movl 0(%eax), %eax\n\t"
    "popfl\n\t"
    "int $" __stringify(LGUEST_TRAP_ENTRY) "\n\t"
    "popfl\n\t"
    "popl %edx\n\t"
    "movl %eax, 0(%edx)\n\t"
    "popl %edi\n\t"
    "popl %esi\n\t"
    "popl %ebx\n\t"
    "popl %ebp\n\t"
    "ret");

/*
 * What the command line asked for; "trace=K" prints calls from K on, and
 * "deadly=N" makes one call in N (none if 0) one that should end us.
 */
static u32 seed = 1, first, count = DEFAULT_COUNT, every = DEFAULT_EVERY;
static u32 trace_from = 0xFFFFFFFF, deadly_one_in = DEADLY_ONE_IN;
static bool tracing;

/* What we did, for the last line. */
static u32 sync_calls, async_calls, traps, seg_loads, seg_refused;
static u32 irq_ticks, flag_calls, map_touches, map_faults;

/* Our tables, and the things the arguments point at. */
static struct desc gdt[GDT_ENTRIES + 1];
static struct desc tls[GDT_TLS_ENTRIES];
static u32 *pgdirs[NPGDIRS];
static u32 *zero_page, *scratch_table;
static bool scratch_pde_odd;	/* the last map_and_touch() changed it */
static unsigned long switcher_base = SWITCHER_GUESS;
static const char empty[] = "";
static const char goodbye[] = "fuzz: goodbye from a SHUTDOWN call";

/* The Host's next async slot, as we work it out. */
static unsigned int ring_next;

/* The fault we saw last in this call, to notice going round in circles. */
static u32 last_fault_eip, same_faults;

/*
 * The PRNG: xorshift32, seeded afresh for every call from the seed and the
 * call's number.
 */
static u32 rng;

/* The next 32 random bits. */
static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* A random number below @n (which is not 0). */
static u32 below(u32 n)
{
	return rnd() % n;
}

/* True one time in @n. */
static bool one_in(u32 n)
{
	return below(n) == 0;
}

/* Mix @x well enough that nearby seeds and calls give unrelated streams. */
static u32 mix(u32 x)
{
	x ^= x >> 16;
	x *= 0x7FEB352DU;
	x ^= x >> 15;
	x *= 0x846CA68BU;
	x ^= x >> 16;
	return x;
}

/* Seed the PRNG for call @i: a function of the seed and @i alone. */
static void seed_call(u32 i)
{
	rng = mix(mix(seed) ^ (i * 0x9E3779B9U)) | 1;
}

/* The number after "@key=" on the command line, or @def. */
static u32 word_value(const char *key, u32 def)
{
	const char *p = lguest_boot->cmdline;
	size_t n = strlen(key);
	u32 v;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, key, n) && p[n] == '=' && p[n + 1] >= '0' &&
		    p[n + 1] <= '9') {
			for (v = 0, p += n + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + *p - '0';
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return def;
}

/* The first Guest-physical address that is not ours at all. */
static u32 phys_limit(void)
{
	return lguest_boot->mem_size + lguest_boot->device_pages * PAGE_SIZE;
}

/*
 * An interesting 32-bit value for an address argument: the edges of our
 * memory, our own structures, the Host's and the Switcher's addresses,
 * small and large numbers, or anything at all.
 */
static u32 interesting(void)
{
	u32 mem = lguest_boot->mem_size, lim = phys_limit();
	u32 local;

	switch (below(26)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 0xFFFFFFFF;
	case 3:
		return mem - PAGE_SIZE;
	case 4:
		return mem;
	case 5:
		return lim;
	case 6:
		return lim - 1 - below(8);
	case 7:
		return lim + PAGE_SIZE * below(4);
	case 8:
		return 0xC0000000 - PAGE_SIZE * below(2);
	case 9:
		return 0xC0000000 + PAGE_SIZE * below(16);
	case 10:
		return 0xBFFFFFFC + below(8);
	case 11:
		return switcher_base + PAGE_SIZE * below(4);
	case 12:
		return 0xFFFFF000 + 4 * below(1024);
	case 13:
		return __pa(&lguest_data) + 4 * below(sizeof(lguest_data) / 4);
	case 14:
		return __pa(gdt);
	case 15:
		return __pa(pgdirs[below(NPGDIRS)]);
	case 16:
		return (u32)&local & PAGE_MASK;
	case 17:
		return (u32)_end;
	case 18:
		return (u32)fuzz_trap_host;
	case 19:
		return 0x80000000 - below(2);
	case 20:
		return below(mem / PAGE_SIZE) * PAGE_SIZE;
	case 21:
		return rnd() & PAGE_MASK;
	case 22:
		return lguest_boot->pgdir;
	case 23:
		return below(0x10000);
	default:
		return rnd();
	}
}

/* A page-aligned interesting value below 3 GiB: a stack for SET_STACK. */
static u32 interesting_stack(void)
{
	u32 v = interesting() & ~3U;

	return v > 0xC0000000 ? 0xC0000000 : v;
}

/* A random code or data descriptor, present or not, at ring 1 or below. */
static struct desc random_segment(void)
{
	unsigned int access = 0x10 | (below(4) << 5) | below(16);

	if (!one_in(4))
		access |= 0x80;		/* present */
	return make_desc(one_in(2) ? 0 : interesting(), rnd() & 0xFFFFF,
			 access, below(16));
}

/* A present system descriptor (a TSS, a gate, an LDT): never allowed. */
static struct desc system_descriptor(void)
{
	static const unsigned int types[] = { 0x1, 0x2, 0x3, 0x9, 0xB, 0xC };

	return make_desc(interesting(), rnd() & 0xFFFFF,
			 0x80 | types[below(ARRAY_SIZE(types))], below(16));
}

/* Does @slot belong to the Host: the Switcher's segments and the TSS? */
static bool host_slot(unsigned int slot)
{
	return slot == 10 || slot == 11 || slot == 16;
}

/*
 * Fill gdt[] for LOAD_GDT: our own flat segments, a few other entries
 * random; returns how many entries to load.  If @deadly, one thing the Host
 * must refuse (or that takes our code or stack segment away).
 */
static u32 make_gdt(bool deadly)
{
	unsigned int i, n = 14 + below(GDT_ENTRIES - 14 + 1), changes;

	gdt_fill_default(gdt, ARRAY_SIZE(gdt));
	for (changes = below(4); changes; changes--) {
		i = GDT_TLS_FIRST + below(GDT_ENTRIES - GDT_TLS_FIRST);
		if (i == KERNEL_CS >> 3 || i == KERNEL_DS >> 3)
			continue;
		gdt[i] = random_segment();
		if (host_slot(i))
			gdt[i].hi &= ~0x8000;	/* not present */
	}
	if (!deadly)
		return n;
	switch (below(6)) {
	case 0:
		return GDT_ENTRIES + 1 + below(4) * below(1000);
	case 1:
		return below(KERNEL_DS >> 3);	/* no code or stack segment */
	case 2:
		i = below(3);
		gdt[i == 0 ? 10 : i == 1 ? 11 : 16] = random_segment();
		gdt[i == 0 ? 10 : i == 1 ? 11 : 16].hi |= 0x8000;
		return GDT_ENTRIES;
	case 3:
		gdt[GDT_TLS_FIRST + below(4)] = system_descriptor();
		return GDT_ENTRIES;
	case 4:
		/* Our code or stack segment, at another ring or type. */
		i = one_in(2) ? KERNEL_CS >> 3 : KERNEL_DS >> 3;
		gdt[i].hi ^= (1 + below(15)) << (one_in(2) ? 8 : 12);
		return GDT_ENTRIES;
	default:
		return n;	/* and the caller picks a bad address */
	}
}

/* Fill tls[] for LOAD_TLS; if @deadly, with a system descriptor. */
static void make_tls(bool deadly)
{
	unsigned int i;

	for (i = 0; i < GDT_TLS_ENTRIES; i++)
		tls[i] = random_segment();
	if (deadly)
		tls[below(GDT_TLS_ENTRIES)] = system_descriptor();
}

/* Does the processor push an error code for exception @vector? */
static bool has_error_code(unsigned int vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

/* The vectors we take: single steps, segment and page faults, IRQ 0. */
static const unsigned int relied[] = { 1, 10, 11, 12, 13, 14, 32 };

/* Is @vector one we take, whose gate we must keep? */
static bool relied_on(unsigned int vector)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(relied); i++)
		if (relied[i] == vector)
			return true;
	return false;
}

/* A stub for @vector: its own, or another that agrees on the error code. */
static unsigned long stub_for(unsigned int vector)
{
	unsigned int other = below(NR_TRAP_STUBS);

	if (vector < NR_TRAP_STUBS && !one_in(8))
		return trap_stubs[vector];
	if (vector >= NR_TRAP_STUBS)
		vector = 0;
	while (has_error_code(other) != has_error_code(vector) ||
	       vector_reserved(other))
		other = (other + 1) % NR_TRAP_STUBS;
	return trap_stubs[other];
}

/*
 * Arguments for LOAD_IDT_ENTRY in @r: a gate for any vector we may set, to
 * a stub that suits it, or no gate.  If @deadly: a reserved vector, a bad
 * type, or a handler in the Host's addresses or where nothing is mapped.
 */
static void make_idt_entry(struct fuzz_regs *r, bool deadly)
{
	static const unsigned int bad_vectors[] = {
		2, 8, 15, LGUEST_TRAP_ENTRY, 256,
	};
	static const unsigned int bad_types[] = {
		0x5, 0x6, 0x7, 0xC, 0x9, 0x0, 0x1E, 0x1F,
	};
	unsigned int v = below(256), type = one_in(2) ? GATE_INTR : GATE_TRAP;
	struct gate g;

	while (vector_reserved(v))
		v = below(256);
	g = make_gate(stub_for(v), type, below(4));
	if (one_in(16) && !relied_on(v))
		g.hi &= ~0x8000;		/* not present */
	if (deadly) {
		switch (below(5)) {
		case 0:
			v = bad_vectors[below(ARRAY_SIZE(bad_vectors))];
			if (v == 256)
				v += rnd() % 100000;
			break;
		case 1:
			g.hi = (g.hi & ~0x1F00) |
				(bad_types[below(ARRAY_SIZE(bad_types))] << 8);
			break;
		case 2:
			g = make_gate(0xC0000000 + (rnd() & 0x3FFFFFFF), type,
				      below(4));
			break;
		case 3:
			v = relied[below(ARRAY_SIZE(relied))];
			g.hi &= ~0x8000;
			break;
		default:
			g = make_gate(0x40000000, type, 1);	/* unmapped */
			v = below(32);
			while (vector_reserved(v))
				v = below(32);
			break;
		}
	}
	r->edx = v;
	r->ebx = g.lo;
	r->ecx = g.hi;
}

/* A delay for SET_CLOCKEVENT: none, tiny, about the minimum, or any. */
static u32 clock_delta(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return below(LG_CLOCK_MIN_DELTA * 2);
	case 2:
		return below(1000000);
	case 3:
		return 0xFFFFFFFF;
	default:
		return rnd();
	}
}

/*
 * Choose one hypercall and its arguments, into @r (eax, edx, ebx, ecx).
 * One time in DEADLY_ONE_IN it is one that should end us.
 */
static void choose_call(struct fuzz_regs *r)
{
	bool deadly = deadly_one_in && one_in(deadly_one_in);
	static const u8 survivable[] = {
		LHCALL_FLUSH_ASYNC, LHCALL_FLUSH_ASYNC, LHCALL_LOAD_GDT,
		LHCALL_LOAD_TLS, LHCALL_LOAD_TLS, LHCALL_LOAD_IDT_ENTRY,
		LHCALL_LOAD_IDT_ENTRY, LHCALL_LOAD_IDT_ENTRY,
		LHCALL_SET_STACK, LHCALL_NEW_PGTABLE, LHCALL_NEW_PGTABLE,
		LHCALL_FLUSH_TLB, LHCALL_TS, LHCALL_SET_CLOCKEVENT,
		LHCALL_SET_CLOCKEVENT, LHCALL_HALT, LHCALL_SET_PTE,
		LHCALL_SET_PTE, LHCALL_SET_PMD, LHCALL_SET_PMD, LHCALL_NOTIFY,
	};
	static const u8 deadly_calls[] = {
		LHCALL_LGUEST_INIT, LHCALL_SHUTDOWN, LHCALL_SHUTDOWN,
		LHCALL_LOAD_GDT, LHCALL_LOAD_TLS, LHCALL_LOAD_IDT_ENTRY,
		LHCALL_SET_STACK, LHCALL_NEW_PGTABLE, LHCALL_SET_PMD,
		LHCALL_NOTIFY, 11, 18,
	};

	r->eax = deadly ? deadly_calls[below(ARRAY_SIZE(deadly_calls))] :
		survivable[below(ARRAY_SIZE(survivable))];
	r->edx = interesting();
	r->ebx = interesting();
	r->ecx = interesting();
	switch (r->eax) {
	case LHCALL_SHUTDOWN:
		r->edx = one_in(2) ? 0 : one_in(2) ? __pa(goodbye) :
			interesting();
		r->ebx = one_in(2) ? 16 + below(254 - 16 + 1) :
			one_in(3) ? 0 : one_in(2) ? 255 : interesting() | 256;
		break;
	case LHCALL_LOAD_GDT:
		r->ebx = make_gdt(deadly);
		r->edx = __pa(gdt);
		if (deadly && one_in(3))
			r->edx = interesting();
		break;
	case LHCALL_LOAD_TLS:
		make_tls(deadly && one_in(2));
		r->edx = deadly ? interesting() : __pa(tls);
		break;
	case LHCALL_LOAD_IDT_ENTRY:
		make_idt_entry(r, deadly);
		break;
	case LHCALL_SET_STACK:
		r->edx = KERNEL_DS;
		r->ebx = interesting_stack();
		if (deadly && one_in(2))
			r->edx = one_in(2) ? interesting() & 0xFFFF : rnd();
		else if (deadly)
			r->ebx = interesting() | (one_in(2) ? 0xC0000004 : 1);
		break;
	case LHCALL_NEW_PGTABLE:
		r->edx = __pa(pgdirs[below(NPGDIRS)]);
		if (deadly)
			r->edx = one_in(2) ? __pa(zero_page) :
				one_in(2) ? phys_limit() + (rnd() & PAGE_MASK) :
				r->edx + 4 * (1 + below(1023));
		break;
	case LHCALL_SET_CLOCKEVENT:
		r->edx = clock_delta();
		break;
	case LHCALL_SET_PMD:
		r->ebx = one_in(2) ? below(1024) : interesting() & 1023;
		if (deadly)
			r->ebx = 1024 + (one_in(2) ? below(16) :
					 rnd() % 1000000);
		break;
	case LHCALL_NOTIFY:
		/*
		 * Outside memory, only a ring is a thing to notify: the
		 * Launcher kills us for anything else, so that is deadly.
		 */
		r->edx = one_in(16) ? rnd() % lguest_boot->mem_size :
			__pa(empty);
		if (deadly)
			r->edx = phys_limit() + (rnd() & 0x3FFFFFFF);
		break;
	case 11:
		r->eax = 11 + below(3);	/* the retired DMA calls */
		break;
	case 18:
		r->eax = one_in(2) ? 18 + below(64) : rnd() | 32;
		break;
	}
}

/* The flags we run with now. */
static u32 read_flags(void)
{
	u32 flags;

	asm volatile("pushfl\n\tpopl %0" : "=r"(flags));
	return flags;
}

/*
 * Where the Host stops in the ring: from ring_next, the run of entries
 * whose status is 0 (queued); it takes them all, up to a whole ring.
 */
static void ring_advance(const u8 *status)
{
	unsigned int i;

	for (i = 0; i < LHCALL_RING_SIZE && status[ring_next] == 0; i++) {
		async_calls++;
		ring_next = (ring_next + 1) % LHCALL_RING_SIZE;
	}
}

/*
 * One synchronous hypercall, @r with the other registers random and,
 * sometimes, odd flags; account for the ring entries it will run.
 */
static void sync_call(struct fuzz_regs *r)
{
	u8 status[LHCALL_RING_SIZE];

	r->esi = one_in(2) ? rnd() : interesting();
	r->edi = one_in(2) ? rnd() : interesting();
	r->ebp = one_in(2) ? rnd() : interesting();
	r->eflags = read_flags();
	if (one_in(8)) {
		r->eflags = (r->eflags & ~FLAGS_FUZZABLE) |
			(rnd() & FLAGS_FUZZABLE);
		flag_calls++;
	}
	memcpy(status, lguest_data.hcall_status, sizeof(status));
	if (tracing)
		printk("fuzz: sync %u 0x%x 0x%x 0x%x, esi 0x%x edi 0x%x "
		       "ebp 0x%x, flags 0x%x, ring from %u\n", r->eax, r->edx,
		       r->ebx, r->ecx, r->esi, r->edi, r->ebp, r->eflags,
		       ring_next);
	ring_advance(status);
	sync_calls++;
	fuzz_trap_host(r);
}

/* Write a random hypercall into ring slot @n, with status @st. */
static void ring_put(unsigned int n, u8 st)
{
	struct fuzz_regs r;

	choose_call(&r);
	if (tracing)
		printk("fuzz: ring[%u] = %u 0x%x 0x%x 0x%x, status 0x%x\n", n,
		       r.eax, r.edx, r.ebx, r.ecx, st);
	lguest_data.hcalls[n].eax = r.eax;
	lguest_data.hcalls[n].edx = r.edx;
	lguest_data.hcalls[n].ebx = r.ebx;
	lguest_data.hcalls[n].ecx = r.ecx;
	barrier();
	lguest_data.hcall_status[n] = st;
}

/* Fill part of the async ring with random entries, mostly queued. */
static void ring_fill(void)
{
	unsigned int n = 1 + below(LHCALL_RING_SIZE), slot, i;
	u8 st;

	slot = one_in(4) ? below(LHCALL_RING_SIZE) : ring_next;
	for (i = 0; i < n; i++) {
		st = one_in(8) ? (one_in(2) ? 0xFF : rnd()) : 0;
		ring_put((slot + i) % LHCALL_RING_SIZE, st);
	}
}

/* A call through the async ring alone, run by a FLUSH_ASYNC. */
static void ring_only(void)
{
	struct fuzz_regs r = { LHCALL_FLUSH_ASYNC, 0, 0, 0 };
	unsigned int after = (ring_next + 1) % LHCALL_RING_SIZE;

	lguest_data.hcall_status[after] = 0xFF;
	ring_put(ring_next, 0);
	sync_call(&r);
}

/*
 * Let the pending IRQ 0 in, then make it pending again: interrupts on, a
 * hypercall to take it, interrupts off, the timer set, and a HALT until it
 * has fired.
 */
static void irq_episode(void)
{
	irq_enable();
	hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
	irq_disable();
	hcall(LHCALL_SET_CLOCKEVENT, LG_CLOCK_MIN_DELTA + below(100000), 0, 0);
	hcall(LHCALL_HALT, 0, 0, 0);
}

/* A selector worth trying in %fs or %gs. */
static u32 random_selector(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return ((GDT_TLS_FIRST + below(GDT_TLS_ENTRIES)) << 3) |
			below(4);
	case 2:
		return KERNEL_DS;
	case 3:
		return USER_DS;
	default:
		return below(GDT_ENTRIES << 3);
	}
}

/* Load %fs and %gs with random selectors; the Host must cope later. */
static void fuzz_segments(void)
{
	u32 fs = random_selector(), gs = random_selector();

	seg_loads++;
	if (TRY_ASM("movl %0, %%fs", : : "r"(fs) : "memory") != -1)
		seg_refused++;
	if (TRY_ASM("movl %0, %%gs", : : "r"(gs) : "memory") != -1)
		seg_refused++;
}

/* The directory entry of the SCRATCH window, as it should be. */
static u32 scratch_pde(void)
{
	return __pa(scratch_table) | PDE_TABLE;
}

/*
 * Our page tables themselves: put a random entry (mostly a page of our own
 * memory, with random flags) into the SCRATCH window, tell the Host, and
 * read a word there and write it back unchanged.  Sometimes the directory
 * entry of the window is odd instead: not present, read-only, or, if
 * @deadly, a 4 MiB page or a table beyond our memory.
 */
static void map_and_touch(bool deadly)
{
	static const u32 flag_bits[] = {
		PTE_RW, PTE_USER, 0x008, 0x010, PTE_ACCESSED, PTE_DIRTY,
		0x080, 0x100, 0x200,
	};
	unsigned int slot = one_in(4) ? below(PTRS_PER_TABLE) : below(8), i;
	unsigned long va = SCRATCH + slot * PAGE_SIZE + 4 * below(1024);
	u32 pages = lguest_boot->mem_size / PAGE_SIZE, pte, pde, v = 0;
	u32 *pgdir = pgdirs[below(NPGDIRS)];

	if (scratch_pde_odd || one_in(8)) {
		pde = scratch_pde();
		if (one_in(2) && !deadly)
			pde ^= one_in(2) ? PTE_PRESENT : PTE_RW;
		else if (deadly)
			pde = one_in(2) ? (pde | 0x080) :
				(phys_limit() + (rnd() & 0xFFFFF000)) | 0x067;
		for (i = 0; i < NPGDIRS; i++) {
			pgdirs[i][SCRATCH >> PGDIR_SHIFT] = pde;
			hcall(LHCALL_SET_PMD, __pa(pgdirs[i]),
			      SCRATCH >> PGDIR_SHIFT, 0);
		}
		scratch_pde_odd = pde != scratch_pde();
	}
	pte = below(pages + 1) * PAGE_SIZE | PTE_PRESENT;
	if (one_in(16))
		pte = interesting() & PAGE_MASK;	/* maybe not present */
	if (deadly && one_in(2))
		pte = (phys_limit() + (rnd() & 0x3FFFF000)) | PTE_PRESENT;
	for (i = 0; i < ARRAY_SIZE(flag_bits); i++)
		if (one_in(2))
			pte |= flag_bits[i];
	scratch_table[slot] = pte;
	hcall(LHCALL_SET_PTE, __pa(pgdir), va & PAGE_MASK, pte);
	if (TRY_ASM("movl (%1), %0\n\tmovl %0, (%1)", : "+r"(v) : "r"(va)
		    : "memory") != -1)
		map_faults++;
	map_touches++;
}

/* Call @i of our seed. */
static void fuzz_call(u32 i)
{
	struct fuzz_regs r;
	u32 kind;

	seed_call(i);
	same_faults = 0;
	kind = below(1000);
	tracing = i >= trace_from;
	if (tracing)
		printk("fuzz: call %u, kind %u\n", i, kind);
	if (kind < 10) {
		irq_episode();
		return;
	}
	if (kind < 30) {
		ring_only();
		return;
	}
	if (kind < 60) {
		map_and_touch(deadly_one_in &&
			      one_in(deadly_one_in / 16 + 1));
		return;
	}
	if (kind < 100)
		ring_fill();
	else if (kind < 140)
		fuzz_segments();
	choose_call(&r);
	sync_call(&r);
}

/* Our handler for every vector: count it, and carry on if we can. */
static void fuzz_trap(struct trap_frame *f)
{
	static char why[128];
	u32 ds;

	traps++;
	/*
	 * A trap the processor gave us directly (a trap gate) pushed the
	 * real IF, which is always on: our way out would turn virtual
	 * interrupts on with it, and IRQ 0 would not stay pending.
	 */
	f->eflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_IF);
	if (try_armed) {
		try_trap(f);
		return;
	}
	if (f->vector >= FIRST_EXTERNAL_VECTOR) {
		irq_ticks++;
		return;
	}
	if (f->vector == 1 || f->vector == 3 || f->vector == 4)
		return;			/* traps: f->eip is past them */
	/* A fault: the instruction at f->eip runs again. */
	if (f->eip != last_fault_eip)
		same_faults = 0;
	last_fault_eip = f->eip;
	if (++same_faults > STUCK_LIMIT) {
		snprintf(why, sizeof(why), "fuzz: stuck: trap %u, error 0x%x, "
			 "at 0x%x, %u times; cr2 0x%x", f->vector, f->err,
			 f->eip, same_faults, lguest_data.cr2);
		lguest_shutdown(GIVE_UP, why);
	}
	asm volatile("movl %%ss, %0" : "=r"(ds));
	f->ds = f->es = ds;
	f->fs = f->gs = 0;
}

/* Copies of our page directory, a zeroed page, and where the Switcher is. */
static void fuzz_setup(void)
{
	u32 *boot_pgdir = __va(lguest_boot->pgdir);
	u8 idtr[6];
	unsigned int i, v;

	for (v = 0; v < NR_TRAP_STUBS; v++)
		set_trap_handler(v, fuzz_trap);
	pgdirs[0] = boot_pgdir;
	for (i = 1; i < NPGDIRS; i++) {
		pgdirs[i] = page_alloc();
		if (!pgdirs[i])
			lguest_panic("fuzz: no page for a page directory");
		memcpy(pgdirs[i], boot_pgdir, PAGE_SIZE);
	}
	zero_page = page_alloc();
	scratch_table = page_alloc();
	if (!zero_page || !scratch_table)
		lguest_panic("fuzz: no page left");
	for (i = 0; i < NPGDIRS; i++)
		set_pde(pgdirs[i], SCRATCH >> PGDIR_SHIFT, scratch_pde());
	if (TRY_ASM("sidt %0", : "=m"(idtr)) == -1)
		memcpy(&switcher_base, idtr + 2, 4);
	switcher_base &= 0xFFC00000;
	/* IRQ 0 pending for good: see the top of this file. */
	hcall(LHCALL_SET_CLOCKEVENT, LG_CLOCK_MIN_DELTA, 0, 0);
	hcall(LHCALL_HALT, 0, 0, 0);
}

int guest_main(const struct lguest_boot_info *boot)
{
	u32 i, end;
	u64 began;

	if (lguest_init(boot))
		return 2;
	traps_init();
	seed = word_value("seed", seed);
	first = word_value("start", first);
	count = word_value("count", count);
	trace_from = word_value("trace", trace_from);
	deadly_one_in = word_value("deadly", deadly_one_in);
	every = word_value("every", every);
	if (!every)
		every = DEFAULT_EVERY;
	fuzz_setup();
	printk("fuzz: seed %u, calls %u to %u, the Switcher at 0x%x\n", seed,
	       first, first + count - 1, (u32)switcher_base);
	end = first + count;
	began = clock_ns();
	for (i = first; i != end; i++) {
		if (i % every == 0)
			printk("fuzz: at %u\n", i);
		fuzz_call(i);
	}
	printk("fuzz: done %u\n", end);
	printk("fuzz: %u synchronous calls, %u from the ring, %u with odd "
	       "flags, %u traps, %u interrupts, %u of %u segment loads "
	       "refused, %u of %u touches faulted, in %u ms\n", sync_calls,
	       async_calls, flag_calls, traps, irq_ticks, seg_refused,
	       2 * seg_loads, map_faults, map_touches,
	       (u32)((clock_ns() - began) / 1000000));
	return 0;
}
