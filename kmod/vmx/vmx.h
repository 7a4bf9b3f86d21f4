/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmx.h - the Intel VT-x (VMX) backend: VMCS field encodings, control
 * bits, exit reasons, capability MSRs, the EPT entry format, and the
 * backend's private per-vCPU state.
 *
 * Numbers: Intel SDM Vol. 3C (order no. 326019), chapters 24 (VMCS),
 * 25-28 (VM entry/exit, EPT) and appendices A (VMX capability MSRs),
 * B (field encodings) and C (exit reasons).  They are written out here
 * rather than taken from the kernel's private arch/x86/include/asm/vmx.h
 * so that the module reads on its own and does not break when KVM
 * renames something.
 *
 * The guest's state lives in struct vmx_vcpu (a software copy of the
 * VMCS guest-state area): the ops that read or change it (get_sregs,
 * set_sregs, reset, inject_exception) may run on any CPU, with no VMCS
 * loaded.  vmx_run() writes it into the VMCS before each entry and reads
 * it back after each exit.
 */
#ifndef VMM_VMX_H
#define VMM_VMX_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/build_bug.h>

#include "../vmm.h"

extern const struct vmm_backend_ops vmx_backend_ops;

/* Capability MSRs (SDM Vol. 3C Appendix A) and feature control. */
#define VMX_MSR_FEATURE_CONTROL		0x03a
#define VMX_FC_LOCKED			BIT_ULL(0)
#define VMX_FC_VMXON_OUTSIDE_SMX	BIT_ULL(2)
#define VMX_MSR_BASIC			0x480
#define VMX_MSR_PINBASED_CTLS		0x481
#define VMX_MSR_PROCBASED_CTLS		0x482
#define VMX_MSR_EXIT_CTLS		0x483
#define VMX_MSR_ENTRY_CTLS		0x484
#define VMX_MSR_MISC			0x485
#define VMX_MSR_CR0_FIXED0		0x486
#define VMX_MSR_CR0_FIXED1		0x487
#define VMX_MSR_CR4_FIXED0		0x488
#define VMX_MSR_CR4_FIXED1		0x489
#define VMX_MSR_PROCBASED_CTLS2		0x48b
#define VMX_MSR_EPT_VPID_CAP		0x48c
#define VMX_MSR_TRUE_PINBASED_CTLS	0x48d
#define VMX_MSR_TRUE_PROCBASED_CTLS	0x48e
#define VMX_MSR_TRUE_EXIT_CTLS		0x48f
#define VMX_MSR_TRUE_ENTRY_CTLS		0x490

#define VMXCAP_BASIC_TRUE_CTLS		BIT_ULL(55)	/* A.1 */
#define VMXCAP_BASIC_REVISION(b)		((u32)(b) & 0x7fffffff)
#define VMXCAP_BASIC_VMCS_SIZE(b)		(((b) >> 32) & 0x1fff)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define VMX_EPT_CAP_EXEC_ONLY		BIT_ULL(0)
#define VMX_EPT_CAP_WALK_4		BIT_ULL(6)
#define VMX_EPT_CAP_WB			BIT_ULL(14)
#define VMX_EPT_CAP_2M			BIT_ULL(16)
#define VMX_EPT_CAP_1G			BIT_ULL(17)
#define VMX_EPT_CAP_INVEPT		BIT_ULL(20)
#define VMX_EPT_CAP_AD			BIT_ULL(21)
#define VMX_EPT_CAP_INVEPT_SINGLE	BIT_ULL(25)
#define VMX_EPT_CAP_INVEPT_ALL		BIT_ULL(26)
#define VMX_VPID_CAP_INVVPID		BIT_ULL(32)
#define VMX_VPID_CAP_SINGLE		BIT_ULL(41)
#define VMX_VPID_CAP_ALL		BIT_ULL(42)

/* Pin-based VM-execution controls (24.6.1). */
#define PIN_EXT_INTR_EXITING		BIT(0)
#define PIN_NMI_EXITING			BIT(3)
#define PIN_VIRTUAL_NMIS		BIT(5)
#define PIN_PREEMPT_TIMER		BIT(6)

/* Primary processor-based controls (24.6.2, Table 24-6). */
#define CPU_INTR_WINDOW_EXITING		BIT(2)
#define CPU_USE_TSC_OFFSETTING		BIT(3)
#define CPU_HLT_EXITING			BIT(7)
#define CPU_INVLPG_EXITING		BIT(9)
#define CPU_MWAIT_EXITING		BIT(10)
#define CPU_RDPMC_EXITING		BIT(11)
#define CPU_RDTSC_EXITING		BIT(12)
#define CPU_CR3_LOAD_EXITING		BIT(15)
#define CPU_CR3_STORE_EXITING		BIT(16)
#define CPU_CR8_LOAD_EXITING		BIT(19)
#define CPU_CR8_STORE_EXITING		BIT(20)
#define CPU_NMI_WINDOW_EXITING		BIT(22)
#define CPU_MOV_DR_EXITING		BIT(23)
#define CPU_UNCOND_IO_EXITING		BIT(24)
#define CPU_USE_IO_BITMAPS		BIT(25)
#define CPU_USE_MSR_BITMAPS		BIT(28)
#define CPU_MONITOR_EXITING		BIT(29)
#define CPU_PAUSE_EXITING		BIT(30)
#define CPU_ACTIVATE_SECONDARY		BIT(31)

/* Secondary processor-based controls (24.6.2, Table 24-7). */
#define CPU2_VIRT_APIC_ACCESSES		BIT(0)
#define CPU2_ENABLE_EPT			BIT(1)
#define CPU2_DESC_TABLE_EXITING		BIT(2)
#define CPU2_ENABLE_RDTSCP		BIT(3)
#define CPU2_ENABLE_VPID		BIT(5)
#define CPU2_WBINVD_EXITING		BIT(6)
#define CPU2_UNRESTRICTED_GUEST		BIT(7)
#define CPU2_APIC_REGISTER_VIRT		BIT(8)
#define CPU2_VIRT_INTR_DELIVERY		BIT(9)
#define CPU2_PAUSE_LOOP_EXITING		BIT(10)
#define CPU2_ENABLE_INVPCID		BIT(12)

/* VM-exit controls (24.7.1). */
#define EXIT_SAVE_DEBUG_CTLS		BIT(2)
#define EXIT_HOST_ADDR_SPACE_SIZE	BIT(9)
#define EXIT_ACK_INTR_ON_EXIT		BIT(15)
#define EXIT_SAVE_PAT			BIT(18)
#define EXIT_LOAD_PAT			BIT(19)
#define EXIT_SAVE_EFER			BIT(20)
#define EXIT_LOAD_EFER			BIT(21)

/* VM-entry controls (24.8.1). */
#define ENTRY_LOAD_DEBUG_CTLS		BIT(2)
#define ENTRY_IA32E_MODE		BIT(9)
#define ENTRY_LOAD_PAT			BIT(14)
#define ENTRY_LOAD_EFER			BIT(15)

/* VMCS field encodings (Appendix B). */
enum vmcs_field {
	VIRTUAL_PROCESSOR_ID		= 0x00000000,
	GUEST_ES_SELECTOR		= 0x00000800,
	GUEST_CS_SELECTOR		= 0x00000802,
	GUEST_SS_SELECTOR		= 0x00000804,
	GUEST_DS_SELECTOR		= 0x00000806,
	GUEST_FS_SELECTOR		= 0x00000808,
	GUEST_GS_SELECTOR		= 0x0000080a,
	GUEST_LDTR_SELECTOR		= 0x0000080c,
	GUEST_TR_SELECTOR		= 0x0000080e,
	HOST_ES_SELECTOR		= 0x00000c00,
	HOST_CS_SELECTOR		= 0x00000c02,
	HOST_SS_SELECTOR		= 0x00000c04,
	HOST_DS_SELECTOR		= 0x00000c06,
	HOST_FS_SELECTOR		= 0x00000c08,
	HOST_GS_SELECTOR		= 0x00000c0a,
	HOST_TR_SELECTOR		= 0x00000c0c,
	IO_BITMAP_A			= 0x00002000,
	IO_BITMAP_B			= 0x00002002,
	MSR_BITMAP			= 0x00002004,
	VM_EXIT_MSR_STORE_ADDR		= 0x00002006,
	VM_EXIT_MSR_LOAD_ADDR		= 0x00002008,
	VM_ENTRY_MSR_LOAD_ADDR		= 0x0000200a,
	TSC_OFFSET			= 0x00002010,
	EPT_POINTER			= 0x0000201a,
	GUEST_PHYSICAL_ADDRESS		= 0x00002400,
	VMCS_LINK_POINTER		= 0x00002800,
	GUEST_IA32_DEBUGCTL		= 0x00002802,
	GUEST_IA32_PAT			= 0x00002804,
	GUEST_IA32_EFER			= 0x00002806,
	GUEST_PDPTR0			= 0x0000280a,
	GUEST_PDPTR1			= 0x0000280c,
	GUEST_PDPTR2			= 0x0000280e,
	GUEST_PDPTR3			= 0x00002810,
	HOST_IA32_PAT			= 0x00002c00,
	HOST_IA32_EFER			= 0x00002c02,
	PIN_BASED_VM_EXEC_CONTROL	= 0x00004000,
	CPU_BASED_VM_EXEC_CONTROL	= 0x00004002,
	EXCEPTION_BITMAP		= 0x00004004,
	PAGE_FAULT_ERROR_CODE_MASK	= 0x00004006,
	PAGE_FAULT_ERROR_CODE_MATCH	= 0x00004008,
	CR3_TARGET_COUNT		= 0x0000400a,
	VM_EXIT_CONTROLS		= 0x0000400c,
	VM_EXIT_MSR_STORE_COUNT		= 0x0000400e,
	VM_EXIT_MSR_LOAD_COUNT		= 0x00004010,
	VM_ENTRY_CONTROLS		= 0x00004012,
	VM_ENTRY_MSR_LOAD_COUNT		= 0x00004014,
	VM_ENTRY_INTR_INFO		= 0x00004016,
	VM_ENTRY_EXCEPTION_ERROR_CODE	= 0x00004018,
	VM_ENTRY_INSTRUCTION_LEN	= 0x0000401a,
	SECONDARY_VM_EXEC_CONTROL	= 0x0000401e,
	PLE_GAP				= 0x00004020,
	PLE_WINDOW			= 0x00004022,
	VM_INSTRUCTION_ERROR		= 0x00004400,
	VM_EXIT_REASON			= 0x00004402,
	VM_EXIT_INTR_INFO		= 0x00004404,
	VM_EXIT_INTR_ERROR_CODE		= 0x00004406,
	IDT_VECTORING_INFO		= 0x00004408,
	IDT_VECTORING_ERROR_CODE	= 0x0000440a,
	VM_EXIT_INSTRUCTION_LEN		= 0x0000440c,
	VMX_INSTRUCTION_INFO		= 0x0000440e,
	GUEST_ES_LIMIT			= 0x00004800,
	GUEST_CS_LIMIT			= 0x00004802,
	GUEST_SS_LIMIT			= 0x00004804,
	GUEST_DS_LIMIT			= 0x00004806,
	GUEST_FS_LIMIT			= 0x00004808,
	GUEST_GS_LIMIT			= 0x0000480a,
	GUEST_LDTR_LIMIT		= 0x0000480c,
	GUEST_TR_LIMIT			= 0x0000480e,
	GUEST_GDTR_LIMIT		= 0x00004810,
	GUEST_IDTR_LIMIT		= 0x00004812,
	GUEST_ES_AR_BYTES		= 0x00004814,
	GUEST_CS_AR_BYTES		= 0x00004816,
	GUEST_SS_AR_BYTES		= 0x00004818,
	GUEST_DS_AR_BYTES		= 0x0000481a,
	GUEST_FS_AR_BYTES		= 0x0000481c,
	GUEST_GS_AR_BYTES		= 0x0000481e,
	GUEST_LDTR_AR_BYTES		= 0x00004820,
	GUEST_TR_AR_BYTES		= 0x00004822,
	GUEST_INTERRUPTIBILITY_INFO	= 0x00004824,
	GUEST_ACTIVITY_STATE		= 0x00004826,
	GUEST_SYSENTER_CS		= 0x0000482a,
	VMX_PREEMPTION_TIMER_VALUE	= 0x0000482e,
	HOST_IA32_SYSENTER_CS		= 0x00004c00,
	CR0_GUEST_HOST_MASK		= 0x00006000,
	CR4_GUEST_HOST_MASK		= 0x00006002,
	CR0_READ_SHADOW			= 0x00006004,
	CR4_READ_SHADOW			= 0x00006006,
	EXIT_QUALIFICATION		= 0x00006400,
	GUEST_LINEAR_ADDRESS		= 0x0000640a,
	GUEST_CR0			= 0x00006800,
	GUEST_CR3			= 0x00006802,
	GUEST_CR4			= 0x00006804,
	GUEST_ES_BASE			= 0x00006806,
	GUEST_CS_BASE			= 0x00006808,
	GUEST_SS_BASE			= 0x0000680a,
	GUEST_DS_BASE			= 0x0000680c,
	GUEST_FS_BASE			= 0x0000680e,
	GUEST_GS_BASE			= 0x00006810,
	GUEST_LDTR_BASE			= 0x00006812,
	GUEST_TR_BASE			= 0x00006814,
	GUEST_GDTR_BASE			= 0x00006816,
	GUEST_IDTR_BASE			= 0x00006818,
	GUEST_DR7			= 0x0000681a,
	GUEST_RSP			= 0x0000681c,
	GUEST_RIP			= 0x0000681e,
	GUEST_RFLAGS			= 0x00006820,
	GUEST_PENDING_DBG_EXCEPTIONS	= 0x00006822,
	GUEST_SYSENTER_ESP		= 0x00006824,
	GUEST_SYSENTER_EIP		= 0x00006826,
	HOST_CR0			= 0x00006c00,
	HOST_CR3			= 0x00006c02,
	HOST_CR4			= 0x00006c04,
	HOST_FS_BASE			= 0x00006c06,
	HOST_GS_BASE			= 0x00006c08,
	HOST_TR_BASE			= 0x00006c0a,
	HOST_GDTR_BASE			= 0x00006c0c,
	HOST_IDTR_BASE			= 0x00006c0e,
	HOST_IA32_SYSENTER_ESP		= 0x00006c10,
	HOST_IA32_SYSENTER_EIP		= 0x00006c12,
	HOST_RSP			= 0x00006c14,
	HOST_RIP			= 0x00006c16,
};

/* Basic exit reasons (Appendix C). */
#define VMX_EXIT_EXCEPTION_NMI		0
#define VMX_EXIT_EXTERNAL_INTR		1
#define VMX_EXIT_TRIPLE_FAULT		2
#define VMX_EXIT_INIT			3
#define VMX_EXIT_SIPI			4
#define VMX_EXIT_SMI			5
#define VMX_EXIT_OTHER_SMI		6
#define VMX_EXIT_INTR_WINDOW		7
#define VMX_EXIT_NMI_WINDOW		8
#define VMX_EXIT_TASK_SWITCH		9
#define VMX_EXIT_CPUID			10
#define VMX_EXIT_GETSEC			11
#define VMX_EXIT_HLT			12
#define VMX_EXIT_INVD			13
#define VMX_EXIT_INVLPG			14
#define VMX_EXIT_RDPMC			15
#define VMX_EXIT_RDTSC			16
#define VMX_EXIT_RSM			17
#define VMX_EXIT_VMCALL			18
#define VMX_EXIT_VMCLEAR		19
#define VMX_EXIT_VMLAUNCH		20
#define VMX_EXIT_VMPTRLD		21
#define VMX_EXIT_VMPTRST		22
#define VMX_EXIT_VMREAD			23
#define VMX_EXIT_VMRESUME		24
#define VMX_EXIT_VMWRITE		25
#define VMX_EXIT_VMXOFF			26
#define VMX_EXIT_VMXON			27
#define VMX_EXIT_CR_ACCESS		28
#define VMX_EXIT_DR_ACCESS		29
#define VMX_EXIT_IO			30
#define VMX_EXIT_RDMSR			31
#define VMX_EXIT_WRMSR			32
#define VMX_EXIT_INVALID_STATE		33
#define VMX_EXIT_MSR_LOAD_FAIL		34
#define VMX_EXIT_MWAIT			36
#define VMX_EXIT_MONITOR_TRAP		37
#define VMX_EXIT_MONITOR		39
#define VMX_EXIT_PAUSE			40
#define VMX_EXIT_MCE_DURING_ENTRY	41
#define VMX_EXIT_EPT_VIOLATION		48
#define VMX_EXIT_EPT_MISCONFIG		49
#define VMX_EXIT_INVEPT			50
#define VMX_EXIT_RDTSCP			51
#define VMX_EXIT_PREEMPT_TIMER		52
#define VMX_EXIT_INVVPID		53
#define VMX_EXIT_WBINVD			54
#define VMX_EXIT_XSETBV			55
#define VMX_EXIT_INVPCID		58
#define VMX_EXIT_VMFUNC			59
#define VMX_EXIT_TABLE_SIZE		(VMX_EXIT_VMFUNC + 1)
#define VMX_EXIT_REASON_MASK		0xffff
#define VMX_EXIT_ENTRY_FAILED		BIT(31)

/* VM-entry interruption information and IDT-vectoring info (24.8.3). */
#define VMX_INTR_VECTOR_MASK		0xff
#define VMX_INTR_TYPE_MASK		(7U << 8)
#define VMX_INTR_TYPE_EXT		(0U << 8)
#define VMX_INTR_TYPE_NMI		(2U << 8)
#define VMX_INTR_TYPE_HW_EXCEPT		(3U << 8)
#define VMX_INTR_TYPE_SOFT_INTR		(4U << 8)
#define VMX_INTR_TYPE_PRIV_SOFT		(5U << 8)
#define VMX_INTR_TYPE_SOFT_EXCEPT	(6U << 8)
#define VMX_INTR_ERR_VALID		BIT(11)
#define VMX_INTR_VALID			BIT(31)

/* Guest interruptibility state (24.4.2). */
#define VMX_INTERRUPTIBILITY_STI	BIT(0)
#define VMX_INTERRUPTIBILITY_MOV_SS	BIT(1)
#define VMX_INTERRUPTIBILITY_NMI	BIT(3)	/* blocking by (virtual) NMI */

/* Segment access rights in the VMCS (24.4.1, Table 24-2). */
#define VMX_AR_TYPE(a)			((a) & 0xf)
#define VMX_AR_S			BIT(4)
#define VMX_AR_DPL_SHIFT		5
#define VMX_AR_P			BIT(7)
#define VMX_AR_AVL			BIT(12)
#define VMX_AR_L			BIT(13)
#define VMX_AR_DB			BIT(14)
#define VMX_AR_G			BIT(15)
#define VMX_AR_UNUSABLE			BIT(16)

/* EPT paging-structure entries (28.3.2) and the EPT pointer (24.6.11). */
#define EPT_R				BIT_ULL(0)
#define EPT_W				BIT_ULL(1)
#define EPT_X				BIT_ULL(2)
#define EPT_MT_WB			(6ULL << 3)	/* leaf: memory type */
#define EPT_ADDR_MASK			GENMASK_ULL(51, 12)
#define EPTP_MT_WB			6ULL
#define EPTP_WALK_4			(3ULL << 3)

/* INVEPT and INVVPID types (30.3). */
#define VMX_INVEPT_SINGLE		1
#define VMX_INVEPT_ALL			2
#define VMX_INVVPID_SINGLE		1
#define VMX_INVVPID_ALL			2

/* The segments of the guest, in the VMCS field order ES CS SS DS FS GS
 * LDTR TR (each kind of field is laid out in that order, Appendix B). */
enum vmx_seg_idx { VMX_ES, VMX_CS, VMX_SS, VMX_DS, VMX_FS, VMX_GS, VMX_LDTR,
	       VMX_TR, VMX_NR_SEGS };

struct vmx_seg {
	u16 selector;
	u32 limit;
	u32 ar;			/* VMCS access-rights format */
	u64 base;
};

/* The guest state the backend keeps (see the comment at the top). */
struct vmx_guest {
	struct vmx_seg seg[VMX_NR_SEGS];
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	u64 cr0, cr2, cr3, cr4;	/* as the guest sees them */
	u64 efer;
	u64 pat;
	u64 dr7;
	u32 interruptibility;
	u32 sysenter_cs;
	u64 sysenter_esp, sysenter_eip;
	u8 cr8;
};

/* The per-vCPU state of the backend. */
struct vmx_vcpu {
	struct page *vmcs;
	phys_addr_t vmcs_pa;
	int cpu;		/* CPU the VMCS is active on, -1 none */
	struct list_head loaded_node;	/* in that CPU's list */
	int host_state_cpu;	/* CPU the per-CPU host fields are for */
	bool vmcs_ready;	/* constant fields written */
	bool launched;		/* VMLAUNCH done since the last VMCLEAR */
	bool need_flush;	/* INVVPID/INVEPT before the next entry */
	bool state_dirty;	/* struct vmx_guest newer than the VMCS */
	bool state_valid;	/* struct vmx_guest read since the last exit */
	u64 host_cr0, host_cr3, host_cr4;	/* as last written to the VMCS */
	u32 entry_ctls;				/* as last written to the VMCS */
	/* Guest fields as the VMCS holds them (written by vmx_run() or read
	 * after the last exit): vmx_run() writes only those that changed. */
	u64 vmcs_rsp, vmcs_rip, vmcs_rflags, vmcs_intr_state;
	bool vmcs_entry_intr;	/* VM_ENTRY_INTR_INFO may hold a valid event */
	bool ran;		/* entered since vcpu_load: host state to fix */
	u16 vpid;		/* 0: none (VPID not supported or none free) */
	u16 host_ds, host_es;
	u64 tsc_offset;

	struct vmx_guest g;
	u32 entry_intr_info;	/* event to inject at the next entry */
	u32 entry_intr_err;
	u32 cpu_ctls;		/* primary controls wanted (windows) */
	u32 cpu_ctls_vmcs;	/* ... and as written in the VMCS */

	/* Read after every exit. */
	u32 exit_reason;
	u64 exit_qual;
	u32 exit_intr_info;
	u32 exit_insn_len;
	u32 exit_insn_info;
	u64 exit_gpa;
	u32 idt_vectoring_info;
	u32 idt_vectoring_err;
	u32 insn_error;		/* VMfailValid: VM-instruction error */
	bool entry_vmfail;	/* VMLAUNCH/VMRESUME failed (VMfail) */
	bool vmcs_error;	/* a VMREAD/VMWRITE failed */

	/*
	 * The MSRs VMX does not switch by itself, switched by the VM-entry
	 * MSR-load, VM-exit MSR-store (the same area: the guest's values)
	 * and VM-exit MSR-load (the host's) lists of SDM 24.7.2 and 24.8.2,
	 * in vmx_switched_msrs[] order.  One page, physically contiguous.
	 */
	struct vmx_msr_entry *guest_msrs;
	struct vmx_msr_entry *host_msrs;
	struct page *msr_page;
};

/* One entry of an MSR list (SDM Table 24-13). */
struct vmx_msr_entry {
	u32 index;
	u32 reserved;
	u64 value;
};
static_assert(sizeof(struct vmx_msr_entry) == 16);

enum vmx_switched_msr { VMX_MSR_STAR, VMX_MSR_LSTAR, VMX_MSR_CSTAR,
			VMX_MSR_SFMASK, VMX_MSR_KERNEL_GS_BASE,
			VMX_NR_SWITCHED_MSRS };
extern const u32 vmx_switched_msrs[VMX_NR_SWITCHED_MSRS];

static inline struct vmx_vcpu *to_vmx(struct vmm_vcpu *vcpu)
{
	return vcpu->arch;
}

#define VMXCAP_BASIC_INOUT_INFO		BIT_ULL(54)	/* A.1 */

extern u64 vmx_basic;		/* IA32_VMX_BASIC */

/* vmx.c */
void vmx_skip_insn(struct vmm_vcpu *vcpu);
void vmx_sync_state(struct vmm_vcpu *vcpu);
void vmx_read_mode(struct vmm_vcpu *vcpu);
void vmx_inject_ud(struct vmm_vcpu *vcpu);
void vmx_inject_gp(struct vmm_vcpu *vcpu);
u64 vmx_guest_efer_mask(void);
int vmx_set_cr0(struct vmm_vcpu *vcpu, u64 val);
int vmx_set_cr4(struct vmm_vcpu *vcpu, u64 val);

/* vmx_exit.c */
int vmx_handle_exit(struct vmm_vcpu *vcpu);

/* vmx_msr.c */
void vmx_msr_reset(struct vmm_vcpu *vcpu);
int vmx_get_msr(struct vmm_vcpu *vcpu, u32 msr, u64 *val);
int vmx_set_msr(struct vmm_vcpu *vcpu, u32 msr, u64 val);
void vmx_set_tsc_offset(struct vmm_vcpu *vcpu, u64 offset);

/* vmenter.S: 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed. */
int __vmx_vcpu_run(u64 *regs, bool launched);

#endif /* VMM_VMX_H */
