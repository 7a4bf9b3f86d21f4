// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_msr.c - the guest MSRs that live in the VMCB: EFER and PAT
 * (APM Vol. 2 15.5.1, Appendix B), and the TSC offset (APM 15.12.4).
 * The MSR permission map (APM 15.11) makes every MSR exit except the
 * ones VMLOAD/VMSAVE switch (and writes of the address ones among them,
 * for the canonical check); msr.c's vmm_msr_exit() handles the exit and
 * asks svm_get_msr/svm_set_msr first.  -ENOENT: not ours.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>

#include "svm.h"

/*
 * The address MSRs VMSAVE/VMLOAD keep in the VMCB (APM 15.5.2).  Reads
 * do not exit (svm.c's MSR permission map); writes do, for the
 * canonical check (APM Vol. 2 5.3.1).
 */
static int svm_base_msr(struct svm_vmcb *vmcb, u32 msr, u64 *val, bool write)
{
	struct svm_vmcb_save *save = &vmcb->save;
	u64 *p;

	switch (msr) {
	case MSR_FS_BASE:
		p = &save->fs.base;
		break;
	case MSR_GS_BASE:
		p = &save->gs.base;
		break;
	case MSR_KERNEL_GS_BASE:
		p = &save->kernel_gs_base;
		break;
	case MSR_LSTAR:
		p = &save->lstar;
		break;
	case MSR_CSTAR:
		p = &save->cstar;
		break;
	default:
		return -ENOENT;
	}
	if (!write) {
		*val = *p;
		return 0;
	}
	if (!vmm_canonical(*val))
		return -EINVAL;
	*p = *val;
	return 0;
}

int svm_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;

	switch (msr) {
	case MSR_EFER:		/* the guest does not see SVME */
		*val = vmcb->save.efer & ~SVM_EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = vmcb->save.g_pat;
		return 0;
	}
	return svm_base_msr(vmcb, msr, val, false);
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

int svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;

	switch (msr) {
	case MSR_EFER:
		return svm_set_efer(vcpu, val);
	case MSR_IA32_CR_PAT:
		if (!vmm_pat_valid(val))
			return -EINVAL;
		vmcb->save.g_pat = val;
		return 0;
	}
	return svm_base_msr(vmcb, msr, &val, true);
}

/* APM 15.12.4: the guest reads TSC + TSC_OFFSET. */
void svm_set_tsc_offset(struct vmm_vcpu *vcpu, u64 offset)
{
	to_svm(vcpu)->vmcb->control.tsc_offset = offset;
}

/* APM 15.11: EXITINFO1 is 0 for RDMSR, 1 for WRMSR; ECX the MSR. */
int svm_msr_exit(struct vmm_vcpu *vcpu)
{
	return vmm_msr_exit(vcpu, to_svm(vcpu)->vmcb->control.exit_info_1 & 1);
}
