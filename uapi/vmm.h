/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmm.h - the ioctl ABI between vmm.ko and userspace.
 *
 * Three kinds of file descriptor, as in KVM:
 *
 *   /dev/vmm   system ioctls   0x00-0x3f  (version, capabilities, create VM)
 *   VM fd      VM ioctls       0x40-0x7f  (memory slots, vCPUs, CPUID policy)
 *   vCPU fd    vCPU ioctls     0x80-0xbf  (registers, run)
 *
 * Rules every structure here follows (see Documentation/abi.md):
 *   - only fixed-width __u8..__u64 types, explicit padding, natural alignment;
 *   - a flags field where the call may grow; unknown flags are -EINVAL;
 *   - reserved and padding fields must be zero on input (-EINVAL otherwise)
 *     and are zeroed on output;
 *   - user pointers travel as __u64;
 *   - a shipped structure never changes: a new one, and a new ioctl, is added.
 * ioctl directions are from userspace's point of view (_IOW: user writes).
 */
#ifndef _UAPI_VMM_H
#define _UAPI_VMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMM_API_VERSION		1

#define VMMIO			0xB6

/* ------------------------------------------------------------------ */
/* System ioctls, on /dev/vmm                                          */
/* ------------------------------------------------------------------ */

/* Returns VMM_API_VERSION.  Userspace refuses to run on a mismatch. */
#define VMM_GET_API_VERSION	_IO(VMMIO, 0x00)
/* Argument: flags (must be 0).  Returns a new VM fd. */
#define VMM_CREATE_VM		_IO(VMMIO, 0x01)
/* Argument: a VMM_CAP_* number.  Returns 0 when absent, else > 0 (a value). */
#define VMM_CHECK_CAP		_IO(VMMIO, 0x02)
/* Returns the size of the vCPU fd's mmap area (struct vmm_run + I/O data). */
#define VMM_GET_VCPU_MMAP_SIZE	_IO(VMMIO, 0x03)
/* Fills struct vmm_info: which backend, which hardware features. */
#define VMM_GET_INFO		_IOR(VMMIO, 0x04, struct vmm_info)

/* Capabilities, for VMM_CHECK_CAP. */
#define VMM_CAP_NR_MEMSLOTS	1	/* value: number of memory slots */
#define VMM_CAP_MAX_VCPUS	2	/* value: vCPUs per VM */
#define VMM_CAP_NESTED_PAGING	3	/* NPT or EPT: always 1 */
#define VMM_CAP_REAL_MODE	4	/* guests may start in real mode */
#define VMM_CAP_IMMEDIATE_EXIT	5	/* vmm_run.immediate_exit honoured */
#define VMM_CAP_MAX_CPUID	6	/* value: entries in a CPUID policy */
#define VMM_CAP_STRING_IO	7	/* rep ins/outs handled via data page */
#define VMM_CAP_EVENTS		8	/* VMM_QUEUE_EVENT, VMM_GET_EVENTS */
#define VMM_CAP_XSAVE		10	/* value: the XCR0 bits a guest may set */
#define VMM_CAP_HYPERCALL_EXIT	9	/* VMM_ENABLE_CAP: hypercalls to userspace */
#define VMM_CAP_LAPIC		11	/* VMM_ENABLE_CAP: in-kernel local APICs,
					 * VMM_SIGNAL_MSI, VMM_GET/SET_LAPIC,
					 * VMM_GET/SET_MP_STATE */

/* Backends, in vmm_info.backend. */
#define VMM_BACKEND_SVM		1	/* AMD-V with NPT */
#define VMM_BACKEND_VMX		2	/* Intel VT-x with EPT */

/* Hardware features the backend found, bits of vmm_info.features. */
#define VMM_FEAT_NPT		(1ULL << 0)	/* AMD nested page tables */
#define VMM_FEAT_NRIPS		(1ULL << 1)	/* AMD next-RIP save */
#define VMM_FEAT_DECODE_ASSISTS	(1ULL << 2)	/* AMD decode assists */
#define VMM_FEAT_VMCB_CLEAN	(1ULL << 3)	/* AMD VMCB clean bits */
#define VMM_FEAT_FLUSH_BY_ASID	(1ULL << 4)	/* AMD TLB flush by ASID */
#define VMM_FEAT_PAUSE_FILTER	(1ULL << 5)	/* AMD PAUSE filter */
#define VMM_FEAT_AVIC		(1ULL << 6)	/* AMD AVIC */
#define VMM_FEAT_EPT		(1ULL << 16)	/* Intel EPT */
#define VMM_FEAT_VPID		(1ULL << 17)	/* Intel VPID */
#define VMM_FEAT_UNRESTRICTED	(1ULL << 18)	/* Intel unrestricted guest */
#define VMM_FEAT_PREEMPT_TIMER	(1ULL << 19)	/* Intel preemption timer */
#define VMM_FEAT_APICV		(1ULL << 20)	/* Intel APIC virtualization */

struct vmm_info {
	__u32 api_version;	/* VMM_API_VERSION */
	__u32 backend;		/* VMM_BACKEND_* */
	__u64 features;		/* VMM_FEAT_* */
	__u32 nr_asids;		/* ASIDs (AMD) or VPIDs (Intel) available */
	__u32 max_vcpus;	/* per VM */
	__u32 nr_vms;		/* VMs that exist now */
	__u32 flags;		/* none yet: 0 */
	char backend_name[16];	/* "svm" or "vmx", NUL-terminated */
	__u64 reserved[4];
};

/* ------------------------------------------------------------------ */
/* VM ioctls, on a VM fd                                               */
/* ------------------------------------------------------------------ */

/*
 * Guest-physical memory: slot N maps [guest_phys_addr, +size) onto the
 * calling process's memory at userspace_addr.  All three page-aligned.
 * size 0 deletes the slot.  Slots may not overlap.  Nothing is pinned:
 * pages are mapped into the nested page tables on first guest access.
 */
struct vmm_memory_slot {
	__u32 slot;
	__u32 flags;		/* VMM_MEM_* */
	__u64 guest_phys_addr;
	__u64 size;
	__u64 userspace_addr;
	__u64 reserved[2];
};
#define VMM_MEM_READONLY	(1U << 0)	/* guest writes become MMIO exits */

#define VMM_SET_MEMORY_SLOT	_IOW(VMMIO, 0x40, struct vmm_memory_slot)
/* Argument: vCPU id (0 .. max_vcpus-1).  Returns a new vCPU fd. */
#define VMM_CREATE_VCPU		_IO(VMMIO, 0x41)

/*
 * The CPUID policy: what the guest's CPUID instruction returns, per VM.
 * An entry matches on function, and on index too when its flags say
 * VMM_CPUID_SIGNIFICANT_INDEX.  A leaf with no entry returns zeros.
 * A new VM starts with a default policy derived from the host CPU with
 * everything vmm does not virtualize hidden.
 */
struct vmm_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;		/* VMM_CPUID_* */
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 reserved;
};
#define VMM_CPUID_SIGNIFICANT_INDEX	(1U << 0)

struct vmm_cpuid {
	__u32 nent;		/* entries at .entries */
	__u32 flags;		/* none yet: 0 */
	__u64 entries;		/* user pointer to struct vmm_cpuid_entry[nent] */
};

#define VMM_SET_CPUID		_IOW(VMMIO, 0x42, struct vmm_cpuid)
/* nent in: room at .entries; out: entries in the policy (-E2BIG if short). */
#define VMM_GET_CPUID		_IOWR(VMMIO, 0x43, struct vmm_cpuid)

/*
 * Turn on an optional behaviour of the VM (a VMM_CAP_* that VMM_CHECK_CAP
 * reports as present).  flags and the args a capability does not use
 * must be 0 (-EINVAL); an unknown cap is -EINVAL.
 *
 *   VMM_CAP_HYPERCALL_EXIT: args[0] is a bitmask of hypercall numbers
 *   (0-63, the guest's RAX) that exit to userspace as VMM_EXIT_HYPERCALL.
 *   Without it, VMCALL (Intel) / VMMCALL (AMD) raise #UD, as on a CPU
 *   with no hypervisor.  With it, a number outside the mask returns
 *   VMM_HC_ENOSYS in RAX without leaving the kernel, and a hypercall
 *   made at CPL > 0 returns VMM_HC_EPERM.  May be called again to change
 *   the mask; it cannot be turned off.  See Documentation/abi.md.
 */
struct vmm_enable_cap {
	__u32 cap;		/* VMM_CAP_* */
	__u32 flags;		/* none yet: 0 */
	__u64 args[4];
};

#define VMM_ENABLE_CAP		_IOW(VMMIO, 0x44, struct vmm_enable_cap)

/*
 * VMM_CAP_LAPIC (VMM_ENABLE_CAP, args all 0, before the first
 * VMM_CREATE_VCPU: -EBUSY after): every vCPU gets a local APIC in the
 * kernel (xAPIC MMIO page at IA32_APIC_BASE, default 0xfee00000; x2APIC
 * MSRs 0x800-0x8ff), with its timer.  Then:
 *   - vCPU 0 is the bootstrap processor; every other vCPU starts in
 *     VMM_MP_WAIT_SIPI: VMM_RUN sleeps in the kernel until an INIT/SIPI
 *     from another vCPU's APIC starts it (or a signal: VMM_EXIT_INTR);
 *   - HLT never exits to userspace: the vCPU sleeps in the kernel until
 *     an interrupt or NMI can be delivered (or a signal);
 *   - the default CPUID policy shows the APIC, x2APIC and each vCPU's
 *     APIC ID (= vCPU id) in leaves 1 and 0xB.
 * Interrupts from userspace devices (IOAPIC, PCI MSI) go through
 * VMM_SIGNAL_MSI on the VM fd, from any thread.
 */

/*
 * VMM_SIGNAL_MSI: deliver one interrupt message to the local APICs, as a
 * PCI device's MSI write to 0xfeexxxxx would (SDM Vol. 3A 11.11):
 *   address_lo  bits 31:20 0xfee, 19:12 destination ID, 3 redirection
 *               hint, 2 destination mode (1 logical)
 *   address_hi  bits 31:8: destination ID bits 31:8 (x2APIC), else 0
 *   data        bits 7:0 vector, 10:8 delivery mode (0 fixed, 1 lowest
 *               priority, 4 NMI, 5 INIT, 7 ExtINT refused), 14 level,
 *               15 trigger mode (1 level)
 * Returns the number of local APICs that took it (0: none matched), or
 * -EINVAL (bad address, mode or non-zero flags/reserved), -ENXIO without
 * VMM_CAP_LAPIC.
 */
struct vmm_msi {
	__u32 address_lo;
	__u32 address_hi;
	__u32 data;
	__u32 flags;		/* none yet: 0 */
	__u64 reserved[2];
};

#define VMM_SIGNAL_MSI		_IOW(VMMIO, 0x45, struct vmm_msi)

/* Hypercall results in RAX (a u64; -1000 is "no such hypercall"). */
#define VMM_HC_SUCCESS		0
#define VMM_HC_EPERM		((__u64)-1LL)	/* called from CPL > 0 */
#define VMM_HC_ENOSYS		((__u64)-1000LL)	/* number not handled */

/* ------------------------------------------------------------------ */
/* vCPU ioctls, on a vCPU fd                                           */
/* ------------------------------------------------------------------ */

/* Enter the guest; returns 0 when userspace must act (see vmm_run). */
#define VMM_RUN			_IO(VMMIO, 0x80)

struct vmm_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

struct vmm_segment {
	__u64 base;
	__u32 limit;		/* in bytes-1, already scaled by g */
	__u16 selector;
	__u8 type;		/* descriptor type field, 4 bits */
	__u8 present, dpl, db, s, l, g, avl;
	__u8 unusable;		/* a null or unloaded segment */
	__u8 padding;
};

struct vmm_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

struct vmm_sregs {
	struct vmm_segment cs, ds, es, fs, gs, ss;
	struct vmm_segment tr, ldt;
	struct vmm_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
	__u64 reserved[4];
};

#define VMM_GET_REGS		_IOR(VMMIO, 0x81, struct vmm_regs)
#define VMM_SET_REGS		_IOW(VMMIO, 0x82, struct vmm_regs)
#define VMM_GET_SREGS		_IOR(VMMIO, 0x83, struct vmm_sregs)
#define VMM_SET_SREGS		_IOW(VMMIO, 0x84, struct vmm_sregs)

/*
 * Events for the guest (VMM_CAP_EVENTS): an external interrupt, an NMI
 * or an exception, delivered through the guest's IDT at the next entry
 * where the guest can take it (Documentation/abi.md says when).
 */
#define VMM_EVENT_NONE		0
#define VMM_EVENT_EXTINT	1	/* vector 32-255, needs RFLAGS.IF */
#define VMM_EVENT_NMI		2	/* vector 2 (ignored on input) */
#define VMM_EVENT_EXCEPTION	3	/* vector 0-31 except 2 */
#define VMM_EVENT_SOFT_INT	4	/* INT n, INT3, INTO: read-back only */

#define VMM_EVENT_F_ERROR_CODE	(1U << 0)	/* error_code is pushed */

struct vmm_event {
	__u8 type;		/* VMM_EVENT_* */
	__u8 vector;
	__u8 flags;		/* VMM_EVENT_F_* */
	__u8 padding;
	__u32 error_code;	/* with VMM_EVENT_F_ERROR_CODE */
	__u64 cr2;		/* #PF (vector 14): the faulting address */
	__u64 reserved;
};

struct vmm_events {
	struct vmm_event reinject;	/* delivery cut short by the last exit */
	struct vmm_event exception;	/* queued, not yet delivered */
	struct vmm_event interrupt;	/* queued, not yet delivered */
	__u8 nmi_pending;		/* an NMI waits (NMIs masked or shadow) */
	__u8 nmi_masked;		/* an NMI handler runs (until IRET) */
	__u8 interrupt_shadow;		/* VMM_SHADOW_* */
	__u8 padding[5];
	__u64 reserved[4];
};
#define VMM_SHADOW_STI		(1U << 0)	/* after STI */
#define VMM_SHADOW_MOV_SS	(1U << 1)	/* after MOV SS / POP SS */

/*
 * The arch-neutral event word of VMM_INTERNAL_DELIVERY_EV (data[0]):
 * bits 7:0 vector, 10:8 VMM_EVENT_* type, bit 11 error code valid,
 * bits 63:32 the error code.
 */
#define VMM_EVENT_WORD_VECTOR(w)	((w) & 0xff)
#define VMM_EVENT_WORD_TYPE(w)		(((w) >> 8) & 7)
#define VMM_EVENT_WORD_HAS_ERROR	(1ULL << 11)
#define VMM_EVENT_WORD_ERROR(w)		((__u32)((w) >> 32))

#define VMM_QUEUE_EVENT		_IOW(VMMIO, 0x85, struct vmm_event)
#define VMM_GET_EVENTS		_IOR(VMMIO, 0x86, struct vmm_events)

/*
 * The local APIC's registers (VMM_CAP_LAPIC), laid out as the first
 * 1 KiB of the xAPIC page (SDM Vol. 3A 11.4.1, Table 11-1): register at
 * offset R is the __u32 at regs[R].  VMM_SET_LAPIC checks what it loads
 * (-EINVAL for reserved bits).
 */
struct vmm_lapic_state {
	__u8 regs[1024];
};

#define VMM_GET_LAPIC		_IOR(VMMIO, 0x87, struct vmm_lapic_state)
#define VMM_SET_LAPIC		_IOW(VMMIO, 0x88, struct vmm_lapic_state)

/* What a vCPU waits for (VMM_CAP_LAPIC), as KVM's mp_state. */
#define VMM_MP_RUNNABLE		0	/* runs guest code */
#define VMM_MP_WAIT_SIPI	1	/* an AP after reset or INIT */
#define VMM_MP_HALTED		2	/* HLT: waits for an interrupt */

struct vmm_mp_state {
	__u32 state;		/* VMM_MP_* */
	__u32 flags;		/* none yet: 0 */
	__u64 reserved[2];
};

#define VMM_GET_MP_STATE	_IOR(VMMIO, 0x89, struct vmm_mp_state)
#define VMM_SET_MP_STATE	_IOW(VMMIO, 0x8a, struct vmm_mp_state)

/* ------------------------------------------------------------------ */
/* The shared run area: offset 0 of the vCPU fd's mmap                 */
/* ------------------------------------------------------------------ */

#define VMM_EXIT_UNKNOWN	0
#define VMM_EXIT_IO		1	/* port I/O: .io */
#define VMM_EXIT_MMIO		2	/* access outside every slot: .mmio */
#define VMM_EXIT_HLT		3	/* HLT executed */
#define VMM_EXIT_SHUTDOWN	4	/* triple fault: the VM is dead */
#define VMM_EXIT_FAIL_ENTRY	5	/* hardware refused entry: .fail_entry */
#define VMM_EXIT_INTERNAL_ERROR	6	/* vmm could not go on: .internal */
#define VMM_EXIT_INTR		7	/* a signal is pending (run: -EINTR) */
#define VMM_EXIT_IRQ_WINDOW_OPEN 8	/* request_interrupt_window: open */
#define VMM_EXIT_HYPERCALL	9	/* VMCALL/VMMCALL: .hypercall */

#define VMM_EXIT_IO_IN		0
#define VMM_EXIT_IO_OUT		1

/* vmm_run.internal.suberror */
#define VMM_INTERNAL_UNKNOWN_EXIT	1	/* data[0]: raw hardware exit code */
#define VMM_INTERNAL_EMULATION		2	/* could not decode: data[0] = rip */
#define VMM_INTERNAL_GUEST_MEMORY	3	/* guest page walk failed */
#define VMM_INTERNAL_DELIVERY_EV	4	/* MMIO/PIO while delivering an
						 * event: data[0] event word,
						 * data[1] GPA or port */

/* vmm_run.flags */
#define VMM_RUN_F_IF			(1U << 0) /* guest RFLAGS.IF at exit */
#define VMM_RUN_F_READY_FOR_INTERRUPT	(1U << 1) /* an EXTINT could go in now */

struct vmm_run {
	/* in: set by userspace before VMM_RUN */
	__u8 immediate_exit;	/* return -EINTR at once, before entry */
	__u8 request_interrupt_window;	/* exit VMM_EXIT_IRQ_WINDOW_OPEN */
	__u8 padding1[6];

	/* out: set by the kernel */
	__u32 exit_reason;	/* VMM_EXIT_* */
	__u32 flags;		/* VMM_RUN_F_* */
	__u64 rip;		/* guest RIP at the exit */
	__u64 rflags;		/* guest RFLAGS at the exit */
	__u64 reserved[4];

	union {
		/*
		 * VMM_EXIT_IO: 'count' accesses of 'size' bytes each to
		 * 'port', data at data_offset bytes from the start of the
		 * mmap area (count * size bytes).  For IN, userspace fills
		 * the data before the next VMM_RUN, which completes the
		 * instruction.  String I/O (rep ins/outs) may come as several
		 * exits of count > 1.
		 */
		struct {
			__u8 direction;		/* VMM_EXIT_IO_IN/OUT */
			__u8 size;		/* 1, 2 or 4 */
			__u16 port;
			__u32 count;
			__u64 data_offset;
		} io;
		/*
		 * VMM_EXIT_MMIO: one access of len bytes at phys_addr.  For
		 * a read, userspace stores the value in data (little-endian)
		 * before the next VMM_RUN.
		 */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;
			__u8 is_write;
			__u8 padding[3];
		} mmio;
		/* VMM_EXIT_FAIL_ENTRY: the raw reason the hardware gave. */
		struct {
			__u64 hardware_entry_failure_reason;
			__u64 info1;
			__u64 info2;
		} fail_entry;
		/* VMM_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;		/* VMM_INTERNAL_* */
			__u32 ndata;
			__u64 data[16];
		} internal;
		/*
		 * VMM_EXIT_HYPERCALL: nr from RAX, args from RBX, RCX, RDX,
		 * RSI, RDI (low 32 bits each when longmode is 0).  Userspace
		 * stores the result in ret; the next VMM_RUN puts it in RAX
		 * (EAX, zero-extended, outside 64-bit mode).  RIP is already
		 * past the instruction; no other register changes.
		 */
		struct {
			__u64 nr;
			__u64 args[5];
			__u64 ret;
			__u32 longmode;		/* 1: the guest was in 64-bit mode */
			__u32 padding;
		} hypercall;
		__u8 padding[256];
	};
};

#endif /* _UAPI_VMM_H */
