// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello-real.c - a real-mode guest (vmctl --mode real, loaded at 0x10000),
 * compiled with gcc -m16.  Checks the boot state vmctl promises:
 * CS = 0x1000 (entry 0x10000), CR0.PE clear.
 */
#include "libtest.h"

int main(void)
{
	u16 msw;

	printf("hello from a vmm test guest (real mode)\n");
	asm volatile("smsw %0" : "=r"(msw));
	report(!(msw & X86_CR0_PE), "CR0.PE clear (msw 0x%x)", msw);
	report(read_cs() == 0x1000, "CS = 0x1000 (0x%x)", read_cs());
	report(cpuid(1).c & (1U << 31), "CPUID.1:ECX.hypervisor set");
	return report_summary();
}
