/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * flat.h - the flat binary loader: a raw image copied to a guest-physical
 * address and entered directly in real, protected or long mode.
 */
#ifndef VMM_BOOT_FLAT_H
#define VMM_BOOT_FLAT_H

#include <stddef.h>
#include <stdint.h>

#include "boot/cpu.h"

#define VMM_FLAT_LOAD_ADDR	0x100000ULL	/* protected and long mode */
#define VMM_FLAT_LOAD_ADDR_REAL	0x10000ULL

struct vmm_flat {
	enum vmm_boot_mode mode;
	uint64_t load_addr;
	uint64_t entry;
};

/* Mode's defaults: load address as above, entry = load address. */
void vmm_flat_defaults(struct vmm_flat *f, enum vmm_boot_mode mode);

/*
 * Copy image to f->load_addr and set up *regs and *sregs (see
 * vmm_boot_setup()).  Refuses, with *why saying why: an image that is not
 * entirely in RAM (-EFBIG), one that overlaps the boot structures at
 * 0x500-0xefff in protected and long mode (-EADDRINUSE), a bad entry
 * point (-ERANGE).
 */
int vmm_flat_load(struct vmm_mem *mem, const struct vmm_flat *f,
		  const void *image, size_t size, struct vmm_regs *regs,
		  struct vmm_sregs *sregs, const char **why);
/* Same from a file; open and read errors are -errno with *why NULL. */
int vmm_flat_load_file(struct vmm_mem *mem, const struct vmm_flat *f,
		       const char *path, struct vmm_regs *regs,
		       struct vmm_sregs *sregs, const char **why);

#endif /* VMM_BOOT_FLAT_H */
