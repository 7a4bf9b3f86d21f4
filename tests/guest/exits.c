// SPDX-License-Identifier: GPL-2.0-only
/*
 * exits.c - the small exits with the default CPUID policy: PAUSE (a
 * thousand of them complete, each stepped over exactly), INVD, WBINVD and
 * WBNOINVD (skipped: memory written before is still there after; an INVD
 * run natively would throw dirty lines away), RDPMC (#GP(0): no PMU is
 * advertised), MONITOR/MWAIT (#UD: MONITOR is not advertised), and CR8
 * (0-15 read back, 16 and bit 63 are #GP(0) and change nothing).
 * Run: vmctl run --flat exits.bin
 */
#include "libtest.h"
#include "fault.h"

static void test_pause(void)
{
	u32 left = 1000, done = 0;

	/* A wrong skip length would land inside dec/inc: the counts tell. */
	asm volatile("1: pause\n\t"
		     "inc %1\n\t"
		     "dec %0\n\t"
		     "jnz 1b"
		     : "+r"(left), "+r"(done) :: "memory");
	report(left == 0 && done == 1000, "1000 PAUSEs complete (%u done)",
	       done);
	left = 1000;
	done = 0;
	asm volatile("1: rep; nop\n\t"	/* the same instruction, spelled f3 90 */
		     "inc %1\n\t"
		     "dec %0\n\t"
		     "jnz 1b"
		     : "+r"(left), "+r"(done) :: "memory");
	report(left == 0 && done == 1000, "1000 'rep; nop' complete");
}

static volatile u64 cached[8] __aligned(64);

static void test_caches(void)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		cached[i] = 0x5a5a000000000000ULL + i;
	asm volatile("invd" ::: "memory");
	for (i = 0; i < 8 && cached[i] == 0x5a5a000000000000ULL + i; i++)
		;
	report(i == 8, "a value written before INVD is still there after");

	for (i = 0; i < 8; i++)
		cached[i] = 0xa5a5000000000000ULL + i;
	asm volatile("wbinvd" ::: "memory");
	for (i = 0; i < 8 && cached[i] == 0xa5a5000000000000ULL + i; i++)
		;
	report(i == 8, "WBINVD completes, memory intact");

	/* WBNOINVD is f3 0f 09; without it the CPU runs it as WBINVD. */
	cached[0] = 0x1234;
	asm volatile(".byte 0xf3, 0x0f, 0x09" ::: "memory");
	report(cached[0] == 0x1234, "WBNOINVD completes, memory intact");
}

static void test_rdpmc(void)
{
	struct cpuid a = cpuid(0), pmu = { 0 }, ext = { 0 };

	if (a.a >= 0xa)
		pmu = cpuid(0xa);
	if (cpuid(0x80000000).a >= 0x80000001)
		ext = cpuid(0x80000001);
	report((pmu.a & 0xff) == 0 && !(ext.c & (1U << 23)),
	       "CPUID advertises no PMU (0xA.EAX %#x, 0x80000001.ECX[23] %u)",
	       pmu.a, (ext.c >> 23) & 1);

	fault_expect(13);
	FAULTC("rdpmc", "c"(0), "rax", "rdx");
	report(fault_seen.hits == 1 && fault_seen.vector == 13 && fault_seen.error == 0,
	       "RDPMC(0) raises #GP(0) (vector %llu, error %llu)",
	       (unsigned long long)fault_seen.vector,
	       (unsigned long long)fault_seen.error);
	fault_expect(13);
	FAULTC("rdpmc", "c"(1U << 30), "rax", "rdx");
	report(fault_seen.hits == 1 && fault_seen.vector == 13,
	       "RDPMC(fixed counter 0) raises #GP(0)");
	handle_exception(13, NULL);
}

static u8 monitor_line[64] __aligned(64);

static void test_monitor(void)
{
	report(!(cpuid(1).c & (1U << 3)), "CPUID.1:ECX.MONITOR is clear");
	fault_expect(6);
	FAULT("monitor", "a"(monitor_line), "c"(0), "d"(0));
	report(fault_seen.hits == 1 && fault_seen.vector == 6, "MONITOR raises #UD");
	fault_expect(6);
	FAULT("mwait", "a"(0), "c"(0));
	report(fault_seen.hits == 1 && fault_seen.vector == 6, "MWAIT raises #UD");
	handle_exception(6, NULL);
}

static inline u64 read_cr8(void)
{
	u64 v;

	asm volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

static void test_cr8(void)
{
	u64 v, bad = 0;

	for (v = 0; v < 16; v++) {
		asm volatile("mov %0, %%cr8" :: "r"(v) : "memory");
		if (read_cr8() != v)
			bad++;
	}
	report(!bad, "CR8 reads back 0..15 (%llu wrong)",
	       (unsigned long long)bad);

	fault_expect(13);
	FAULT("mov %[v], %%cr8", [v] "r"(16ULL));
	report(fault_seen.hits == 1 && fault_seen.vector == 13 && fault_seen.error == 0,
	       "MOV 16 to CR8 raises #GP(0)");
	report(read_cr8() == 15, "CR8 still 15 after the #GP");
	fault_expect(13);
	FAULT("mov %[v], %%cr8", [v] "r"(1ULL << 63));
	report(fault_seen.hits == 1 && fault_seen.vector == 13, "MOV 1 << 63 to CR8 raises #GP(0)");
	handle_exception(13, NULL);
	asm volatile("mov %0, %%cr8" :: "r"(0ULL) : "memory");
	report(read_cr8() == 0, "CR8 back to 0");
}

int main(void)
{
	printf("exits: PAUSE, INVD/WBINVD, RDPMC, MONITOR/MWAIT, CR8\n");
	test_pause();
	test_caches();
	test_rdpmc();
	test_monitor();
	test_cr8();
	return report_summary();
}
