// SPDX-License-Identifier: GPL-2.0-only
/*
 * hlt-halt.c - HLT with interrupts disabled ends the VM: vmctl prints
 * "vmctl: guest halted" and exits with status 0.  No SUMMARY line.
 */
#include "libtest.h"

int main(void)
{
	printf("hlt-halt: halting with interrupts disabled\n");
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
	return 1;
}
