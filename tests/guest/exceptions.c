// SPDX-License-Identifier: GPL-2.0-only
/*
 * exceptions.c - exceptions raised by guest instructions reach the
 * guest's own IDT with the right vector, error code and CR2, and the
 * guest can return from them.  With nested paging the VMM should not
 * need to intercept any of these; if it does, it must reflect them
 * exactly (AMD APM Vol. 2, 15.12 "Exception Intercepts").
 *
 * Each faulting instruction is preceded by "lea 1f(%rip), fixup" so the
 * handler knows where to resume (after the instruction, at label 1).
 */
#include "libtest.h"
#include "desc64.h"

static volatile u64 fixup, seen_vector, seen_error, seen_cr2, seen_rip;
static volatile unsigned int hits;

static void handler(struct ex_regs *regs)
{
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	hits++;
	seen_vector = regs->vector;
	seen_error = regs->error_code;
	seen_cr2 = cr2;
	seen_rip = regs->rip;
	regs->rip = fixup;
}

static void expect(unsigned int vector)
{
	hits = 0;
	seen_vector = ~0ULL;
	handle_exception(vector, handler);
}

/*
 * Faulting instruction INSN, resumed after; then the asm input operands.
 * INSN may use R11 as scratch (the fixup address is stored first).
 */
#define FAULT(insn, ...)						\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, %[fx]\n\t"				\
		     "0: " insn "\n\t"					\
		     "1:"						\
		     : [fx] "=m"(fixup) : __VA_ARGS__ : "r11", "memory")

int main(void)
{
	u64 start;

	expect(6);
	FAULT("ud2", "i"(0));
	report(hits == 1 && seen_vector == 6, "ud2 raises #UD (vector %llu)",
	       (unsigned long long)seen_vector);

	expect(3);
	asm volatile("lea 1f(%%rip), %%r11; mov %%r11, %0; int3; 1:"
		     : "=m"(fixup) :: "r11", "memory");
	report(hits == 1 && seen_vector == 3 && seen_rip == fixup,
	       "int3 raises #BP, RIP after the instruction");

	expect(0);
	FAULT("divl %[z]", [z] "c"(0), "a"(1), "d"(0));
	report(hits == 1 && seen_vector == 0, "divide by zero raises #DE");

	expect(13);
	FAULT("movq (%[p]), %%r11", [p] "r"(0x8000000000000000ULL));
	report(hits == 1 && seen_vector == 13 && seen_error == 0,
	       "non-canonical load raises #GP(0) (vector %llu, error %llu)",
	       (unsigned long long)seen_vector, (unsigned long long)seen_error);

	/* Above the 4 GiB our page tables map: not present. */
	expect(14);
	FAULT("movl $1, (%[p])", [p] "r"(0x140000000ULL));
	report(hits == 1 && seen_vector == 14, "write to an unmapped page raises #PF");
	report(seen_cr2 == 0x140000000ULL, "#PF: CR2 = 0x140000000 (0x%llx)",
	       (unsigned long long)seen_cr2);
	report(seen_error == 0x2, "#PF: error code 0x2 = write, not present (0x%llx)",
	       (unsigned long long)seen_error);

	expect(14);
	start = 0x180000000ULL;
	FAULT("movl (%[p]), %%r11d", [p] "r"(start));
	report(hits == 1 && seen_error == 0x0 && seen_cr2 == start,
	       "#PF on a read: error code 0x0, CR2 right (0x%llx, 0x%llx)",
	       (unsigned long long)seen_error, (unsigned long long)seen_cr2);

	handle_exception(14, NULL);
	report(true, "back to normal after %u exceptions", 7U);
	return report_summary();
}
