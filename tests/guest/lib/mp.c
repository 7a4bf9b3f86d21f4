// SPDX-License-Identifier: GPL-2.0-only
/*
 * mp.c - local APIC access, IPIs, fw_cfg's CPU count and the start of
 * the other vCPUs (see mp.h).  The real-mode half of the start is in
 * mp-tramp.S.
 */
#include "desc64.h"
#include "mp.h"

#define FW_CFG_SEL		0x510
#define FW_CFG_DATA		0x511
#define FW_CFG_NB_CPUS		0x05

/*
 * Where the trampoline runs: a SIPI with vector VV starts the AP in real
 * mode at CS:IP = VV00:0000, physical VV000 (SDM Vol. 3A 9.4.4), so the
 * trampoline must sit on a page boundary below 1 MiB.  0x8000 is free:
 * vmctl's boot page tables and GDT (0x500-0xefff) are no longer in use
 * once start64.S has loaded its own.
 */
#define TRAMP_BASE		0x8000UL
#define TRAMP_VECTOR		(TRAMP_BASE >> 12)

#define MSR_EFER		0xc0000080
#define EFER_LMA		(1ULL << 10)
#define X2APIC_MSR(reg)		(0x800 + ((reg) >> 4))

#define PTE_PWT			(1ULL << 3)
#define PTE_PCD			(1ULL << 4)
#define PTE_PS			(1ULL << 7)

/* What the trampoline loads, in the copy at TRAMP_BASE (mp-tramp.S). */
struct ap_tramp_params {
	u64 cr0, cr3, cr4, efer;
	u64 entry;		/* ap_entry64 */
};

struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

extern const u8 ap_tramp_start[], ap_tramp_end[], ap_tramp_params[];
void ap_entry64(void);
void ap_main(unsigned int index);

/* Read by ap_entry64 (mp-tramp.S): the BSP's descriptor tables. */
struct desc_ptr smp_gdtr, smp_idtr;
/* Taken with lock xadd by each arriving AP: its index is the old value + 1. */
volatile unsigned int smp_next_index;
/* Each AP's stack; ap_entry64 picks ap_stacks[index]. */
u8 ap_stacks[SMP_MAX_CPUS][AP_STACK_SIZE] __aligned(16);

unsigned int smp_nr_cpus;
volatile unsigned int smp_online;
volatile u32 smp_apic_id[SMP_MAX_CPUS];
static ap_fn volatile smp_fn;

bool x2apic_mode(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD;
}

bool x2apic_enable(void)
{
	if (!(cpuid(1).c & (1U << 21)))
		return false;
	/* xAPIC -> x2APIC: EN stays set, EXTD set (SDM Vol. 3A 11.12.5). */
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN |
	      APIC_BASE_EXTD);
	return true;
}

u32 lapic_read(u32 reg)
{
	if (x2apic_mode())
		return (u32)rdmsr(X2APIC_MSR(reg));
	return *(volatile u32 *)(APIC_DEFAULT_BASE + reg);
}

void lapic_write(u32 reg, u32 v)
{
	if (x2apic_mode())
		wrmsr(X2APIC_MSR(reg), v);
	else
		*(volatile u32 *)(APIC_DEFAULT_BASE + reg) = v;
}

u32 lapic_id(void)
{
	/* xAPIC: ID in bits 31:24; x2APIC: the whole 32-bit register. */
	if (x2apic_mode())
		return (u32)rdmsr(X2APIC_MSR(APIC_ID));
	return lapic_read(APIC_ID) >> 24;
}

void lapic_enable(void)
{
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

void lapic_send_ipi(u32 dest, u32 icr)
{
	unsigned int i;

	if (x2apic_mode()) {
		/* One 64-bit write, destination in 63:32 (SDM 11.12.9). */
		wrmsr(X2APIC_MSR(APIC_ICR_LO), (u64)dest << 32 | icr);
		return;
	}
	/* Wait (bounded) until the previous IPI has left. */
	for (i = 0; i < 1000000 && lapic_read(APIC_ICR_LO) & ICR_BUSY; i++)
		cpu_relax();
	/* The high word first: writing the low word sends the IPI. */
	lapic_write(APIC_ICR_HI, dest << 24);
	lapic_write(APIC_ICR_LO, icr);
}

unsigned int fw_cfg_nr_cpus(void)
{
	unsigned int lo, hi;

	outw(FW_CFG_SEL, FW_CFG_NB_CPUS);
	lo = inb(FW_CFG_DATA);
	hi = inb(FW_CFG_DATA);
	return lo | hi << 8;
}

bool smp_wait_for(volatile unsigned int *p, unsigned int v, u64 cycles)
{
	u64 start = rdtsc();

	while (*p < v) {
		if (rdtsc() - start > cycles)
			return *p >= v;
		cpu_relax();
	}
	return true;
}

static void delay(u64 cycles)
{
	u64 start = rdtsc();

	while (rdtsc() - start < cycles)
		cpu_relax();
}

/* A spurious interrupt (SDM 11.9) needs no EOI and means nothing. */
static void on_spurious(struct ex_regs *regs)
{
	(void)regs;
}

/*
 * Map the APIC page uncached (PCD and PWT, SDM Vol. 3A 11.4.1: "UC"):
 * start64.S maps all of the first 4 GiB write-back with 2 MiB pages;
 * change the one that holds 0xfee00000.
 */
static void map_apic_uncached(void)
{
	u64 cr3, *pml4, *pdpt, *pd, va = APIC_DEFAULT_BASE;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (u64 *)(uintptr_t)(cr3 & ~0xfffULL);
	pdpt = (u64 *)(uintptr_t)(pml4[(va >> 39) & 511] & 0xffffffffff000ULL);
	pd = (u64 *)(uintptr_t)(pdpt[(va >> 30) & 511] & 0xffffffffff000ULL);
	pd[(va >> 21) & 511] |= PTE_PCD | PTE_PWT;
	asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

unsigned int smp_init(void)
{
	struct ap_tramp_params *p;
	u64 v;

	map_apic_uncached();
	handle_exception(SPURIOUS_VECTOR, on_spurious);
	lapic_enable();
	smp_apic_id[0] = lapic_id();

	/* The trampoline, and the BSP's state for the AP to load. */
	memcpy((void *)TRAMP_BASE, ap_tramp_start,
	       ap_tramp_end - ap_tramp_start);
	p = (struct ap_tramp_params *)(TRAMP_BASE +
				       (ap_tramp_params - ap_tramp_start));
	asm volatile("mov %%cr0, %0" : "=r"(v));
	p->cr0 = v;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	p->cr3 = v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	p->cr4 = v;
	/* LMA is the CPU's to set, when CR0.PG turns on with LME. */
	p->efer = rdmsr(MSR_EFER) & ~EFER_LMA;
	p->entry = (u64)(uintptr_t)ap_entry64;
	asm volatile("sgdt %0" : "=m"(smp_gdtr));
	asm volatile("sidt %0" : "=m"(smp_idtr));

	smp_nr_cpus = fw_cfg_nr_cpus();
	console_smp = true;
	return smp_nr_cpus;
}

/* Called by ap_entry64 (mp-tramp.S) on the AP's own stack. */
void ap_main(unsigned int index)
{
	lapic_enable();
	smp_apic_id[index] = lapic_id();
	__atomic_add_fetch(&smp_online, 1, __ATOMIC_RELEASE);
	smp_fn(index);
	for (;;)
		asm volatile("cli; hlt");
}

/*
 * The delays of SDM 9.4.4.1 are for real hardware (10 ms after INIT,
 * 200 us after each SIPI); a TSC of about 1 GHz is assumed, which is
 * long enough wherever it is faster.
 */
#define INIT_DELAY	10000000ULL
#define SIPI_DELAY	200000ULL

unsigned int smp_start_all(ap_fn fn)
{
	unsigned int want = smp_online + smp_nr_cpus - 1;

	smp_fn = fn;
	lapic_send_ipi(0, ICR_ALL_BUT_SELF | ICR_INIT | ICR_ASSERT);
	delay(INIT_DELAY);
	lapic_send_ipi(0, ICR_ALL_BUT_SELF | ICR_STARTUP | TRAMP_VECTOR);
	delay(SIPI_DELAY);
	/* The second SIPI: an AP already running ignores it. */
	lapic_send_ipi(0, ICR_ALL_BUT_SELF | ICR_STARTUP | TRAMP_VECTOR);
	smp_wait_for(&smp_online, want, WAIT_LONG);
	return smp_online;
}

bool smp_start_ap(u32 apic_id, ap_fn fn)
{
	unsigned int want = smp_online + 1;

	smp_fn = fn;
	lapic_send_ipi(apic_id, ICR_INIT | ICR_ASSERT);
	delay(INIT_DELAY);
	lapic_send_ipi(apic_id, ICR_STARTUP | TRAMP_VECTOR);
	if (smp_wait_for(&smp_online, want, SIPI_DELAY))
		return true;
	lapic_send_ipi(apic_id, ICR_STARTUP | TRAMP_VECTOR);
	return smp_wait_for(&smp_online, want, WAIT_LONG);
}
