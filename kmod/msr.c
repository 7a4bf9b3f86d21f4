// SPDX-License-Identifier: GPL-2.0-only
/*
 * msr.c - the guest MSRs both backends emulate the same way, kept in
 * struct vmm_vcpu: APIC_BASE, MTRRcap, MTRRdefType, the variable and
 * fixed-range MTRRs (SDM Vol. 3A 12.11, APM Vol. 2 7.7) and MISC_ENABLE.
 * Each backend's RDMSR/WRMSR exit (svm/svm_msr.c, vmx/vmx_msr.c) handles
 * the MSRs held in its VMCB or VMCS first and falls back to this file;
 * -ENOENT from here means nobody has the MSR and the guest gets #GP(0).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/msr-index.h>

#include "vmm.h"

#define APIC_BASE_DEFAULT	0xfee00000ULL
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_BSP		BIT_ULL(8)
#define MTRRCAP_VALUE		0x508	/* 8 variable, fixed, WC */
#define MISC_ENABLE_VALUE	1	/* fast strings */
#define MTRR_VAR_FIRST		0x200	/* IA32_MTRR_PHYSBASE0 */

void vmm_msr_reset(struct vmm_vcpu *vcpu)
{
	struct vmm_msr_state *m = &vcpu->msr;

	m->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		       (vcpu->id == 0 ? APIC_BASE_BSP : 0);
	m->mtrr_def_type = 0;
	memset(m->mtrr_var, 0, sizeof(m->mtrr_var));
	memset(m->mtrr_fixed, 0, sizeof(m->mtrr_fixed));
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

/*
 * Each PAT entry must be a defined memory type (SDM Vol. 3A 12.12.2,
 * APM Vol. 2 7.8.1); the PAT itself lives in the VMCB or VMCS.
 */
bool vmm_pat_valid(u64 val)
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

int vmm_msr_get(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmm_msr_state *m = &vcpu->msr;
	int i;

	switch (msr) {
	case MSR_IA32_APICBASE:
		*val = m->apic_base;
		return 0;
	case MSR_MTRRcap:
		*val = MTRRCAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*val = m->mtrr_def_type;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_VALUE;
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
	return -ENOENT;
}

int vmm_msr_set(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmm_msr_state *m = &vcpu->msr;
	int i;

	switch (msr) {
	case MSR_IA32_APICBASE:		/* no local APIC model yet */
	case MSR_IA32_MISC_ENABLE:
		return 0;
	case MSR_MTRRdefType:
		m->mtrr_def_type = val;
		return 0;
	}
	if (msr >= MTRR_VAR_FIRST &&
	    msr < MTRR_VAR_FIRST + ARRAY_SIZE(m->mtrr_var)) {
		m->mtrr_var[msr - MTRR_VAR_FIRST] = val;
		return 0;
	}
	i = mtrr_fixed_index(msr);
	if (i >= 0) {
		m->mtrr_fixed[i] = val;
		return 0;
	}
	return -ENOENT;
}
