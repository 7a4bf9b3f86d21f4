/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svm.h - the AMD-V (SVM) backend: the VMCB layout, intercept and exit
 * codes, and the backend's private per-vCPU and per-CPU state.
 *
 * Layouts and numbers: AMD64 Architecture Programmer's Manual Vol. 2,
 * chapter 15 (SVM) and Appendix B (VMCB layout), Appendix C (exit codes).
 * They are written out here rather than taken from the kernel's private
 * arch/x86/include/asm/svm.h so that the module reads on its own and does
 * not break when KVM renames a field.
 */
#ifndef VMM_SVM_H
#define VMM_SVM_H

#include <linux/types.h>
#include <linux/build_bug.h>

#include "../vmm.h"

extern const struct vmm_backend_ops svm_backend_ops;

/* A segment in the VMCB state save area (APM Appendix B, Table B-2). */
struct svm_seg {
	u16 selector;
	u16 attrib;		/* 12-bit packed attributes, APM 15.5.1 */
	u32 limit;		/* byte granular */
	u64 base;
} __packed;

/* VMCB control area, offsets 0x000-0x3ff (APM Appendix B, Table B-1). */
struct svm_vmcb_control {
	u32 intercepts[5];	/* 000: CR, DR, exceptions, misc 1, misc 2 */
	u32 intercepts_misc3;	/* 014 */
	u8 reserved_1[0x3c - 0x18];
	u16 pause_filter_thresh;	/* 03c */
	u16 pause_filter_count;		/* 03e */
	u64 iopm_base_pa;	/* 040 */
	u64 msrpm_base_pa;	/* 048 */
	u64 tsc_offset;		/* 050 */
	u32 asid;		/* 058 */
	u8 tlb_control;		/* 05c */
	u8 reserved_2[3];
	u32 int_ctl;		/* 060: V_TPR, V_IRQ, V_INTR_MASKING ... */
	u32 int_vector;		/* 064 */
	u32 int_state;		/* 068: interrupt shadow */
	u32 reserved_3;
	u64 exit_code;		/* 070 */
	u64 exit_info_1;	/* 078 */
	u64 exit_info_2;	/* 080 */
	u32 exit_int_info;	/* 088 */
	u32 exit_int_info_err;	/* 08c */
	u64 nested_ctl;		/* 090: NP_ENABLE */
	u64 avic_vapic_bar;	/* 098 */
	u64 ghcb_gpa;		/* 0a0 */
	u32 event_inj;		/* 0a8 */
	u32 event_inj_err;	/* 0ac */
	u64 nested_cr3;		/* 0b0 */
	u64 virt_ext;		/* 0b8 */
	u32 clean;		/* 0c0 */
	u32 reserved_5;
	u64 next_rip;		/* 0c8 */
	u8 insn_len;		/* 0d0 */
	u8 insn_bytes[15];	/* 0d1 */
	u8 reserved_6[0x400 - 0xe0];
} __packed;

/* VMCB state save area, offsets 0x400- (APM Appendix B, Table B-2). */
struct svm_vmcb_save {
	struct svm_seg es, cs, ss, ds, fs, gs;	/* 400 */
	struct svm_seg gdtr, ldtr, idtr, tr;	/* 460 */
	u8 reserved_1[0x4cb - 0x4a0];
	u8 cpl;			/* 4cb */
	u32 reserved_2;
	u64 efer;		/* 4d0 */
	u8 reserved_3[0x548 - 0x4d8];
	u64 cr4;		/* 548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;		/* 578 */
	u8 reserved_4[0x5d8 - 0x580];
	u64 rsp;		/* 5d8 */
	u64 s_cet, ssp, isst_addr;
	u64 rax;		/* 5f8 */
	u64 star;		/* 600 */
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	u64 kernel_gs_base;
	u64 sysenter_cs;
	u64 sysenter_esp;
	u64 sysenter_eip;
	u64 cr2;		/* 640 */
	u8 reserved_5[0x668 - 0x648];
	u64 g_pat;		/* 668 */
	u64 dbgctl;
	u64 br_from, br_to, last_excp_from, last_excp_to;
} __packed;

struct svm_vmcb {
	struct svm_vmcb_control control;
	struct svm_vmcb_save save;
} __packed;

static_assert(offsetof(struct svm_vmcb_control, exit_code) == 0x70);
static_assert(offsetof(struct svm_vmcb_control, nested_cr3) == 0xb0);
static_assert(offsetof(struct svm_vmcb_control, next_rip) == 0xc8);
static_assert(sizeof(struct svm_vmcb_control) == 0x400);
static_assert(offsetof(struct svm_vmcb, save.cpl) == 0x4cb);
static_assert(offsetof(struct svm_vmcb, save.efer) == 0x4d0);
static_assert(offsetof(struct svm_vmcb, save.cr4) == 0x548);
static_assert(offsetof(struct svm_vmcb, save.rsp) == 0x5d8);
static_assert(offsetof(struct svm_vmcb, save.rax) == 0x5f8);
static_assert(offsetof(struct svm_vmcb, save.cr2) == 0x640);
static_assert(offsetof(struct svm_vmcb, save.g_pat) == 0x668);

/* Intercept bits: word * 32 + bit, words as in intercepts[] (APM B-1). */
#define SVM_IC(word, bit)	((word) * 32 + (bit))
#define SVM_IC_INTR		SVM_IC(3, 0)
#define SVM_IC_NMI		SVM_IC(3, 1)
#define SVM_IC_SMI		SVM_IC(3, 2)
#define SVM_IC_INIT		SVM_IC(3, 3)
#define SVM_IC_CPUID		SVM_IC(3, 18)
#define SVM_IC_INVD		SVM_IC(3, 22)
#define SVM_IC_HLT		SVM_IC(3, 24)
#define SVM_IC_INVLPGA		SVM_IC(3, 26)
#define SVM_IC_IOIO_PROT	SVM_IC(3, 27)
#define SVM_IC_MSR_PROT		SVM_IC(3, 28)
#define SVM_IC_SHUTDOWN		SVM_IC(3, 31)
#define SVM_IC_VMRUN		SVM_IC(4, 0)
#define SVM_IC_VMMCALL		SVM_IC(4, 1)
#define SVM_IC_VMLOAD		SVM_IC(4, 2)
#define SVM_IC_VMSAVE		SVM_IC(4, 3)
#define SVM_IC_STGI		SVM_IC(4, 4)
#define SVM_IC_CLGI		SVM_IC(4, 5)
#define SVM_IC_SKINIT		SVM_IC(4, 6)
#define SVM_IC_MONITOR		SVM_IC(4, 10)
#define SVM_IC_MWAIT		SVM_IC(4, 11)
#define SVM_IC_MWAIT_COND	SVM_IC(4, 12)
#define SVM_IC_XSETBV		SVM_IC(4, 13)
#define SVM_IC_EXCP_DB		SVM_IC(2, 1)	/* exception vector 1 */
#define SVM_IC_VINTR		SVM_IC(3, 4)
#define SVM_IC_IRET		SVM_IC(3, 20)
#define SVM_IC_WRITE_CR8	SVM_IC(0, 24)	/* CR writes: bits 16-31 */
#define SVM_IC_RDPMC		SVM_IC(3, 15)
#define SVM_IC_PAUSE		SVM_IC(3, 23)
#define SVM_IC_WBINVD		SVM_IC(4, 9)	/* WBINVD and WBNOINVD */
#define SVM_IC_DR_ALL		0xffffffffU	/* intercepts[1]: DR0-15 r/w */

/* Exit codes (APM Appendix C). */
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_MWAIT_COND	0x08c
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_WRITE_CR8	0x018
#define SVM_EXIT_READ_DR0	0x020	/* 0x20-0x2f: MOV from DR0-DR15 */
#define SVM_EXIT_WRITE_DR0	0x030	/* 0x30-0x3f: MOV to DR0-DR15 */
#define SVM_EXIT_WRITE_DR15	0x03f
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_PAUSE		0x077
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_EXCP_DB	(SVM_EXIT_EXCP_BASE + 1)
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_INVALID	((u64)-1)	/* VMRUN consistency check */
#define SVM_EXIT_TABLE_SIZE	(SVM_EXIT_NPF + 1)

/* APM 15.33.3 decode assists: EXITINFO1 of a MOV CR/DR intercept. */
#define SVM_CRDR_VALID		(1ULL << 63)
#define SVM_CRDR_GPR_MASK	0xf

/* control.int_ctl (APM 15.21.1): V_TPR and V_INTR_MASKING. */
#define SVM_V_TPR_MASK		0x0f
#define SVM_V_INTR_MASKING	(1U << 24)
#define SVM_INT_SHADOW		(1U << 0)	/* control.int_state */
/* APM 15.21.4: a virtual interrupt for the interrupt window. */
#define SVM_V_IRQ		(1U << 8)
#define SVM_V_INTR_PRIO_SHIFT	16
#define SVM_V_IGN_TPR		(1U << 20)
#define SVM_NP_ENABLE		(1ULL << 0)	/* control.nested_ctl */

/* control.tlb_control (APM 15.16.1). */
#define SVM_TLB_NOTHING		0
#define SVM_TLB_FLUSH_ALL	1
#define SVM_TLB_FLUSH_ASID	3

/* EVENTINJ and EXITINTINFO (APM 15.20). */
#define SVM_EVT_VECTOR_MASK	0xff
#define SVM_EVT_TYPE_MASK	(7U << 8)
#define SVM_EVT_TYPE_INTR	(0U << 8)
#define SVM_EVT_TYPE_NMI	(2U << 8)
#define SVM_EVT_TYPE_EXCEPT	(3U << 8)
#define SVM_EVT_TYPE_SOFT	(4U << 8)
#define SVM_EVT_ERR_VALID	(1U << 11)
#define SVM_EVT_VALID		(1U << 31)

/* Segment attributes (APM 15.5.1, "segment attrib" in Table B-2). */
#define SVM_ATTR_TYPE(a)	((a) & 0xf)
#define SVM_ATTR_S		(1U << 4)
#define SVM_ATTR_DPL_SHIFT	5
#define SVM_ATTR_P		(1U << 7)
#define SVM_ATTR_AVL		(1U << 8)
#define SVM_ATTR_L		(1U << 9)
#define SVM_ATTR_DB		(1U << 10)
#define SVM_ATTR_G		(1U << 11)

/* MSRs of SVM itself (APM 15.30). */
#define SVM_MSR_VM_CR		0xc0010114
#define SVM_VM_CR_SVMDIS	(1ULL << 4)
#define SVM_MSR_VM_HSAVE_PA	0xc0010117
#define SVM_EFER_SVME		(1ULL << 12)

/* CPUID Fn8000_000A EDX: SVM features (APM 15.4, CPUID spec). */
#define SVM_FEAT_NPT		(1U << 0)
#define SVM_FEAT_NRIPS		(1U << 3)
#define SVM_FEAT_VMCB_CLEAN	(1U << 5)
#define SVM_FEAT_FLUSH_BY_ASID	(1U << 6)
#define SVM_FEAT_DECODE_ASSISTS	(1U << 7)
#define SVM_FEAT_PAUSE_FILTER	(1U << 10)
#define SVM_FEAT_PFTHRESHOLD	(1U << 12)
#define SVM_FEAT_AVIC		(1U << 13)

/* The per-vCPU state of the backend. */
struct svm_vcpu {
	struct svm_vmcb *vmcb;
	phys_addr_t vmcb_pa;
	int asid_cpu;		/* CPU the ASID belongs to, -1 none */
	u64 asid_generation;

	/*
	 * NMIs (svm.c): without vNMI the VMCB shows no NMI blocking, so it
	 * is kept here: masked from the injection of an NMI until the
	 * handler's IRET has completed: the IRET is intercepted from the
	 * injection on, then stepped over (RFLAGS.TF, #DB intercepted).
	 * An NMI held back only by an interrupt shadow is the same single
	 * step over the instruction in the shadow.
	 */
	bool nmi_masked;
	bool nmi_singlestep;	/* TF set by us, #DB intercepted */
	bool nmi_ss_guest_tf;	/* the guest's own TF then */
};

static inline struct svm_vcpu *to_svm(struct vmm_vcpu *vcpu)
{
	return vcpu->arch;
}

extern u32 svm_features;	/* CPUID Fn8000_000A EDX */

/* svm.c */
void svm_skip_insn(struct vmm_vcpu *vcpu, unsigned int len);
void svm_inject_ud(struct vmm_vcpu *vcpu);
void svm_inject_gp(struct vmm_vcpu *vcpu);
int svm_nmi_iret(struct vmm_vcpu *vcpu);
int svm_nmi_singlestep_done(struct vmm_vcpu *vcpu);
u64 svm_guest_efer_mask(void);

/* svm_exit.c */
int svm_handle_exit(struct vmm_vcpu *vcpu);

/* svm_msr.c */
int svm_msr_exit(struct vmm_vcpu *vcpu);
int svm_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val);
int svm_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 val);
void svm_set_tsc_offset(struct vmm_vcpu *vcpu, u64 offset);

/* vmenter.S */
void __svm_vcpu_run(unsigned long vmcb_pa, u64 *regs,
		    unsigned long host_save_pa);

#endif /* VMM_SVM_H */
