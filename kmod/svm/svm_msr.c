// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_msr.c - RDMSR and WRMSR of the guest.  The MSR permission map
 * (APM Vol. 2 15.11) makes every MSR exit except the ones VMLOAD/VMSAVE
 * switch; the few a simple guest needs are emulated from a table below,
 * anything else is #GP(0) as on a CPU that lacks the MSR.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>

#include "svm.h"

#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_BSP		BIT_ULL(8)
#define MTRRCAP_VALUE		0x508	/* 8 variable, fixed, WC */
#define MISC_ENABLE_VALUE	1	/* fast strings */

void svm_msr_reset(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
			 (vcpu->id == 0 ? APIC_BASE_BSP : 0);
	svm->mtrr_def_type = 0;
	memset(svm->mtrr_var, 0, sizeof(svm->mtrr_var));
	memset(svm->mtrr_fixed, 0, sizeof(svm->mtrr_fixed));
}

/* The fixed-range MTRRs, in svm->mtrr_fixed[] order. */
static int mtrr_fixed_index(u32 msr)
{
	if (msr == MSR_MTRRfix64K_00000)
		return 0;
	if (msr == MSR_MTRRfix16K_80000 || msr == MSR_MTRRfix16K_A0000)
		return 1 + msr - MSR_MTRRfix16K_80000;
	if (msr >= MSR_MTRRfix4K_C0000 && msr <= MSR_MTRRfix4K_F8000)
		return 3 + msr - MSR_MTRRfix4K_C0000;
	return -1;
}

/* Each PAT entry must be a defined memory type (APM Vol. 2 7.8.1). */
static bool pat_valid(u64 val)
{
	int i;
	u8 t;

	for (i = 0; i < 8; i++) {
		t = (val >> (i * 8)) & 0xff;
		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
			return false;
	}
	return true;
}

static int svm_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_vmcb *vmcb = svm->vmcb;
	int i;

	switch (msr) {
	case MSR_EFER:		/* the guest does not see SVME */
		*val = vmcb->save.efer & ~SVM_EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = vmcb->save.g_pat;
		return 0;
	case MSR_IA32_TSC:	/* APM 15.12.4: guest TSC = TSC + offset */
		*val = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_APICBASE:
		*val = svm->apic_base;
		return 0;
	case MSR_MTRRcap:
		*val = MTRRCAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*val = svm->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_VALUE;
		return 0;
	}
	if (msr >= 0x200 && msr < 0x200 + ARRAY_SIZE(svm->mtrr_var)) {
		*val = svm->mtrr_var[msr - 0x200];
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		*val = svm->mtrr_fixed[i];
		return 0;
	}
	return -EINVAL;
}

static int svm_set_efer(struct vmm_vcpu *vcpu, u64 val)
{
	struct svm_vmcb_save *save = &to_svm(vcpu)->vmcb->save;
	u64 old = save->efer;

	if (val & ~svm_guest_efer_mask())
		return -EINVAL;
	/* Changing LME while paging is on is #GP (APM Vol. 2 14.6.1). */
	if ((save->cr0 & X86_CR0_PG) && ((val ^ old) & EFER_LME))
		return -EINVAL;
	/* LMA is the CPU's to set; SVME must stay on (APM 15.5.1). */
	save->efer = (val & ~EFER_LMA) | (old & EFER_LMA) | SVM_EFER_SVME;
	return 0;
}

static int svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_vmcb *vmcb = svm->vmcb;
	int i;

	switch (msr) {
	case MSR_EFER:
		return svm_set_efer(vcpu, val);
	case MSR_IA32_CR_PAT:
		if (!pat_valid(val))
			return -EINVAL;
		vmcb->save.g_pat = val;
		return 0;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = val - rdtsc();
		return 0;
	case MSR_IA32_APICBASE:		/* no local APIC model yet */
	case MSR_IA32_MISC_ENABLE:
		return 0;
	case MSR_MTRRdefType:
		svm->mtrr_def_type = val;
		return 0;
	}
	if (msr >= 0x200 && msr < 0x200 + ARRAY_SIZE(svm->mtrr_var)) {
		svm->mtrr_var[msr - 0x200] = val;
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		svm->mtrr_fixed[i] = val;
		return 0;
	}
	return -EINVAL;
}

/* APM 15.11: EXITINFO1 is 0 for RDMSR, 1 for WRMSR; ECX the MSR. */
int svm_msr_exit(struct vmm_vcpu *vcpu)
{
	u32 msr = vcpu->regs[VMM_RCX];
	bool write = to_svm(vcpu)->vmcb->control.exit_info_1 & 1;
	u64 val;
	int r;

	if (write) {
		val = (vcpu->regs[VMM_RDX] << 32) | (u32)vcpu->regs[VMM_RAX];
		r = svm_set_msr(vcpu, msr, val);
	} else {
		r = svm_get_msr(vcpu, msr, &val);
		if (!r) {
			vcpu->regs[VMM_RAX] = (u32)val;
			vcpu->regs[VMM_RDX] = val >> 32;
		}
	}
	if (r) {
		pr_debug_ratelimited("%s of MSR %#x: #GP\n",
				     write ? "wrmsr" : "rdmsr", msr);
		svm_inject_gp(vcpu);
		return 1;
	}
	svm_skip_insn(vcpu, 2);		/* 0f 30 / 0f 32 */
	return 1;
}
