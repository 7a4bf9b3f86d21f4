// SPDX-License-Identifier: GPL-2.0-only
/*
 * triple-fault.c - an exception with no usable IDT: #UD finds a zero-limit
 * IDT, so does the #GP that follows, and the resulting #DF shuts the CPU
 * down (SDM Vol. 3A, 6.15, "Interrupt 8"; AMD APM Vol. 2, 8.2.9).  vmctl
 * must report "guest shutdown (triple fault)" and exit with status 2, and
 * the lab host must carry on.
 */
#include "libtest.h"

int main(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) empty = { 0, 0 };

	printf("triple-fault: loading an empty IDT and raising #UD\n");
	asm volatile("lidt %0; ud2" :: "m"(empty) : "memory");
	printf("FAIL: execution continued after the triple fault\n");
	return 1;
}
