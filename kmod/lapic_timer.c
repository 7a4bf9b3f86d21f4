// SPDX-License-Identifier: GPL-2.0-only
/*
 * lapic_timer.c - the local APIC timer (SDM Vol. 3A 11.5.4) on a host
 * hrtimer: one-shot and periodic counting down from the initial count
 * at the bus clock divided by the divide configuration, and TSC-deadline
 * mode (11.5.4.1) armed through IA32_TSC_DEADLINE.
 *
 * The APIC "bus clock" here is 1 GHz: one count is one nanosecond times
 * the divider, as on KVM.  Nothing counts down for real: the current
 * count is computed from the hrtimer's remaining time.  The hrtimer
 * callback runs in hard interrupt context on whatever CPU armed it; it
 * only sets an IRR bit and kicks the vCPU (lapic_irq.c, vcpu.c).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "vmm.h"
#include "lapic.h"

/* A periodic timer faster than this would keep a host CPU busy with
 * nothing but timer interrupts: clamp it (KVM does the same). */
#define LAPIC_MIN_PERIOD_NS	(100 * NSEC_PER_USEC)

static u32 timer_mode(struct vmm_lapic *apic)
{
	return (lapic_reg(apic, VAPIC_REG_LVT_TIMER) >> VAPIC_TIMER_MODE_SHIFT) &
	       3;
}

/* Divide configuration (11.5.4, Figure 11-10): bits 3,1:0 -> 1..128. */
static u32 timer_divisor(struct vmm_lapic *apic)
{
	u32 d = lapic_reg(apic, VAPIC_REG_TDCR);

	d = (d & 3) | ((d & 8) >> 1);
	return 1U << ((d + 1) & 7);
}

static enum hrtimer_restart lapic_timer_fn(struct hrtimer *t)
{
	struct vmm_lapic *apic = container_of(t, struct vmm_lapic, timer);
	u32 lvt = READ_ONCE(apic->regs[VAPIC_REG_LVT_TIMER / 4]);

	if (!(lvt & VAPIC_LVT_MASKED))
		vmm_lapic_set_irr(apic->vcpu, lvt & VAPIC_LVT_VECTOR, false);
	if (((lvt >> VAPIC_TIMER_MODE_SHIFT) & 3) == VAPIC_TIMER_PERIODIC &&
	    apic->period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(apic->period_ns));
		return HRTIMER_RESTART;
	}
	/* TSC-deadline: the MSR reads 0 once it fired (11.5.4.1). */
	WRITE_ONCE(apic->tsc_deadline, 0);
	return HRTIMER_NORESTART;
}

void vmm_lapic_timer_init(struct vmm_lapic *apic)
{
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = lapic_timer_fn;
}

/* Owner thread (or teardown): waits for a running callback. */
void vmm_lapic_timer_cancel(struct vmm_lapic *apic)
{
	hrtimer_cancel(&apic->timer);
}

/* One-shot or periodic: start counting down from the initial count. */
static void timer_start_count(struct vmm_lapic *apic)
{
	u64 ns = (u64)lapic_reg(apic, VAPIC_REG_TMICT) * timer_divisor(apic);

	vmm_lapic_timer_cancel(apic);
	apic->period_ns = 0;
	if (!ns || timer_mode(apic) == VAPIC_TIMER_TSCDEADLINE)
		return;
	if (timer_mode(apic) == VAPIC_TIMER_PERIODIC) {
		ns = max_t(u64, ns, LAPIC_MIN_PERIOD_NS);
		apic->period_ns = ns;
	}
	apic->expires = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&apic->timer, apic->expires, HRTIMER_MODE_ABS_HARD);
}

/*
 * A write to the LVT timer, initial count or divide register (value
 * already masked by lapic.c).  A change of timer mode disarms the timer
 * (11.5.4.1); writing the initial count (re)starts it, 0 stops it.
 */
void vmm_lapic_timer_write(struct vmm_lapic *apic, u32 reg, u32 val)
{
	u32 old_mode = timer_mode(apic);

	switch (reg) {
	case VAPIC_REG_LVT_TIMER:
		/* TSC-deadline mode only where CPUID shows it; else the
		 * mode bits are reserved (mode 2 is read as one-shot). */
		if (((val >> VAPIC_TIMER_MODE_SHIFT) & 3) ==
		    VAPIC_TIMER_TSCDEADLINE &&
		    !vmm_lapic_has_tsc_deadline(apic->vcpu))
			val &= ~(3U << VAPIC_TIMER_MODE_SHIFT);
		lapic_set_reg(apic, reg, val);
		if (timer_mode(apic) != old_mode) {
			vmm_lapic_timer_cancel(apic);
			lapic_set_reg(apic, VAPIC_REG_TMICT, 0);
			apic->tsc_deadline = 0;
			apic->period_ns = 0;
		}
		break;
	case VAPIC_REG_TMICT:
		if (old_mode == VAPIC_TIMER_TSCDEADLINE)
			break;		/* ignored in TSC-deadline mode */
		lapic_set_reg(apic, reg, val);
		timer_start_count(apic);
		break;
	case VAPIC_REG_TDCR:
		lapic_set_reg(apic, reg, val);
		break;
	}
}

/* VMM_SET_LAPIC: start over from the loaded initial count. */
void vmm_lapic_timer_restore(struct vmm_lapic *apic)
{
	apic->tsc_deadline = 0;
	timer_start_count(apic);
}

/* Current count (11.5.4): what is left of this period, in counts. */
u32 vmm_lapic_timer_ccr(struct vmm_lapic *apic)
{
	ktime_t left;
	u64 ccr;

	if (timer_mode(apic) == VAPIC_TIMER_TSCDEADLINE ||
	    !hrtimer_active(&apic->timer))
		return 0;
	left = hrtimer_get_remaining(&apic->timer);
	if (ktime_to_ns(left) <= 0)
		return 0;
	ccr = div_u64(ktime_to_ns(left), timer_divisor(apic));
	return min_t(u64, ccr, lapic_reg(apic, VAPIC_REG_TMICT));
}

/* ---- TSC-deadline mode (SDM Vol. 3A 11.5.4.1) ---------------------- */

/* IA32_TSC_DEADLINE exists with the APIC and CPUID.1:ECX[24]. */
bool vmm_lapic_has_tsc_deadline(struct vmm_vcpu *vcpu)
{
	return vcpu->apic && tsc_khz &&
	       vmm_cpuid_has(vcpu, 1, 0, VMM_CPUID_ECX, 24);
}

u64 vmm_lapic_get_tsc_deadline(struct vmm_vcpu *vcpu)
{
	struct vmm_lapic *apic = vcpu->apic;

	if (timer_mode(apic) != VAPIC_TIMER_TSCDEADLINE)
		return 0;
	return READ_ONCE(apic->tsc_deadline);
}

/*
 * A WRMSR: the deadline is in guest TSC ticks (host TSC + tsc_offset,
 * msr.c); tsc_khz turns the distance into nanoseconds.  0 disarms; a
 * deadline already past fires at once.  Outside TSC-deadline mode the
 * write is ignored.
 */
void vmm_lapic_set_tsc_deadline(struct vmm_vcpu *vcpu, u64 val)
{
	struct vmm_lapic *apic = vcpu->apic;
	u64 now, ns;

	if (timer_mode(apic) != VAPIC_TIMER_TSCDEADLINE)
		return;
	vmm_lapic_timer_cancel(apic);
	apic->period_ns = 0;
	WRITE_ONCE(apic->tsc_deadline, val);
	if (!val)
		return;
	now = rdtsc() + vcpu->msr.tsc_offset;
	ns = (s64)(val - now) > 0 ?
	     mul_u64_u32_div(val - now, 1000000, tsc_khz) : 0;
	ns = min_t(u64, ns, KTIME_MAX / 4);	/* no ktime overflow */
	apic->expires = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&apic->timer, apic->expires, HRTIMER_MODE_ABS_HARD);
}
