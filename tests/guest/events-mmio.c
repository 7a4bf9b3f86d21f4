// SPDX-License-Identifier: GPL-2.0-only
/*
 * events-mmio.c - an interrupt whose delivery pushes onto a stack in
 * MMIO (the --testdev page): the VMM cannot emulate the CPU's own pushes,
 * so VMM_RUN must end with VMM_INTERNAL_DELIVERY_EV naming vector 0x50,
 * and vmctl must say so (tests/lab/tests.cfg checks its message and exit
 * status 4).  Never emulating the instruction at RIP is the point.
 */
#include "libtest.h"

int main(void)
{
	cli();
	printf("events-mmio: delivering vector 0x50 onto a stack in MMIO\n");
	/* Queued under cli; delivered after sti, onto the MMIO stack. */
	outl(0xe8, 0x50 | 1 << 8);
	asm volatile("mov %0, %%rsp\n\t"
		     "sti\n\t"
		     "nop\n\t"
		     "nop\n\t"
		     "cli\n\t"
		     "hlt"
		     :: "r"(TESTDEV_MMIO + 0x800) : "memory");
	printf("FAIL: the interrupt was delivered onto MMIO\n");
	return 1;
}
