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

/* SVM instructions, VMMCALL, MONITOR/MWAIT: not for the guest (CPUID
 * hides SVM and MONITOR), so #UD as on such a CPU. */
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
	[SVM_EXIT_VMMCALL]	= svm_exit_ud,
	[SVM_EXIT_VMLOAD]	= svm_exit_ud,
	[SVM_EXIT_VMSAVE]	= svm_exit_ud,
	[SVM_EXIT_STGI]		= svm_exit_ud,
	[SVM_EXIT_CLGI]		= svm_exit_ud,
	[SVM_EXIT_SKINIT]	= svm_exit_ud,
	[SVM_EXIT_MONITOR]	= svm_exit_ud,
	[SVM_EXIT_MWAIT]	= svm_exit_ud,
	[SVM_EXIT_MWAIT_COND]	= svm_exit_ud,
	[SVM_EXIT_XSETBV]	= svm_exit_xsetbv,
	[SVM_EXIT_NPF]		= svm_exit_npf,
	[SVM_EXIT_EXCP_DB]	= svm_nmi_singlestep_done,
	[SVM_EXIT_VINTR]	= svm_exit_vintr,
	[SVM_EXIT_IRET]		= svm_nmi_iret,
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
