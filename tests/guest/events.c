// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c - events injected by the VMM reach the guest's IDT when, and
 * only when, the architecture says they may: exceptions (with and without
 * error code, #PF with CR2), external interrupts (only with RFLAGS.IF = 1,
 * after the STI shadow, not under CLI), NMIs (also with IF = 0, but not
 * inside an NMI handler: a second one waits for IRET), each exactly once,
 * also when the delivery itself exits because the stack page was never
 * touched (re-injection), and an interrupt queued before HLT wakes it.
 *
 * The guest asks for each event through the test device (--testdev,
 * port 0xe8: vmctl queues it with VMM_QUEUE_EVENT before it next enters
 * the guest).  References: SDM Vol. 3A 6.7-6.9, 6.15; APM Vol. 2 8.5, 15.20.
 */
#include "libtest.h"
#include "desc64.h"

#define EV_PORT		0xe8
#define EV_CR2_PORT	0xec
#define EV_EXTINT	1
#define EV_NMI		2
#define EV_EXCEPTION	3
#define EV_ERR		(1U << 11)

#define EINVAL		22
#define RFLAGS_IF	(1ULL << 9)

/* Stack pages the guest has never touched (nor vmctl): 32 MiB up. */
#define UNTOUCHED(n)	(0x2000000ULL + (n) * 0x100000ULL + 0x1000)

static volatile unsigned int count[256];
static volatile u64 seen_error, seen_rip, seen_rflags, seen_cr2;
static volatile int nmi_nested_result;
static volatile unsigned int nmi_count_inside;
static volatile bool nmi_request_second;

static u32 ev_word(u32 type, u32 vector, bool err, u16 code)
{
	return vector | type << 8 | (err ? EV_ERR : 0) | (u32)code << 16;
}

/* Ask for an event; returns the RIP right after the OUT (where an event
 * that can be delivered at once must arrive). */
static u64 request_at(u32 word)
{
	u64 rip;

	asm volatile("lea 1f(%%rip), %0\n\t"
		     "outl %%eax, %%dx\n"
		     "1:"
		     : "=&r"(rip) : "a"(word), "d"(EV_PORT) : "memory");
	return rip;
}

static int request_result(void)
{
	return (int)inl(EV_PORT);
}

static void handler(struct ex_regs *regs)
{
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	count[regs->vector & 0xff]++;
	seen_error = regs->error_code;
	seen_rip = regs->rip;
	seen_rflags = regs->rflags;
	seen_cr2 = cr2;
}

/* NMI: optionally ask for a second NMI from inside the handler; it must
 * not arrive before our IRET (SDM Vol. 3A 6.7.1). */
static void nmi_handler(struct ex_regs *regs)
{
	int i;

	handler(regs);
	if (!nmi_request_second)
		return;
	nmi_request_second = false;
	/* Two requests while masked: one NMI is latched, the other absorbed. */
	outl(EV_PORT, ev_word(EV_NMI, 2, false, 0));
	nmi_nested_result = request_result();
	outl(EV_PORT, ev_word(EV_NMI, 2, false, 0));
	nmi_nested_result |= request_result();
	for (i = 0; i < 50; i++)
		inb(0xe0);	/* exits: chances to (wrongly) inject */
	nmi_count_inside = count[2];
}

static void spin_exits(int n)
{
	while (n--)
		inb(0xe0);
}

static void test_exceptions(void)
{
	u64 rip;

	rip = request_at(ev_word(EV_EXCEPTION, 6, false, 0));
	report(count[6] == 1 && seen_rip == rip && seen_error == 0,
	       "queued #UD arrives once, at the next instruction (count %u)",
	       count[6]);

	rip = request_at(ev_word(EV_EXCEPTION, 13, true, 0x1234));
	report(count[13] == 1 && seen_error == 0x1234 && seen_rip == rip,
	       "queued #GP arrives with error code 0x1234 (0x%llx)",
	       (unsigned long long)seen_error);

	outl(EV_CR2_PORT, 0xdead000);
	rip = request_at(ev_word(EV_EXCEPTION, 14, true, 0x2));
	report(count[14] == 1 && seen_error == 0x2 && seen_cr2 == 0xdead000 &&
	       seen_rip == rip,
	       "queued #PF arrives with error 0x2 and CR2 0xdead000 (0x%llx, 0x%llx)",
	       (unsigned long long)seen_error, (unsigned long long)seen_cr2);

	/* The ioctl refuses what the architecture cannot deliver. */
	request_at(ev_word(EV_EXCEPTION, 2, false, 0));
	report(request_result() == -EINVAL, "exception vector 2 refused (EINVAL)");
	request_at(ev_word(EV_EXCEPTION, 6, true, 1));
	report(request_result() == -EINVAL, "#UD with an error code refused (EINVAL)");
	request_at(ev_word(EV_EXCEPTION, 13, false, 0));
	report(request_result() == -EINVAL, "#GP without an error code refused (EINVAL)");
	request_at(ev_word(EV_EXTINT, 31, false, 0));
	report(request_result() == -EINVAL, "interrupt vector 31 refused (EINVAL)");
	report(count[2] == 0 && count[31] == 0 && count[6] == 1 &&
	       count[13] == 1, "refused events were not delivered");
}

static void test_interrupts(void)
{
	unsigned int before, after;
	u64 rip, nop_rip;

	/* IF = 1: at once. */
	sti();
	rip = request_at(ev_word(EV_EXTINT, 0x40, false, 0));
	cli();
	report(count[0x40] == 1 && seen_rip == rip && (seen_rflags & RFLAGS_IF),
	       "interrupt 0x40 with IF=1 arrives at the next instruction");

	/* IF = 0: it waits, through exits, until STI and its shadow. */
	request_at(ev_word(EV_EXTINT, 0x41, false, 0));
	report(request_result() == 0, "interrupt 0x41 queued under cli");
	spin_exits(100);
	report(count[0x41] == 0, "no interrupt while IF=0 (count %u)", count[0x41]);
	asm volatile("lea 1f(%%rip), %[r]\n\t"
		     "sti\n\t"
		     "mov %[c], %[b]\n"	/* in the STI shadow */
		     "1: nop\n\t"
		     "cli"
		     : [b] "=&r"(before), [r] "=&r"(nop_rip)
		     : [c] "m"(count[0x41]) : "memory");
	after = count[0x41];
	report(before == 0, "not inside the STI shadow (sti; mov)");
	report(after == 1 && seen_rip == nop_rip,
	       "delivered right after the shadow, once (count %u, rip 0x%llx, "
	       "expected 0x%llx)", after, (unsigned long long)seen_rip,
	       (unsigned long long)nop_rip);

	/* A second interrupt while one is queued: the slot is taken. */
	request_at(ev_word(EV_EXTINT, 0x42, false, 0));
	request_at(ev_word(EV_EXTINT, 0x43, false, 0));
	report(request_result() == -16, "second queued interrupt refused (EBUSY)");
	sti();
	asm volatile("nop");
	cli();
	report(count[0x42] == 1 && count[0x43] == 0, "the first one arrives once");
}

static void test_nmi(void)
{
	u64 rip, first_rip;

	cli();
	rip = request_at(ev_word(EV_NMI, 2, false, 0));
	report(count[2] == 1 && seen_rip == rip && !(seen_rflags & RFLAGS_IF),
	       "NMI arrives with IF=0, at the next instruction");

	nmi_request_second = true;
	rip = request_at(ev_word(EV_NMI, 2, false, 0));
	first_rip = rip;
	report(nmi_nested_result == 0, "two more NMIs queued inside the handler");
	report(nmi_count_inside == 2, "not delivered inside the NMI handler (count %u)",
	       nmi_count_inside);
	report(count[2] == 3 && seen_rip == first_rip,
	       "delivered after the handler's IRET, before the next instruction "
	       "(count %u, rip 0x%llx, expected 0x%llx)", count[2],
	       (unsigned long long)seen_rip, (unsigned long long)first_rip);
	spin_exits(50);
	report(count[2] == 3, "exactly one of the two (latched once), count %u",
	       count[2]);
}

/*
 * Delivery on a stack page nobody touched: the push makes a nested page
 * fault during delivery; the VMM maps the page and delivers the event
 * again.  The handler must run exactly once, with the right vector.
 */
static void test_reinjection(void)
{
	u64 saved;

	/* External interrupt: queued under cli, delivered after sti; nop. */
	request_at(ev_word(EV_EXTINT, 0x50, false, 0));
	asm volatile("mov %%rsp, %[s]\n\t"
		     "mov %[top], %%rsp\n\t"
		     "sti\n\t"
		     "nop\n\t"
		     "nop\n\t"
		     "cli\n\t"
		     "mov %[s], %%rsp"
		     : [s] "=&r"(saved) : [top] "r"(UNTOUCHED(0)) : "memory");
	report(count[0x50] == 1, "interrupt 0x50 onto an untouched stack: once (count %u)",
	       count[0x50]);

	/* NMI, asked for with the untouched stack in place. */
	asm volatile("mov %%rsp, %[s]\n\t"
		     "mov %[top], %%rsp\n\t"
		     "outl %%eax, %%dx\n\t"
		     "nop\n\t"
		     "mov %[s], %%rsp"
		     : [s] "=&r"(saved)
		     : [top] "r"(UNTOUCHED(1)), "a"(ev_word(EV_NMI, 2, false, 0)),
		       "d"(EV_PORT) : "memory");
	report(count[2] == 4, "NMI onto an untouched stack: once (count %u)", count[2]);

	/* An exception with an error code: the code survives re-injection. */
	asm volatile("mov %%rsp, %[s]\n\t"
		     "mov %[top], %%rsp\n\t"
		     "outl %%eax, %%dx\n\t"
		     "nop\n\t"
		     "mov %[s], %%rsp"
		     : [s] "=&r"(saved)
		     : [top] "r"(UNTOUCHED(2)),
		       "a"(ev_word(EV_EXCEPTION, 11, true, 0x58)), "d"(EV_PORT)
		     : "memory");
	report(count[11] == 1 && seen_error == 0x58,
	       "#NP(0x58) onto an untouched stack: once, error code kept (%u, 0x%llx)",
	       count[11], (unsigned long long)seen_error);
}

/* HLT with an interrupt queued (under cli) and IF set by the STI whose
 * shadow covers the HLT: the VMM wakes it and delivers after the HLT. */
static void test_hlt(void)
{
	u64 rip;

	request_at(ev_word(EV_EXTINT, 0x60, false, 0));
	asm volatile("lea 1f(%%rip), %0\n\t"
		     "sti\n\t"
		     "hlt\n"
		     "1: cli"
		     : "=&r"(rip) :: "memory");
	report(count[0x60] == 1 && seen_rip == rip,
	       "sti; hlt with interrupt 0x60 queued wakes and delivers once");
}

int main(void)
{
	unsigned int i, total = 0;

	for (i = 0; i < 256; i++)
		if (i != 2)
			handle_exception(i, handler);
	handle_exception(2, nmi_handler);
	cli();

	test_exceptions();
	test_interrupts();
	test_nmi();
	test_reinjection();
	test_hlt();

	for (i = 0; i < 256; i++)
		total += count[i];
	/* 3 exceptions, 0x40 0x41 0x42, 3 NMIs, 0x50 + NMI + #NP, 0x60 */
	report(total == 3 + 3 + 3 + 3 + 1, "no other event arrived (total %u)", total);
	return report_summary();
}
