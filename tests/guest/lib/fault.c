// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault.c - the recording exception handler behind fault.h.
 */
#include "fault.h"

volatile u64 fault_fixup;
volatile struct fault_info fault_seen;

static void fault_handler(struct ex_regs *regs)
{
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	fault_seen.hits++;
	fault_seen.vector = regs->vector;
	fault_seen.error = regs->error_code;
	fault_seen.cr2 = cr2;
	fault_seen.rip = regs->rip;
	regs->rip = fault_fixup;
}

void fault_reset(void)
{
	fault_seen.hits = 0;
	fault_seen.vector = ~0ULL;
	fault_seen.error = ~0ULL;
	fault_seen.cr2 = ~0ULL;
	fault_seen.rip = ~0ULL;
}

void fault_expect(unsigned int vector)
{
	fault_reset();
	handle_exception(vector, fault_handler);
}

int fault_vector(void)
{
	return fault_seen.hits ? (int)fault_seen.vector : FAULT_NONE;
}

int rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;

	fault_reset();
	asm volatile("lea 1f(%%rip), %%r11\n\t"
		     "mov %%r11, %[fx]\n\t"
		     "rdmsr\n"
		     "1:"
		     : [fx] "=m"(fault_fixup), "+a"(lo), "+d"(hi)
		     : "c"(msr) : "r11", "memory");
	*val = ((u64)hi << 32) | lo;
	return fault_vector();
}

int wrmsr_safe(u32 msr, u64 val)
{
	fault_reset();
	asm volatile("lea 1f(%%rip), %%r11\n\t"
		     "mov %%r11, %[fx]\n\t"
		     "wrmsr\n"
		     "1:"
		     : [fx] "=m"(fault_fixup)
		     : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
		     : "r11", "memory");
	return fault_vector();
}
