// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_multiboot.c - unit tests of the multiboot loader
 * (lib/boot/multiboot.c): ELF32 kernels built in memory here, loaded
 * into guest RAM; the boot information, its placement, the CPU state,
 * and every refusal of a malformed or hostile file.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot.h"
#include "libvmm.h"

#define RAM		(64ULL << 20)
#define HDR_OFF		0x200	/* where build() puts the multiboot header */
#define DATA_OFF	0x1000	/* segment i's bytes at DATA_OFF + i * 0x1000 */

static struct vmm_mem *mem;
static struct vmm_regs regs;
static struct vmm_sregs sregs;
static uint8_t img[0x10000];
static size_t img_size;

struct seg {
	uint32_t paddr, vaddr, filesz, memsz;
};

static void setup_ram(uint64_t size)
{
	uint64_t gpa, len;
	void *hva;
	unsigned int i;

	ck_assert_int_eq(vmm_mem_create(&mem), 0);
	ck_assert_int_eq(vmm_mem_add_ram(mem, size), 0);
	/* Stale bytes, so that the BSS must really be zeroed. */
	for (i = 0; !vmm_mem_region(mem, i, &gpa, &len, &hva); i++)
		if (gpa < (256ULL << 20))
			memset(hva, 0xcc, len < (256ULL << 20) ? len : 256ULL << 20);
	memset(&regs, 0xcc, sizeof(regs));
	memset(&sregs, 0xcc, sizeof(sregs));
}

static void setup(void)
{
	setup_ram(RAM);
}

static void teardown(void)
{
	vmm_mem_destroy(mem);
}

static Elf32_Ehdr *ehdr(void)
{
	return (Elf32_Ehdr *)img;
}

static Elf32_Phdr *phdr(unsigned int i)
{
	return (Elf32_Phdr *)(img + sizeof(Elf32_Ehdr)) + i;
}

static void set_mb_flags(uint32_t flags)
{
	uint32_t h[3] = { VMM_MB_HEADER_MAGIC, flags,
			  -(VMM_MB_HEADER_MAGIC + flags) };

	memcpy(img + HDR_OFF, h, sizeof(h));
}

/* An ELF32 i386 executable of n PT_LOAD segments; segment i's bytes are i + 1. */
static void build(const struct seg *s, unsigned int n, uint32_t entry)
{
	Elf32_Ehdr *eh = ehdr();
	unsigned int i;

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = n;
	for (i = 0; i < n; i++) {
		Elf32_Phdr *ph = phdr(i);

		ph->p_type = PT_LOAD;
		ph->p_offset = DATA_OFF + i * 0x1000;
		ph->p_paddr = s[i].paddr;
		ph->p_vaddr = s[i].vaddr ? s[i].vaddr : s[i].paddr;
		ph->p_filesz = s[i].filesz;
		ph->p_memsz = s[i].memsz;
		ph->p_flags = PF_R | PF_W | PF_X;
		ph->p_align = 0x1000;
		ck_assert_uint_le(s[i].filesz, 0x1000);
		memset(img + ph->p_offset, i + 1, s[i].filesz);
	}
	set_mb_flags(VMM_MB_HF_PAGE_ALIGN | VMM_MB_HF_MEMINFO);
	img_size = DATA_OFF + n * 0x1000;
}

/* The usual kernel: text at 1 MiB, data + BSS after it. */
static const struct seg low_kernel[] = {
	{ .paddr = 0x100000, .filesz = 0x800, .memsz = 0x800 },
	{ .paddr = 0x101000, .filesz = 0x100, .memsz = 0x3000 },
};

static int load(const struct vmm_multiboot *mb, const char **why)
{
	return vmm_multiboot_load(mem, img, img_size, mb, &regs, &sregs, why);
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	ck_assert_int_eq(vmm_mem_read(mem, gpa, &v, 4), 0);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	ck_assert_int_eq(vmm_mem_read(mem, gpa, &v, 8), 0);
	return v;
}

static const char *str(uint64_t gpa)
{
	const char *p = vmm_mem_ptr(mem, gpa, 1);

	ck_assert_ptr_nonnull(p);
	return p;
}

static bool all(uint64_t gpa, uint64_t len, uint8_t v)
{
	const uint8_t *p = vmm_mem_ptr(mem, gpa, len);
	uint64_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void check_seg(const struct vmm_segment *s, uint16_t sel, uint8_t type)
{
	ck_assert_uint_eq(s->selector, sel);
	ck_assert_uint_eq(s->base, 0);
	ck_assert_uint_eq(s->limit, 0xffffffff);
	ck_assert_uint_eq(s->type, type);
	ck_assert_uint_eq(s->present, 1);
	ck_assert_uint_eq(s->s, 1);
	ck_assert_uint_eq(s->db, 1);
	ck_assert_uint_eq(s->l, 0);
	ck_assert_uint_eq(s->g, 1);
}

static void check_cpu(uint64_t entry)
{
	ck_assert_uint_eq(regs.rax, VMM_MB_BOOT_MAGIC);
	ck_assert_uint_eq(regs.rip, entry);
	ck_assert_uint_eq(regs.rflags, 0x2);
	ck_assert_uint_eq(regs.rcx | regs.rdx | regs.rsi | regs.rdi, 0);
	ck_assert_uint_eq(regs.rsp | regs.rbp, 0);
	ck_assert_uint_eq(sregs.cr0 & (VMM_CR0_PE | VMM_CR0_PG), VMM_CR0_PE);
	ck_assert_uint_eq(sregs.cr4, 0);
	ck_assert_uint_eq(sregs.efer, 0);
	check_seg(&sregs.cs, 0x08, 0xb);
	check_seg(&sregs.ds, 0x10, 0x3);
	check_seg(&sregs.es, 0x10, 0x3);
	check_seg(&sregs.fs, 0x10, 0x3);
	check_seg(&sregs.gs, 0x10, 0x3);
	check_seg(&sregs.ss, 0x10, 0x3);
}

/* Entry i of the memory map at info's mmap_addr. */
static void check_mmap_entry(uint64_t info, unsigned int i, uint64_t base,
			     uint64_t len, uint32_t type)
{
	uint64_t e = rd32(info + VMM_MB_INFO_MMAP_ADDR) + i * VMM_MB_MMAP_SIZE;

	ck_assert_uint_gt(rd32(info + VMM_MB_INFO_MMAP_LENGTH),
			  i * VMM_MB_MMAP_SIZE);
	ck_assert_uint_eq(rd32(e), 20);
	ck_assert_uint_eq(rd64(e + 4), base);
	ck_assert_uint_eq(rd64(e + 12), len);
	ck_assert_uint_eq(rd32(e + 20), type);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

START_TEST(low_kernel_with_modules)
{
	static uint8_t big[4097];
	struct vmm_mb_module mods[2] = {
		{ .data = "abc", .size = 3, .string = "mod1 x=1" },
		{ .data = big, .size = sizeof(big) },
	};
	struct vmm_multiboot mb = {
		.cmdline = "console=ttyS0 quiet", .modules = mods,
		.nr_modules = 2,
	};
	uint64_t info, m;
	const char *why = "x";
	unsigned int i;

	memset(big, 0x5a, sizeof(big));
	build(low_kernel, 2, 0x100010);
	ck_assert_int_eq(load(&mb, &why), 0);
	ck_assert_ptr_null(why);
	check_cpu(0x100010);

	/* The segments, and the BSS zeroed over the stale 0xcc. */
	ck_assert(all(0x100000, 0x800, 1));
	ck_assert(all(0x101000, 0x100, 2));
	ck_assert(all(0x101100, 0x2f00, 0));
	ck_assert(all(0x100800, 0x800, 0xcc));	/* the gap is not ours */

	/* Placed just above the kernel's end, page-aligned. */
	info = regs.rbx;
	ck_assert_uint_eq(info, 0x104000);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_FLAGS),
			  VMM_MB_INFO_MEM | VMM_MB_INFO_CMDLINE |
			  VMM_MB_INFO_MODS | VMM_MB_INFO_MMAP |
			  VMM_MB_INFO_LOADER_NAME);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MEM_LOWER), 640);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MEM_UPPER),
			  (RAM - 0x100000) >> 10);
	ck_assert_str_eq(str(rd32(info + VMM_MB_INFO_CMDLINE_OFF)),
			 "console=ttyS0 quiet");
	ck_assert_str_eq(str(rd32(info + VMM_MB_INFO_LOADER)), "vmm");

	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MODS_COUNT), 2);
	m = rd32(info + VMM_MB_INFO_MODS_ADDR);
	for (i = 0; i < 2; i++) {
		uint32_t start = rd32(m + 16 * i), end = rd32(m + 16 * i + 4);

		ck_assert_uint_eq(start & 0xfff, 0);
		ck_assert_uint_eq(end - start, mods[i].size);
		ck_assert_uint_gt(start, info);
		ck_assert_mem_eq(vmm_mem_ptr(mem, start, mods[i].size),
				 mods[i].data, mods[i].size);
		ck_assert_uint_eq(rd32(m + 16 * i + 12), 0);
	}
	ck_assert_str_eq(str(rd32(m + 8)), "mod1 x=1");
	ck_assert_str_eq(str(rd32(m + 16 + 8)), "");
	/* The modules do not overlap each other. */
	ck_assert_uint_le(rd32(m + 4), rd32(m + 16));

	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MMAP_LENGTH),
			  3 * VMM_MB_MMAP_SIZE);
	check_mmap_entry(info, 0, 0, 0xa0000, VMM_MB_MMAP_RAM);
	check_mmap_entry(info, 1, 0xa0000, 0x60000, VMM_MB_MMAP_RESERVED);
	check_mmap_entry(info, 2, 0x100000, RAM - 0x100000, VMM_MB_MMAP_RAM);
}
END_TEST

START_TEST(no_modules_no_cmdline)
{
	uint64_t info;

	build(low_kernel, 2, 0x100000);
	ck_assert_int_eq(load(NULL, NULL), 0);
	info = regs.rbx;
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MODS_COUNT), 0);
	ck_assert_str_eq(str(rd32(info + VMM_MB_INFO_CMDLINE_OFF)), "");
	ck_assert(rd32(info + VMM_MB_INFO_FLAGS) & VMM_MB_INFO_MODS);
}
END_TEST

/*
 * A kernel that runs up to the end of RAM: no room above it, so the boot
 * information goes to free low memory, clear of the kernel.
 */
START_TEST(high_kernel_info_low)
{
	const struct seg s[] = {
		{ .paddr = RAM - 0x100000, .filesz = 0x1000,
		  .memsz = 0x100000 },
	};
	struct vmm_mb_module mod = { .data = "hello", .size = 5,
				     .string = "m" };
	struct vmm_multiboot mb = { .cmdline = "hi", .modules = &mod,
				    .nr_modules = 1 };
	uint64_t info, m;

	build(s, 1, RAM - 0x100000);
	ck_assert_int_eq(load(&mb, NULL), 0);
	check_cpu(RAM - 0x100000);
	info = regs.rbx;
	ck_assert_uint_ge(info, 0x10000);
	ck_assert_uint_lt(info, 0xa0000);
	m = rd32(info + VMM_MB_INFO_MODS_ADDR);
	ck_assert_uint_lt(rd32(m + 4), 0xa0000);
	ck_assert_mem_eq(vmm_mem_ptr(mem, rd32(m), 5), "hello", 5);
	ck_assert_str_eq(str(rd32(info + VMM_MB_INFO_CMDLINE_OFF)), "hi");
	ck_assert(all(RAM - 0x100000 + 0x1000, 0xff000, 0));
}
END_TEST

/* A kernel linked low (at 64 KiB, in the usual low spot): info goes above it. */
START_TEST(kernel_in_low_memory)
{
	const struct seg s[] = {
		{ .paddr = 0x10000, .filesz = 0x1000, .memsz = 0x90000 },
	};
	uint64_t info;

	build(s, 1, 0x10000);
	ck_assert_int_eq(load(NULL, NULL), 0);
	info = regs.rbx;
	ck_assert_uint_eq(info, 0xa0000);
	ck_assert(!overlaps(info, VMM_MB_INFO_SIZE, 0x10000, 0x90000));
}
END_TEST

/* Low memory and above-the-kernel both taken: the gap between segments. */
START_TEST(info_between_segments)
{
	const struct seg s[] = {
		{ .paddr = 0x10000, .filesz = 0x100, .memsz = 0x90000 },
		{ .paddr = RAM - 0x200000, .filesz = 0x100,
		  .memsz = 0x200000 },
	};

	build(s, 2, 0x10000);
	ck_assert_int_eq(load(NULL, NULL), 0);
	ck_assert_uint_eq(regs.rbx, 0xa0000);
}
END_TEST

/* Segments linked at 3 GiB virtual, loaded at 1 MiB: entry translated. */
START_TEST(virtual_entry_translated)
{
	const struct seg s[] = {
		{ .paddr = 0x100000, .vaddr = 0xc0100000, .filesz = 0x100,
		  .memsz = 0x1000 },
	};

	build(s, 1, 0xc0100020);
	ck_assert_int_eq(load(NULL, NULL), 0);
	ck_assert_uint_eq(regs.rip, 0x100020);
}
END_TEST

/* RAM above the 3 GiB hole: two RAM entries above 1 MiB, mem_upper to 3 GiB. */
START_TEST(memory_map_high_ram)
{
	uint64_t info;

	vmm_mem_destroy(mem);
	setup_ram(5ULL << 30);
	build(low_kernel, 2, 0x100000);
	ck_assert_int_eq(load(NULL, NULL), 0);
	info = regs.rbx;
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MEM_LOWER), 640);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MEM_UPPER),
			  (0xc0000000ULL - 0x100000) >> 10);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MMAP_LENGTH),
			  4 * VMM_MB_MMAP_SIZE);
	check_mmap_entry(info, 2, 0x100000, 0xc0000000ULL - 0x100000,
			 VMM_MB_MMAP_RAM);
	check_mmap_entry(info, 3, 1ULL << 32, 2ULL << 30, VMM_MB_MMAP_RAM);
}
END_TEST

START_TEST(memory_map_small_ram)
{
	const struct seg s[] = {
		{ .paddr = 0x20000, .filesz = 0x100, .memsz = 0x1000 },
	};
	uint64_t info;

	vmm_mem_destroy(mem);
	setup_ram(512 << 10);
	build(s, 1, 0x20000);
	ck_assert_int_eq(load(NULL, NULL), 0);
	info = regs.rbx;
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MEM_LOWER), 512);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MEM_UPPER), 0);
	ck_assert_uint_eq(rd32(info + VMM_MB_INFO_MMAP_LENGTH),
			  VMM_MB_MMAP_SIZE);
	check_mmap_entry(info, 0, 0, 512 << 10, VMM_MB_MMAP_RAM);
}
END_TEST

START_TEST(header_search)
{
	size_t off;
	const char *why;

	build(low_kernel, 2, 0x100000);
	ck_assert_int_eq(vmm_multiboot_find(img, img_size, &off, &why), 0);
	ck_assert_uint_eq(off, HDR_OFF);
	/* Only 4-byte aligned offsets count. */
	memmove(img + HDR_OFF + 2, img + HDR_OFF, 12);
	memset(img + HDR_OFF, 0, 2);
	ck_assert_int_eq(vmm_multiboot_find(img, img_size, &off, &why),
			 -ENOEXEC);
	/* Only within the first 8 KiB: at 8188 it does not fit. */
	memset(img + HDR_OFF, 0, 16);
	memcpy(img + VMM_MB_SEARCH - 4, (uint32_t[]){ VMM_MB_HEADER_MAGIC }, 4);
	ck_assert_int_eq(vmm_multiboot_find(img, img_size, &off, &why),
			 -ENOEXEC);
	/* A truncated image is searched only as far as it goes. */
	build(low_kernel, 2, 0x100000);
	ck_assert_int_eq(vmm_multiboot_find(img, HDR_OFF + 11, &off, &why),
			 -ENOEXEC);
	ck_assert_int_eq(vmm_multiboot_find(img, HDR_OFF + 12, &off, &why), 0);
}
END_TEST

START_TEST(refuse_header)
{
	const char *why;

	build(low_kernel, 2, 0x100000);
	memset(img + HDR_OFF, 0, 12);
	ck_assert_int_eq(load(NULL, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(why);

	build(low_kernel, 2, 0x100000);
	img[HDR_OFF + 8] ^= 1;		/* checksum */
	ck_assert_int_eq(load(NULL, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(why, "checksum"));
	ck_assert(all(0x100000, 0x1000, 0xcc));
}
END_TEST

START_TEST(refuse_flags)
{
	const char *why;

	build(low_kernel, 2, 0x100000);
	set_mb_flags(VMM_MB_HF_VIDEO);
	ck_assert_int_eq(load(NULL, &why), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "video"));
	set_mb_flags(1U << 5);
	ck_assert_int_eq(load(NULL, &why), -EOPNOTSUPP);
	set_mb_flags(VMM_MB_HF_AOUT_KLUDGE);
	ck_assert_int_eq(load(NULL, &why), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(why, "a.out"));
	ck_assert(all(0x100000, 0x1000, 0xcc));
	/* An unknown optional bit is fine. */
	set_mb_flags(1U << 20);
	ck_assert_int_eq(load(NULL, &why), 0);
}
END_TEST

START_TEST(refuse_not_elf32)
{
	build(low_kernel, 2, 0x100000);
	img[0] = 'X';
	ck_assert_int_eq(load(NULL, NULL), -ENOEXEC);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_ident[EI_CLASS] = ELFCLASS64;
	ck_assert_int_eq(load(NULL, NULL), -ENOEXEC);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_machine = EM_X86_64;
	ck_assert_int_eq(load(NULL, NULL), -ENOEXEC);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_type = ET_DYN;
	ck_assert_int_eq(load(NULL, NULL), -ENOEXEC);
	/* Shorter than an ELF header, with a valid multiboot header. */
	build(low_kernel, 2, 0x100000);
	memmove(img, img + HDR_OFF, 12);
	ck_assert_int_eq(vmm_multiboot_load(mem, img, 12, NULL, &regs, &sregs,
					    NULL), -ENOEXEC);
}
END_TEST

START_TEST(refuse_bad_program_headers)
{
	const char *why;

	build(low_kernel, 2, 0x100000);
	ehdr()->e_phoff = img_size - 32;	/* second one past the end */
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_phoff = 0xfffffff0;		/* wraps in 32 bits */
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_phnum = 0xffff;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_phentsize = 56;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	build(low_kernel, 2, 0x100000);
	ehdr()->e_phnum = 0;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	/* Nothing to load. */
	build(low_kernel, 2, 0x100000);
	phdr(0)->p_type = PT_NOTE;
	phdr(1)->p_type = PT_NULL;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	ck_assert(all(0x100000, 0x4000, 0xcc));
}
END_TEST

START_TEST(refuse_bad_segments)
{
	const char *why;

	/* Past the end of the file. */
	build(low_kernel, 2, 0x100000);
	phdr(1)->p_offset = img_size - 0x80;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "end of the file"));
	/* Offset + size wraps in 32 bits. */
	build(low_kernel, 2, 0x100000);
	phdr(1)->p_offset = 0xffffff80;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	/* p_filesz > p_memsz. */
	build(low_kernel, 2, 0x100000);
	phdr(1)->p_filesz = 0x4000;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	/* Huge p_memsz: past 4 GiB. */
	build(low_kernel, 2, 0x100000);
	phdr(1)->p_memsz = 0xffffffff;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	/* Huge p_vaddr + p_memsz. */
	build(low_kernel, 2, 0x100000);
	phdr(1)->p_vaddr = 0xfffff000;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	/* Overlapping segments. */
	build(low_kernel, 2, 0x100000);
	phdr(1)->p_paddr = 0x100400;
	phdr(1)->p_vaddr = 0x100400;
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	/* Entry point outside the segments. */
	build(low_kernel, 2, 0x200000);
	ck_assert_int_eq(load(NULL, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "entry"));
	ck_assert(all(0x100000, 0x4000, 0xcc));
}
END_TEST

START_TEST(refuse_outside_ram)
{
	const struct seg past_end[] = {
		{ .paddr = RAM - 0x1000, .filesz = 0x100, .memsz = 0x2000 },
	};
	const struct seg in_hole[] = {
		{ .paddr = 0xfee00000, .filesz = 0x100, .memsz = 0x1000 },
	};
	const struct seg over_gdt[] = {
		{ .paddr = 0x0, .filesz = 0x100, .memsz = 0x1000 },
	};
	const char *why;

	build(past_end, 1, RAM - 0x1000);
	ck_assert_int_eq(load(NULL, &why), -EFBIG);
	ck_assert(all(RAM - 0x1000, 0x1000, 0xcc));
	build(in_hole, 1, 0xfee00000);
	ck_assert_int_eq(load(NULL, &why), -EFBIG);
	build(over_gdt, 1, 0x0);
	ck_assert_int_eq(load(NULL, &why), -EADDRINUSE);
	ck_assert(all(0, 0x1000, 0xcc));
}
END_TEST

/* The kernel takes all the room there is: no place for the boot info. */
START_TEST(refuse_no_room)
{
	const struct seg s[] = {
		{ .paddr = 0x10000, .filesz = 0x100, .memsz = 0x1f0000 },
	};
	struct vmm_mb_module mod = { .data = "x", .size = 1 };
	struct vmm_multiboot mb = { .modules = &mod, .nr_modules = 1 };
	const char *why;

	vmm_mem_destroy(mem);
	setup_ram(2 << 20);
	build(s, 1, 0x10000);
	ck_assert_int_eq(load(&mb, &why), -ENOSPC);
	ck_assert_ptr_nonnull(why);
	ck_assert(all(0x10000, 0x1000, 0xcc));
	mb.nr_modules = VMM_MB_MAX_MODULES + 1;
	ck_assert_int_eq(load(&mb, &why), -EINVAL);
}
END_TEST

/* A module that would not fit anywhere. */
START_TEST(refuse_module_too_big)
{
	static uint8_t dummy;
	struct vmm_mb_module mod = { .data = &dummy, .size = RAM };
	struct vmm_multiboot mb = { .modules = &mod, .nr_modules = 1 };

	build(low_kernel, 2, 0x100000);
	ck_assert_int_eq(load(&mb, NULL), -ENOSPC);
	mod.size = SIZE_MAX - 0x1000;
	ck_assert_int_eq(load(&mb, NULL), -ENOSPC);
}
END_TEST

/*
 * Random corruption of the ELF and program headers: whatever comes back,
 * nothing is read or written out of bounds (run under valgrind or ASan
 * to see it), and a success still enters inside RAM.
 */
START_TEST(fuzz_headers)
{
	static uint8_t good[sizeof(img)];
	unsigned int i, j;
	int ret;

	build(low_kernel, 2, 0x100000);
	memcpy(good, img, sizeof(img));
	srand(4242);
	for (i = 0; i < 3000; i++) {
		memcpy(img, good, sizeof(img));
		for (j = 0; j < 1 + (unsigned int)rand() % 4; j++) {
			unsigned int at = rand() % (sizeof(Elf32_Ehdr) +
						    2 * sizeof(Elf32_Phdr));

			img[at] = rand();
		}
		ret = load(NULL, NULL);
		if (!ret)
			ck_assert_ptr_nonnull(vmm_mem_ptr(mem, regs.rip, 1));
		else
			ck_assert(ret == -EINVAL || ret == -ENOEXEC ||
				  ret == -EFBIG || ret == -EADDRINUSE ||
				  ret == -ENOSPC);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("multiboot");
	TCase *tc = tcase_create("multiboot");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, low_kernel_with_modules);
	tcase_add_test(tc, no_modules_no_cmdline);
	tcase_add_test(tc, high_kernel_info_low);
	tcase_add_test(tc, kernel_in_low_memory);
	tcase_add_test(tc, info_between_segments);
	tcase_add_test(tc, virtual_entry_translated);
	tcase_add_test(tc, memory_map_high_ram);
	tcase_add_test(tc, memory_map_small_ram);
	tcase_add_test(tc, header_search);
	tcase_add_test(tc, refuse_header);
	tcase_add_test(tc, refuse_flags);
	tcase_add_test(tc, refuse_not_elf32);
	tcase_add_test(tc, refuse_bad_program_headers);
	tcase_add_test(tc, refuse_bad_segments);
	tcase_add_test(tc, refuse_outside_ram);
	tcase_add_test(tc, refuse_no_room);
	tcase_add_test(tc, refuse_module_too_big);
	tcase_add_test(tc, fuzz_headers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
