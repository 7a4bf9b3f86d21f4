/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * multiboot.h - the Multiboot (version 1, specification 0.6.96) loader:
 * an ELF32 kernel with a multiboot header is loaded by its program
 * headers and entered in 32-bit protected mode with EAX = 0x2BADB002 and
 * EBX = the guest-physical address of the boot information (memory
 * sizes, command line, modules, memory map).
 *
 * Everything in the file is checked against the file's size and guest
 * RAM before use: a malformed file is refused, never followed.
 */
#ifndef VMM_BOOT_MULTIBOOT_H
#define VMM_BOOT_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "boot/cpu.h"

/* The header (spec 3.1.1): in the first 8 KiB, 4-byte aligned. */
#define VMM_MB_HEADER_MAGIC	0x1BADB002U
#define VMM_MB_SEARCH		8192
/* Header flags: 0-15 required (refused when not honoured), 16-31 optional. */
#define VMM_MB_HF_PAGE_ALIGN	(1U << 0)	/* modules page-aligned */
#define VMM_MB_HF_MEMINFO	(1U << 1)	/* mem_* and the memory map */
#define VMM_MB_HF_VIDEO		(1U << 2)	/* a video mode: not supported */
#define VMM_MB_HF_AOUT_KLUDGE	(1U << 16)	/* load addresses in the header */

/* In EAX at the entry point (spec 3.2). */
#define VMM_MB_BOOT_MAGIC	0x2BADB002U

/* The boot information (spec 3.3): flags, and the offsets we fill. */
#define VMM_MB_INFO_MEM		(1U << 0)
#define VMM_MB_INFO_CMDLINE	(1U << 2)
#define VMM_MB_INFO_MODS	(1U << 3)
#define VMM_MB_INFO_MMAP	(1U << 6)
#define VMM_MB_INFO_LOADER_NAME	(1U << 9)

#define VMM_MB_INFO_FLAGS	0
#define VMM_MB_INFO_MEM_LOWER	4
#define VMM_MB_INFO_MEM_UPPER	8
#define VMM_MB_INFO_CMDLINE_OFF	16
#define VMM_MB_INFO_MODS_COUNT	20
#define VMM_MB_INFO_MODS_ADDR	24
#define VMM_MB_INFO_MMAP_LENGTH	44
#define VMM_MB_INFO_MMAP_ADDR	48
#define VMM_MB_INFO_LOADER	64
#define VMM_MB_INFO_SIZE	88

/* A module list entry: mod_start, mod_end (exclusive), string, reserved. */
#define VMM_MB_MOD_SIZE		16
/* A memory map entry: size (20, not counting itself), base, length, type. */
#define VMM_MB_MMAP_SIZE	24
#define VMM_MB_MMAP_RAM		1
#define VMM_MB_MMAP_RESERVED	2

#define VMM_MB_MAX_MODULES	64

struct vmm_mb_module {
	const void *data;
	size_t size;
	const char *string;	/* its command line; NULL: "" */
};

struct vmm_multiboot {
	const char *cmdline;	/* NULL: "" */
	const struct vmm_mb_module *modules;
	unsigned int nr_modules;
};

/*
 * Find a valid multiboot header in image: 0 with *off set, -ENOEXEC when
 * there is none (*why says whether a magic with a bad checksum was seen).
 */
int vmm_multiboot_find(const void *image, size_t size, size_t *off,
		       const char **why);

/*
 * Load the ELF32 multiboot kernel image into mem with mb's command line
 * and modules, and set *regs and *sregs for its entry point.  Refuses,
 * with *why saying why:
 *   -ENOEXEC     no multiboot header, or not an ELF32 i386 executable
 *   -EOPNOTSUPP  a required header flag we do not honour (video mode,
 *                bits 3-15) or the a.out kludge (flag 16)
 *   -EINVAL      a malformed ELF: headers or segments past the end of the
 *                file, p_filesz > p_memsz, segments above 4 GiB or
 *                overlapping each other, an entry point outside them,
 *                too many modules
 *   -EFBIG       a segment outside guest RAM
 *   -EADDRINUSE  a segment over the GDT at 0x500
 *   -ENOSPC      no room for the boot information and modules
 * Nothing is written to mem before every check has passed.
 */
int vmm_multiboot_load(struct vmm_mem *mem, const void *image, size_t size,
		       const struct vmm_multiboot *mb, struct vmm_regs *regs,
		       struct vmm_sregs *sregs, const char **why);

#endif /* VMM_BOOT_MULTIBOOT_H */
