// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cpu.c - the initial CPU state per boot mode (see cpu.h): register
 * values, segment descriptors, the GDT and the long-mode identity map.
 */
#include <errno.h>
#include <string.h>

#include "boot/cpu.h"

/* Segment descriptor types (SDM vol. 3A 3.4.5.1). */
#define SEG_TYPE_DATA_RW_A	0x3	/* read/write, accessed */
#define SEG_TYPE_CODE_RX_A	0xb	/* execute/read, accessed */
#define SEG_TYPE_LDT		0x2
#define SEG_TYPE_TSS_BUSY	0xb	/* 32/64-bit busy TSS */

/* Page-table entry bits (SDM vol. 3A 4.5). */
#define PTE_P			(1ULL << 0)
#define PTE_RW			(1ULL << 1)
#define PTE_PS			(1ULL << 7)

static const char *const mode_names[] = {
	[VMM_BOOT_REAL]		= "real",
	[VMM_BOOT_PROTECTED]	= "protected",
	[VMM_BOOT_LONG]		= "long",
};

const char *vmm_boot_mode_name(enum vmm_boot_mode mode)
{
	if ((unsigned int)mode >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "unknown";
	return mode_names[mode];
}

int vmm_boot_mode_parse(const char *name, enum vmm_boot_mode *mode)
{
	unsigned int i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcmp(name, mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* A segment descriptor in the GDT's format (SDM vol. 3A 3.4.5, fig. 3-8). */
static uint64_t gdt_entry(const struct vmm_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;

	return (uint64_t)(limit & 0xffff) |
	       (s->base & 0xffffffULL) << 16 |
	       (uint64_t)(s->type & 0xf) << 40 |
	       (uint64_t)(s->s & 1) << 44 |
	       (uint64_t)(s->dpl & 3) << 45 |
	       (uint64_t)(s->present & 1) << 47 |
	       (uint64_t)(limit >> 16 & 0xf) << 48 |
	       (uint64_t)(s->avl & 1) << 52 |
	       (uint64_t)(s->l & 1) << 53 |
	       (uint64_t)(s->db & 1) << 54 |
	       (uint64_t)(s->g & 1) << 55 |
	       (s->base >> 24 & 0xff) << 56;
}

/* The system segments every mode loads: a null LDT and a busy TSS. */
static void system_segments(struct vmm_sregs *sregs)
{
	sregs->tr = (struct vmm_segment){
		.limit = 0xffff, .type = SEG_TYPE_TSS_BUSY, .present = 1,
	};
	sregs->ldt = (struct vmm_segment){
		.limit = 0xffff, .type = SEG_TYPE_LDT, .present = 1,
	};
}

static void data_segments(struct vmm_sregs *sregs, const struct vmm_segment *d)
{
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = *d;
}

static int setup_real(uint64_t entry, struct vmm_regs *regs,
		      struct vmm_sregs *sregs, const char **why)
{
	struct vmm_segment data = {
		.limit = 0xffff, .type = SEG_TYPE_DATA_RW_A, .present = 1,
		.s = 1,
	};
	uint16_t sel;

	if (entry >= 0x100000) {
		*why = "the entry point must be below 1 MiB in real mode";
		return -ERANGE;
	}
	/* The largest 64 KiB-aligned segment at or below entry. */
	sel = (entry >> 4) & 0xf000;
	sregs->cs = data;
	sregs->cs.type = SEG_TYPE_CODE_RX_A;
	sregs->cs.selector = sel;
	sregs->cs.base = (uint64_t)sel << 4;
	regs->rip = entry - sregs->cs.base;
	data_segments(sregs, &data);
	system_segments(sregs);
	sregs->gdt = (struct vmm_dtable){ .base = 0, .limit = 0xffff };
	sregs->idt = (struct vmm_dtable){ .base = 0, .limit = 0x3ff };
	sregs->cr0 = VMM_CR0_ET;
	sregs->cr3 = 0;
	sregs->cr4 = 0;
	sregs->efer = 0;
	return 0;
}

/* Flat 4 GiB segments: l selects a 64-bit code segment. */
static int setup_gdt(struct vmm_mem *mem, bool l, struct vmm_sregs *sregs,
		     const char **why)
{
	struct vmm_segment code = {
		.limit = 0xffffffff, .selector = VMM_BOOT_CS,
		.type = SEG_TYPE_CODE_RX_A, .present = 1, .s = 1,
		.db = !l, .l = l, .g = 1,
	};
	struct vmm_segment data = {
		.limit = 0xffffffff, .selector = VMM_BOOT_DS,
		.type = SEG_TYPE_DATA_RW_A, .present = 1, .s = 1,
		.db = 1, .g = 1,
	};
	uint64_t gdt[3] = { 0, gdt_entry(&code), gdt_entry(&data) };

	if (vmm_mem_write(mem, VMM_BOOT_GDT, gdt, sizeof(gdt))) {
		*why = "no RAM for the GDT at 0x500";
		return -EFAULT;
	}
	sregs->cs = code;
	data_segments(sregs, &data);
	system_segments(sregs);
	sregs->gdt = (struct vmm_dtable){
		.base = VMM_BOOT_GDT, .limit = sizeof(gdt) - 1,
	};
	/* No IDT: an exception triple-faults, which the host sees. */
	sregs->idt = (struct vmm_dtable){ 0 };
	return 0;
}

/*
 * Identity-map the first 4 GiB with 2 MiB pages (SDM vol. 3A 4.5, fig.
 * 4-9): one PML4 entry, four PDPT entries, 4 x 512 PD entries.  What lies
 * beyond RAM maps nothing real: accesses there become MMIO exits.
 */
static int setup_page_tables(struct vmm_mem *mem, const char **why)
{
	uint64_t *pml4 = vmm_mem_ptr(mem, VMM_BOOT_PML4, 0x1000);
	uint64_t *pdpt = vmm_mem_ptr(mem, VMM_BOOT_PDPT, 0x1000);
	uint64_t *pd = vmm_mem_ptr(mem, VMM_BOOT_PD, 4 * 0x1000);
	unsigned int i;

	if (!pml4 || !pdpt || !pd) {
		*why = "no RAM for the page tables at 0x9000-0xefff";
		return -EFAULT;
	}
	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	pml4[0] = VMM_BOOT_PDPT | PTE_P | PTE_RW;
	for (i = 0; i < 4; i++)
		pdpt[i] = (VMM_BOOT_PD + i * 0x1000) | PTE_P | PTE_RW;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
	return 0;
}

int vmm_boot_setup(struct vmm_mem *mem, enum vmm_boot_mode mode,
		   uint64_t entry, struct vmm_regs *regs,
		   struct vmm_sregs *sregs, const char **why)
{
	const char *dummy;
	int ret;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(regs, 0, sizeof(*regs));
	regs->rflags = 0x2;	/* bit 1 is always set */

	switch (mode) {
	case VMM_BOOT_REAL:
		return setup_real(entry, regs, sregs, why);
	case VMM_BOOT_PROTECTED:
		if (entry > 0xffffffffULL) {
			*why = "the entry point must be below 4 GiB in protected mode";
			return -ERANGE;
		}
		ret = setup_gdt(mem, false, sregs, why);
		if (ret)
			return ret;
		sregs->cr0 = VMM_CR0_PE | VMM_CR0_ET;
		sregs->cr3 = 0;
		sregs->cr4 = 0;
		sregs->efer = 0;
		regs->rip = entry;
		return 0;
	case VMM_BOOT_LONG:
		if (entry > 0xffffffffULL) {
			*why = "the entry point must be in the identity-mapped first 4 GiB";
			return -ERANGE;
		}
		ret = setup_gdt(mem, true, sregs, why);
		if (!ret)
			ret = setup_page_tables(mem, why);
		if (ret)
			return ret;
		sregs->cr0 = VMM_CR0_PE | VMM_CR0_ET | VMM_CR0_WP | VMM_CR0_PG;
		sregs->cr3 = VMM_BOOT_PML4;
		sregs->cr4 = VMM_CR4_PAE;
		sregs->efer = VMM_EFER_LME | VMM_EFER_LMA;
		regs->rip = entry;
		return 0;
	}
	*why = "unknown boot mode";
	return -EINVAL;
}
