// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx_exit.c - what happens after a VM exit: one handler per basic exit
 * reason (SDM Vol. 3C Appendix C), found through a bounds-checked table.
 * The handler names mirror svm_exit.c's.
 *
 * Every handler returns
 *   1   resume the guest;
 *   0   return to userspace with vcpu->run filled in;
 *   <0  an errno for VMM_RUN.
 * Nothing a guest does may crash the host: an exit reason without a
 * handler becomes VMM_EXIT_INTERNAL_ERROR, a refused entry
 * VMM_EXIT_FAIL_ENTRY, never a BUG or WARN.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vmx.h"
#include "../trace.h"

/* A host interrupt, INIT, SIPI or the preemption timer: the host has
 * taken it (or takes it once interrupts are on again); the run loop
 * looks at signals and rescheduling before the next entry. */
static int vmx_exit_host_event(struct vmm_vcpu *vcpu)
{
	return 1;
}

/* Exception bitmap 0: only an NMI (NMI exiting) comes here, and
 * vmx_run() has handed it to the host already. */
static int vmx_exit_exception(struct vmm_vcpu *vcpu)
{
	u32 info = to_vmx(vcpu)->exit_intr_info;

	if ((info & VMX_INTR_TYPE_MASK) == VMX_INTR_TYPE_NMI)
		return 1;
	return vmm_internal_error(vcpu, VMM_INTERNAL_UNKNOWN_EXIT,
				  VMX_EXIT_EXCEPTION_NMI);
}

static int vmx_exit_cpuid(struct vmm_vcpu *vcpu)
{
	vmm_cpuid_exit(vcpu);
	vmx_skip_insn(vcpu);
	return 1;
}

static int vmx_exit_hlt(struct vmm_vcpu *vcpu)
{
	vmx_skip_insn(vcpu);
	return vmm_events_hlt(vcpu);	/* an event to deliver wakes it */
}

/* INVD would throw away dirty cache lines the host owns: skip it. */
static int vmx_exit_invd(struct vmm_vcpu *vcpu)
{
	vmx_skip_insn(vcpu);
	return 1;
}

/* VMX instructions and GETSEC: not for the guest (CPUID hides VMX and
 * SMX), so #UD; VMCALL and MONITOR/MWAIT too, by policy (below). */
static int vmx_exit_ud(struct vmm_vcpu *vcpu)
{
	vmx_inject_ud(vcpu);
	return 1;
}

/* SDM Table 27-5: the I/O exit qualification; Table 27-8: INS/OUTS
 * instruction information (when IA32_VMX_BASIC[54] says it is there). */
#define IO_SIZE_MASK	7
#define IO_IN		BIT(3)
#define IO_STRING	BIT(4)
#define IO_REP		BIT(5)
#define IO_PORT_SHIFT	16
#define IO_INFO_ASIZE(i)	(((i) >> 7) & 7)
#define IO_INFO_SEG(i)		(((i) >> 15) & 7)

static int vmx_exit_ioio(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 q = vmx->exit_qual;
	u32 info = vmx->exit_insn_info;
	struct vmm_pio pio = {
		.port = q >> IO_PORT_SHIFT,
		.size = (q & IO_SIZE_MASK) + 1,
		.in = q & IO_IN,
		.string = q & IO_STRING,
		.rep = q & IO_REP,
		.next_rip = vcpu->rip + vmx->exit_insn_len,
	};

	if (pio.string) {
		if (vmx_basic & VMXCAP_BASIC_INOUT_INFO) {
			pio.addr_size = 2 << IO_INFO_ASIZE(info);
			pio.seg = pio.in ? VMM_SEG_ES : IO_INFO_SEG(info);
		} else {
			/* No decode help: the default segment and the
			 * address size of the code segment. */
			const struct vmx_seg *cs = &vmx->g.seg[VMX_CS];

			vmx_sync_state(vcpu);
			pio.addr_size = (vmx->g.efer & EFER_LMA) &&
					(cs->ar & VMX_AR_L) ? 8 :
					(cs->ar & VMX_AR_DB) ? 4 : 2;
			pio.seg = pio.in ? VMM_SEG_ES : VMM_SEG_DS;
		}
	}
	vmx->g.interruptibility &= ~(VMX_INTERRUPTIBILITY_STI |
				     VMX_INTERRUPTIBILITY_MOV_SS);
	return vmm_emulate_pio(vcpu, &pio);
}

/* XSETBV (SDM Vol. 3C 25.1.3: exits unconditionally): xsave.c checks
 * it at the guest's CPL, SS.DPL (SDM Vol. 3A 5.5). */
static int vmx_exit_xsetbv(struct vmm_vcpu *vcpu)
{
	const struct vmx_seg *ss = &to_vmx(vcpu)->g.seg[VMX_SS];

	return vmm_xsetbv_exit(vcpu, (ss->ar >> VMX_AR_DPL_SHIFT) & 3);
}

static int vmx_exit_rdmsr(struct vmm_vcpu *vcpu)
{
	return vmm_msr_exit(vcpu, false);
}

static int vmx_exit_wrmsr(struct vmm_vcpu *vcpu)
{
	return vmm_msr_exit(vcpu, true);
}

/* SDM Table 27-3: control-register access exit qualification. */
#define CR_NUM(q)	((q) & 0xf)
#define CR_TYPE(q)	(((q) >> 4) & 3)
#define CR_TYPE_TO	0
#define CR_TYPE_FROM	1
#define CR_TYPE_CLTS	2
#define CR_TYPE_LMSW	3
#define CR_GPR(q)	(((q) >> 8) & 0xf)
#define CR_LMSW_SRC(q)	(((q) >> 16) & 0xffff)

static int vmx_exit_cr_access(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 q = vmx->exit_qual;
	u64 *reg = &vcpu->regs[CR_GPR(q)];
	u64 val = *reg;
	int r = 0;

	if (!(vmx->g.efer & EFER_LMA))
		val = (u32)val;
	switch (CR_TYPE(q)) {
	case CR_TYPE_TO:
		switch (CR_NUM(q)) {
		case 0:
			r = vmx_set_cr0(vcpu, val);
			break;
		case 3:
			vmx->g.cr3 = val;
			vmx->state_dirty = true;
			break;
		case 4:
			r = vmx_set_cr4(vcpu, val);
			break;
		case 8:
			if (val > 15)
				r = -EINVAL;
			else if (vcpu->apic)	/* the APIC's TPR */
				vmm_lapic_set_cr8(vcpu, val);
			else
				vmx->g.cr8 = val;
			break;
		default:
			goto unknown;
		}
		break;
	case CR_TYPE_FROM:
		switch (CR_NUM(q)) {
		case 3:
			*reg = vmx->g.cr3;
			break;
		case 8:
			*reg = vcpu->apic ? vmm_lapic_get_cr8(vcpu) : vmx->g.cr8;
			break;
		default:
			goto unknown;
		}
		break;
	case CR_TYPE_CLTS:
		r = vmx_set_cr0(vcpu, vmx->g.cr0 & ~X86_CR0_TS);
		break;
	case CR_TYPE_LMSW:	/* PE, MP, EM, TS; LMSW cannot clear PE */
		r = vmx_set_cr0(vcpu, (vmx->g.cr0 & ~0xeULL) |
				(CR_LMSW_SRC(q) & 0xf) | (vmx->g.cr0 & 1));
		break;
	}
	if (r) {
		vmx_inject_gp(vcpu);
		return 1;
	}
	vmx_skip_insn(vcpu);
	return 1;

unknown:
	return vmm_internal_error(vcpu, VMM_INTERNAL_UNKNOWN_EXIT,
				  VMX_EXIT_CR_ACCESS | (q << 32));
}

/* SDM Table 27-7: EPT violation exit qualification; the guest-physical
 * address is in its own field (27.2.1). */
#define EPT_VIOL_READ		BIT_ULL(0)
#define EPT_VIOL_WRITE		BIT_ULL(1)
#define EPT_VIOL_FETCH		BIT_ULL(2)
#define EPT_VIOL_GLA_VALID	BIT_ULL(7)
#define EPT_VIOL_TRANSLATED	BIT_ULL(8)
#define EPT_VIOL_NMI_UNBLOCK	BIT_ULL(12)

static int vmx_exit_npf(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 q = vmx->exit_qual;
	bool walk = (q & EPT_VIOL_GLA_VALID) && !(q & EPT_VIOL_TRANSLATED);

	/* No instruction bytes from VMX: the emulator fetches them. Neither
	 * a fetch nor a guest page walk outside RAM can be emulated. */
	/* SDM 27.2.3: an IRET cut short had unblocked NMIs; it runs
	 * again, so the blocking comes back (virtual NMIs). */
	if ((q & EPT_VIOL_NMI_UNBLOCK) &&
	    !(vmx->idt_vectoring_info & VMX_INTR_VALID))
		vmx->g.interruptibility |= VMX_INTERRUPTIBILITY_NMI;
	return vmm_mmu_page_fault(vcpu, vmx->exit_gpa, q & EPT_VIOL_WRITE,
				  (q & EPT_VIOL_FETCH) || walk, NULL, 0);
}

/* Our own EPT entry is malformed: a bug of ours, reported, not fatal. */
static int vmx_exit_ept_misconfig(struct vmm_vcpu *vcpu)
{
	pr_err_ratelimited("EPT misconfiguration at GPA %#llx\n",
			   to_vmx(vcpu)->exit_gpa);
	return vmm_internal_error(vcpu, VMM_INTERNAL_UNKNOWN_EXIT,
				  VMX_EXIT_EPT_MISCONFIG);
}

/* ---- Hypercalls and the small exits ------------------------------- */

/* CPL: SS.DPL in protected mode (SDM 24.4.1), 0 in real mode. */
static int vmx_cpl(const struct vmx_guest *g)
{
	if (!(g->cr0 & X86_CR0_PE))
		return 0;
	return (g->seg[VMX_SS].ar >> VMX_AR_DPL_SHIFT) & 3;
}

static bool vmx_long_mode(const struct vmx_guest *g)
{
	return (g->efer & EFER_LMA) && (g->seg[VMX_CS].ar & VMX_AR_L);
}

/* Raise what the arch-neutral emulation asked for (#GP with error 0). */
static int vmx_raise(struct vmm_vcpu *vcpu, int vector)
{
	vmm_ops->inject_exception(vcpu, vector, vector == VMM_EXC_GP, 0, 0);
	return 1;
}

/*
 * VMCALL (0f 01 c1) exits at any CPL (SDM 25.1.3): a hypercall once
 * userspace enabled them (VMM_CAP_HYPERCALL_EXIT), else #UD.  VMMCALL,
 * AMD's, is #UD on Intel hardware and never exits.
 */
static int vmx_exit_vmcall(struct vmm_vcpu *vcpu)
{
	struct vmx_guest *g = &to_vmx(vcpu)->g;

	if (!vmm_hypercall_enabled(vcpu))
		return vmx_exit_ud(vcpu);
	/* A hot exit: only the CS and SS access rights, not a full sync
	 * (CR0 and EFER are read after every exit). */
	vmx_read_mode(vcpu);
	vmx_skip_insn(vcpu);
	return vmm_hypercall(vcpu, vmx_cpl(g), vmx_long_mode(g));
}

/* PAUSE exiting or PAUSE-loop exiting (one exit reason, SDM 25.1.3). */
static int vmx_exit_pause(struct vmm_vcpu *vcpu)
{
	vmx_skip_insn(vcpu);
	vmm_pause_exit(vcpu);
	return 1;
}

/*
 * WBINVD and WBNOINVD (WBINVD exiting covers both, SDM 25.1.3): a host-
 * wide cache write-back no guest of ours needs.  Skipped.
 */
static int vmx_exit_wbinvd(struct vmm_vcpu *vcpu)
{
	vmx_skip_insn(vcpu);
	return 1;
}

/* RDPMC: hypercall.c decides; never the host's counters. */
static int vmx_exit_rdpmc(struct vmm_vcpu *vcpu)
{
	struct vmx_guest *g = &to_vmx(vcpu)->g;
	int vec = vmm_rdpmc(vcpu, vmx_cpl(g), g->cr4);

	if (vec)
		return vmx_raise(vcpu, vec);
	vmx_skip_insn(vcpu);
	return 1;
}

/* MONITOR, MWAIT: #UD, or a NOP when the CPUID policy advertises them. */
static int vmx_exit_monitor_mwait(struct vmm_vcpu *vcpu)
{
	int vec = vmm_monitor_mwait(vcpu, vmx_cpl(&to_vmx(vcpu)->g));

	if (vec)
		return vmx_raise(vcpu, vec);
	vmx_skip_insn(vcpu);
	return 1;
}

/* SDM Table 27-4 (28-4 in later editions): MOV DR exit qualification. */
#define DR_NUM(q)	((q) & 7)
#define DR_FROM		BIT(4)		/* MOV from DR (a read) */
#define DR_GPR(q)	(((q) >> 8) & 0xf)

/* MOV from/to DR0-DR7 (MOV-DR exiting): emulated by debugreg.c. */
static int vmx_exit_dr(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	u64 q = vmx->exit_qual, val;
	u64 *reg = &vcpu->regs[DR_GPR(q)];
	bool lm = vmx_long_mode(g);
	int vec;

	if (q & DR_FROM) {
		vec = vmm_dr_read(vcpu, DR_NUM(q), g->cr4, vmx_cpl(g), &val);
		if (!vec)	/* a 32-bit destination zero-extends */
			*reg = lm ? val : (u32)val;
	} else {
		vec = vmm_dr_write(vcpu, DR_NUM(q), *reg, g->cr4, vmx_cpl(g),
				   lm);
	}
	if (vec)
		return vmx_raise(vcpu, vec);
	vmx_skip_insn(vcpu);
	return 1;
}

/* Triple fault (SDM 25.2 "shutdown"): the guest state is undefined now. */
static int vmx_exit_shutdown(struct vmm_vcpu *vcpu)
{
	vcpu->dead = true;
	vcpu->run->exit_reason = VMM_EXIT_SHUTDOWN;
	return 0;
}

/* SDM 25.2: the interrupt window opened. */
static int vmx_exit_intr_window(struct vmm_vcpu *vcpu)
{
	return vmm_events_window_open(vcpu);
}

/* SDM 25.2: the NMI window opened; events.c injects the NMI next. */
static int vmx_exit_nmi_window(struct vmm_vcpu *vcpu)
{
	return 1;
}

typedef int (*vmx_exit_handler)(struct vmm_vcpu *vcpu);

static const vmx_exit_handler vmx_exit_handlers[VMX_EXIT_TABLE_SIZE] = {
	[VMX_EXIT_EXCEPTION_NMI]	= vmx_exit_exception,
	[VMX_EXIT_EXTERNAL_INTR]	= vmx_exit_host_event,
	[VMX_EXIT_TRIPLE_FAULT]		= vmx_exit_shutdown,
	[VMX_EXIT_INIT]			= vmx_exit_host_event,
	[VMX_EXIT_SIPI]			= vmx_exit_host_event,
	[VMX_EXIT_SMI]			= vmx_exit_host_event,
	[VMX_EXIT_OTHER_SMI]		= vmx_exit_host_event,
	[VMX_EXIT_CPUID]		= vmx_exit_cpuid,
	[VMX_EXIT_GETSEC]		= vmx_exit_ud,
	[VMX_EXIT_HLT]			= vmx_exit_hlt,
	[VMX_EXIT_INVD]			= vmx_exit_invd,
	[VMX_EXIT_VMCALL]		= vmx_exit_vmcall,
	[VMX_EXIT_VMCLEAR]		= vmx_exit_ud,
	[VMX_EXIT_VMLAUNCH]		= vmx_exit_ud,
	[VMX_EXIT_VMPTRLD]		= vmx_exit_ud,
	[VMX_EXIT_VMPTRST]		= vmx_exit_ud,
	[VMX_EXIT_VMREAD]		= vmx_exit_ud,
	[VMX_EXIT_VMRESUME]		= vmx_exit_ud,
	[VMX_EXIT_VMWRITE]		= vmx_exit_ud,
	[VMX_EXIT_VMXOFF]		= vmx_exit_ud,
	[VMX_EXIT_VMXON]		= vmx_exit_ud,
	[VMX_EXIT_CR_ACCESS]		= vmx_exit_cr_access,
	[VMX_EXIT_IO]			= vmx_exit_ioio,
	[VMX_EXIT_RDMSR]		= vmx_exit_rdmsr,
	[VMX_EXIT_WRMSR]		= vmx_exit_wrmsr,
	[VMX_EXIT_MWAIT]		= vmx_exit_monitor_mwait,
	[VMX_EXIT_MONITOR]		= vmx_exit_monitor_mwait,
	[VMX_EXIT_EPT_VIOLATION]	= vmx_exit_npf,
	[VMX_EXIT_EPT_MISCONFIG]	= vmx_exit_ept_misconfig,
	[VMX_EXIT_PREEMPT_TIMER]	= vmx_exit_host_event,
	[VMX_EXIT_INVEPT]		= vmx_exit_ud,
	[VMX_EXIT_INVVPID]		= vmx_exit_ud,
	[VMX_EXIT_XSETBV]		= vmx_exit_xsetbv,
	[VMX_EXIT_VMFUNC]		= vmx_exit_ud,
	[VMX_EXIT_INTR_WINDOW]		= vmx_exit_intr_window,
	[VMX_EXIT_NMI_WINDOW]		= vmx_exit_nmi_window,
	[VMX_EXIT_DR_ACCESS]		= vmx_exit_dr,
	[VMX_EXIT_RDPMC]		= vmx_exit_rdpmc,
	[VMX_EXIT_PAUSE]		= vmx_exit_pause,
	[VMX_EXIT_WBINVD]		= vmx_exit_wbinvd,
};

/* The hardware refused the entry: what it said goes to userspace. */
static int vmx_fail_entry(struct vmm_vcpu *vcpu, u64 reason, u64 info1,
			  u64 info2)
{
	struct vmm_run *run = vcpu->run;

	memset(&run->fail_entry, 0, sizeof(run->fail_entry));
	run->exit_reason = VMM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = reason;
	run->fail_entry.info1 = info1;
	run->fail_entry.info2 = info2;
	return 0;
}

/*
 * fail_entry on VMX:
 *   VMLAUNCH/VMRESUME failed (VMfail, SDM 30.4): reason VMX_FAIL_VMFAIL,
 *     info1 the VM-instruction error (SDM 30.4 table).
 *   A VMREAD/VMWRITE of ours failed: reason VMX_FAIL_VMCS_ACCESS.
 *   Entry failed on guest state or MSR loading (SDM 26.8): reason the
 *     exit reason (bit 31 set), info1 the exit qualification.
 */
#define VMX_FAIL_VMFAIL		(1ULL << 32)
#define VMX_FAIL_VMCS_ACCESS	(2ULL << 32)

int vmx_handle_exit(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 reason = vmx->exit_reason;
	vmx_exit_handler fn = NULL;

	if (vmx->vmcs_error) {
		vmx->vmcs_error = false;
		return vmx_fail_entry(vcpu, VMX_FAIL_VMCS_ACCESS, 0, 0);
	}
	if (vmx->entry_vmfail)
		return vmx_fail_entry(vcpu, VMX_FAIL_VMFAIL, vmx->insn_error, 0);

	trace_vmm_exit(vcpu->id, "vmx", reason, vcpu->rip, vmx->exit_qual,
		       vmx->exit_gpa);

	if (reason & VMX_EXIT_ENTRY_FAILED)
		return vmx_fail_entry(vcpu, reason, vmx->exit_qual, 0);

	reason &= VMX_EXIT_REASON_MASK;
	/* The guest state, read lazily: the hot exits need none of it,
	 * the others may (vmx_sync_state(), performance.md). */
	switch (reason) {
	case VMX_EXIT_CPUID:
	case VMX_EXIT_HLT:
	case VMX_EXIT_EXTERNAL_INTR:
	case VMX_EXIT_PREEMPT_TIMER:
	case VMX_EXIT_INTR_WINDOW:
	case VMX_EXIT_NMI_WINDOW:
	case VMX_EXIT_IO:		/* string I/O syncs through get_sregs */
	case VMX_EXIT_VMCALL:		/* vmx_read_mode() */
		break;
	default:
		vmx_sync_state(vcpu);
	}
	if (reason < VMX_EXIT_TABLE_SIZE)
		fn = vmx_exit_handlers[array_index_nospec(reason,
							  VMX_EXIT_TABLE_SIZE)];
	if (!fn) {
		pr_warn_ratelimited("unexpected exit reason %u at rip %#llx\n",
				    reason, vcpu->rip);
		return vmm_internal_error(vcpu, VMM_INTERNAL_UNKNOWN_EXIT, reason);
	}
	return fn(vcpu);
}
