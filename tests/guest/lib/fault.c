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
