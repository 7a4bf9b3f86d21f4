/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lapic.h - the in-kernel local APIC (VMM_CAP_LAPIC): its state and the
 * interface between lapic.c (the register page, xAPIC MMIO and x2APIC
 * MSRs), lapic_irq.c (interrupt messages: IPIs, MSIs, delivery to the
 * guest, INIT/SIPI), lapic_timer.c (the APIC timer on an hrtimer) and
 * the rest of vmm.ko.  SDM Vol. 3A chapter 11; Documentation/
 * architecture.md, "The local APIC", for the whole story.
 *
 * Who touches what:
 *   irr, tmr   set with atomic bit operations from any context (another
 *              vCPU's ICR write, the hrtimer callback, VMM_SIGNAL_MSI);
 *              cleared by the owning vCPU thread only;
 *   the rest   the owning vCPU thread only, under vcpu->lock (VMM_RUN
 *              holds it; VMM_GET/SET_LAPIC take it).
 */
#ifndef VMM_LAPIC_H
#define VMM_LAPIC_H

#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/types.h>

struct vmm_vcpu;
struct vmm_vm;

/* Names start with VAPIC_ (the guest's, virtual APIC): asm/apicdef.h has
 * the host's APIC_ ones.  Register offsets in the xAPIC page (SDM Vol. 3A
 * 11.4.1, Table 11-1). */
#define VAPIC_REG_ID		0x020
#define VAPIC_REG_VER		0x030
#define VAPIC_REG_TPR		0x080
#define VAPIC_REG_APR		0x090
#define VAPIC_REG_PPR		0x0a0
#define VAPIC_REG_EOI		0x0b0
#define VAPIC_REG_RRD		0x0c0
#define VAPIC_REG_LDR		0x0d0
#define VAPIC_REG_DFR		0x0e0
#define VAPIC_REG_SVR		0x0f0
#define VAPIC_REG_ISR		0x100	/* 8 registers, 16 bytes apart */
#define VAPIC_REG_TMR		0x180
#define VAPIC_REG_IRR		0x200
#define VAPIC_REG_ESR		0x280
#define VAPIC_REG_LVT_CMCI	0x2f0
#define VAPIC_REG_ICR_LO		0x300
#define VAPIC_REG_ICR_HI		0x310
#define VAPIC_REG_LVT_TIMER	0x320
#define VAPIC_REG_LVT_THERMAL	0x330
#define VAPIC_REG_LVT_PERF	0x340
#define VAPIC_REG_LVT_LINT0	0x350
#define VAPIC_REG_LVT_LINT1	0x360
#define VAPIC_REG_LVT_ERROR	0x370
#define VAPIC_REG_TMICT		0x380	/* timer initial count */
#define VAPIC_REG_TMCCT		0x390	/* timer current count */
#define VAPIC_REG_TDCR		0x3e0	/* timer divide configuration */
#define VAPIC_REG_SELF_IPI	0x3f0	/* x2APIC only */
#define VAPIC_PAGE_REGS		0x400	/* the part of the page we model */

/* Version register: version 0x14, 6 LVT entries (max LVT index 5). */
#define VAPIC_VERSION		(0x14 | (5 << 16))

#define VAPIC_SVR_ENABLE		BIT(8)	/* software enable (11.4.7.2) */
#define VAPIC_LVT_MASKED		BIT(16)
#define VAPIC_LVT_LEVEL		BIT(15)
#define VAPIC_LVT_VECTOR		0xff
#define VAPIC_LVT_DM_SHIFT	8
#define VAPIC_TIMER_MODE_SHIFT	17
#define VAPIC_TIMER_ONESHOT	0
#define VAPIC_TIMER_PERIODIC	1
#define VAPIC_TIMER_TSCDEADLINE	2

/* ESR bits (SDM Vol. 3A 11.5.3). */
#define VAPIC_ESR_SEND_ILLEGAL	BIT(5)
#define VAPIC_ESR_RECV_ILLEGAL	BIT(6)
#define VAPIC_ESR_ILLEGAL_REG	BIT(7)

/* Delivery modes (ICR, LVT, MSI data; SDM Vol. 3A 11.6.1, 11.11.2). */
#define VAPIC_DM_FIXED		0
#define VAPIC_DM_LOWEST		1
#define VAPIC_DM_SMI		2
#define VAPIC_DM_NMI		4
#define VAPIC_DM_INIT		5
#define VAPIC_DM_SIPI		6
#define VAPIC_DM_EXTINT		7

/* ICR destination shorthands (bits 19:18). */
#define VAPIC_SH_NONE		0
#define VAPIC_SH_SELF		1
#define VAPIC_SH_ALL		2
#define VAPIC_SH_ALL_BUT_SELF	3

/* IA32_APIC_BASE (SDM Vol. 3A 11.4.4, 11.12.1). */
#define VAPIC_BASE_DEFAULT	0xfee00000ULL
#define VAPIC_BASE_BSP		BIT_ULL(8)
#define VAPIC_BASE_EXTD		BIT_ULL(10)
#define VAPIC_BASE_ENABLE	BIT_ULL(11)

#define MSR_X2APIC_FIRST	0x800
#define MSR_X2APIC_LAST		0x8ff

struct vmm_lapic {
	struct vmm_vcpu *vcpu;
	/* Owner-only registers, as the first 1 KiB of the xAPIC page; the
	 * IRR, ISR and TMR words in it are unused (the bitmaps below). */
	u32 regs[VAPIC_PAGE_REGS / 4];
	DECLARE_BITMAP(irr, 256);	/* atomic set from anywhere */
	DECLARE_BITMAP(tmr, 256);	/* idem, with the IRR bit */
	DECLARE_BITMAP(isr, 256);	/* owner only */
	u32 esr_pending;		/* errors since the last ESR write */

	/* The timer (lapic_timer.c). */
	struct hrtimer timer;
	u64 period_ns;			/* periodic: ns between expiries */
	ktime_t expires;		/* one-shot/periodic: this expiry */
	u64 tsc_deadline;		/* IA32_TSC_DEADLINE, guest TSC */
	u32 timer_vector_mode;		/* LVT timer, as armed (callback) */
};

/* A message to the local APICs: an IPI, an MSI or a local interrupt. */
struct vmm_apic_irq {
	u32 dest;			/* destination field */
	u8 vector;
	u8 delivery_mode;		/* VAPIC_DM_* */
	u8 shorthand;			/* VAPIC_SH_* */
	bool logical;			/* destination mode */
	bool level;			/* level bit (INIT de-assert: 0) */
	bool trig_level;		/* trigger mode: level */
	bool x2apic;			/* 32-bit destination (x2APIC format) */
};

static inline u32 lapic_reg(const struct vmm_lapic *a, u32 off)
{
	return a->regs[off / 4];
}

static inline void lapic_set_reg(struct vmm_lapic *a, u32 off, u32 val)
{
	a->regs[off / 4] = val;
}

/* lapic.c */
int vmm_lapic_create(struct vmm_vcpu *vcpu);
void vmm_lapic_free(struct vmm_vcpu *vcpu);
void vmm_lapic_reset(struct vmm_vcpu *vcpu, bool init);
bool vmm_lapic_hw_enabled(const struct vmm_vcpu *vcpu);
bool vmm_lapic_sw_enabled(const struct vmm_lapic *apic);
bool vmm_lapic_x2apic_mode(const struct vmm_vcpu *vcpu);
u32 vmm_lapic_id(const struct vmm_vcpu *vcpu);
u32 vmm_lapic_ldr(const struct vmm_vcpu *vcpu);
bool vmm_lapic_mmio_match(struct vmm_vcpu *vcpu, u64 gpa);
void vmm_lapic_mmio(struct vmm_vcpu *vcpu, u64 gpa, bool write, u32 size,
		    u64 *val);
int vmm_lapic_msr_get(struct vmm_vcpu *vcpu, u32 msr, u64 *val);
int vmm_lapic_msr_set(struct vmm_vcpu *vcpu, u32 msr, u64 val);
int vmm_lapic_set_base(struct vmm_vcpu *vcpu, u64 val, bool host);
void vmm_lapic_update_ppr(struct vmm_lapic *apic);
int vmm_lapic_get_state(struct vmm_vcpu *vcpu, struct vmm_lapic_state *s);
int vmm_lapic_set_state(struct vmm_vcpu *vcpu,
			const struct vmm_lapic_state *s);

/* lapic_irq.c */
int vmm_lapic_deliver(struct vmm_vm *vm, struct vmm_vcpu *src,
		      const struct vmm_apic_irq *irq);
void vmm_lapic_send_icr(struct vmm_vcpu *vcpu, u32 lo, u32 hi);
void vmm_lapic_local_irq(struct vmm_vcpu *vcpu, u32 lvt_reg);
int vmm_lapic_signal_msi(struct vmm_vm *vm, const struct vmm_msi *msi);
int vmm_lapic_pending_irq(struct vmm_vcpu *vcpu);
void vmm_lapic_ack_irq(struct vmm_vcpu *vcpu, int vector);
void vmm_lapic_eoi(struct vmm_lapic *apic);
bool vmm_lapic_set_irr(struct vmm_vcpu *vcpu, u8 vector, bool level);
void vmm_lapic_process_requests(struct vmm_vcpu *vcpu);

/* lapic_timer.c */
void vmm_lapic_timer_init(struct vmm_lapic *apic);
void vmm_lapic_timer_cancel(struct vmm_lapic *apic);
void vmm_lapic_timer_write(struct vmm_lapic *apic, u32 reg, u32 val);
u32 vmm_lapic_timer_ccr(struct vmm_lapic *apic);
bool vmm_lapic_has_tsc_deadline(struct vmm_vcpu *vcpu);
u64 vmm_lapic_get_tsc_deadline(struct vmm_vcpu *vcpu);
void vmm_lapic_set_tsc_deadline(struct vmm_vcpu *vcpu, u64 val);
void vmm_lapic_timer_restore(struct vmm_lapic *apic);

#endif /* VMM_LAPIC_H */
