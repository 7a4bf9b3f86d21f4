// SPDX-License-Identifier: GPL-2.0-only
/*
 * lapic_irq.c - interrupt messages between local APICs (VMM_CAP_LAPIC):
 * who a message is for (physical, logical flat/cluster, x2APIC cluster,
 * broadcast, shorthands), what each delivery mode does at the target
 * (fixed, lowest priority, NMI, INIT, SIPI), MSIs from userspace
 * devices, and the target's side: the highest pending vector above the
 * PPR, its acceptance (IRR -> ISR) and its EOI.
 *
 * Any thread may send: a message only sets bits - an IRR bit (atomic),
 * or a request bit in the target's vcpu->requests for NMI, INIT and
 * SIPI - and then kicks the target (vmm_vcpu_kick()), which does the
 * rest itself before its next entry.
 *
 * SDM Vol. 3A 11.6 (ICR, destinations), 11.8 (acceptance, priorities,
 * EOI), 11.11 (MSI format), 11.12.9-10 (x2APIC ICR and logical mode).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/rcupdate.h>

#include "vmm.h"
#include "lapic.h"
#include "trace.h"

/* ---- Destinations (SDM Vol. 3A 11.6.2) ---------------------------- */

/* Logical destination: does 'dest' name this APIC? */
static bool match_logical(struct vmm_vcpu *t, u32 dest, bool x2msg)
{
	u32 ldr = vmm_lapic_ldr(t);

	if (vmm_lapic_x2apic_mode(t)) {
		/* 11.12.10.2: cluster in 31:16, a bit mask in 15:0. */
		if (dest == 0xffffffff)
			return true;
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	dest &= 0xff;
	if (dest == 0xff)
		return true;
	ldr >>= 24;
	if ((lapic_reg(t->apic, VAPIC_REG_DFR) >> 28) == 0xf)	/* flat */
		return dest & ldr;
	/* Cluster model (11.6.2.2): cluster in 7:4, members in 3:0. */
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static bool match_physical(struct vmm_vcpu *t, u32 dest, bool x2msg)
{
	if (x2msg ? dest == 0xffffffff : (dest & 0xff) == 0xff)
		return true;
	if (vmm_lapic_x2apic_mode(t))
		return dest == vmm_lapic_id(t);
	return (dest & 0xff) == vmm_lapic_id(t);
}

static bool lapic_match(struct vmm_vcpu *t, struct vmm_vcpu *src,
			const struct vmm_apic_irq *irq)
{
	if (!vmm_lapic_hw_enabled(t))
		return false;
	switch (irq->shorthand) {
	case VAPIC_SH_SELF:
		return t == src;
	case VAPIC_SH_ALL:
		return true;
	case VAPIC_SH_ALL_BUT_SELF:
		return t != src;
	}
	return irq->logical ? match_logical(t, irq->dest, irq->x2apic) :
			      match_physical(t, irq->dest, irq->x2apic);
}

/* ---- Acceptance at one target ------------------------------------- */

/*
 * Set IRR bit 'vector' of this vCPU's APIC from any context, and kick it.
 * Vectors 0-15 are illegal (11.5.3: "received illegal vector"), and a
 * software-disabled APIC takes no fixed interrupt (11.4.7.2).  The TMR
 * bit follows the trigger mode (11.8.4).  True if it took it.
 */
bool vmm_lapic_set_irr(struct vmm_vcpu *vcpu, u8 vector, bool level)
{
	struct vmm_lapic *apic = vcpu->apic;

	if (vector < 16 || !vmm_lapic_sw_enabled(apic))
		return false;
	if (level)
		set_bit(vector, apic->tmr);
	else
		clear_bit(vector, apic->tmr);
	set_bit(vector, apic->irr);
	vmm_vcpu_kick(vcpu);	/* a full barrier, then looks at mode */
	return true;
}

static void lapic_request(struct vmm_vcpu *vcpu, int req)
{
	set_bit(req, &vcpu->requests);
	vmm_vcpu_kick(vcpu);
}

/* One target: what the delivery mode does there (11.6.1). */
static bool lapic_accept(struct vmm_vcpu *t, const struct vmm_apic_irq *irq)
{
	switch (irq->delivery_mode) {
	case VAPIC_DM_FIXED:
	case VAPIC_DM_LOWEST:
		return vmm_lapic_set_irr(t, irq->vector, irq->trig_level);
	case VAPIC_DM_NMI:
		lapic_request(t, VMM_REQ_NMI);
		return true;
	case VAPIC_DM_INIT:
		/* INIT level de-assert: no effect on these CPUs (11.6.1). */
		if (irq->trig_level && !irq->level)
			return false;
		lapic_request(t, VMM_REQ_INIT);
		return true;
	case VAPIC_DM_SIPI:
		WRITE_ONCE(t->sipi_vector, irq->vector);
		smp_wmb();	/* the vector before the request bit */
		lapic_request(t, VMM_REQ_SIPI);
		return true;
	}
	return false;		/* SMI, ExtINT: not modelled */
}

/*
 * Deliver one message to every matching APIC of the VM; lowest priority
 * goes to the lowest-numbered matching vCPU (11.6.2.4 lets the chipset
 * choose).  src: the sending vCPU (shorthands), NULL for an MSI.  The
 * number of APICs that took it.
 *
 * vm->vcpus[] entries are read under RCU: a vCPU whose creation failed
 * is unpublished and freed only after a grace period (vcpu.c); the
 * others live as long as the VM, which the caller holds.
 */
int vmm_lapic_deliver(struct vmm_vm *vm, struct vmm_vcpu *src,
		      const struct vmm_apic_irq *irq)
{
	struct vmm_vcpu *t;
	int i, n = 0;

	rcu_read_lock();
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		t = READ_ONCE(vm->vcpus[i]);
		if (!t || !t->apic || !lapic_match(t, src, irq))
			continue;
		if (lapic_accept(t, irq))
			n++;
		if (irq->delivery_mode == VAPIC_DM_LOWEST)
			break;
	}
	rcu_read_unlock();
	return n;
}

/*
 * A write to the ICR (xAPIC: the low dword, 11.6.1; x2APIC: MSR 0x830,
 * 11.12.9) sends the IPI.  hi: the destination, bits 31:24 in xAPIC
 * mode, all 32 bits in x2APIC mode.
 */
void vmm_lapic_send_icr(struct vmm_vcpu *vcpu, u32 lo, u32 hi)
{
	bool x2 = vmm_lapic_x2apic_mode(vcpu);
	struct vmm_apic_irq irq = {
		.vector = lo & 0xff,
		.delivery_mode = (lo >> 8) & 7,
		.logical = lo & BIT(11),
		.level = lo & BIT(14),
		.trig_level = lo & BIT(15),
		.shorthand = (lo >> 18) & 3,
		.dest = x2 ? hi : hi >> 24,
		.x2apic = x2,
	};

	trace_vmm_apic_ipi(vcpu->id, irq.dest, irq.vector, irq.delivery_mode,
			   irq.shorthand);
	if ((irq.delivery_mode == VAPIC_DM_FIXED ||
	     irq.delivery_mode == VAPIC_DM_LOWEST) && irq.vector < 16) {
		/* 11.5.3: "send illegal vector"; nothing is sent, the
		 * error LVT signals it. */
		vcpu->apic->esr_pending |= VAPIC_ESR_SEND_ILLEGAL;
		vmm_lapic_local_irq(vcpu, VAPIC_REG_LVT_ERROR);
		return;
	}
	vmm_lapic_deliver(vcpu->vm, vcpu, &irq);
}

/*
 * A local interrupt of this APIC through its LVT entry (11.5.1): masked,
 * or fixed, or NMI; ExtINT and SMI are not modelled.  Only the error LVT
 * has a source in the kernel today (LINT0/LINT1 have no pins here:
 * userspace's PIC uses VMM_QUEUE_EVENT).
 */
void vmm_lapic_local_irq(struct vmm_vcpu *vcpu, u32 lvt_reg)
{
	u32 lvt = lapic_reg(vcpu->apic, lvt_reg);

	if (lvt & VAPIC_LVT_MASKED)
		return;
	switch ((lvt >> VAPIC_LVT_DM_SHIFT) & 7) {
	case VAPIC_DM_FIXED:
		vmm_lapic_set_irr(vcpu, lvt & VAPIC_LVT_VECTOR,
				  lvt & VAPIC_LVT_LEVEL);
		break;
	case VAPIC_DM_NMI:
		lapic_request(vcpu, VMM_REQ_NMI);
		break;
	}
}

/*
 * VMM_SIGNAL_MSI (SDM Vol. 3A 11.11): decode the address and data of a
 * message-signalled interrupt.  Any thread; the caller holds the VM.
 */
int vmm_lapic_signal_msi(struct vmm_vm *vm, const struct vmm_msi *msi)
{
	struct vmm_apic_irq irq = { 0 };
	u8 dm = (msi->data >> 8) & 7;

	if (!READ_ONCE(vm->lapic))
		return -ENXIO;
	if (msi->flags || msi->reserved[0] || msi->reserved[1])
		return -EINVAL;
	/* Address: 0xfee in 31:20; 11.11.1 leaves 11:4 and 1:0 reserved. */
	if ((msi->address_lo >> 20) != 0xfee || (msi->address_lo & 0xff3) ||
	    (msi->address_hi & 0xff))
		return -EINVAL;
	/* Data: 11.11.2, bits 31:16 and 13:11 reserved. */
	if ((msi->data & 0xffff3800) || dm == VAPIC_DM_SMI || dm == 3 ||
	    dm == VAPIC_DM_SIPI || dm == VAPIC_DM_EXTINT)
		return -EINVAL;
	irq.vector = msi->data & 0xff;
	irq.delivery_mode = dm;
	irq.level = msi->data & BIT(14);
	irq.trig_level = msi->data & BIT(15);
	irq.logical = msi->address_lo & BIT(2);
	irq.dest = ((msi->address_lo >> 12) & 0xff) | (msi->address_hi & ~0xffU);
	irq.x2apic = msi->address_hi != 0;
	trace_vmm_apic_msi(msi->address_lo, msi->address_hi, msi->data);
	if ((dm == VAPIC_DM_FIXED || dm == VAPIC_DM_LOWEST) && irq.vector < 16)
		return 0;
	return vmm_lapic_deliver(vm, NULL, &irq);
}

/* ---- The target: pending vector, acceptance, EOI ------------------ */

/*
 * The vector the APIC would present to the CPU now: the highest IRR bit
 * whose priority class is above the PPR's (11.8.3.1), or -1.  Owner
 * thread, irqs may be off.
 */
int vmm_lapic_pending_irq(struct vmm_vcpu *vcpu)
{
	struct vmm_lapic *apic = vcpu->apic;
	int v;

	if (!vmm_lapic_hw_enabled(vcpu))
		return -1;
	v = find_last_bit(apic->irr, 256);
	if (v >= 256)
		return -1;
	vmm_lapic_update_ppr(apic);
	if ((v & 0xf0) <= (lapic_reg(apic, VAPIC_REG_PPR) & 0xf0))
		return -1;
	return v;
}

/* The CPU took 'vector' (INTA): IRR -> ISR, PPR up (11.8.4). */
void vmm_lapic_ack_irq(struct vmm_vcpu *vcpu, int vector)
{
	struct vmm_lapic *apic = vcpu->apic;

	clear_bit(vector, apic->irr);
	__set_bit(vector, apic->isr);
	vmm_lapic_update_ppr(apic);
	trace_vmm_apic_irq_inject(vcpu->id, vector);
}

/* EOI (11.8.5): the highest in-service vector is done. */
void vmm_lapic_eoi(struct vmm_lapic *apic)
{
	int v = find_last_bit(apic->isr, 256);

	if (v >= 256)
		return;
	__clear_bit(v, apic->isr);
	clear_bit(v, apic->tmr);
	vmm_lapic_update_ppr(apic);
}

/*
 * Requests other threads left for this vCPU (owner thread, irqs on,
 * before an entry or while blocked).  INIT resets the vCPU (SDM Vol. 3A
 * 9.1.1, Table 9-1) and an AP then waits for a SIPI; the BSP starts
 * again at the reset vector (its INIT is a reset).  A SIPI starts a
 * waiting AP in real mode at vector << 12 (SDM Vol. 3A 9.4.4, 11.6.1):
 * CS.selector = vector << 8, CS.base = vector << 12, IP = 0.  NMIs
 * become the pending NMI of events.c.
 */
void vmm_lapic_process_requests(struct vmm_vcpu *vcpu)
{
	struct vmm_sregs s;

	/* The common case, on every pass through the run loop: nothing. */
	if (!(READ_ONCE(vcpu->requests) & (BIT(VMM_REQ_NMI) |
					    BIT(VMM_REQ_INIT) |
					    BIT(VMM_REQ_SIPI))))
		return;
	if (test_and_clear_bit(VMM_REQ_INIT, &vcpu->requests)) {
		vmm_vcpu_reset(vcpu, true);
		vcpu->mp_state = vcpu->id ? VMM_MP_WAIT_SIPI : VMM_MP_RUNNABLE;
		/* A SIPI sent before the INIT is stale. */
		clear_bit(VMM_REQ_SIPI, &vcpu->requests);
	}
	if (test_and_clear_bit(VMM_REQ_SIPI, &vcpu->requests) &&
	    vcpu->mp_state == VMM_MP_WAIT_SIPI) {
		u8 vector;

		smp_rmb();	/* pairs with lapic_accept() */
		vector = READ_ONCE(vcpu->sipi_vector);
		memset(&s, 0, sizeof(s));
		vmm_ops->get_sregs(vcpu, &s);
		s.cs.selector = vector << 8;
		s.cs.base = (u64)vector << 12;
		if (!vmm_ops->set_sregs(vcpu, &s)) {
			vcpu->rip = 0;
			vcpu->mp_state = VMM_MP_RUNNABLE;
		}
	}
	if (test_and_clear_bit(VMM_REQ_NMI, &vcpu->requests))
		vcpu->ev.nmi_pending = true;
}
