// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid.c - what the guest's CPUID instruction returns: a per-VM policy
 * that userspace may replace (VMM_SET_CPUID), and the default policy a
 * new VM gets, derived from the host with everything vmm does not
 * virtualize hidden.  CPUID always exits (APM Vol. 2 15.9, intercept
 * vector 3 bit 18), so the policy is enforced for every guest read.
 *
 * Bits: AMD CPUID Specification (pub. 25481) and SDM Vol. 2A "CPUID".
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#include "vmm.h"

#define MAX_BASIC_LEAF		0xd
#define MAX_EXT_LEAF		0x80000008
#define HV_LEAF			0x40000000

/* Leaf 1 ECX bits hidden: DTES64, MONITOR, DS-CPL, VMX, SMX, EIST, TM2,
 * SDBG, xTPR, PDCM (no PMU), DCA, x2APIC and TSC deadline (shown with
 * VMM_CAP_LAPIC, vmm_cpuid_enable_lapic()); OSXSAVE is the guest's
 * CR4.OSXSAVE at CPUID time; XSAVE, AVX,
 * FMA and F16C are shown below when vmm switches the YMM state. */
#define L1_ECX_HIDE	(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | \
			 BIT(8) | BIT(11) | BIT(12) | BIT(14) | BIT(15) | \
			 BIT(18) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | \
			 BIT(28) | BIT(29))
#define L1_ECX_FMA	BIT(12)
#define L1_ECX_XSAVE	BIT(26)
#define L1_ECX_OSXSAVE	BIT(27)
#define L1_ECX_AVX	BIT(28)
#define L1_ECX_F16C	BIT(29)
#define L1_ECX_HYPERVISOR	BIT(31)
#define L1_ECX_X2APIC	BIT(21)
#define L1_ECX_TSC_DEADLINE	BIT(24)
#define L1_EDX_APIC	BIT(9)
/* Leaf 1 EDX: no MCA (no MCG_* MSRs), DS, ACPI thermal, TM, PBE. */
#define L1_EDX_HIDE	(BIT(14) | BIT(21) | BIT(22) | BIT(29) | BIT(31))
/* Leaf 7.0 EBX kept: FSGSBASE, TSC_ADJUST (emulated, msr.c), BMI1, SMEP,
 * BMI2, ERMS, RDSEED, ADX, SMAP, CLFLUSHOPT, CLWB, SHA; AVX2 with AVX.
 * Everything else (AVX-512, MPX, ...) goes. */
#define L7_EBX_KEEP	(BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | \
			 BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | \
			 BIT(29))
#define L7_EBX_TSC_ADJUST	BIT(1)
#define L7_EBX_AVX2	BIT(5)
#define L7_ECX_RDPID	BIT(22)
/* Leaf 7.0 EDX: IBRS/IBPB, STIBP, SSBD when the host has them (msr.c). */
#define L7_EDX_SPEC	(BIT(26) | BIT(27) | BIT(31))
/* 0x80000001 ECX hidden: SVM, OSVW, IBS, SKINIT, WDT, LWP, TOPOEXT, perf
 * counters, data breakpoint extensions; XOP and FMA4 without AVX. */
#define E1_ECX_HIDE	(BIT(2) | BIT(9) | BIT(10) | BIT(12) | BIT(13) | \
			 BIT(15) | BIT(22) | BIT(23) | BIT(24) | BIT(26) | \
			 BIT(28))
#define E1_ECX_AVX_ONLY	(BIT(11) | BIT(16))
#define E1_EDX_RDTSCP	BIT(27)
/* 0x80000008 EBX: IBPB, IBRS, STIBP, SSBD when the host has them. */
#define E8_EBX_SPEC	(BIT(12) | BIT(14) | BIT(15) | BIT(24))
/* 0xD.1 EAX: XSAVEOPT, XSAVEC; never XSAVES (no IA32_XSS). */
#define D1_EAX_KEEP	(BIT(0) | BIT(1))
#define D1_EAX_XSAVEC	BIT(1)

#define XFEAT_YMM	BIT_ULL(2)

static void add_entry(struct vmm_vm *vm, u32 func, u32 index, u32 flags,
		      u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	struct vmm_cpuid_entry *e;

	if (vm->cpuid_nent >= VMM_MAX_CPUID)
		return;
	e = &vm->cpuid[vm->cpuid_nent++];
	e->function = func;
	e->index = index;
	e->flags = flags;
	e->eax = eax;
	e->ebx = ebx;
	e->ecx = ecx;
	e->edx = edx;
}

static void add_host_leaf(struct vmm_vm *vm, u32 func)
{
	u32 a, b, c, d;

	cpuid(func, &a, &b, &c, &d);
	add_entry(vm, func, 0, 0, a, b, c, d);
}

/*
 * Leaf 0xD (SDM Vol. 1 13.2) from the XCR0 bits vmm supports.  Sub-leaf
 * 0 EBX (and 1 EBX) depend on the guest's XCR0 and are filled in at
 * CPUID time (vmm_cpuid_lookup).
 */
static void cpuid_add_xsave(struct vmm_vm *vm)
{
	u64 xcr0 = vmm_xcr0_supported;
	u32 a, b, c, d;
	int i;

	add_entry(vm, 0xd, 0, VMM_CPUID_SIGNIFICANT_INDEX, (u32)xcr0,
		  vmm_xsave_size(1, false), vmm_xsave_size(xcr0, false),
		  xcr0 >> 32);
	cpuid_count(0xd, 1, &a, &b, &c, &d);
	add_entry(vm, 0xd, 1, VMM_CPUID_SIGNIFICANT_INDEX, a & D1_EAX_KEEP,
		  0, 0, 0);
	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		/* size, offset, ECX bit 1 (64-byte aligned when compacted);
		 * ECX bit 0 (supervisor state) is never set for these. */
		add_entry(vm, 0xd, i, VMM_CPUID_SIGNIFICANT_INDEX, a, b,
			  c & BIT(1), 0);
	}
}

/* The default policy of a new VM. */
int vmm_cpuid_init(struct vmm_vm *vm)
{
	bool ymm = vmm_xcr0_supported & XFEAT_YMM;
	/* TSC_AUX is the guest's only where RDTSCP/RDPID work (msr.c). */
	bool rdtscp = vmm_ops->has_rdtscp();
	u32 a, b, c, d, max, i;

	vm->cpuid = kcalloc(VMM_MAX_CPUID, sizeof(*vm->cpuid),
			    GFP_KERNEL_ACCOUNT);
	if (!vm->cpuid)
		return -ENOMEM;
	vm->cpuid_nent = 0;

	cpuid(0, &max, &b, &c, &d);
	max = min_t(u32, max, MAX_BASIC_LEAF);
	add_entry(vm, 0, 0, 0, max, b, c, d);

	/* Leaf 1: EBX[31:24] (APIC ID) is set per vCPU at exit time. */
	cpuid(1, &a, &b, &c, &d);
	b = (b & 0x0000ffff) | (1 << 16);	/* one logical CPU */
	c = (c & ~L1_ECX_HIDE) | L1_ECX_HYPERVISOR;
	if (vmm_xcr0_supported)
		c |= L1_ECX_XSAVE;
	if (ymm)
		c |= cpuid_ecx(1) & (L1_ECX_AVX | L1_ECX_FMA | L1_ECX_F16C);
	d &= ~L1_EDX_HIDE;
	add_entry(vm, 1, 0, 0, a, b, c, d);

	if (max >= 2)
		add_host_leaf(vm, 2);
	if (max >= 4) {		/* deterministic cache parameters (Intel) */
		for (i = 0; i < 8; i++) {
			cpuid_count(4, i, &a, &b, &c, &d);
			a &= 0x3ff;	/* no core/thread sharing counts */
			add_entry(vm, 4, i, VMM_CPUID_SIGNIFICANT_INDEX,
				  a, b, c, d);
			if (!(a & 0x1f))
				break;
		}
	}
	if (max >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		add_entry(vm, 7, 0, VMM_CPUID_SIGNIFICANT_INDEX, 0,
			  (b & (L7_EBX_KEEP | (ymm ? L7_EBX_AVX2 : 0))) |
			  L7_EBX_TSC_ADJUST,
			  rdtscp ? c & L7_ECX_RDPID : 0, d & L7_EDX_SPEC);
	}
	if (max >= 0xd && vmm_xcr0_supported)
		cpuid_add_xsave(vm);
	/* Leaves 5 (MONITOR), 6 (power), 0xA (PMU), 0xB: zero. */

	/* The hypervisor leaf: "vmmvmmvmmvmm" in EBX, ECX, EDX. */
	add_entry(vm, HV_LEAF, 0, 0, HV_LEAF, 0x766d6d76, 0x6d766d6d,
		  0x6d6d766d);

	cpuid(0x80000000, &max, &b, &c, &d);
	if (max < 0x80000001)
		return 0;
	max = min_t(u32, max, MAX_EXT_LEAF);
	add_entry(vm, 0x80000000, 0, 0, max, b, c, d);
	cpuid(0x80000001, &a, &b, &c, &d);
	c &= ~(E1_ECX_HIDE | (ymm ? 0 : E1_ECX_AVX_ONLY));
	if (!rdtscp)
		d &= ~E1_EDX_RDTSCP;
	add_entry(vm, 0x80000001, 0, 0, a, b, c, d);
	for (i = 0x80000002; i <= max; i++) {
		cpuid(i, &a, &b, &c, &d);
		if (i == 0x80000007) {		/* only invariant TSC */
			a = b = c = 0;
			d &= BIT(8);
		} else if (i == 0x80000008) {	/* address sizes, spec. ctrl */
			b &= E8_EBX_SPEC;
			c = d = 0;
		}
		add_entry(vm, i, 0, 0, a, b, c, d);
	}
	return 0;
}

static const struct vmm_cpuid_entry *
cpuid_find(struct vmm_vm *vm, u32 func, u32 index)
{
	const struct vmm_cpuid_entry *e;
	u32 i;

	for (i = 0; i < vm->cpuid_nent; i++) {
		e = &vm->cpuid[i];
		if (e->function != func)
			continue;
		if ((e->flags & VMM_CPUID_SIGNIFICANT_INDEX) && e->index != index)
			continue;
		return e;
	}
	return NULL;
}

void vmm_cpuid_lookup(struct vmm_vcpu *vcpu, u32 func, u32 index,
		      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	struct vmm_vm *vm = vcpu->vm;
	const struct vmm_cpuid_entry *e;

	mutex_lock(&vm->lock);
	e = cpuid_find(vm, func, index);
	if (e) {
		*eax = e->eax;
		*ebx = e->ebx;
		*ecx = e->ecx;
		*edx = e->edx;
	} else {
		*eax = *ebx = *ecx = *edx = 0;	/* abi.md: unknown is zero */
	}
	mutex_unlock(&vm->lock);

	if (func == 1) {	/* initial APIC ID = vCPU id */
		*ebx = (*ebx & 0x00ffffff) | (vcpu->id << 24);
		/* SDM Vol. 2A CPUID: OSXSAVE reflects CR4.OSXSAVE. */
		*ecx &= ~L1_ECX_OSXSAVE;
		if ((*ecx & L1_ECX_XSAVE) &&
		    (vmm_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE))
			*ecx |= L1_ECX_OSXSAVE;
	}
	/* SDM Vol. 2A CPUID leaves 0xB/0x1F: EDX is the x2APIC ID. */
	if (e && (func == 0xb || func == 0x1f))
		*edx = vcpu->id;
	/* SDM Vol. 1 13.2: the sizes for the XCR0 the guest has now. */
	if (e && func == 0xd && index == 0)
		*ebx = vmm_xsave_size(vcpu->xcr0, false);
	if (e && func == 0xd && index == 1)
		*ebx = (*eax & D1_EAX_XSAVEC) ?
		       vmm_xsave_size(vcpu->xcr0, true) : 0;
}

static struct vmm_cpuid_entry *cpuid_find_mut(struct vmm_vm *vm, u32 func,
					      u32 index)
{
	return (struct vmm_cpuid_entry *)cpuid_find(vm, func, index);
}

/*
 * VMM_CAP_LAPIC was enabled (vm->lock held, no vCPU yet): the policy
 * shows the APIC (1:EDX[9]), x2APIC (1:ECX[21]), TSC-deadline
 * (1:ECX[24], when the host TSC rate is known) and the topology leaf
 * 0xB (SDM Vol. 2A CPUID, Vol. 3A 9.6.2): one thread per core, 64 cores
 * at most (6 bits of x2APIC ID per package); EDX, the x2APIC ID, is
 * the vCPU's at lookup time.
 */
void vmm_cpuid_enable_lapic(struct vmm_vm *vm)
{
	struct vmm_cpuid_entry *e = cpuid_find_mut(vm, 1, 0);
	struct vmm_cpuid_entry *l0 = cpuid_find_mut(vm, 0, 0);

	if (e) {
		e->edx |= L1_EDX_APIC;
		e->ecx |= L1_ECX_X2APIC;
		if (tsc_khz)
			e->ecx |= L1_ECX_TSC_DEADLINE;
	}
	if (!l0 || cpuid_find(vm, 0xb, 0))
		return;
	l0->eax = max_t(u32, l0->eax, 0xb);
	add_entry(vm, 0xb, 0, VMM_CPUID_SIGNIFICANT_INDEX, 0, 1, 0x100, 0);
	add_entry(vm, 0xb, 1, VMM_CPUID_SIGNIFICANT_INDEX, 6,
		  VMM_MAX_VCPUS, 0x201, 0);
	add_entry(vm, 0xb, 2, VMM_CPUID_SIGNIFICANT_INDEX, 0, 0, 2, 0);
}

/* Does the VM's policy show bit 'bit' of register 'reg' (VMM_CPUID_*)? */
bool vmm_cpuid_has(struct vmm_vcpu *vcpu, u32 func, u32 index, int reg,
		   int bit)
{
	u32 r[4];

	vmm_cpuid_lookup(vcpu, func, index, &r[0], &r[1], &r[2], &r[3]);
	return r[reg] & BIT(bit);
}

/* The CPUID exit: EAX/ECX in, EAX..EDX out (upper halves cleared). */
int vmm_cpuid_exit(struct vmm_vcpu *vcpu)
{
	u32 a, b, c, d;

	vmm_cpuid_lookup(vcpu, vcpu->regs[VMM_RAX], vcpu->regs[VMM_RCX],
			 &a, &b, &c, &d);
	vcpu->regs[VMM_RAX] = a;
	vcpu->regs[VMM_RBX] = b;
	vcpu->regs[VMM_RCX] = c;
	vcpu->regs[VMM_RDX] = d;
	return 1;
}

/*
 * Two entries for the same leaf are ambiguous: same function, unless
 * both have VMM_CPUID_SIGNIFICANT_INDEX and different indexes.
 */
static bool cpuid_duplicate(const struct vmm_cpuid_entry *e, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (e[i].function != e[n].function)
			continue;
		if ((e[i].flags & e[n].flags & VMM_CPUID_SIGNIFICANT_INDEX) &&
		    e[i].index != e[n].index)
			continue;
		return true;
	}
	return false;
}

int vmm_cpuid_set(struct vmm_vm *vm, const struct vmm_cpuid *c)
{
	struct vmm_cpuid_entry *e;
	u32 i;

	if (c->flags)
		return -EINVAL;
	if (c->nent > VMM_MAX_CPUID)
		return -E2BIG;
	e = kcalloc(VMM_MAX_CPUID, sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	if (copy_from_user(e, u64_to_user_ptr(c->entries),
			   c->nent * sizeof(*e))) {
		kfree(e);
		return -EFAULT;
	}
	for (i = 0; i < c->nent; i++) {
		if ((e[i].flags & ~VMM_CPUID_SIGNIFICANT_INDEX) ||
		    e[i].reserved || cpuid_duplicate(e, i)) {
			kfree(e);
			return -EINVAL;
		}
	}
	mutex_lock(&vm->lock);
	swap(vm->cpuid, e);
	vm->cpuid_nent = c->nent;
	mutex_unlock(&vm->lock);
	kfree(e);
	return 0;
}

int vmm_cpuid_get(struct vmm_vm *vm, struct vmm_cpuid *c)
{
	int r = 0;

	if (c->flags)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (c->nent < vm->cpuid_nent) {
		r = -E2BIG;
	} else if (copy_to_user(u64_to_user_ptr(c->entries), vm->cpuid,
				vm->cpuid_nent * sizeof(*vm->cpuid))) {
		r = -EFAULT;
	}
	c->nent = vm->cpuid_nent;
	mutex_unlock(&vm->lock);
	return r;
}
