// SPDX-License-Identifier: GPL-2.0-only
/*
 * msr.c - the guest's RDMSR and WRMSR, for both backends.
 *
 * Every RDMSR/WRMSR of the guest exits (SVM: MSR permission map all ones
 * but for the MSRs VMLOAD/VMSAVE switch, APM Vol. 2 15.11; VMX: no MSR
 * bitmaps, SDM Vol. 3C 25.1.3) and comes to vmm_msr_exit().  The backend
 * answers first for what lives in its VMCB or VMCS (get_msr/set_msr:
 * EFER, PAT, and on VMX SYSENTER_*, FS/GS base and the syscall MSRs of
 * its MSR lists); this file keeps the rest in struct vmm_vcpu:
 *
 *   TSC, TSC_ADJUST  one guest TSC offset (SDM Vol. 3B 18.17.3)
 *   TSC_AUX          loaded while the vCPU is loaded (RDTSCP/RDPID)
 *   SPEC_CTRL        loaded around entries when it differs from the host's
 *   PRED_CMD         IBPB passed to the host
 *   APIC_BASE, MTRRcap, MTRRdefType, the variable and fixed-range MTRRs
 *                    (SDM Vol. 3A 12.11, APM Vol. 2 7.7), MISC_ENABLE
 *   x2APIC MSRs 0x800-0x8ff, TSC_DEADLINE, and APIC_BASE's x2APIC and
 *                    enable transitions: the local APIC's (lapic*.c),
 *                    with VMM_CAP_LAPIC only
 *
 * Anything else, and any value an MSR refuses (reserved bits, a
 * non-canonical address, an undefined memory type), is #GP(0) in the
 * guest, as on a CPU without that MSR: never an error of the host.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/trapnr.h>

#include "vmm.h"
#include "lapic.h"

#define MTRRCAP_VALUE		0x508	/* 8 variable, fixed, WC */
#define MTRR_VAR_FIRST		0x200	/* IA32_MTRR_PHYSBASE0 */
#define MTRR_DEF_TYPE_MASK	0xff
#define MTRR_DEF_FE		BIT_ULL(10)
#define MTRR_DEF_E		BIT_ULL(11)
#define MTRR_MASK_VALID		BIT_ULL(11)
/* MISC_ENABLE: fast strings on; the only bit a guest may change here. */
#define MISC_ENABLE_FAST_STRING	BIT_ULL(0)
#define MISC_ENABLE_VALUE	MISC_ENABLE_FAST_STRING

u32 vmm_host_spec;		/* VMM_SPEC_*: what the host CPU has */

/* At module load: the host's IBRS/STIBP/SSBD/IBPB (Intel CPUID 7.0:EDX,
 * AMD CPUID 0x80000008:EBX). */
void vmm_msr_setup(void)
{
	u32 a, b, c, d;

	if (cpuid_eax(0) >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		if (d & BIT(26))
			vmm_host_spec |= VMM_SPEC_IBRS | VMM_SPEC_IBPB;
		if (d & BIT(27))
			vmm_host_spec |= VMM_SPEC_STIBP;
		if (d & BIT(31))
			vmm_host_spec |= VMM_SPEC_SSBD;
	}
	if (cpuid_eax(0x80000000) >= 0x80000008) {
		b = cpuid_ebx(0x80000008);
		if (b & BIT(12))
			vmm_host_spec |= VMM_SPEC_IBPB;
		if (b & BIT(14))
			vmm_host_spec |= VMM_SPEC_IBRS;
		if (b & BIT(15))
			vmm_host_spec |= VMM_SPEC_STIBP;
		if (b & BIT(24))
			vmm_host_spec |= VMM_SPEC_SSBD;
	}
}

#define VMM_SPEC_CTRL_MSR	(VMM_SPEC_IBRS | VMM_SPEC_STIBP | VMM_SPEC_SSBD)

static bool host_has_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) ||
	       boot_cpu_has(X86_FEATURE_RDPID);
}

void vmm_msr_reset(struct vmm_vcpu *vcpu)
{
	struct vmm_msr_state *m = &vcpu->msr;

	m->apic_base = VAPIC_BASE_DEFAULT | VAPIC_BASE_ENABLE |
		       (vcpu->id == 0 ? VAPIC_BASE_BSP : 0);
	m->mtrr_def_type = 0;
	memset(m->mtrr_var, 0, sizeof(m->mtrr_var));
	memset(m->mtrr_fixed, 0, sizeof(m->mtrr_fixed));
	m->misc_enable = MISC_ENABLE_VALUE;
	/* The TSC starts at 0 (SDM Vol. 3A 9.1.1), TSC_ADJUST too. */
	m->tsc_offset = -rdtsc();
	m->tsc_adjust = 0;
	m->tsc_aux = 0;
	m->spec_ctrl = 0;
	vmm_ops->set_tsc_offset(vcpu, m->tsc_offset);
}

/* ---- Loading and putting the vCPU --------------------------------- */

/*
 * The vCPU is loaded on this CPU (preemption off).  Neither VMRUN nor VM
 * entry switches TSC_AUX, and the guest reads it without an exit
 * (RDTSCP, RDPID): it holds the guest's value from here to
 * vmm_msr_put().  The host's SPEC_CTRL for this task is noted for
 * vmm_spec_ctrl_enter/exit.
 */
void vmm_msr_load(struct vmm_vcpu *vcpu)
{
	struct vmm_msr_state *m = &vcpu->msr;

	if (host_has_tsc_aux()) {
		rdmsrl(MSR_TSC_AUX, m->host_tsc_aux);
		if (m->tsc_aux != m->host_tsc_aux)
			wrmsrl(MSR_TSC_AUX, m->tsc_aux);
	}
	if ((vmm_host_spec & VMM_SPEC_CTRL_MSR) &&
	    rdmsrl_safe(MSR_IA32_SPEC_CTRL, &m->host_spec_ctrl))
		m->host_spec_ctrl = 0;
	m->loaded = true;
}

void vmm_msr_put(struct vmm_vcpu *vcpu)
{
	struct vmm_msr_state *m = &vcpu->msr;

	if (!m->loaded)
		return;
	if (host_has_tsc_aux() && m->tsc_aux != m->host_tsc_aux)
		wrmsrl(MSR_TSC_AUX, m->host_tsc_aux);
	m->loaded = false;
}

/*
 * Interrupts off, around one entry.  The guest cannot change SPEC_CTRL
 * without an exit (every access exits), so only a value that differs
 * from the host's needs a WRMSR, before and after.
 */
void vmm_spec_ctrl_enter(struct vmm_vcpu *vcpu)
{
	struct vmm_msr_state *m = &vcpu->msr;

	if ((vmm_host_spec & VMM_SPEC_CTRL_MSR) &&
	    m->spec_ctrl != m->host_spec_ctrl)
		wrmsrl_safe(MSR_IA32_SPEC_CTRL, m->spec_ctrl);
}

void vmm_spec_ctrl_exit(struct vmm_vcpu *vcpu)
{
	struct vmm_msr_state *m = &vcpu->msr;

	if ((vmm_host_spec & VMM_SPEC_CTRL_MSR) &&
	    m->spec_ctrl != m->host_spec_ctrl)
		wrmsrl_safe(MSR_IA32_SPEC_CTRL, m->host_spec_ctrl);
}

/* ---- Checks -------------------------------------------------------- */

/* A canonical 48-bit address (SDM Vol. 3A 3.3.7.1, APM Vol. 2 5.3.1). */
bool vmm_canonical(u64 v)
{
	return (u64)(((s64)v << 16) >> 16) == v;
}

/* UC, WC, WT, WP, WB (SDM Vol. 3A 12.11.2, Table 12-8); 2, 3: reserved. */
static bool mtrr_type_valid(u8 t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/*
 * Each PAT entry must be a defined memory type (SDM Vol. 3A 12.12.2,
 * APM Vol. 2 7.8.1): the MTRR types plus UC- (7).
 */
bool vmm_pat_valid(u64 val)
{
	int i;
	u8 t;

	for (i = 0; i < 8; i++) {
		t = (val >> (i * 8)) & 0xff;
		if (!mtrr_type_valid(t) && t != 7)
			return false;
	}
	return true;
}

/* Address bits above MAXPHYADDR are reserved in MTRRs and APIC_BASE. */
static u64 phys_reserved(void)
{
	return ~GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 0);
}

/* The fixed-range MTRRs, in mtrr_fixed[] order (SDM Vol. 3A 12.11.2.2). */
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

/* SDM Vol. 3A 12.11.2.3: PHYSBASEn (type, base) and PHYSMASKn (V, mask). */
static bool mtrr_var_valid(u32 msr, u64 val)
{
	if (val & phys_reserved())
		return false;
	if (!(msr & 1))
		return mtrr_type_valid(val & 0xff) && !(val & 0xf00);
	return !(val & 0x7ff);
}

static bool mtrr_fixed_valid(u64 val)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!mtrr_type_valid(val >> (i * 8)))
			return false;
	return true;
}

/* What the VM's CPUID policy shows of IBRS/STIBP/SSBD/IBPB, on a host
 * that has them (Intel 7.0:EDX[26,27,31], AMD 0x80000008:EBX[12,14,15,24]). */
static u32 guest_spec(struct vmm_vcpu *vcpu)
{
	u32 f = 0;

	if (vmm_cpuid_has(vcpu, 7, 0, VMM_CPUID_EDX, 26))
		f |= VMM_SPEC_IBRS | VMM_SPEC_IBPB;
	if (vmm_cpuid_has(vcpu, 7, 0, VMM_CPUID_EDX, 27))
		f |= VMM_SPEC_STIBP;
	if (vmm_cpuid_has(vcpu, 7, 0, VMM_CPUID_EDX, 31))
		f |= VMM_SPEC_SSBD;
	if (vmm_cpuid_has(vcpu, 0x80000008, 0, VMM_CPUID_EBX, 12))
		f |= VMM_SPEC_IBPB;
	if (vmm_cpuid_has(vcpu, 0x80000008, 0, VMM_CPUID_EBX, 14))
		f |= VMM_SPEC_IBRS;
	if (vmm_cpuid_has(vcpu, 0x80000008, 0, VMM_CPUID_EBX, 15))
		f |= VMM_SPEC_STIBP;
	if (vmm_cpuid_has(vcpu, 0x80000008, 0, VMM_CPUID_EBX, 24))
		f |= VMM_SPEC_SSBD;
	return f & vmm_host_spec;
}

/* The SPEC_CTRL bits the guest may set (SDM Vol. 4 "IA32_SPEC_CTRL"). */
static u64 spec_ctrl_bits(u32 f)
{
	return ((f & VMM_SPEC_IBRS) ? SPEC_CTRL_IBRS : 0) |
	       ((f & VMM_SPEC_STIBP) ? SPEC_CTRL_STIBP : 0) |
	       ((f & VMM_SPEC_SSBD) ? SPEC_CTRL_SSBD : 0);
}

/* TSC_AUX exists for the guest when its CPUID shows RDTSCP or RDPID. */
static bool guest_has_tsc_aux(struct vmm_vcpu *vcpu)
{
	return host_has_tsc_aux() && vmm_ops->has_rdtscp() &&
	       (vmm_cpuid_has(vcpu, 0x80000001, 0, VMM_CPUID_EDX, 27) ||
		vmm_cpuid_has(vcpu, 7, 0, VMM_CPUID_ECX, 22));
}

static bool guest_has_tsc_adjust(struct vmm_vcpu *vcpu)
{
	return vmm_cpuid_has(vcpu, 7, 0, VMM_CPUID_EBX, 1);
}

/* SDM Vol. 3B 18.17.3: a write to IA32_TSC adds the same delta to
 * IA32_TSC_ADJUST, and a write to TSC_ADJUST moves the TSC by its delta. */
static void tsc_move(struct vmm_vcpu *vcpu, u64 delta)
{
	struct vmm_msr_state *m = &vcpu->msr;

	m->tsc_offset += delta;
	m->tsc_adjust += delta;
	vmm_ops->set_tsc_offset(vcpu, m->tsc_offset);
}

/* ---- RDMSR / WRMSR --------------------------------------------------- */

int vmm_msr_get(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmm_msr_state *m = &vcpu->msr;
	int i;

	switch (msr) {
	case MSR_IA32_TSC:
		*val = rdtsc() + m->tsc_offset;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		if (!guest_has_tsc_adjust(vcpu))
			return -ENOENT;
		*val = m->tsc_adjust;
		return 0;
	case MSR_TSC_AUX:
		if (!guest_has_tsc_aux(vcpu))
			return -ENOENT;
		*val = m->tsc_aux;
		return 0;
	case MSR_IA32_SPEC_CTRL:
		if (!spec_ctrl_bits(guest_spec(vcpu)))
			return -ENOENT;
		*val = m->spec_ctrl;
		return 0;
	case MSR_IA32_APICBASE:
		*val = m->apic_base;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		if (!vmm_lapic_has_tsc_deadline(vcpu))
			return -ENOENT;
		*val = vmm_lapic_get_tsc_deadline(vcpu);
		return 0;
	case MSR_MTRRcap:
		*val = MTRRCAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*val = m->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = m->misc_enable;
		return 0;
	}
	if (msr >= MTRR_VAR_FIRST &&
	    msr < MTRR_VAR_FIRST + ARRAY_SIZE(m->mtrr_var)) {
		*val = m->mtrr_var[msr - MTRR_VAR_FIRST];
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		*val = m->mtrr_fixed[i];
		return 0;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return vmm_lapic_msr_get(vcpu, msr, val);
	return -ENOENT;		/* PRED_CMD is write-only: #GP too */
}

static int spec_msr_set(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	u32 f = guest_spec(vcpu);

	if (msr == MSR_IA32_SPEC_CTRL) {
		if (!spec_ctrl_bits(f))
			return -ENOENT;
		if (val & ~spec_ctrl_bits(f))
			return -EINVAL;
		vcpu->msr.spec_ctrl = val;
		return 0;
	}
	/* PRED_CMD: bit 0 is IBPB, every other bit reserved. */
	if (!(f & VMM_SPEC_IBPB))
		return -ENOENT;
	if (val & ~(u64)PRED_CMD_IBPB)
		return -EINVAL;
	if (val)
		wrmsrl_safe(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
	return 0;
}

int vmm_msr_set(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmm_msr_state *m = &vcpu->msr;
	int i;

	switch (msr) {
	case MSR_IA32_TSC:
		tsc_move(vcpu, val - (rdtsc() + m->tsc_offset));
		return 0;
	case MSR_IA32_TSC_ADJUST:
		if (!guest_has_tsc_adjust(vcpu))
			return -ENOENT;
		tsc_move(vcpu, val - m->tsc_adjust);
		return 0;
	case MSR_TSC_AUX:
		if (!guest_has_tsc_aux(vcpu))
			return -ENOENT;
		if (val >> 32)		/* bits 63:32 reserved */
			return -EINVAL;
		preempt_disable();
		m->tsc_aux = val;
		if (m->loaded)		/* loaded on this CPU */
			wrmsrl(MSR_TSC_AUX, val);
		preempt_enable();
		return 0;
	case MSR_IA32_SPEC_CTRL:
	case MSR_IA32_PRED_CMD:
		return spec_msr_set(vcpu, msr, val);
	case MSR_IA32_APICBASE:
		/* SDM Vol. 3A 11.4.4: bits 7:0, 9 and those above
		 * MAXPHYADDR are reserved, 10 (x2APIC) too without the
		 * in-kernel APIC; BSP is the CPU's. */
		if (val & (phys_reserved() | 0x2ff |
			   (vcpu->apic ? 0 : VAPIC_BASE_EXTD)))
			return -EINVAL;
		if (vcpu->apic)
			return vmm_lapic_set_base(vcpu, val, false);
		m->apic_base = (val & ~VAPIC_BASE_BSP) |
			       (m->apic_base & VAPIC_BASE_BSP);
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		if (!vmm_lapic_has_tsc_deadline(vcpu))
			return -ENOENT;
		vmm_lapic_set_tsc_deadline(vcpu, val);
		return 0;
	case MSR_IA32_MISC_ENABLE:
		if ((val ^ m->misc_enable) & ~MISC_ENABLE_FAST_STRING)
			return -EINVAL;
		m->misc_enable = val;
		return 0;
	case MSR_MTRRcap:		/* read-only */
		return -EINVAL;
	case MSR_MTRRdefType:
		/* SDM Vol. 3A 12.11.2.1: type, FE, E; the rest reserved. */
		if ((val & ~(MTRR_DEF_TYPE_MASK | MTRR_DEF_FE | MTRR_DEF_E)) ||
		    !mtrr_type_valid(val & MTRR_DEF_TYPE_MASK))
			return -EINVAL;
		m->mtrr_def_type = val;
		return 0;
	}
	if (msr >= MTRR_VAR_FIRST &&
	    msr < MTRR_VAR_FIRST + ARRAY_SIZE(m->mtrr_var)) {
		if (!mtrr_var_valid(msr, val))
			return -EINVAL;
		m->mtrr_var[msr - MTRR_VAR_FIRST] = val;
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		if (!mtrr_fixed_valid(val))
			return -EINVAL;
		m->mtrr_fixed[i] = val;
		return 0;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return vmm_lapic_msr_set(vcpu, msr, val);
	return -ENOENT;
}

/*
 * The RDMSR/WRMSR exit of both backends: ECX the MSR, EDX:EAX the value
 * (SDM Vol. 2B "RDMSR"/"WRMSR", APM Vol. 2 15.11).  The backend's MSRs
 * first, then ours; a refusal is #GP(0) and leaves RIP on the
 * instruction, success steps over it (0f 32 / 0f 30).
 */
int vmm_msr_exit(struct vmm_vcpu *vcpu, bool write)
{
	u32 msr = vcpu->regs[VMM_RCX];
	u64 val = 0;
	int r;

	if (write) {
		val = (vcpu->regs[VMM_RDX] << 32) | (u32)vcpu->regs[VMM_RAX];
		r = vmm_ops->set_msr(vcpu, msr, val);
		if (r == -ENOENT)
			r = vmm_msr_set(vcpu, msr, val);
	} else {
		r = vmm_ops->get_msr(vcpu, msr, &val);
		if (r == -ENOENT)
			r = vmm_msr_get(vcpu, msr, &val);
		if (!r) {
			vcpu->regs[VMM_RAX] = (u32)val;
			vcpu->regs[VMM_RDX] = val >> 32;
		}
	}
	if (r) {
		pr_debug_ratelimited("%s of MSR %#x: #GP\n",
				     write ? "wrmsr" : "rdmsr", msr);
		vmm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
		return 1;
	}
	vmm_ops->skip_insn(vcpu, 2);
	return 1;
}
