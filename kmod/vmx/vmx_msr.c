// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_msr.c - RDMSR and WRMSR of the guest.  Without MSR bitmaps every
 * RDMSR/WRMSR exits (SDM Vol. 3C 25.1.3); the few a simple guest needs
 * are emulated below, after svm_msr.c, anything else is #GP(0) as on a
 * CPU that lacks the MSR.  EFER, PAT and the SYSENTER MSRs live in the
 * VMCS guest-state area (struct vmx_guest); STAR, LSTAR, CSTAR, SFMASK
 * and KERNEL_GS_BASE in the MSR lists VM entry and exit switch.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <asm/msr.h>
#include <asm/msr-index.h>

#include "vmx.h"

#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_BSP		BIT_ULL(8)
#define MTRRCAP_VALUE		0x508	/* 8 variable, fixed, WC */
#define MISC_ENABLE_VALUE	1	/* fast strings */

void vmx_msr_reset(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int i;

	vmx->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
			 (vcpu->id == 0 ? APIC_BASE_BSP : 0);
	vmx->mtrr_def_type = 0;
	memset(vmx->mtrr_var, 0, sizeof(vmx->mtrr_var));
	memset(vmx->mtrr_fixed, 0, sizeof(vmx->mtrr_fixed));
	for (i = 0; i < VMX_NR_SWITCHED_MSRS; i++)
		vmx->guest_msrs[i].value = 0;
}

/* The fixed-range MTRRs, in vmx->mtrr_fixed[] order. */
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

/* Each PAT entry must be a defined memory type (SDM Vol. 3A 12.12.2). */
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

static int vmx_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	int i;

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
	case MSR_IA32_APICBASE:
		*val = vmx->apic_base;
		return 0;
	case MSR_MTRRcap:
		*val = MTRRCAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*val = vmx->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_VALUE;
		return 0;
	}
	if (msr >= 0x200 && msr < 0x200 + ARRAY_SIZE(vmx->mtrr_var)) {
		*val = vmx->mtrr_var[msr - 0x200];
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		*val = vmx->mtrr_fixed[i];
		return 0;
	}
	return -EINVAL;
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
	int i;

	switch (msr) {
	case MSR_EFER:
		return vmx_set_efer(vcpu, val);
	case MSR_IA32_CR_PAT:
		if (!pat_valid(val))
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
	case MSR_IA32_APICBASE:		/* no local APIC model yet */
	case MSR_IA32_MISC_ENABLE:
		return 0;
	case MSR_MTRRdefType:
		vmx->mtrr_def_type = val;
		return 0;
	}
	if (msr >= 0x200 && msr < 0x200 + ARRAY_SIZE(vmx->mtrr_var)) {
		vmx->mtrr_var[msr - 0x200] = val;
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		vmx->mtrr_fixed[i] = val;
		return 0;
	}
	return -EINVAL;
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
