// SPDX-License-Identifier: GPL-2.0-only
/*
 * emulate.c - the instructions vmm carries out in software when an exit
 * goes to userspace: MMIO loads and stores (decoded with x86_decode.c)
 * and port I/O, including string I/O (ins/outs, rep or not) whose memory
 * operand is reached through the guest's page tables (gwalk.c).
 *
 * An exit to userspace that needs data back (IN, INS, an MMIO load) leaves
 * vcpu->pending; the next VMM_RUN calls vmm_complete_pending() to move the
 * data into the guest and step RIP past the instruction.  Exits that need
 * nothing back (OUT, OUTS, MMIO stores) complete before going out.
 * A hypercall that went to userspace gets its result into RAX the same way.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vmm.h"
#include "gwalk.h"
#include "lapic.h"

#define X86_MAX_INSN	15
#define PF_VECTOR	14
#define GP_VECTOR	13

int vmm_internal_error(struct vmm_vcpu *vcpu, u32 suberror, u64 data0)
{
	struct vmm_run *run = vcpu->run;

	memset(&run->internal, 0, sizeof(run->internal));
	run->exit_reason = VMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 1;
	run->internal.data[0] = data0;
	return 0;
}

static enum vmm_cpu_mode emu_cpu_mode(const struct vmm_sregs *s)
{
	if (!(s->cr0 & X86_CR0_PE))
		return VMM_MODE_REAL16;
	if ((s->efer & EFER_LMA) && s->cs.l)
		return VMM_MODE_LONG64;
	return s->cs.db ? VMM_MODE_PROT32 : VMM_MODE_REAL16;
}

static const struct vmm_segment *emu_seg(const struct vmm_sregs *s, int seg)
{
	switch (seg) {
	case VMM_SEG_ES: return &s->es;
	case VMM_SEG_CS: return &s->cs;
	case VMM_SEG_SS: return &s->ss;
	case VMM_SEG_FS: return &s->fs;
	case VMM_SEG_GS: return &s->gs;
	default:	 return &s->ds;
	}
}

/* Segment base for a linear address (APM Vol. 2 4.5.3: flat in 64-bit). */
static u64 emu_seg_base(const struct vmm_sregs *s, int seg)
{
	if (emu_cpu_mode(s) == VMM_MODE_LONG64 &&
	    seg != VMM_SEG_FS && seg != VMM_SEG_GS)
		return 0;
	return emu_seg(s, seg)->base;
}

static int emu_gwalk_read(void *opaque, u64 gpa, unsigned int size, u64 *val)
{
	struct vmm_vcpu *vcpu = opaque;

	*val = 0;
	return vmm_read_guest(vcpu->vm, gpa, val, size);
}

/*
 * Guest linear -> guest physical.  0; -EFAULT after injecting #PF;
 * -EINVAL after injecting #GP (non-canonical); other errors: give up.
 */
static int emu_translate(struct vmm_vcpu *vcpu, const struct vmm_sregs *s,
			 u64 la, u32 access, u64 *gpa)
{
	struct vmm_gwalk w = {
		.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer,
		.read = emu_gwalk_read, .opaque = vcpu,
	};
	u32 err = 0;
	int r;

	if (!(s->cr0 & X86_CR0_PG)) {
		*gpa = emu_cpu_mode(s) == VMM_MODE_LONG64 ? la : (u32)la;
		return 0;
	}
	if ((s->cr0 & X86_CR0_PE) && s->ss.dpl == 3)
		access |= VMM_PFERR_USER;
	r = vmm_gwalk_translate(&w, la, access, gpa, &err);
	if (r == -EFAULT)
		vmm_ops->inject_exception(vcpu, PF_VECTOR, true, err, la);
	else if (r == -EINVAL)
		vmm_ops->inject_exception(vcpu, GP_VECTOR, true, 0, 0);
	return r;
}

/* Copy len bytes at linear la (page crossings allowed); errors as above,
 * -ENOENT when the memory is not guest RAM. */
static int emu_access_linear(struct vmm_vcpu *vcpu, const struct vmm_sregs *s,
			     u64 la, void *buf, unsigned int len, u32 access)
{
	bool write = access & VMM_PFERR_WRITE;
	unsigned int chunk;
	u64 gpa;
	int r;

	while (len) {
		chunk = min_t(unsigned int, len, PAGE_SIZE - offset_in_page(la));
		r = emu_translate(vcpu, s, la, access, &gpa);
		if (r)
			return r;
		r = write ? vmm_write_guest(vcpu->vm, gpa, buf, chunk) :
			    vmm_read_guest(vcpu->vm, gpa, buf, chunk);
		if (r)
			return -ENOENT;
		la += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/* A failed emu_access_linear(): resume to deliver the fault, or give up. */
static int emu_access_failed(struct vmm_vcpu *vcpu, int r, u64 la)
{
	if (r == -EFAULT || r == -EINVAL)
		return 1;		/* exception injected */
	return vmm_internal_error(vcpu, VMM_INTERNAL_GUEST_MEMORY, la);
}

/* Fetch the instruction at CS:RIP: as many of 15 bytes as are readable. */
static unsigned int emu_fetch(struct vmm_vcpu *vcpu, const struct vmm_sregs *s,
			      u8 *buf)
{
	u64 la = s->cs.base + vcpu->rip;
	unsigned int first;

	if (emu_cpu_mode(s) == VMM_MODE_LONG64)
		la = vcpu->rip;
	else
		la = (u32)la;
	first = min_t(unsigned int, X86_MAX_INSN, PAGE_SIZE - offset_in_page(la));
	if (emu_access_linear(vcpu, s, la, buf, first, VMM_PFERR_FETCH))
		return 0;
	/* The instruction may end in the next page; it may also not. */
	if (first < X86_MAX_INSN &&
	    !emu_access_linear(vcpu, s, la + first, buf + first,
			       X86_MAX_INSN - first, VMM_PFERR_FETCH))
		first = X86_MAX_INSN;
	return first;
}

/* The bytes at CS:RIP, for exits that come without decode help (MOV DR
 * and MOV CR8 on SVM without decode assists).  0 when unreadable. */
unsigned int vmm_fetch_insn(struct vmm_vcpu *vcpu, u8 *buf)
{
	struct vmm_sregs s;

	vmm_ops->get_sregs(vcpu, &s);
	return emu_fetch(vcpu, &s, buf);
}

/*
 * A guest access at gpa outside every slot: decode the instruction and
 * hand it to userspace as VMM_EXIT_MMIO.  insn/insn_len are the bytes the
 * hardware already fetched (AMD decode assists), if any.  The xAPIC page
 * of an in-kernel local APIC (VMM_CAP_LAPIC) is the exception: the MOV
 * completes here (lapic.c) and the guest resumes.
 */
int vmm_emulate_mmio(struct vmm_vcpu *vcpu, u64 gpa, bool write,
		     const u8 *insn_bytes, unsigned int insn_len)
{
	struct vmm_run *run = vcpu->run;
	struct vmm_sregs s;
	struct vmm_insn insn;
	u8 buf[X86_MAX_INSN];
	unsigned int n;
	u64 val;
	int r;

	vmm_ops->get_sregs(vcpu, &s);
	if (insn_len) {
		n = min_t(unsigned int, insn_len, X86_MAX_INSN);
		memcpy(buf, insn_bytes, n);
	} else {
		n = emu_fetch(vcpu, &s, buf);
	}
	r = vmm_decode_mmio(buf, n, emu_cpu_mode(&s), &insn);
	if (r) {
		pr_debug_ratelimited("cannot decode MMIO insn at %llx: %*ph\n",
				     vcpu->rip, n, buf);
		return vmm_internal_error(vcpu, VMM_INTERNAL_EMULATION,
					  vcpu->rip);
	}

	if (vcpu->apic && vmm_lapic_mmio_match(vcpu, gpa)) {
		bool store = insn.op == VMM_INSN_STORE ||
			     insn.op == VMM_INSN_STORE_IMM;

		val = store ? vmm_insn_store_value(&insn, vcpu->regs) : 0;
		vmm_lapic_mmio(vcpu, gpa, store, insn.mem_size, &val);
		if (!store)
			vcpu->regs[insn.reg] = vmm_insn_load_result(&insn,
					vcpu->regs[insn.reg], val);
		vcpu->rip += insn.len;
		return 1;
	}

	memset(&run->mmio, 0, sizeof(run->mmio));
	run->exit_reason = VMM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = insn.mem_size;
	if (insn.op == VMM_INSN_STORE || insn.op == VMM_INSN_STORE_IMM) {
		run->mmio.is_write = 1;
		val = vmm_insn_store_value(&insn, vcpu->regs);
		memcpy(run->mmio.data, &val, sizeof(val));	/* little-endian */
		vcpu->rip += insn.len;	/* nothing comes back: done */
	} else {
		vcpu->pending.kind = VMM_PENDING_MMIO_READ;
		vcpu->pending.insn = insn;
		vcpu->pending.next_rip = vcpu->rip + insn.len;
	}
	return 0;
}

static u64 emu_addr_mask(u8 addr_size)
{
	return addr_size == 2 ? 0xffff : addr_size == 4 ? 0xffffffff : ~0ULL;
}

/* Write an address-size register (SI/ESI/RSI...): 16-bit keeps the upper
 * bits, 32-bit zero-extends (APM Vol. 1 3.1.2.3). */
static void emu_set_masked(u64 *reg, u64 val, u64 mask)
{
	if (mask == 0xffff)
		*reg = (*reg & ~0xffffULL) | (val & 0xffff);
	else
		*reg = val & mask;
}

/* After 'n' string elements: move rSI or rDI, count down rCX, and step
 * past the instruction once the count is done (else it runs again). */
static void emu_string_advance(struct vmm_vcpu *vcpu, const struct vmm_pio *p,
			       u32 n)
{
	u64 mask = emu_addr_mask(p->addr_size);
	int idx = p->in ? VMM_RDI : VMM_RSI;
	s64 delta = (s64)n * p->size;

	if (vcpu->rflags & VMM_RFLAGS_DF)
		delta = -delta;
	emu_set_masked(&vcpu->regs[idx], vcpu->regs[idx] + delta, mask);
	if (p->rep) {
		emu_set_masked(&vcpu->regs[VMM_RCX], vcpu->regs[VMM_RCX] - n,
			       mask);
		if (vcpu->regs[VMM_RCX] & mask)
			return;
	}
	vcpu->rip = p->next_rip;
}

static u64 emu_string_la(const struct vmm_sregs *s, const struct vmm_pio *p)
{
	u64 mask = emu_addr_mask(p->addr_size);

	if (p->in)	/* INS writes ES:rDI, no override (APM Vol. 3 "INS") */
		return emu_seg_base(s, VMM_SEG_ES) + (p->regs_rdi & mask);
	return emu_seg_base(s, p->seg) + (p->regs_rsi & mask);
}

/*
 * A port I/O exit (APM Vol. 2 15.10.2): the data goes through the second
 * page of the run area.  String I/O moves up to a page of elements per
 * exit, never crossing a guest page except for a single element.
 */
int vmm_emulate_pio(struct vmm_vcpu *vcpu, const struct vmm_pio *pio)
{
	struct vmm_run *run = vcpu->run;
	struct vmm_pio p = *pio;
	struct vmm_sregs s;
	u64 count, la, gpa;
	u32 n;
	int r;

	/* An exit while delivering an event is not this instruction's. */
	if (vmm_events_delivering(vcpu))
		return vmm_events_delivery_error(vcpu, p.port);

	memset(&run->io, 0, sizeof(run->io));
	run->exit_reason = VMM_EXIT_IO;
	run->io.direction = p.in ? VMM_EXIT_IO_IN : VMM_EXIT_IO_OUT;
	run->io.size = p.size;
	run->io.port = p.port;
	run->io.count = 1;
	run->io.data_offset = PAGE_SIZE;

	if (!p.string) {
		if (p.in) {
			vcpu->pending.kind = VMM_PENDING_PIO_IN;
			vcpu->pending.pio = p;
		} else {
			memcpy(vcpu->io_data, &vcpu->regs[VMM_RAX], p.size);
			vcpu->rip = p.next_rip;
		}
		return 0;
	}

	count = p.rep ? vcpu->regs[VMM_RCX] & emu_addr_mask(p.addr_size) : 1;
	if (!count) {			/* rep with rCX = 0: no iteration */
		vcpu->rip = p.next_rip;
		return 1;
	}
	vmm_ops->get_sregs(vcpu, &s);
	p.regs_rsi = vcpu->regs[VMM_RSI];
	p.regs_rdi = vcpu->regs[VMM_RDI];
	la = emu_string_la(&s, &p);

	n = min_t(u64, count, PAGE_SIZE / p.size);
	if (vcpu->rflags & VMM_RFLAGS_DF)
		n = 1;
	else
		n = min_t(u32, n, max_t(u32, 1, (PAGE_SIZE -
				offset_in_page(la)) / p.size));
	run->io.count = n;

	if (p.in) {
		/* Check now that the destination is writable: a #PF must
		 * come before the port is read (no side effect twice). */
		r = emu_translate(vcpu, &s, la, VMM_PFERR_WRITE, &gpa);
		if (r)
			return emu_access_failed(vcpu, r, la);
		vcpu->pending.kind = VMM_PENDING_PIO_INS;
		vcpu->pending.pio = p;
		vcpu->pending.count = n;
		return 0;
	}

	r = emu_access_linear(vcpu, &s, la, vcpu->io_data, n * p.size, 0);
	if (r)
		return emu_access_failed(vcpu, r, la);
	emu_string_advance(vcpu, &p, n);
	return 0;
}

/* On VMM_RUN: finish the instruction of the last exit.  1: go on. */
int vmm_complete_pending(struct vmm_vcpu *vcpu)
{
	struct vmm_pio *p = &vcpu->pending.pio;
	struct vmm_insn *insn = &vcpu->pending.insn;
	enum vmm_pending_kind kind = vcpu->pending.kind;
	struct vmm_sregs s;
	u64 val = 0, la;
	int r;

	vcpu->pending.kind = VMM_PENDING_NONE;
	switch (kind) {
	case VMM_PENDING_NONE:
		break;
	case VMM_PENDING_PIO_IN:
		memcpy(&val, vcpu->io_data, p->size);
		if (p->size == 4)	/* 32-bit results zero-extend */
			vcpu->regs[VMM_RAX] = val;
		else if (p->size == 2)
			vcpu->regs[VMM_RAX] = (vcpu->regs[VMM_RAX] & ~0xffffULL) | val;
		else
			vcpu->regs[VMM_RAX] = (vcpu->regs[VMM_RAX] & ~0xffULL) | val;
		vcpu->rip = p->next_rip;
		break;
	case VMM_PENDING_PIO_INS:
		vmm_ops->get_sregs(vcpu, &s);
		la = emu_string_la(&s, p);
		r = emu_access_linear(vcpu, &s, la, vcpu->io_data,
				      vcpu->pending.count * p->size,
				      VMM_PFERR_WRITE);
		if (r)
			return emu_access_failed(vcpu, r, la);
		emu_string_advance(vcpu, p, vcpu->pending.count);
		break;
	case VMM_PENDING_MMIO_READ:
		memcpy(&val, vcpu->run->mmio.data, sizeof(val));
		vcpu->regs[insn->reg] =
			vmm_insn_load_result(insn, vcpu->regs[insn->reg], val);
		vcpu->rip = vcpu->pending.next_rip;
		break;
	case VMM_PENDING_HYPERCALL:
		/* RIP is past VMCALL/VMMCALL already (hypercall.c). */
		val = vcpu->run->hypercall.ret;
		vcpu->regs[VMM_RAX] = vcpu->pending.hc_longmode ? val : (u32)val;
		break;
	}
	return 1;
}
