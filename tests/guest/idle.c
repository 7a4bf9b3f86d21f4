// SPDX-License-Identifier: GPL-2.0-only
/*
 * idle.c - every vCPU halted (sti; hlt) costs the host nothing: with the
 * in-kernel local APIC, HLT sleeps in the kernel until an interrupt, and
 * none comes.  The guest starts the APs, checks they reached their HLT
 * loop, prints its SUMMARY and "idle: all N vCPUs halting", and halts
 * the BSP too.  The lab (tests.cfg: cpu_max) then measures vmctl's CPU
 * time over 10 s and stops it with SIGINT.
 */
#include "desc64.h"
#include "mp.h"

static volatile unsigned int halting, wakeups;

static void __noreturn halt_forever(void)
{
	for (;;) {
		asm volatile("sti; hlt; cli");
		/* Nothing should wake us: count it if something does. */
		__atomic_add_fetch(&wakeups, 1, __ATOMIC_RELAXED);
	}
}

static void ap(unsigned int index)
{
	(void)index;
	__atomic_add_fetch(&halting, 1, __ATOMIC_RELEASE);
	halt_forever();
}

int main(void)
{
	unsigned int n, up;

	n = smp_init();
	up = smp_start_all(ap);
	report(up == n - 1, "%u of %u APs up", up, n - 1);
	report(smp_wait_for(&halting, up, WAIT_LONG),
	       "%u APs reached their HLT loop", halting);
	report(!wakeups, "no AP woke from HLT (%u)", wakeups);
	if (report_summary())
		exit(1);
	printf("idle: all %u vCPUs halting\n", up + 1);
	halt_forever();
}
