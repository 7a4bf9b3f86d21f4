// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello-pm.c - a 32-bit protected-mode guest (vmctl --mode protected):
 * paging off, our own flat GDT loaded by start32.S.
 */
#include "libtest.h"

int main(void)
{
	char buf[64];

	printf("hello from a vmm test guest (protected mode)\n");
	report(read_cr0() & X86_CR0_PE, "CR0.PE set");
	report(!(read_cr0() & X86_CR0_PG), "CR0.PG clear");
	report(read_cs() == 0x08, "CS reloaded from our GDT (0x%x)", read_cs());
	snprintf(buf, sizeof(buf), "%d %x %llu", -1, 0xcafeU,
		 10000000000ULL);
	report(!strcmp(buf, "-1 cafe 10000000000"), "printf formats: '%s'",
	       buf);
	return report_summary();
}
