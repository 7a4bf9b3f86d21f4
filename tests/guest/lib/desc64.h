/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * desc64.h - the 64-bit guests' IDT: exceptions 0-31 and interrupts
 * 32-255 go to a handler a test installed, or else end the test with a
 * FAIL line.  All are interrupt gates: IF is clear in a handler.
 */
#ifndef GUEST_DESC64_H
#define GUEST_DESC64_H

#include "libtest.h"

/* The stack frame built by start64.S's stubs, lowest address first. */
struct ex_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rdi, rsi, rbp, rbx, rdx, rcx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*exception_handler)(struct ex_regs *regs);

/* Install fn for vector (0-255); NULL restores the default (FAIL, exit). */
void handle_exception(unsigned int vector, exception_handler fn);

#endif /* GUEST_DESC64_H */
