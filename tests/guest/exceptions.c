// SPDX-License-Identifier: GPL-2.0-only
/*
 * exceptions.c - exceptions raised by guest instructions reach the
 * guest's own IDT with the right vector, error code and CR2, and the
 * guest can return from them.  With nested paging the VMM should not
 * need to intercept any of these; if it does, it must reflect them
 * exactly (AMD APM Vol. 2, 15.12 "Exception Intercepts").
 *
 * Each faulting instruction is preceded by "lea 1f(%rip), fault_fixup" so the
 * handler knows where to resume (after the instruction, at label 1).
 */
#include "libtest.h"
#include "fault.h"

int main(void)
{
	u64 start;

	fault_expect(6);
	FAULT("ud2", "i"(0));
	report(fault_seen.hits == 1 && fault_seen.vector == 6, "ud2 raises #UD (vector %llu)",
	       (unsigned long long)fault_seen.vector);

	fault_expect(3);
	asm volatile("lea 1f(%%rip), %%r11; mov %%r11, %0; int3; 1:"
		     : "=m"(fault_fixup) :: "r11", "memory");
	report(fault_seen.hits == 1 && fault_seen.vector == 3 && fault_seen.rip == fault_fixup,
	       "int3 raises #BP, RIP after the instruction");

	fault_expect(0);
	FAULT("divl %[z]", [z] "c"(0), "a"(1), "d"(0));
	report(fault_seen.hits == 1 && fault_seen.vector == 0, "divide by zero raises #DE");

	fault_expect(13);
	FAULT("movq (%[p]), %%r11", [p] "r"(0x8000000000000000ULL));
	report(fault_seen.hits == 1 && fault_seen.vector == 13 && fault_seen.error == 0,
	       "non-canonical load raises #GP(0) (vector %llu, error %llu)",
	       (unsigned long long)fault_seen.vector, (unsigned long long)fault_seen.error);

	/* Above the 4 GiB our page tables map: not present. */
	fault_expect(14);
	FAULT("movl $1, (%[p])", [p] "r"(0x140000000ULL));
	report(fault_seen.hits == 1 && fault_seen.vector == 14, "write to an unmapped page raises #PF");
	report(fault_seen.cr2 == 0x140000000ULL, "#PF: CR2 = 0x140000000 (0x%llx)",
	       (unsigned long long)fault_seen.cr2);
	report(fault_seen.error == 0x2, "#PF: error code 0x2 = write, not present (0x%llx)",
	       (unsigned long long)fault_seen.error);

	fault_expect(14);
	start = 0x180000000ULL;
	FAULT("movl (%[p]), %%r11d", [p] "r"(start));
	report(fault_seen.hits == 1 && fault_seen.error == 0x0 && fault_seen.cr2 == start,
	       "#PF on a read: error code 0x0, CR2 right (0x%llx, 0x%llx)",
	       (unsigned long long)fault_seen.error, (unsigned long long)fault_seen.cr2);

	handle_exception(14, NULL);
	report(true, "back to normal after %u exceptions", 7U);
	return report_summary();
}
