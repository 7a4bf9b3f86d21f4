// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmx.c - the Intel VT-x backend: VMXON and VMXOFF on every CPU, the
 * VMCS of a vCPU with every control adjusted to the capability MSRs,
 * VPIDs, one guest entry, register conversion, event injection, the EPT
 * entry format, and the ops table that main.c picks.
 *
 * References: Intel SDM Vol. 3C (order no. 326019), chapters 23-28 and
 * appendix A; section numbers are given at each step.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

#include "vmx.h"

/* Per-CPU state (SDM 24.11.1: a VMCS is "active" on one CPU at a time). */
struct vmx_cpu_data {
	struct page *vmxon_region;
	struct list_head loaded;	/* vmx_vcpus whose VMCS is active here */
	struct vmx_vcpu *current_vmcs;	/* the one VMPTRLDed */
	bool enabled;			/* we did VMXON here */
};

static DEFINE_PER_CPU(struct vmx_cpu_data, vmx_cpu_data);

/* What the capability MSRs allow, found by vmx_hardware_setup(). */
static struct {
	u32 revision;
	u32 pin, cpu, cpu2, exit, entry;	/* the controls we use */
	u64 ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 misc;
} vmx_caps;

u64 vmx_basic;				/* IA32_VMX_BASIC */
static u32 vmx_preempt_ticks;		/* preemption timer value per entry */

#define VMX_NR_VPIDS		4096
static DECLARE_BITMAP(vmx_vpid_bitmap, VMX_NR_VPIDS);
static DEFINE_SPINLOCK(vmx_vpid_lock);

/* Switched through the VMCS MSR lists, in enum vmx_switched_msr order. */
const u32 vmx_switched_msrs[VMX_NR_SWITCHED_MSRS] = {
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
};

/* vmenter.S: where a VM exit lands (HOST_RIP). */
extern const char vmx_vmexit[];

/* ---- The VMX instructions --------------------------------------------
 *
 * Each reports failure (VMfailInvalid: CF, VMfailValid: ZF; SDM 30.2)
 * to its caller.  A fault can only mean VMX was turned off under us for
 * a reboot (vmm_rebooting): it is taken through the extable as a failure.
 */

static int vmx_vmxon(phys_addr_t pa)
{
	u8 fail = 1;

	asm volatile("1: vmxon %[pa]\n\t"
		     "setna %[fail]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static void vmx_vmxoff(void)
{
	asm volatile("1: vmxoff\n2:\n" _ASM_EXTABLE(1b, 2b) ::: "cc", "memory");
}

static int vmx_vmclear(phys_addr_t pa)
{
	u8 fail = 1;

	asm volatile("1: vmclear %[pa]\n\t"
		     "setna %[fail]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static int vmx_vmptrld(phys_addr_t pa)
{
	u8 fail = 1;

	asm volatile("1: vmptrld %[pa]\n\t"
		     "setna %[fail]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

/* VMREAD/VMWRITE failures are recorded in the vCPU (first field kept)
 * and turned into a failed entry by vmx_run(), never ignored. */
static void vmcs_failed(struct vmx_vcpu *vmx, u32 field, bool write)
{
	if (!vmx->vmcs_error)
		pr_err_ratelimited("%s of VMCS field %#x failed\n",
				   write ? "VMWRITE" : "VMREAD", field);
	vmx->vmcs_error = true;
}

static u64 vmcs_read(struct vmx_vcpu *vmx, u32 field)
{
	u64 val = 0;
	u8 fail = 1;

	asm volatile("1: vmread %[field], %[val]\n\t"
		     "setna %[fail]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [val] "+r" (val), [fail] "+qm" (fail)
		     : [field] "r" ((u64)field) : "cc");
	if (fail)
		vmcs_failed(vmx, field, false);
	return val;
}

static void vmcs_write(struct vmx_vcpu *vmx, u32 field, u64 val)
{
	u8 fail = 1;

	asm volatile("1: vmwrite %[val], %[field]\n\t"
		     "setna %[fail]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail)
		     : [val] "r" (val), [field] "r" ((u64)field) : "cc");
	if (fail)
		vmcs_failed(vmx, field, true);
}

struct vmx_inv_desc {
	u64 a, b;
};

static void vmx_invept(unsigned long type, u64 eptp)
{
	struct vmx_inv_desc d = { eptp, 0 };

	asm volatile("1: invept %[d], %[type]\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : [d] "m" (d), [type] "r" (type) : "cc", "memory");
}

static void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct vmx_inv_desc d = { vpid, 0 };

	asm volatile("1: invvpid %[d], %[type]\n2:\n" _ASM_EXTABLE(1b, 2b)
		     : : [d] "m" (d), [type] "r" (type) : "cc", "memory");
}

/* ---- VMXON on each CPU (SDM 23.6-23.8) ---------------------------- */

static bool vmx_cr_ok(u64 val, u64 fixed0, u64 fixed1)
{
	return (val & fixed0) == fixed0 && !(val & ~fixed1);
}

static void vmx_flush_all_contexts(void)
{
	if (vmx_caps.ept_vpid_cap & VMX_EPT_CAP_INVEPT_ALL)
		vmx_invept(VMX_INVEPT_ALL, 0);
	if (vmx_caps.ept_vpid_cap & VMX_VPID_CAP_ALL)
		vmx_invvpid(VMX_INVVPID_ALL, 0);
}

/* VMXON on the CPU it runs on (main.c's CPU hotplug callback). */
static int vmx_cpu_enable(void)
{
	struct vmx_cpu_data *cd = this_cpu_ptr(&vmx_cpu_data);
	unsigned int cpu = smp_processor_id();
	u64 fc;

	/* SDM 23.7: CR4.VMXE set means someone is (or was) in VMX. */
	if (__read_cr4() & X86_CR4_VMXE) {
		pr_err("VT-x is in use by another hypervisor (CR4.VMXE set on CPU %u)\n",
		       cpu);
		return -EBUSY;
	}
	/* SDM 23.7: IA32_FEATURE_CONTROL must be locked with VMXON allowed. */
	if (rdmsrl_safe(VMX_MSR_FEATURE_CONTROL, &fc))
		fc = 0;
	if (!(fc & VMX_FC_LOCKED)) {
		fc |= VMX_FC_LOCKED | VMX_FC_VMXON_OUTSIDE_SMX;
		if (wrmsrl_safe(VMX_MSR_FEATURE_CONTROL, fc)) {
			pr_err("cannot enable VT-x in IA32_FEATURE_CONTROL on CPU %u\n",
			       cpu);
			return -EIO;
		}
	} else if (!(fc & VMX_FC_VMXON_OUTSIDE_SMX)) {
		pr_err("VT-x is disabled by firmware (IA32_FEATURE_CONTROL on CPU %u)\n",
		       cpu);
		return -EPERM;
	}
	/* SDM 23.8: CR0 and CR4 must honour the fixed bits in VMX operation. */
	if (!vmx_cr_ok(read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1) ||
	    !vmx_cr_ok(__read_cr4() | X86_CR4_VMXE, vmx_caps.cr4_fixed0,
		       vmx_caps.cr4_fixed1)) {
		pr_err("CR0/CR4 of CPU %u do not meet VMX's fixed bits\n", cpu);
		return -EIO;
	}
	cr4_set_bits(X86_CR4_VMXE);
	if (vmx_vmxon(page_to_phys(cd->vmxon_region))) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_err("VMXON failed on CPU %u\n", cpu);
		return -EIO;
	}
	/* Whatever an earlier user left in the TLBs: gone. */
	vmx_flush_all_contexts();
	INIT_LIST_HEAD(&cd->loaded);
	cd->current_vmcs = NULL;
	cd->enabled = true;
	return 0;
}

/* VMCLEAR (SDM 24.11.3): the VMCS data goes back to memory, inactive. */
static void vmx_clear_vmcs(struct vmx_vcpu *vmx)
{
	struct vmx_cpu_data *cd = this_cpu_ptr(&vmx_cpu_data);

	if (vmx_vmclear(vmx->vmcs_pa) && !READ_ONCE(vmm_rebooting))
		pr_err_ratelimited("VMCLEAR failed\n");
	list_del_init(&vmx->loaded_node);
	if (cd->current_vmcs == vmx)
		cd->current_vmcs = NULL;
	vmx->cpu = -1;
	vmx->launched = false;
}

static void vmx_clear_vmcs_ipi(void *data)
{
	struct vmx_vcpu *vmx = data;

	if (vmx->cpu == smp_processor_id())
		vmx_clear_vmcs(vmx);
}

/* The local CPU, irqs off: hotplug offline, module unload, reboot
 * (main.c).  Every VMCS loaded here is cleared first (SDM 24.11.1). */
static void vmx_cpu_disable(void)
{
	struct vmx_cpu_data *cd = this_cpu_ptr(&vmx_cpu_data);
	struct vmx_vcpu *vmx, *tmp;

	if (!cd->enabled)
		return;
	list_for_each_entry_safe(vmx, tmp, &cd->loaded, loaded_node)
		vmx_clear_vmcs(vmx);
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
	cd->enabled = false;
}

static void vmx_free_pages(void)
{
	struct vmx_cpu_data *cd;
	int cpu;

	for_each_possible_cpu(cpu) {
		cd = per_cpu_ptr(&vmx_cpu_data, cpu);
		if (cd->vmxon_region)
			__free_page(cd->vmxon_region);
		cd->vmxon_region = NULL;
	}
}

static int vmx_alloc_pages(void)
{
	struct vmx_cpu_data *cd;
	int cpu;

	for_each_possible_cpu(cpu) {
		cd = per_cpu_ptr(&vmx_cpu_data, cpu);
		cd->vmxon_region = alloc_pages_node(cpu_to_node(cpu),
						    GFP_KERNEL | __GFP_ZERO, 0);
		if (!cd->vmxon_region)
			return -ENOMEM;
		/* SDM 24.11.5: the VMXON region starts with the revision. */
		*(u32 *)page_address(cd->vmxon_region) = vmx_caps.revision;
		INIT_LIST_HEAD(&cd->loaded);
	}
	return 0;
}

/*
 * Appendix A.3-A.5: bits 31:0 of a control capability MSR are the
 * allowed 0-settings (a 1 there: must be 1), bits 63:32 the allowed
 * 1-settings.  'want' must be possible; 'opt' is taken when it is.
 */
static int vmx_adjust(u32 msr, u32 want, u32 opt, u32 *out, const char *what)
{
	u64 cap;
	u32 v;

	rdmsrl(msr, cap);
	v = ((want | opt) & (u32)(cap >> 32)) | (u32)cap;
	if ((v & want) != want) {
		pr_err("VT-x lacks required %s controls %#x\n", what,
		       want & ~v);
		return -EOPNOTSUPP;
	}
	*out = v;
	return 0;
}

static int vmx_setup_controls(void)
{
	bool true_ctls;
	u64 basic;
	u32 cap2;
	int r;

	rdmsrl(VMX_MSR_BASIC, basic);
	vmx_basic = basic;
	true_ctls = basic & VMXCAP_BASIC_TRUE_CTLS;
	vmx_caps.revision = VMXCAP_BASIC_REVISION(basic);
	if (VMXCAP_BASIC_VMCS_SIZE(basic) > PAGE_SIZE) {
		pr_err("VMCS larger than a page\n");
		return -EOPNOTSUPP;
	}
	rdmsrl(VMX_MSR_CR0_FIXED0, vmx_caps.cr0_fixed0);
	rdmsrl(VMX_MSR_CR0_FIXED1, vmx_caps.cr0_fixed1);
	rdmsrl(VMX_MSR_CR4_FIXED0, vmx_caps.cr4_fixed0);
	rdmsrl(VMX_MSR_CR4_FIXED1, vmx_caps.cr4_fixed1);
	rdmsrl(VMX_MSR_MISC, vmx_caps.misc);

	/* The preemption timer, when there is one, bounds every stay in the
	 * guest (SDM 25.5.1) even if a host interrupt does not make it exit. */
	r = vmx_adjust(true_ctls ? VMX_MSR_TRUE_PINBASED_CTLS : VMX_MSR_PINBASED_CTLS,
		       PIN_EXT_INTR_EXITING | PIN_NMI_EXITING | PIN_VIRTUAL_NMIS,
		       PIN_PREEMPT_TIMER, &vmx_caps.pin, "pin-based");
	if (r)
		return r;
	/* Every I/O and MSR access exits (no bitmaps); CR8 too (no TPR
	 * shadow: the guest must not reach the host's TPR). */
	r = vmx_adjust(true_ctls ? VMX_MSR_TRUE_PROCBASED_CTLS : VMX_MSR_PROCBASED_CTLS,
		       CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING |
		       CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING |
		       CPU_MWAIT_EXITING | CPU_MONITOR_EXITING |
		       CPU_USE_TSC_OFFSETTING | CPU_ACTIVATE_SECONDARY |
		       CPU_MOV_DR_EXITING | CPU_RDPMC_EXITING, 0,
		       &vmx_caps.cpu, "processor-based");
	if (r)
		return r;
	/* Event windows (SDM 25.2; events.c): turned on only when needed,
	 * but they must exist.  NMI-window exiting needs virtual NMIs. */
	rdmsrl(true_ctls ? VMX_MSR_TRUE_PROCBASED_CTLS : VMX_MSR_PROCBASED_CTLS,
	       basic);
	if ((~(u32)(basic >> 32)) & (CPU_INTR_WINDOW_EXITING |
				     CPU_NMI_WINDOW_EXITING)) {
		pr_err("VT-x lacks interrupt-window or NMI-window exiting\n");
		return -EOPNOTSUPP;
	}
	rdmsrl(VMX_MSR_PROCBASED_CTLS2, basic);
	cap2 = basic >> 32;
	if (!(cap2 & CPU2_ENABLE_EPT)) {
		pr_err("CPU has VT-x but no EPT\n");
		return -EOPNOTSUPP;
	}
	if (!(cap2 & CPU2_UNRESTRICTED_GUEST)) {
		pr_err("CPU has VT-x but no unrestricted guest\n");
		return -EOPNOTSUPP;
	}
	r = vmx_adjust(VMX_MSR_PROCBASED_CTLS2,
		       CPU2_ENABLE_EPT | CPU2_UNRESTRICTED_GUEST,
		       CPU2_ENABLE_VPID | CPU2_ENABLE_RDTSCP | CPU2_ENABLE_INVPCID |
		       CPU2_WBINVD_EXITING | CPU2_PAUSE_LOOP_EXITING,
		       &vmx_caps.cpu2, "secondary");
	if (r)
		return r;
	/*
	 * SDM 25.1.3: PAUSE-loop exiting exits on a spin loop only; without
	 * it, PAUSE exiting makes every PAUSE exit.  With both, PAUSE
	 * exiting wins, so never both.
	 */
	if (!(vmx_caps.cpu2 & CPU2_PAUSE_LOOP_EXITING)) {
		r = vmx_adjust(true_ctls ? VMX_MSR_TRUE_PROCBASED_CTLS :
			       VMX_MSR_PROCBASED_CTLS, vmx_caps.cpu,
			       CPU_PAUSE_EXITING, &vmx_caps.cpu,
			       "processor-based");
		if (r)
			return r;
	}
	r = vmx_adjust(true_ctls ? VMX_MSR_TRUE_EXIT_CTLS : VMX_MSR_EXIT_CTLS,
		       EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
		       EXIT_SAVE_EFER | EXIT_LOAD_EFER, EXIT_SAVE_DEBUG_CTLS,
		       &vmx_caps.exit, "VM-exit");
	if (r)
		return r;
	r = vmx_adjust(true_ctls ? VMX_MSR_TRUE_ENTRY_CTLS : VMX_MSR_ENTRY_CTLS,
		       ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, ENTRY_LOAD_DEBUG_CTLS,
		       &vmx_caps.entry, "VM-entry");
	if (r)
		return r;
	/* Set per entry from the guest's EFER.LMA (SDM 26.2.4). */
	vmx_caps.entry &= ~ENTRY_IA32E_MODE;

	rdmsrl(VMX_MSR_EPT_VPID_CAP, vmx_caps.ept_vpid_cap);
	if (!(vmx_caps.ept_vpid_cap & VMX_EPT_CAP_WALK_4) ||
	    !(vmx_caps.ept_vpid_cap & VMX_EPT_CAP_WB) ||
	    !(vmx_caps.ept_vpid_cap & VMX_EPT_CAP_INVEPT) ||
	    !(vmx_caps.ept_vpid_cap & (VMX_EPT_CAP_INVEPT_SINGLE |
				       VMX_EPT_CAP_INVEPT_ALL))) {
		pr_err("EPT lacks 4-level walks, write-back or INVEPT\n");
		return -EOPNOTSUPP;
	}
	if ((vmx_caps.cpu2 & CPU2_ENABLE_VPID) &&
	    (!(vmx_caps.ept_vpid_cap & VMX_VPID_CAP_INVVPID) ||
	     !(vmx_caps.ept_vpid_cap & (VMX_VPID_CAP_SINGLE | VMX_VPID_CAP_ALL))))
		vmx_caps.cpu2 &= ~CPU2_ENABLE_VPID;
	return 0;
}

/* SDM 23.6 "Discovering support for VMX"; VMXON on every CPU is
 * vmx_cpu_enable(), run by main.c after this. */
static int vmx_hardware_setup(void)
{
	int r;

	if (!boot_cpu_has(X86_FEATURE_VMX) || !(cpuid_ecx(1) & BIT(5))) {
		pr_err("CPU has no VT-x (VMX)\n");
		return -ENODEV;
	}
	r = vmx_setup_controls();
	if (r)
		return r;
	/* About one host tick: A.6, the timer counts TSC >> MISC[4:0]. */
	vmx_preempt_ticks = min_t(u64, (u64)tsc_khz * 1000 / HZ >>
				  (vmx_caps.misc & 0x1f), U32_MAX);
	if (!vmx_preempt_ticks)
		vmx_preempt_ticks = 100000;
	bitmap_zero(vmx_vpid_bitmap, VMX_NR_VPIDS);
	__set_bit(0, vmx_vpid_bitmap);	/* VPID 0 is the host's */

	r = vmx_alloc_pages();
	if (r)
		vmx_free_pages();
	return r;
}

/* After main.c turned VMX off on every CPU. */
static void vmx_hardware_unsetup(void)
{
	vmx_free_pages();
}

static void vmx_fill_info(struct vmm_info *info)
{
	u64 cap;

	info->features |= VMM_FEAT_EPT | VMM_FEAT_UNRESTRICTED;
	if (vmx_caps.cpu2 & CPU2_ENABLE_VPID) {
		info->features |= VMM_FEAT_VPID;
		info->nr_asids = VMX_NR_VPIDS - 1;
	}
	if (vmx_caps.pin & PIN_PREEMPT_TIMER)
		info->features |= VMM_FEAT_PREEMPT_TIMER;
	rdmsrl(VMX_MSR_PROCBASED_CTLS2, cap);
	if ((cap >> 32) & CPU2_VIRT_APIC_ACCESSES)
		info->features |= VMM_FEAT_APICV;
}

/* ---- The VMCS of a vCPU (SDM 24) ---------------------------------- */

static int vmx_vm_init(struct vmm_vm *vm)
{
	return 0;
}

static void vmx_vm_destroy(struct vmm_vm *vm)
{
}

static u16 vmx_alloc_vpid(void)
{
	unsigned long v;

	if (!(vmx_caps.cpu2 & CPU2_ENABLE_VPID))
		return 0;
	spin_lock(&vmx_vpid_lock);
	v = find_first_zero_bit(vmx_vpid_bitmap, VMX_NR_VPIDS);
	if (v < VMX_NR_VPIDS)
		__set_bit(v, vmx_vpid_bitmap);
	else
		v = 0;			/* none free: run without */
	spin_unlock(&vmx_vpid_lock);
	return v;
}

static void vmx_free_vpid(u16 vpid)
{
	if (!vpid)
		return;
	spin_lock(&vmx_vpid_lock);
	__clear_bit(vpid, vmx_vpid_bitmap);
	spin_unlock(&vmx_vpid_lock);
}

static int vmx_vcpu_create(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx;
	struct page *page;
	int i;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(vmx);
		return -ENOMEM;
	}
	vmx->msr_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vmx->msr_page) {
		__free_page(page);
		kfree(vmx);
		return -ENOMEM;
	}
	vmx->guest_msrs = page_address(vmx->msr_page);
	vmx->host_msrs = vmx->guest_msrs + VMX_NR_SWITCHED_MSRS;
	for (i = 0; i < VMX_NR_SWITCHED_MSRS; i++) {
		vmx->guest_msrs[i].index = vmx_switched_msrs[i];
		vmx->host_msrs[i].index = vmx_switched_msrs[i];
	}
	/* SDM 24.2: the revision identifier, then VMCLEAR initialises it. */
	*(u32 *)page_address(page) = vmx_caps.revision;
	vmx->vmcs = page;
	vmx->vmcs_pa = page_to_phys(page);
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_node);
	vmx->vpid = vmx_alloc_vpid();
	vcpu->arch = vmx;
	vmx->cpu_ctls = vmx_caps.cpu;
	vmx->state_valid = true;	/* no VMCS to read yet: g is it */
	return 0;
}

static void vmx_vcpu_free(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int cpu;

	if (!vmx)
		return;
	cpu = get_cpu();
	if (vmx->cpu == cpu)
		vmx_clear_vmcs(vmx);
	else if (vmx->cpu >= 0)
		smp_call_function_single(vmx->cpu, vmx_clear_vmcs_ipi, vmx, 1);
	put_cpu();
	vmx_free_vpid(vmx->vpid);
	__free_page(vmx->msr_page);
	__free_page(vmx->vmcs);
	kfree(vmx);
	vcpu->arch = NULL;
}

static void vmx_seg_reset(struct vmx_seg *seg, u16 sel, u64 base, u32 ar)
{
	seg->selector = sel;
	seg->base = base;
	seg->limit = 0xffff;
	seg->ar = ar;
}

/* The x86 reset state (SDM Vol. 3A 9.1.1, Table 9-1). */
static void vmx_vcpu_reset(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	int i;

	memset(g, 0, sizeof(*g));
	vmx_seg_reset(&g->seg[VMX_CS], 0xf000, 0xffff0000,
		      VMX_AR_P | VMX_AR_S | 0xb);
	for (i = 0; i < VMX_NR_SEGS; i++)
		if (i != VMX_CS)
			vmx_seg_reset(&g->seg[i], 0, 0, VMX_AR_P | VMX_AR_S | 0x3);
	vmx_seg_reset(&g->seg[VMX_LDTR], 0, 0, VMX_AR_P | 0x2);
	vmx_seg_reset(&g->seg[VMX_TR], 0, 0, VMX_AR_P | 0xb);
	g->gdtr_limit = 0xffff;
	g->idtr_limit = 0xffff;
	g->cr0 = 0x60000010;
	g->dr7 = 0x400;
	g->pat = 0x0007040600070406ULL;	/* the PAT reset value */
	vmx->entry_intr_info = 0;
	vmx->state_dirty = true;
	vmx->state_valid = true;
	vmx->need_flush = true;
	vmx_msr_reset(vcpu);
}

/* Fields that do not change while the vCPU lives: written once, at the
 * first load of its VMCS (SDM 24.6-24.8 controls, 24.5 host state). */
static void vmx_vmcs_setup(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 cr0_mask = vmx_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);

	/* What vmx_run() writes only when it changes: from scratch. */
	vmx->entry_ctls = vmx_caps.entry;
	vmx->host_cr0 = vmx->host_cr3 = vmx->host_cr4 = 0;
	vmcs_write(vmx, PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin);
	vmcs_write(vmx, CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_ctls);
	vmx->cpu_ctls_vmcs = vmx->cpu_ctls;
	vmcs_write(vmx, SECONDARY_VM_EXEC_CONTROL, vmx_caps.cpu2);
	vmcs_write(vmx, VM_EXIT_CONTROLS, vmx_caps.exit);
	vmcs_write(vmx, VM_ENTRY_CONTROLS, vmx_caps.entry);
	vmcs_write(vmx, EXCEPTION_BITMAP, 0);
	vmcs_write(vmx, PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(vmx, PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(vmx, CR3_TARGET_COUNT, 0);
	/* SDM 24.7.2, 24.8.2: the guest's syscall MSRs in on entry, out on
	 * exit (same list), the host's back in on exit. */
	vmcs_write(vmx, VM_ENTRY_MSR_LOAD_ADDR, virt_to_phys(vmx->guest_msrs));
	vmcs_write(vmx, VM_ENTRY_MSR_LOAD_COUNT, VMX_NR_SWITCHED_MSRS);
	vmcs_write(vmx, VM_EXIT_MSR_STORE_ADDR, virt_to_phys(vmx->guest_msrs));
	vmcs_write(vmx, VM_EXIT_MSR_STORE_COUNT, VMX_NR_SWITCHED_MSRS);
	vmcs_write(vmx, VM_EXIT_MSR_LOAD_ADDR, virt_to_phys(vmx->host_msrs));
	vmcs_write(vmx, VM_EXIT_MSR_LOAD_COUNT, VMX_NR_SWITCHED_MSRS);
	vmcs_write(vmx, VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(vmx, TSC_OFFSET, vmx->tsc_offset);
	if (vmx_caps.cpu2 & CPU2_ENABLE_VPID)
		vmcs_write(vmx, VIRTUAL_PROCESSOR_ID, vmx->vpid);
	/* SDM 24.6.13: PAUSEs at most PLE_GAP cycles apart for PLE_WINDOW
	 * cycles are a spin loop (KVM's defaults). */
	if (vmx_caps.cpu2 & CPU2_PAUSE_LOOP_EXITING) {
		vmcs_write(vmx, PLE_GAP, 128);
		vmcs_write(vmx, PLE_WINDOW, 4096);
	}
	/* SDM 24.6.11: EPT pointer, write-back, 4-level walk. */
	vmcs_write(vmx, EPT_POINTER,
		   vcpu->vm->npt_root_pa | EPTP_MT_WB | EPTP_WALK_4);
	/* CR0/CR4 bits VMX forces on (NE, VMXE) belong to the host: the
	 * guest reads its own value from the shadow (SDM 25.3). */
	vmcs_write(vmx, CR0_GUEST_HOST_MASK, cr0_mask);
	vmcs_write(vmx, CR4_GUEST_HOST_MASK,
		   vmx_caps.cr4_fixed0 | (~vmx_caps.cr4_fixed1 & 0xffffffffULL));

	/* Host state that is the same on every CPU (SDM 26.2.2-26.2.3). */
	vmcs_write(vmx, HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(vmx, HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(vmx, HOST_DS_SELECTOR, 0);
	vmcs_write(vmx, HOST_ES_SELECTOR, 0);
	vmcs_write(vmx, HOST_FS_SELECTOR, 0);
	vmcs_write(vmx, HOST_GS_SELECTOR, 0);
	vmcs_write(vmx, HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(vmx, HOST_RIP, (unsigned long)vmx_vmexit);
	vmcs_write(vmx, HOST_IA32_SYSENTER_CS, 0);
	vmcs_write(vmx, HOST_IA32_SYSENTER_EIP, 0);
	vmx->vmcs_ready = true;
}

/* ---- Loading the VMCS on a CPU ------------------------------------ */

/* Host state that differs per CPU or per task (SDM 26.2.2). */
static void vmx_set_host_state(struct vmx_vcpu *vmx, int cpu)
{
	struct desc_ptr dt;
	u64 v;

	vmcs_write(vmx, HOST_TR_BASE,
		   (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(vmx, HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	store_idt(&dt);
	vmcs_write(vmx, HOST_IDTR_BASE, dt.address);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(vmx, HOST_GS_BASE, v);
	rdmsrl(MSR_FS_BASE, v);
	vmcs_write(vmx, HOST_FS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(vmx, HOST_IA32_SYSENTER_ESP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(vmx, HOST_IA32_EFER, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write(vmx, HOST_IA32_PAT, v);
}

/* Preemption off.  SDM 24.11.1: a VMCS active on another CPU must be
 * VMCLEARed there before it is VMPTRLDed here. */
static void vmx_vcpu_load(struct vmm_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_cpu_data *cd = per_cpu_ptr(&vmx_cpu_data, cpu);
	unsigned long flags;
	int i;

	if (vmx->cpu != cpu) {
		if (vmx->cpu >= 0)
			smp_call_function_single(vmx->cpu, vmx_clear_vmcs_ipi,
						 vmx, 1);
		local_irq_save(flags);
		list_add(&vmx->loaded_node, &cd->loaded);
		vmx->cpu = cpu;
		local_irq_restore(flags);
		/* Translations cached here under this EPTP/VPID are stale. */
		vmx->need_flush = true;
		vmx->host_state_cpu = -1;
	}
	if (cd->current_vmcs != vmx) {
		if (vmx_vmptrld(vmx->vmcs_pa)) {
			pr_err_ratelimited("VMPTRLD failed\n");
			vmx->vmcs_error = true;
			return;
		}
		cd->current_vmcs = vmx;
	}
	if (!vmx->vmcs_ready)
		vmx_vmcs_setup(vcpu);
	if (vmx->host_state_cpu != cpu) {
		vmx_set_host_state(vmx, cpu);
		vmx->host_state_cpu = cpu;
	}
	savesegment(ds, vmx->host_ds);
	savesegment(es, vmx->host_es);
	/* KERNEL_GS_BASE is this task's user GS base: read it each time. */
	for (i = 0; i < VMX_NR_SWITCHED_MSRS; i++)
		rdmsrl(vmx_switched_msrs[i], vmx->host_msrs[i].value);
}

/* A VM exit left DS/ES null, the GDT limit at 0xffff and the TSS limit at
 * 0x67 (SDM 27.5.2): put back what the host task had. */
static void vmx_vcpu_put(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	/* The VMCS is current here, maybe not where the ioctls run next. */
	vmx_sync_state(vcpu);
	if (!vmx->ran)
		return;
	vmx->ran = false;
	if (vmx->host_ds)
		loadsegment(ds, vmx->host_ds);
	if (vmx->host_es)
		loadsegment(es, vmx->host_es);
	load_fixmap_gdt(raw_smp_processor_id());
	invalidate_tss_limit();
}

static void vmx_flush_tlb(struct vmm_vcpu *vcpu)
{
	to_vmx(vcpu)->need_flush = true;
}

/* INVEPT for this VM's EPT, INVVPID for this vCPU's linear mappings. */
static void vmx_do_flush(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 eptp = vcpu->vm->npt_root_pa | EPTP_MT_WB | EPTP_WALK_4;

	if (vmx_caps.ept_vpid_cap & VMX_EPT_CAP_INVEPT_SINGLE)
		vmx_invept(VMX_INVEPT_SINGLE, eptp);
	else
		vmx_invept(VMX_INVEPT_ALL, 0);
	if (vmx->vpid) {
		if (vmx_caps.ept_vpid_cap & VMX_VPID_CAP_SINGLE)
			vmx_invvpid(VMX_INVVPID_SINGLE, vmx->vpid);
		else
			vmx_invvpid(VMX_INVVPID_ALL, 0);
	}
	vmx->need_flush = false;
}

/* ---- Guest state <-> VMCS ----------------------------------------- */

static const u32 vmx_seg_fields[VMX_NR_SEGS][4] = {
	/* selector, base, limit, access rights */
	{ GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	{ GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	{ GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	{ GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	{ GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	{ GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	{ GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES },
	{ GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
};

static u64 vmx_cr0_mask(void)
{
	return vmx_caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);
}

static u64 vmx_cr4_mask(void)
{
	return vmx_caps.cr4_fixed0 | (~vmx_caps.cr4_fixed1 & 0xffffffffULL);
}

/* PAE paging with EPT: the PDPTEs come from the VMCS (SDM 26.3.2.4). */
static void vmx_load_pdptrs(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 pdpte[4] = { 0 };

	vmm_read_guest(vcpu->vm, vmx->g.cr3 & ~0x1fULL, pdpte, sizeof(pdpte));
	vmcs_write(vmx, GUEST_PDPTR0, pdpte[0]);
	vmcs_write(vmx, GUEST_PDPTR1, pdpte[1]);
	vmcs_write(vmx, GUEST_PDPTR2, pdpte[2]);
	vmcs_write(vmx, GUEST_PDPTR3, pdpte[3]);
}

/* Everything the guest-state area holds, from struct vmx_guest. */
static void vmx_write_guest_state(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	int i;

	for (i = 0; i < VMX_NR_SEGS; i++) {
		vmcs_write(vmx, vmx_seg_fields[i][0], g->seg[i].selector);
		vmcs_write(vmx, vmx_seg_fields[i][1], g->seg[i].base);
		vmcs_write(vmx, vmx_seg_fields[i][2], g->seg[i].limit);
		vmcs_write(vmx, vmx_seg_fields[i][3], g->seg[i].ar);
	}
	vmcs_write(vmx, GUEST_GDTR_BASE, g->gdtr_base);
	vmcs_write(vmx, GUEST_GDTR_LIMIT, g->gdtr_limit);
	vmcs_write(vmx, GUEST_IDTR_BASE, g->idtr_base);
	vmcs_write(vmx, GUEST_IDTR_LIMIT, g->idtr_limit);
	vmcs_write(vmx, GUEST_CR0, g->cr0 | vmx_cr0_mask());
	vmcs_write(vmx, CR0_READ_SHADOW, g->cr0);
	vmcs_write(vmx, GUEST_CR3, g->cr3);
	vmcs_write(vmx, GUEST_CR4, g->cr4 | vmx_caps.cr4_fixed0);
	vmcs_write(vmx, CR4_READ_SHADOW, g->cr4);
	vmcs_write(vmx, GUEST_IA32_EFER, g->efer);
	vmcs_write(vmx, GUEST_IA32_PAT, g->pat);
	vmcs_write(vmx, GUEST_DR7, g->dr7);
	vmcs_write(vmx, GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(vmx, GUEST_SYSENTER_CS, g->sysenter_cs);
	vmcs_write(vmx, GUEST_SYSENTER_ESP, g->sysenter_esp);
	vmcs_write(vmx, GUEST_SYSENTER_EIP, g->sysenter_eip);
	vmcs_write(vmx, TSC_OFFSET, vmx->tsc_offset);
	vmcs_write(vmx, GUEST_ACTIVITY_STATE, 0);
	vmcs_write(vmx, GUEST_PENDING_DBG_EXCEPTIONS, 0);
	if ((g->cr0 & X86_CR0_PG) && (g->cr4 & X86_CR4_PAE) &&
	    !(g->efer & EFER_LMA))
		vmx_load_pdptrs(vcpu);
	vmx->state_dirty = false;
}

/*
 * After an exit: what the guest may have changed without exiting.  Read
 * on demand (vmx_sync_state()), not after every exit: it is about 45
 * VMREADs, and the hot exits (CPUID, HLT, a host interrupt, port I/O)
 * need none of it.  Documentation/performance.md has the figures.
 */
static void vmx_read_guest_state(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	u64 cr0_mask = vmx_cr0_mask(), cr4_mask = vmx_cr4_mask();
	int i;

	for (i = 0; i < VMX_NR_SEGS; i++) {
		g->seg[i].selector = vmcs_read(vmx, vmx_seg_fields[i][0]);
		g->seg[i].base = vmcs_read(vmx, vmx_seg_fields[i][1]);
		g->seg[i].limit = vmcs_read(vmx, vmx_seg_fields[i][2]);
		g->seg[i].ar = vmcs_read(vmx, vmx_seg_fields[i][3]);
	}
	g->gdtr_base = vmcs_read(vmx, GUEST_GDTR_BASE);
	g->gdtr_limit = vmcs_read(vmx, GUEST_GDTR_LIMIT);
	g->idtr_base = vmcs_read(vmx, GUEST_IDTR_BASE);
	g->idtr_limit = vmcs_read(vmx, GUEST_IDTR_LIMIT);
	g->cr0 = (vmcs_read(vmx, GUEST_CR0) & ~cr0_mask) | (g->cr0 & cr0_mask);
	g->cr3 = vmcs_read(vmx, GUEST_CR3);
	g->cr4 = (vmcs_read(vmx, GUEST_CR4) & ~cr4_mask) | (g->cr4 & cr4_mask);
	g->efer = vmcs_read(vmx, GUEST_IA32_EFER);
	g->pat = vmcs_read(vmx, GUEST_IA32_PAT);
	if (vmx_caps.exit & EXIT_SAVE_DEBUG_CTLS)
		g->dr7 = vmcs_read(vmx, GUEST_DR7);
	g->sysenter_cs = vmcs_read(vmx, GUEST_SYSENTER_CS);
	g->sysenter_esp = vmcs_read(vmx, GUEST_SYSENTER_ESP);
	g->sysenter_eip = vmcs_read(vmx, GUEST_SYSENTER_EIP);
}

/*
 * struct vmx_guest up to date with the VMCS.  Every reader and writer of
 * struct vmx_guest outside the entry/exit path calls this first (a writer
 * that did not would write stale fields back with the next entry).  The
 * VMCS must be current on this CPU: vmx_vcpu_put() syncs before the vCPU
 * leaves the CPU, so the ioctls that run outside VMM_RUN see a valid copy.
 */
void vmx_sync_state(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (vmx->state_valid)
		return;
	vmx_read_guest_state(vcpu);
	vmx->state_valid = true;
}

/* CS and SS access rights (CPL, 64-bit mode) without a full sync. */
void vmx_read_mode(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (vmx->state_valid)
		return;
	vmx->g.seg[VMX_CS].ar = vmcs_read(vmx, GUEST_CS_AR_BYTES);
	vmx->g.seg[VMX_SS].ar = vmcs_read(vmx, GUEST_SS_AR_BYTES);
}

/* What every exit needs at once: CR0 (real mode or not, for event
 * injection), EFER.LMA (the entry controls) and DR7 (debugreg.c). */
static void vmx_read_hot_state(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	u64 cr0_mask = vmx_cr0_mask();

	g->cr0 = (vmcs_read(vmx, GUEST_CR0) & ~cr0_mask) | (g->cr0 & cr0_mask);
	g->efer = vmcs_read(vmx, GUEST_IA32_EFER);
	if (vmx_caps.exit & EXIT_SAVE_DEBUG_CTLS)
		g->dr7 = vmcs_read(vmx, GUEST_DR7);
}

/* The exit information vmx_exit.c uses (SDM 24.9). */
static void vmx_read_exit_info(struct vmx_vcpu *vmx)
{
	vmx->exit_reason = vmcs_read(vmx, VM_EXIT_REASON);
	vmx->exit_qual = vmcs_read(vmx, EXIT_QUALIFICATION);
	vmx->exit_intr_info = vmcs_read(vmx, VM_EXIT_INTR_INFO);
	vmx->exit_insn_len = vmcs_read(vmx, VM_EXIT_INSTRUCTION_LEN);
	vmx->exit_insn_info = vmcs_read(vmx, VMX_INSTRUCTION_INFO);
	vmx->exit_gpa = vmcs_read(vmx, GUEST_PHYSICAL_ADDRESS);
	vmx->idt_vectoring_info = vmcs_read(vmx, IDT_VECTORING_INFO);
	vmx->idt_vectoring_err = vmcs_read(vmx, IDT_VECTORING_ERROR_CODE);
}

static void vmx_set_host_cr(struct vmx_vcpu *vmx, u32 field, u64 *cached,
			    u64 val)
{
	if (*cached != val) {
		vmcs_write(vmx, field, val);
		*cached = val;
	}
}

/* Called with interrupts off and vcpu->mode == VMM_IN_GUEST. */
static void vmx_run(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	u32 entry = vmx_caps.entry;
	int failed;

	vmx->entry_vmfail = false;
	vmx->exit_reason = 0;
	vmx->idt_vectoring_info = 0;	/* no entry: nothing cut short */
	if (vmx->vmcs_error)
		return;		/* vmx_handle_exit() reports it */
	if (vmx->need_flush)
		vmx_do_flush(vcpu);
	if (vmx->state_dirty)
		vmx_write_guest_state(vcpu);
	if (g->efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE;
	if (entry != vmx->entry_ctls) {
		vmcs_write(vmx, VM_ENTRY_CONTROLS, entry);
		vmx->entry_ctls = entry;
	}
	if (vmx->cpu_ctls != vmx->cpu_ctls_vmcs) {
		vmcs_write(vmx, CPU_BASED_VM_EXEC_CONTROL, vmx->cpu_ctls);
		vmx->cpu_ctls_vmcs = vmx->cpu_ctls;
	}
	vmcs_write(vmx, GUEST_RSP, vcpu->regs[VMM_RSP]);
	vmcs_write(vmx, GUEST_RIP, vcpu->rip);
	vmcs_write(vmx, GUEST_RFLAGS, vcpu->rflags);
	vmcs_write(vmx, GUEST_INTERRUPTIBILITY_INFO, g->interruptibility);
	vmcs_write(vmx, VM_ENTRY_INTR_INFO, vmx->entry_intr_info);
	if (vmx->entry_intr_info & VMX_INTR_ERR_VALID)
		vmcs_write(vmx, VM_ENTRY_EXCEPTION_ERROR_CODE, vmx->entry_intr_err);
	if (vmx_caps.pin & PIN_PREEMPT_TIMER)
		vmcs_write(vmx, VMX_PREEMPTION_TIMER_VALUE, vmx_preempt_ticks);
	/* The guest's DR7, as MOV DR emulation left it (debugreg.c). */
	if (g->dr7 != vcpu->dr.dr7) {
		g->dr7 = vcpu->dr.dr7;
		vmcs_write(vmx, GUEST_DR7, g->dr7);
	}
	/* Host control registers: only when they changed (a task switch
	 * changes CR3, the FPU code CR0.TS, rarely CR4). */
	vmx_set_host_cr(vmx, HOST_CR0, &vmx->host_cr0, read_cr0());
	vmx_set_host_cr(vmx, HOST_CR3, &vmx->host_cr3, __read_cr3());
	vmx_set_host_cr(vmx, HOST_CR4, &vmx->host_cr4, __read_cr4());
	if (vmx->vmcs_error)
		return;

	/* VMX does not switch CR2 (SDM 27.3): the guest's, by hand. */
	if (native_read_cr2() != g->cr2)
		native_write_cr2(g->cr2);

	vmx->ran = true;
	vmm_dr_enter(vcpu, true);
	failed = __vmx_vcpu_run(vcpu->regs, vmx->launched);
	/* A VM exit sets DR7 to 0x400 (SDM 27.5.1): host breakpoints back,
	 * the guest's DR6 (not in the VMCS) saved first. */
	vmm_dr_exit(vcpu, true);
	if (failed) {
		vmx->entry_vmfail = true;
		vmx->insn_error = vmcs_read(vmx, VM_INSTRUCTION_ERROR);
		return;
	}
	g->cr2 = native_read_cr2();

	vmx_read_exit_info(vmx);
	/* NMI exiting took the host's NMI (SDM 27.1): hand it over. */
	if ((vmx->exit_reason & VMX_EXIT_REASON_MASK) == VMX_EXIT_EXCEPTION_NMI &&
	    (vmx->exit_intr_info & (VMX_INTR_VALID | VMX_INTR_TYPE_MASK)) ==
	    (VMX_INTR_VALID | VMX_INTR_TYPE_NMI))
		asm volatile("int $2");
	if (vmx->exit_reason & VMX_EXIT_ENTRY_FAILED) {
		/* SDM 26.8: the entry failed, the VMCS is not launched. */
		return;
	}
	vmx->launched = true;
	vcpu->regs[VMM_RSP] = vmcs_read(vmx, GUEST_RSP);
	vcpu->rip = vmcs_read(vmx, GUEST_RIP);
	vcpu->rflags = vmcs_read(vmx, GUEST_RFLAGS);
	g->interruptibility = vmcs_read(vmx, GUEST_INTERRUPTIBILITY_INFO) &
			      (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS |
			       VMX_INTERRUPTIBILITY_NMI);
	vmx_read_hot_state(vcpu);
	vmx->state_valid = false;
	vcpu->dr.dr7 = g->dr7;
}

/* Step over the exiting instruction (SDM 27.2.5: its length). */
void vmx_skip_insn(struct vmm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vcpu->rip += vmx->exit_insn_len;
	vmx->g.interruptibility &= ~(VMX_INTERRUPTIBILITY_STI |
				     VMX_INTERRUPTIBILITY_MOV_SS);
}

/* An exception for the guest: queued, events.c injects it. */
static void vmx_inject_exception(struct vmm_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error, u64 cr2)
{
	vmm_queue_exception(vcpu, vector, has_error, error, cr2);
}

void vmx_inject_ud(struct vmm_vcpu *vcpu)
{
	vmx_inject_exception(vcpu, X86_TRAP_UD, false, 0, 0);
}

void vmx_inject_gp(struct vmm_vcpu *vcpu)
{
	vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
}

/* ---- Events: the hardware side of events.c ----------------------- */

/* IDT-vectoring information (SDM 27.2.4) in arch-neutral form. */
static void vmx_get_vectoring(struct vmm_vcpu *vcpu, struct vmm_evt *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info = vmx->idt_vectoring_info;

	memset(ev, 0, sizeof(*ev));
	if (!(info & VMX_INTR_VALID))
		return;
	switch (info & VMX_INTR_TYPE_MASK) {
	case VMX_INTR_TYPE_EXT:
		ev->type = VMM_EVENT_EXTINT;
		break;
	case VMX_INTR_TYPE_NMI:
		ev->type = VMM_EVENT_NMI;
		break;
	case VMX_INTR_TYPE_HW_EXCEPT:
		ev->type = VMM_EVENT_EXCEPTION;
		break;
	default:	/* INT n, INT1, INT3, INTO: RIP is on the instruction */
		ev->type = VMM_EVENT_SOFT_INT;
		break;
	}
	ev->vector = info & VMX_INTR_VECTOR_MASK;
	if (info & VMX_INTR_ERR_VALID) {
		ev->has_error = true;
		ev->error = vmx->idt_vectoring_err;
	}
}

/* SDM 26.6: the VM-entry interruption-information field; vmx_run()
 * writes it into the VMCS. */
static void vmx_inject_event(struct vmm_vcpu *vcpu, const struct vmm_evt *ev)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool has_error;
	u32 type;

	vmx->entry_intr_info = 0;
	vmx->entry_intr_err = 0;
	if (!ev)
		return;
	has_error = ev->has_error;
	switch (ev->type) {
	case VMM_EVENT_EXTINT:
		type = VMX_INTR_TYPE_EXT;
		has_error = false;
		break;
	case VMM_EVENT_NMI:
		type = VMX_INTR_TYPE_NMI;
		has_error = false;
		/* SDM 26.3.1.5: no NMI injection under virtual-NMI
		 * blocking; delivering it sets the blocking (26.6.1.2). */
		vmx->g.interruptibility &= ~VMX_INTERRUPTIBILITY_NMI;
		break;
	case VMM_EVENT_EXCEPTION:
		type = VMX_INTR_TYPE_HW_EXCEPT;
		if (ev->has_cr2)
			vmx->g.cr2 = ev->cr2;	/* vmx_run() loads it */
		break;
	default:
		return;
	}
	/* Real mode (unrestricted guest): no error code (SDM 26.2.1.3). */
	if (!(vmx->g.cr0 & X86_CR0_PE))
		has_error = false;
	vmx->entry_intr_info = ev->vector | type | VMX_INTR_VALID |
			       (has_error ? VMX_INTR_ERR_VALID : 0);
	vmx->entry_intr_err = has_error ? ev->error : 0;
}

/* SDM 24.4.2: blocking by STI and by MOV SS. */
static u32 vmx_get_interrupt_shadow(struct vmm_vcpu *vcpu)
{
	u32 i = to_vmx(vcpu)->g.interruptibility;

	return ((i & VMX_INTERRUPTIBILITY_STI) ? VMM_SHADOW_STI : 0) |
	       ((i & VMX_INTERRUPTIBILITY_MOV_SS) ? VMM_SHADOW_MOV_SS : 0);
}

static void vmx_set_cpu_ctl(struct vmm_vcpu *vcpu, u32 bit, bool on)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	if (on)
		vmx->cpu_ctls |= bit;
	else
		vmx->cpu_ctls &= ~bit;
}

/* SDM 25.2: interrupt-window exiting exits before the first instruction
 * at which RFLAGS.IF = 1 and neither STI nor MOV SS blocks. */
static void vmx_set_irq_window(struct vmm_vcpu *vcpu, bool on)
{
	vmx_set_cpu_ctl(vcpu, CPU_INTR_WINDOW_EXITING, on);
}

/* SDM 25.2: NMI-window exiting exits once there is no virtual-NMI
 * blocking (the handler's IRET) and no MOV SS (or STI) blocking. */
static void vmx_set_nmi_window(struct vmm_vcpu *vcpu, bool on)
{
	vmx_set_cpu_ctl(vcpu, CPU_NMI_WINDOW_EXITING, on);
}

/* With virtual NMIs the CPU tracks NMI blocking for the guest (SDM
 * 25.3, 26.6.1.2): blocked from an NMI's delivery until IRET. */
static bool vmx_get_nmi_mask(struct vmm_vcpu *vcpu)
{
	return to_vmx(vcpu)->g.interruptibility & VMX_INTERRUPTIBILITY_NMI;
}

/* ---- Special registers <-> struct vmx_guest ----------------------- */

static void vmx_seg_get(const struct vmx_seg *h, struct vmm_segment *s)
{
	u32 a = h->ar;

	s->base = h->base;
	s->limit = h->limit;
	s->selector = h->selector;
	s->type = VMX_AR_TYPE(a);
	s->s = !!(a & VMX_AR_S);
	s->dpl = (a >> VMX_AR_DPL_SHIFT) & 3;
	s->present = !!(a & VMX_AR_P);
	s->avl = !!(a & VMX_AR_AVL);
	s->l = !!(a & VMX_AR_L);
	s->db = !!(a & VMX_AR_DB);
	s->g = !!(a & VMX_AR_G);
	s->unusable = !!(a & VMX_AR_UNUSABLE) || !s->present;
	if (a & VMX_AR_UNUSABLE)
		s->present = 0;
	s->padding = 0;
}

static bool vmx_seg_valid(const struct vmm_segment *s)
{
	return s->type <= 15 && s->dpl <= 3 && s->present <= 1 &&
	       s->s <= 1 && s->l <= 1 && s->db <= 1 && s->g <= 1 &&
	       s->avl <= 1 && s->unusable <= 1;
}

static void vmx_seg_set(struct vmx_seg *h, const struct vmm_segment *s)
{
	h->base = s->base;
	h->limit = s->limit;
	h->selector = s->selector;
	if (s->unusable || !s->present) {
		h->ar = VMX_AR_UNUSABLE;
		return;
	}
	h->ar = s->type | (s->s ? VMX_AR_S : 0) |
		(s->dpl << VMX_AR_DPL_SHIFT) | VMX_AR_P |
		(s->avl ? VMX_AR_AVL : 0) | (s->l ? VMX_AR_L : 0) |
		(s->db ? VMX_AR_DB : 0) | (s->g ? VMX_AR_G : 0);
}

static void vmx_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *s)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	const struct vmx_guest *g = &vmx->g;

	vmx_sync_state(vcpu);
	vmx_seg_get(&g->seg[VMX_CS], &s->cs);
	vmx_seg_get(&g->seg[VMX_DS], &s->ds);
	vmx_seg_get(&g->seg[VMX_ES], &s->es);
	vmx_seg_get(&g->seg[VMX_FS], &s->fs);
	vmx_seg_get(&g->seg[VMX_GS], &s->gs);
	vmx_seg_get(&g->seg[VMX_SS], &s->ss);
	vmx_seg_get(&g->seg[VMX_TR], &s->tr);
	vmx_seg_get(&g->seg[VMX_LDTR], &s->ldt);
	s->gdt.base = g->gdtr_base;
	s->gdt.limit = g->gdtr_limit;
	s->idt.base = g->idtr_base;
	s->idt.limit = g->idtr_limit;
	s->cr0 = g->cr0;
	s->cr2 = g->cr2;
	s->cr3 = g->cr3;
	s->cr4 = g->cr4;
	s->cr8 = vcpu->apic ? vmm_lapic_get_cr8(vcpu) : g->cr8;
	s->efer = g->efer;
	s->apic_base = vcpu->msr.apic_base;
}

u64 vmx_guest_efer_mask(void)
{
	u64 m = EFER_SCE | EFER_LME | EFER_LMA;

	if (boot_cpu_has(X86_FEATURE_NX))
		m |= EFER_NX;
	return m;
}

static u64 vmx_guest_cr4_mask(void)
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
	return m & vmx_caps.cr4_fixed1;
}

/* SDM 26.3.1.2: TR must be a usable busy TSS, LDTR an LDT or unusable. */
static void vmx_fix_system_segs(struct vmx_guest *g)
{
	struct vmx_seg *tr = &g->seg[VMX_TR], *ldtr = &g->seg[VMX_LDTR];
	u32 type = VMX_AR_TYPE(tr->ar);

	if ((tr->ar & VMX_AR_UNUSABLE) || (type != 3 && type != 11) ||
	    ((g->efer & EFER_LMA) && type != 11)) {
		tr->ar = (tr->ar & ~(0xfU | VMX_AR_UNUSABLE | VMX_AR_S)) |
			 VMX_AR_P | 11;
	}
	if (!(ldtr->ar & VMX_AR_UNUSABLE) && VMX_AR_TYPE(ldtr->ar) != 2)
		ldtr->ar = VMX_AR_UNUSABLE;
}

static int vmx_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *s)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	int r;

	vmx_sync_state(vcpu);
	/* What the VM-entry checks (SDM 26.3.1) would refuse. */
	r = vmm_check_sregs(s, vmx_seg_valid, vmx_guest_cr4_mask(),
			    vmx_guest_efer_mask());
	if (r)
		return r;
	vmx_seg_set(&g->seg[VMX_CS], &s->cs);
	vmx_seg_set(&g->seg[VMX_DS], &s->ds);
	vmx_seg_set(&g->seg[VMX_ES], &s->es);
	vmx_seg_set(&g->seg[VMX_FS], &s->fs);
	vmx_seg_set(&g->seg[VMX_GS], &s->gs);
	vmx_seg_set(&g->seg[VMX_SS], &s->ss);
	vmx_seg_set(&g->seg[VMX_TR], &s->tr);
	vmx_seg_set(&g->seg[VMX_LDTR], &s->ldt);
	g->gdtr_base = s->gdt.base;
	g->gdtr_limit = s->gdt.limit;
	g->idtr_base = s->idt.base;
	g->idtr_limit = s->idt.limit;
	g->cr0 = s->cr0;
	g->cr2 = s->cr2;
	g->cr3 = s->cr3;
	g->cr4 = s->cr4;
	g->cr8 = s->cr8;
	if (vcpu->apic)
		vmm_lapic_set_cr8(vcpu, s->cr8);
	g->efer = s->efer;
	vmx_fix_system_segs(g);
	vcpu->msr.apic_base = s->apic_base;
	vmx->state_dirty = true;
	/* New paging state: forget translations made under the old one. */
	vmx->need_flush = true;
	return 0;
}

/* MOV to CR0 that exited (a host-owned bit differs from the shadow). */
int vmx_set_cr0(struct vmm_vcpu *vcpu, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_guest *g = &vmx->g;
	bool pg = val & X86_CR0_PG;

	vmx_sync_state(vcpu);
	if (val >> 32 || (pg && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return -EINVAL;
	/* SDM Vol. 3A 9.8.5: paging on with LME set enters long mode. */
	if (pg && !(g->cr0 & X86_CR0_PG) && (g->efer & EFER_LME)) {
		if (!(g->cr4 & X86_CR4_PAE))
			return -EINVAL;
		g->efer |= EFER_LMA;
	} else if (!pg && (g->cr0 & X86_CR0_PG)) {
		g->efer &= ~EFER_LMA;
	}
	g->cr0 = val | X86_CR0_ET;
	vmx->state_dirty = true;
	vmx->need_flush = true;
	return 0;
}

int vmx_set_cr4(struct vmm_vcpu *vcpu, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_sync_state(vcpu);
	if (val & ~vmx_guest_cr4_mask())
		return -EINVAL;
	if ((vmx->g.efer & EFER_LMA) && !(val & X86_CR4_PAE))
		return -EINVAL;
	vmx->g.cr4 = val;
	vmx->state_dirty = true;
	vmx->need_flush = true;
	return 0;
}

static u64 vmx_get_cr4(struct vmm_vcpu *vcpu)
{
	vmx_sync_state(vcpu);
	return to_vmx(vcpu)->g.cr4;
}

/* SDM 25.3: RDTSCP and RDPID are #UD unless "enable RDTSCP" is on. */
static bool vmx_has_rdtscp(void)
{
	return vmx_caps.cpu2 & CPU2_ENABLE_RDTSCP;
}

/* VMX knows the length itself (SDM 27.2.5). */
static void vmx_skip_insn_len(struct vmm_vcpu *vcpu, unsigned int len)
{
	vmx_skip_insn(vcpu);
}

/* ---- EPT entry format (SDM 28.3.2) -------------------------------- */

static int vmx_pt_levels(void)
{
	return 4;
}

static u64 vmx_pte_table(phys_addr_t table)
{
	return (table & EPT_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

static u64 vmx_pte_leaf(phys_addr_t page, bool writable)
{
	/* Write-back, combined with the guest's PAT (ignore-PAT clear). */
	return (page & EPT_ADDR_MASK) | EPT_R | EPT_X | EPT_MT_WB |
	       (writable ? EPT_W : 0);
}

static bool vmx_pte_present(u64 pte)
{
	return pte & (EPT_R | EPT_W | EPT_X);
}

static bool vmx_pte_writable(u64 pte)
{
	return pte & EPT_W;
}

static phys_addr_t vmx_pte_addr(u64 pte)
{
	return pte & EPT_ADDR_MASK;
}

const struct vmm_backend_ops vmx_backend_ops = {
	.name			= "vmx",
	.backend		= VMM_BACKEND_VMX,
	.hardware_setup		= vmx_hardware_setup,
	.hardware_unsetup	= vmx_hardware_unsetup,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.fill_info		= vmx_fill_info,
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_reset		= vmx_vcpu_reset,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.run			= vmx_run,
	.handle_exit		= vmx_handle_exit,
	.flush_tlb		= vmx_flush_tlb,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.inject_exception	= vmx_inject_exception,
	.get_vectoring		= vmx_get_vectoring,
	.inject_event		= vmx_inject_event,
	.get_interrupt_shadow	= vmx_get_interrupt_shadow,
	.set_irq_window		= vmx_set_irq_window,
	.set_nmi_window		= vmx_set_nmi_window,
	.get_nmi_mask		= vmx_get_nmi_mask,
	.pt_levels		= vmx_pt_levels,
	.pte_table		= vmx_pte_table,
	.pte_leaf		= vmx_pte_leaf,
	.pte_present		= vmx_pte_present,
	.pte_writable		= vmx_pte_writable,
	.pte_addr		= vmx_pte_addr,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.set_tsc_offset		= vmx_set_tsc_offset,
	.skip_insn		= vmx_skip_insn_len,
	.get_cr4		= vmx_get_cr4,
	.has_rdtscp		= vmx_has_rdtscp,
};
