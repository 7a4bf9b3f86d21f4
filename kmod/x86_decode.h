/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86_decode.h - decoding the few instruction forms that touch MMIO.
 *
 * When a guest access misses every memory slot, the hardware tells us the
 * guest-physical address but not what the instruction wanted to do with
 * it.  vmm fetches the instruction bytes at RIP and decodes them here:
 * which register or immediate is stored, which register a load lands in,
 * how wide the access is and how long the instruction is (to skip it).
 *
 * Supported: MOV r/m,reg (88/89), MOV reg,r/m (8A/8B), MOV r/m,imm (C6/C7),
 * MOV moffs (A0-A3), MOVZX (0F B6/B7), MOVSX (0F BE/BF), MOVSXD (63) with
 * legacy prefixes 66/67/F2/F3/segment overrides and REX.  Anything else is
 * -EOPNOTSUPP.  Kernel-independent: compiled by tests/unit too.
 * Intel SDM Vol. 2A, chapter 2 (instruction format), and Vol. 2B "MOV".
 */
#ifndef VMM_X86_DECODE_H
#define VMM_X86_DECODE_H

#include "vmm_types.h"

/* What the decoded instruction does with memory. */
enum vmm_insn_op {
	VMM_INSN_LOAD = 1,	/* reg <- mem, width mem_size, no extension */
	VMM_INSN_LOAD_ZX,	/* reg <- zero_extend(mem) */
	VMM_INSN_LOAD_SX,	/* reg <- sign_extend(mem) */
	VMM_INSN_STORE,		/* mem <- reg */
	VMM_INSN_STORE_IMM,	/* mem <- imm */
};

/* CPU execution mode: default operand and address size. */
enum vmm_cpu_mode {
	VMM_MODE_REAL16 = 1,	/* real mode or 16-bit protected code */
	VMM_MODE_PROT32,	/* 32-bit protected / compatibility code */
	VMM_MODE_LONG64,	/* 64-bit code (CS.L = 1) */
};

struct vmm_insn {
	u8 len;			/* instruction length in bytes */
	u8 op;			/* enum vmm_insn_op */
	u8 mem_size;		/* bytes read or written: 1, 2, 4, 8 */
	u8 reg_size;		/* width of the register operand: 1, 2, 4, 8
				 * (0 for STORE_IMM: no register) */
	u8 reg;			/* GPR number, encoding order: 0 rax, 1 rcx,
				 * 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi,
				 * 8..15 r8..r15 */
	bool high_byte;		/* reg (0-3) is AH/CH/DH/BH: bits 15:8 */
	u64 imm;		/* STORE_IMM: the value, already extended */
};

/*
 * Decode the instruction in buf[0..n).  Returns 0 and fills insn, or
 * -EOPNOTSUPP for an instruction outside the supported set, or -EINVAL when
 * n is too short to hold the instruction (or it is longer than 15 bytes).
 */
int vmm_decode_mmio(const u8 *buf, unsigned int n, enum vmm_cpu_mode mode,
		    struct vmm_insn *insn);

/*
 * The value a store writes: the register's low mem_size bytes (or bits
 * 15:8 for a high-byte register), or the immediate.  regs[] in encoding
 * order as for vmm_insn.reg.
 */
u64 vmm_insn_store_value(const struct vmm_insn *insn, const u64 *regs);

/*
 * The new value of the destination register after a load of 'val'
 * (mem_size bytes, little-endian, upper bytes ignored), given its old
 * value: 32-bit destinations zero-extend to 64 bits, 8- and 16-bit ones
 * keep the untouched bits (SDM Vol. 1, 3.4.1.1).
 */
u64 vmm_insn_load_result(const struct vmm_insn *insn, u64 old, u64 val);

/*
 * MOV to/from a control or debug register (0F 20-23 /r, SDM Vol. 2B
 * "MOV--Move to/from Control Registers", "...Debug Registers"), for SVM
 * exits without decode assists: the exit code names the CR/DR, the GPR
 * is ModR/M.rm (+ REX.B in 64-bit mode).  Prefixes 66/67/F0/F2/F3,
 * segment overrides and REX are skipped.  Returns 0 and sets *gpr (0-15,
 * encoding order) and *len; -EOPNOTSUPP for another instruction; -EINVAL
 * when n is too short.
 */
int vmm_decode_mov_crdr(const u8 *buf, unsigned int n, enum vmm_cpu_mode mode,
			u8 *gpr, u8 *len);

#endif /* VMM_X86_DECODE_H */
