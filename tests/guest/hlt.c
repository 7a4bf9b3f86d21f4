// SPDX-License-Identifier: GPL-2.0-only
/*
 * hlt.c - HLT with interrupts enabled.  No interrupt source exists yet,
 * so vmctl simply resumes the guest after the HLT; a VMM that sleeps
 * until an interrupt shows up hangs here and the lab's timeout catches
 * it.  Done several times to catch a RIP that is not advanced.
 */
#include "libtest.h"

int main(void)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		asm volatile("sti; hlt; cli" ::: "memory");
		report(true, "sti; hlt returned (%u)", i + 1);
	}
	return report_summary();
}
