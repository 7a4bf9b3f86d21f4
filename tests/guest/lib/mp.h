/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mp.h - what a 64-bit test guest needs to run on several vCPUs (vmctl
 * run --cpus N, which needs vmm's in-kernel local APIC):
 *
 *   - the local APIC: registers through the xAPIC MMIO page at
 *     0xfee00000 or, once x2apic_enable() ran on that CPU, through the
 *     x2APIC MSRs 0x800-0x8ff (SDM Vol. 3A 11.4 and 11.12);
 *   - IPIs: the interrupt command register, ICR (SDM Vol. 3A 11.6);
 *   - starting the other vCPUs (the APs) with INIT-SIPI-SIPI (SDM Vol. 3A
 *     9.4.4): each wakes in real mode at the SIPI vector's page, in the
 *     trampoline of mp-tramp.S, which takes it to long mode with the
 *     BSP's page tables, GDT and IDT and a stack of its own, and then to a
 *     C function with the AP's index;
 *   - the number of vCPUs, from the fw_cfg device (key 0x05).
 *
 * The BSP (the CPU that ran main()) is index 0; APs get 1, 2, ... in the
 * order they arrive.  After smp_init(), printf() takes a lock, so lines
 * from different CPUs do not mix; report() is for the BSP only (its
 * counters are not atomic): APs leave their results in memory.
 */
#ifndef GUEST_MP_H
#define GUEST_MP_H

#include "libtest.h"

#define SMP_MAX_CPUS		64
#define AP_STACK_SIZE		8192	/* also in mp-tramp.S */

/* ---- MSRs ---- */
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }

/* ---- the local APIC (SDM Vol. 3A 11.4.1, Table 11-1: offsets) ---- */
#define MSR_APIC_BASE		0x1b
#define  APIC_BASE_BSP		(1ULL << 8)
#define  APIC_BASE_EXTD		(1ULL << 10)	/* x2APIC mode */
#define  APIC_BASE_EN		(1ULL << 11)
#define APIC_DEFAULT_BASE	0xfee00000UL

#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_LDR		0x0d0
#define APIC_DFR		0x0e0	/* xAPIC only */
#define APIC_SVR		0x0f0
#define  APIC_SVR_ENABLE	(1U << 8)
#define APIC_ICR_LO		0x300
#define APIC_ICR_HI		0x310	/* xAPIC only: destination in 31:24 */
#define APIC_SELF_IPI		0x3f0	/* x2APIC only */

/* ICR low word (SDM Vol. 3A 11.6.1, Figure 11-12) */
#define ICR_FIXED		(0U << 8)
#define ICR_LOWEST		(1U << 8)
#define ICR_NMI			(4U << 8)
#define ICR_INIT		(5U << 8)
#define ICR_STARTUP		(6U << 8)
#define ICR_LOGICAL		(1U << 11)	/* destination mode */
#define ICR_BUSY		(1U << 12)	/* delivery status (xAPIC) */
#define ICR_ASSERT		(1U << 14)	/* level: 1 except INIT de-assert */
#define ICR_LEVEL		(1U << 15)	/* trigger mode */
#define ICR_SELF		(1U << 18)	/* destination shorthands */
#define ICR_ALL			(2U << 18)
#define ICR_ALL_BUT_SELF	(3U << 18)

#define SPURIOUS_VECTOR		0xff

/* This CPU's APIC is in x2APIC mode (IA32_APIC_BASE.EXTD). */
bool x2apic_mode(void);
/* Switch this CPU's APIC to x2APIC mode; false when CPUID lacks it. */
bool x2apic_enable(void);
/* A register, at its xAPIC offset, in whichever mode the APIC is. */
u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 v);
/* This CPU's APIC ID (8 bits in xAPIC mode, 32 in x2APIC mode). */
u32 lapic_id(void);
/* Software-enable the APIC (SVR bit 8), spurious vector 0xff. */
void lapic_enable(void);
static inline void lapic_eoi(void) { lapic_write(APIC_EOI, 0); }
/*
 * Send an IPI: icr is the ICR's low word (vector, delivery mode,
 * destination mode, shorthand), dest the destination field (ignored
 * with a shorthand).  In xAPIC mode it waits for the previous IPI to
 * leave (delivery status) first.
 */
void lapic_send_ipi(u32 dest, u32 icr);

/* ---- fw_cfg (QEMU docs/specs/fw_cfg.rst) ---- */
/* The number of vCPUs vmctl created (key 0x05). */
unsigned int fw_cfg_nr_cpus(void);

/* ---- starting the APs ---- */
typedef void (*ap_fn)(unsigned int index);

/*
 * Once, on the BSP, before anything else here: copies the trampoline
 * below 1 MiB, maps the APIC page uncached, enables the BSP's APIC and
 * reads the vCPU count.  Returns the count.
 */
unsigned int smp_init(void);
/*
 * INIT-SIPI-SIPI to all but self (the SDM's broadcast algorithm, 9.4.4.1):
 * every AP runs fn(index) with interrupts off, its APIC software-enabled.
 * Waits until nr_cpus - 1 APs are up (or a timeout); returns how many
 * came up.  fn may return: the AP then halts with interrupts off.
 */
unsigned int smp_start_all(ap_fn fn);
/*
 * The same for the one AP whose APIC ID is apic_id (physical
 * destination); the second SIPI only if the first did not start it.
 * Returns true once the AP runs.
 */
bool smp_start_ap(u32 apic_id, ap_fn fn);

extern unsigned int smp_nr_cpus;		/* from fw_cfg */
extern volatile unsigned int smp_online;	/* APs that reached C */
/* APIC ID of each index (0 = the BSP), filled as the AP arrives. */
extern volatile u32 smp_apic_id[SMP_MAX_CPUS];
/* How many times an AP went through the trampoline (a restarted AP counts
 * again). */
extern volatile unsigned int smp_next_index;
/* The APs' stacks, by index. */
extern u8 ap_stacks[SMP_MAX_CPUS][AP_STACK_SIZE];

/*
 * Spin until *p >= v (a counter reached v; more is the caller's to judge)
 * or about 'cycles' TSC cycles pass; true if it did.
 */
bool smp_wait_for(volatile unsigned int *p, unsigned int v, u64 cycles);
/* About 4 s of a 1 GHz TSC: generous, since emulators are slow. */
#define WAIT_LONG	(4ULL << 30)

#endif /* GUEST_MP_H */
