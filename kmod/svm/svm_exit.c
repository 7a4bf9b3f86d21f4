// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm_exit.c - what happens after #VMEXIT: one handler per exit code
 * (APM Vol. 2 Appendix C), found through a bounds-checked table.
 *
 * Every handler returns
 *   1   resume the guest;
 *   0   return to userspace with vcpu->run filled in;
 *   <0  an errno for VMM_RUN.
 * Nothing a guest does may crash the host: an exit code without a handler
 * becomes VMM_EXIT_INTERNAL_ERROR, never a BUG or WARN.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/nospec.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "svm.h"
#include "../trace.h"

static struct svm_vmcb *vmcb_of(struct vmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb;
}

/* A host interrupt, NMI, SMI or INIT: the host has taken it already. */
static int svm_exit_host_event(struct vmm_vcpu *vcpu)
{
	return 1;
}

static int svm_exit_cpuid(struct vmm_vcpu *vcpu)
{
	vmm_cpuid_exit(vcpu);
	svm_skip_insn(vcpu, 2);		/* 0f a2 */
	return 1;
}

static int svm_exit_hlt(struct vmm_vcpu *vcpu)
{
	svm_skip_insn(vcpu, 1);		/* f4 */
	return vmm_events_hlt(vcpu);	/* an event to deliver wakes it */
}

/* INVD would throw away dirty cache lines the host owns: skip it. */
static int svm_exit_invd(struct vmm_vcpu *vcpu)
{
	svm_skip_insn(vcpu, 2);		/* 0f 08 */
	return 1;
}

/* SVM instructions: not for the guest (CPUID hides SVM), so #UD as on
 * such a CPU; VMMCALL and MONITOR/MWAIT too, by policy (below). */
static int svm_exit_ud(struct vmm_vcpu *vcpu)
{
	svm_inject_ud(vcpu);
	return 1;
}

/* XSETBV (APM Vol. 2 15.9, 11.5.2): the guest's XCR0, checked in xsave.c. */
static int svm_exit_xsetbv(struct vmm_vcpu *vcpu)
{
	return vmm_xsetbv_exit(vcpu, vmcb_of(vcpu)->save.cpl);
}

/* APM 15.10.2: EXITINFO1 of an IOIO intercept, EXITINFO2 the next RIP. */
#define IOIO_TYPE_IN	BIT(0)
#define IOIO_STR	BIT(2)
#define IOIO_REP	BIT(3)
#define IOIO_SZ8	BIT(4)
#define IOIO_SZ16	BIT(5)
#define IOIO_A16	BIT(7)
#define IOIO_A32	BIT(8)
#define IOIO_SEG_SHIFT	10
#define IOIO_PORT_SHIFT	16

static int svm_exit_ioio(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	u64 info = vmcb->control.exit_info_1;
	struct vmm_pio pio = {
		.port = info >> IOIO_PORT_SHIFT,
		.in = info & IOIO_TYPE_IN,
		.string = info & IOIO_STR,
		.rep = info & IOIO_REP,
		.size = (info & IOIO_SZ8) ? 1 : (info & IOIO_SZ16) ? 2 : 4,
		.addr_size = (info & IOIO_A16) ? 2 : (info & IOIO_A32) ? 4 : 8,
		.seg = (info >> IOIO_SEG_SHIFT) & 7,
		.next_rip = vmcb->control.exit_info_2,
	};

	vmcb->control.int_state &= ~SVM_INT_SHADOW;
	return vmm_emulate_pio(vcpu, &pio);
}

/* APM 15.25.6: EXITINFO1 is a #PF-style error code, EXITINFO2 the GPA. */
#define NPF_WRITE	BIT_ULL(1)
#define NPF_FETCH	BIT_ULL(4)
#define NPF_PT_WALK	BIT_ULL(33)	/* while walking the guest's tables */

static int svm_exit_npf(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	u64 err = vmcb->control.exit_info_1;
	unsigned int len = 0;

	/* APM 15.33.2 decode assists: the bytes the CPU fetched. */
	if (svm_features & SVM_FEAT_DECODE_ASSISTS)
		len = min_t(unsigned int, vmcb->control.insn_len, 15);
	/* Neither an instruction fetch nor a guest page walk outside RAM
	 * can be emulated: both are treated as "fetch". */
	return vmm_mmu_page_fault(vcpu, vmcb->control.exit_info_2,
				  err & NPF_WRITE,
				  err & (NPF_FETCH | NPF_PT_WALK),
				  vmcb->control.insn_bytes, len);
}

/* ---- Hypercalls and the small exits ------------------------------- */

/* APM 15.5.1: 64-bit mode is EFER.LMA with CS.L. */
static bool svm_long_mode(const struct svm_vmcb *vmcb)
{
	return (vmcb->save.efer & EFER_LMA) &&
	       (vmcb->save.cs.attrib & SVM_ATTR_L);
}

/* Raise what the arch-neutral emulation asked for (#GP with error 0). */
static int svm_raise(struct vmm_vcpu *vcpu, int vector)
{
	vmm_ops->inject_exception(vcpu, vector, vector == VMM_EXC_GP, 0, 0);
	return 1;
}

/*
 * VMMCALL (0f 01 d9): a hypercall once userspace enabled them
 * (VMM_CAP_HYPERCALL_EXIT), else #UD.  VMCALL, Intel's, is #UD on AMD
 * hardware without any intercept (APM Vol. 3 "VMMCALL").
 */
static int svm_exit_vmmcall(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);

	if (!vmm_hypercall_enabled(vcpu))
		return svm_exit_ud(vcpu);
	svm_skip_insn(vcpu, 3);
	return vmm_hypercall(vcpu, vmcb->save.cpl, svm_long_mode(vmcb));
}

/* PAUSE (f3 90), after the pause filter ran out (svm.c). */
static int svm_exit_pause(struct vmm_vcpu *vcpu)
{
	svm_skip_insn(vcpu, 2);
	vmm_pause_exit(vcpu);
	return 1;
}

/*
 * WBINVD (0f 09) and WBNOINVD (f3 0f 09) share one intercept (APM 15.9):
 * a write-back of every cache of the host CPU is a latency hit for
 * everything else on it, and nothing a guest with write-back NPT memory
 * needs (we pass no device through).  Skipped.  Without NRIP the length
 * is 2 plus the prefixes before 0f 09.
 */
static int svm_exit_wbinvd(struct vmm_vcpu *vcpu)
{
	unsigned int len = 2, n = 0;
	u8 buf[15];

	if (!(svm_features & SVM_FEAT_NRIPS)) {
		n = vmm_fetch_insn(vcpu, buf);
		while (len - 2 < n && buf[len - 2] != 0x0f && len < 15)
			len++;
	}
	svm_skip_insn(vcpu, len);
	return 1;
}

/* RDPMC (0f 33): hypercall.c decides; never the host's counters. */
static int svm_exit_rdpmc(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	int vec = vmm_rdpmc(vcpu, vmcb->save.cpl, vmcb->save.cr4);

	if (vec)
		return svm_raise(vcpu, vec);
	svm_skip_insn(vcpu, 2);
	return 1;
}

/* MONITOR (0f 01 c8), MWAIT (0f 01 c9): #UD, or a NOP when advertised. */
static int svm_exit_monitor_mwait(struct vmm_vcpu *vcpu)
{
	int vec = vmm_monitor_mwait(vcpu, vmcb_of(vcpu)->save.cpl);

	if (vec)
		return svm_raise(vcpu, vec);
	svm_skip_insn(vcpu, 3);
	return 1;
}

/*
 * The GPR of an intercepted MOV CR/DR and the instruction's length:
 * from decode assists (APM 15.33.3) when the CPU has them, else decoded
 * from the bytes at RIP.  0, or an exit to userspace (internal error).
 */
static int svm_crdr_gpr(struct vmm_vcpu *vcpu, u8 *gpr, u8 *len)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	u64 info = vmcb->control.exit_info_1;
	enum vmm_cpu_mode mode;
	u8 buf[15];
	unsigned int n;

	/* The length is needed only without NRIP: then decode anyway. */
	if ((svm_features & SVM_FEAT_DECODE_ASSISTS) &&
	    (svm_features & SVM_FEAT_NRIPS) && (info & SVM_CRDR_VALID)) {
		*gpr = info & SVM_CRDR_GPR_MASK;
		*len = 0;
		return 0;
	}
	if (svm_long_mode(vmcb))
		mode = VMM_MODE_LONG64;
	else if ((vmcb->save.cr0 & X86_CR0_PE) &&
		 (vmcb->save.cs.attrib & SVM_ATTR_DB))
		mode = VMM_MODE_PROT32;
	else
		mode = VMM_MODE_REAL16;
	n = vmm_fetch_insn(vcpu, buf);
	if (vmm_decode_mov_crdr(buf, n, mode, gpr, len)) {
		pr_debug_ratelimited("cannot decode MOV CR/DR at %llx: %*ph\n",
				     vcpu->rip, n, buf);
		return -EINVAL;
	}
	return 0;
}

/*
 * MOV to CR8 (APM Vol. 2 3.1.5): bits 63:4 are reserved, a 1 there is
 * #GP(0).  Reads are not intercepted: with V_INTR_MASKING the CPU reads
 * V_TPR (APM 15.21.1).  Writes are, so that the reserved-bit check is
 * ours and the same on every CPU and emulator.
 */
static int svm_exit_write_cr8(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	u8 gpr, len;
	u64 val;

	if (svm_crdr_gpr(vcpu, &gpr, &len))
		return vmm_internal_error(vcpu, VMM_INTERNAL_EMULATION,
					  vcpu->rip);
	val = vcpu->regs[gpr];
	if (!svm_long_mode(vmcb))
		val = (u32)val;		/* LOCK MOV CR0 (AltMovCr8) */
	if (vmcb->save.cpl || val > 15)
		return svm_raise(vcpu, VMM_EXC_GP);
	vmcb->control.int_ctl = (vmcb->control.int_ctl & ~SVM_V_TPR_MASK) | val;
	if (vcpu->apic)		/* CR8 is the APIC's TPR[7:4] */
		vmm_lapic_set_cr8(vcpu, val);
	svm_skip_insn(vcpu, len);
	return 1;
}

/* MOV from/to DR0-DR15 (exit codes 0x20-0x3f): emulated by debugreg.c. */
static int svm_exit_dr(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	u64 code = vmcb->control.exit_code;
	bool write = code >= SVM_EXIT_WRITE_DR0;
	bool lm = svm_long_mode(vmcb);
	int dr = code & 0xf, vec;
	u8 gpr, len;
	u64 val;

	if (svm_crdr_gpr(vcpu, &gpr, &len))
		return vmm_internal_error(vcpu, VMM_INTERNAL_EMULATION,
					  vcpu->rip);
	if (write) {
		vec = vmm_dr_write(vcpu, dr, vcpu->regs[gpr], vmcb->save.cr4,
				   vmcb->save.cpl, lm);
	} else {
		vec = vmm_dr_read(vcpu, dr, vmcb->save.cr4, vmcb->save.cpl,
				  &val);
		if (!vec)	/* a 32-bit destination zero-extends */
			vcpu->regs[gpr] = lm ? val : (u32)val;
	}
	if (vec)
		return svm_raise(vcpu, vec);
	svm_skip_insn(vcpu, len);
	return 1;
}

/* Triple fault (APM 15.11 "shutdown"): the VMCB is undefined now. */
static int svm_exit_shutdown(struct vmm_vcpu *vcpu)
{
	vcpu->dead = true;
	vcpu->run->exit_reason = VMM_EXIT_SHUTDOWN;
	return 0;
}

/* APM 15.21.4: the interrupt window opened (V_IRQ would be taken). */
static int svm_exit_vintr(struct vmm_vcpu *vcpu)
{
	return vmm_events_window_open(vcpu);
}

typedef int (*svm_exit_handler)(struct vmm_vcpu *vcpu);

static const svm_exit_handler svm_exit_handlers[SVM_EXIT_TABLE_SIZE] = {
	[SVM_EXIT_INTR]		= svm_exit_host_event,
	[SVM_EXIT_NMI]		= svm_exit_host_event,
	[SVM_EXIT_SMI]		= svm_exit_host_event,
	[SVM_EXIT_INIT]		= svm_exit_host_event,
	[SVM_EXIT_CPUID]	= svm_exit_cpuid,
	[SVM_EXIT_INVD]		= svm_exit_invd,
	[SVM_EXIT_HLT]		= svm_exit_hlt,
	[SVM_EXIT_INVLPGA]	= svm_exit_ud,
	[SVM_EXIT_IOIO]		= svm_exit_ioio,
	[SVM_EXIT_MSR]		= svm_msr_exit,
	[SVM_EXIT_SHUTDOWN]	= svm_exit_shutdown,
	[SVM_EXIT_VMRUN]	= svm_exit_ud,
	[SVM_EXIT_VMMCALL]	= svm_exit_vmmcall,
	[SVM_EXIT_VMLOAD]	= svm_exit_ud,
	[SVM_EXIT_VMSAVE]	= svm_exit_ud,
	[SVM_EXIT_STGI]		= svm_exit_ud,
	[SVM_EXIT_CLGI]		= svm_exit_ud,
	[SVM_EXIT_SKINIT]	= svm_exit_ud,
	[SVM_EXIT_MONITOR]	= svm_exit_monitor_mwait,
	[SVM_EXIT_MWAIT]	= svm_exit_monitor_mwait,
	[SVM_EXIT_MWAIT_COND]	= svm_exit_monitor_mwait,
	[SVM_EXIT_XSETBV]	= svm_exit_xsetbv,
	[SVM_EXIT_NPF]		= svm_exit_npf,
	[SVM_EXIT_EXCP_DB]	= svm_nmi_singlestep_done,
	[SVM_EXIT_VINTR]	= svm_exit_vintr,
	[SVM_EXIT_IRET]		= svm_nmi_iret,
	[SVM_EXIT_WRITE_CR8]	= svm_exit_write_cr8,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR15] = svm_exit_dr,
	[SVM_EXIT_RDPMC]	= svm_exit_rdpmc,
	[SVM_EXIT_PAUSE]	= svm_exit_pause,
	[SVM_EXIT_WBINVD]	= svm_exit_wbinvd,
};

int svm_handle_exit(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = vmcb_of(vcpu);
	u64 code = vmcb->control.exit_code;
	struct vmm_run *run = vcpu->run;
	svm_exit_handler fn = NULL;

	trace_vmm_exit(vcpu->id, "svm", code, vcpu->rip,
		       vmcb->control.exit_info_1, vmcb->control.exit_info_2);


	/* APM 15.5.1: VMRUN refused the state (consistency checks). */
	if (code == SVM_EXIT_INVALID) {
		memset(&run->fail_entry, 0, sizeof(run->fail_entry));
		run->exit_reason = VMM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = code;
		run->fail_entry.info1 = vmcb->control.exit_info_1;
		run->fail_entry.info2 = vmcb->control.exit_info_2;
		return 0;
	}

	if (code < SVM_EXIT_TABLE_SIZE)
		fn = svm_exit_handlers[array_index_nospec(code,
							  SVM_EXIT_TABLE_SIZE)];
	if (!fn) {
		pr_warn_ratelimited("unexpected exit code %#llx at rip %#llx\n",
				    code, vcpu->rip);
		return vmm_internal_error(vcpu, VMM_INTERNAL_UNKNOWN_EXIT, code);
	}
	return fn(vcpu);
}
