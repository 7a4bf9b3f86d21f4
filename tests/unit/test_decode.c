// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_decode.c - unit tests of the MMIO instruction decoder
 * (kmod/x86_decode.c, compiled in through tests/unit/kmod_shim.c).
 *
 * Every byte sequence below was checked with objdump, e.g.
 *   objdump -D -b binary -m i386:x86-64 insn.bin   (64-bit, L64)
 *   objdump -D -b binary -m i386 insn.bin          (32-bit, P32)
 *   objdump -D -b binary -m i8086 insn.bin         (16-bit, R16)
 * and the first string of each case is what objdump printed for it.
 */
#include <check.h>
#include <stdlib.h>

#include "x86_decode.h"

/* The tables leave out trailing fields that are false or 0. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define R16	VMM_MODE_REAL16
#define P32	VMM_MODE_PROT32
#define L64	VMM_MODE_LONG64

#define LD	VMM_INSN_LOAD
#define ZX	VMM_INSN_LOAD_ZX
#define SX	VMM_INSN_LOAD_SX
#define ST	VMM_INSN_STORE
#define IMM	VMM_INSN_STORE_IMM

/* The bytes of one instruction and their count. */
#define X(...)	{ __VA_ARGS__ }, sizeof((u8[]){ __VA_ARGS__ })

struct good_case {
	const char *text;		/* objdump's reading */
	enum vmm_cpu_mode mode;
	u8 bytes[16];
	unsigned int len;		/* all the bytes are the instruction */
	u8 op, mem_size, reg_size, reg;
	bool high_byte;
	u64 imm;
};

static const struct good_case good[] = {
	/* 64-bit mode: MOV r/m,reg and its operand sizes and registers */
	{ "mov %eax,(%rbx)",		L64, X(0x89, 0x03), ST, 4, 4, 0 },
	{ "mov %rax,(%rbx)",		L64, X(0x48, 0x89, 0x03), ST, 8, 8, 0 },
	{ "mov %ax,(%rbx)",		L64, X(0x66, 0x89, 0x03), ST, 2, 2, 0 },
	{ "mov %al,(%rbx)",		L64, X(0x88, 0x03), ST, 1, 1, 0 },
	{ "mov %ah,(%rbx)",		L64, X(0x88, 0x23), ST, 1, 1, 0, true },
	{ "mov %bh,(%rbx)",		L64, X(0x88, 0x3b), ST, 1, 1, 3, true },
	{ "mov %spl,(%rbx)",		L64, X(0x40, 0x88, 0x23), ST, 1, 1, 4 },
	{ "mov %dil,(%rbx)",		L64, X(0x40, 0x88, 0x3b), ST, 1, 1, 7 },
	{ "mov %r9b,(%rbx)",		L64, X(0x44, 0x88, 0x0b), ST, 1, 1, 9 },
	{ "mov %r15,(%rax)",		L64, X(0x4c, 0x89, 0x38), ST, 8, 8, 15 },
	{ "mov %r12d,(%r8)",		L64, X(0x45, 0x89, 0x20), ST, 4, 4, 12 },
	/* MOV reg,r/m */
	{ "mov (%rbx),%ecx",		L64, X(0x8b, 0x0b), LD, 4, 4, 1 },
	{ "mov (%rbx),%r10d",		L64, X(0x44, 0x8b, 0x13), LD, 4, 4, 10 },
	{ "mov (%rbx),%ch",		L64, X(0x8a, 0x2b), LD, 1, 1, 1, true },
	{ "mov (%rbx),%bpl",		L64, X(0x40, 0x8a, 0x2b), LD, 1, 1, 5 },
	{ "mov (%rbx),%r8w",		L64, X(0x66, 0x44, 0x8b, 0x03), LD, 2, 2, 8 },
	{ "mov (%rbx),%rdx",		L64, X(0x48, 0x8b, 0x13), LD, 8, 8, 2 },
	/*
	 * REX.W beats 66.  A REX not right before the opcode is ignored:
	 * objdump prints it apart ("|"), but it is part of the instruction.
	 */
	{ "data16 mov (%rbx),%rax",	L64, X(0x66, 0x48, 0x8b, 0x03), LD, 8, 8, 0 },
	{ "rex.W | mov (%rbx),%ax",	L64, X(0x48, 0x66, 0x8b, 0x03), LD, 2, 2, 0 },
	{ "rex.R | mov %fs:(%rbx),%eax",	L64, X(0x44, 0x64, 0x8b, 0x03), LD, 4, 4, 0 },
	{ "rex | mov %fs:(%rbx),%ah",	L64, X(0x40, 0x64, 0x8a, 0x23), LD, 1, 1, 0, true },
	/* ModR/M, SIB and displacement lengths */
	{ "mov %eax,(%rax,%rbx,4)",	L64, X(0x89, 0x04, 0x98), ST, 4, 4, 0 },
	{ "mov %eax,(%rsp)",		L64, X(0x89, 0x04, 0x24), ST, 4, 4, 0 },
	{ "mov %eax,0x10(,%rbx,4)",	L64, X(0x89, 0x04, 0x9d, 0x10, 0, 0, 0), ST, 4, 4, 0 },
	{ "mov %eax,0x8(%rbp)",		L64, X(0x89, 0x45, 0x08), ST, 4, 4, 0 },
	{ "mov %eax,0x12345678(%rbx)",	L64, X(0x89, 0x83, 0x78, 0x56, 0x34, 0x12), ST, 4, 4, 0 },
	{ "mov %eax,0x8(%rsp)",		L64, X(0x89, 0x44, 0x24, 0x08), ST, 4, 4, 0 },
	{ "mov %eax,0x100(%rax,%rcx,8)", L64, X(0x89, 0x84, 0xc8, 0, 1, 0, 0), ST, 4, 4, 0 },
	{ "mov %eax,0x4(%rbp,%rcx,1)",	L64, X(0x89, 0x44, 0x0d, 0x04), ST, 4, 4, 0 },
	{ "mov %eax,(%r12)",		L64, X(0x41, 0x89, 0x04, 0x24), ST, 4, 4, 0 },
	{ "mov %eax,0x0(%r13)",		L64, X(0x41, 0x89, 0x45, 0x00), ST, 4, 4, 0 },
	{ "mov %eax,(%rax,%r9,2)",	L64, X(0x42, 0x89, 0x04, 0x48), ST, 4, 4, 0 },
	{ "mov 0x1000(%rip),%eax",	L64, X(0x8b, 0x05, 0, 0x10, 0, 0), LD, 4, 4, 0 },
	{ "mov %eax,(%ebx)",		L64, X(0x67, 0x89, 0x03), ST, 4, 4, 0 },
	{ "mov 0x1000(%eip),%eax",	L64, X(0x67, 0x8b, 0x05, 0, 0x10, 0, 0), LD, 4, 4, 0 },
	{ "mov %gs:0x10,%eax", L64,
	  X(0x65, 0x8b, 0x04, 0x25, 0x10, 0, 0, 0), LD, 4, 4, 0 },
	/* other legacy prefixes are skipped */
	{ "xrelease mov %eax,(%rbx)",	L64, X(0xf3, 0x89, 0x03), ST, 4, 4, 0 },
	{ "repnz mov %eax,(%rbx)",	L64, X(0xf2, 0x89, 0x03), ST, 4, 4, 0 },
	{ "lock mov %eax,(%rbx)",	L64, X(0xf0, 0x89, 0x03), ST, 4, 4, 0 },
	{ "cs mov %eax,(%rbx)",		L64, X(0x2e, 0x89, 0x03), ST, 4, 4, 0 },
	{ "ss mov %eax,(%rbx)",		L64, X(0x36, 0x89, 0x03), ST, 4, 4, 0 },
	{ "ds mov %eax,(%rbx)",		L64, X(0x3e, 0x89, 0x03), ST, 4, 4, 0 },
	{ "es mov %eax,(%rbx)",		L64, X(0x26, 0x89, 0x03), ST, 4, 4, 0 },
	{ "mov %eax,%fs:(%rbx)",	L64, X(0x64, 0x89, 0x03), ST, 4, 4, 0 },
	/* MOV r/m,imm */
	{ "movb $0x12,(%rbx)",		L64, X(0xc6, 0x03, 0x12), IMM, 1, 0, 0, false, 0x12 },
	{ "movb $0xff,0x10(%rax)",	L64, X(0xc6, 0x40, 0x10, 0xff), IMM, 1, 0, 0, false, 0xff },
	{ "movw $0xbeef,(%rbx)", L64,
	  X(0x66, 0xc7, 0x03, 0xef, 0xbe), IMM, 2, 0, 0, false, 0xbeef },
	{ "movl $0x12345678,(%rbx)", L64,
	  X(0xc7, 0x03, 0x78, 0x56, 0x34, 0x12), IMM, 4, 0, 0, false, 0x12345678 },
	{ "movl $0x80000000,(%rbx)", L64,
	  X(0xc7, 0x03, 0, 0, 0, 0x80), IMM, 4, 0, 0, false, 0x80000000 },
	{ "movq $0x7fffffff,(%rbx)", L64,
	  X(0x48, 0xc7, 0x03, 0xff, 0xff, 0xff, 0x7f), IMM, 8, 0, 0, false, 0x7fffffff },
	{ "movq $0xfffffffffffffffe,(%rbx)", L64,
	  X(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff), IMM, 8, 0, 0, false, 0xfffffffffffffffeULL },
	{ "movl $0x1,0x10(%rsp)", L64,
	  X(0xc7, 0x44, 0x24, 0x10, 1, 0, 0, 0), IMM, 4, 0, 0, false, 1 },
	{ "movl $0x1,0x100(%rip)", L64,
	  X(0xc7, 0x05, 0, 1, 0, 0, 1, 0, 0, 0), IMM, 4, 0, 0, false, 1 },
	/* MOV moffs: 8-byte offsets, 4 with 67 */
	{ "movabs 0x1122334455667788,%al", L64,
	  X(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), LD, 1, 1, 0 },
	{ "movabs 0x1122334455667788,%rax", L64,
	  X(0x48, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), LD, 8, 8, 0 },
	{ "movabs 0x1122334455667788,%ax", L64,
	  X(0x66, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), LD, 2, 2, 0 },
	{ "movabs %eax,0x1122334455667788", L64,
	  X(0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), ST, 4, 4, 0 },
	{ "addr32 mov %al,0x12345678",	L64, X(0x67, 0xa2, 0x78, 0x56, 0x34, 0x12), ST, 1, 1, 0 },
	{ "rex.R movabs 0x1122334455667788,%eax", L64,
	  X(0x44, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), LD, 4, 4, 0 },
	/* MOVZX, MOVSX, MOVSXD */
	{ "movzbl (%rbx),%eax",		L64, X(0x0f, 0xb6, 0x03), ZX, 1, 4, 0 },
	{ "movzwl (%rbx),%eax",		L64, X(0x0f, 0xb7, 0x03), ZX, 2, 4, 0 },
	{ "movzbq (%rbx),%r11",		L64, X(0x4c, 0x0f, 0xb6, 0x1b), ZX, 1, 8, 11 },
	{ "movzbw (%rbx),%ax",		L64, X(0x66, 0x0f, 0xb6, 0x03), ZX, 1, 2, 0 },
	{ "movzbl (%rbx),%esp",		L64, X(0x0f, 0xb6, 0x23), ZX, 1, 4, 4 },
	{ "movsbl (%rbx),%eax",		L64, X(0x0f, 0xbe, 0x03), SX, 1, 4, 0 },
	{ "movswq (%rbx),%rdx",		L64, X(0x48, 0x0f, 0xbf, 0x13), SX, 2, 8, 2 },
	{ "movsbw (%rbx),%ax",		L64, X(0x66, 0x0f, 0xbe, 0x03), SX, 1, 2, 0 },
	{ "movswl 0x10(%rsp),%edi",	L64, X(0x0f, 0xbf, 0x7c, 0x24, 0x10), SX, 2, 4, 7 },
	{ "movslq (%rbx),%rax",		L64, X(0x48, 0x63, 0x03), SX, 4, 8, 0 },
	{ "movslq 0x8(%rsp),%r14",	L64, X(0x4c, 0x63, 0x74, 0x24, 0x08), SX, 4, 8, 14 },

	/* 32-bit protected mode */
	{ "mov %eax,(%ebx)",		P32, X(0x89, 0x03), ST, 4, 4, 0 },
	{ "mov (%ebx),%ax",		P32, X(0x66, 0x8b, 0x03), LD, 2, 2, 0 },
	{ "mov %dh,(%eax)",		P32, X(0x88, 0x30), ST, 1, 1, 2, true },
	{ "mov %ecx,0x10(,%eax,4)",	P32, X(0x89, 0x0c, 0x85, 0x10, 0, 0, 0), ST, 4, 4, 1 },
	{ "mov 0x1000,%edx",		P32, X(0x8b, 0x15, 0, 0x10, 0, 0), LD, 4, 4, 2 },
	{ "mov %eax,(%bx,%si)",		P32, X(0x67, 0x89, 0x00), ST, 4, 4, 0 },
	{ "mov %eax,0x1234",		P32, X(0x67, 0x89, 0x06, 0x34, 0x12), ST, 4, 4, 0 },
	{ "mov %eax,0x12345678",	P32, X(0xa3, 0x78, 0x56, 0x34, 0x12), ST, 4, 4, 0 },
	{ "addr16 mov 0x1234,%al",	P32, X(0x67, 0xa0, 0x34, 0x12), LD, 1, 1, 0 },
	{ "mov 0x12345678,%ax",		P32, X(0x66, 0xa1, 0x78, 0x56, 0x34, 0x12), LD, 2, 2, 0 },
	{ "movl $0x12345678,0x4(%ebx)", P32,
	  X(0xc7, 0x43, 0x04, 0x78, 0x56, 0x34, 0x12), IMM, 4, 0, 0, false, 0x12345678 },
	{ "movw $0x1234,(%ebx)", P32,
	  X(0x66, 0xc7, 0x03, 0x34, 0x12), IMM, 2, 0, 0, false, 0x1234 },
	{ "movswl (%eax),%ebx",		P32, X(0x0f, 0xbf, 0x18), SX, 2, 4, 3 },
	{ "movzbw (%eax),%sp",		P32, X(0x66, 0x0f, 0xb6, 0x20), ZX, 1, 2, 4 },

	/* 16-bit code: 16-bit ModR/M forms, then 66 and 67 */
	{ "mov %ax,(%bx)",		R16, X(0x89, 0x07), ST, 2, 2, 0 },
	{ "mov (%si),%cl",		R16, X(0x8a, 0x0c), LD, 1, 1, 1 },
	{ "mov %ah,0x10(%bx,%si)",	R16, X(0x88, 0x60, 0x10), ST, 1, 1, 0, true },
	{ "mov %dx,0x1234(%bp,%di)",	R16, X(0x89, 0x93, 0x34, 0x12), ST, 2, 2, 2 },
	{ "mov %ax,0x1234",		R16, X(0x89, 0x06, 0x34, 0x12), ST, 2, 2, 0 },
	{ "mov %ax,0x4(%bp)",		R16, X(0x89, 0x46, 0x04), ST, 2, 2, 0 },
	{ "mov %eax,(%bx)",		R16, X(0x66, 0x89, 0x07), ST, 4, 4, 0 },
	{ "mov %ax,(%eax,%ebx,4)",	R16, X(0x67, 0x89, 0x04, 0x98), ST, 2, 2, 0 },
	{ "addr32 mov %ax,0x12345678", R16,
	  X(0x67, 0x89, 0x05, 0x78, 0x56, 0x34, 0x12), ST, 2, 2, 0 },
	{ "mov %es:(%di),%al",		R16, X(0x26, 0x8a, 0x05), LD, 1, 1, 0 },
	{ "mov 0x1234,%ax",		R16, X(0xa1, 0x34, 0x12), LD, 2, 2, 0 },
	{ "addr32 mov 0x12345678,%ax",	R16, X(0x67, 0xa1, 0x78, 0x56, 0x34, 0x12), LD, 2, 2, 0 },
	{ "mov 0x1234,%eax",		R16, X(0x66, 0xa1, 0x34, 0x12), LD, 4, 4, 0 },
	{ "movw $0x1234,(%bx)", R16,
	  X(0xc7, 0x07, 0x34, 0x12), IMM, 2, 0, 0, false, 0x1234 },
	{ "movl $0x12345678,(%bx)", R16,
	  X(0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12), IMM, 4, 0, 0, false, 0x12345678 },
	{ "movb $0x5,0x10(%di)",	R16, X(0xc6, 0x45, 0x10, 0x05), IMM, 1, 0, 0, false, 5 },
	{ "movzbw (%bx),%ax",		R16, X(0x0f, 0xb6, 0x07), ZX, 1, 2, 0 },
	{ "movsbl (%bx),%eax",		R16, X(0x66, 0x0f, 0xbe, 0x07), SX, 1, 4, 0 },

	/* the 15-byte limit is inclusive: 13 prefixes + 2 bytes */
	{ "data16 (x12) mov %ax,(%rbx)", L64,
	  X(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03), ST, 2, 2, 0 },
	/* three prefixes + a 12-byte MOV imm32 to a SIB+disp32 operand */
	{ "cs ss ds movq $0x1,0x10(%rsp)", L64,
	  X(0x2e, 0x36, 0x3e, 0x48, 0xc7, 0x84, 0x24, 0x10,
	    0, 0, 0, 1, 0, 0, 0), IMM, 8, 0, 0, false, 1 },
};

struct bad_case {
	const char *text;
	enum vmm_cpu_mode mode;
	u8 bytes[16];
	unsigned int n;
	int ret;
};

static const struct bad_case bad[] = {
	/* no memory operand: mod == 3 */
	{ "mov %eax,%ebx",		L64, X(0x89, 0xc3), -EOPNOTSUPP },
	{ "mov %ebx,%eax",		L64, X(0x8b, 0xc3), -EOPNOTSUPP },
	{ "mov $0x1,%eax",		L64, X(0xc7, 0xc0, 1, 0, 0, 0), -EOPNOTSUPP },
	{ "xabort $0x0",		L64, X(0xc6, 0xf8, 0x00), -EOPNOTSUPP },
	{ "movzbl %al,%eax",		L64, X(0x0f, 0xb6, 0xc0), -EOPNOTSUPP },
	{ "movslq %eax,%rax",		L64, X(0x48, 0x63, 0xc0), -EOPNOTSUPP },
	{ "mov %ax,%bx",		R16, X(0x89, 0xc3), -EOPNOTSUPP },
	/* not MOV */
	{ "add %eax,(%rbx)",		L64, X(0x01, 0x03), -EOPNOTSUPP },
	{ "cmpl $0x1,(%rbx)",		L64, X(0x83, 0x3b, 0x01), -EOPNOTSUPP },
	{ "(bad) C6 /1",		L64, X(0xc6, 0x08, 0x12), -EOPNOTSUPP },
	{ "(bad) C7 /7",		L64, X(0xc7, 0x38, 1, 0, 0, 0), -EOPNOTSUPP },
	{ "ud2",			L64, X(0x0f, 0x0b), -EOPNOTSUPP },
	{ "imul (%rbx),%eax",		L64, X(0x0f, 0xaf, 0x03), -EOPNOTSUPP },
	{ "movsxd (%rbx),%eax",		L64, X(0x63, 0x03), -EOPNOTSUPP },
	{ "arpl %ax,(%ebx)",		P32, X(0x63, 0x03), -EOPNOTSUPP },
	{ "movsl %ds:(%rsi),%es:(%rdi)",	L64, X(0xa5), -EOPNOTSUPP },
	/* 40-4F are INC/DEC, not REX, outside 64-bit mode */
	{ "inc %eax",			P32, X(0x40, 0x89, 0x03), -EOPNOTSUPP },
	{ "dec %ax",			R16, X(0x48, 0x89, 0x07), -EOPNOTSUPP },
	/* too short */
	{ "(nothing)",			L64, { 0 }, 0, -EINVAL },
	{ "data16",			L64, X(0x66), -EINVAL },
	{ "rex.W",			L64, X(0x48), -EINVAL },
	{ "0f",				L64, X(0x0f), -EINVAL },
	/* 16 bytes: 14 prefixes + 2 */
	{ "data16 x14 mov %ax,(%rbx)", L64,
	  X(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03), -EINVAL },
	/* 16 bytes: 4 prefixes + a 12-byte MOV */
	{ "cs ss ds es movq $0x1,0x10(%rsp)", L64,
	  X(0x2e, 0x36, 0x3e, 0x26, 0x48, 0xc7, 0x84, 0x24, 0x10, 0, 0, 0, 1, 0, 0, 0), -EINVAL },
};

static const char *mode_name(enum vmm_cpu_mode mode)
{
	return mode == R16 ? "R16" : mode == P32 ? "P32" : "L64";
}

START_TEST(decode_good)
{
	const struct good_case *t = &good[_i];
	struct vmm_insn insn;
	int ret;

	ret = vmm_decode_mmio(t->bytes, t->len, t->mode, &insn);
	ck_assert_msg(ret == 0, "%s %s: ret %d", mode_name(t->mode), t->text, ret);
	ck_assert_msg(insn.len == t->len, "%s: len %u, want %u", t->text, insn.len, t->len);
	ck_assert_msg(insn.op == t->op, "%s: op %u, want %u", t->text, insn.op, t->op);
	ck_assert_msg(insn.mem_size == t->mem_size, "%s: mem_size %u, want %u",
		      t->text, insn.mem_size, t->mem_size);
	ck_assert_msg(insn.reg_size == t->reg_size, "%s: reg_size %u, want %u",
		      t->text, insn.reg_size, t->reg_size);
	ck_assert_msg(insn.reg == t->reg, "%s: reg %u, want %u", t->text, insn.reg, t->reg);
	ck_assert_msg(insn.high_byte == t->high_byte, "%s: high_byte %d", t->text,
		      insn.high_byte);
	ck_assert_msg(insn.imm == t->imm, "%s: imm %#llx, want %#llx", t->text,
		      (unsigned long long)insn.imm, (unsigned long long)t->imm);
}
END_TEST

/* Bytes after the instruction do not change its length. */
START_TEST(decode_good_trailing)
{
	const struct good_case *t = &good[_i];
	struct vmm_insn insn;
	u8 buf[32];

	memset(buf, 0x89, sizeof(buf));
	memcpy(buf, t->bytes, t->len);
	ck_assert_int_eq(vmm_decode_mmio(buf, sizeof(buf), t->mode, &insn), 0);
	ck_assert_msg(insn.len == t->len, "%s: len %u, want %u", t->text, insn.len, t->len);
}
END_TEST

/* Any shorter buffer is -EINVAL, never a wrong decode. */
START_TEST(decode_good_truncated)
{
	const struct good_case *t = &good[_i];
	struct vmm_insn insn;
	unsigned int n;
	int ret;

	for (n = 0; n < t->len; n++) {
		ret = vmm_decode_mmio(t->bytes, n, t->mode, &insn);
		ck_assert_msg(ret == -EINVAL, "%s with %u of %u bytes: ret %d",
			      t->text, n, t->len, ret);
	}
}
END_TEST

START_TEST(decode_bad)
{
	const struct bad_case *t = &bad[_i];
	struct vmm_insn insn;
	int ret;

	ret = vmm_decode_mmio(t->bytes, t->n, t->mode, &insn);
	ck_assert_msg(ret == t->ret, "%s %s: ret %d, want %d", mode_name(t->mode),
		      t->text, ret, t->ret);
}
END_TEST

START_TEST(decode_bad_mode)
{
	static const u8 mov[] = { 0x89, 0x03 };
	struct vmm_insn insn;

	ck_assert_int_eq(vmm_decode_mmio(mov, 2, 0, &insn), -EINVAL);
	ck_assert_int_eq(vmm_decode_mmio(mov, 2, 4, &insn), -EINVAL);
}
END_TEST

/* A buffer longer than 15 bytes is fine when the instruction is not. */
START_TEST(decode_long_buffer)
{
	u8 buf[64] = { 0x66, 0x66, 0x89, 0x03 };
	struct vmm_insn insn;

	ck_assert_int_eq(vmm_decode_mmio(buf, sizeof(buf), L64, &insn), 0);
	ck_assert_uint_eq(insn.len, 4);
}
END_TEST

/* Register file for store tests: every byte distinct. */
static void fill_regs(u64 *regs)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		regs[i] = 0x0807060504030201ULL + i * 0x1010101010101010ULL;
}

struct value_case {
	const char *text;
	enum vmm_cpu_mode mode;
	u8 bytes[16];
	unsigned int len;
	u64 old, val;		/* load: old register and loaded value */
	u64 want;		/* store: the value; load: the new register */
};

static const struct value_case stores[] = {
	{ "mov %eax,(%rbx)",		L64, X(0x89, 0x03), 0, 0, 0x04030201 },
	{ "mov %rax,(%rbx)",		L64, X(0x48, 0x89, 0x03), 0, 0, 0x0807060504030201ULL },
	{ "mov %ax,(%rbx)",		L64, X(0x66, 0x89, 0x03), 0, 0, 0x0201 },
	{ "mov %al,(%rbx)",		L64, X(0x88, 0x03), 0, 0, 0x01 },
	{ "mov %ah,(%rbx)",		L64, X(0x88, 0x23), 0, 0, 0x02 },
	{ "mov %bh,(%rbx)",		L64, X(0x88, 0x3b), 0, 0, 0x32 },
	{ "mov %spl,(%rbx)",		L64, X(0x40, 0x88, 0x23), 0, 0, 0x41 },
	{ "mov %r9b,(%rbx)",		L64, X(0x44, 0x88, 0x0b), 0, 0, 0x91 },
	{ "mov %r15,(%rax)",		L64, X(0x4c, 0x89, 0x38), 0, 0, 0xf8f7f6f5f4f3f2f1ULL },
	{ "movabs %eax,0x1122334455667788", L64,
	  X(0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), 0, 0, 0x04030201 },
	{ "mov %dx,0x1234(%bp,%di)",	R16, X(0x89, 0x93, 0x34, 0x12), 0, 0, 0x2221 },
	{ "movb $0xff,0x10(%rax)",	L64, X(0xc6, 0x40, 0x10, 0xff), 0, 0, 0xff },
	{ "movw $0xbeef,(%rbx)",	L64, X(0x66, 0xc7, 0x03, 0xef, 0xbe), 0, 0, 0xbeef },
	{ "movl $0x80000000,(%rbx)",	L64, X(0xc7, 0x03, 0, 0, 0, 0x80), 0, 0, 0x80000000 },
	{ "movq $0xfffffffffffffffe,(%rbx)", L64,
	  X(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff), 0, 0, 0xfffffffffffffffeULL },
};

#define ONES	0xffffffffffffffffULL
#define OLD	0x1122334455667788ULL

static const struct value_case loads[] = {
	/* 32-bit destinations zero-extend; upper bytes of val are ignored */
	{ "mov (%rbx),%ecx",		L64, X(0x8b, 0x0b), ONES, 0x12345678, 0x12345678 },
	{ "mov (%rbx),%ecx", L64,
	  X(0x8b, 0x0b), ONES, 0xaaaaaaaa92345678ULL, 0x92345678 },
	{ "mov (%rbx),%rdx", L64,
	  X(0x48, 0x8b, 0x13), 0, 0x8877665544332211ULL, 0x8877665544332211ULL },
	/* 8- and 16-bit destinations keep the other bits */
	{ "mov (%rbx),%r8w", L64,
	  X(0x66, 0x44, 0x8b, 0x03), ONES, 0x5555aaaa1234ULL, 0xffffffffffff1234ULL },
	{ "mov (%rbx),%ch",		L64, X(0x8a, 0x2b), OLD, 0xab, 0x112233445566ab88ULL },
	{ "mov (%rbx),%bpl", L64,
	  X(0x40, 0x8a, 0x2b), OLD, 0x1ab, 0x11223344556677abULL },
	{ "movabs 0x1122334455667788,%al", L64,
	  X(0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22,
	    0x11), OLD, 0xcd, 0x11223344556677cdULL },
	{ "mov 0x1234,%ax", R16,
	  X(0xa1, 0x34, 0x12), OLD, 0xfedc, 0x112233445566fedcULL },
	/* MOVZX */
	{ "movzbl (%rbx),%eax",		L64, X(0x0f, 0xb6, 0x03), ONES, 0x180, 0x80 },
	{ "movzwl (%rbx),%eax",		L64, X(0x0f, 0xb7, 0x03), ONES, 0xdead8000, 0x8000 },
	{ "movzbq (%rbx),%r11",		L64, X(0x4c, 0x0f, 0xb6, 0x1b), ONES, 0xff, 0xff },
	{ "movzbw (%rbx),%ax", L64,
	  X(0x66, 0x0f, 0xb6, 0x03), ONES, 0x80, 0xffffffffffff0080ULL },
	/* MOVSX, MOVSXD */
	{ "movsbl (%rbx),%eax",		L64, X(0x0f, 0xbe, 0x03), ONES, 0x80, 0xffffff80 },
	{ "movsbl (%rbx),%eax",		L64, X(0x0f, 0xbe, 0x03), ONES, 0xff7f, 0x7f },
	{ "movswq (%rbx),%rdx", L64,
	  X(0x48, 0x0f, 0xbf, 0x13), 0, 0x8000, 0xffffffffffff8000ULL },
	{ "movsbw (%rbx),%ax", L64,
	  X(0x66, 0x0f, 0xbe, 0x03), OLD, 0xfe, 0x112233445566fffeULL },
	{ "movswl 0x10(%rsp),%edi", L64,
	  X(0x0f, 0xbf, 0x7c, 0x24, 0x10), ONES, 0x7fff, 0x7fff },
	{ "movslq (%rbx),%rax", L64,
	  X(0x48, 0x63, 0x03), 0, 0x80000000, 0xffffffff80000000ULL },
	{ "movslq (%rbx),%rax", L64,
	  X(0x48, 0x63, 0x03), ONES, 0xffffffff7fffffffULL, 0x7fffffff },
};

START_TEST(store_value)
{
	const struct value_case *t = &stores[_i];
	struct vmm_insn insn;
	u64 regs[16], v;

	fill_regs(regs);
	ck_assert_int_eq(vmm_decode_mmio(t->bytes, t->len, t->mode, &insn), 0);
	ck_assert(insn.op == VMM_INSN_STORE || insn.op == VMM_INSN_STORE_IMM);
	v = vmm_insn_store_value(&insn, regs);
	ck_assert_msg(v == t->want, "%s: stores %#llx, want %#llx", t->text,
		      (unsigned long long)v, (unsigned long long)t->want);
}
END_TEST

START_TEST(load_result)
{
	const struct value_case *t = &loads[_i];
	struct vmm_insn insn;
	u64 v;

	ck_assert_int_eq(vmm_decode_mmio(t->bytes, t->len, t->mode, &insn), 0);
	v = vmm_insn_load_result(&insn, t->old, t->val);
	ck_assert_msg(v == t->want, "%s: old %#llx + %#llx gives %#llx, want %#llx",
		      t->text, (unsigned long long)t->old, (unsigned long long)t->val,
		      (unsigned long long)v, (unsigned long long)t->want);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* MOV CR/DR: the GPR operand and the length (vmm_decode_mov_crdr). */
static const struct {
	const char *name;
	u8 bytes[8];
	unsigned int n;
	enum vmm_cpu_mode mode;
	int ret;
	u8 gpr, len;
} crdr[] = {
	{ "mov %rax,%dr7",	{ 0x0f, 0x23, 0xf8 }, 3, VMM_MODE_LONG64, 0, 0, 3 },
	{ "mov %dr6,%rbx",	{ 0x0f, 0x21, 0xf3 }, 3, VMM_MODE_LONG64, 0, 3, 3 },
	{ "mov %r11,%dr0",	{ 0x41, 0x0f, 0x23, 0xc3 }, 4, VMM_MODE_LONG64, 0, 11, 4 },
	{ "mov %r9,%cr8",	{ 0x45, 0x0f, 0x22, 0xc1 }, 4, VMM_MODE_LONG64, 0, 9, 4 },
	{ "mov %rsi,%cr8",	{ 0x44, 0x0f, 0x22, 0xc6 }, 4, VMM_MODE_LONG64, 0, 6, 4 },
	{ "lock mov %eax,%cr0",	{ 0xf0, 0x0f, 0x22, 0xc0 }, 4, VMM_MODE_PROT32, 0, 0, 4 },
	/* 0x41 is "inc ecx" outside 64-bit mode, not REX */
	{ "inc; mov (32-bit)",	{ 0x41, 0x0f, 0x23, 0xc3 }, 4, VMM_MODE_PROT32, -EOPNOTSUPP, 0, 0 },
	/* REX must come last: 41 66 0f ... drops the REX */
	{ "rex, 66, mov",	{ 0x41, 0x66, 0x0f, 0x21, 0xc7 }, 5, VMM_MODE_LONG64, 0, 7, 5 },
	{ "mov (16-bit)",	{ 0x0f, 0x21, 0xd0 }, 3, VMM_MODE_REAL16, 0, 0, 3 },
	{ "truncated",		{ 0x0f, 0x23 }, 2, VMM_MODE_LONG64, -EINVAL, 0, 0 },
	{ "cpuid",		{ 0x0f, 0xa2 }, 2, VMM_MODE_LONG64, -EOPNOTSUPP, 0, 0 },
	{ "nop",		{ 0x90 }, 1, VMM_MODE_LONG64, -EOPNOTSUPP, 0, 0 },
};

START_TEST(decode_crdr)
{
	u8 gpr = 0xff, len = 0xff;
	int ret = vmm_decode_mov_crdr(crdr[_i].bytes, crdr[_i].n,
				      crdr[_i].mode, &gpr, &len);

	ck_assert_msg(ret == crdr[_i].ret, "%s: ret %d", crdr[_i].name, ret);
	if (!ret)
		ck_assert_msg(gpr == crdr[_i].gpr && len == crdr[_i].len,
			      "%s: gpr %u len %u", crdr[_i].name, gpr, len);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("decode");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("good");
	tcase_add_loop_test(tc, decode_good, 0, N(good));
	tcase_add_loop_test(tc, decode_good_trailing, 0, N(good));
	tcase_add_loop_test(tc, decode_good_truncated, 0, N(good));
	tcase_add_test(tc, decode_long_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_add_loop_test(tc, decode_bad, 0, N(bad));
	tcase_add_test(tc, decode_bad_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_loop_test(tc, store_value, 0, N(stores));
	tcase_add_loop_test(tc, load_result, 0, N(loads));
	suite_add_tcase(s, tc);

	tc = tcase_create("mov_crdr");
	tcase_add_loop_test(tc, decode_crdr, 0, N(crdr));
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSE; libcheck itself reads CK_VERBOSITY */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
