// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio.c - memory-mapped I/O through the test device's scratch page
 * (vmctl --testdev, guest-physical 0xfe000000-0xfe000fff) and to an
 * address with no device at all.  Each access is a VM exit the VMM must
 * decode (kmod/x86_decode.c), so each instruction form is written out in
 * assembly: MOV store/load of 1, 2, 4, 8 bytes (88/89/8A/8B), MOV of an
 * immediate (C6/C7), MOVZX, MOVSX, MOVSXD, the moffs forms (A0-A3),
 * high-byte registers (AH..BH) and REX registers (R8..R15).
 */
#include "libtest.h"

#define DEV		((volatile u8 *)TESTDEV_MMIO)
#define UNASSIGNED	((volatile u8 *)0xc0000000UL)	/* above RAM, no device */

static void store_forms(volatile u8 *p)
{
	u64 v;

	asm volatile("movb %b1, (%0)" :: "r"(p + 0x00), "q"(0xa1) : "memory");
	asm volatile("movw %w1, (%0)" :: "r"(p + 0x10), "r"(0xb2c3) : "memory");
	asm volatile("movl %k1, (%0)" :: "r"(p + 0x20), "r"(0xd4e5f607) : "memory");
	asm volatile("movq %1, (%0)" :: "r"(p + 0x30), "r"(0x1122334455667788ULL)
		     : "memory");

	asm volatile("movb %b0, (%1)" :: "q"(0), "r"(p + 0x08) : "memory");
	asm volatile("movb (%1), %b0" : "=q"(v) : "r"(p + 0x00), "0"(0ULL));
	report(v == 0xa1, "movb reg -> mmio, movb mmio -> reg (0x%llx)",
	       (unsigned long long)v);
	asm volatile("movw (%1), %w0" : "=r"(v) : "r"(p + 0x10), "0"(0ULL));
	report(v == 0xb2c3, "movw reg -> mmio and back (0x%llx)",
	       (unsigned long long)v);
	asm volatile("movl (%1), %k0" : "=r"(v) : "r"(p + 0x20), "0"(~0ULL));
	report(v == 0xd4e5f607, "movl reg -> mmio and back, upper half zeroed "
	       "(0x%llx)", (unsigned long long)v);
	asm volatile("movq (%1), %0" : "=r"(v) : "r"(p + 0x30));
	report(v == 0x1122334455667788ULL, "movq reg -> mmio and back (0x%llx)",
	       (unsigned long long)v);
}

static void partial_register_loads(volatile u8 *p)
{
	u64 v = 0x1122334455667788ULL;

	*(volatile u32 *)(p + 0x40) = 0xaabbccdd;
	asm volatile("movb (%1), %b0" : "+q"(v) : "r"(p + 0x40));
	report(v == 0x11223344556677ddULL, "movb load keeps bits 63:8 (0x%llx)",
	       (unsigned long long)v);
	v = 0x1122334455667788ULL;
	asm volatile("movw (%1), %w0" : "+r"(v) : "r"(p + 0x40));
	report(v == 0x112233445566ccddULL, "movw load keeps bits 63:16 (0x%llx)",
	       (unsigned long long)v);
}

static void imm_forms(volatile u8 *p)
{
	asm volatile("movb $0x5c, (%0)" :: "r"(p + 0x50) : "memory");
	asm volatile("movw $0x6d7e, (%0)" :: "r"(p + 0x52) : "memory");
	asm volatile("movl $0x8f90a1b2, (%0)" :: "r"(p + 0x54) : "memory");
	asm volatile("movq $-2, (%0)" :: "r"(p + 0x58) : "memory");
	report(*(volatile u8 *)(p + 0x50) == 0x5c, "movb $imm -> mmio");
	report(*(volatile u16 *)(p + 0x52) == 0x6d7e, "movw $imm -> mmio");
	report(*(volatile u32 *)(p + 0x54) == 0x8f90a1b2, "movl $imm -> mmio");
	report(*(volatile u64 *)(p + 0x58) == 0xfffffffffffffffeULL,
	       "movq $imm32 -> mmio, sign-extended");
}

static void extend_forms(volatile u8 *p)
{
	u64 v;

	*(volatile u64 *)(p + 0x60) = 0x00000000f00080f1ULL;
	asm volatile("movzbl (%1), %k0" : "=r"(v) : "r"(p + 0x60), "0"(~0ULL));
	report(v == 0xf1, "movzx byte -> 32-bit reg (0x%llx)", (unsigned long long)v);
	asm volatile("movzwq (%1), %0" : "=r"(v) : "r"(p + 0x61));
	report(v == 0x80, "movzx word -> 64-bit reg, unaligned (0x%llx)",
	       (unsigned long long)v);
	asm volatile("movsbq (%1), %0" : "=r"(v) : "r"(p + 0x60));
	report(v == 0xfffffffffffffff1ULL, "movsx byte -> 64-bit reg (0x%llx)",
	       (unsigned long long)v);
	asm volatile("movswl (%1), %k0" : "=r"(v) : "r"(p + 0x60), "0"(~0ULL));
	report(v == 0xffff80f1ULL, "movsx word -> 32-bit reg (0x%llx)",
	       (unsigned long long)v);
	asm volatile("movslq (%1), %0" : "=r"(v) : "r"(p + 0x60));
	report(v == 0xfffffffff00080f1ULL, "movsxd dword -> 64-bit reg (0x%llx)",
	       (unsigned long long)v);
}

static void high_byte_and_rex(volatile u8 *p)
{
	u64 v;
	u16 ax;

	/* AH/BH as source and destination: no REX prefix allowed, so the
	 * pointer is pinned to RDI. */
	asm volatile("movw $0x9a00, %%ax; movb %%ah, (%1); movw %%ax, %0"
		     : "=r"(ax) : "D"(p + 0x70) : "rax", "memory");
	report(*(volatile u8 *)(p + 0x70) == 0x9a, "movb %%ah -> mmio");
	asm volatile("movl $0x11111111, %%ebx; movb (%1), %%bh; movl %%ebx, %k0"
		     : "=r"(v) : "D"(p + 0x70) : "rbx");
	report((u32)v == 0x11119a11, "movb mmio -> %%bh (0x%x)", (u32)v);

	/* REX.R registers on both sides, in one asm so nothing in between
	 * can reuse R9 or R14. */
	asm volatile("movabsq $0x0102030405060708, %%r9\n\t"
		     "movq %%r9, (%1)\n\t"
		     "xorl %%r14d, %%r14d\n\t"
		     "movq (%1), %%r14\n\t"
		     "movq %%r14, %0"
		     : "=r"(v) : "r"(p + 0x78) : "r9", "r14", "memory");
	report(v == 0x0102030405060708ULL, "movq %%r9 -> mmio -> %%r14 (0x%llx)",
	       (unsigned long long)v);
	(void)ax;
}

static void moffs_forms(void)
{
	u64 v;
	u32 l;

	/* A2/A3: store AL/EAX to a 64-bit absolute address; A0/A1: load. */
	asm volatile("movabsb %%al, 0xfe000090" :: "a"(0x3c) : "memory");
	asm volatile("movabsl %%eax, 0xfe000094" :: "a"(0x13572468) : "memory");
	asm volatile("movabsb 0xfe000090, %%al" : "=a"(v) : "0"(0ULL));
	report(v == 0x3c, "moffs movb store and load (0x%llx)",
	       (unsigned long long)v);
	asm volatile("movabsl 0xfe000094, %%eax" : "=a"(l));
	report(l == 0x13572468, "moffs movl store and load (0x%x)", l);
}

static void mixed_widths(volatile u8 *p)
{
	u64 v;

	*(volatile u64 *)(p + 0x100) = 0x0807060504030201ULL;
	report(p[0x103] == 0x04, "qword written, byte read at +3");
	report(*(volatile u16 *)(p + 0x106) == 0x0807,
	       "qword written, word read at +6");
	report(*(volatile u32 *)(p + 0x101) == 0x05040302,
	       "qword written, unaligned dword read at +1");
	*(volatile u8 *)(p + 0x102) = 0xee;
	v = *(volatile u64 *)(p + 0x100);
	report(v == 0x0807060504ee0201ULL,
	       "byte written into the middle of a qword (0x%llx)",
	       (unsigned long long)v);
	*(volatile u64 *)(p + 0xff8) = 0xfedcba9876543210ULL;
	report(*(volatile u64 *)(p + 0xff8) == 0xfedcba9876543210ULL,
	       "last qword of the page");
	report(*(volatile u64 *)(p + 0x30) == 0x1122334455667788ULL,
	       "earlier contents still there");
}

static void unassigned(void)
{
	volatile u8 *p = UNASSIGNED;

	report(p[0] == 0xff, "unassigned mmio: byte read is 0xff");
	report(*(volatile u16 *)(p + 2) == 0xffff,
	       "unassigned mmio: word read is 0xffff");
	report(*(volatile u32 *)(p + 4) == 0xffffffff,
	       "unassigned mmio: dword read is 0xffffffff");
	report(*(volatile u64 *)(p + 8) == ~0ULL,
	       "unassigned mmio: qword read is all-ones");
	*(volatile u32 *)(p + 4) = 0;
	report(*(volatile u32 *)(p + 4) == 0xffffffff,
	       "unassigned mmio: a write is ignored");
}

int main(void)
{
	store_forms(DEV);
	partial_register_loads(DEV);
	imm_forms(DEV);
	extend_forms(DEV);
	high_byte_and_rex(DEV);
	moffs_forms();
	mixed_widths(DEV);
	unassigned();
	return report_summary();
}
