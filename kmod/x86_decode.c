// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86_decode.c - decode the few MOV forms a guest uses to touch MMIO.
 *
 * Only what an MMIO exit needs is worked out: the instruction length (to
 * skip it), the access width, and the register or immediate operand.  The
 * effective address is never computed: the hardware already told us the
 * guest-physical address, so ModR/M, SIB and displacement bytes are only
 * counted.  Kernel-independent: tests/unit compiles this file too.
 *
 * References (Intel SDM Vol. 2A): 2.1 instruction format, 2.1.1 legacy
 * prefixes, 2.1.5 and Tables 2-1/2-2/2-3 ModR/M and SIB, 2.2.1 REX,
 * 2.3.11 the 15-byte limit, 3.1.1.1 register codes; Vol. 2B: MOV,
 * MOVSX/MOVSXD, MOVZX.
 */
#include "x86_decode.h"

#define X86_MAX_INSN_LEN	15	/* Vol. 2A 2.3.11; longer is #GP */

/* REX prefix bits, SDM Vol. 2A 2.2.1.2, Table 2-4. */
#define REX_B	0x1	/* ModR/M rm / SIB base extension: not needed here */
#define REX_X	0x2	/* SIB index extension: not needed here */
#define REX_R	0x4	/* ModR/M reg extension */
#define REX_W	0x8	/* 64-bit operand size */

/* The bytes being decoded and how far we got. */
struct dec_cursor {
	const u8 *buf;
	unsigned int pos;
	unsigned int end;	/* min(n, 15): going past it is -EINVAL */
};

static int next_byte(struct dec_cursor *c, u8 *b)
{
	if (c->pos >= c->end)
		return -EINVAL;
	*b = c->buf[c->pos++];
	return 0;
}

/* Read a little-endian field of 'size' bytes (displacement, immediate). */
static int read_le(struct dec_cursor *c, unsigned int size, u64 *val)
{
	unsigned int i;

	if (c->end - c->pos < size)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (u64)c->buf[c->pos + i] << (8 * i);
	c->pos += size;
	return 0;
}

static int skip(struct dec_cursor *c, unsigned int size)
{
	u64 unused;

	return read_le(c, size, &unused);
}

/*
 * Read the ModR/M byte into *modrm and step over the SIB byte and the
 * displacement that follow it.  mod == 3 names a register, not memory, so
 * it cannot be the instruction that caused an MMIO exit.
 */
static int decode_modrm(struct dec_cursor *c, unsigned int addr_size, u8 *modrm)
{
	u8 mod, rm, sib;
	int ret;

	ret = next_byte(c, modrm);
	if (ret)
		return ret;
	mod = *modrm >> 6;
	rm = *modrm & 7;
	if (mod == 3)
		return -EOPNOTSUPP;

	if (addr_size == 2) {
		/* Table 2-1: no SIB; mod 0 rm 6 is a bare disp16 */
		if (mod == 1)
			return skip(c, 1);
		if (mod == 2 || (mod == 0 && rm == 6))
			return skip(c, 2);
		return 0;
	}

	/*
	 * Tables 2-2 and 2-3.  rm 4 brings a SIB byte, whose base 5 with mod 0
	 * means disp32 and no base.  mod 0 rm 5 is disp32, which 64-bit mode
	 * makes RIP-relative (2.2.1.6): same length either way.  REX.B does
	 * not change these special cases (r12 needs a SIB, r13 a disp).
	 */
	if (rm == 4) {
		ret = next_byte(c, &sib);
		if (ret)
			return ret;
		if (mod == 0 && (sib & 7) == 5)
			return skip(c, 4);
	}
	if (mod == 1)
		return skip(c, 1);
	if (mod == 2 || (mod == 0 && rm == 5))
		return skip(c, 4);
	return 0;
}

/* The register named by ModR/M.reg, 'size' bytes wide. */
static void set_reg(struct vmm_insn *insn, u8 modrm, u8 rex, unsigned int size)
{
	u8 reg = ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);

	/*
	 * Byte registers 4-7 are AH, CH, DH, BH without a REX prefix and
	 * SPL, BPL, SIL, DIL with any REX, even 40 (SDM Vol. 2A 2.2.1.2
	 * and Table 3-1; Vol. 1 3.4.1.1).
	 */
	if (size == 1 && !rex && reg >= 4) {
		insn->high_byte = true;
		reg -= 4;
	}
	insn->reg = reg;
	insn->reg_size = size;
}

int vmm_decode_mmio(const u8 *buf, unsigned int n, enum vmm_cpu_mode mode,
		    struct vmm_insn *insn)
{
	struct dec_cursor c = { .buf = buf };
	bool opsize_prefix = false, addrsize_prefix = false;
	unsigned int op_size, addr_size, size;
	u8 b, modrm, rex = 0;
	u64 imm;
	int ret;

	if (mode != VMM_MODE_REAL16 && mode != VMM_MODE_PROT32 &&
	    mode != VMM_MODE_LONG64)
		return -EINVAL;
	c.end = n < X86_MAX_INSN_LEN ? n : X86_MAX_INSN_LEN;
	memset(insn, 0, sizeof(*insn));

	/*
	 * Prefixes, any number in any order (2.1.1).  F0 (LOCK) is accepted
	 * like F2/F3: a LOCK MOV raises #UD before touching memory, so one
	 * never reaches us from hardware.  Segment overrides change only the
	 * address, which we already have.  REX counts only right before the
	 * opcode (2.2.1): a legacy prefix after it cancels it.
	 */
	for (;;) {
		ret = next_byte(&c, &b);
		if (ret)
			return ret;
		if (b == 0x66) {
			opsize_prefix = true;
		} else if (b == 0x67) {
			addrsize_prefix = true;
		} else if (b == 0xf0 || b == 0xf2 || b == 0xf3 ||
			   b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
			   b == 0x64 || b == 0x65) {
			/* nothing to remember */
		} else if (mode == VMM_MODE_LONG64 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		} else {
			break;
		}
		rex = 0;
	}

	/* Default sizes and the prefixes that toggle them (2.2.1.2, 3.6 Vol. 1). */
	switch (mode) {
	case VMM_MODE_REAL16:
		op_size = opsize_prefix ? 4 : 2;
		addr_size = addrsize_prefix ? 4 : 2;
		break;
	case VMM_MODE_PROT32:
		op_size = opsize_prefix ? 2 : 4;
		addr_size = addrsize_prefix ? 2 : 4;
		break;
	default:
		op_size = (rex & REX_W) ? 8 : opsize_prefix ? 2 : 4;
		addr_size = addrsize_prefix ? 4 : 8;
		break;
	}

	switch (b) {
	case 0x88:	/* MOV r/m8, r8 */
	case 0x89:	/* MOV r/m, r */
	case 0x8a:	/* MOV r8, r/m8 */
	case 0x8b:	/* MOV r, r/m */
		/* opcode bit 1: direction (to register), bit 0: not a byte */
		size = (b & 1) ? op_size : 1;
		ret = decode_modrm(&c, addr_size, &modrm);
		if (ret)
			return ret;
		set_reg(insn, modrm, rex, size);
		insn->op = (b & 2) ? VMM_INSN_LOAD : VMM_INSN_STORE;
		insn->mem_size = size;
		break;

	case 0xc6:	/* MOV r/m8, imm8 */
	case 0xc7:	/* MOV r/m, imm16/imm32 (sign-extended under REX.W) */
		size = (b & 1) ? op_size : 1;
		ret = decode_modrm(&c, addr_size, &modrm);
		if (ret)
			return ret;
		if (modrm & 0x38)	/* only /0 is MOV (C6 F8 is XABORT) */
			return -EOPNOTSUPP;
		ret = read_le(&c, size < 4 ? size : 4, &imm);
		if (ret)
			return ret;
		if (size == 8)
			imm = (u64)(s64)(s32)(u32)imm;
		insn->op = VMM_INSN_STORE_IMM;
		insn->mem_size = size;
		insn->imm = imm;
		break;

	case 0xa0:	/* MOV AL, moffs8 */
	case 0xa1:	/* MOV rAX, moffs */
	case 0xa2:	/* MOV moffs8, AL */
	case 0xa3:	/* MOV moffs, rAX */
		/* no ModR/M: an absolute offset as wide as the address size */
		ret = skip(&c, addr_size);
		if (ret)
			return ret;
		size = (b & 1) ? op_size : 1;
		insn->op = (b & 2) ? VMM_INSN_STORE : VMM_INSN_LOAD;
		insn->reg = 0;
		insn->reg_size = size;
		insn->mem_size = size;
		break;

	case 0x63:	/* MOVSXD r64, r/m32; ARPL outside 64-bit mode */
		if (mode != VMM_MODE_LONG64 || !(rex & REX_W))
			return -EOPNOTSUPP;
		ret = decode_modrm(&c, addr_size, &modrm);
		if (ret)
			return ret;
		set_reg(insn, modrm, rex, 8);
		insn->op = VMM_INSN_LOAD_SX;
		insn->mem_size = 4;
		break;

	case 0x0f:	/* two-byte opcodes */
		ret = next_byte(&c, &b);
		if (ret)
			return ret;
		if (b != 0xb6 && b != 0xb7 && b != 0xbe && b != 0xbf)
			return -EOPNOTSUPP;
		/* 0F B6/B7 MOVZX, 0F BE/BF MOVSX; bit 0: word source */
		ret = decode_modrm(&c, addr_size, &modrm);
		if (ret)
			return ret;
		set_reg(insn, modrm, rex, op_size);
		insn->op = (b & 8) ? VMM_INSN_LOAD_SX : VMM_INSN_LOAD_ZX;
		insn->mem_size = (b & 1) ? 2 : 1;
		break;

	default:
		return -EOPNOTSUPP;
	}

	insn->len = c.pos;
	return 0;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

u64 vmm_insn_store_value(const struct vmm_insn *insn, const u64 *regs)
{
	if (insn->op == VMM_INSN_STORE_IMM)
		return insn->imm & size_mask(insn->mem_size);
	if (insn->op != VMM_INSN_STORE)
		return 0;
	if (insn->high_byte)
		return (regs[insn->reg & 3] >> 8) & 0xff;
	return regs[insn->reg] & size_mask(insn->mem_size);
}

u64 vmm_insn_load_result(const struct vmm_insn *insn, u64 old, u64 val)
{
	u64 mask = size_mask(insn->reg_size);
	u64 sign;

	if (insn->op != VMM_INSN_LOAD && insn->op != VMM_INSN_LOAD_ZX &&
	    insn->op != VMM_INSN_LOAD_SX)
		return old;

	val &= size_mask(insn->mem_size);
	if (insn->op == VMM_INSN_LOAD_SX && insn->mem_size < 8) {
		/* flip and subtract the sign bit: sign-extends to 64 bits */
		sign = 1ULL << (insn->mem_size * 8 - 1);
		val = (val ^ sign) - sign;
	}

	/* SDM Vol. 1, 3.4.1.1: only 32-bit results clear bits 63:32 */
	if (insn->high_byte)
		return (old & ~0xff00ULL) | ((val & 0xff) << 8);
	if (insn->reg_size >= 4)
		return val & mask;
	return (old & ~mask) | (val & mask);
}

/*
 * MOV CRn/DRn (0F 20, 0F 21, 0F 22, 0F 23): the operand is always a
 * register whatever ModR/M.mod says (SDM Vol. 2B, MOV to/from control
 * and debug registers: "the mod field is ignored").
 */
int vmm_decode_mov_crdr(const u8 *buf, unsigned int n, enum vmm_cpu_mode mode,
			u8 *gpr, u8 *len)
{
	struct dec_cursor c = { .buf = buf, .end = n < X86_MAX_INSN_LEN ?
				n : X86_MAX_INSN_LEN };
	u8 b, rex = 0, modrm;
	int ret;

	for (;;) {
		ret = next_byte(&c, &b);
		if (ret)
			return ret;
		if (b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 ||
		    b == 0xf3 || b == 0x26 || b == 0x2e || b == 0x36 ||
		    b == 0x3e || b == 0x64 || b == 0x65) {
			rex = 0;	/* REX counts only right before 0F */
			continue;
		}
		if (mode == VMM_MODE_LONG64 && (b & 0xf0) == 0x40) {
			rex = b;
			continue;
		}
		break;
	}
	if (b != 0x0f)
		return -EOPNOTSUPP;
	ret = next_byte(&c, &b);
	if (ret)
		return ret;
	if (b < 0x20 || b > 0x23)
		return -EOPNOTSUPP;
	ret = next_byte(&c, &modrm);
	if (ret)
		return ret;
	*gpr = (modrm & 7) | ((rex & REX_B) ? 8 : 0);
	*len = c.pos;
	return 0;
}
