// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu.c - the vCPU object: its fd, the mmap of its run area, register
 * ioctls, and the arch-neutral run loop (VMM_RUN).
 *
 * The run loop follows Dune and KVM:
 *
 *   complete the previous exit (I/O IN, MMIO read)   -> emulate.c
 *   immediate_exit?                                  -> -EINTR
 *   loop:
 *     (VMM_CAP_LAPIC) requests from other vCPUs (INIT, SIPI, NMI);
 *     halted or waiting for SIPI? sleep until woken  -> vmm_vcpu_wait()
 *     signal pending?          -> VMM_EXIT_INTR, -EINTR
 *     need_resched()?          -> cond_resched() (preempt notifiers
 *                                 reload per-CPU state if we move)
 *     FPU to guest, interrupts off, guest XCR0 (xsave.c),
 *     mode = IN_GUEST, requests, guest SPEC_CTRL (msr.c)
 *     events to inject, windows  -> events.c
 *     backend->run()           -> VMRUN / VMLAUNCH
 *     mode = OUTSIDE, interrupts on (host IRQs/NMIs taken here), FPU back
 *     backend->handle_exit()   -> 1 resume, 0 to userspace, <0 errno
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>

#include "vmm.h"
#include "lapic.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static inline struct vmm_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct vmm_vcpu, pn);
}

/* The vCPU thread is scheduled in, maybe on another CPU: reload. */
static void vmm_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct vmm_vcpu *vcpu = pn_to_vcpu(pn);

	WRITE_ONCE(vcpu->preempted, false);
	vcpu->cpu = cpu;
	vmm_ops->vcpu_load(vcpu, cpu);
	vmm_msr_load(vcpu);
}

static void vmm_sched_out(struct preempt_notifier *pn,
			  struct task_struct *next)
{
	struct vmm_vcpu *vcpu = pn_to_vcpu(pn);

	/* Still runnable: preempted, a candidate for a directed yield
	 * (hypercall.c); not when it goes to sleep (HLT). */
	if (task_is_running(current))
		WRITE_ONCE(vcpu->preempted, true);
	vmm_msr_put(vcpu);
	vmm_ops->vcpu_put(vcpu);
	vcpu->cpu = -1;
}

static struct preempt_ops vmm_preempt_ops = {
	.sched_in	= vmm_sched_in,
	.sched_out	= vmm_sched_out,
};

static void vmm_noop_ipi(void *info)
{
}

/*
 * Ask every vCPU to do 'req' before its next entry, and kick the ones in
 * guest mode out with an IPI, waiting until they have left it.  The IPI
 * causes #VMEXIT(INTR); the vCPU takes the interrupt only after it has
 * set mode = OUTSIDE, so when smp_call_function_many() returns no vCPU is
 * still using what the request is about.  Pairs with the smp_store_mb()
 * in vmm_vcpu_enter().  Called under vm->mmu_lock (kick_mask).
 */
void vmm_make_all_vcpus_request(struct vmm_vm *vm, int req)
{
	struct vmm_vcpu *vcpu;
	int i, cpu, me;

	me = get_cpu();
	cpumask_clear(vm->kick_mask);
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		vcpu = READ_ONCE(vm->vcpus[i]);
		if (!vcpu)
			continue;
		set_bit(req, &vcpu->requests);
		smp_mb__after_atomic();
		cpu = READ_ONCE(vcpu->cpu);
		if (READ_ONCE(vcpu->mode) == VMM_IN_GUEST && cpu >= 0 &&
		    cpu != me)
			cpumask_set_cpu(cpu, vm->kick_mask);
	}
	if (!cpumask_empty(vm->kick_mask))
		smp_call_function_many(vm->kick_mask, vmm_noop_ipi, NULL, true);
	put_cpu();
}

/*
 * Make a vCPU look at what another thread left for it (an IRR bit, a
 * request): wake it if it sleeps (HLT, wait-for-SIPI), or, if it is in
 * guest mode on another CPU, send that CPU a reschedule IPI, which
 * forces a #VMEXIT; the vCPU then sees the bit before its next entry.
 * The caller has set the bit; the full barrier here orders it before
 * the read of mode, against the smp_store_mb() of mode in
 * vmm_vcpu_enter() followed by its read of the bits: either the vCPU
 * sees the bit or we see it in guest mode.  Any context, hard
 * interrupts included (the APIC timer): smp_send_reschedule() does not
 * wait, unlike smp_call_function_single().
 */
void vmm_vcpu_kick(struct vmm_vcpu *vcpu)
{
	int cpu, me;

	smp_mb();
	wake_up_interruptible(&vcpu->wq);
	me = get_cpu();
	cpu = READ_ONCE(vcpu->cpu);
	if (READ_ONCE(vcpu->mode) == VMM_IN_GUEST && cpu >= 0 && cpu != me &&
	    cpu_online(cpu))
		smp_send_reschedule(cpu);
	put_cpu();
}

/*
 * Reset (init false: power-up, at creation) or INIT (init true: from
 * another APIC) of the architectural state, SDM Vol. 3A 9.1.1 and
 * Table 9-1: general registers 0 but EDX (the CPUID signature), real
 * mode at F000:FFF0, x87/SSE state as FNINIT left it.  INIT keeps the
 * MSRs (TSC, MTRRs, APIC base), the backend's reset is the same for
 * both.
 */
void vmm_vcpu_reset(struct vmm_vcpu *vcpu, bool init)
{
	u32 eax, ebx, ecx, edx;

	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vmm_fpu_reset(vcpu);
	vcpu->rip = 0xfff0;
	vcpu->rflags = VMM_RFLAGS_FIXED;
	vmm_cpuid_lookup(vcpu, 1, 0, &eax, &ebx, &ecx, &edx);
	vcpu->regs[VMM_RDX] = eax;
	if (!init)
		vmm_msr_reset(vcpu);
	vmm_dr_reset(vcpu);
	vmm_ops->vcpu_reset(vcpu);
	vmm_events_reset(vcpu);
	vcpu->pending.kind = VMM_PENDING_NONE;
	if (vcpu->apic)
		vmm_lapic_reset(vcpu, init);
}

/*
 * VMM_CAP_LAPIC: before an entry, do what other vCPUs asked (INIT, SIPI,
 * NMI), then sleep while the vCPU is halted with nothing to wake it, or
 * waits for a SIPI.  The sleep is interruptible: a signal returns
 * -EINTR and leaves mp_state as it is, so the next VMM_RUN sleeps
 * again.  Wakers: vmm_vcpu_kick(), after setting their bit; the bits
 * are looked at after prepare_to_wait() has set the task state, so a
 * wake-up between the look and schedule() is not lost.
 */
static bool vmm_vcpu_runnable(struct vmm_vcpu *vcpu)
{
	if (vcpu->mp_state == VMM_MP_HALTED && vmm_events_can_wake(vcpu))
		vcpu->mp_state = VMM_MP_RUNNABLE;
	return vcpu->mp_state == VMM_MP_RUNNABLE;
}

static bool vmm_vcpu_has_request(struct vmm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->requests) &
	       (BIT(VMM_REQ_NMI) | BIT(VMM_REQ_INIT) | BIT(VMM_REQ_SIPI));
}

static int vmm_vcpu_wait(struct vmm_vcpu *vcpu)
{
	DEFINE_WAIT(wait);

	for (;;) {
		vmm_lapic_process_requests(vcpu);
		if (vmm_vcpu_runnable(vcpu))
			return 0;
		if (signal_pending(current))
			return -EINTR;
		prepare_to_wait(&vcpu->wq, &wait, TASK_INTERRUPTIBLE);
		if (!vmm_vcpu_has_request(vcpu) && !vmm_vcpu_runnable(vcpu) &&
		    !signal_pending(current))
			schedule();
		finish_wait(&vcpu->wq, &wait);
	}
}

/*
 * Remember the thread that runs this vCPU, for directed yields from
 * other vCPUs (hypercall.c): as KVM does, a struct pid reference,
 * swapped under RCU when another thread takes over.
 */
static void vmm_vcpu_set_pid(struct vmm_vcpu *vcpu)
{
	struct pid *old, *new;

	if (rcu_access_pointer(vcpu->pid) == task_pid(current))
		return;
	new = get_task_pid(current, PIDTYPE_PID);
	old = rcu_dereference_protected(vcpu->pid,
					lockdep_is_held(&vcpu->lock));
	rcu_assign_pointer(vcpu->pid, new);
	if (old) {
		synchronize_rcu();
		put_pid(old);
	}
}

/*
 * VMM_SET_SREGS: refuse a state the architecture (and so VMRUN's or
 * VM entry's consistency checks) would refuse, so that a bad argument is
 * -EINVAL here and not a failed entry.  The backend gives its own segment
 * check and the CR4/EFER bits a guest may set on this host.
 * SDM Vol. 3A 2.5 and 9.8.5, APM Vol. 2 15.5.1.
 */
int vmm_check_sregs(const struct vmm_sregs *s,
		    bool (*seg_valid)(const struct vmm_segment *seg),
		    u64 cr4_mask, u64 efer_mask)
{
	const struct vmm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt
	};
	bool lme = s->efer & EFER_LME, lma = s->efer & EFER_LMA;
	bool pg = s->cr0 & X86_CR0_PG;
	int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (!seg_valid(segs[i]))
			return -EINVAL;
	if (s->cr0 >> 32 || (pg && !(s->cr0 & X86_CR0_PE)) ||
	    ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD)))
		return -EINVAL;
	if (s->cr4 & ~cr4_mask)
		return -EINVAL;
	if (s->efer & ~efer_mask)
		return -EINVAL;
	if (lma != (lme && pg))
		return -EINVAL;
	if (lme && pg && !(s->cr4 & X86_CR4_PAE))
		return -EINVAL;
	if (lma && s->cs.l && s->cs.db)
		return -EINVAL;
	if (s->cr3 >> boot_cpu_data.x86_phys_bits)
		return -EINVAL;
	if (s->cr8 > 15)
		return -EINVAL;
	/* APIC base: address, BSP (bit 8), x2APIC (bit 10, only with
	 * bit 11: SDM Vol. 3A 11.12.5) and enable (bit 11). */
	if (s->apic_base & ~(GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 12) |
			     BIT_ULL(8) | BIT_ULL(10) | BIT_ULL(11)))
		return -EINVAL;
	if ((s->apic_base & (BIT_ULL(10) | BIT_ULL(11))) == BIT_ULL(10))
		return -EINVAL;
	return 0;
}

/*
 * PKRU is not switched by VMRUN/VMLAUNCH, and a guest may set CR4.PKE
 * and WRPKRU whatever CPUID says: keep its value apart from the host's.
 */
static inline u32 vmm_pkru_enter(struct vmm_vcpu *vcpu)
{
	u32 host = 0;

	if (cpu_feature_enabled(X86_FEATURE_OSPKE)) {
		host = rdpkru();
		if (vcpu->pkru != host)
			wrpkru(vcpu->pkru);
	}
	return host;
}

static inline void vmm_pkru_exit(struct vmm_vcpu *vcpu, u32 host)
{
	if (cpu_feature_enabled(X86_FEATURE_OSPKE)) {
		vcpu->pkru = rdpkru();
		if (vcpu->pkru != host)
			wrpkru(host);
	}
}

/* One entry into the guest and back. */
static void vmm_vcpu_enter(struct vmm_vcpu *vcpu)
{
	u32 host_pkru;

	/* kernel_fpu_begin() saved the user's FPU state (xsave.c). */
	kernel_fpu_begin();
	local_irq_disable();
	vmm_fpu_load_guest(vcpu);
	host_pkru = vmm_pkru_enter(vcpu);

	smp_store_mb(vcpu->mode, VMM_IN_GUEST);
	if (test_and_clear_bit(VMM_REQ_TLB_FLUSH, &vcpu->requests))
		vmm_ops->flush_tlb(vcpu);

	vmm_events_before_entry(vcpu);
	trace_vmm_entry(vcpu->id, vcpu->rip);
	vmm_spec_ctrl_enter(vcpu);
	vmm_ops->run(vcpu);
	vmm_spec_ctrl_exit(vcpu);
	vmm_events_after_exit(vcpu);

	smp_store_release(&vcpu->mode, VMM_OUTSIDE_GUEST);
	vmm_pkru_exit(vcpu, host_pkru);
	vmm_fpu_save_guest(vcpu);
	local_irq_enable();
	kernel_fpu_end();
	vcpu->stat_exits++;
}

static int vmm_vcpu_run(struct vmm_vcpu *vcpu)
{
	struct vmm_run *run = vcpu->run;
	int r;

	if (vcpu->dead) {
		run->exit_reason = VMM_EXIT_SHUTDOWN;
		r = -EIO;
		goto out;
	}

	r = vmm_complete_pending(vcpu);
	if (r <= 0)
		goto out;
	run->exit_reason = VMM_EXIT_UNKNOWN;	/* an errno leaves no stale one */

	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = VMM_EXIT_INTR;
		r = -EINTR;
		goto out;
	}
	vmm_vcpu_set_pid(vcpu);

	preempt_disable();
	vcpu->cpu = smp_processor_id();
	vmm_ops->vcpu_load(vcpu, vcpu->cpu);
	vmm_msr_load(vcpu);
	preempt_notifier_register(&vcpu->pn);
	preempt_enable();

	for (;;) {
		if (vcpu->apic && vmm_vcpu_wait(vcpu)) {
			run->exit_reason = VMM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		if (signal_pending(current)) {
			run->exit_reason = VMM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		if (need_resched())
			cond_resched();
		if (vmm_events_irq_window_exit(vcpu)) {
			r = 0;
			break;
		}

		vmm_vcpu_enter(vcpu);

		r = vmm_ops->handle_exit(vcpu);
		if (r <= 0)
			break;
	}

	preempt_disable();
	preempt_notifier_unregister(&vcpu->pn);
	vmm_msr_put(vcpu);
	vmm_ops->vcpu_put(vcpu);
	vcpu->cpu = -1;
	preempt_enable();
out:
	run->rip = vcpu->rip;
	run->rflags = vcpu->rflags;
	run->flags = vmm_events_run_flags(vcpu);
	return r < 0 ? r : 0;
}

/* struct vmm_regs has its own order; ours is the encoding order. */
static void vmm_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *r)
{
	const u64 *g = vcpu->regs;

	r->rax = g[VMM_RAX]; r->rbx = g[VMM_RBX];
	r->rcx = g[VMM_RCX]; r->rdx = g[VMM_RDX];
	r->rsi = g[VMM_RSI]; r->rdi = g[VMM_RDI];
	r->rsp = g[VMM_RSP]; r->rbp = g[VMM_RBP];
	r->r8 = g[VMM_R8];   r->r9 = g[VMM_R9];
	r->r10 = g[VMM_R10]; r->r11 = g[VMM_R11];
	r->r12 = g[VMM_R12]; r->r13 = g[VMM_R13];
	r->r14 = g[VMM_R14]; r->r15 = g[VMM_R15];
	r->rip = vcpu->rip;
	r->rflags = vcpu->rflags;
}

static void vmm_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *r)
{
	u64 *g = vcpu->regs;

	g[VMM_RAX] = r->rax; g[VMM_RBX] = r->rbx;
	g[VMM_RCX] = r->rcx; g[VMM_RDX] = r->rdx;
	g[VMM_RSI] = r->rsi; g[VMM_RDI] = r->rdi;
	g[VMM_RSP] = r->rsp; g[VMM_RBP] = r->rbp;
	g[VMM_R8] = r->r8;   g[VMM_R9] = r->r9;
	g[VMM_R10] = r->r10; g[VMM_R11] = r->r11;
	g[VMM_R12] = r->r12; g[VMM_R13] = r->r13;
	g[VMM_R14] = r->r14; g[VMM_R15] = r->r15;
	vcpu->rip = r->rip;
	vcpu->rflags = r->rflags | VMM_RFLAGS_FIXED;
}

static bool vmm_sregs_reserved_ok(const struct vmm_sregs *s)
{
	const struct vmm_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i]->padding)
			return false;
	if (s->gdt.padding[0] || s->gdt.padding[1] || s->gdt.padding[2] ||
	    s->idt.padding[0] || s->idt.padding[1] || s->idt.padding[2])
		return false;
	return !memchr_inv(s->reserved, 0, sizeof(s->reserved));
}

static long vmm_vcpu_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	struct vmm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct vmm_sregs sregs;
	struct vmm_regs regs;
	struct vmm_events events;
	struct vmm_event event;
	struct vmm_lapic_state *lapic;
	struct vmm_mp_state mp;
	long r;

	if (current->mm != vcpu->vm->mm)
		return -EIO;

	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;

	switch (cmd) {
	case VMM_RUN:
		r = arg ? -EINVAL : vmm_vcpu_run(vcpu);
		break;
	case VMM_GET_REGS:
		vmm_get_regs(vcpu, &regs);
		r = copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
		break;
	case VMM_SET_REGS:
		r = -EFAULT;
		if (copy_from_user(&regs, argp, sizeof(regs)))
			break;
		vmm_set_regs(vcpu, &regs);
		r = 0;
		break;
	case VMM_GET_SREGS:
		memset(&sregs, 0, sizeof(sregs));
		vmm_ops->get_sregs(vcpu, &sregs);
		r = copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
		break;
	case VMM_SET_SREGS:
		r = -EFAULT;
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			break;
		r = -EINVAL;
		if (!vmm_sregs_reserved_ok(&sregs))
			break;
		r = vmm_ops->set_sregs(vcpu, &sregs);
		break;
	case VMM_QUEUE_EVENT:
		r = -EFAULT;
		if (copy_from_user(&event, argp, sizeof(event)))
			break;
		r = vmm_queue_event(vcpu, &event);
		break;
	case VMM_GET_EVENTS:
		vmm_get_events(vcpu, &events);
		r = copy_to_user(argp, &events, sizeof(events)) ? -EFAULT : 0;
		break;
	case VMM_GET_LAPIC:
		r = -ENOMEM;
		lapic = kmalloc(sizeof(*lapic), GFP_KERNEL);
		if (!lapic)
			break;
		r = vmm_lapic_get_state(vcpu, lapic);
		if (!r && copy_to_user(argp, lapic, sizeof(*lapic)))
			r = -EFAULT;
		kfree(lapic);
		break;
	case VMM_SET_LAPIC:
		lapic = memdup_user(argp, sizeof(*lapic));
		if (IS_ERR(lapic)) {
			r = PTR_ERR(lapic);
			break;
		}
		r = vmm_lapic_set_state(vcpu, lapic);
		kfree(lapic);
		break;
	case VMM_GET_MP_STATE:
		r = -ENXIO;
		if (!vcpu->apic)
			break;
		memset(&mp, 0, sizeof(mp));
		mp.state = vcpu->mp_state;
		r = copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
		break;
	case VMM_SET_MP_STATE:
		r = -EFAULT;
		if (copy_from_user(&mp, argp, sizeof(mp)))
			break;
		r = -ENXIO;
		if (!vcpu->apic)
			break;
		r = -EINVAL;
		if (mp.flags || mp.reserved[0] || mp.reserved[1] ||
		    mp.state > VMM_MP_HALTED)
			break;
		vcpu->mp_state = mp.state;
		r = 0;
		break;
	default:
		r = -ENOTTY;
	}
	mutex_unlock(&vcpu->lock);
	return r;
}

/* Page 0: struct vmm_run; page 1: the port I/O data area. */
static int vmm_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct vmm_vcpu *vcpu = filp->private_data;
	unsigned long npages = vma_pages(vma);
	unsigned long i;
	int r;

	/* Shared only: a private copy would hide the kernel's writes. */
	if (!(vma->vm_flags & VM_SHARED) ||
	    vma->vm_pgoff + npages > VMM_RUN_PAGES)
		return -EINVAL;
	for (i = 0; i < npages; i++) {
		r = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				   vcpu->run_pages[vma->vm_pgoff + i]);
		if (r)
			return r;
	}
	return 0;
}

static int vmm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct vmm_vcpu *vcpu = filp->private_data;

	vmm_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations vmm_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vmm_vcpu_release,
	.unlocked_ioctl	= vmm_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vmm_vcpu_mmap,
	.llseek		= noop_llseek,
};

/* Freed with the VM, once no fd refers to either. */
void vmm_vcpu_destroy(struct vmm_vcpu *vcpu)
{
	int i;

	vmm_lapic_free(vcpu);		/* its timer first */
	put_pid(rcu_dereference_protected(vcpu->pid, 1));
	vmm_ops->vcpu_free(vcpu);
	vmm_mmu_free_cache(vcpu);
	vmm_fpu_free(vcpu);
	for (i = 0; i < VMM_RUN_PAGES; i++)
		if (vcpu->run_pages[i])
			__free_page(vcpu->run_pages[i]);
	kfree(vcpu);
}

int vmm_vcpu_create(struct vmm_vm *vm, unsigned long id)
{
	struct vmm_vcpu *vcpu;
	int i, r;

	if (id >= VMM_MAX_VCPUS)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->wq);
	preempt_notifier_init(&vcpu->pn, &vmm_preempt_ops);
	for (i = 0; i < VMM_RUN_PAGES; i++) {
		vcpu->run_pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!vcpu->run_pages[i]) {
			r = -ENOMEM;
			goto err_free;
		}
	}
	vcpu->run = page_address(vcpu->run_pages[0]);
	vcpu->io_data = page_address(vcpu->run_pages[1]);
	r = vmm_fpu_alloc(vcpu);
	if (r)
		goto err_free;

	r = vmm_ops->vcpu_create(vcpu);
	if (r)
		goto err_free;

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		r = -EEXIST;
		goto err_unlock;
	}
	/* vm->lapic cannot change once a vCPU exists (hypercall.c). */
	if (vm->lapic) {
		r = vmm_lapic_create(vcpu);
		if (r)
			goto err_unlock;
		/* The APs wait for INIT/SIPI from the BSP (SDM Vol. 3A 9.4). */
		vcpu->mp_state = id ? VMM_MP_WAIT_SIPI : VMM_MP_RUNNABLE;
	}
	mutex_unlock(&vm->lock);
	/* Power-up state (SDM Vol. 3A 9.1.1); the CPUID lookup in it takes
	 * vm->lock. */
	vmm_vcpu_reset(vcpu, false);

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		r = -EEXIST;
		goto err_unlock;
	}
	/* Published first, so the MMU notifier kicks it from its first run. */
	smp_store_release(&vm->vcpus[id], vcpu);
	vmm_vm_get(vm);			/* for the vCPU fd */
	r = anon_inode_getfd("vmm-vcpu", &vmm_vcpu_fops, vcpu,
			     O_RDWR | O_CLOEXEC);
	if (r < 0) {
		vmm_vm_put(vm);		/* cannot be the last: the VM fd */
		spin_lock(&vm->mmu_lock);	/* vs. the notifier's loop */
		WRITE_ONCE(vm->vcpus[id], NULL);
		spin_unlock(&vm->mmu_lock);
		/* APIC senders walk vm->vcpus[] under RCU (lapic_irq.c). */
		synchronize_rcu();
		goto err_unlock;
	}
	mutex_unlock(&vm->lock);
	return r;

err_unlock:
	mutex_unlock(&vm->lock);
	vmm_lapic_free(vcpu);
	vmm_ops->vcpu_free(vcpu);
err_free:
	vmm_fpu_free(vcpu);
	for (i = 0; i < VMM_RUN_PAGES; i++)
		if (vcpu->run_pages[i])
			__free_page(vcpu->run_pages[i]);
	kfree(vcpu);
	return r;
}
