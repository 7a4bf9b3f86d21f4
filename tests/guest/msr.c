// SPDX-License-Identifier: GPL-2.0-only
/*
 * msr.c - the MSRs vmm gives a guest (Documentation/vmx-svm.md, "MSRs"),
 * each checked against what the SDM / APM says it must do, and #GP(0)
 * for everything else: EFER, PAT, the SYSCALL and base MSRs, SYSENTER_*,
 * TSC and TSC_ADJUST (SDM Vol. 3B 18.17.3), TSC_AUX with RDTSCP/RDPID,
 * the MTRRs, MISC_ENABLE, APIC_BASE, SPEC_CTRL and PRED_CMD as CPUID
 * shows them, and unknown MSRs (PMU, AMD model-specific, ...).
 * Run: vmctl run --flat msr.bin
 */
#include "libtest.h"
#include "fault.h"

#define MSR_APIC_BASE		0x1b
#define MSR_TSC_ADJUST		0x3b
#define MSR_SPEC_CTRL		0x48
#define MSR_PRED_CMD		0x49
#define MSR_MTRRCAP		0xfe
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_MISC_ENABLE		0x1a0
#define MSR_MTRR_PHYSBASE0	0x200
#define MSR_MTRR_PHYSMASK0	0x201
#define MSR_MTRR_FIX64K		0x250
#define MSR_PAT			0x277
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_TSC			0x10
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103

#define EFER_SCE		(1ULL << 0)
#define PAT_RESET		0x0007040600070406ULL
#define GP			13
#define NONE			FAULT_NONE

/* Slack for "close": many emulated instructions and a few exits. */
#define TSC_SLACK		(1ULL << 34)

static u64 rdmsr(u32 msr)
{
	u64 v;

	if (rdmsr_safe(msr, &v) != NONE)
		report(false, "rdmsr 0x%x faulted", msr);
	return v;
}

static u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* Written value reads back, without a fault. */
static void round_trip(const char *name, u32 msr, u64 val)
{
	u64 got = 0;
	int w = wrmsr_safe(msr, val), r = rdmsr_safe(msr, &got);

	report(w == NONE && r == NONE && got == val,
	       "%s: 0x%llx reads back (0x%llx)", name,
	       (unsigned long long)val, (unsigned long long)got);
}

/* A write that must #GP and leave the MSR as it was. */
static void write_gp(const char *name, u32 msr, u64 val)
{
	u64 before = 0, after = 0;

	rdmsr_safe(msr, &before);
	report(wrmsr_safe(msr, val) == GP && rdmsr_safe(msr, &after) == NONE &&
	       after == before, "%s: writing 0x%llx is #GP, value kept",
	       name, (unsigned long long)val);
}

static void absent(const char *name, u32 msr)
{
	u64 v;

	report(rdmsr_safe(msr, &v) == GP, "%s (0x%x): rdmsr #GP", name, msr);
	report(wrmsr_safe(msr, 0) == GP, "%s (0x%x): wrmsr #GP", name, msr);
}

static void test_efer_pat(void)
{
	u64 efer = rdmsr(MSR_EFER);

	report(efer & (1ULL << 10), "EFER.LMA set in long mode (0x%llx)",
	       (unsigned long long)efer);
	round_trip("EFER with SCE toggled", MSR_EFER, efer ^ EFER_SCE);
	round_trip("EFER restored", MSR_EFER, efer);
	write_gp("EFER reserved bit 2", MSR_EFER, efer | (1ULL << 2));

	report(rdmsr(MSR_PAT) == PAT_RESET, "PAT has its reset value");
	round_trip("PAT", MSR_PAT, 0x0007010600070406ULL);
	write_gp("PAT entry of type 2", MSR_PAT, 0x0007040600070402ULL);
	write_gp("PAT entry of type 8", MSR_PAT, 0x0807040600070406ULL);
	round_trip("PAT restored", MSR_PAT, PAT_RESET);
}

static void test_bases(void)
{
	round_trip("FS_BASE", MSR_FS_BASE, 0x12345678000ULL);
	round_trip("GS_BASE", MSR_GS_BASE, 0xffff800012345000ULL);
	round_trip("KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, 0x7fff12345000ULL);
	round_trip("STAR", MSR_STAR, 0x0023001000000000ULL);
	round_trip("LSTAR", MSR_LSTAR, 0xffffffff81000000ULL);
	round_trip("CSTAR", MSR_CSTAR, 0xffffffff81000100ULL);
	round_trip("SFMASK", MSR_SFMASK, 0x47700);
	round_trip("SYSENTER_CS", MSR_SYSENTER_CS, 0x10);
	round_trip("SYSENTER_ESP", MSR_SYSENTER_ESP, 0xffff880000001000ULL);
	round_trip("SYSENTER_EIP", MSR_SYSENTER_EIP, 0xffffffff81000200ULL);
	write_gp("FS_BASE non-canonical", MSR_FS_BASE, 0x0000800000000000ULL);
	write_gp("LSTAR non-canonical", MSR_LSTAR, 0x8000000000000000ULL);
	wrmsr_safe(MSR_FS_BASE, 0);
	wrmsr_safe(MSR_GS_BASE, 0);
}

static void test_tsc(void)
{
	u64 t = 1ULL << 40, a0, a1, before, after, d = 1ULL << 36, got;

	report(wrmsr_safe(MSR_TSC, t) == NONE, "TSC: write 0x%llx",
	       (unsigned long long)t);
	after = rdtsc();
	got = rdmsr(MSR_TSC);
	report(after >= t && after - t < TSC_SLACK,
	       "TSC: RDTSC after the write is close (0x%llx)",
	       (unsigned long long)after);
	report(got >= after && got - t < TSC_SLACK,
	       "TSC: RDMSR after the write is close and later (0x%llx)",
	       (unsigned long long)got);

	if (!(cpuid_count(7, 0).b & (1U << 1))) {
		absent("TSC_ADJUST without CPUID.7.0:EBX[1]", MSR_TSC_ADJUST);
		return;
	}
	/* SDM Vol. 3B 18.17.3: a TSC write moves TSC_ADJUST by the delta. */
	a0 = rdmsr(MSR_TSC_ADJUST);
	wrmsr_safe(MSR_TSC, rdtsc() + d);
	a1 = rdmsr(MSR_TSC_ADJUST);
	report(a1 - a0 <= d && a1 - a0 > d - TSC_SLACK,
	       "TSC_ADJUST moved with the TSC write (by 0x%llx, ~0x%llx)",
	       (unsigned long long)(a1 - a0), (unsigned long long)d);
	/* ... and a TSC_ADJUST write moves the TSC. */
	before = rdtsc();
	report(wrmsr_safe(MSR_TSC_ADJUST, a1 - d) == NONE,
	       "TSC_ADJUST: write");
	after = rdtsc();
	report(before - after <= d && before - after > d - TSC_SLACK,
	       "TSC moved back with the TSC_ADJUST write (by 0x%llx)",
	       (unsigned long long)(before - after));
	report(rdmsr(MSR_TSC_ADJUST) == a1 - d, "TSC_ADJUST reads back");
}

static u32 rdtscp_aux(void)
{
	u32 lo, hi, aux;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static u64 rdpid(void)
{
	u64 v;

	asm volatile(".byte 0xf3, 0x0f, 0xc7, 0xf8"	/* rdpid %rax */
		     : "=a"(v));
	return v;
}

static void test_tsc_aux(void)
{
	bool has_rdtscp = cpuid(0x80000001).d & (1U << 27);
	bool has_rdpid = cpuid_count(7, 0).c & (1U << 22);

	if (!has_rdtscp && !has_rdpid) {
		absent("TSC_AUX without RDTSCP/RDPID", MSR_TSC_AUX);
		return;
	}
	round_trip("TSC_AUX", MSR_TSC_AUX, 0x1234);
	write_gp("TSC_AUX bit 32", MSR_TSC_AUX, 1ULL << 32);
	if (has_rdtscp)
		report(rdtscp_aux() == 0x1234, "RDTSCP returns TSC_AUX");
	if (has_rdpid)
		report(rdpid() == 0x1234, "RDPID returns TSC_AUX");
	printf("msr: exits to userspace in between\n");
	round_trip("TSC_AUX", MSR_TSC_AUX, 0xabcd);
	printf("msr: ...\n");
	if (has_rdtscp)
		report(rdtscp_aux() == 0xabcd,
		       "RDTSCP returns the new TSC_AUX after exits");
	if (has_rdpid)
		report(rdpid() == 0xabcd,
		       "RDPID returns the new TSC_AUX after exits");
}

static void test_mtrr(void)
{
	u32 maxphy = cpuid(0x80000008).a & 0xff;
	u64 phys = (maxphy < 64 ? (1ULL << maxphy) : 0) - 1;
	u64 cap = rdmsr(MSR_MTRRCAP);

	report((cap & 0xff) >= 1 && (cap & (1U << 8)),
	       "MTRRcap: variable ranges and fixed ranges (0x%llx)",
	       (unsigned long long)cap);
	write_gp("MTRRcap (read-only)", MSR_MTRRCAP, cap);
	round_trip("MTRRdefType E|FE|WB", MSR_MTRR_DEF_TYPE, 0xc06);
	write_gp("MTRRdefType type 2", MSR_MTRR_DEF_TYPE, 0xc02);
	write_gp("MTRRdefType reserved bit 12", MSR_MTRR_DEF_TYPE, 0x1c06);
	round_trip("MTRR_PHYSBASE0 2G WB", MSR_MTRR_PHYSBASE0, 0x80000006);
	round_trip("MTRR_PHYSMASK0 2G valid", MSR_MTRR_PHYSMASK0,
		   (phys & ~0x7fffffffULL) | 0x800);
	write_gp("MTRR_PHYSBASE0 type 3", MSR_MTRR_PHYSBASE0, 0x80000003);
	write_gp("MTRR_PHYSMASK0 reserved bit 0", MSR_MTRR_PHYSMASK0,
		 (phys & ~0x7fffffffULL) | 0x801);
	if (maxphy < 52)
		write_gp("MTRR_PHYSMASK0 above MAXPHYADDR", MSR_MTRR_PHYSMASK0,
			 (1ULL << maxphy) | 0x800);
	round_trip("MTRRfix64K_00000 all WB", MSR_MTRR_FIX64K,
		   0x0606060606060606ULL);
	write_gp("MTRRfix64K_00000 type 2", MSR_MTRR_FIX64K,
		 0x0606060602060606ULL);
	wrmsr_safe(MSR_MTRR_DEF_TYPE, 0);
}

static void test_misc_apic(void)
{
	u64 misc = rdmsr(MSR_MISC_ENABLE), apic = rdmsr(MSR_APIC_BASE);

	report(misc & 1, "MISC_ENABLE reads, fast strings on (0x%llx)",
	       (unsigned long long)misc);
	round_trip("MISC_ENABLE written back", MSR_MISC_ENABLE, misc);
	write_gp("MISC_ENABLE reserved bit 1", MSR_MISC_ENABLE, misc | 2);
	report((apic & ~0xfffULL) == 0xfee00000ULL && (apic & (1U << 8)) &&
	       (apic & (1U << 11)),
	       "APIC_BASE: 0xfee00000, BSP, enabled (0x%llx)",
	       (unsigned long long)apic);
	write_gp("APIC_BASE x2APIC enable", MSR_APIC_BASE, apic | (1U << 10));
	write_gp("APIC_BASE reserved bit 0", MSR_APIC_BASE, apic | 1);
}

static void test_spec(void)
{
	struct cpuid l7 = cpuid_count(7, 0);
	u32 e8 = cpuid(0x80000000).a >= 0x80000008 ? cpuid(0x80000008).b : 0;
	bool ibrs = (l7.d & (1U << 26)) || (e8 & (1U << 14));
	bool stibp = (l7.d & (1U << 27)) || (e8 & (1U << 15));
	bool ssbd = (l7.d & (1U << 31)) || (e8 & (1U << 24));
	bool ibpb = (l7.d & (1U << 26)) || (e8 & (1U << 12));
	u64 bits = (ibrs ? 1 : 0) | (stibp ? 2 : 0) | (ssbd ? 4 : 0), v;

	printf("msr: CPUID shows IBRS %d STIBP %d SSBD %d IBPB %d\n",
	       ibrs, stibp, ssbd, ibpb);
	if (bits) {
		report(rdmsr_safe(MSR_SPEC_CTRL, &v) == NONE && v == 0,
		       "SPEC_CTRL reads 0");
		round_trip("SPEC_CTRL", MSR_SPEC_CTRL, bits);
		printf("msr: SPEC_CTRL survives exits\n");
		report(rdmsr(MSR_SPEC_CTRL) == bits, "SPEC_CTRL after exits");
		round_trip("SPEC_CTRL", MSR_SPEC_CTRL, 0);
		write_gp("SPEC_CTRL reserved bit 7", MSR_SPEC_CTRL, 1U << 7);
	} else {
		absent("SPEC_CTRL without IBRS/STIBP/SSBD", MSR_SPEC_CTRL);
	}
	if (ibpb) {
		report(wrmsr_safe(MSR_PRED_CMD, 1) == NONE, "PRED_CMD: IBPB");
		report(wrmsr_safe(MSR_PRED_CMD, 2) == GP,
		       "PRED_CMD: reserved bit 1 is #GP");
		report(rdmsr_safe(MSR_PRED_CMD, &v) == GP,
		       "PRED_CMD: write-only, rdmsr #GP");
	} else {
		absent("PRED_CMD without IBPB", MSR_PRED_CMD);
	}
}

static void test_unknown(void)
{
	static const struct { const char *name; u32 msr; } unknown[] = {
		{ "0x1234", 0x1234 },
		{ "AMD DE_CFG", 0xc0011029 },
		{ "AMD LS_CFG", 0xc0011020 },
		{ "AMD HWCR", 0xc0010015 },
		{ "AMD PERF_CTR0", 0xc0010004 },
		{ "IA32_PMC0", 0xc1 },
		{ "IA32_PERFEVTSEL0", 0x186 },
		{ "IA32_FIXED_CTR0", 0x309 },
		{ "IA32_MCG_CAP", 0x179 },
		{ "IA32_ARCH_CAPABILITIES", 0x10a },
		{ "IA32_XSS", 0xda0 },
		{ "KVM system time", 0x4b564d01 },
		{ "AMD OSVW_ID_LENGTH", 0xc0010140 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		absent(unknown[i].name, unknown[i].msr);
}

int main(void)
{
	printf("msr: the MSRs a guest has, and #GP for the rest\n");
	fault_expect(GP);
	test_efer_pat();
	test_bases();
	test_tsc();
	test_tsc_aux();
	test_mtrr();
	test_misc_apic();
	test_spec();
	test_unknown();
	return report_summary();
}
