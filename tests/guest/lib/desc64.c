// SPDX-License-Identifier: GPL-2.0-only
/*
 * desc64.c - the IDT of the 64-bit guests (SDM Vol. 3A, 6.14.1: 16-byte
 * interrupt gates), all 256 vectors.  An exception or interrupt nobody
 * expected prints a FAIL line with
 * the vector and RIP and ends the test with status 1, instead of the
 * triple fault that an empty IDT would give: easier to debug.
 */
#include "desc64.h"

struct idt_gate {
	u16 offset0;
	u16 selector;
	u8 ist;
	u8 type_attr;		/* P=1, DPL=0, type 0xe: 64-bit interrupt gate */
	u16 offset1;
	u32 offset2;
	u32 reserved;
} __attribute__((packed));

struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

extern const u64 exc_stubs[256];

static struct idt_gate idt[256] __aligned(16);
static exception_handler handlers[256];

static const char *const names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO",
	"#TS", "#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "22", "23", "24", "25", "26", "27", "#HV", "#VC", "#SX",
	"31",
};

void idt_init(void);

void idt_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)(uintptr_t)idt };
	unsigned int i;

	for (i = 0; i < 256; i++) {
		u64 a = exc_stubs[i];

		idt[i].offset0 = (u16)a;
		idt[i].selector = 0x08;
		idt[i].type_attr = 0x8e;
		idt[i].offset1 = (u16)(a >> 16);
		idt[i].offset2 = (u32)(a >> 32);
	}
	asm volatile("lidt %0" :: "m"(p));
}

void handle_exception(unsigned int vector, exception_handler fn)
{
	if (vector < 256)
		handlers[vector] = fn;
}

void exception_dispatch(struct ex_regs *regs);

void exception_dispatch(struct ex_regs *regs)
{
	unsigned int v = (unsigned int)regs->vector;

	if (v < 256 && handlers[v]) {
		handlers[v](regs);
		return;
	}
	printf("FAIL: unexpected %s%s (vector %u) at rip 0x%llx, "
	       "error code 0x%llx\n", v < 32 ? "exception " : "interrupt",
	       v < 32 ? names[v] : "", v,
	       (unsigned long long)regs->rip,
	       (unsigned long long)regs->error_code);
	report_summary();
	exit(1);
}
