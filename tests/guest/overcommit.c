// SPDX-License-Identifier: GPL-2.0-only
/*
 * overcommit.c - more vCPUs than host CPUs (--cpus 8 on the lab's two):
 * every vCPU, the BSP too, runs the same compute loop from its own seed
 * and leaves a checksum; the BSP waits for all of them and checks each
 * against its own computation.  What can go wrong: a vCPU thread that
 * never gets the CPU back, a vCPU that loses register or memory state
 * when its thread is preempted or moved to another CPU.
 */
#include "desc64.h"
#include "mp.h"

#define ITERATIONS	2000000

static volatile u64 sum[SMP_MAX_CPUS];
static volatile unsigned int done;

/* xorshift64 (Marsaglia 2003), summed: cheap, and every step counts. */
static u64 work(unsigned int index)
{
	u64 x = 0x9e3779b97f4a7c15ULL * (index + 1), s = 0;
	unsigned int i;

	for (i = 0; i < ITERATIONS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		s += x;
	}
	return s;
}

static void ap(unsigned int index)
{
	sum[index] = work(index);
	__atomic_add_fetch(&done, 1, __ATOMIC_RELEASE);
}

int main(void)
{
	unsigned int n, up, i, bad = 0;

	n = smp_init();
	printf("overcommit: %u vCPUs\n", n);
	up = smp_start_all(ap);
	report(up == n - 1, "%u of %u APs up", up, n - 1);
	sum[0] = work(0);
	/* Generous: 8 vCPUs share 2 emulated CPUs. */
	for (i = 0; i < 16 && done != up; i++)
		smp_wait_for(&done, up, WAIT_LONG);
	report(done == up, "%u of %u APs finished their loop", done, up);
	for (i = 0; i <= up; i++) {
		u64 want = i ? work(i) : sum[0];

		if (sum[i] != want)
			bad++;
		printf("overcommit: vCPU index %u (APIC ID %u): checksum "
		       "%016llx%s\n", i, smp_apic_id[i],
		       (unsigned long long)sum[i], sum[i] == want ? "" : " WRONG");
	}
	report(!bad && up, "every checksum right");
	return report_summary();
}
