// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * multiboot.c - the Multiboot v1 loader (see multiboot.h): header search,
 * ELF32 program-header loading, and the boot information with its
 * command line, modules and memory map placed where nothing else is.
 *
 * Every offset and size from the file is a 32-bit value; sums of two are
 * done in 64 bits, so they cannot wrap, and checked against the file
 * size or 4 GiB before anything is read or written.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "boot/multiboot.h"

#define PAGE_SIZE	0x1000ULL
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define FOUR_GIB	0x100000000ULL
#define MAX_SEGMENTS	32
#define MAX_MMAP	(3 * VMM_MEM_MAX_REGIONS)

/* The legacy PC hole (VGA, option ROMs, BIOS) the memory map reserves. */
#define LOW_RAM_END	0xa0000ULL
#define HIGH_RAM_START	0x100000ULL
/* Free low memory for the boot information: above cpu.c's boot area. */
#define LOW_FREE_START	0x10000ULL

/* The GDT that vmm_boot_setup() writes for protected mode. */
#define GDT_START	VMM_BOOT_GDT
#define GDT_END		(VMM_BOOT_GDT + 3 * 8)

static const char loader_name[] = "vmm";

struct segment {
	uint64_t paddr, memsz;	/* guest-physical, memsz > 0 */
	uint64_t vaddr;
	uint64_t offset, filesz;	/* in the file, filesz <= memsz */
};

struct kernel {
	struct segment seg[MAX_SEGMENTS];
	unsigned int nr_seg;
	uint64_t entry;		/* physical */
	uint64_t end;		/* highest segment end */
};

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

int vmm_multiboot_find(const void *image, size_t size, size_t *off,
		       const char **why)
{
	const uint8_t *p = image;
	size_t limit = size < VMM_MB_SEARCH ? size : VMM_MB_SEARCH;
	const char *dummy;
	size_t i;

	if (!why)
		why = &dummy;
	*why = "no multiboot header in the first 8 KiB";
	/* magic, flags and checksum must all lie in the first 8 KiB. */
	for (i = 0; i + 12 <= limit; i += 4) {
		uint32_t magic = get32(p + i), flags = get32(p + i + 4);

		if (magic != VMM_MB_HEADER_MAGIC)
			continue;
		if ((uint32_t)(magic + flags + get32(p + i + 8))) {
			*why = "multiboot header with a bad checksum";
			continue;
		}
		*off = i;
		*why = NULL;
		return 0;
	}
	return -ENOEXEC;
}

static int check_flags(uint32_t flags, const char **why)
{
	const uint32_t honoured = VMM_MB_HF_PAGE_ALIGN | VMM_MB_HF_MEMINFO;

	if (flags & VMM_MB_HF_VIDEO) {
		*why = "the kernel asks for a video mode (multiboot flag 2), "
		       "which is not supported";
		return -EOPNOTSUPP;
	}
	if (flags & 0xffff & ~honoured) {
		*why = "the kernel requires multiboot features (flags 3-15) "
		       "this loader does not know";
		return -EOPNOTSUPP;
	}
	if (flags & VMM_MB_HF_AOUT_KLUDGE) {
		*why = "a.out kludge kernels (multiboot flag 16) are not "
		       "supported; link the kernel as ELF32";
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The ELF header (System V ABI, i386 supplement): an i386 executable. */
static int check_ehdr(const Elf32_Ehdr *eh, size_t size, const char **why)
{
	uint64_t ph_end;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
		*why = "not an ELF file (only ELF32 multiboot kernels load)";
		return -ENOEXEC;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_386 ||
	    eh->e_type != ET_EXEC) {
		*why = "not an ELF32 i386 executable";
		return -ENOEXEC;
	}
	if (eh->e_phentsize != sizeof(Elf32_Phdr) || !eh->e_phnum) {
		*why = "ELF program headers missing or of a bad size";
		return -EINVAL;
	}
	ph_end = (uint64_t)eh->e_phoff +
		 (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr);
	if (ph_end > size) {
		*why = "ELF program headers past the end of the file";
		return -EINVAL;
	}
	return 0;
}

/* One PT_LOAD program header, checked against the file and 4 GiB. */
static int add_segment(struct kernel *k, const Elf32_Phdr *ph, size_t size,
		       const char **why)
{
	struct segment *s;
	unsigned int i;

	if (ph->p_filesz > ph->p_memsz) {
		*why = "ELF segment with p_filesz > p_memsz";
		return -EINVAL;
	}
	if ((uint64_t)ph->p_offset + ph->p_filesz > size) {
		*why = "ELF segment past the end of the file";
		return -EINVAL;
	}
	if ((uint64_t)ph->p_paddr + ph->p_memsz > FOUR_GIB ||
	    (uint64_t)ph->p_vaddr + ph->p_memsz > FOUR_GIB) {
		*why = "ELF segment beyond 4 GiB";
		return -EINVAL;
	}
	if (!ph->p_memsz)
		return 0;
	if (k->nr_seg == MAX_SEGMENTS) {
		*why = "too many ELF segments";
		return -EINVAL;
	}
	for (i = 0; i < k->nr_seg; i++) {
		if (overlaps(ph->p_paddr, ph->p_memsz, k->seg[i].paddr,
			     k->seg[i].memsz)) {
			*why = "ELF segments overlap each other";
			return -EINVAL;
		}
	}
	s = &k->seg[k->nr_seg++];
	s->paddr = ph->p_paddr;
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	if (s->paddr + s->memsz > k->end)
		k->end = s->paddr + s->memsz;
	return 0;
}

/*
 * The entry point is a virtual address; kernels whose segments are linked
 * at a virtual address other than their load address get it translated
 * through the segment holding it, as GRUB does.
 */
static int find_entry(struct kernel *k, uint32_t e_entry, const char **why)
{
	unsigned int i;

	for (i = 0; i < k->nr_seg; i++) {
		const struct segment *s = &k->seg[i];

		if (e_entry >= s->vaddr && e_entry < s->vaddr + s->memsz) {
			k->entry = e_entry - s->vaddr + s->paddr;
			return 0;
		}
	}
	*why = "the ELF entry point is outside every loaded segment";
	return -EINVAL;
}

static int parse_kernel(struct vmm_mem *mem, const uint8_t *image,
			size_t size, struct kernel *k, const char **why)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)image;
	unsigned int i;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = check_ehdr(eh, size, why);
	if (ret)
		return ret;
	for (i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr ph;

		/* memcpy: e_phoff need not be aligned. */
		memcpy(&ph, image + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		ret = add_segment(k, &ph, size, why);
		if (ret)
			return ret;
	}
	if (!k->nr_seg) {
		*why = "the ELF file has nothing to load";
		return -EINVAL;
	}
	for (i = 0; i < k->nr_seg; i++) {
		const struct segment *s = &k->seg[i];

		if (!vmm_mem_ptr(mem, s->paddr, s->memsz)) {
			*why = "an ELF segment is outside guest RAM";
			return -EFBIG;
		}
		if (overlaps(s->paddr, s->memsz, GDT_START,
			     GDT_END - GDT_START)) {
			*why = "an ELF segment overlaps the GDT at 0x500-0x517";
			return -EADDRINUSE;
		}
	}
	return find_entry(k, eh->e_entry, why);
}

/* ---- the boot information ---- */

/*
 * What goes after the kernel, in this order: the info structure, the
 * memory map, the module list, the command line, the module strings,
 * the boot loader's name; then each module on its own pages.
 */
struct layout {
	uint64_t base, info, mmap, mods, cmdline, strings, name;
	uint64_t mod_addr[VMM_MB_MAX_MODULES];
	uint64_t end;
	uint8_t mmap_buf[MAX_MMAP * VMM_MB_MMAP_SIZE];
	unsigned int nr_mmap;
	uint32_t mem_lower, mem_upper;	/* KiB */
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, v >> 32);
}

static void mmap_add(struct layout *l, uint64_t start, uint64_t end,
		     uint32_t type)
{
	uint8_t *e;

	if (end <= start || l->nr_mmap == MAX_MMAP)
		return;
	e = l->mmap_buf + l->nr_mmap++ * VMM_MB_MMAP_SIZE;
	put32(e, VMM_MB_MMAP_SIZE - 4);
	put64(e + 4, start);
	put64(e + 12, end - start);
	put32(e + 20, type);
}

/*
 * The memory map (spec 3.3, mmap_*): every RAM region, with the legacy
 * hole at 640 KiB - 1 MiB reported as reserved, since a PC kernel
 * expects video memory and ROMs there.  mem_lower is the RAM from 0 up
 * to 640 KiB, mem_upper the RAM from 1 MiB up to the first gap.
 */
static void memory_map(const struct vmm_mem *mem, struct layout *l)
{
	uint64_t gpa, size, end, upper_end = HIGH_RAM_START;
	unsigned int i;
	bool more;

	for (i = 0; !vmm_mem_region(mem, i, &gpa, &size, NULL); i++) {
		end = gpa + size;
		mmap_add(l, gpa, end < LOW_RAM_END ? end : LOW_RAM_END,
			 VMM_MB_MMAP_RAM);
		mmap_add(l, gpa > LOW_RAM_END ? gpa : LOW_RAM_END,
			 end < HIGH_RAM_START ? end : HIGH_RAM_START,
			 VMM_MB_MMAP_RESERVED);
		mmap_add(l, gpa > HIGH_RAM_START ? gpa : HIGH_RAM_START, end,
			 VMM_MB_MMAP_RAM);
		if (gpa == 0)
			l->mem_lower = (end < LOW_RAM_END ? end :
					LOW_RAM_END) >> 10;
	}
	/* Regions are disjoint but not sorted: extend 1 MiB up while contiguous. */
	do {
		more = false;
		for (i = 0; !vmm_mem_region(mem, i, &gpa, &size, NULL); i++) {
			if (gpa <= upper_end && gpa + size > upper_end &&
			    upper_end < FOUR_GIB) {
				upper_end = gpa + size;
				more = true;
			}
		}
	} while (more);
	if (upper_end > FOUR_GIB)
		upper_end = FOUR_GIB;
	l->mem_upper = (upper_end - HIGH_RAM_START) >> 10;
}

static size_t str_size(const char *s)
{
	return (s ? strlen(s) : 0) + 1;
}

/* Lay everything out from base: returns false if it would pass 4 GiB. */
static bool lay_out(struct layout *l, uint64_t base,
		    const struct vmm_multiboot *mb)
{
	uint64_t at;
	unsigned int i;

	l->base = l->info = base;
	l->mmap = l->info + VMM_MB_INFO_SIZE;
	l->mods = l->mmap + (uint64_t)l->nr_mmap * VMM_MB_MMAP_SIZE;
	l->cmdline = l->mods + (uint64_t)mb->nr_modules * VMM_MB_MOD_SIZE;
	l->strings = l->cmdline + str_size(mb->cmdline);
	at = l->strings;
	for (i = 0; i < mb->nr_modules; i++)
		at += str_size(mb->modules[i].string);
	l->name = at;
	at = PAGE_ALIGN(at + sizeof(loader_name));
	for (i = 0; i < mb->nr_modules; i++) {
		l->mod_addr[i] = at;
		/* Both below 4 GiB here, so the sum cannot wrap. */
		if (mb->modules[i].size > FOUR_GIB)
			return false;
		at = PAGE_ALIGN(at + (uint64_t)mb->modules[i].size);
		if (at > FOUR_GIB)
			return false;
	}
	l->end = at;
	return l->end <= FOUR_GIB;
}

/* [start, end) is RAM, clear of every segment and of the boot area. */
static bool is_free(struct vmm_mem *mem, const struct kernel *k,
		    uint64_t start, uint64_t end)
{
	unsigned int i;

	if (end > FOUR_GIB || !vmm_mem_ptr(mem, start, end - start))
		return false;
	if (overlaps(start, end - start, 0, LOW_FREE_START))
		return false;
	for (i = 0; i < k->nr_seg; i++)
		if (overlaps(start, end - start, k->seg[i].paddr,
			     k->seg[i].memsz))
			return false;
	return true;
}

/*
 * Where the boot information goes: just above the kernel (page-aligned),
 * else in free low memory below 640 KiB, else above any other segment.
 */
static int place(struct vmm_mem *mem, const struct kernel *k,
		 const struct vmm_multiboot *mb, struct layout *l,
		 const char **why)
{
	uint64_t cand[2 + MAX_SEGMENTS];
	unsigned int i, n = 0;

	cand[n++] = PAGE_ALIGN(k->end);
	cand[n++] = LOW_FREE_START;
	for (i = 0; i < k->nr_seg; i++)
		cand[n++] = PAGE_ALIGN(k->seg[i].paddr + k->seg[i].memsz);
	for (i = 0; i < n; i++) {
		if (!lay_out(l, cand[i], mb))
			continue;
		if (cand[i] == LOW_FREE_START && l->end > LOW_RAM_END)
			continue;
		if (is_free(mem, k, l->base, l->end))
			return 0;
	}
	*why = "no room in guest RAM for the boot information and modules";
	return -ENOSPC;
}

static void write_info(struct vmm_mem *mem, const struct vmm_multiboot *mb,
		       const struct layout *l)
{
	uint8_t info[VMM_MB_INFO_SIZE] = { 0 };
	uint64_t str = l->strings;
	unsigned int i;

	put32(info + VMM_MB_INFO_FLAGS, VMM_MB_INFO_MEM | VMM_MB_INFO_CMDLINE |
	      VMM_MB_INFO_MODS | VMM_MB_INFO_MMAP | VMM_MB_INFO_LOADER_NAME);
	put32(info + VMM_MB_INFO_MEM_LOWER, l->mem_lower);
	put32(info + VMM_MB_INFO_MEM_UPPER, l->mem_upper);
	put32(info + VMM_MB_INFO_CMDLINE_OFF, l->cmdline);
	put32(info + VMM_MB_INFO_MODS_COUNT, mb->nr_modules);
	put32(info + VMM_MB_INFO_MODS_ADDR, l->mods);
	put32(info + VMM_MB_INFO_MMAP_LENGTH, l->nr_mmap * VMM_MB_MMAP_SIZE);
	put32(info + VMM_MB_INFO_MMAP_ADDR, l->mmap);
	put32(info + VMM_MB_INFO_LOADER, l->name);

	/* All of [base, end) was checked to be RAM: these cannot fail. */
	vmm_mem_write(mem, l->info, info, sizeof(info));
	vmm_mem_write(mem, l->mmap, l->mmap_buf,
		      l->nr_mmap * VMM_MB_MMAP_SIZE);
	vmm_mem_write(mem, l->cmdline, mb->cmdline ? mb->cmdline : "",
		      str_size(mb->cmdline));
	for (i = 0; i < mb->nr_modules; i++) {
		const struct vmm_mb_module *m = &mb->modules[i];
		uint8_t ent[VMM_MB_MOD_SIZE] = { 0 };

		put32(ent, l->mod_addr[i]);
		put32(ent + 4, l->mod_addr[i] + m->size);
		put32(ent + 8, str);
		vmm_mem_write(mem, l->mods + i * VMM_MB_MOD_SIZE, ent,
			      sizeof(ent));
		vmm_mem_write(mem, str, m->string ? m->string : "",
			      str_size(m->string));
		str += str_size(m->string);
		vmm_mem_write(mem, l->mod_addr[i], m->data, m->size);
	}
	vmm_mem_write(mem, l->name, loader_name, sizeof(loader_name));
}

static void copy_segments(struct vmm_mem *mem, const uint8_t *image,
			  const struct kernel *k)
{
	unsigned int i;

	for (i = 0; i < k->nr_seg; i++) {
		const struct segment *s = &k->seg[i];
		uint8_t *dst = vmm_mem_ptr(mem, s->paddr, s->memsz);

		/* The BSS part: RAM may hold an earlier guest's bytes. */
		memcpy(dst, image + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
}

int vmm_multiboot_load(struct vmm_mem *mem, const void *image, size_t size,
		       const struct vmm_multiboot *mb, struct vmm_regs *regs,
		       struct vmm_sregs *sregs, const char **why)
{
	static const struct vmm_multiboot none;
	const uint8_t *p = image;
	struct layout l = { 0 };
	const char *dummy;
	struct kernel k;
	size_t off;
	int ret;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!mb)
		mb = &none;
	if (mb->nr_modules > VMM_MB_MAX_MODULES ||
	    (mb->nr_modules && !mb->modules)) {
		*why = "too many modules";
		return -EINVAL;
	}
	ret = vmm_multiboot_find(image, size, &off, why);
	if (ret)
		return ret;
	ret = check_flags(get32(p + off + 4), why);
	if (ret)
		return ret;
	ret = parse_kernel(mem, p, size, &k, why);
	if (ret)
		return ret;
	memory_map(mem, &l);
	ret = place(mem, &k, mb, &l, why);
	if (ret)
		return ret;

	copy_segments(mem, p, &k);
	write_info(mem, mb, &l);
	/* Spec 3.2: flat segments, CR0.PE, paging off, EFLAGS bit 1 only. */
	ret = vmm_boot_setup(mem, VMM_BOOT_PROTECTED, k.entry, regs, sregs,
			     why);
	if (ret)
		return ret;
	regs->rax = VMM_MB_BOOT_MAGIC;
	regs->rbx = l.info;
	return 0;
}
