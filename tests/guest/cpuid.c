// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid.c - the CPUID view vmctl promises a guest: the hypervisor bit,
 * no SVM and no VMX (no nested virtualization), the vmm signature at
 * leaf 0x40000000 and no hypervisor leaves after it (no KVM leaves), the
 * host's vendor string, no PMU (leaf 0xA zero, no PDCM), no x2APIC, and
 * the XSAVE leaves: OSXSAVE follows CR4.OSXSAVE, leaf 0xD's sizes follow
 * XCR0 (Documentation/abi.md, "The default CPUID policy").  The guest
 * cannot know the host's vendor: it prints "vendor: XXX" and the lab
 * compares that line with the lab's /proc/cpuinfo (tests.cfg pattern
 * @HOST_VENDOR@).
 */
#include "libtest.h"

#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXSAVE	(1UL << 18)

static void write_cr4(unsigned long v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static u64 xgetbv0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((u64)hi << 32) | lo;
}

static void xsetbv0(u64 v)
{
	asm volatile("xsetbv" : : "c"(0), "a"((u32)v), "d"((u32)(v >> 32)));
}

/* SDM Vol. 1 13.4.3: the standard-format size for the components in
 * xcr0, from the offsets and sizes of sub-leaves 2 and up. */
static u32 xsave_size(u64 xcr0)
{
	u32 size = 512 + 64, end;
	struct cpuid r;
	int i;

	for (i = 2; i < 63; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		r = cpuid_count(0xd, i);
		end = r.b + r.a;
		if (end > size)
			size = end;
	}
	return size;
}

static void check_xsave_size(void)
{
	u64 xcr0 = xgetbv0();
	u32 want = xsave_size(xcr0), got = cpuid_count(0xd, 0).b;

	report(got == want, "leaf 0xD.0: EBX %u = size for XCR0 0x%llx (%u)",
	       got, (unsigned long long)xcr0, want);
}

static void test_xsave(void)
{
	unsigned long cr4 = read_cr4();
	struct cpuid d0, d1;
	u64 supported;

	if (!(cpuid(1).c & (1U << 26))) {
		report(!(cpuid(1).c & (1U << 28)),
		       "leaf 1: no AVX without XSAVE");
		report_skip("leaf 1: no XSAVE, no XSAVE leaves to check");
		return;
	}
	d0 = cpuid_count(0xd, 0);
	d1 = cpuid_count(0xd, 1);
	supported = d0.a | ((u64)d0.d << 32);
	report((supported & 3) == 3, "leaf 0xD.0: x87 and SSE in 0x%llx",
	       (unsigned long long)supported);
	report(!(supported & (1ULL << 9)), "leaf 0xD.0: no PKRU (not via XCR0)");
	report(!(cpuid(1).c & (1U << 28)) || (supported & 4),
	       "leaf 1: AVX only with YMM state in leaf 0xD.0");
	report(!(d1.a & (1U << 3)), "leaf 0xD.1: no XSAVES (0x%x)", d1.a);
	report(d0.c == xsave_size(supported),
	       "leaf 0xD.0: ECX %u = size for every supported component",
	       d0.c);

	report(!(cr4 & CR4_OSXSAVE) && !(cpuid(1).c & (1U << 27)),
	       "leaf 1: OSXSAVE clear while CR4.OSXSAVE is clear");
	write_cr4(cr4 | CR4_OSFXSR | CR4_OSXSAVE);
	report(cpuid(1).c & (1U << 27),
	       "leaf 1: OSXSAVE set once CR4.OSXSAVE is set");
	check_xsave_size();
	xsetbv0(3);
	check_xsave_size();
	if (supported & 4) {
		xsetbv0(7);
		check_xsave_size();
	}
	xsetbv0(1);
	check_xsave_size();
	write_cr4(cr4);
	report(!(cpuid(1).c & (1U << 27)),
	       "leaf 1: OSXSAVE clear again with CR4.OSXSAVE");
}

int main(void)
{
	struct cpuid r;
	char vendor[13], sig[13];
	u32 max_ext;

	r = cpuid(0);
	memcpy(vendor + 0, &r.b, 4);
	memcpy(vendor + 4, &r.d, 4);
	memcpy(vendor + 8, &r.c, 4);
	vendor[12] = '\0';
	printf("vendor: %s\n", vendor);
	report(r.a >= 1, "leaf 0: max basic leaf %u >= 1", r.a);
	report(!strcmp(vendor, "AuthenticAMD") ||
	       !strcmp(vendor, "GenuineIntel") ||
	       !strcmp(vendor, "HygonGenuine"), "leaf 0: known vendor '%s'",
	       vendor);

	r = cpuid(1);
	report(r.c & (1U << 31), "leaf 1: ECX.hypervisor (bit 31) set");
	report(!(r.c & (1U << 5)), "leaf 1: ECX.VMX (bit 5) clear");
	report(!(r.c & (1U << 15)), "leaf 1: ECX.PDCM (bit 15) clear");
	report(!(r.c & (1U << 21)), "leaf 1: ECX.x2APIC (bit 21) clear");

	r = cpuid(0xa);
	report(!r.a && !r.b && !r.c && !r.d, "leaf 0xA (PMU): all zero");

	max_ext = cpuid(0x80000000).a;
	report(max_ext >= 0x80000001, "leaf 0x80000000: max extended leaf 0x%x",
	       max_ext);
	if (max_ext >= 0x80000001) {
		r = cpuid(0x80000001);
		report(!(r.c & (1U << 2)),
		       "leaf 0x80000001: ECX.SVM (bit 2) clear");
		report(r.d & (1U << 29), "leaf 0x80000001: EDX.LM (bit 29) set");
	}

	r = cpuid(0x40000000);
	memcpy(sig + 0, &r.b, 4);
	memcpy(sig + 4, &r.c, 4);
	memcpy(sig + 8, &r.d, 4);
	sig[12] = '\0';
	report(r.a >= 0x40000000, "leaf 0x40000000: EAX 0x%x >= 0x40000000",
	       r.a);
	report(!strcmp(sig, "vmmvmmvmmvmm"),
	       "leaf 0x40000000: signature '%s'", sig);
	report(r.a == 0x40000000, "leaf 0x40000000: no hypervisor leaves after it");
	r = cpuid(0x40000001);
	report(!r.a && !r.b && !r.c && !r.d,
	       "leaf 0x40000001 (KVM features): all zero");
	r = cpuid(0x40000100);
	report(!r.a && !r.b && !r.c && !r.d,
	       "leaf 0x40000100 (KVM alternative base): all zero");

	test_xsave();
	return report_summary();
}
