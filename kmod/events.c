// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c - events for the guest: external interrupts, NMIs and
 * exceptions queued by userspace (VMM_QUEUE_EVENT) or by the kernel
 * (vmm_queue_exception), the event whose delivery an exit cut short, and
 * the one decision, before every entry, of what goes in now and what
 * waits for an interrupt or NMI window.
 *
 * The logic is here once; a backend only reads and writes its hardware
 * fields through the event ops of struct vmm_backend_ops (EVENTINJ,
 * EXITINTINFO, V_IRQ and intercepts on AMD; the VM-entry interruption
 * field, IDT-vectoring info, interruptibility state and window controls
 * on Intel).  Documentation/architecture.md, "Events", walks through it.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/string.h>

#include "vmm.h"
#include "lapic.h"

#define NMI_VECTOR	2
#define PF_VECTOR	14

/* Exceptions that push an error code (SDM Vol. 3A 6.15, APM Vol. 2 8.2). */
static bool vmm_exception_has_error(u8 vector)
{
	switch (vector) {
	case 8: case 10: case 11: case 12: case 13: case 14: case 17:
	case 21: case 29: case 30:
		return true;
	}
	return false;
}

/*
 * An exception found by the kernel (emulation, a refused MSR...).  It is
 * delivered at the next entry.  The instruction that raised it did not
 * complete, so nothing else can be queued in between except by userspace
 * after an exit; the kernel's exception then wins (the guest restarts the
 * instruction, which is what the user's exception interrupted).
 */
void vmm_queue_exception(struct vmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error, u64 cr2)
{
	struct vmm_evt *e = &vcpu->ev.exception;

	memset(e, 0, sizeof(*e));
	e->type = VMM_EVENT_EXCEPTION;
	e->vector = vector;
	e->has_error = has_error;
	e->error = has_error ? error : 0;
	e->has_cr2 = vector == PF_VECTOR;
	e->cr2 = cr2;
}

/* VMM_QUEUE_EVENT: strict checks, then one slot per kind. */
int vmm_queue_event(struct vmm_vcpu *vcpu, const struct vmm_event *e)
{
	struct vmm_event_state *ev = &vcpu->ev;
	bool has_error = e->flags & VMM_EVENT_F_ERROR_CODE;

	if (e->padding || e->reserved || (e->flags & ~VMM_EVENT_F_ERROR_CODE))
		return -EINVAL;
	switch (e->type) {
	case VMM_EVENT_EXCEPTION:
		if (e->vector > 31 || e->vector == NMI_VECTOR ||
		    has_error != vmm_exception_has_error(e->vector) ||
		    (!has_error && e->error_code) ||
		    (e->vector != PF_VECTOR && e->cr2))
			return -EINVAL;
		/* One slot; and an exception cannot wait for a window
		 * behind an event still being delivered. */
		if (ev->exception.type || (ev->reinject.type &&
		    ev->reinject.type != VMM_EVENT_SOFT_INT))
			return -EBUSY;
		vmm_queue_exception(vcpu, e->vector, has_error, e->error_code,
				    e->cr2);
		return 0;
	case VMM_EVENT_EXTINT:
		if (e->vector < 32 || has_error || e->error_code || e->cr2)
			return -EINVAL;
		if (ev->irq.type)
			return -EBUSY;
		memset(&ev->irq, 0, sizeof(ev->irq));
		ev->irq.type = VMM_EVENT_EXTINT;
		ev->irq.vector = e->vector;
		return 0;
	case VMM_EVENT_NMI:
		if ((e->vector && e->vector != NMI_VECTOR) || has_error ||
		    e->error_code || e->cr2)
			return -EINVAL;
		/* The CPU latches one NMI: a second one while it waits is
		 * the same NMI (SDM Vol. 3A 6.7.1). */
		ev->nmi_pending = true;
		return 0;
	}
	return -EINVAL;
}

static void vmm_evt_to_user(const struct vmm_evt *k, struct vmm_event *u)
{
	memset(u, 0, sizeof(*u));
	u->type = k->type;
	if (k->type == VMM_EVENT_NONE)
		return;
	u->vector = k->vector;
	if (k->has_error) {
		u->flags = VMM_EVENT_F_ERROR_CODE;
		u->error_code = k->error;
	}
	if (k->has_cr2)
		u->cr2 = k->cr2;
}

/* VMM_GET_EVENTS; *out is zeroed here, so reserved fields read 0. */
void vmm_get_events(struct vmm_vcpu *vcpu, struct vmm_events *out)
{
	struct vmm_event_state *ev = &vcpu->ev;

	memset(out, 0, sizeof(*out));
	vmm_evt_to_user(&ev->reinject, &out->reinject);
	vmm_evt_to_user(&ev->exception, &out->exception);
	vmm_evt_to_user(&ev->irq, &out->interrupt);
	out->nmi_pending = ev->nmi_pending;
	out->nmi_masked = vmm_ops->get_nmi_mask(vcpu);
	out->interrupt_shadow = vmm_ops->get_interrupt_shadow(vcpu);
}

/*
 * Before each entry, irqs off: what is delivered now, in the priority of
 * SDM Vol. 3A 6.9 / APM Vol. 2 8.5 as far as our sources go:
 *
 *   1. the event an exit interrupted (its delivery had begun: finish it);
 *   2. a queued exception;
 *   3. an NMI, unless an NMI handler runs (NMIs masked until IRET) or
 *      the STI / MOV SS shadow holds;
 *   4. an external interrupt, if RFLAGS.IF and no shadow: first one
 *      userspace queued (VMM_QUEUE_EVENT, the PIC's ExtINT), then, with
 *      VMM_CAP_LAPIC, the local APIC's highest IRR vector whose priority
 *      class is above the PPR's (SDM Vol. 3A 11.8.3.1), which moves to
 *      the ISR as it goes in (the CPU's INTA, 11.8.4).
 *
 * Only one event goes in per entry.  Whatever still waits arms the NMI
 * or interrupt window, an exit as soon as the guest can take it; the next
 * pass through here delivers it.  A software interrupt cut short (INT n,
 * INT3, INTO) is not injected: RIP is still on the instruction, which
 * runs again.
 */
void vmm_events_before_entry(struct vmm_vcpu *vcpu)
{
	struct vmm_event_state *ev = &vcpu->ev;
	bool shadow = vmm_ops->get_interrupt_shadow(vcpu);
	bool iflag = vcpu->rflags & VMM_RFLAGS_IF;
	struct vmm_evt nmi = { .type = VMM_EVENT_NMI, .vector = NMI_VECTOR };
	struct vmm_evt apic_irq = { .type = VMM_EVENT_EXTINT };
	int apic_vec = vcpu->apic ? vmm_lapic_pending_irq(vcpu) : -1;

	/* The exit handler may have unmasked NMIs (SVM's step over IRET). */
	ev->nmi_masked = vmm_ops->get_nmi_mask(vcpu);
	if (ev->reinject.type == VMM_EVENT_SOFT_INT)
		ev->reinject.type = VMM_EVENT_NONE;

	if (ev->reinject.type) {
		vmm_ops->inject_event(vcpu, &ev->reinject);
	} else if (ev->exception.type) {
		vmm_ops->inject_event(vcpu, &ev->exception);
		ev->exception.type = VMM_EVENT_NONE;
	} else if (ev->nmi_pending && !ev->nmi_masked && !shadow) {
		vmm_ops->inject_event(vcpu, &nmi);
		ev->nmi_pending = false;
		ev->nmi_masked = true;
	} else if (ev->irq.type && iflag && !shadow) {
		vmm_ops->inject_event(vcpu, &ev->irq);
		ev->irq.type = VMM_EVENT_NONE;
	} else if (apic_vec >= 0 && iflag && !shadow) {
		apic_irq.vector = apic_vec;
		vmm_ops->inject_event(vcpu, &apic_irq);
		vmm_lapic_ack_irq(vcpu, apic_vec);
		apic_vec = vmm_lapic_pending_irq(vcpu);
	} else {
		vmm_ops->inject_event(vcpu, NULL);
	}
	vmm_ops->set_nmi_window(vcpu, ev->nmi_pending);
	vmm_ops->set_irq_window(vcpu, ev->irq.type || apic_vec >= 0 ||
				READ_ONCE(vcpu->run->request_interrupt_window));
}

/*
 * After each exit, irqs off: an event whose delivery the exit cut short
 * (EXITINTINFO, APM Vol. 2 15.7.2; IDT-vectoring information, SDM Vol.
 * 3C 27.2.4) becomes the event to re-inject, so it is never lost.  The
 * injected event of this entry, if it was delivered, is done with.
 */
void vmm_events_after_exit(struct vmm_vcpu *vcpu)
{
	vmm_ops->get_vectoring(vcpu, &vcpu->ev.reinject);
	vcpu->ev.nmi_masked = vmm_ops->get_nmi_mask(vcpu);
}

/* The guest could take an external interrupt right now. */
static bool vmm_events_irq_ready(struct vmm_vcpu *vcpu)
{
	struct vmm_event_state *ev = &vcpu->ev;

	return (vcpu->rflags & VMM_RFLAGS_IF) &&
	       !vmm_ops->get_interrupt_shadow(vcpu) &&
	       (!ev->reinject.type || ev->reinject.type == VMM_EVENT_SOFT_INT) &&
	       !ev->exception.type;
}

/*
 * In the run loop, before entering: userspace asked for the interrupt
 * window, has no interrupt queued, and the window is open already.
 */
bool vmm_events_irq_window_exit(struct vmm_vcpu *vcpu)
{
	if (!READ_ONCE(vcpu->run->request_interrupt_window) ||
	    vcpu->ev.irq.type || !vmm_events_irq_ready(vcpu))
		return false;
	vcpu->run->exit_reason = VMM_EXIT_IRQ_WINDOW_OPEN;
	return true;
}

/* An interrupt-window exit: deliver what waits, or tell userspace. */
int vmm_events_window_open(struct vmm_vcpu *vcpu)
{
	return vmm_events_irq_window_exit(vcpu) ? 0 : 1;
}

/*
 * HLT (already stepped over): with an NMI or an interrupt that can be
 * delivered now, the guest is woken at once instead of exiting.
 */
int vmm_events_hlt(struct vmm_vcpu *vcpu)
{
	struct vmm_event_state *ev = &vcpu->ev;

	/* VMM_CAP_LAPIC: the vCPU sleeps in the run loop (vcpu.c). */
	if (vcpu->apic) {
		if (!vmm_events_can_wake(vcpu))
			vcpu->mp_state = VMM_MP_HALTED;
		return 1;
	}
	ev->nmi_masked = vmm_ops->get_nmi_mask(vcpu);
	if ((ev->nmi_pending && !ev->nmi_masked) ||
	    (ev->irq.type && (vcpu->rflags & VMM_RFLAGS_IF)))
		return 1;
	vcpu->run->exit_reason = VMM_EXIT_HLT;
	return 0;
}

/*
 * Would a halted vCPU wake up now (SDM Vol. 2A "HLT": an unmasked
 * interrupt, NMI, INIT, SMI... resumes it)?  An NMI that is not masked,
 * or an interrupt - queued by userspace or the APIC's above the PPR -
 * with RFLAGS.IF set; INIT, SIPI and NMI requests are looked at by the
 * caller.  Owner thread.
 */
bool vmm_events_can_wake(struct vmm_vcpu *vcpu)
{
	struct vmm_event_state *ev = &vcpu->ev;

	ev->nmi_masked = vmm_ops->get_nmi_mask(vcpu);
	if (ev->nmi_pending && !ev->nmi_masked)
		return true;
	if (!(vcpu->rflags & VMM_RFLAGS_IF))
		return false;
	return ev->irq.type || (vcpu->apic && vmm_lapic_pending_irq(vcpu) >= 0);
}

/* Reset and INIT: no event in flight or queued (SDM Vol. 3A 9.1.1). */
void vmm_events_reset(struct vmm_vcpu *vcpu)
{
	memset(&vcpu->ev, 0, sizeof(vcpu->ev));
}

/* The last exit happened while an event was being delivered. */
bool vmm_events_delivering(struct vmm_vcpu *vcpu)
{
	return vcpu->ev.reinject.type != VMM_EVENT_NONE;
}

/*
 * MMIO or port I/O needed while delivering an event (the IDT, a stack
 * or a TSS outside RAM): there is no instruction to emulate, the access
 * is the CPU's own.  Userspace gets the event and the address; the event
 * stays queued for re-injection should it run the vCPU again.
 */
int vmm_events_delivery_error(struct vmm_vcpu *vcpu, u64 addr)
{
	const struct vmm_evt *e = &vcpu->ev.reinject;
	u64 word = e->vector | ((u64)e->type << 8);

	if (e->has_error)
		word |= VMM_EVENT_WORD_HAS_ERROR | ((u64)e->error << 32);
	pr_debug_ratelimited("vcpu %u: delivering vector %u hit MMIO/PIO at %#llx\n",
			     vcpu->id, e->vector, addr);
	vmm_internal_error(vcpu, VMM_INTERNAL_DELIVERY_EV, word);
	vcpu->run->internal.ndata = 2;
	vcpu->run->internal.data[1] = addr;
	return 0;
}

/* vmm_run.flags at the return of VMM_RUN. */
u32 vmm_events_run_flags(struct vmm_vcpu *vcpu)
{
	u32 flags = 0;

	if (vcpu->rflags & VMM_RFLAGS_IF)
		flags |= VMM_RUN_F_IF;
	if (vmm_events_irq_ready(vcpu) && !vcpu->ev.irq.type)
		flags |= VMM_RUN_F_READY_FOR_INTERRUPT;
	return flags;
}
