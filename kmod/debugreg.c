// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugreg.c - the guest's debug registers DR0-DR7, emulated for both
 * backends (Intel SDM Vol. 3B 18.2 "Debug Registers", AMD APM Vol. 2 13.1
 * "Software-Debug Resources").
 *
 * Every MOV DR exits (SVM: DR read/write intercepts; VMX: MOV-DR
 * exiting), so the guest can never read or change the host's DR0-DR3.
 * The guest's values live in vcpu->dr.  They reach the hardware only
 * while the guest runs with a breakpoint enabled in its DR7 (an L or G
 * bit): vmm_dr_enter() loads DR0-DR3 right before VMRUN/VMLAUNCH (and
 * DR6 on VMX, where the VMCS has no DR6 field), vmm_dr_exit() reads DR6
 * back (VMX) and gives the host its own breakpoints again.  DR6 and DR7
 * themselves are switched by the hardware: both are in the VMCB (APM
 * 15.5.1), DR7 is in the VMCS (SDM 24.4.1).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>

#include "vmm.h"

/*
 * DR6 (SDM 18.2.3): B0-B3, BD, BS, BT can change; bits 4-11 and 16-31
 * read as 1 (bit 16, RTM, is active-low and we never advertise RTM),
 * bit 12 as 0; bits 63:32 must be 0.
 */
#define VMM_DR6_VOLATILE	0x0000e00fULL
#define VMM_DR6_FIXED_1		0xffff0ff0ULL
#define VMM_DR6_BD		BIT_ULL(13)
/*
 * DR7 (SDM 18.2.4): L0-G3 and LE/GE (bits 0-9), GD (13), R/W and LEN
 * (16-31) can change; bit 10 reads as 1, bits 11, 12, 14, 15 as 0 (no
 * RTM, no ICE); bits 63:32 must be 0.
 */
#define VMM_DR7_VOLATILE	0xffff23ffULL
#define VMM_DR7_FIXED_1		0x00000400ULL
#define VMM_DR7_GD		BIT_ULL(13)
#define VMM_DR7_ENABLES		0xffULL		/* L0, G0 ... L3, G3 */

/* The RESET/INIT values (SDM Vol. 3A 9.1.1, Table 9-1). */
void vmm_dr_reset(struct vmm_vcpu *vcpu)
{
	memset(vcpu->dr.db, 0, sizeof(vcpu->dr.db));
	vcpu->dr.dr6 = VMM_DR6_FIXED_1;
	vcpu->dr.dr7 = VMM_DR7_FIXED_1;
	vcpu->dr_loaded = false;
}

/*
 * The checks every MOV DR makes, in the SDM's order ("MOV--Move to/from
 * Debug Registers", Protected Mode Exceptions): #GP(0) at CPL > 0; #UD
 * for DR4/DR5 with CR4.DE = 1 (else they are DR6/DR7, 18.2.2) and for
 * DR8-DR15; #DB when DR7.GD is set (18.2.4: general detect, with DR6.BD
 * set and GD cleared for the handler).  0 or a vector; *dr becomes the
 * register really meant.
 */
static int dr_check(struct vmm_vcpu *vcpu, int *dr, u64 cr4, int cpl)
{
	if (cpl)
		return VMM_EXC_GP;
	if (*dr > 7)
		return VMM_EXC_UD;
	if (*dr == 4 || *dr == 5) {
		if (cr4 & X86_CR4_DE)
			return VMM_EXC_UD;
		*dr += 2;
	}
	if (vcpu->dr.dr7 & VMM_DR7_GD) {
		vcpu->dr.dr6 |= VMM_DR6_BD;	/* B0-B3 are sticky (18.2.3) */
		vcpu->dr.dr7 &= ~VMM_DR7_GD;
		return VMM_EXC_DB;
	}
	return 0;
}

/* MOV from DRn: 0 with *val, or the vector to raise instead. */
int vmm_dr_read(struct vmm_vcpu *vcpu, int dr, u64 cr4, int cpl, u64 *val)
{
	int r = dr_check(vcpu, &dr, cr4, cpl);

	if (r)
		return r;
	switch (dr) {
	case 6:
		*val = vcpu->dr.dr6;
		break;
	case 7:
		*val = vcpu->dr.dr7;
		break;
	default:
		*val = vcpu->dr.db[dr];
		break;
	}
	return 0;
}

/*
 * MOV to DRn.  Outside 64-bit mode the operand is 32 bits.  In 64-bit
 * mode a 1 in bits 63:32 of DR6 or DR7 is #GP(0); the low reserved bits
 * keep their fixed values whatever is written.  DR0-DR3 take any linear
 * address (a non-canonical one simply never matches).
 */
int vmm_dr_write(struct vmm_vcpu *vcpu, int dr, u64 val, u64 cr4, int cpl,
		 bool longmode)
{
	int r = dr_check(vcpu, &dr, cr4, cpl);

	if (r)
		return r;
	if (!longmode)
		val = (u32)val;
	switch (dr) {
	case 6:
		if (val >> 32)
			return VMM_EXC_GP;
		vcpu->dr.dr6 = (val & VMM_DR6_VOLATILE) | VMM_DR6_FIXED_1;
		break;
	case 7:
		if (val >> 32)
			return VMM_EXC_GP;
		vcpu->dr.dr7 = (val & VMM_DR7_VOLATILE) | VMM_DR7_FIXED_1;
		break;
	default:
		vcpu->dr.db[dr] = val;
		break;
	}
	return 0;
}

/*
 * Right before VMRUN/VMLAUNCH, interrupts off.  Host DR7 goes to 0 first
 * so that no host breakpoint fires on a guest address in between; the
 * entry then loads the guest's DR7.  load_dr6: VMX (the VMCS has no DR6).
 */
void vmm_dr_enter(struct vmm_vcpu *vcpu, bool load_dr6)
{
	if (!(vcpu->dr.dr7 & VMM_DR7_ENABLES)) {
		vcpu->dr_loaded = false;
		return;
	}
	set_debugreg(0, 7);
	set_debugreg(vcpu->dr.db[0], 0);
	set_debugreg(vcpu->dr.db[1], 1);
	set_debugreg(vcpu->dr.db[2], 2);
	set_debugreg(vcpu->dr.db[3], 3);
	if (load_dr6)
		set_debugreg(vcpu->dr.dr6, 6);
	vcpu->dr_loaded = true;
}

/*
 * Right after the exit, interrupts still off.  The exit left DR7 at 0x400
 * (SDM 27.5.1, APM 15.7.2); the host's DR0-DR3, DR6 and DR7 come back
 * from the per-CPU copies of the hw_breakpoint code.  read_dr6: VMX, where
 * a breakpoint the guest hit is only in the hardware DR6.
 */
void vmm_dr_exit(struct vmm_vcpu *vcpu, bool read_dr6)
{
	unsigned long dr6;

	if (vcpu->dr_loaded && read_dr6) {
		get_debugreg(dr6, 6);
		vcpu->dr.dr6 = (dr6 & VMM_DR6_VOLATILE) | VMM_DR6_FIXED_1;
	}
	if (vcpu->dr_loaded || hw_breakpoint_active())
		hw_breakpoint_restore();
}
