// SPDX-License-Identifier: GPL-2.0-only
/*
 * dr-watch.c - a data write breakpoint in DR0 fires in the guest: the
 * write completes, then #DB (a trap, SDM Vol. 3B 18.3.1.2) reaches the
 * guest's handler with DR6.B0 set and RIP after the store; a read of the
 * same address and a write once DR7 is cleared do not fire.  This needs
 * vmm to load the guest's DR0 into the hardware while its DR7 enables it
 * (kmod/debugreg.c), and the emulator to implement breakpoints.
 * Run: vmctl run --flat dr-watch.bin
 */
#include "libtest.h"
#include "desc64.h"

#define DR6_FIXED	0xffff0ff0ULL
/* L0, R/W0 = 01 (data writes), LEN0 = 11 (4 bytes), bit 10 fixed. */
#define DR7_W4_0	(0x400ULL | 1ULL | (1ULL << 16) | (3ULL << 18))

#define DR_GET(n)							\
	({ u64 __v; asm volatile("mov %%dr" #n ", %0" : "=r"(__v)); __v; })
#define DR_SET(n, v)							\
	asm volatile("mov %0, %%dr" #n :: "r"((u64)(v)) : "memory")

static volatile u32 watched __aligned(8);
static volatile unsigned int hits;
static volatile u64 seen_dr6, seen_rip;

static void db_handler(struct ex_regs *regs)
{
	hits++;
	seen_dr6 = DR_GET(6);
	seen_rip = regs->rip;
}

int main(void)
{
	u64 after;
	u32 v;

	printf("dr-watch: a data write breakpoint on DR0\n");
	handle_exception(1, db_handler);
	DR_SET(6, 0);
	DR_SET(0, &watched);
	DR_SET(7, DR7_W4_0);
	report(DR_GET(7) == DR7_W4_0 && DR_GET(0) == (u64)(uintptr_t)&watched,
	       "DR0/DR7 set for a 4-byte write breakpoint");

	hits = 0;
	asm volatile("lea 1f(%%rip), %[a]\n\t"
		     "movl $0x1234, %[w]\n"
		     "1:"
		     : [w] "=m"(watched), [a] "=r"(after) :: "memory");
	report(hits == 1, "the write raises #DB (%u)", hits);
	report(seen_dr6 & 1, "DR6.B0 set (0x%llx)", (unsigned long long)seen_dr6);
	report(seen_rip == after, "#DB is a trap: RIP after the store");
	report(watched == 0x1234, "the write happened");

	DR_SET(6, 0);
	hits = 0;
	v = watched;
	report(hits == 0 && v == 0x1234, "a read does not fire a write breakpoint");

	DR_SET(7, 0);
	hits = 0;
	watched = 0x5678;
	report(hits == 0, "no #DB once DR7 is cleared");
	report(DR_GET(6) == DR6_FIXED, "DR6 clean afterwards (0x%llx)",
	       (unsigned long long)DR_GET(6));
	handle_exception(1, NULL);
	return report_summary();
}
