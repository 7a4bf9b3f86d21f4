// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem64.c - writes a pattern over 64 MiB of guest RAM (16 MiB .. 80 MiB,
 * clear of the image) and reads it back: every page is touched first by
 * the guest, so this exercises the lazy nested-page-fault path once per
 * page.  Needs vmctl --memory 128M or more.
 */
#include "libtest.h"

#define START	(16UL << 20)
#define SIZE	(64UL << 20)

static inline u64 pattern(u64 addr, u64 seed)
{
	/* differs per qword and per pass; catches aliased pages */
	return (addr * 0x9e3779b97f4a7c15ULL) ^ seed;
}

static unsigned long check(u64 seed, const char *what)
{
	volatile u64 *p = (volatile u64 *)START;
	unsigned long i, bad = 0;

	for (i = 0; i < SIZE / 8; i++)
		p[i] = pattern((u64)(uintptr_t)&p[i], seed);
	for (i = 0; i < SIZE / 8; i++) {
		u64 want = pattern((u64)(uintptr_t)&p[i], seed), got = p[i];

		if (got != want && bad++ < 4)
			printf("mem64: %s: at %p: 0x%llx, expected 0x%llx\n",
			       what, (void *)&p[i], (unsigned long long)got,
			       (unsigned long long)want);
	}
	return bad;
}

int main(void)
{
	unsigned long bad;

	printf("mem64: 64 MiB at 0x%lx\n", START);
	bad = check(0x5a5a5a5a5a5a5a5aULL, "first pass");
	report(!bad, "first pass: 64 MiB written and read back (%lu bad)", bad);
	bad = check(0xa5a5a5a5a5a5a5a5ULL, "second pass");
	report(!bad, "second pass: 64 MiB rewritten and read back (%lu bad)",
	       bad);
	return report_summary();
}
