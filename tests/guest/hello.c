// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello.c - the smallest long-mode guest: prints a line, checks that it
 * runs in long mode and that the library's printf formats numbers.
 * Run: vmctl run --flat hello.bin
 */
#include "libtest.h"

int main(void)
{
	char buf[64];

	printf("hello from a vmm test guest (long mode)\n");
	report((read_cr0() & (X86_CR0_PE | X86_CR0_PG)) ==
	       (X86_CR0_PE | X86_CR0_PG), "CR0.PE and CR0.PG set");
	report(read_cr4() & X86_CR4_PAE, "CR4.PAE set");
	snprintf(buf, sizeof(buf), "%d %u %x %05d %s %llx", -42, 42U, 0xbeefU,
		 7, "ok", 0x123456789abcdefULL);
	report(!strcmp(buf, "-42 42 beef 00007 ok 123456789abcdef"),
	       "printf formats: '%s'", buf);
	return report_summary();
}
