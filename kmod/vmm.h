/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm.h - the objects of vmm.ko and the interface between the
 * arch-neutral code (main.c, vm.c, vcpu.c, mmu.c, cpuid.c, emulate.c,
 * msr.c) and
 * one hardware backend (svm/ now, vmx/ later).
 *
 * Lifetimes (see Documentation/architecture.md):
 *   struct vmm_vm    - kref; one reference for the VM fd, one per vCPU fd.
 *                      Freed, with all its vCPUs, when the last one drops.
 *   struct vmm_vcpu  - owned by its VM; its fd holds a VM reference.
 * Every fd's file_operations has .owner = THIS_MODULE, so the module cannot
 * be unloaded while any of them is open.
 */
#ifndef VMM_H
#define VMM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/mmu_notifier.h>
#include <linux/preempt.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/bits.h>
#include <linux/wait.h>
#include <asm/fpu/types.h>

#include "../uapi/vmm.h"
#include "x86_decode.h"

#define VMM_MAX_VCPUS		64
#define VMM_NR_SLOTS		32
#define VMM_MAX_CPUID		256
#define VMM_RUN_PAGES		2	/* struct vmm_run, then I/O data */

/* GPR numbers: the x86 encoding order, as in struct vmm_insn. */
enum vmm_reg {
	VMM_RAX, VMM_RCX, VMM_RDX, VMM_RBX, VMM_RSP, VMM_RBP, VMM_RSI, VMM_RDI,
	VMM_R8, VMM_R9, VMM_R10, VMM_R11, VMM_R12, VMM_R13, VMM_R14, VMM_R15,
	VMM_NR_REGS
};

/* x86 bits the arch-neutral code needs (SDM Vol. 3A 2.5, APM Vol. 2 3.1). */
#define VMM_RFLAGS_FIXED	(1ULL << 1)
#define VMM_RFLAGS_DF		(1ULL << 10)
#define VMM_RFLAGS_TF		(1ULL << 8)
#define VMM_RFLAGS_IF		(1ULL << 9)
#define VMM_RFLAGS_RF		(1ULL << 16)

struct vmm_slot {
	u64 gpa;
	u64 size;		/* 0: slot unused */
	u64 hva;
	u32 flags;		/* VMM_MEM_* */
};

struct vmm_vm {
	struct kref ref;
	struct mm_struct *mm;		/* mmgrab()bed: the guest's memory */
	struct list_head list;		/* vmm_vm_list, for nr_vms */

	struct mutex lock;		/* vCPU creation, CPUID policy */
	struct vmm_vcpu *vcpus[VMM_MAX_VCPUS];

	/* CPUID policy (cpuid.c); under lock. */
	struct vmm_cpuid_entry *cpuid;
	u32 cpuid_nent;

	/*
	 * Guest-physical memory (mmu.c).  slots_lock (a mutex: faults call
	 * get_user_pages, which sleeps) guards slots[]; mmu_lock (a
	 * spinlock: MMU notifiers cannot sleep) guards the nested page
	 * table and the invalidation counters.
	 */
	struct mutex slots_lock;
	struct vmm_slot slots[VMM_NR_SLOTS];
	spinlock_t mmu_lock;
	u64 *npt_root;			/* top-level table, kernel address */
	int npt_levels;			/* 4 or 5 */
	phys_addr_t npt_root_pa;
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	struct mmu_notifier mn;
	cpumask_var_t kick_mask;	/* under mmu_lock */

	void *arch;			/* backend's per-VM data */

	/* VMM_CAP_HYPERCALL_EXIT (hypercall.c): READ_ONCE by vCPUs. */
	bool hc_enabled;
	u64 hc_exit_mask;

	/*
	 * VMM_CAP_LAPIC: set under lock before the first vCPU exists, then
	 * never changes, so every vCPU has a local APIC or none does.
	 */
	bool lapic;
	u32 last_boosted;		/* directed yield: where to start */
};

enum vmm_vcpu_mode {
	VMM_OUTSIDE_GUEST,
	VMM_IN_GUEST,			/* interrupts off, about to/in VMRUN */
};

/* Requests to a vCPU, bits of vcpu->requests. */
#define VMM_REQ_TLB_FLUSH	0	/* nested page table entries dropped */
#define VMM_REQ_NMI		1	/* an NMI from an APIC (lapic_irq.c) */
#define VMM_REQ_INIT		2	/* an INIT IPI */
#define VMM_REQ_SIPI		3	/* a start-up IPI, vector in sipi_vector */

/* Work left from the last exit to userspace, done by the next VMM_RUN. */
enum vmm_pending_kind {
	VMM_PENDING_NONE,
	VMM_PENDING_PIO_IN,		/* IN: data page -> AL/AX/EAX */
	VMM_PENDING_PIO_INS,		/* INS: data page -> ES:rDI */
	VMM_PENDING_MMIO_READ,		/* run->mmio.data -> register */
	VMM_PENDING_HYPERCALL,		/* run->hypercall.ret -> RAX */
};

/* One port I/O exit, decoded by the backend (APM 15.10.2). */
struct vmm_pio {
	u16 port;
	u8 size;			/* 1, 2, 4 */
	bool in;
	bool string;
	bool rep;
	u8 addr_size;			/* 2, 4, 8: string address width */
	u8 seg;				/* string source segment, VMM_SEG_* */
	u64 next_rip;
	u64 regs_rsi, regs_rdi;		/* string: rSI/rDI at the exit */
};

/* Segment numbers in the APM's IOIO encoding order (15.10.2). */
enum vmm_seg { VMM_SEG_ES, VMM_SEG_CS, VMM_SEG_SS, VMM_SEG_DS,
	       VMM_SEG_FS, VMM_SEG_GS };

/*
 * An event for the guest in arch-neutral form (events.c); the backend
 * converts to and from EVENTINJ/EXITINTINFO or the VMCS fields.
 */
struct vmm_evt {
	u8 type;			/* VMM_EVENT_*; NONE: no event */
	u8 vector;
	bool has_error;
	bool has_cr2;			/* queued #PF: load CR2 first */
	u32 error;
	u64 cr2;
};

/* Per-vCPU event state (events.c; Documentation/architecture.md). */
struct vmm_event_state {
	struct vmm_evt reinject;	/* from the last exit's vectoring info */
	struct vmm_evt exception;	/* queued exception */
	struct vmm_evt irq;		/* queued external interrupt */
	bool nmi_pending;
	bool nmi_masked;		/* from the backend after each exit */
};

/* Guest MSRs both backends emulate alike (msr.c). */
struct vmm_msr_state {
	u64 apic_base;
	u64 mtrr_def_type;
	u64 mtrr_var[16];	/* 0x200-0x20f: base/mask pairs */
	u64 mtrr_fixed[11];
	u64 misc_enable;
	u64 tsc_offset;		/* guest TSC = host TSC + tsc_offset */
	u64 tsc_adjust;		/* IA32_TSC_ADJUST (SDM Vol. 3B 18.17.3) */
	u64 tsc_aux;		/* loaded while the vCPU is (msr.c) */
	u64 spec_ctrl;		/* loaded around entries when != host's */
	/* Host values while the vCPU is loaded (vmm_msr_load). */
	u64 host_tsc_aux;
	u64 host_spec_ctrl;
	bool loaded;
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	u32 id;
	struct mutex lock;		/* one ioctl at a time */

	/* Guest registers; the backend moves RAX/RSP/RIP/RFLAGS to and from
	 * its control block around each entry. */
	u64 regs[VMM_NR_REGS];
	u64 rip;
	u64 rflags;
	/* Guest x87/SSE/AVX state: an XSAVE area (standard format, 64-byte
	 * aligned) sized from CPUID 0xD, or an FXSAVE area without XSAVE. */
	void *fpu;
	u64 xcr0;				/* guest XCR0 (1 at reset) */
	u32 pkru;				/* guest PKRU (0 at reset) */

	struct vmm_run *run;		/* page 0 of the vCPU mmap */
	void *io_data;			/* page 1 */
	struct page *run_pages[VMM_RUN_PAGES];

	int cpu;			/* CPU loaded on, -1 when none */
	int mode;			/* enum vmm_vcpu_mode */
	unsigned long requests;
	struct preempt_notifier pn;
	bool dead;			/* triple fault: no more entries */

	struct {
		enum vmm_pending_kind kind;
		struct vmm_pio pio;
		u32 count;
		struct vmm_insn insn;
		u64 next_rip;
		bool hc_longmode;	/* HYPERCALL: RAX full or EAX */
	} pending;

	struct vmm_msr_state msr;
	struct vmm_event_state ev;	/* events.c */

	/* Page-table pages taken before mmu_lock (mmu.c). */
	void *mmu_cache[4];		/* a walk of 5 levels needs 4 */
	int mmu_cache_nr;

	u64 stat_exits;
	void *arch;			/* backend's per-vCPU data */

	/*
	 * VMM_CAP_LAPIC (lapic*.c): the local APIC, what the vCPU waits
	 * for (VMM_MP_*, owner only), and where it sleeps meanwhile
	 * (HLT, wait-for-SIPI; woken by vmm_vcpu_kick()).
	 */
	struct vmm_lapic *apic;
	u32 mp_state;
	wait_queue_head_t wq;
	u8 sipi_vector;			/* WRITE_ONCE before VMM_REQ_SIPI */
	/* Directed yield (hypercall.c): the VMM_RUN thread, and whether it
	 * lost its CPU while still runnable. */
	struct pid __rcu *pid;
	bool preempted;

	/*
	 * Guest debug registers (debugreg.c).  Every MOV DR exits; DR0-3
	 * are in the hardware only while the guest runs with a breakpoint
	 * enabled in dr7 (dr_loaded).  The backends move dr6/dr7 to and
	 * from the VMCB (SVM) or DR7 to and from the VMCS (VMX).
	 */
	struct {
		u64 db[4];
		u64 dr6;
		u64 dr7;
	} dr;
	bool dr_loaded;
	u64 stat_pause_exits;
};

/*
 * struct vmm_backend_ops - everything that differs between AMD SVM and
 * Intel VMX.  Filled with designated initialisers in svm/svm.c (and
 * vmx/vmx.c); chosen once by main.c.
 *
 * Exit handling contract (handle_exit and every handler it calls):
 *   1   resume the guest;
 *   0   return to userspace, vcpu->run filled in;
 *   <0  errno, returned by VMM_RUN.
 */
struct vmm_backend_ops {
	const char *name;
	u32 backend;			/* VMM_BACKEND_* */

	/* Module load: check the CPU, allocate; unload: free. */
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	/*
	 * Turn virtualization on/off on the local CPU; main.c calls them
	 * from its CPU hotplug callbacks, between hardware_setup and
	 * hardware_unsetup, and cpu_disable from its reboot notifier too
	 * (irqs off then, and for every cpu_disable call).
	 */
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	void (*fill_info)(struct vmm_info *info);

	int (*vm_init)(struct vmm_vm *vm);
	void (*vm_destroy)(struct vmm_vm *vm);

	int (*vcpu_create)(struct vmm_vcpu *vcpu);
	void (*vcpu_free)(struct vmm_vcpu *vcpu);
	void (*vcpu_reset)(struct vmm_vcpu *vcpu);
	/* Thread got/left a CPU (VMM_RUN entry/exit, preempt notifiers). */
	void (*vcpu_load)(struct vmm_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct vmm_vcpu *vcpu);
	/* Enter the guest once; irqs off, vcpu->mode == VMM_IN_GUEST. */
	void (*run)(struct vmm_vcpu *vcpu);
	int (*handle_exit)(struct vmm_vcpu *vcpu);
	void (*flush_tlb)(struct vmm_vcpu *vcpu);

	void (*get_sregs)(struct vmm_vcpu *vcpu, struct vmm_sregs *s);
	int (*set_sregs)(struct vmm_vcpu *vcpu, const struct vmm_sregs *s);
	/* Queue an exception (events.c decides when); cr2 for #PF only. */
	void (*inject_exception)(struct vmm_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error, u64 cr2);

	/*
	 * Events (events.c holds the logic; these only touch hardware
	 * fields, called with irqs off around an entry, or from an ioctl).
	 * get_vectoring: the event whose delivery the last exit cut short
	 * (type NONE if none).  inject_event: deliver ev at the next entry,
	 * or NULL: nothing.  get_interrupt_shadow: VMM_SHADOW_* bits.
	 * set_irq_window/set_nmi_window: exit as soon as the guest can take
	 * an interrupt / an NMI.  get_nmi_mask: an NMI handler runs.
	 */
	void (*get_vectoring)(struct vmm_vcpu *vcpu, struct vmm_evt *ev);
	void (*inject_event)(struct vmm_vcpu *vcpu, const struct vmm_evt *ev);
	u32 (*get_interrupt_shadow)(struct vmm_vcpu *vcpu);
	void (*set_irq_window)(struct vmm_vcpu *vcpu, bool on);
	void (*set_nmi_window)(struct vmm_vcpu *vcpu, bool on);
	bool (*get_nmi_mask)(struct vmm_vcpu *vcpu);

	/* Nested page table: levels (4 or 5) of 512 entries, their format. */
	int (*pt_levels)(void);
	u64 (*pte_table)(phys_addr_t table);
	u64 (*pte_leaf)(phys_addr_t page, bool writable);
	bool (*pte_present)(u64 pte);
	bool (*pte_writable)(u64 pte);
	phys_addr_t (*pte_addr)(u64 pte);

	/*
	 * MSRs that live in the VMCB/VMCS (EFER, PAT, ...): 0, -EINVAL for
	 * a value the MSR refuses (#GP), -ENOENT when not the backend's
	 * (msr.c then tries its own).
	 */
	int (*get_msr)(struct vmm_vcpu *vcpu, u32 msr, u64 *val);
	int (*set_msr)(struct vmm_vcpu *vcpu, u32 msr, u64 val);
	/* Program the guest TSC offset (TSC_OFFSET / VMCB tsc_offset). */
	void (*set_tsc_offset)(struct vmm_vcpu *vcpu, u64 offset);
	/* Step over the exiting instruction of 'len' bytes. */
	void (*skip_insn)(struct vmm_vcpu *vcpu, unsigned int len);
	/* The guest's CR4 as it sees it (CPUID's OSXSAVE, XSETBV). */
	u64 (*get_cr4)(struct vmm_vcpu *vcpu);
	/* Guest RDTSCP/RDPID work (VMX: the "enable RDTSCP" control). */
	bool (*has_rdtscp)(void);
};

extern const struct vmm_backend_ops *vmm_ops;

/* main.c */
int vmm_nr_vms(void);
/* Set before the reboot notifier turns SVM/VMX off under running vCPUs:
 * a fault of an SVM/VMX instruction is then expected (vmenter.S). */
extern bool vmm_rebooting;

/* vm.c */
int vmm_vm_create(unsigned long flags);
void vmm_vm_get(struct vmm_vm *vm);
void vmm_vm_put(struct vmm_vm *vm);
void vmm_vm_list_init(void);

/* vcpu.c */
int vmm_vcpu_create(struct vmm_vm *vm, unsigned long id);
void vmm_vcpu_reset(struct vmm_vcpu *vcpu, bool init);
void vmm_vcpu_kick(struct vmm_vcpu *vcpu);
void vmm_vcpu_destroy(struct vmm_vcpu *vcpu);
void vmm_make_all_vcpus_request(struct vmm_vm *vm, int req);
int vmm_check_sregs(const struct vmm_sregs *s,
		    bool (*seg_valid)(const struct vmm_segment *seg),
		    u64 cr4_mask, u64 efer_mask);

/* mmu.c */
int vmm_mmu_init(struct vmm_vm *vm);
void vmm_mmu_destroy(struct vmm_vm *vm);
int vmm_set_memory_slot(struct vmm_vm *vm, const struct vmm_memory_slot *s);
int vmm_mmu_page_fault(struct vmm_vcpu *vcpu, u64 gpa, bool write,
		       bool fetch, const u8 *insn, unsigned int insn_len);
int vmm_read_guest(struct vmm_vm *vm, u64 gpa, void *buf, unsigned int len);
int vmm_write_guest(struct vmm_vm *vm, u64 gpa, const void *buf,
		    unsigned int len);
void vmm_mmu_free_cache(struct vmm_vcpu *vcpu);

/* cpuid.c */
int vmm_cpuid_init(struct vmm_vm *vm);
int vmm_cpuid_set(struct vmm_vm *vm, const struct vmm_cpuid *c);
int vmm_cpuid_get(struct vmm_vm *vm, struct vmm_cpuid *c);
void vmm_cpuid_lookup(struct vmm_vcpu *vcpu, u32 func, u32 index,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
int vmm_cpuid_exit(struct vmm_vcpu *vcpu);
void vmm_cpuid_enable_lapic(struct vmm_vm *vm);
/* Register numbers for vmm_cpuid_has(). */
enum { VMM_CPUID_EAX, VMM_CPUID_EBX, VMM_CPUID_ECX, VMM_CPUID_EDX };
bool vmm_cpuid_has(struct vmm_vcpu *vcpu, u32 func, u32 index, int reg,
		   int bit);

/* msr.c: 0, -EINVAL (#GP) or -ENOENT for an MSR nobody has (#GP). */
void vmm_msr_reset(struct vmm_vcpu *vcpu);
int vmm_msr_get(struct vmm_vcpu *vcpu, u32 msr, u64 *val);
int vmm_msr_set(struct vmm_vcpu *vcpu, u32 msr, u64 val);
bool vmm_pat_valid(u64 val);
bool vmm_canonical(u64 v);
int vmm_msr_exit(struct vmm_vcpu *vcpu, bool write);
void vmm_msr_load(struct vmm_vcpu *vcpu);
void vmm_msr_put(struct vmm_vcpu *vcpu);
void vmm_spec_ctrl_enter(struct vmm_vcpu *vcpu);
void vmm_spec_ctrl_exit(struct vmm_vcpu *vcpu);
void vmm_msr_setup(void);
/* Host speculation-control features (msr.c), VMM_SPEC_*. */
extern u32 vmm_host_spec;
#define VMM_SPEC_IBRS		BIT(0)
#define VMM_SPEC_STIBP		BIT(1)
#define VMM_SPEC_SSBD		BIT(2)
#define VMM_SPEC_IBPB		BIT(3)

/* xsave.c: the guest's XCR0 and x87/SSE/AVX state. */
extern u64 vmm_xcr0_supported;		/* 0: host without XSAVE */
void vmm_xsave_setup(void);
int vmm_fpu_alloc(struct vmm_vcpu *vcpu);
void vmm_fpu_free(struct vmm_vcpu *vcpu);
void vmm_fpu_reset(struct vmm_vcpu *vcpu);
void vmm_fpu_load_guest(struct vmm_vcpu *vcpu);
void vmm_fpu_save_guest(struct vmm_vcpu *vcpu);
int vmm_xsetbv_exit(struct vmm_vcpu *vcpu, int cpl);
u32 vmm_xsave_size(u64 xcr0, bool compacted);

/* emulate.c */
int vmm_emulate_mmio(struct vmm_vcpu *vcpu, u64 gpa, bool write,
		     const u8 *insn, unsigned int insn_len);
int vmm_emulate_pio(struct vmm_vcpu *vcpu, const struct vmm_pio *pio);
int vmm_complete_pending(struct vmm_vcpu *vcpu);
int vmm_internal_error(struct vmm_vcpu *vcpu, u32 suberror, u64 data0);
unsigned int vmm_fetch_insn(struct vmm_vcpu *vcpu, u8 *buf);

/* lapic.c, for the backends: CR8 is the TPR's class (SDM Vol. 3A
 * 11.8.6.1) when the vCPU has an in-kernel local APIC. */
u8 vmm_lapic_get_cr8(struct vmm_vcpu *vcpu);
void vmm_lapic_set_cr8(struct vmm_vcpu *vcpu, u8 cr8);

/* hypercall.c: VMM_ENABLE_CAP, VMCALL/VMMCALL, and the simpler exits */
int vmm_vm_enable_cap(struct vmm_vm *vm, const struct vmm_enable_cap *cap);
bool vmm_hypercall_enabled(struct vmm_vcpu *vcpu);
int vmm_hypercall(struct vmm_vcpu *vcpu, int cpl, bool longmode);
void vmm_pause_exit(struct vmm_vcpu *vcpu);
bool vmm_guest_has_pmu(struct vmm_vcpu *vcpu);
bool vmm_guest_has_monitor(struct vmm_vcpu *vcpu);

/* Vectors the arch-neutral emulation asks a backend to raise (#GP: 0). */
#define VMM_EXC_DB	1
#define VMM_EXC_UD	6
#define VMM_EXC_GP	13
int vmm_rdpmc(struct vmm_vcpu *vcpu, int cpl, u64 cr4);
int vmm_monitor_mwait(struct vmm_vcpu *vcpu, int cpl);

/* debugreg.c: MOV DR emulation; 0, or the vector to raise (VMM_EXC_*) */
void vmm_dr_reset(struct vmm_vcpu *vcpu);
int vmm_dr_read(struct vmm_vcpu *vcpu, int dr, u64 cr4, int cpl, u64 *val);
int vmm_dr_write(struct vmm_vcpu *vcpu, int dr, u64 val, u64 cr4, int cpl,
		 bool longmode);
void vmm_dr_enter(struct vmm_vcpu *vcpu, bool load_dr6);
void vmm_dr_exit(struct vmm_vcpu *vcpu, bool read_dr6);

/* events.c */
void vmm_queue_exception(struct vmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error, u64 cr2);
int vmm_queue_event(struct vmm_vcpu *vcpu, const struct vmm_event *e);
void vmm_get_events(struct vmm_vcpu *vcpu, struct vmm_events *out);
void vmm_events_before_entry(struct vmm_vcpu *vcpu);
void vmm_events_after_exit(struct vmm_vcpu *vcpu);
bool vmm_events_irq_window_exit(struct vmm_vcpu *vcpu);
int vmm_events_window_open(struct vmm_vcpu *vcpu);
int vmm_events_hlt(struct vmm_vcpu *vcpu);
bool vmm_events_can_wake(struct vmm_vcpu *vcpu);
void vmm_events_reset(struct vmm_vcpu *vcpu);
bool vmm_events_delivering(struct vmm_vcpu *vcpu);
int vmm_events_delivery_error(struct vmm_vcpu *vcpu, u64 addr);
u32 vmm_events_run_flags(struct vmm_vcpu *vcpu);

#endif /* VMM_H */
