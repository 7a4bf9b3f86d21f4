// SPDX-License-Identifier: GPL-2.0-only
/*
 * svm.c - the AMD-V backend: turning SVM on and off on every CPU, the
 * VMCB of a vCPU, ASIDs, one guest entry, register conversion, event
 * injection, the NPT entry format, and the ops table that main.c picks.
 *
 * References: AMD64 APM Vol. 2 (pub. 24593), chapter 15 "Secure Virtual
 * Machine"; section numbers are given at each step.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/io.h>
#include <asm/trapnr.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "svm.h"

/* Per-CPU state: the save areas and the ASID allocator (APM 15.16). */
struct svm_cpu_data {
	struct page *hsave;		/* MSR VM_HSAVE_PA: VMRUN's host area */
	struct page *host_save;		/* our VMSAVE/VMLOAD area for host */
	phys_addr_t host_save_pa;
	u64 asid_generation;
	u32 next_asid;
	bool enabled;			/* we set EFER.SVME here */
};

static DEFINE_PER_CPU(struct svm_cpu_data, svm_cpu_data);

u32 svm_features;
static u32 svm_nr_asids;
static struct page *svm_iopm;		/* 12 KiB, all ones */
static struct page *svm_msrpm;		/* 8 KiB */

#define SVM_IOPM_ORDER		2
#define SVM_MSRPM_ORDER		1
#define SVM_MIN_ASID		1	/* ASID 0 is the host's (APM 15.16) */

/* The instructions of SVM.  A fault can only mean SVM was turned off for
 * a reboot under us (vmm_rebooting): it is ignored through the extable. */
static inline void svm_clgi(void)
{
	asm volatile("1: clgi\n2:\n" _ASM_EXTABLE(1b, 2b) ::: "memory");
}

static inline void svm_stgi(void)
{
	asm volatile("1: stgi\n2:\n" _ASM_EXTABLE(1b, 2b) ::: "memory");
}

static inline void svm_vmsave(phys_addr_t pa)
{
	asm volatile("1: vmsave %%rax\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : "a" (pa) : "memory");
}

/* ---- Enabling SVM on each CPU ------------------------------------- */

/* APM 15.4: EFER.SVME on, and VM_HSAVE_PA names the host save area.
 * Runs on the CPU it enables (main.c's CPU hotplug callback). */
static int svm_cpu_enable(void)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_cpu_data);
	unsigned int cpu = smp_processor_id();
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & SVM_EFER_SVME) {
		/* Someone else's: leave it alone. */
		pr_err("AMD-V is in use by another hypervisor (EFER.SVME set on CPU %u)\n",
		       cpu);
		return -EBUSY;
	}
	wrmsrl(MSR_EFER, efer | SVM_EFER_SVME);
	wrmsrl(SVM_MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));
	/* Whatever an earlier user left in the TLB under any ASID: the
	 * first allocation starts a new generation, which flushes all. */
	sd->asid_generation = 1;
	sd->next_asid = svm_nr_asids;
	sd->enabled = true;
	return 0;
}

/* The local CPU: hotplug offline, module unload, reboot (main.c). */
static void svm_cpu_disable(void)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_cpu_data);
	u64 efer;

	if (!sd->enabled)
		return;
	wrmsrl(SVM_MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~SVM_EFER_SVME);
	sd->enabled = false;
}

static void svm_free_pages(void)
{
	struct svm_cpu_data *sd;
	int cpu;

	for_each_possible_cpu(cpu) {
		sd = per_cpu_ptr(&svm_cpu_data, cpu);
		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_save)
			__free_page(sd->host_save);
		sd->hsave = sd->host_save = NULL;
	}
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	svm_iopm = svm_msrpm = NULL;
}

/* Let the guest touch an MSR directly (MSRPM layout, APM 15.11). */
static void svm_msrpm_allow(u8 *msrpm, u32 msr)
{
	u32 base, bit;

	if (msr < 0x2000)
		base = 0;
	else if (msr >= 0xc0000000 && msr < 0xc0002000)
		base = 0x800 * 8;
	else
		base = 0x1000 * 8;
	bit = base + (msr & 0x1fff) * 2;	/* read bit, write bit */
	msrpm[bit / 8] &= ~(3 << (bit % 8));
}

/* The MSRs VMLOAD/VMSAVE switch (APM 15.5.2), so the guest may own them. */
static const u32 svm_direct_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR,
	MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/*
 * Of those, the ones whose WRMSR must #GP for a non-canonical address
 * (APM Vol. 2 "WRMSR", 5.3.1): writes exit so that msr.c checks them
 * even on a CPU that does not (QEMU's TCG does not); reads stay direct.
 */
static const u32 svm_checked_write_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_LSTAR, MSR_CSTAR,
};

static void svm_msrpm_intercept_write(u8 *msrpm, u32 msr)
{
	u32 bit = (msr < 0x2000 ? 0 : 0x800 * 8) + (msr & 0x1fff) * 2 + 1;

	msrpm[bit / 8] |= 1 << (bit % 8);
}

static int svm_alloc_pages(void)
{
	struct svm_cpu_data *sd;
	u8 *msrpm;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		sd = per_cpu_ptr(&svm_cpu_data, cpu);
		sd->hsave = alloc_pages_node(cpu_to_node(cpu),
					     GFP_KERNEL | __GFP_ZERO, 0);
		sd->host_save = alloc_pages_node(cpu_to_node(cpu),
						 GFP_KERNEL | __GFP_ZERO, 0);
		if (!sd->hsave || !sd->host_save)
			return -ENOMEM;
		sd->host_save_pa = page_to_phys(sd->host_save);
	}
	/* APM 15.10.1: one bit per port, all set: every IN/OUT exits. */
	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm)
		return -ENOMEM;
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	msrpm = page_address(svm_msrpm);
	memset(msrpm, 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(svm_direct_msrs); i++)
		svm_msrpm_allow(msrpm, svm_direct_msrs[i]);
	for (i = 0; i < ARRAY_SIZE(svm_checked_write_msrs); i++)
		svm_msrpm_intercept_write(msrpm, svm_checked_write_msrs[i]);
	return 0;
}

/* APM 15.4 "Enabling SVM": CPUID, VM_CR.SVMDIS; EFER.SVME per CPU is
 * svm_cpu_enable(), run on every CPU by main.c after this. */
static int svm_hardware_setup(void)
{
	u64 vm_cr;
	int r;

	if (cpuid_eax(0x80000000) < 0x8000000a ||
	    !(cpuid_ecx(0x80000001) & BIT(2))) {
		pr_err("CPU has no AMD-V (SVM)\n");
		return -ENODEV;
	}
	if (!rdmsrl_safe(SVM_MSR_VM_CR, &vm_cr) && (vm_cr & SVM_VM_CR_SVMDIS)) {
		pr_err("AMD-V is disabled by firmware (VM_CR.SVMDIS)\n");
		return -EPERM;
	}
	svm_features = cpuid_edx(0x8000000a);
	if (!(svm_features & SVM_FEAT_NPT)) {
		pr_err("CPU has AMD-V but no nested paging (NPT)\n");
		return -EOPNOTSUPP;
	}
	svm_nr_asids = cpuid_ebx(0x8000000a);
	if (svm_nr_asids < 2) {
		pr_err("CPU reports no guest ASIDs\n");
		return -EOPNOTSUPP;
	}

	r = svm_alloc_pages();
	if (r)
		svm_free_pages();
	return r;
}

/* After main.c disabled SVM on every CPU. */
static void svm_hardware_unsetup(void)
{
	svm_free_pages();
}

static void svm_fill_info(struct vmm_info *info)
{
	static const struct { u32 cpuid; u64 feat; } map[] = {
		{ SVM_FEAT_NPT,			VMM_FEAT_NPT },
		{ SVM_FEAT_NRIPS,		VMM_FEAT_NRIPS },
		{ SVM_FEAT_DECODE_ASSISTS,	VMM_FEAT_DECODE_ASSISTS },
		{ SVM_FEAT_VMCB_CLEAN,		VMM_FEAT_VMCB_CLEAN },
		{ SVM_FEAT_FLUSH_BY_ASID,	VMM_FEAT_FLUSH_BY_ASID },
		{ SVM_FEAT_PAUSE_FILTER,	VMM_FEAT_PAUSE_FILTER },
		{ SVM_FEAT_AVIC,		VMM_FEAT_AVIC },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (svm_features & map[i].cpuid)
			info->features |= map[i].feat;
	info->nr_asids = svm_nr_asids;
}

/* ---- The VMCB of a vCPU ------------------------------------------ */

static int svm_vm_init(struct vmm_vm *vm)
{
	return 0;
}

static void svm_vm_destroy(struct vmm_vm *vm)
{
}

static void svm_set_intercept(struct svm_vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] |= 1U << (bit % 32);
}

/* The control area: what exits, and where guest memory is (APM 15.9-15.25). */
static void svm_init_control(struct vmm_vcpu *vcpu)
{
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;
	static const int intercepts[] = {
		SVM_IC_INTR, SVM_IC_NMI, SVM_IC_SMI, SVM_IC_INIT,
		SVM_IC_CPUID, SVM_IC_INVD, SVM_IC_HLT, SVM_IC_INVLPGA,
		SVM_IC_IOIO_PROT, SVM_IC_MSR_PROT, SVM_IC_SHUTDOWN,
		SVM_IC_VMRUN,	/* APM 15.5.1: VMRUN must be intercepted */
		SVM_IC_VMMCALL, SVM_IC_VMLOAD, SVM_IC_VMSAVE, SVM_IC_STGI,
		SVM_IC_CLGI, SVM_IC_SKINIT, SVM_IC_MONITOR, SVM_IC_MWAIT,
		SVM_IC_MWAIT_COND, SVM_IC_XSETBV,
		/* Small exits (svm_exit.c): CR8 writes are checked for
		 * reserved bits, reads come from V_TPR without an exit. */
		SVM_IC_WRITE_CR8, SVM_IC_RDPMC, SVM_IC_PAUSE, SVM_IC_WBINVD,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		svm_set_intercept(vmcb, intercepts[i]);
	/* Every MOV DR: the guest must not reach the host's DR0-DR3. */
	vmcb->control.intercepts[1] = SVM_IC_DR_ALL;
	/*
	 * APM 15.14.4: with the pause filter, PAUSE exits only after
	 * pause_filter_count of them (within pause_filter_thresh cycles of
	 * each other, when the threshold exists): a spin loop, not a
	 * single PAUSE.  Without it every PAUSE exits.
	 */
	if (svm_features & SVM_FEAT_PAUSE_FILTER)
		vmcb->control.pause_filter_count = 3000;
	if (svm_features & SVM_FEAT_PFTHRESHOLD)
		vmcb->control.pause_filter_thresh = 128;
	vmcb->control.iopm_base_pa = page_to_phys(svm_iopm);
	vmcb->control.msrpm_base_pa = page_to_phys(svm_msrpm);
	/* APM 15.21.1: with V_INTR_MASKING the guest's RFLAGS.IF and CR8
	 * only mask virtual interrupts; host interrupts always exit. */
	vmcb->control.int_ctl = SVM_V_INTR_MASKING;
	/* APM 15.25.3: nested paging on, with our table as nCR3. */
	vmcb->control.nested_ctl = SVM_NP_ENABLE;
	vmcb->control.nested_cr3 = vcpu->vm->npt_root_pa;
}

static int svm_vcpu_create(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm;
	struct page *page;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->asid_cpu = -1;
	vcpu->arch = svm;
	svm_init_control(vcpu);
	return 0;
}

static void svm_vcpu_free(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (!svm)
		return;
	free_page((unsigned long)svm->vmcb);
	kfree(svm);
	vcpu->arch = NULL;
}

static void svm_seg_reset(struct svm_seg *seg, u16 sel, u64 base, u16 attrib)
{
	seg->selector = sel;
	seg->base = base;
	seg->limit = 0xffff;
	seg->attrib = attrib;
}

/* The x86 reset state (APM Vol. 2 14.1.3, Table 14-1) in the save area. */
static void svm_set_intercept_to(struct svm_vmcb *vmcb, int bit, bool on)
{
	if (on)
		vmcb->control.intercepts[bit / 32] |= 1U << (bit % 32);
	else
		vmcb->control.intercepts[bit / 32] &= ~(1U << (bit % 32));
}

static void svm_vcpu_reset(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_vmcb_save *save = &svm->vmcb->save;

	svm_seg_reset(&save->cs, 0xf000, 0xffff0000, SVM_ATTR_P | SVM_ATTR_S | 0xb);
	svm_seg_reset(&save->ds, 0, 0, SVM_ATTR_P | SVM_ATTR_S | 0x3);
	save->es = save->ds;
	save->fs = save->ds;
	save->gs = save->ds;
	save->ss = save->ds;
	svm_seg_reset(&save->gdtr, 0, 0, 0);
	svm_seg_reset(&save->idtr, 0, 0, 0);
	svm_seg_reset(&save->ldtr, 0, 0, SVM_ATTR_P | 0x2);
	svm_seg_reset(&save->tr, 0, 0, SVM_ATTR_P | 0xb);
	save->cpl = 0;
	save->cr0 = 0x60000010;
	save->cr3 = 0;
	save->cr4 = 0;
	save->efer = SVM_EFER_SVME;	/* APM 15.5.1: must be set */
	save->dr6 = 0xffff0ff0;
	save->dr7 = 0x400;
	save->g_pat = 0x0007040600070406ULL;	/* the PAT reset value */
	/* INIT (lapic_irq.c) may come in the middle of an NMI handler or
	 * of our step over its IRET: NMIs unmasked, no shadow (SDM Vol. 3A
	 * 9.1.1). */
	svm->nmi_masked = false;
	svm->nmi_singlestep = false;
	svm_set_intercept_to(svm->vmcb, SVM_IC_IRET, false);
	svm_set_intercept_to(svm->vmcb, SVM_IC_EXCP_DB, false);
	svm->vmcb->control.int_state = 0;
}

/* ---- Entering the guest ------------------------------------------ */

/* APM 15.16: a fresh ASID on this CPU; when they run out, a new
 * generation begins and the whole TLB is flushed. */
static void svm_new_asid(struct svm_vcpu *svm, struct svm_cpu_data *sd,
			 int cpu)
{
	if (sd->next_asid >= svm_nr_asids) {
		sd->asid_generation++;
		sd->next_asid = SVM_MIN_ASID;
		svm->vmcb->control.tlb_control = SVM_TLB_FLUSH_ALL;
	}
	svm->vmcb->control.asid = sd->next_asid++;
	svm->asid_generation = sd->asid_generation;
	svm->asid_cpu = cpu;
}

/* Host state for #VMEXIT that VMRUN does not restore: VMSAVE it. */
static void svm_vcpu_load(struct vmm_vcpu *vcpu, int cpu)
{
	svm_vmsave(per_cpu(svm_cpu_data, cpu).host_save_pa);
}

static void svm_vcpu_put(struct vmm_vcpu *vcpu)
{
}

static void svm_flush_tlb(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	/* APM 15.16.1: flush this ASID, or else take a never-used one. */
	if (svm_features & SVM_FEAT_FLUSH_BY_ASID)
		svm->vmcb->control.tlb_control = SVM_TLB_FLUSH_ASID;
	else
		svm->asid_generation = 0;
}

/* Called with interrupts off and vcpu->mode == VMM_IN_GUEST. */
static void svm_run(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_vmcb *vmcb = svm->vmcb;
	int cpu = smp_processor_id();
	struct svm_cpu_data *sd = per_cpu_ptr(&svm_cpu_data, cpu);

	if (svm->asid_cpu != cpu || svm->asid_generation != sd->asid_generation)
		svm_new_asid(svm, sd, cpu);

	/* RAX, RSP, RIP, RFLAGS live in the VMCB (APM 15.5.1). */
	vmcb->save.rax = vcpu->regs[VMM_RAX];
	vmcb->save.rsp = vcpu->regs[VMM_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	/* DR6/DR7 are in the VMCB (APM 15.5.1); DR0-3 only when enabled. */
	vmcb->save.dr6 = vcpu->dr.dr6;
	vmcb->save.dr7 = vcpu->dr.dr7;
	vmcb->control.clean = 0;	/* APM 15.15: nothing cached */
	/* With an in-kernel APIC, CR8 reads (from V_TPR, no exit) see its
	 * TPR (SDM Vol. 3A 11.8.6.1); writes exit (svm_exit_write_cr8). */
	if (vcpu->apic)
		vmcb->control.int_ctl = (vmcb->control.int_ctl &
					 ~SVM_V_TPR_MASK) |
					vmm_lapic_get_cr8(vcpu);

	/* APM 15.17: GIF = 0 around VMRUN, so a host interrupt or NMI
	 * becomes a #VMEXIT and is taken after STGI + local_irq_enable. */
	svm_clgi();
	vmm_dr_enter(vcpu, false);
	__svm_vcpu_run(svm->vmcb_pa, vcpu->regs, sd->host_save_pa);
	/* #VMEXIT resets DR7 (APM 15.7.2): host breakpoints back. */
	vmm_dr_exit(vcpu, false);
	svm_stgi();

	vcpu->dr.dr6 = vmcb->save.dr6;
	vcpu->dr.dr7 = vmcb->save.dr7;

	vcpu->regs[VMM_RAX] = vmcb->save.rax;
	vcpu->regs[VMM_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	vmcb->control.tlb_control = SVM_TLB_NOTHING;
}

/* Step over the intercepted instruction: NRIP (APM 15.7.1) or its length. */
void svm_skip_insn(struct vmm_vcpu *vcpu, unsigned int len)
{
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;

	if ((svm_features & SVM_FEAT_NRIPS) && vmcb->control.next_rip)
		vcpu->rip = vmcb->control.next_rip;
	else
		vcpu->rip += len;
	vmcb->control.int_state &= ~SVM_INT_SHADOW;
}

/* An exception for the guest: queued, events.c injects it (EVENTINJ). */
static void svm_inject_exception(struct vmm_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error, u64 cr2)
{
	vmm_queue_exception(vcpu, vector, has_error, error, cr2);
}

void svm_inject_ud(struct vmm_vcpu *vcpu)
{
	svm_inject_exception(vcpu, X86_TRAP_UD, false, 0, 0);
}

void svm_inject_gp(struct vmm_vcpu *vcpu)
{
	svm_inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
}

/* ---- Events: the hardware side of events.c ----------------------- */

/* EXITINTINFO (APM 15.7.2) in arch-neutral form.  INT3 and INTO come as
 * exceptions 3 and 4 there but are software events: RIP is still on the
 * instruction. */
static void svm_get_vectoring(struct vmm_vcpu *vcpu, struct vmm_evt *ev)
{
	struct svm_vmcb_control *c = &to_svm(vcpu)->vmcb->control;
	u32 info = c->exit_int_info;
	u8 vector = info & SVM_EVT_VECTOR_MASK;

	memset(ev, 0, sizeof(*ev));
	if (!(info & SVM_EVT_VALID))
		return;
	switch (info & SVM_EVT_TYPE_MASK) {
	case SVM_EVT_TYPE_INTR:
		ev->type = VMM_EVENT_EXTINT;
		break;
	case SVM_EVT_TYPE_NMI:
		ev->type = VMM_EVENT_NMI;
		break;
	case SVM_EVT_TYPE_EXCEPT:
		ev->type = (vector == 3 || vector == 4) ? VMM_EVENT_SOFT_INT :
							  VMM_EVENT_EXCEPTION;
		break;
	default:
		ev->type = VMM_EVENT_SOFT_INT;
		break;
	}
	ev->vector = vector;
	if (info & SVM_EVT_ERR_VALID) {
		ev->has_error = true;
		ev->error = c->exit_int_info_err;
	}
}

/* APM 15.20: EVENTINJ delivers one event at the next VMRUN. */
static void svm_inject_event(struct vmm_vcpu *vcpu, const struct vmm_evt *ev)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_vmcb *vmcb = svm->vmcb;
	bool has_error;
	u32 inj;

	vmcb->control.event_inj = 0;
	vmcb->control.event_inj_err = 0;
	if (!ev)
		return;
	has_error = ev->has_error;
	switch (ev->type) {
	case VMM_EVENT_EXTINT:
		inj = SVM_EVT_TYPE_INTR;
		has_error = false;
		break;
	case VMM_EVENT_NMI:
		inj = SVM_EVT_TYPE_NMI;
		has_error = false;
		/* Delivering an NMI masks NMIs until IRET (SDM Vol. 3A
		 * 6.7.1); the VMCB cannot tell us, so we keep it, and
		 * watch for the handler's IRET (svm_nmi_iret()). */
		svm->nmi_masked = true;
		svm_set_intercept_to(vmcb, SVM_IC_IRET, true);
		break;
	case VMM_EVENT_EXCEPTION:
		inj = SVM_EVT_TYPE_EXCEPT;
		if (ev->has_cr2)
			vmcb->save.cr2 = ev->cr2;
		break;
	default:
		return;
	}
	if (!(vmcb->save.cr0 & X86_CR0_PE))	/* real mode: no error code */
		has_error = false;
	vmcb->control.event_inj = ev->vector | inj | SVM_EVT_VALID |
				  (has_error ? SVM_EVT_ERR_VALID : 0);
	vmcb->control.event_inj_err = has_error ? ev->error : 0;
}

/* APM 15.21.5: one bit, the shadow of STI or MOV SS alike. */
static u32 svm_get_interrupt_shadow(struct vmm_vcpu *vcpu)
{
	return (to_svm(vcpu)->vmcb->control.int_state & SVM_INT_SHADOW) ?
	       VMM_SHADOW_STI : 0;
}

/*
 * APM 15.21.4: a virtual interrupt (V_IRQ, highest priority, TPR
 * ignored) that the guest would take as soon as RFLAGS.IF = 1 and no
 * shadow holds; the VINTR intercept turns that moment into a #VMEXIT
 * before the guest acknowledges it.  Its vector is never used.
 */
static void svm_set_irq_window(struct vmm_vcpu *vcpu, bool on)
{
	struct svm_vmcb *vmcb = to_svm(vcpu)->vmcb;
	u32 bits = SVM_V_IRQ | SVM_V_IGN_TPR | (0xfU << SVM_V_INTR_PRIO_SHIFT);

	if (on)
		vmcb->control.int_ctl |= bits;
	else
		vmcb->control.int_ctl &= ~bits;
	vmcb->control.int_vector = 0;
	svm_set_intercept_to(vmcb, SVM_IC_VINTR, on);
}

/* Step over one instruction: RFLAGS.TF with #DB intercepted (RF so a
 * code breakpoint on it does not fire again, APM Vol. 2 13.1.1.5). */
static void svm_start_singlestep(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (svm->nmi_singlestep)
		return;
	svm->nmi_singlestep = true;
	svm->nmi_ss_guest_tf = vcpu->rflags & VMM_RFLAGS_TF;
	vcpu->rflags |= VMM_RFLAGS_TF | VMM_RFLAGS_RF;
	svm_set_intercept_to(svm->vmcb, SVM_IC_EXCP_DB, true);
}

/*
 * The NMI window without vNMI.  While an NMI handler runs, the IRET
 * intercept armed at the NMI's injection is the window (svm_nmi_iret()
 * steps over the IRET and unmasks).  When only an interrupt shadow holds
 * the NMI back, step over the instruction in the shadow.
 */
static void svm_set_nmi_window(struct vmm_vcpu *vcpu, bool on)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (on && !svm->nmi_masked)
		svm_start_singlestep(vcpu);
}

static bool svm_get_nmi_mask(struct vmm_vcpu *vcpu)
{
	return to_svm(vcpu)->nmi_masked;
}

/* #VMEXIT(IRET), before the IRET runs: NMIs stay masked until it has
 * completed, so step over it (APM 15.21.4 has no NMI window exit).
 * Intercepted from every NMI's injection, whether or not another NMI
 * waits: the unmasking must not be missed. */
int svm_nmi_iret(struct vmm_vcpu *vcpu)
{
	svm_set_intercept_to(to_svm(vcpu)->vmcb, SVM_IC_IRET, false);
	svm_start_singlestep(vcpu);
	return 1;
}

/*
 * #VMEXIT(#DB) after our single step: the IRET has completed (NMIs are
 * unmasked) or the shadow is over.  TF goes back to the guest's; a guest
 * that was single-stepping itself gets its #DB.
 */
int svm_nmi_singlestep_done(struct vmm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (!svm->nmi_singlestep) {
		/* Not ours (we intercept #DB only while stepping). */
		vmm_queue_exception(vcpu, 1, false, 0, 0);
		return 1;
	}
	svm->nmi_singlestep = false;
	svm->nmi_masked = false;
	svm_set_intercept_to(svm->vmcb, SVM_IC_EXCP_DB, false);
	if (svm->nmi_ss_guest_tf) {
		vmm_queue_exception(vcpu, 1, false, 0, 0);
	} else {
		/* Our step: no trace of it for the guest (DR6.BS). */
		vcpu->rflags &= ~VMM_RFLAGS_TF;
		svm->vmcb->save.dr6 &= ~(u64)DR_STEP;
	}
	return 1;
}

/* ---- Special registers <-> VMCB ---------------------------------- */

static void svm_seg_get(const struct svm_seg *h, struct vmm_segment *s)
{
	u16 a = h->attrib;

	s->base = h->base;
	s->limit = h->limit;
	s->selector = h->selector;
	s->type = SVM_ATTR_TYPE(a);
	s->s = !!(a & SVM_ATTR_S);
	s->dpl = (a >> SVM_ATTR_DPL_SHIFT) & 3;
	s->present = !!(a & SVM_ATTR_P);
	s->avl = !!(a & SVM_ATTR_AVL);
	s->l = !!(a & SVM_ATTR_L);
	s->db = !!(a & SVM_ATTR_DB);
	s->g = !!(a & SVM_ATTR_G);
	s->unusable = !s->present;
	s->padding = 0;
}

static bool svm_seg_valid(const struct vmm_segment *s)
{
	return s->type <= 15 && s->dpl <= 3 && s->present <= 1 &&
	       s->s <= 1 && s->l <= 1 && s->db <= 1 && s->g <= 1 &&
	       s->avl <= 1 && s->unusable <= 1;
}

/* APM 15.5.1: the 12-bit attribute format of the VMCB. */
static void svm_seg_set(struct svm_seg *h, const struct vmm_segment *s)
{
	h->base = s->base;
	h->limit = s->limit;
	h->selector = s->selector;
	h->attrib = 0;
	if (s->unusable)
		return;
	h->attrib = s->type | (s->s ? SVM_ATTR_S : 0) |
		    (s->dpl << SVM_ATTR_DPL_SHIFT) |
		    (s->present ? SVM_ATTR_P : 0) | (s->avl ? SVM_ATTR_AVL : 0) |
		    (s->l ? SVM_ATTR_L : 0) | (s->db ? SVM_ATTR_DB : 0) |
		    (s->g ? SVM_ATTR_G : 0);
}

static void svm_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *s)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	const struct svm_vmcb_save *save = &svm->vmcb->save;

	svm_seg_get(&save->cs, &s->cs);
	svm_seg_get(&save->ds, &s->ds);
	svm_seg_get(&save->es, &s->es);
	svm_seg_get(&save->fs, &s->fs);
	svm_seg_get(&save->gs, &s->gs);
	svm_seg_get(&save->ss, &s->ss);
	svm_seg_get(&save->tr, &s->tr);
	svm_seg_get(&save->ldtr, &s->ldt);
	s->gdt.base = save->gdtr.base;
	s->gdt.limit = save->gdtr.limit;
	s->idt.base = save->idtr.base;
	s->idt.limit = save->idtr.limit;
	s->cr0 = save->cr0;
	s->cr2 = save->cr2;
	s->cr3 = save->cr3;
	s->cr4 = save->cr4;
	s->cr8 = vcpu->apic ? vmm_lapic_get_cr8(vcpu) :
		 svm->vmcb->control.int_ctl & SVM_V_TPR_MASK;
	s->efer = save->efer & ~SVM_EFER_SVME;	/* the guest's view */
	s->apic_base = vcpu->msr.apic_base;
}

u64 svm_guest_efer_mask(void)
{
	u64 m = EFER_SCE | EFER_LME | EFER_LMA;

	if (boot_cpu_has(X86_FEATURE_NX))
		m |= EFER_NX;
	return m;
}

static u64 svm_guest_cr4_mask(void)
{
	u64 m = X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE |
		X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
		X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

	if (boot_cpu_has(X86_FEATURE_UMIP))
		m |= X86_CR4_UMIP;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		m |= X86_CR4_FSGSBASE;
	if (boot_cpu_has(X86_FEATURE_PCID))
		m |= X86_CR4_PCIDE;
	if (boot_cpu_has(X86_FEATURE_SMEP))
		m |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		m |= X86_CR4_SMAP;
	if (vmm_xcr0_supported)		/* XSETBV is emulated (xsave.c) */
		m |= X86_CR4_OSXSAVE;
	return m;
}

static int svm_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *s)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct svm_vmcb_save *save = &svm->vmcb->save;
	int r;

	/* What VMRUN's consistency checks (APM 15.5.1) would refuse. */
	r = vmm_check_sregs(s, svm_seg_valid, svm_guest_cr4_mask(),
			    svm_guest_efer_mask());
	if (r)
		return r;
	svm_seg_set(&save->cs, &s->cs);
	svm_seg_set(&save->ds, &s->ds);
	svm_seg_set(&save->es, &s->es);
	svm_seg_set(&save->fs, &s->fs);
	svm_seg_set(&save->gs, &s->gs);
	svm_seg_set(&save->ss, &s->ss);
	svm_seg_set(&save->tr, &s->tr);
	svm_seg_set(&save->ldtr, &s->ldt);
	save->gdtr.base = s->gdt.base;
	save->gdtr.limit = s->gdt.limit;
	save->idtr.base = s->idt.base;
	save->idtr.limit = s->idt.limit;
	/* APM 15.5.1: CPL is stored apart; real mode runs at CPL 0. */
	save->cpl = (s->cr0 & X86_CR0_PE) ? s->ss.dpl : 0;
	save->cr0 = s->cr0;
	save->cr2 = s->cr2;
	save->cr3 = s->cr3;
	save->cr4 = s->cr4;
	save->efer = s->efer | SVM_EFER_SVME;
	svm->vmcb->control.int_ctl =
		(svm->vmcb->control.int_ctl & ~SVM_V_TPR_MASK) | s->cr8;
	if (vcpu->apic)
		vmm_lapic_set_cr8(vcpu, s->cr8);
	vcpu->msr.apic_base = s->apic_base;
	/* New paging state: forget translations made under the old one. */
	svm_flush_tlb(vcpu);
	return 0;
}

static u64 svm_get_cr4(struct vmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr4;
}

/* RDTSCP is not intercepted (APM 15.9): it reads the guest's TSC_AUX. */
static bool svm_has_rdtscp(void)
{
	return true;
}

/* ---- NPT entry format (APM 15.25.5: long-mode entries, U=1) -------- */

#define NPT_P		BIT_ULL(0)
#define NPT_RW		BIT_ULL(1)
#define NPT_US		BIT_ULL(2)	/* guest accesses are user accesses */
#define NPT_ADDR_MASK	GENMASK_ULL(51, 12)

/* APM 15.25.3: the nested walk uses the host's paging mode. */
static int svm_pt_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

static u64 svm_pte_table(phys_addr_t table)
{
	return (table & NPT_ADDR_MASK) | NPT_P | NPT_RW | NPT_US;
}

static u64 svm_pte_leaf(phys_addr_t page, bool writable)
{
	/* PAT/PCD/PWT 0: write-back, combined with the guest's type. */
	return (page & NPT_ADDR_MASK) | NPT_P | NPT_US | (writable ? NPT_RW : 0);
}

static bool svm_pte_present(u64 pte)
{
	return pte & NPT_P;
}

static bool svm_pte_writable(u64 pte)
{
	return pte & NPT_RW;
}

static phys_addr_t svm_pte_addr(u64 pte)
{
	return pte & NPT_ADDR_MASK;
}

const struct vmm_backend_ops svm_backend_ops = {
	.name			= "svm",
	.backend		= VMM_BACKEND_SVM,
	.hardware_setup		= svm_hardware_setup,
	.hardware_unsetup	= svm_hardware_unsetup,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.fill_info		= svm_fill_info,
	.vm_init		= svm_vm_init,
	.vm_destroy		= svm_vm_destroy,
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_reset		= svm_vcpu_reset,
	.vcpu_load		= svm_vcpu_load,
	.vcpu_put		= svm_vcpu_put,
	.run			= svm_run,
	.handle_exit		= svm_handle_exit,
	.flush_tlb		= svm_flush_tlb,
	.get_sregs		= svm_get_sregs,
	.set_sregs		= svm_set_sregs,
	.inject_exception	= svm_inject_exception,
	.get_vectoring		= svm_get_vectoring,
	.inject_event		= svm_inject_event,
	.get_interrupt_shadow	= svm_get_interrupt_shadow,
	.set_irq_window		= svm_set_irq_window,
	.set_nmi_window		= svm_set_nmi_window,
	.get_nmi_mask		= svm_get_nmi_mask,
	.pt_levels		= svm_pt_levels,
	.pte_table		= svm_pte_table,
	.pte_leaf		= svm_pte_leaf,
	.pte_present		= svm_pte_present,
	.pte_writable		= svm_pte_writable,
	.pte_addr		= svm_pte_addr,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr,
	.set_tsc_offset		= svm_set_tsc_offset,
	.skip_insn		= svm_skip_insn,
	.get_cr4		= svm_get_cr4,
	.has_rdtscp		= svm_has_rdtscp,
};
