// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid.c - the CPUID view vmctl promises a guest: the hypervisor bit,
 * no SVM and no VMX (no nested virtualization), the vmm signature at
 * leaf 0x40000000, and the host's vendor string.  The guest cannot know
 * the host's vendor: it prints "vendor: XXX" and the lab compares that
 * line with the lab's /proc/cpuinfo (tests.cfg pattern @HOST_VENDOR@).
 */
#include "libtest.h"

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
	return report_summary();
}
