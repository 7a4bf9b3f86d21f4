// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipi.c - inter-processor interrupts between two vCPUs (--cpus 2), sent
 * through the ICR (SDM Vol. 3A 11.6): the BSP starts vCPU 1 with a
 * targeted INIT-SIPI-SIPI, then, first through the xAPIC page and then
 * through the x2APIC MSRs:
 *   - ping-pong: a fixed IPI to the AP (physical destination), whose
 *     handler answers with one to the BSP, 100 rounds;
 *   - logical destination, flat model (xAPIC only): LDR bit 0 on the
 *     BSP, bit 1 on the AP; destinations 0x02 and 0x03;
 *   - the shorthands: self, all including self, all excluding self;
 *   - lowest priority to both (logical 0x03): each IPI lands once, on
 *     one of them;
 *   - an NMI IPI reaches the AP's NMI handler, not the BSP's.
 * Each CPU counts, per vector, the interrupts it handled; the BSP checks.
 */
#include "desc64.h"
#include "mp.h"

#define V_PING		0x40	/* BSP -> AP; the AP answers V_PONG */
#define V_PONG		0x41
#define V_LOGICAL	0x42
#define V_SELF		0x43
#define V_ALL		0x44
#define V_ALL_BUT_SELF	0x45
#define V_LOWEST	0x46
#define V_X2APIC	0x47	/* asks the AP to switch to x2APIC mode */
#define NMI_VECTOR	2

#define ROUNDS		100

/* count[cpu][vector]: cpu is the APIC ID (0 BSP, 1 AP). */
static volatile unsigned int count[2][256];
static volatile unsigned int ap_x2apic;
/* Ping-pong evidence: the round the BSP is in, and a ping seen twice. */
static volatile unsigned int round, last_ping_round, dup_round, dup_pong_round;
static volatile u64 dup_rip, dup_pong_rip;

static unsigned int me(void)
{
	return lapic_id() & 1;
}

static void on_irq(struct ex_regs *regs)
{
	unsigned int cpu = me(), v = regs->vector;

	count[cpu][v]++;
	if (v == V_PING) {
		if (round == last_ping_round && !dup_round) {
			dup_round = round;
			dup_rip = regs->rip;
		}
		last_ping_round = round;
		lapic_send_ipi(0, ICR_FIXED | V_PONG);
	}
	/* More pongs than rounds: one came twice. */
	if (v == V_PONG && count[0][V_PONG] > round && !dup_pong_round) {
		dup_pong_round = round;
		dup_pong_rip = regs->rip;
	}
	if (v == V_X2APIC && cpu == 1)
		ap_x2apic = x2apic_enable() ? 1 : 2;
	if (v != NMI_VECTOR)
		lapic_eoi();
}

/* The AP: its logical ID, then take interrupts, halted between them. */
static void ap(unsigned int index)
{
	(void)index;
	/* Flat model (DFR all ones), one LDR bit per CPU (SDM 11.6.2.2). */
	lapic_write(APIC_DFR, 0xffffffff);
	lapic_write(APIC_LDR, 0x02U << 24);
	for (;;)
		asm volatile("sti; hlt; cli");
}

/* Wait with interrupts on until count[cpu][v] == want. */
static bool wait_count(unsigned int cpu, unsigned int v, unsigned int want)
{
	bool ok;

	sti();
	ok = smp_wait_for(&count[cpu][v], want, WAIT_LONG);
	cli();
	return ok;
}

static void send_and_wait(u32 dest, u32 icr)
{
	lapic_send_ipi(dest, icr);
	/* Let anything sent to ourselves arrive. */
	sti();
	asm volatile("nop; nop; nop");
	cli();
}

static void ping_pong(const char *how)
{
	unsigned int i;

	last_ping_round = 0;
	dup_round = dup_pong_round = 0;
	for (i = 0; i < ROUNDS; i++) {
		round = i + 1;
		lapic_send_ipi(1, ICR_FIXED | V_PING);
		if (!wait_count(0, V_PONG, count[0][V_PONG] + 1))
			break;
	}
	report(i == ROUNDS && count[1][V_PING] == ROUNDS &&
	       count[0][V_PONG] == ROUNDS && !count[0][V_PING] &&
	       !count[1][V_PONG],
	       "%s: ping-pong %u rounds (AP %u pings, BSP %u pongs)", how,
	       ROUNDS, count[1][V_PING], count[0][V_PONG]);
	if (dup_round)
		printf("ipi: %s: round %u's ping arrived twice, the second "
		       "time at AP rip 0x%llx\n", how, dup_round,
		       (unsigned long long)dup_rip);
	if (dup_pong_round)
		printf("ipi: %s: a pong arrived twice in round %u, the second "
		       "time at BSP rip 0x%llx\n", how, dup_pong_round,
		       (unsigned long long)dup_pong_rip);
	count[1][V_PING] = count[0][V_PONG] = 0;
}

static void logical_flat(void)
{
	/* The BSP's half of the flat set-up; the AP did its own in ap(). */
	lapic_write(APIC_DFR, 0xffffffff);
	lapic_write(APIC_LDR, 0x01U << 24);
	send_and_wait(0x02, ICR_LOGICAL | ICR_FIXED | V_LOGICAL);
	wait_count(1, V_LOGICAL, 1);
	report(count[1][V_LOGICAL] == 1 && count[0][V_LOGICAL] == 0,
	       "xAPIC: logical 0x02 reaches the AP only (AP %u, BSP %u)",
	       count[1][V_LOGICAL], count[0][V_LOGICAL]);
	send_and_wait(0x03, ICR_LOGICAL | ICR_FIXED | V_LOGICAL);
	wait_count(1, V_LOGICAL, 2);
	wait_count(0, V_LOGICAL, 1);
	report(count[1][V_LOGICAL] == 2 && count[0][V_LOGICAL] == 1,
	       "xAPIC: logical 0x03 reaches both (AP %u, BSP %u)",
	       count[1][V_LOGICAL], count[0][V_LOGICAL]);
}

static void shorthands(const char *how)
{
	send_and_wait(0, ICR_SELF | ICR_FIXED | V_SELF);
	wait_count(0, V_SELF, 1);
	send_and_wait(0, ICR_ALL | ICR_FIXED | V_ALL);
	wait_count(0, V_ALL, 1);
	wait_count(1, V_ALL, 1);
	send_and_wait(0, ICR_ALL_BUT_SELF | ICR_FIXED | V_ALL_BUT_SELF);
	wait_count(1, V_ALL_BUT_SELF, 1);
	report(count[0][V_SELF] == 1 && count[1][V_SELF] == 0,
	       "%s: self reaches the BSP only (BSP %u, AP %u)", how,
	       count[0][V_SELF], count[1][V_SELF]);
	report(count[0][V_ALL] == 1 && count[1][V_ALL] == 1,
	       "%s: all-including-self reaches both (BSP %u, AP %u)", how,
	       count[0][V_ALL], count[1][V_ALL]);
	report(count[0][V_ALL_BUT_SELF] == 0 && count[1][V_ALL_BUT_SELF] == 1,
	       "%s: all-but-self reaches the AP only (BSP %u, AP %u)", how,
	       count[0][V_ALL_BUT_SELF], count[1][V_ALL_BUT_SELF]);
	count[0][V_SELF] = count[0][V_ALL] = count[1][V_ALL] = 0;
	count[1][V_ALL_BUT_SELF] = 0;
}

static void lowest_priority(void)
{
	unsigned int i, n = 10, total;

	for (i = 0; i < n; i++)
		send_and_wait(0x03, ICR_LOGICAL | ICR_LOWEST | V_LOWEST);
	sti();
	for (i = 0; i < 1000000; i++) {
		if (count[0][V_LOWEST] + count[1][V_LOWEST] >= n)
			break;
		cpu_relax();
	}
	/* Leave time for a wrong second delivery to show. */
	for (i = 0; i < 100000; i++)
		cpu_relax();
	cli();
	total = count[0][V_LOWEST] + count[1][V_LOWEST];
	report(total == n, "xAPIC: lowest priority to 0x03: %u IPIs, each "
	       "delivered once (BSP %u, AP %u)", n, count[0][V_LOWEST],
	       count[1][V_LOWEST]);
}

static void nmi(const char *how)
{
	unsigned int a = count[1][NMI_VECTOR], b = count[0][NMI_VECTOR];

	lapic_send_ipi(1, ICR_NMI);
	wait_count(1, NMI_VECTOR, a + 1);
	report(count[1][NMI_VECTOR] == a + 1 && count[0][NMI_VECTOR] == b,
	       "%s: NMI IPI reaches the AP's NMI handler (AP %u, BSP %u)",
	       how, count[1][NMI_VECTOR] - a, count[0][NMI_VECTOR] - b);
}

int main(void)
{
	unsigned int n, v;

	n = smp_init();
	if (n < 2) {
		report(false, "needs 2 vCPUs, fw_cfg says %u", n);
		return report_summary();
	}
	for (v = 0x40; v <= 0x47; v++)
		handle_exception(v, on_irq);
	handle_exception(NMI_VECTOR, on_irq);

	if (!report(smp_start_ap(1, ap), "AP with APIC ID 1 started by "
		    "INIT-SIPI-SIPI (physical destination)"))
		return report_summary();

	ping_pong("xAPIC");
	shorthands("xAPIC");
	nmi("xAPIC");

	/* xAPIC only: in x2APIC mode the LDR is read-only, clustered. */
	logical_flat();
	lowest_priority();

	/* x2APIC: both CPUs switch; the same IPIs through MSR 0x830. */
	if (!x2apic_enable()) {
		report_skip("no x2APIC in CPUID");
		return report_summary();
	}
	lapic_send_ipi(1, ICR_FIXED | V_X2APIC);
	sti();
	smp_wait_for(&ap_x2apic, 1, WAIT_LONG);
	cli();
	report(ap_x2apic == 1 && x2apic_mode(), "both CPUs in x2APIC mode");
	report(lapic_id() == 0, "x2APIC: BSP ID 0 (%u)", lapic_id());
	ping_pong("x2APIC");
	shorthands("x2APIC");
	nmi("x2APIC");
	/* SELF IPI register (SDM 11.12.11): a fixed IPI to ourselves. */
	count[0][V_SELF] = 0;
	wrmsr(0x800 + (APIC_SELF_IPI >> 4), V_SELF);
	wait_count(0, V_SELF, 1);
	report(count[0][V_SELF] == 1 && !count[1][V_SELF],
	       "x2APIC: SELF IPI register");
	return report_summary();
}
