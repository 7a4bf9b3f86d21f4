// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_msr.c - RDMSR and WRMSR of the guest.  Without MSR bitmaps every
 * RDMSR/WRMSR exits (SDM Vol. 3C 25.1.3); the few a simple guest needs
 * are emulated below, after svm_msr.c.  EFER, PAT and the SYSENTER MSRs
 * live in the VMCS guest-state area (struct vmx_guest); STAR, LSTAR,
 * CSTAR, SFMASK and KERNEL_GS_BASE in the MSR lists VM entry and exit
 * switch.  The MSRs both backends keep alike (APIC_BASE, the MTRRs,
 * MISC_ENABLE) are msr.c's; anything else is #GP(0) as on a CPU that
 * lacks the MSR.
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

static int vmx_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;

	switch (msr) {
	case MSR_EFER:
		*val = g->efer;
		return 0;
	case MSR_IA32_CR_PAT:
		*val = g->pat;
		return 0;
	case MSR_IA32_TSC:	/* SDM 25.3: guest TSC = TSC + offset */
		*val = rdtsc() + vmx->tsc_offset;
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
	return vmm_msr_get(vcpu, msr, val);
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

/* A canonical address for the base MSRs (SDM Vol. 3A 3.3.7.1). */
static bool vmx_canonical(u64 v)
{
	return (u64)(((s64)v << 16) >> 16) == v;
}

static int vmx_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;

	switch (msr) {
	case MSR_EFER:
		return vmx_set_efer(vcpu, val);
	case MSR_IA32_CR_PAT:
		if (!vmm_pat_valid(val))
			return -EINVAL;
		g->pat = val;
		vmx->state_dirty = true;
		return 0;
	case MSR_IA32_TSC:
		vmx->tsc_offset = val - rdtsc();
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
		if (!vmx_canonical(val))
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
	return vmm_msr_set(vcpu, msr, val);
}

/* SDM 25.1.3: ECX the MSR, EDX:EAX the value. */
int vmx_msr_exit(struct vmm_vcpu *vcpu, bool write)
{
	u32 msr = vcpu->regs[VMM_RCX];
	u64 val;
	int r;

	if (write) {
		val = (vcpu->regs[VMM_RDX] << 32) | (u32)vcpu->regs[VMM_RAX];
		r = vmx_set_msr(vcpu, msr, val);
	} else {
		r = vmx_get_msr(vcpu, msr, &val);
		if (!r) {
			vcpu->regs[VMM_RAX] = (u32)val;
			vcpu->regs[VMM_RDX] = val >> 32;
		}
	}
	if (r) {
		pr_debug_ratelimited("%s of MSR %#x: #GP\n",
				     write ? "wrmsr" : "rdmsr", msr);
		vmx_inject_gp(vcpu);
		return 1;
	}
	vmx_skip_insn(vcpu);
	return 1;
}
