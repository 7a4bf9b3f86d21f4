// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugreg.c - the debug registers vmm emulates (SDM Vol. 3B 18.2, APM
 * Vol. 2 13.1): DR0-DR3 hold any value; DR6 and DR7 keep their fixed
 * bits; DR4/DR5 are DR6/DR7 with CR4.DE = 0 and #UD with CR4.DE = 1;
 * a 1 in bits 63:32 of DR6 or DR7 is #GP(0); DR7.GD turns the next MOV DR
 * into a #DB with DR6.BD set and GD cleared.
 * The data breakpoint is dr-watch.c.
 * Run: vmctl run --flat debugreg.bin
 */
#include "libtest.h"
#include "fault.h"

#define DR6_FIXED	0xffff0ff0ULL
#define DR7_FIXED	0x400ULL
#define DR7_GD		(1ULL << 13)
#define DR6_BD		(1ULL << 13)
#define X86_CR4_DE	(1UL << 3)

static volatile u64 seen_dr6;

#define DR_GET(n)							\
	({ u64 __v; asm volatile("mov %%dr" #n ", %0" : "=r"(__v)); __v; })
#define DR_SET(n, v)							\
	asm volatile("mov %0, %%dr" #n :: "r"((u64)(v)) : "memory")

static void write_cr4(unsigned long v)
{
	asm volatile("mov %0, %%cr4" :: "r"(v) : "memory");
}

static void test_roundtrip(void)
{
	static const u64 vals[4] = {
		0x1111111111111110ULL, 0xffffffff81000000ULL,
		0x0000000000401000ULL, 0x8000000000000008ULL,
	};

	DR_SET(0, vals[0]);
	DR_SET(1, vals[1]);
	DR_SET(2, vals[2]);
	DR_SET(3, vals[3]);
	report(DR_GET(0) == vals[0] && DR_GET(1) == vals[1] &&
	       DR_GET(2) == vals[2] && DR_GET(3) == vals[3],
	       "DR0-DR3 read back 64-bit values");

	DR_SET(6, 0);
	report(DR_GET(6) == DR6_FIXED, "DR6 <- 0 reads 0xffff0ff0 (0x%llx)",
	       (unsigned long long)DR_GET(6));
	DR_SET(6, 0xf);
	report(DR_GET(6) == (DR6_FIXED | 0xf), "DR6 <- B0-B3 reads 0xffff0fff");
	DR_SET(6, 1ULL << 12);
	report(DR_GET(6) == DR6_FIXED, "DR6 bit 12 stays 0");
	DR_SET(6, 0);

	DR_SET(7, 0);
	report(DR_GET(7) == DR7_FIXED, "DR7 <- 0 reads 0x400 (0x%llx)",
	       (unsigned long long)DR_GET(7));
	/* Enabled, but on addresses nothing here touches. */
	DR_SET(7, 0x0f0000aaULL);
	report(DR_GET(7) == (DR7_FIXED | 0x0f0000aaULL),
	       "DR7 <- G0-G3 with R/W, LEN reads back (0x%llx)",
	       (unsigned long long)DR_GET(7));
	report(DR_GET(0) == vals[0] && DR_GET(3) == vals[3],
	       "DR0-DR3 unchanged with breakpoints enabled");
	DR_SET(7, 0);
}

static void test_alias(void)
{
	unsigned long cr4 = read_cr4();

	write_cr4(cr4 & ~X86_CR4_DE);
	DR_SET(4, 0x3);
	report(DR_GET(6) == (DR6_FIXED | 0x3), "CR4.DE=0: DR4 writes DR6");
	report(DR_GET(4) == DR_GET(6), "CR4.DE=0: DR4 reads DR6");
	DR_SET(5, 0x400 | 0x20000);
	report(DR_GET(7) == (DR7_FIXED | 0x20000), "CR4.DE=0: DR5 writes DR7");
	report(DR_GET(5) == DR_GET(7), "CR4.DE=0: DR5 reads DR7");
	DR_SET(7, 0);
	DR_SET(6, 0);

	write_cr4(cr4 | X86_CR4_DE);
	fault_expect(6);
	FAULTC("mov %%dr4, %%rax", "i"(0), "rax");
	report(fault_seen.hits == 1 && fault_seen.vector == 6, "CR4.DE=1: MOV from DR4 is #UD");
	fault_expect(6);
	FAULT("mov %%rax, %%dr5", "a"(0x400ULL));
	report(fault_seen.hits == 1 && fault_seen.vector == 6, "CR4.DE=1: MOV to DR5 is #UD");
	handle_exception(6, NULL);
	report(DR_GET(6) == DR6_FIXED && DR_GET(7) == DR7_FIXED,
	       "CR4.DE=1: DR6/DR7 themselves still work");
	write_cr4(cr4 & ~X86_CR4_DE);
}

static void test_reserved(void)
{
	DR_SET(7, 0x400 | 0x1);
	fault_expect(13);
	FAULT("mov %%rax, %%dr7", "a"(1ULL << 32));
	report(fault_seen.hits == 1 && fault_seen.vector == 13 && fault_seen.error == 0,
	       "DR7 <- bit 32 is #GP(0)");
	report(DR_GET(7) == (DR7_FIXED | 0x1), "DR7 unchanged by the #GP");
	DR_SET(7, 0);
	fault_expect(13);
	FAULT("mov %%rax, %%dr6", "a"(0xffffffff00000000ULL));
	report(fault_seen.hits == 1 && fault_seen.vector == 13 && fault_seen.error == 0,
	       "DR6 <- bits 63:32 is #GP(0)");
	report(DR_GET(6) == DR6_FIXED, "DR6 unchanged by the #GP");
	handle_exception(13, NULL);
}

static void db_handler(struct ex_regs *regs)
{
	fault_seen.hits++;
	fault_seen.vector = regs->vector;
	/* GD is clear now, so this MOV works (SDM 18.2.4). */
	seen_dr6 = DR_GET(6);
	regs->rip = fault_fixup;
}

static void test_gd(void)
{
	DR_SET(6, 0);
	DR_SET(7, 0x400 | DR7_GD);
	fault_seen.hits = 0;
	seen_dr6 = 0;
	handle_exception(1, db_handler);
	FAULTC("mov %%dr0, %%rax", "i"(0), "rax");
	handle_exception(1, NULL);
	report(fault_seen.hits == 1 && fault_seen.vector == 1,
	       "DR7.GD: MOV from DR0 raises #DB (%u, vector %llu)", fault_seen.hits,
	       (unsigned long long)fault_seen.vector);
	report(seen_dr6 & DR6_BD, "DR7.GD: DR6.BD set (0x%llx)",
	       (unsigned long long)seen_dr6);
	report(!(DR_GET(7) & DR7_GD), "DR7.GD cleared for the handler");
	DR_SET(6, 0);
	DR_SET(7, 0);
}

int main(void)
{
	printf("debugreg: DR0-DR7 emulation\n");
	test_roundtrip();
	test_alias();
	test_reserved();
	test_gd();
	return report_summary();
}
