/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu.h - the initial CPU state for starting a guest directly in real,
 * protected or long mode, with the boot structures (GDT, page tables)
 * that the mode needs written into guest memory.  Used by every loader
 * that starts a kernel at its entry point rather than at the reset vector.
 */
#ifndef VMM_BOOT_CPU_H
#define VMM_BOOT_CPU_H

#include <stdint.h>

#include "libvmm.h"

enum vmm_boot_mode {
	VMM_BOOT_REAL = 0,	/* 16-bit, CS:IP; entry < 1 MiB */
	VMM_BOOT_PROTECTED,	/* 32-bit flat segments, no paging */
	VMM_BOOT_LONG,		/* 64-bit, first 4 GiB identity-mapped */
};

/* Where the boot structures live, in the first 64 KiB of RAM. */
#define VMM_BOOT_GDT		0x500ULL	/* 3 descriptors */
#define VMM_BOOT_PML4		0x9000ULL
#define VMM_BOOT_PDPT		0xa000ULL
#define VMM_BOOT_PD		0xb000ULL	/* 4 pages, one per GiB */
#define VMM_BOOT_AREA_START	0x500ULL
#define VMM_BOOT_AREA_END	0xf000ULL	/* exclusive */

/* The GDT's selectors (protected and long mode). */
#define VMM_BOOT_CS		0x08
#define VMM_BOOT_DS		0x10

/* CR0, CR4 and EFER bits used here (SDM vol. 3A 2.5, APM vol. 2 3.1). */
#define VMM_CR0_PE		(1ULL << 0)
#define VMM_CR0_ET		(1ULL << 4)
#define VMM_CR0_WP		(1ULL << 16)
#define VMM_CR0_PG		(1ULL << 31)
#define VMM_CR4_PAE		(1ULL << 5)
#define VMM_EFER_LME		(1ULL << 8)
#define VMM_EFER_LMA		(1ULL << 10)

const char *vmm_boot_mode_name(enum vmm_boot_mode mode);
/* "real", "protected", "long" -> mode; -EINVAL for anything else. */
int vmm_boot_mode_parse(const char *name, enum vmm_boot_mode *mode);

/*
 * Set *regs and the mode-related parts of *sregs (segments, descriptor
 * tables, CR0/CR3/CR4, EFER; apic_base, CR2 and CR8 are left as they
 * are) to start at entry in mode, and write the GDT (protected, long) and
 * the page tables (long) into mem.  RSP is 0, RFLAGS 0x2, other GPRs 0.
 * On -EINVAL/-ERANGE/-EFAULT, *why says what is wrong in a few words.
 */
int vmm_boot_setup(struct vmm_mem *mem, enum vmm_boot_mode mode,
		   uint64_t entry, struct vmm_regs *regs,
		   struct vmm_sregs *sregs, const char **why);

#endif /* VMM_BOOT_CPU_H */
