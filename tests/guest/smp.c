// SPDX-License-Identifier: GPL-2.0-only
/*
 * smp.c - bring up every vCPU with INIT-SIPI-SIPI (run with --cpus N,
 * N > 1): the count fw_cfg gives must come up, each AP in long mode on
 * the BSP's page tables with its own stack, and the APIC IDs must be
 * 0..N-1, each once, the BSP's 0 (vCPU i has APIC ID i, uapi/vmm.h).
 * Each AP also checks that it is not the BSP (IA32_APIC_BASE.BSP) and
 * that CPUID's initial APIC ID (leaf 1, EBX[31:24]) is its APIC ID.
 */
#include "desc64.h"
#include "mp.h"

/* What each AP found, by index; the BSP reports. */
static volatile u64 ap_apic_base[SMP_MAX_CPUS];
static volatile u32 ap_cpuid_id[SMP_MAX_CPUS];
static volatile u64 ap_rsp[SMP_MAX_CPUS];
static volatile unsigned int ap_seen_magic[SMP_MAX_CPUS];
static volatile u64 magic;

static void ap(unsigned int index)
{
	u64 rsp;

	asm volatile("mov %%rsp, %0" : "=r"(rsp));
	ap_rsp[index] = rsp;
	ap_apic_base[index] = rdmsr(MSR_APIC_BASE);
	ap_cpuid_id[index] = cpuid(1).b >> 24;
	/* The BSP's memory, through the same page tables. */
	ap_seen_magic[index] = magic == 0x5a5aa5a5f00dcafeULL;
	printf("smp: AP %u up, APIC ID %u\n", index, lapic_id());
}

int main(void)
{
	unsigned int n, up, i, j, bad;
	u32 seen[SMP_MAX_CPUS] = { 0 };

	n = smp_init();
	printf("smp: %u vCPUs from fw_cfg\n", n);
	if (!report(n >= 2 && n <= SMP_MAX_CPUS, "fw_cfg: %u vCPUs (2-%u)",
		    n, SMP_MAX_CPUS))
		return report_summary();
	report(smp_apic_id[0] == 0, "BSP APIC ID 0 (%u)", smp_apic_id[0]);
	report(rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP, "BSP: APIC_BASE.BSP set");
	report((cpuid(1).b >> 24) == 0, "BSP: CPUID initial APIC ID 0");

	magic = 0x5a5aa5a5f00dcafeULL;
	up = smp_start_all(ap);
	report(up == n - 1, "%u of %u APs up after INIT-SIPI-SIPI", up, n - 1);
	report(smp_next_index == n - 1,
	       "each AP started once (%u starts; the second SIPI is ignored)",
	       smp_next_index);

	/* Every APIC ID in 0..N-1 exactly once (the BSP's included). */
	for (i = 0, bad = 0; i <= up && i < SMP_MAX_CPUS; i++) {
		u32 id = smp_apic_id[i];

		if (id >= n || seen[id]++)
			bad++;
	}
	for (j = 0; j < n; j++)
		if (!seen[j])
			bad++;
	report(!bad, "APIC IDs are 0..%u, each once", n - 1);

	for (i = 1, bad = 0; i <= up; i++) {
		u64 lo = (u64)(uintptr_t)ap_stacks[i];

		if (ap_apic_base[i] & APIC_BASE_BSP ||
		    (ap_apic_base[i] & ~0xfffULL) != APIC_DEFAULT_BASE ||
		    !(ap_apic_base[i] & APIC_BASE_EN)) {
			printf("smp: AP %u: APIC_BASE 0x%llx\n", i,
			       (unsigned long long)ap_apic_base[i]);
			bad++;
		}
		if (ap_cpuid_id[i] != smp_apic_id[i]) {
			printf("smp: AP %u: CPUID APIC ID %u, register %u\n", i,
			       ap_cpuid_id[i], smp_apic_id[i]);
			bad++;
		}
		if (ap_rsp[i] < lo || ap_rsp[i] >= lo + sizeof(ap_stacks[i]))
			bad++;
		if (!ap_seen_magic[i])
			bad++;
	}
	report(!bad && up, "each AP: not the BSP, APIC at 0xfee00000 enabled, "
	       "CPUID APIC ID = APIC ID, own stack, shared memory");
	return report_summary();
}
