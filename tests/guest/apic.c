// SPDX-License-Identifier: GPL-2.0-only
/*
 * apic.c - the in-kernel local APIC of one vCPU (vmctl run with
 * VMM_CAP_LAPIC, its default): CPUID and IA32_APIC_BASE, the ID and
 * version registers, software enable, TPR/PPR, self-IPIs through the
 * ICR delivered through the IDT, ISR and EOI, a lower-priority IPI held
 * back by the TPR until it is lowered, LVT masking, the timer in
 * one-shot, periodic and TSC-deadline mode (woken from HLT, which
 * sleeps in the kernel), and x2APIC mode: the switch through
 * IA32_APIC_BASE, the MSRs, SELF IPI, and #GP for what x2APIC refuses.
 *
 * Timer checks compare times with RDTSC only: the guest does not know
 * the TSC rate, so one-shot and periodic are checked against each other
 * (ratios, with generous slack: the labs are emulators), and the
 * TSC-deadline timer must never fire before its deadline.
 * SDM Vol. 3A chapter 11.
 */
#include "libtest.h"
#include "desc64.h"
#include "fault.h"

#define APIC_PAGE	0xfee00000UL
#define MSR_APIC_BASE	0x1b
#define BASE_BSP	(1ULL << 8)
#define BASE_EXTD	(1ULL << 10)
#define BASE_EN		(1ULL << 11)
#define MSR_TSC_DEADLINE 0x6e0

#define ID		0x020
#define VER		0x030
#define TPR		0x080
#define PPR		0x0a0
#define EOI		0x0b0
#define LDR		0x0d0
#define SVR		0x0f0
#define ISR		0x100
#define IRR		0x200
#define ESR		0x280
#define ICR_LO		0x300
#define ICR_HI		0x310
#define LVT_TIMER	0x320
#define LVT_LINT0	0x350
#define LVT_ERROR	0x370
#define TMICT		0x380
#define TMCCT		0x390
#define TDCR		0x3e0

#define MASKED		(1U << 16)
#define PERIODIC	(1U << 17)
#define TSCDEADLINE	(2U << 17)
#define SH_SELF		(1U << 18)

#define GP		13
#define NONE		FAULT_NONE
#define SPURIOUS	0xff

static volatile unsigned int count[256];
static volatile u64 fired_tsc[256];
static volatile u32 isr_in_handler, ppr_in_handler;
static bool x2;

static u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static u64 rdmsr(u32 msr)
{
	u64 v = 0;

	if (rdmsr_safe(msr, &v) != NONE)
		report(false, "rdmsr 0x%x faulted", msr);
	return v;
}

static void wrmsr(u32 msr, u64 v)
{
	if (wrmsr_safe(msr, v) != NONE)
		report(false, "wrmsr 0x%x <- 0x%llx faulted", msr,
		       (unsigned long long)v);
}

/* One aligned 32-bit MOV to or from the xAPIC page. */
static u32 mmio_read(u32 reg)
{
	u32 v;

	asm volatile("movl %1, %0" : "=r"(v)
		     : "m"(*(volatile u32 *)(APIC_PAGE + reg)) : "memory");
	return v;
}

static void mmio_write(u32 reg, u32 v)
{
	asm volatile("movl %1, %0" : "=m"(*(volatile u32 *)(APIC_PAGE + reg))
		     : "r"(v) : "memory");
}

static u32 apic_read(u32 reg)
{
	return x2 ? (u32)rdmsr(0x800 + (reg >> 4)) : mmio_read(reg);
}

static void apic_write(u32 reg, u32 v)
{
	if (x2)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio_write(reg, v);
}

static bool bit_set(u32 base, unsigned int vector)
{
	return apic_read(base + (vector / 32) * 0x10) & (1U << (vector % 32));
}

static void irq_handler(struct ex_regs *regs)
{
	unsigned int v = regs->vector & 0xff;

	fired_tsc[v] = rdtsc();
	count[v]++;
	isr_in_handler = bit_set(ISR, v);
	ppr_in_handler = apic_read(PPR);
	if (v != SPURIOUS)
		apic_write(EOI, 0);
}

static void self_ipi(u8 vector)
{
	if (x2)
		wrmsr(0x830, SH_SELF | vector);
	else
		mmio_write(ICR_LO, SH_SELF | vector);
}

/* A few instructions with interrupts on: anything deliverable arrives. */
static void window(void)
{
	asm volatile("sti; nop; nop; cli" ::: "memory");
}

/* Sleep in HLT until 'vector' came 'n' times in all (or give up after
 * 'max' wake-ups: something else woke us). */
static void wait_for(unsigned int vector, unsigned int n, unsigned int max)
{
	while (count[vector] < n && max--)
		asm volatile("sti; hlt; cli" ::: "memory");
}

/* ---- xAPIC ---------------------------------------------------------- */

static void test_identity(void)
{
	struct cpuid c = cpuid(1);
	u64 base = rdmsr(MSR_APIC_BASE);
	u32 ver;
	u64 v;

	report(c.d & (1U << 9), "CPUID.1:EDX.APIC");
	report(c.c & (1U << 21), "CPUID.1:ECX.x2APIC");
	report((c.b >> 24) == 0, "CPUID.1:EBX initial APIC ID 0");
	report(cpuid(0).a >= 0xb && cpuid_count(0xb, 0).d == 0,
	       "CPUID.0xB:EDX x2APIC ID 0");
	report(base == (APIC_PAGE | BASE_BSP | BASE_EN),
	       "APIC_BASE 0x%llx: 0xfee00000, BSP, enabled",
	       (unsigned long long)base);
	report(mmio_read(ID) >> 24 == 0, "ID register 0");
	ver = mmio_read(VER);
	report((ver & 0xff) == 0x14 && ((ver >> 16) & 0xff) == 5,
	       "version 0x%x: 0x14, max LVT 5", ver);
	report(mmio_read(SVR) == 0xff, "SVR 0x%x after reset", mmio_read(SVR));
	report(mmio_read(LVT_TIMER) == MASKED && mmio_read(LVT_LINT0) == MASKED,
	       "LVTs masked after reset");
	report(rdmsr_safe(0x802, &v) == GP, "x2APIC MSR #GP in xAPIC mode");
}

static void test_enable_tpr(void)
{
	unsigned long cr8;

	/* Software disabled: an IPI is not accepted (11.4.7.2). */
	self_ipi(0x40);
	window();
	report(count[0x40] == 0 && !bit_set(IRR, 0x40),
	       "software-disabled APIC takes no IPI");

	mmio_write(SVR, 0x100 | SPURIOUS);
	report(mmio_read(SVR) == 0x1ff, "SVR software enable");
	mmio_write(TPR, 0x20);
	report(mmio_read(TPR) == 0x20 && mmio_read(PPR) == 0x20,
	       "TPR 0x20, PPR follows");
	/* CR8 is TPR[7:4] (11.8.6.1). */
	mmio_write(TPR, 0x50);
	asm volatile("mov %%cr8, %0" : "=r"(cr8));
	report(cr8 == 5, "CR8 %lu reads TPR[7:4]", cr8);
	asm volatile("mov %0, %%cr8" :: "r"(3UL) : "memory");
	report(mmio_read(TPR) == 0x30 && mmio_read(PPR) == 0x30,
	       "CR8 write sets TPR 0x%x", mmio_read(TPR));
	mmio_write(TPR, 0);
	report(mmio_read(PPR) == 0, "PPR 0 with TPR 0");
	/* Not a whole aligned dword: ignored (11.4.1). */
	asm volatile("movb %1, %0" : "=m"(*(volatile u8 *)(APIC_PAGE + TPR))
		     : "q"((u8)0x30) : "memory");
	report(mmio_read(TPR) == 0, "byte write to TPR ignored");
}

static void test_self_ipi(void)
{
	self_ipi(0x40);
	window();
	report(count[0x40] == 1, "self-IPI 0x40 delivered through the IDT");
	report(isr_in_handler && ppr_in_handler == 0x40,
	       "in the handler: ISR bit set, PPR 0x%x", ppr_in_handler);
	report(!bit_set(ISR, 0x40) && !bit_set(IRR, 0x40) &&
	       mmio_read(PPR) == 0, "after EOI: ISR, IRR clear, PPR 0");

	/* Shorthand none, physical destination 0 = us. */
	mmio_write(ICR_HI, 0);
	mmio_write(ICR_LO, 0x41);
	window();
	report(count[0x41] == 1, "IPI to physical ID 0 delivered");

	/* The TPR holds back a vector of its class or below (11.8.3.1). */
	mmio_write(TPR, 0x50);
	self_ipi(0x45);
	window();
	report(count[0x45] == 0 && bit_set(IRR, 0x45),
	       "TPR 0x50 holds vector 0x45 in the IRR");
	self_ipi(0x60);
	window();
	report(count[0x60] == 1 && count[0x45] == 0,
	       "vector 0x60 above TPR 0x50 delivered");
	asm volatile("sti" ::: "memory");
	mmio_write(TPR, 0);
	asm volatile("nop; cli" ::: "memory");
	report(count[0x45] == 1, "vector 0x45 delivered once TPR is lowered");

	/* Illegal vector: not sent, ESR "send illegal vector" (11.5.3). */
	mmio_write(ESR, 0);
	self_ipi(3);
	window();
	mmio_write(ESR, 0);
	report(count[3] == 0 && (mmio_read(ESR) & (1U << 5)),
	       "IPI vector 3: ESR 0x%x", mmio_read(ESR));
}

/* ---- The timer ------------------------------------------------------ */

/* TSC ticks for a one-shot timer of 'counts' at divide-by-1. */
static u64 oneshot_ticks(u32 counts, u8 vector)
{
	unsigned int before = count[vector];
	u64 t0;

	apic_write(LVT_TIMER, vector);
	apic_write(TDCR, 0xb);			/* divide by 1 */
	t0 = rdtsc();
	apic_write(TMICT, counts);
	wait_for(vector, before + 1, 1000);
	if (count[vector] != before + 1)
		return 0;
	return fired_tsc[vector] - t0;
}

static void test_timer(void)
{
	u64 t10, t40, t0, t1, spin;
	u32 ccr;

	apic_write(LVT_TIMER, 0x50);
	apic_write(TDCR, 0xb);
	apic_write(TMICT, 400000000);		/* 0.4 s */
	ccr = apic_read(TMCCT);
	report(ccr > 0 && ccr <= 400000000, "current count 0x%x counts down",
	       ccr);
	apic_write(TMICT, 0);			/* stop */
	report(apic_read(TMCCT) == 0, "initial count 0 stops the timer");

	t10 = oneshot_ticks(10000000, 0x50);	/* 10 ms */
	report(t10 > 0, "one-shot 10 ms fired (%llu TSC ticks)",
	       (unsigned long long)t10);
	t40 = oneshot_ticks(40000000, 0x50);	/* 40 ms */
	report(t40 > 0, "one-shot 40 ms fired (%llu TSC ticks)",
	       (unsigned long long)t40);
	report(t10 && t40 > 2 * t10 && t40 < 8 * t10,
	       "one-shot 40 ms takes about 4x 10 ms");
	report(apic_read(TMCCT) == 0, "one-shot expired: current count 0");

	/* Masked: the timer runs, nothing comes (11.5.1). */
	apic_write(LVT_TIMER, MASKED | 0x52);
	apic_write(TMICT, 1000000);		/* 1 ms */
	spin = 4 * t10;
	for (t0 = rdtsc(); rdtsc() - t0 < spin;)
		window();
	report(count[0x52] == 0 && !bit_set(IRR, 0x52),
	       "masked LVT timer: no interrupt");

	/* Periodic: 5 periods of 10 ms. */
	apic_write(LVT_TIMER, PERIODIC | 0x51);
	t0 = rdtsc();
	apic_write(TMICT, 10000000);
	wait_for(0x51, 5, 1000);
	t1 = fired_tsc[0x51];
	apic_write(TMICT, 0);
	report(count[0x51] == 5, "periodic timer: 5 interrupts");
	report(t10 && t1 - t0 > 2 * t10 && t1 - t0 < 20 * t10,
	       "5 periods take about 5x one 10 ms one-shot");
	for (t0 = rdtsc(); rdtsc() - t0 < 3 * t10;)
		window();
	report(count[0x51] == 5, "periodic timer stopped by initial count 0");
}

static void test_tsc_deadline(void)
{
	u64 deadline, left;

	if (!(cpuid(1).c & (1U << 24))) {
		report_skip("no TSC-deadline timer in CPUID");
		return;
	}
	apic_write(LVT_TIMER, TSCDEADLINE | 0x53);
	report((apic_read(LVT_TIMER) >> 17 & 3) == 2, "LVT timer in TSC-deadline mode");
	deadline = rdtsc() + 20000000;
	wrmsr(MSR_TSC_DEADLINE, deadline);
	left = rdmsr(MSR_TSC_DEADLINE);
	report(left == deadline || count[0x53], "TSC_DEADLINE reads back");
	wait_for(0x53, 1, 1000);
	report(count[0x53] == 1, "TSC-deadline timer fired");
	report(fired_tsc[0x53] >= deadline, "not before its deadline");
	report(rdmsr(MSR_TSC_DEADLINE) == 0, "TSC_DEADLINE 0 after firing");

	/* A deadline in the past fires at once; 0 disarms. */
	wrmsr(MSR_TSC_DEADLINE, 1);
	wait_for(0x53, 2, 1000);
	report(count[0x53] == 2, "a deadline in the past fires at once");
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 10000000);
	wrmsr(MSR_TSC_DEADLINE, 0);
	for (deadline = rdtsc(); rdtsc() - deadline < 40000000;)
		window();
	report(count[0x53] == 2, "TSC_DEADLINE 0 disarms");
	apic_write(LVT_TIMER, MASKED);
}

/* ---- x2APIC --------------------------------------------------------- */

static void expect_gp_rd(u32 msr, const char *what)
{
	u64 v;

	report(rdmsr_safe(msr, &v) == GP, "rdmsr 0x%x (%s): #GP", msr, what);
}

static void expect_gp_wr(u32 msr, u64 val, const char *what)
{
	report(wrmsr_safe(msr, val) == GP, "wrmsr 0x%x (%s): #GP", msr, what);
}

static void test_x2apic(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	report(wrmsr_safe(MSR_APIC_BASE, base | BASE_EXTD) == NONE,
	       "APIC_BASE: xAPIC -> x2APIC");
	x2 = true;
	report(rdmsr(0x802) == 0, "x2APIC ID 0");
	report((rdmsr(0x803) & 0xff) == 0x14, "x2APIC version");
	report(rdmsr(0x80d) == 1, "LDR 0x%llx: cluster 0, bit 0",
	       (unsigned long long)rdmsr(0x80d));
	report(rdmsr(0x80f) == 0x1ff, "SVR kept across the switch");

	wrmsr(0x83f, 0x42);			/* SELF IPI */
	window();
	report(count[0x42] == 1, "SELF IPI MSR delivered");
	wrmsr(0x830, 0x43);			/* ICR: physical, dest 0 */
	window();
	report(count[0x43] == 1, "ICR MSR, physical destination 0");
	wrmsr(0x830, (0xffffffffULL << 32) | 0x44);	/* broadcast */
	window();
	report(count[0x44] == 1, "ICR MSR, broadcast 0xffffffff");
	wrmsr(0x830, (1ULL << 32) | (1U << 11) | 0x46);	/* logical */
	window();
	report(count[0x46] == 1, "ICR MSR, logical cluster 0 bit 0");
	wrmsr(0x830, (2ULL << 32) | 0x47);	/* nobody */
	window();
	report(count[0x47] == 0, "ICR MSR, physical 2: not us");

	expect_gp_rd(0x80b, "EOI is write-only");
	expect_gp_rd(0x83f, "SELF IPI is write-only");
	expect_gp_rd(0x831, "no ICR high half");
	expect_gp_rd(0x80e, "no DFR");
	expect_gp_wr(0x802, 5, "ID is read-only");
	expect_gp_wr(0x80d, 5, "LDR is read-only");
	expect_gp_wr(0x80b, 1, "EOI with a non-zero value");
	expect_gp_wr(0x808, 0x100, "TPR reserved bit");
	expect_gp_wr(0x808, 1ULL << 32, "TPR upper half");
	expect_gp_wr(0x828, 1, "ESR non-zero");

	/* Timer through the MSRs. */
	report(oneshot_ticks(1000000, 0x54) > 0, "x2APIC one-shot timer fired");

	/* 11.12.5: x2APIC -> xAPIC is invalid; -> disabled is not. */
	expect_gp_wr(MSR_APIC_BASE, base, "x2APIC -> xAPIC");
	report(wrmsr_safe(MSR_APIC_BASE, base & ~BASE_EN) == NONE,
	       "x2APIC -> disabled");
	x2 = false;
	expect_gp_wr(MSR_APIC_BASE, base | BASE_EXTD, "disabled -> x2APIC");
	expect_gp_wr(MSR_APIC_BASE, (base & ~BASE_EN) | BASE_EXTD,
		     "EXTD without EN");
	report(wrmsr_safe(MSR_APIC_BASE, base) == NONE,
	       "disabled -> xAPIC");
	report(mmio_read(SVR) == 0xff, "re-enabled APIC starts disabled by SVR");
}

int main(void)
{
	unsigned int v;

	for (v = 32; v < 256; v++)
		handle_exception(v, irq_handler);
	fault_expect(GP);

	test_identity();
	test_enable_tpr();
	test_self_ipi();
	test_timer();
	test_tsc_deadline();
	test_x2apic();
	report(count[SPURIOUS] == 0, "no spurious interrupt");
	return report_summary();
}
