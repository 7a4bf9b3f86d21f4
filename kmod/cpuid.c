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

#include "vmm.h"

#define MAX_BASIC_LEAF		0xd
#define MAX_EXT_LEAF		0x80000008
#define HV_LEAF			0x40000000

/* Leaf 1 ECX bits hidden: no VMX/SMX, no x2APIC/TSC deadline (no local
 * APIC yet), no XSAVE/AVX (XCR0 not switched), no MONITOR, no PDCM. */
#define L1_ECX_HIDE	(BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | \
			 BIT(12) | BIT(15) | BIT(18) | BIT(21) | BIT(24) | \
			 BIT(26) | BIT(27) | BIT(28) | BIT(29))
#define L1_ECX_HYPERVISOR	BIT(31)
/* Leaf 1 EDX: no DS, ACPI thermal, TM, PBE. */
#define L1_EDX_HIDE	(BIT(21) | BIT(22) | BIT(29) | BIT(31))
/* Leaf 7.0 EBX kept: FSGSBASE, BMI1, SMEP, BMI2, ERMS, RDSEED, ADX, SMAP,
 * CLFLUSHOPT, CLWB, SHA.  Everything else (AVX2, AVX-512, MPX, ...) goes. */
#define L7_EBX_KEEP	(BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | \
			 BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | \
			 BIT(29))
/* 0x80000001 ECX hidden: SVM, SKINIT, WDT, LWP, TOPOEXT, perf counters. */
#define E1_ECX_HIDE	(BIT(2) | BIT(12) | BIT(13) | BIT(15) | BIT(22) | \
			 BIT(23) | BIT(24) | BIT(28))

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

/* The default policy of a new VM. */
int vmm_cpuid_init(struct vmm_vm *vm)
{
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
		add_entry(vm, 7, 0, VMM_CPUID_SIGNIFICANT_INDEX,
			  0, b & L7_EBX_KEEP, 0, 0);
	}
	/* Leaves 5 (MONITOR), 6 (power), 0xA (PMU), 0xB, 0xD (XSAVE): zero. */

	/* The hypervisor leaf: "vmmvmmvmmvmm" in EBX, ECX, EDX. */
	add_entry(vm, HV_LEAF, 0, 0, HV_LEAF, 0x766d6d76, 0x6d766d6d,
		  0x6d6d766d);

	cpuid(0x80000000, &max, &b, &c, &d);
	if (max < 0x80000001)
		return 0;
	max = min_t(u32, max, MAX_EXT_LEAF);
	add_entry(vm, 0x80000000, 0, 0, max, b, c, d);
	cpuid(0x80000001, &a, &b, &c, &d);
	add_entry(vm, 0x80000001, 0, 0, a, b, c & ~E1_ECX_HIDE, d);
	for (i = 0x80000002; i <= max; i++) {
		cpuid(i, &a, &b, &c, &d);
		if (i == 0x80000007) {		/* only invariant TSC */
			a = b = c = 0;
			d &= BIT(8);
		} else if (i == 0x80000008) {	/* address sizes only */
			b = c = d = 0;
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

	if (func == 1)		/* initial APIC ID = vCPU id */
		*ebx = (*ebx & 0x00ffffff) | (vcpu->id << 24);
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
		    e[i].reserved) {
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
