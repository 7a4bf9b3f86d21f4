/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apicbench.h - what the local APIC benchmark's guest (apicguest.S) and
 * its client (apicbench.c) share: the guest-physical layout, the ports,
 * the vectors and the shared variables; and what exitbench.c and
 * apicbench.c take from each other.
 *
 * The guest runs in 32-bit protected mode, flat segments, paging off
 * (set up by the client through SET_SREGS), so the xAPIC page at
 * 0xfee00000 is reachable with plain MOVs.
 */
#ifndef APICBENCH_H
#define APICBENCH_H

#define AG_MEM_SIZE	0x80000		/* guest RAM: [0, 512 KiB) */
#define AG_GDT		0x1000		/* null, code 0x08, data 0x10 */
#define AG_IDT		0x2000		/* 256 interrupt gates */
#define AG_DATA		0x3000		/* shared variables, below */
#define AG_STACK1_TOP	0x5000		/* vCPU 1: [0x4000, 0x5000) */
#define AG_STACK0_TOP	0x6000		/* vCPU 0: [0x5000, 0x6000) */
#define AG_CODE		0x8000		/* the guest, at most 32 KiB */
#define AG_CODE_MAX	0x8000
#define AG_ARR		0x10000		/* 7 arrays of AG_N_MAX u64 */
#define AG_N_MAX	8192
#define AG_ARR_BYTES	(AG_N_MAX * 8)
#define AG_ARR_END	(AG_ARR + 7 * AG_ARR_BYTES)

#define AG_STUB_SIZE	16		/* ag_stubs: one per vector */
#define AG_SEL_CODE	0x08
#define AG_SEL_DATA	0x10

/* The guest's TSC readings, one u64 per round (array i at AG_ARR + i *
 * AG_ARR_BYTES).  "Sleeper s": the vCPU that halts in the hlt-wake
 * phase for sleeper s. */
#define A_IPI_SEND	0	/* vCPU 0, before its ICR write */
#define A_IPI_RECV	1	/* vCPU 1, entering its handler */
#define A_IPI_BACK	2	/* vCPU 0, entering its handler */
#define A_TIMER_DL	3	/* vCPU 0: the deadline it programmed */
#define A_TIMER_HIT	4	/* vCPU 0, entering the timer handler */
#define A_WAKE_SEND	5	/* waker: before its ICR write; 2 x N: */
#define A_WAKE_HIT	6	/* sleeper, entering its handler; idem */
/* A_WAKE_* hold both directions: entries [0, N) for sleeper 0 (woken by
 * vCPU 1), [N, 2N) for sleeper 1 (woken by vCPU 0); N <= AG_N_MAX / 2. */

#define AG_ARR_ADDR(i)	(AG_ARR + (i) * AG_ARR_BYTES)

/* Shared variables: u32 at AG_DATA + offset, u64 where said. */
#define D_N		0x00	/* client: rounds per phase */
#define D_TIMEOUT	0x08	/* client, u64: ticks before a wait fails */
#define D_TIMER_DIST	0x10	/* client, u64: deadline - now, in ticks */
#define D_WAKE_DELAY	0x18	/* client, u64: waker's wait, in ticks */
#define D_PHASE		0x20	/* vCPU 0: PH_* */
#define D_READY1	0x24	/* vCPU 1: 1 once its APIC is on */
#define D_FLAG0		0x28	/* vCPU 0's handlers: "it came" */
#define D_ROUND0	0x2c	/* vCPU 0's round in phases IPI, TIMER */
#define D_CNT_BACK	0x30	/* replies taken by vCPU 0 */
#define D_CNT_PING	0x34	/* pings taken by vCPU 1 */
#define D_CNT_TIMER	0x38	/* timer interrupts taken by vCPU 0 */
#define D_NO_TSCDL	0x3c	/* 1: CPUID.1:ECX[24] (TSC deadline) is 0 */
#define D_SPURIOUS	0x40	/* spurious-vector interrupts */
#define D_ERR		0x44	/* 3 u32: code, then two stack words */
#define D_DUP_IPI	0x50	/* second deliveries of a ping or reply */
#define D_DUP_TIMER	0x54	/* ... of a timer interrupt */
#define D_DUP_WAKE	0x58	/* ... of a wake-up */
/* The hlt-wake phase, per sleeper s (0 or 1): 0x60 + 0x20 * s. */
#define D_SLEEP(s)	(0x60 + 0x20 * (s))
#define DS_READY	0x00	/* sleeper: round + 1, just before HLT */
#define DS_FLAG		0x04	/* sleeper's handler: "it came" */
#define DS_ROUND	0x08	/* sleeper's round */
#define DS_CNT		0x0c	/* wake-ups taken */
#define DS_NOT_HALTED	0x10	/* ... that did not find it in HLT */
#define DS_WROUND	0x14	/* waker's round */

#define AGD(off)	(AG_DATA + (off))

/* Phases, driven by vCPU 0. */
#define PH_START	0
#define PH_IPI		1
#define PH_TIMER	2
#define PH_WAKE		3	/* each round: vCPU 0 sleeps, vCPU 1 wakes it,
				 * then vCPU 1 sleeps, vCPU 0 wakes it */
#define PH_DONE		4

/* Ports: OUT to them ends a vCPU's run. */
#define AG_DONE_PORT	0xf4
#define AG_ERR_PORT	0xf5	/* D_ERR says why */

/* D_ERR codes. */
#define E_VECTOR	0x100	/* | vector: an exception or stray interrupt */
#define E_WAIT		0x200	/* | which: a wait timed out */
#define W_READY1	1	/* vCPU 0 waiting for vCPU 1 to start */
#define W_BACK		2	/* vCPU 0 waiting for vCPU 1's reply */
#define W_TIMER		3	/* vCPU 0 waiting for its timer */
#define W_WAKE		4	/* a sleeper waiting after HLT */
#define W_SLEEPING	5	/* a waker waiting for the sleeper's READY */
#define W_END		6	/* vCPU 0 waiting for vCPU 1's last wake-up */

/* Vectors. */
#define V_BACK		0x40	/* vCPU 1 -> vCPU 0: the reply */
#define V_PING		0x41	/* vCPU 0 -> vCPU 1 */
#define V_TIMER		0x42	/* vCPU 0's LAPIC timer */
#define V_WAKE0		0x43	/* waking sleeper 0 */
#define V_WAKE1		0x44	/* waking sleeper 1 */
#define V_KICK		0x45	/* vCPU 0 -> vCPU 1: phase changed */
#define V_SPURIOUS	0xff

/* xAPIC registers (SDM Vol. 3A 11.4.1, Table 11-1). */
#define APIC_BASE	0xfee00000
#define APIC_EOI	(APIC_BASE + 0x0b0)
#define APIC_SVR	(APIC_BASE + 0x0f0)
#define APIC_ICR_LO	(APIC_BASE + 0x300)
#define APIC_ICR_HI	(APIC_BASE + 0x310)
#define APIC_LVTT	(APIC_BASE + 0x320)
#define APIC_LVT_TSCDL	(2 << 17)	/* timer mode TSC-deadline */
#define MSR_TSC_DEADLINE 0x6e0

#ifndef __ASSEMBLER__
#include <stdint.h>

/* exitbench.c */
extern int on_intel;
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* apicbench.c: the three APIC rows under "vmm" or "kvm". */
void apic_bench(const char *hv, uint32_t n, int reps);

/* apicguest.S: the guest, copied to AG_CODE; symbols are offsets from
 * apic_guest_start. */
extern const uint8_t apic_guest_start[], apic_guest_end[];
extern const uint8_t ag_entry0[], ag_entry1[], ag_stubs[];
extern const uint8_t ag_h_back[], ag_h_ping[], ag_h_timer[], ag_h_wake0[],
	ag_h_wake1[], ag_h_kick[], ag_h_spurious[];
#endif

#endif /* APICBENCH_H */
