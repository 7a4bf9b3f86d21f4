// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_msr.c - the guest MSRs that live in the VMCS or beside it.
 * Without MSR bitmaps every RDMSR/WRMSR exits (SDM Vol. 3C 25.1.3) to
 * msr.c's vmm_msr_exit(), which asks vmx_get_msr/vmx_set_msr first.
 * EFER, PAT and the SYSENTER MSRs live in the VMCS guest-state area
 * (struct vmx_guest), FS/GS base with their segments; STAR, LSTAR,
 * CSTAR, SFMASK and KERNEL_GS_BASE in the MSR lists VM entry and exit
 * switch; the TSC offset in the TSC_OFFSET field (SDM 25.3).
 * -ENOENT: not ours.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>

#include "vmx.h"

void vmx_msr_reset(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int i;

	for (i = 0; i < VMX_NR_SWITCHED_MSRS; i++)
		vmx->guest_msrs[i].value = 0;
}

int vmx_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;

	vmx_sync_state(vcpu);
	switch (msr) {
	case MSR_EFER:
		*val = g->efer;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = g->pat;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*val = g->sysenter_cs;
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*val = g->sysenter_esp;
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*val = g->sysenter_eip;
		return 0;
	case MSR_FS_BASE:
		*val = g->seg[VMX_FS].base;
		return 0;
	case MSR_GS_BASE:
		*val = g->seg[VMX_GS].base;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*val = vmx->guest_msrs[VMX_MSR_KERNEL_GS_BASE].value;
		return 0;
	case MSR_STAR:
		*val = vmx->guest_msrs[VMX_MSR_STAR].value;
		return 0;
	case MSR_LSTAR:
		*val = vmx->guest_msrs[VMX_MSR_LSTAR].value;
		return 0;
	case MSR_CSTAR:
		*val = vmx->guest_msrs[VMX_MSR_CSTAR].value;
		return 0;
	case MSR_SYSCALL_MASK:
		*val = vmx->guest_msrs[VMX_MSR_SFMASK].value;
		return 0;
	}
	return -ENOENT;
}

static int vmx_set_efer(struct vmm_vcpu *vcpu, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 old = vmx->g.efer;

	if (val & ~vmx_guest_efer_mask())
		return -EINVAL;
	/* Changing LME while paging is on is #GP (SDM Vol. 3A 9.8.5). */
	if ((vmx->g.cr0 & X86_CR0_PG) && ((val ^ old) & EFER_LME))
		return -EINVAL;
	/* LMA is the CPU's to set. */
	vmx->g.efer = (val & ~EFER_LMA) | (old & EFER_LMA);
	vmx->state_dirty = true;
	return 0;
}

int vmx_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;

	vmx_sync_state(vcpu);
	switch (msr) {
	case MSR_EFER:
		return vmx_set_efer(vcpu, val);
	case MSR_IA32_CR_PAT:
		if (!vmm_pat_valid(val))
			return -EINVAL;
		g->pat = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		g->sysenter_cs = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
		if (!vmm_canonical(val))
			return -EINVAL;
		break;
	}
	switch (msr) {
	case MSR_IA32_SYSENTER_ESP:
		g->sysenter_esp = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		g->sysenter_eip = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_FS_BASE:
		g->seg[VMX_FS].base = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_GS_BASE:
		g->seg[VMX_GS].base = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_KERNEL_GS_BASE:
		vmx->guest_msrs[VMX_MSR_KERNEL_GS_BASE].value = val;
		return 0;
	case MSR_STAR:
		vmx->guest_msrs[VMX_MSR_STAR].value = val;
		return 0;
	case MSR_LSTAR:
		vmx->guest_msrs[VMX_MSR_LSTAR].value = val;
		return 0;
	case MSR_CSTAR:
		vmx->guest_msrs[VMX_MSR_CSTAR].value = val;
		return 0;
	case MSR_SYSCALL_MASK:
		vmx->guest_msrs[VMX_MSR_SFMASK].value = val;
		return 0;
	}
	return -ENOENT;
}

/* SDM 25.3: with "use TSC offsetting" the guest reads TSC + TSC_OFFSET. */
void vmx_set_tsc_offset(struct vmm_vcpu *vcpu, u64 offset)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_sync_state(vcpu);	/* state_dirty writes all of it back */
	vmx->tsc_offset = offset;
	vmx->state_dirty = true;
}
