/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault.h - 64-bit guests: run one instruction that may raise an
 * exception, and see what it raised.
 *
 *	fault_expect(GP);		// record #GP, reset fault_seen
 *	FAULT("wrmsr", "c"(msr), "a"(lo), "d"(hi));
 *	report(fault_seen.hits == 1 && fault_seen.error == 0, ...);
 *
 * FAULT stores the address after the instruction (label 1) in
 * fault_fixup first, using R11; the handler fault_expect() installs
 * records vector, error code, CR2 and RIP in fault_seen and resumes at
 * fault_fixup.  FAULTC is the same with one input and more clobbers.
 */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

#include "desc64.h"

struct fault_info {
	u64 vector, error, cr2, rip;	/* ~0 until a fault is seen */
	unsigned int hits;
};

extern volatile u64 fault_fixup;
extern volatile struct fault_info fault_seen;

/* Handle exceptions of this vector with the recording handler; clear
 * fault_seen. */
void fault_expect(unsigned int vector);
/* Clear fault_seen only. */
void fault_reset(void);

#define FAULT_NONE	(-1)
/* The vector the last FAULT-style instruction raised, or FAULT_NONE. */
int fault_vector(void);
/* RDMSR / WRMSR that may fault (after fault_expect(13) for #GP): the
 * vector raised, or FAULT_NONE. */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);

#define FAULT(insn, ...)						\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, %[fx]\n\t"				\
		     "0: " insn "\n\t"					\
		     "1:"						\
		     : [fx] "=m"(fault_fixup) : __VA_ARGS__ : "r11", "memory")
#define FAULTC(insn, in, ...)						\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, %[fx]\n\t"				\
		     "0: " insn "\n\t"					\
		     "1:"						\
		     : [fx] "=m"(fault_fixup) : in			\
		     : "r11", "memory", __VA_ARGS__)

#endif /* GUEST_FAULT_H */
