// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_msr.c - RDMSR and WRMSR of the guest.  The MSR permission map
 * (APM Vol. 2 15.11) makes every MSR exit except the ones VMLOAD/VMSAVE
 * switch.  EFER, PAT and the TSC offset live in the VMCB and are handled
 * here; the MSRs both backends keep alike (APIC_BASE, the MTRRs,
 * MISC_ENABLE) in msr.c; anything else is #GP(0) as on a CPU that lacks
 * the MSR.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>

#include "svm.h"

static int svm_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;

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
	}
	return vmm_msr_get(vcpu, msr, val);
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
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;

	switch (msr) {
	case MSR_EFER:
		return svm_set_efer(vcpu, val);
	case MSR_IA32_CR_PAT:
		if (!vmm_pat_valid(val))
			return -EINVAL;
		vmcb->save.g_pat = val;
		return 0;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = val - rdtsc();
		return 0;
	}
	return vmm_msr_set(vcpu, msr, val);
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
