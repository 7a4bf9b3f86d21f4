// SPDX-License-Identifier: GPL-2.0-only
/*
 * lapic.c - the local APIC's registers (VMM_CAP_LAPIC): the register
 * page model, its two access paths - the xAPIC MMIO page at
 * IA32_APIC_BASE and the x2APIC MSRs 0x800-0x8ff - and IA32_APIC_BASE
 * itself with its mode transitions.  Interrupt messages are in
 * lapic_irq.c, the timer in lapic_timer.c.
 *
 * SDM Vol. 3A chapter 11: 11.4 (the xAPIC page, Table 11-1, software
 * enable, reset state), 11.5 (LVT, ESR), 11.6 (ICR), 11.8 (TPR/PPR,
 * IRR/ISR/EOI), 11.12 (x2APIC: MSR map Table 11-6, LDR, SELF IPI, the
 * state transitions of 11.12.5).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/processor.h>

#include "vmm.h"
#include "lapic.h"

/* Writable bits of the LVT entries (SDM Vol. 3A 11.5.1, Figure 11-8). */
#define LVT_MASK_TIMER	(VAPIC_LVT_VECTOR | VAPIC_LVT_MASKED | (3 << 17))
#define LVT_MASK_LINT	(VAPIC_LVT_VECTOR | (7 << 8) | BIT(13) | \
			 VAPIC_LVT_LEVEL | VAPIC_LVT_MASKED)
#define LVT_MASK_DM	(VAPIC_LVT_VECTOR | (7 << 8) | VAPIC_LVT_MASKED)
#define LVT_MASK_ERROR	(VAPIC_LVT_VECTOR | VAPIC_LVT_MASKED)
/* ICR low dword: vector, delivery and destination mode, level, trigger,
 * shorthand; bit 12 (delivery status) reads 0: delivery is immediate. */
#define ICR_LO_MASK	(0xff | (7 << 8) | BIT(11) | BIT(14) | BIT(15) | \
			 (3 << 18))
#define SVR_MASK	0x1ff	/* vector, software enable; no focus/EOI-b */
#define TDCR_MASK	0xb

static const u32 lapic_lvts[] = {
	VAPIC_REG_LVT_TIMER, VAPIC_REG_LVT_THERMAL, VAPIC_REG_LVT_PERF,
	VAPIC_REG_LVT_LINT0, VAPIC_REG_LVT_LINT1, VAPIC_REG_LVT_ERROR,
};

static u32 lvt_mask(u32 reg)
{
	switch (reg) {
	case VAPIC_REG_LVT_TIMER:
		return LVT_MASK_TIMER;
	case VAPIC_REG_LVT_LINT0:
	case VAPIC_REG_LVT_LINT1:
		return LVT_MASK_LINT;
	case VAPIC_REG_LVT_ERROR:
		return LVT_MASK_ERROR;
	default:
		return LVT_MASK_DM;
	}
}

static bool is_lvt(u32 reg)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(lapic_lvts); i++)
		if (lapic_lvts[i] == reg)
			return true;
	return false;
}

bool vmm_lapic_hw_enabled(const struct vmm_vcpu *vcpu)
{
	return vcpu->apic && (vcpu->msr.apic_base & VAPIC_BASE_ENABLE);
}

bool vmm_lapic_sw_enabled(const struct vmm_lapic *apic)
{
	return lapic_reg(apic, VAPIC_REG_SVR) & VAPIC_SVR_ENABLE;
}

bool vmm_lapic_x2apic_mode(const struct vmm_vcpu *vcpu)
{
	return vcpu->apic && (vcpu->msr.apic_base & VAPIC_BASE_EXTD);
}

/* The APIC ID: 8 bits in xAPIC mode, the 32-bit x2APIC ID = vCPU id. */
u32 vmm_lapic_id(const struct vmm_vcpu *vcpu)
{
	if (vmm_lapic_x2apic_mode(vcpu))
		return vcpu->id;
	return lapic_reg(vcpu->apic, VAPIC_REG_ID) >> 24;
}

/*
 * The logical destination: software's in xAPIC mode; in x2APIC mode
 * derived from the ID, cluster ID[19:4] in bits 31:16 and one bit of
 * 16 for ID[3:0] (SDM Vol. 3A 11.12.10.2).
 */
u32 vmm_lapic_ldr(const struct vmm_vcpu *vcpu)
{
	u32 id = vcpu->id;

	if (vmm_lapic_x2apic_mode(vcpu))
		return ((id >> 4) << 16) | (1U << (id & 0xf));
	return lapic_reg(vcpu->apic, VAPIC_REG_LDR);
}

/*
 * PPR (SDM Vol. 3A 11.8.3.1): the TPR if its class is at least that of
 * the highest in-service vector, else that vector's class.
 */
void vmm_lapic_update_ppr(struct vmm_lapic *apic)
{
	u32 tpr = lapic_reg(apic, VAPIC_REG_TPR);
	int isrv = find_last_bit(apic->isr, 256);
	u32 ppr;

	if (isrv >= 256)
		isrv = 0;
	if ((tpr & 0xf0) >= (isrv & 0xf0))
		ppr = tpr;
	else
		ppr = isrv & 0xf0;
	lapic_set_reg(apic, VAPIC_REG_PPR, ppr);
}

/*
 * CR8 (64-bit mode) reads and writes TPR[7:4]; TPR[3:0] read 0 after a
 * write of CR8 (SDM Vol. 3A 11.8.6.1).  The backends call these only
 * for a vCPU with an APIC.
 */
u8 vmm_lapic_get_cr8(struct vmm_vcpu *vcpu)
{
	return lapic_reg(vcpu->apic, VAPIC_REG_TPR) >> 4;
}

void vmm_lapic_set_cr8(struct vmm_vcpu *vcpu, u8 cr8)
{
	lapic_set_reg(vcpu->apic, VAPIC_REG_TPR, (cr8 & 0xf) << 4);
	vmm_lapic_update_ppr(vcpu->apic);
}

/* Reset (power-up) or INIT state (SDM Vol. 3A 11.4.7.1, 11.4.7.3):
 * INIT keeps the APIC ID; IA32_APIC_BASE is msr.c's. */
void vmm_lapic_reset(struct vmm_vcpu *vcpu, bool init)
{
	struct vmm_lapic *apic = vcpu->apic;
	u32 id = init ? lapic_reg(apic, VAPIC_REG_ID) : vcpu->id << 24;
	int i;

	vmm_lapic_timer_cancel(apic);
	memset(apic->regs, 0, sizeof(apic->regs));
	bitmap_zero(apic->irr, 256);
	bitmap_zero(apic->isr, 256);
	bitmap_zero(apic->tmr, 256);
	apic->esr_pending = 0;
	apic->tsc_deadline = 0;
	lapic_set_reg(apic, VAPIC_REG_ID, id);
	lapic_set_reg(apic, VAPIC_REG_VER, VAPIC_VERSION);
	lapic_set_reg(apic, VAPIC_REG_DFR, 0xffffffff);
	lapic_set_reg(apic, VAPIC_REG_SVR, 0xff);
	for (i = 0; i < ARRAY_SIZE(lapic_lvts); i++)
		lapic_set_reg(apic, lapic_lvts[i], VAPIC_LVT_MASKED);
}

int vmm_lapic_create(struct vmm_vcpu *vcpu)
{
	struct vmm_lapic *apic;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	apic->vcpu = vcpu;
	vmm_lapic_timer_init(apic);
	vcpu->apic = apic;
	vmm_lapic_reset(vcpu, false);
	return 0;
}

/* VM teardown: no vCPU runs, but the timer may still be armed. */
void vmm_lapic_free(struct vmm_vcpu *vcpu)
{
	if (!vcpu->apic)
		return;
	vmm_lapic_timer_cancel(vcpu->apic);
	kfree(vcpu->apic);
	vcpu->apic = NULL;
}

/* 32 bits of a 256-bit IRR/ISR/TMR bitmap: register n of 8. */
static u32 bitmap_word(const unsigned long *bm, int n)
{
	return (u32)(READ_ONCE(bm[n / 2]) >> (32 * (n % 2)));
}

/* ---- Register reads and writes, common to both access paths ------ */

static u32 lapic_read(struct vmm_lapic *apic, u32 off)
{
	struct vmm_vcpu *vcpu = apic->vcpu;

	switch (off) {
	case VAPIC_REG_ID:
		return vmm_lapic_x2apic_mode(vcpu) ? vcpu->id :
		       lapic_reg(apic, off);
	case VAPIC_REG_PPR:
		vmm_lapic_update_ppr(apic);
		return lapic_reg(apic, off);
	case VAPIC_REG_LDR:
		return vmm_lapic_ldr(vcpu);
	case VAPIC_REG_TMCCT:
		return vmm_lapic_timer_ccr(apic);
	case VAPIC_REG_ISR ... VAPIC_REG_ISR + 0x70:
		return bitmap_word(apic->isr, (off - VAPIC_REG_ISR) >> 4);
	case VAPIC_REG_TMR ... VAPIC_REG_TMR + 0x70:
		return bitmap_word(apic->tmr, (off - VAPIC_REG_TMR) >> 4);
	case VAPIC_REG_IRR ... VAPIC_REG_IRR + 0x70:
		return bitmap_word(apic->irr, (off - VAPIC_REG_IRR) >> 4);
	case VAPIC_REG_EOI:
	case VAPIC_REG_SELF_IPI:
		return 0;		/* write-only */
	}
	if (off < VAPIC_PAGE_REGS)
		return lapic_reg(apic, off);
	return 0;
}

/* Software disable masks every LVT entry and keeps it masked
 * (SDM Vol. 3A 11.4.7.2). */
static void lapic_write_svr(struct vmm_lapic *apic, u32 val)
{
	int i;

	lapic_set_reg(apic, VAPIC_REG_SVR, val & SVR_MASK);
	if (val & VAPIC_SVR_ENABLE)
		return;
	for (i = 0; i < ARRAY_SIZE(lapic_lvts); i++) {
		lapic_set_reg(apic, lapic_lvts[i],
			      lapic_reg(apic, lapic_lvts[i]) | VAPIC_LVT_MASKED);
	}
	vmm_lapic_timer_write(apic, VAPIC_REG_LVT_TIMER,
			      lapic_reg(apic, VAPIC_REG_LVT_TIMER));
}

/*
 * A write to register 'off' (ICR: the low dword; 'hi' the destination).
 * 0, or -EINVAL for a register or value x2APIC refuses (#GP); the MMIO
 * path ignores such writes as the xAPIC does.
 */
static int lapic_write(struct vmm_lapic *apic, u32 off, u32 val)
{
	struct vmm_vcpu *vcpu = apic->vcpu;
	bool x2 = vmm_lapic_x2apic_mode(vcpu);

	switch (off) {
	case VAPIC_REG_ID:
		if (x2)
			return -EINVAL;
		lapic_set_reg(apic, off, val & 0xff000000);
		return 0;
	case VAPIC_REG_TPR:
		lapic_set_reg(apic, off, val & 0xff);
		vmm_lapic_update_ppr(apic);
		return 0;
	case VAPIC_REG_EOI:
		vmm_lapic_eoi(apic);
		return 0;
	case VAPIC_REG_LDR:
		if (x2)
			return -EINVAL;	/* read-only, from the ID */
		lapic_set_reg(apic, off, val & 0xff000000);
		return 0;
	case VAPIC_REG_DFR:
		if (x2)
			return -EINVAL;	/* no DFR in x2APIC mode */
		lapic_set_reg(apic, off, val | 0x0fffffff);
		return 0;
	case VAPIC_REG_SVR:
		lapic_write_svr(apic, val);
		return 0;
	case VAPIC_REG_ESR:
		/* 11.5.3: a write latches the errors since the last one. */
		lapic_set_reg(apic, off, apic->esr_pending);
		apic->esr_pending = 0;
		return 0;
	case VAPIC_REG_ICR_LO:
		lapic_set_reg(apic, off, val & ICR_LO_MASK);
		vmm_lapic_send_icr(vcpu, val & ICR_LO_MASK,
				   lapic_reg(apic, VAPIC_REG_ICR_HI));
		return 0;
	case VAPIC_REG_ICR_HI:
		if (x2)
			return -EINVAL;
		lapic_set_reg(apic, off, val & 0xff000000);
		return 0;
	case VAPIC_REG_TMICT:
	case VAPIC_REG_TDCR:
		vmm_lapic_timer_write(apic, off,
				      off == VAPIC_REG_TDCR ? val & TDCR_MASK : val);
		return 0;
	case VAPIC_REG_SELF_IPI:
		if (!x2)
			return -EINVAL;
		vmm_lapic_set_irr(vcpu, val & 0xff, false);
		return 0;
	}
	if (is_lvt(off)) {
		val &= lvt_mask(off);
		if (!vmm_lapic_sw_enabled(apic))
			val |= VAPIC_LVT_MASKED;
		if (off == VAPIC_REG_LVT_TIMER) {
			vmm_lapic_timer_write(apic, off, val);
			return 0;
		}
		lapic_set_reg(apic, off, val);
		return 0;
	}
	return -EINVAL;		/* read-only or reserved */
}

/* ---- xAPIC: the MMIO page (SDM Vol. 3A 11.4.1) -------------------- */

/* Is this guest-physical address the APIC page of this vCPU? */
bool vmm_lapic_mmio_match(struct vmm_vcpu *vcpu, u64 gpa)
{
	u64 base = vcpu->msr.apic_base & PAGE_MASK &
		   GENMASK_ULL(boot_cpu_data.x86_phys_bits - 1, 0);

	return vmm_lapic_hw_enabled(vcpu) && !vmm_lapic_x2apic_mode(vcpu) &&
	       (gpa & PAGE_MASK) == base;
}

/*
 * One MOV to or from the page, decoded by emulate.c.  Only aligned
 * 32-bit accesses to the first dword of a 16-byte register are defined
 * (11.4.1: "all 32-bit registers should be accessed using 128-bit
 * aligned 32-bit loads or stores"); anything else reads 0 and writes
 * nothing.
 */
void vmm_lapic_mmio(struct vmm_vcpu *vcpu, u64 gpa, bool write, u32 size,
		    u64 *val)
{
	struct vmm_lapic *apic = vcpu->apic;
	u32 off = gpa & ~PAGE_MASK;

	if (size != 4 || (off & 0xf)) {
		pr_debug_ratelimited("vcpu %u: APIC %s of %u bytes at %#x ignored\n",
				     vcpu->id, write ? "write" : "read", size,
				     off);
		if (!write)
			*val = 0;
		return;
	}
	if (!write) {
		*val = lapic_read(apic, off);
		return;
	}
	if (off == VAPIC_REG_SELF_IPI || off >= VAPIC_PAGE_REGS)
		return;
	if (lapic_write(apic, off, *val))
		pr_debug_ratelimited("vcpu %u: APIC write %#llx to %#x ignored\n",
				     vcpu->id, *val, off);
}

/* ---- x2APIC: MSRs 0x800-0x8ff (SDM Vol. 3A 11.12.1, Table 11-6) ---- */

/* Registers an x2APIC RDMSR may read. */
static bool x2apic_readable(u32 off)
{
	switch (off) {
	case VAPIC_REG_ID: case VAPIC_REG_VER: case VAPIC_REG_TPR:
	case VAPIC_REG_PPR: case VAPIC_REG_LDR: case VAPIC_REG_SVR:
	case VAPIC_REG_ESR: case VAPIC_REG_ICR_LO: case VAPIC_REG_TMICT:
	case VAPIC_REG_TMCCT: case VAPIC_REG_TDCR:
	case VAPIC_REG_ISR ... VAPIC_REG_ISR + 0x70:
	case VAPIC_REG_TMR ... VAPIC_REG_TMR + 0x70:
	case VAPIC_REG_IRR ... VAPIC_REG_IRR + 0x70:
		return !(off & 0xf);
	}
	return is_lvt(off);
}

static bool x2apic_msr_valid(struct vmm_vcpu *vcpu, u32 msr)
{
	return vcpu->apic && msr >= MSR_X2APIC_FIRST &&
	       msr <= MSR_X2APIC_LAST;
}

/* 0; -ENOENT: not an APIC MSR or not in x2APIC mode; -EINVAL: #GP. */
int vmm_lapic_msr_get(struct vmm_vcpu *vcpu, u32 msr, u64 *val)
{
	struct vmm_lapic *apic = vcpu->apic;
	u32 off = (msr - MSR_X2APIC_FIRST) << 4;

	if (!x2apic_msr_valid(vcpu, msr))
		return -ENOENT;
	if (!vmm_lapic_x2apic_mode(vcpu) || !x2apic_readable(off))
		return -EINVAL;
	if (off == VAPIC_REG_ICR_LO) {
		*val = lapic_reg(apic, VAPIC_REG_ICR_LO) |
		       (u64)lapic_reg(apic, VAPIC_REG_ICR_HI) << 32;
		return 0;
	}
	*val = lapic_read(apic, off);
	return 0;
}

/* Reserved bits of an x2APIC WRMSR are #GP (11.12.1.2). */
static u32 x2apic_write_mask(u32 off)
{
	switch (off) {
	case VAPIC_REG_TPR:
	case VAPIC_REG_SELF_IPI:
		return 0xff;
	case VAPIC_REG_SVR:
		return SVR_MASK;
	case VAPIC_REG_EOI:
	case VAPIC_REG_ESR:
		return 0;
	case VAPIC_REG_TMICT:
		return 0xffffffff;
	case VAPIC_REG_TDCR:
		return TDCR_MASK;
	case VAPIC_REG_ICR_LO:
		return ICR_LO_MASK;
	}
	if (is_lvt(off))
		return lvt_mask(off);
	return 0;
}

static bool x2apic_writable(u32 off)
{
	switch (off) {
	case VAPIC_REG_TPR: case VAPIC_REG_EOI: case VAPIC_REG_SVR:
	case VAPIC_REG_ESR: case VAPIC_REG_ICR_LO: case VAPIC_REG_TMICT:
	case VAPIC_REG_TDCR: case VAPIC_REG_SELF_IPI:
		return true;
	}
	return is_lvt(off);
}

int vmm_lapic_msr_set(struct vmm_vcpu *vcpu, u32 msr, u64 val)
{
	struct vmm_lapic *apic = vcpu->apic;
	u32 off = (msr - MSR_X2APIC_FIRST) << 4;

	if (!x2apic_msr_valid(vcpu, msr))
		return -ENOENT;
	if (!vmm_lapic_x2apic_mode(vcpu) || !x2apic_writable(off))
		return -EINVAL;
	if (off == VAPIC_REG_ICR_LO) {
		if ((u32)val & ~ICR_LO_MASK)
			return -EINVAL;
		/* One 64-bit write: destination in 63:32 (11.12.9). */
		lapic_set_reg(apic, VAPIC_REG_ICR_HI, val >> 32);
		lapic_set_reg(apic, VAPIC_REG_ICR_LO, (u32)val);
		vmm_lapic_send_icr(vcpu, (u32)val, val >> 32);
		return 0;
	}
	if (val & ~(u64)x2apic_write_mask(off))
		return -EINVAL;
	if (off == VAPIC_REG_LVT_TIMER &&
	    ((val >> VAPIC_TIMER_MODE_SHIFT) & 3) == 3)
		return -EINVAL;
	return lapic_write(apic, off, val);
}

/* ---- IA32_APIC_BASE (SDM Vol. 3A 11.4.4, 11.12.5) ------------------ */

/*
 * The guest's WRMSR (host: VMM_SET_SREGS, trusted to know the state it
 * restores).  States by (EN, EXTD): disabled (0,0), xAPIC (1,0), x2APIC
 * (1,1); (0,1) is invalid, and so are x2APIC -> xAPIC and disabled ->
 * x2APIC (Figure 11-27): #GP.  Disabling resets the APIC's registers as
 * at power-up (11.4.3).  0 or -EINVAL.
 */
int vmm_lapic_set_base(struct vmm_vcpu *vcpu, u64 val, bool host)
{
	u64 old = vcpu->msr.apic_base;
	bool en = val & VAPIC_BASE_ENABLE, x2 = val & VAPIC_BASE_EXTD;
	bool old_en = old & VAPIC_BASE_ENABLE, old_x2 = old & VAPIC_BASE_EXTD;

	if (!host) {
		if (x2 && !vmm_cpuid_has(vcpu, 1, 0, VMM_CPUID_ECX, 21))
			return -EINVAL;
		if (x2 && !en)
			return -EINVAL;
		if (old_x2 && en && !x2)
			return -EINVAL;
		if (!old_en && en && x2)
			return -EINVAL;
		val = (val & ~VAPIC_BASE_BSP) | (old & VAPIC_BASE_BSP);
	}
	vcpu->msr.apic_base = val;
	if (old_en && !en)
		vmm_lapic_reset(vcpu, true);
	return 0;
}

/* ---- VMM_GET_LAPIC / VMM_SET_LAPIC --------------------------------- */

static void put_word(struct vmm_lapic_state *s, u32 off, u32 val)
{
	memcpy(&s->regs[off], &val, sizeof(val));
}

static u32 get_word(const struct vmm_lapic_state *s, u32 off)
{
	u32 val;

	memcpy(&val, &s->regs[off], sizeof(val));
	return val;
}

int vmm_lapic_get_state(struct vmm_vcpu *vcpu, struct vmm_lapic_state *s)
{
	struct vmm_lapic *apic = vcpu->apic;
	u32 off;

	if (!apic)
		return -ENXIO;
	memset(s, 0, sizeof(*s));
	for (off = 0; off < VAPIC_PAGE_REGS; off += 0x10)
		put_word(s, off, lapic_read(apic, off));
	/* The whole ICR, ESR as software would read it after a write. */
	put_word(s, VAPIC_REG_ICR_HI, lapic_reg(apic, VAPIC_REG_ICR_HI));
	put_word(s, VAPIC_REG_ESR, lapic_reg(apic, VAPIC_REG_ESR));
	return 0;
}

/* What VMM_SET_LAPIC loads: -EINVAL for reserved bits. */
static int lapic_state_check(struct vmm_vcpu *vcpu,
			     const struct vmm_lapic_state *s)
{
	bool x2 = vmm_lapic_x2apic_mode(vcpu);
	u32 off, v;
	int i;

	for (off = 0; off < VAPIC_PAGE_REGS; off += 4)
		if ((off & 0xf) && get_word(s, off))
			return -EINVAL;
	if (get_word(s, VAPIC_REG_TPR) & ~0xff ||
	    get_word(s, VAPIC_REG_SVR) & ~SVR_MASK ||
	    get_word(s, VAPIC_REG_TDCR) & ~TDCR_MASK ||
	    get_word(s, VAPIC_REG_ICR_LO) & ~ICR_LO_MASK)
		return -EINVAL;
	if (!x2 && ((get_word(s, VAPIC_REG_ID) & 0x00ffffff) ||
		    (get_word(s, VAPIC_REG_LDR) & 0x00ffffff) ||
		    (get_word(s, VAPIC_REG_ICR_HI) & 0x00ffffff)))
		return -EINVAL;
	if (x2 && get_word(s, VAPIC_REG_ID) != vcpu->id)
		return -EINVAL;
	/* Vectors 0-15 cannot be requested or in service (11.8.3). */
	if ((get_word(s, VAPIC_REG_IRR) | get_word(s, VAPIC_REG_ISR) |
	     get_word(s, VAPIC_REG_TMR)) & 0xffff)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(lapic_lvts); i++) {
		v = get_word(s, lapic_lvts[i]);
		if (v & ~lvt_mask(lapic_lvts[i]))
			return -EINVAL;
	}
	return 0;
}

static void load_bitmap(unsigned long *bm, const struct vmm_lapic_state *s,
			u32 base)
{
	int n;

	bitmap_zero(bm, 256);
	for (n = 0; n < 8; n++)
		bm[n / 2] |= (unsigned long)get_word(s, base + n * 0x10) <<
			     (32 * (n % 2));
}

int vmm_lapic_set_state(struct vmm_vcpu *vcpu,
			const struct vmm_lapic_state *s)
{
	struct vmm_lapic *apic = vcpu->apic;
	bool x2 = vmm_lapic_x2apic_mode(vcpu);
	int i, r;

	if (!apic)
		return -ENXIO;
	r = lapic_state_check(vcpu, s);
	if (r)
		return r;
	vmm_lapic_timer_cancel(apic);
	if (!x2) {
		lapic_set_reg(apic, VAPIC_REG_ID, get_word(s, VAPIC_REG_ID));
		lapic_set_reg(apic, VAPIC_REG_LDR, get_word(s, VAPIC_REG_LDR));
	}
	lapic_set_reg(apic, VAPIC_REG_DFR,
		      get_word(s, VAPIC_REG_DFR) | 0x0fffffff);
	lapic_set_reg(apic, VAPIC_REG_TPR, get_word(s, VAPIC_REG_TPR));
	lapic_set_reg(apic, VAPIC_REG_SVR, get_word(s, VAPIC_REG_SVR));
	lapic_set_reg(apic, VAPIC_REG_ESR, get_word(s, VAPIC_REG_ESR));
	apic->esr_pending = 0;
	lapic_set_reg(apic, VAPIC_REG_ICR_LO, get_word(s, VAPIC_REG_ICR_LO));
	lapic_set_reg(apic, VAPIC_REG_ICR_HI, get_word(s, VAPIC_REG_ICR_HI));
	for (i = 0; i < ARRAY_SIZE(lapic_lvts); i++)
		lapic_set_reg(apic, lapic_lvts[i],
			      get_word(s, lapic_lvts[i]));
	lapic_set_reg(apic, VAPIC_REG_TDCR, get_word(s, VAPIC_REG_TDCR));
	lapic_set_reg(apic, VAPIC_REG_TMICT, get_word(s, VAPIC_REG_TMICT));
	load_bitmap(apic->isr, s, VAPIC_REG_ISR);
	load_bitmap(apic->tmr, s, VAPIC_REG_TMR);
	load_bitmap(apic->irr, s, VAPIC_REG_IRR);
	vmm_lapic_update_ppr(apic);
	/* The timer starts over from its initial count (abi.md). */
	vmm_lapic_timer_restore(apic);
	return 0;
}
