// SPDX-License-Identifier: GPL-2.0-only
/*
 * hypercall.c - the arch-neutral half of the small exits: VMM_ENABLE_CAP
 * and the hypercall policy (VMCALL on Intel, VMMCALL on AMD), PAUSE, and
 * the CPUID-policy questions the RDPMC and MONITOR/MWAIT handlers ask.
 * The backends decode their exit, step over the instruction and call in
 * here; see Documentation/architecture.md, "Hypercalls and small exits".
 *
 * Hypercall register convention (Documentation/abi.md):
 *   RAX  number in, result out (VMM_HC_*, or what userspace returned)
 *   RBX, RCX, RDX, RSI, RDI  arguments 0-4
 * Outside 64-bit mode only the low 32 bits of each count, and the result
 * goes to EAX (zero-extended), as on KVM.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <asm/processor-flags.h>

#include "vmm.h"

/* ---- VMM_ENABLE_CAP ----------------------------------------------- */

/*
 * VMM_CAP_LAPIC: only before the first vCPU, so that every vCPU has an
 * APIC or none has (vcpu.c reads vm->lapic under vm->lock).
 */
static int vmm_vm_enable_lapic(struct vmm_vm *vm,
			       const struct vmm_enable_cap *cap)
{
	int i, r = 0;

	if (cap->args[0] || cap->args[1] || cap->args[2] || cap->args[3])
		return -EINVAL;
	mutex_lock(&vm->lock);
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			r = -EBUSY;
	if (!r && !vm->lapic) {
		vm->lapic = true;
		vmm_cpuid_enable_lapic(vm);
	}
	mutex_unlock(&vm->lock);
	return r;
}

int vmm_vm_enable_cap(struct vmm_vm *vm, const struct vmm_enable_cap *cap)
{
	if (cap->flags)
		return -EINVAL;
	switch (cap->cap) {
	case VMM_CAP_HYPERCALL_EXIT:
		if (cap->args[1] || cap->args[2] || cap->args[3])
			return -EINVAL;
		mutex_lock(&vm->lock);
		WRITE_ONCE(vm->hc_exit_mask, cap->args[0]);
		/* The mask first: a vCPU that sees enabled sees the mask. */
		smp_store_release(&vm->hc_enabled, true);
		mutex_unlock(&vm->lock);
		return 0;
	case VMM_CAP_LAPIC:
		return vmm_vm_enable_lapic(vm, cap);
	default:
		return -EINVAL;
	}
}

/* ---- VMCALL / VMMCALL ---------------------------------------------- */

/* False: the backend raises #UD, as a CPU without a hypervisor would. */
bool vmm_hypercall_enabled(struct vmm_vcpu *vcpu)
{
	return smp_load_acquire(&vcpu->vm->hc_enabled);
}

/*
 * A hypercall, with RIP already past the instruction.  cpl: the guest's
 * current privilege level; longmode: CS.L with EFER.LMA (64-bit mode).
 * 1: answered here (RAX set), resume; 0: VMM_EXIT_HYPERCALL for
 * userspace, whose result the next VMM_RUN stores (emulate.c).
 *
 * CPL > 0 gets VMM_HC_EPERM, not #UD: the instruction exists on this CPU
 * and a guest kernel may want to tell its user programs so (KVM returns
 * -KVM_EPERM the same way).  Neither VMCALL nor VMMCALL checks the CPL in
 * hardware (SDM Vol. 3C 25.1.3 / APM Vol. 2 15.9 intercept them at any
 * CPL), so this check is the only one.
 */
int vmm_hypercall(struct vmm_vcpu *vcpu, int cpl, bool longmode)
{
	u64 mask = READ_ONCE(vcpu->vm->hc_exit_mask);
	u64 *g = vcpu->regs;
	struct vmm_run *run = vcpu->run;
	u64 nr = g[VMM_RAX], ret;
	static const int arg_regs[5] = {
		VMM_RBX, VMM_RCX, VMM_RDX, VMM_RSI, VMM_RDI
	};
	int i;

	if (!longmode)
		nr = (u32)nr;
	if (cpl) {
		ret = VMM_HC_EPERM;
	} else if (nr < 64 && (mask & BIT_ULL(nr))) {
		memset(&run->hypercall, 0, sizeof(run->hypercall));
		run->exit_reason = VMM_EXIT_HYPERCALL;
		run->hypercall.nr = nr;
		for (i = 0; i < ARRAY_SIZE(arg_regs); i++)
			run->hypercall.args[i] = longmode ? g[arg_regs[i]] :
						 (u32)g[arg_regs[i]];
		/* Until userspace says otherwise. */
		run->hypercall.ret = VMM_HC_ENOSYS;
		run->hypercall.longmode = longmode;
		vcpu->pending.kind = VMM_PENDING_HYPERCALL;
		vcpu->pending.hc_longmode = longmode;
		return 0;
	} else {
		ret = VMM_HC_ENOSYS;
	}
	g[VMM_RAX] = longmode ? ret : (u32)ret;
	return 1;
}

/* ---- PAUSE ----------------------------------------------------------- */

/*
 * A PAUSE exit (SVM pause filter, VMX PAUSE-loop exiting or PAUSE
 * exiting): the guest spins, likely on a lock another vCPU of the VM
 * holds - one whose thread lost its CPU while it held it (lock-holder
 * preemption).  Give our time slice to such a vCPU: yield_to() the
 * thread of a vCPU that was preempted while runnable (vcpu.c notes it in
 * the sched_out notifier), starting after the last one boosted, so that
 * the boosts go round.  Nobody to boost: give the CPU away if anything
 * else wants it, as before.  Preemption is on here (after the exit).
 */
static bool vmm_directed_yield(struct vmm_vcpu *me)
{
	struct vmm_vm *vm = me->vm;
	u32 start = READ_ONCE(vm->last_boosted);
	struct task_struct *task;
	struct vmm_vcpu *t;
	struct pid *pid;
	int i, k, r;

	for (k = 1; k <= VMM_MAX_VCPUS; k++) {
		i = (start + k) % VMM_MAX_VCPUS;
		rcu_read_lock();
		t = READ_ONCE(vm->vcpus[i]);
		task = NULL;
		if (t && t != me && READ_ONCE(t->preempted)) {
			pid = rcu_dereference(t->pid);
			if (pid)
				task = get_pid_task(pid, PIDTYPE_PID);
		}
		rcu_read_unlock();
		if (!task)
			continue;
		r = yield_to(task, true);
		put_task_struct(task);
		if (r > 0) {
			WRITE_ONCE(vm->last_boosted, i);
			return true;
		}
		if (r < 0)	/* -ESRCH: nobody can be boosted now */
			break;
	}
	return false;
}

void vmm_pause_exit(struct vmm_vcpu *vcpu)
{
	vcpu->stat_pause_exits++;
	if (!vmm_directed_yield(vcpu))
		cond_resched();
}

/* ---- CPUID policy questions ------------------------------------------ */

/*
 * Does the guest's CPUID say it has performance counters?  Intel: leaf
 * 0xA, EAX[7:0] the architectural PMU version (SDM Vol. 3B 20.2.1); AMD:
 * Fn8000_0001 ECX[23] PerfCtrExtCore (APM Vol. 2 13.2.1).  The default
 * policy hides both (cpuid.c).
 */
bool vmm_guest_has_pmu(struct vmm_vcpu *vcpu)
{
	u32 a, b, c, d;

	vmm_cpuid_lookup(vcpu, 0xa, 0, &a, &b, &c, &d);
	if (a & 0xff)
		return true;
	vmm_cpuid_lookup(vcpu, 0x80000001, 0, &a, &b, &c, &d);
	return c & BIT(23);
}

/* CPUID.1:ECX[3] MONITOR (SDM Vol. 2B "MONITOR"; APM Vol. 3). */
bool vmm_guest_has_monitor(struct vmm_vcpu *vcpu)
{
	u32 a, b, c, d;

	vmm_cpuid_lookup(vcpu, 1, 0, &a, &b, &c, &d);
	return c & BIT(3);
}

/* ---- RDPMC ------------------------------------------------------------ */

/*
 * RDPMC (SDM Vol. 2B "RDPMC", APM Vol. 3): the guest must never read the
 * host's counters, so it always exits.  With no PMU in the CPUID policy
 * (the default) it is #GP(0), as on a CPU whose counter index ECX is
 * invalid.  When userspace advertises a PMU, vmm still virtualizes no
 * counter: the advertised ones read as 0.  CPL > 0 with CR4.PCE = 0 is
 * #GP(0) first.  0 (EDX:EAX set) or VMM_EXC_GP.
 */
int vmm_rdpmc(struct vmm_vcpu *vcpu, int cpl, u64 cr4)
{
	u32 ecx = vcpu->regs[VMM_RCX], a, b, c, d, n;

	if (cpl && !(cr4 & X86_CR4_PCE))
		return VMM_EXC_GP;
	if (!vmm_guest_has_pmu(vcpu))
		return VMM_EXC_GP;
	vmm_cpuid_lookup(vcpu, 0xa, 0, &a, &b, &c, &d);
	if (a & 0xff) {
		/* Intel: ECX[30] selects the fixed counters (SDM 20.2.2). */
		n = (ecx & BIT(30)) ? (d & 0x1f) : ((a >> 8) & 0xff);
		ecx &= ~BIT(30);
	} else {
		n = 6;		/* AMD PerfCtrExtCore: PERF_CTR0-5 */
	}
	if (ecx >= n)
		return VMM_EXC_GP;
	vcpu->regs[VMM_RAX] = 0;
	vcpu->regs[VMM_RDX] = 0;
	return 0;
}

/* ---- MONITOR / MWAIT ------------------------------------------------- */

/*
 * #UD unless the CPUID policy advertises MONITOR (1:ECX[3]) - the default
 * hides it - and, as on hardware without the MONITOR_MISC enable, at
 * CPL > 0.  When advertised both are NOPs, as on KVM: a guest MWAIT that
 * really stopped the CPU would hold the host CPU hostage until a store to
 * the monitored line, which may never come from another vCPU thread we
 * could not even see.  An MWAIT that returns at once is architecturally
 * allowed (SDM Vol. 2B "MWAIT": any event, even a spurious one, may end
 * it), so a guest must loop around it anyway.  0 or VMM_EXC_UD.
 */
int vmm_monitor_mwait(struct vmm_vcpu *vcpu, int cpl)
{
	if (cpl || !vmm_guest_has_monitor(vcpu))
		return VMM_EXC_UD;
	return 0;
}
