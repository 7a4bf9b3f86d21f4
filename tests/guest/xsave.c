// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave.c - XCR0 and the guest's x87/SSE/AVX state (SDM Vol. 1 ch. 13).
 * XSETBV is #UD while CR4.OSXSAVE is clear; valid XCR0 values read back
 * through XGETBV; invalid ones (bit 0 clear, AVX without SSE, a bit vmm
 * does not support, ECX != 0) are #GP(0) and change nothing.  XMM and
 * the YMM upper halves survive 1000 exits to userspace (vmctl's glibc
 * uses AVX: it would clobber them if vmm did not switch the state) and
 * 1000 exits handled in the kernel (CPUID).  XSAVE/XRSTOR work in the
 * guest.  A SKIP line when the CPU has no XSAVE.
 * Run: vmctl run --flat xsave.bin
 */
#include "libtest.h"
#include "fault.h"

#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXMMEXCPT	(1UL << 10)
#define CR4_OSXSAVE	(1UL << 18)
#define UD		6
#define GP		13
#define NONE		FAULT_NONE
#define LOOPS		1000

static void write_cr4(unsigned long v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static u64 xgetbv(u32 index)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((u64)hi << 32) | lo;
}

/* XSETBV; returns the vector it raised, or NONE. */
static int xsetbv_safe(u32 index, u64 val)
{
	fault_reset();
	asm volatile("lea 1f(%%rip), %%r11\n\t"
		     "mov %%r11, %[fx]\n\t"
		     "xsetbv\n"
		     "1:"
		     : [fx] "=m"(fault_fixup)
		     : "c"(index), "a"((u32)val), "d"((u32)(val >> 32))
		     : "r11", "memory");
	return fault_vector();
}

static void xsetbv_ok(u64 val)
{
	int v = xsetbv_safe(0, val);

	report(v == NONE && xgetbv(0) == val, "XSETBV 0x%llx reads back",
	       (unsigned long long)val);
}

static void xsetbv_gp(const char *why, u32 index, u64 val)
{
	u64 before = xgetbv(0);
	int v = xsetbv_safe(index, val);

	report(v == GP && xgetbv(0) == before,
	       "XSETBV %s (ECX %u, 0x%llx) is #GP, XCR0 kept (vector %d)",
	       why, index, (unsigned long long)val, v);
}

/* 16 registers of 32 bytes: the pattern, and where they are stored. */
static u8 pattern[16 * 32] __aligned(64);
static u8 saved[16 * 32] __aligned(64);
static u8 area[4096] __aligned(64);

#define YMM_LOAD(i)  "vmovdqu " #i "*32(%0), %%ymm" #i "\n\t"
#define YMM_STORE(i) "vmovdqu %%ymm" #i ", " #i "*32(%0)\n\t"
#define XMM_LOAD(i)  "movdqu " #i "*32(%0), %%xmm" #i "\n\t"
#define XMM_STORE(i) "movdqu %%xmm" #i ", " #i "*32(%0)\n\t"
#define ALL16(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) \
		 m(10) m(11) m(12) m(13) m(14) m(15)

/* The compiler uses no SSE/AVX here (-mno-sse): the registers are ours. */
static void ymm_load(void)
{
	asm volatile(ALL16(YMM_LOAD) : : "r"(pattern) : "memory");
}

static void ymm_store(void)
{
	asm volatile(ALL16(YMM_STORE) : : "r"(saved) : "memory");
}

static void xmm_load(void)
{
	asm volatile(ALL16(XMM_LOAD) : : "r"(pattern) : "memory");
}

static void xmm_store(void)
{
	asm volatile(ALL16(XMM_STORE) : : "r"(saved) : "memory");
}

static void fill_pattern(u8 seed)
{
	unsigned int i;

	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (u8)(i * 7 + seed) ^ 0x5a;
	memset(saved, 0, sizeof(saved));
}

/* Exits to vmctl: a read of the serial port's line status register. */
static void user_exits(void)
{
	int i;

	for (i = 0; i < LOOPS; i++)
		inb(SERIAL_PORT + 5);
}

static void kernel_exits(void)
{
	int i;

	for (i = 0; i < LOOPS; i++)
		cpuid(0);
}

/* Compare 'bytes' of each of the 16 registers. */
static bool regs_match(unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (memcmp(pattern + i * 32, saved + i * 32, bytes))
			return false;
	return true;
}

static void test_xsave_insns(u64 xcr0)
{
	u32 ymm_off = cpuid_count(0xd, 2).b;
	u8 upper[16];
	unsigned int i;

	fill_pattern(3);
	ymm_load();
	/* x87 out of its initial state too, or XSAVE may leave its
	 * XSTATE_BV bit clear (SDM Vol. 1 13.6, init optimization). */
	asm volatile("fld1");
	memset(area, 0, sizeof(area));
	asm volatile("xsave64 %0" : "+m"(area) : "a"((u32)xcr0), "d"(0)
		     : "memory");
	report((*(u64 *)(area + 512) & 7) == 7,
	       "XSAVE: XSTATE_BV has x87, SSE, AVX (0x%llx)",
	       (unsigned long long)*(u64 *)(area + 512));
	report(!memcmp(area + 160, pattern, 16) &&
	       !memcmp(area + ymm_off, pattern + 16, 16),
	       "XSAVE: XMM0 at 160, YMM0's upper half at %u", ymm_off);
	for (i = 0; i < 16; i++)
		upper[i] = 0xc0 + i;
	memcpy(area + ymm_off + 16, upper, 16);	/* YMM1 upper half */
	asm volatile("xrstor64 %0" : : "m"(area), "a"((u32)xcr0), "d"(0)
		     : "memory");
	ymm_store();
	report(!memcmp(saved + 32 + 16, upper, 16) &&
	       !memcmp(saved + 32, pattern + 32, 16),
	       "XRSTOR: YMM1 loaded from the area");
	asm volatile("fninit");
}

int main(void)
{
	unsigned long cr4 = read_cr4();
	struct cpuid l1 = cpuid(1);
	u64 supported;
	bool avx;

	printf("xsave: XCR0 and the guest's x87/SSE/AVX state\n");
	if (!(l1.c & (1U << 26))) {
		report_skip("CPUID.1:ECX.XSAVE clear: no XSAVE on this CPU");
		return report_summary();
	}
	fault_expect(UD);
	fault_expect(GP);

	report(!(cr4 & CR4_OSXSAVE), "CR4.OSXSAVE clear at start");
	report(xsetbv_safe(0, 1) == UD, "XSETBV with CR4.OSXSAVE clear is #UD");
	write_cr4(cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	report(read_cr4() & CR4_OSXSAVE, "CR4.OSXSAVE set");
	report(xgetbv(0) == 1, "XCR0 is 1 after reset (0x%llx)",
	       (unsigned long long)xgetbv(0));

	supported = cpuid_count(0xd, 0).a | ((u64)cpuid_count(0xd, 0).d << 32);
	avx = (supported & 4) && (l1.c & (1U << 28));
	printf("xsave: CPUID 0xD.0 supported XCR0 0x%llx, AVX %d\n",
	       (unsigned long long)supported, avx);
	report((supported & 3) == 3, "CPUID 0xD.0: x87 and SSE supported");

	xsetbv_ok(3);
	xsetbv_ok(1);
	if (supported & 4)
		xsetbv_ok(7);
	xsetbv_gp("bit 0 clear", 0, 2);
	xsetbv_gp("zero", 0, 0);
	xsetbv_gp("AVX without SSE", 0, 5);
	xsetbv_gp("bit 62 (reserved)", 0, 3 | (1ULL << 62));
	if (!(supported & (1ULL << 5)))
		xsetbv_gp("AVX-512 opmask (unsupported)", 0, 0xe7);
	xsetbv_gp("ECX = 1", 1, 3);

	/* XMM with XCR0 = 1: SSE is usable, XSAVE does not cover it. */
	xsetbv_safe(0, 1);
	fill_pattern(1);
	xmm_load();
	user_exits();
	xmm_store();
	report(regs_match(16), "XMM0-15 survive %d exits to userspace (XCR0 1)",
	       LOOPS);

	if (!avx) {
		report_skip("no AVX: YMM checks");
		return report_summary();
	}
	xsetbv_safe(0, 7);
	fill_pattern(2);
	ymm_load();
	user_exits();
	ymm_store();
	report(regs_match(32), "YMM0-15 survive %d exits to userspace", LOOPS);
	kernel_exits();
	ymm_store();
	report(regs_match(32), "YMM0-15 survive %d CPUID exits", LOOPS);

	test_xsave_insns(7);
	return report_summary();
}
