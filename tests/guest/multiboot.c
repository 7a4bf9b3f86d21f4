// SPDX-License-Identifier: GPL-2.0-only
/*
 * multiboot.c - the multiboot test kernel (vmctl run --kernel): an ELF32
 * file linked at 1 MiB with a multiboot header (lib/startmb.S).  Checks
 * what the loader promised (Multiboot 0.6.96, 3.2 and 3.3): the magic in
 * EAX, the boot information's flags, memory sizes, command line, module
 * and memory map, that it lies clear of the kernel; and the fw_cfg
 * device at 0x510/0x511.
 *
 * The lab runs it with these arguments (tests/lab/tests.cfg), which the
 * EXPECT_* values below must match:
 *   --memory 96M --append vmm.multiboot=test,x=1
 *   --module multiboot-module.txt,mbmod:hello
 */
#include "libtest.h"

#define EXPECT_RAM		(96UL << 20)
#define EXPECT_CMDLINE		"vmm.multiboot=test,x=1"
#define EXPECT_MOD_STRING	"mbmod:hello"
#define EXPECT_MOD_DATA		"vmm multiboot test module: 0123456789\n"

#define MB_BOOT_MAGIC		0x2BADB002U
#define MB_INFO_MEM		(1U << 0)
#define MB_INFO_CMDLINE		(1U << 2)
#define MB_INFO_MODS		(1U << 3)
#define MB_INFO_MMAP		(1U << 6)

#define FW_CFG_SEL		0x510
#define FW_CFG_DATA		0x511

/* The boot information, as far as we read it (spec 3.3). */
struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
	u32 mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb_mmap {
	u32 size;
	u64 base, length;
	u32 type;
} __attribute__((packed));

/* Set by startmb.S from EAX and EBX. */
extern u32 mb_magic, mb_info;
extern char __image_start[], __image_end[];

/* Zero-initialised, so in the BSS: the loader must have cleared it. */
static u8 bss_probe[8192];

static bool overlaps_kernel(u32 start, u32 len)
{
	return start < (uintptr_t)__image_end &&
	       (uintptr_t)__image_start < start + len;
}

static void check_bss(void)
{
	size_t i;
	bool zero = true;

	for (i = 0; i < sizeof(bss_probe); i++)
		zero &= !bss_probe[i];
	report(zero, "the BSS (%u bytes at %p) was zeroed",
	       (unsigned int)sizeof(bss_probe), (void *)bss_probe);
}

static void check_modules(const struct mb_info *mi)
{
	const struct mb_module *m = (const void *)(uintptr_t)mi->mods_addr;
	size_t len = strlen(EXPECT_MOD_DATA);

	if (!report(mi->mods_count == 1, "one module (%u)", mi->mods_count))
		return;
	report(!(m->mod_start & 0xfff), "module page-aligned (0x%x)",
	       m->mod_start);
	report(m->mod_end - m->mod_start == len, "module size %u",
	       m->mod_end - m->mod_start);
	report(!memcmp((void *)(uintptr_t)m->mod_start, EXPECT_MOD_DATA, len),
	       "module contents");
	report(!strcmp((const char *)(uintptr_t)m->string, EXPECT_MOD_STRING),
	       "module string '%s'", (const char *)(uintptr_t)m->string);
	report(!overlaps_kernel(m->mod_start, m->mod_end - m->mod_start),
	       "module clear of the kernel");
}

/* Every byte of [start, end) lies in some type 1 entry. */
static bool mmap_covers(const struct mb_info *mi, u64 start, u64 end)
{
	u32 off;
	bool progress = true;

	while (start < end && progress) {
		progress = false;
		for (off = 0; off + sizeof(struct mb_mmap) <= mi->mmap_length;
		     off += 4 + ((struct mb_mmap *)(uintptr_t)
				 (mi->mmap_addr + off))->size) {
			const struct mb_mmap *e =
				(const void *)(uintptr_t)(mi->mmap_addr + off);

			if (e->type == 1 && e->base <= start &&
			    e->base + e->length > start) {
				start = e->base + e->length;
				progress = true;
			}
		}
	}
	return start >= end;
}

static void check_mmap(const struct mb_info *mi)
{
	const struct mb_mmap *e = (const void *)(uintptr_t)mi->mmap_addr;
	u32 off;

	if (!report(mi->mmap_length >= sizeof(*e), "memory map of %u bytes",
		    mi->mmap_length))
		return;
	for (off = 0; off + sizeof(*e) <= mi->mmap_length;
	     off += 4 + e->size) {
		e = (const void *)(uintptr_t)(mi->mmap_addr + off);
		printf("mmap: 0x%llx-0x%llx type %u\n",
		       (unsigned long long)e->base,
		       (unsigned long long)(e->base + e->length - 1), e->type);
	}
	report(mmap_covers(mi, 0, 0xa0000), "map: RAM below 640 KiB");
	report(mmap_covers(mi, 0x100000, EXPECT_RAM),
	       "map: RAM from 1 MiB to %lu MiB", EXPECT_RAM >> 20);
	report(!mmap_covers(mi, 0xa0000, 0xa1000), "map: VGA hole not RAM");
	report(!mmap_covers(mi, EXPECT_RAM, EXPECT_RAM + 0x1000),
	       "map: nothing past the end of RAM");
}

static void fw_cfg_select(u16 key)
{
	outw(FW_CFG_SEL, key);
}

static u64 fw_cfg_read(unsigned int n)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (u64)inb(FW_CFG_DATA) << (8 * i);
	return v;
}

static void check_fw_cfg(void)
{
	char sig[5] = { 0 };
	unsigned int i;
	u64 ram;

	fw_cfg_select(0x0000);
	for (i = 0; i < 4; i++)
		sig[i] = inb(FW_CFG_DATA);
	report(!strcmp(sig, "QEMU"), "fw_cfg signature '%s'", sig);
	fw_cfg_select(0x0003);
	ram = fw_cfg_read(8);
	report(ram == EXPECT_RAM, "fw_cfg RAM size 0x%llx",
	       (unsigned long long)ram);
	fw_cfg_select(0x0005);
	i = fw_cfg_read(2);
	report(i == 1, "fw_cfg CPU count %u", i);
	fw_cfg_select(0x1234);
	report(fw_cfg_read(8) == 0, "fw_cfg unknown key reads 0");
}

int main(void)
{
	const struct mb_info *mi = (const void *)(uintptr_t)mb_info;
	u32 want = MB_INFO_MEM | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MMAP;

	printf("multiboot: magic 0x%x, info at 0x%x\n", mb_magic, mb_info);
	report(mb_magic == MB_BOOT_MAGIC, "EAX holds the boot magic");
	report(read_cr0() & X86_CR0_PE, "CR0.PE set");
	report(!(read_cr0() & X86_CR0_PG), "CR0.PG clear");
	check_bss();
	if (!report(mb_info && (mi->flags & want) == want,
		    "info flags 0x%x", mi->flags))
		return report_summary();
	report(!overlaps_kernel(mb_info, sizeof(*mi)),
	       "boot info clear of the kernel (0x%lx-0x%lx)",
	       (unsigned long)(uintptr_t)__image_start,
	       (unsigned long)(uintptr_t)__image_end);
	report(mi->mem_lower == 640, "mem_lower %u KiB", mi->mem_lower);
	report(mi->mem_upper == (EXPECT_RAM >> 10) - 1024, "mem_upper %u KiB",
	       mi->mem_upper);
	report(!strcmp((const char *)(uintptr_t)mi->cmdline, EXPECT_CMDLINE),
	       "command line '%s'", (const char *)(uintptr_t)mi->cmdline);
	check_modules(mi);
	check_mmap(mi);
	check_fw_cfg();
	return report_summary();
}
