// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_flat.c - unit tests of the flat binary loader and the boot CPU
 * state (lib/boot/flat.c, lib/boot/cpu.c): where the image goes, the
 * registers, segments and control registers of each mode, the GDT and
 * long-mode page tables in guest memory, and every refusal.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/flat.h"
#include "libvmm.h"

static struct vmm_mem *mem;
static struct vmm_regs regs;
static struct vmm_sregs sregs;
static const uint8_t image[] = { 0xf4, 0xeb, 0xfd, 0x90, 0x55, 0xaa };

static void setup(void)
{
	ck_assert_int_eq(vmm_mem_create(&mem), 0);
	ck_assert_int_eq(vmm_mem_add_ram(mem, 64 << 20), 0);
	/* Garbage in, so that every field the loader owns is checked. */
	memset(&regs, 0xcc, sizeof(regs));
	memset(&sregs, 0xcc, sizeof(sregs));
}

static void teardown(void)
{
	vmm_mem_destroy(mem);
}

static uint64_t q(uint64_t gpa)
{
	uint64_t v;

	ck_assert_int_eq(vmm_mem_read(mem, gpa, &v, 8), 0);
	return v;
}

static int load(enum vmm_boot_mode mode, uint64_t at, uint64_t entry,
		const char **why)
{
	struct vmm_flat f;

	vmm_flat_defaults(&f, mode);
	f.load_addr = at;
	f.entry = entry;
	return vmm_flat_load(mem, &f, image, sizeof(image), &regs, &sregs, why);
}

static void check_gprs_zero(void)
{
	ck_assert_uint_eq(regs.rax | regs.rbx | regs.rcx | regs.rdx, 0);
	ck_assert_uint_eq(regs.rsi | regs.rdi | regs.rbp, 0);
	ck_assert_uint_eq(regs.r8 | regs.r9 | regs.r10 | regs.r11, 0);
	ck_assert_uint_eq(regs.r12 | regs.r13 | regs.r14 | regs.r15, 0);
	ck_assert_uint_eq(regs.rsp, 0);
	ck_assert_uint_eq(regs.rflags, 0x2);
}

static void check_seg(const struct vmm_segment *s, uint16_t sel, uint64_t base,
		      uint32_t limit, uint8_t type, uint8_t db, uint8_t l,
		      uint8_t g)
{
	ck_assert_uint_eq(s->selector, sel);
	ck_assert_uint_eq(s->base, base);
	ck_assert_uint_eq(s->limit, limit);
	ck_assert_uint_eq(s->type, type);
	ck_assert_uint_eq(s->present, 1);
	ck_assert_uint_eq(s->s, 1);
	ck_assert_uint_eq(s->dpl, 0);
	ck_assert_uint_eq(s->db, db);
	ck_assert_uint_eq(s->l, l);
	ck_assert_uint_eq(s->g, g);
	ck_assert_uint_eq(s->avl, 0);
	ck_assert_uint_eq(s->unusable, 0);
	ck_assert_uint_eq(s->padding, 0);
}

static void check_data_segs(uint16_t sel, uint32_t limit, uint8_t db, uint8_t g)
{
	check_seg(&sregs.ds, sel, 0, limit, 3, db, 0, g);
	check_seg(&sregs.es, sel, 0, limit, 3, db, 0, g);
	check_seg(&sregs.fs, sel, 0, limit, 3, db, 0, g);
	check_seg(&sregs.gs, sel, 0, limit, 3, db, 0, g);
	check_seg(&sregs.ss, sel, 0, limit, 3, db, 0, g);
}

static void check_system_segs(void)
{
	/* A busy TSS and an LDT: what VMX and SVM entry checks accept. */
	ck_assert_uint_eq(sregs.tr.type, 0xb);
	ck_assert_uint_eq(sregs.tr.present, 1);
	ck_assert_uint_eq(sregs.tr.s, 0);
	ck_assert_uint_eq(sregs.ldt.type, 0x2);
	ck_assert_uint_eq(sregs.ldt.present, 1);
	ck_assert_uint_eq(sregs.ldt.s, 0);
}

START_TEST(defaults)
{
	struct vmm_flat f;

	vmm_flat_defaults(&f, VMM_BOOT_LONG);
	ck_assert_uint_eq(f.load_addr, 0x100000);
	ck_assert_uint_eq(f.entry, 0x100000);
	vmm_flat_defaults(&f, VMM_BOOT_PROTECTED);
	ck_assert_uint_eq(f.load_addr, 0x100000);
	vmm_flat_defaults(&f, VMM_BOOT_REAL);
	ck_assert_uint_eq(f.load_addr, 0x10000);
	ck_assert_uint_eq(f.entry, 0x10000);
}
END_TEST

START_TEST(mode_names)
{
	enum vmm_boot_mode m = VMM_BOOT_LONG;

	ck_assert_int_eq(vmm_boot_mode_parse("real", &m), 0);
	ck_assert_int_eq(m, VMM_BOOT_REAL);
	ck_assert_int_eq(vmm_boot_mode_parse("protected", &m), 0);
	ck_assert_int_eq(m, VMM_BOOT_PROTECTED);
	ck_assert_int_eq(vmm_boot_mode_parse("long", &m), 0);
	ck_assert_int_eq(m, VMM_BOOT_LONG);
	ck_assert_int_eq(vmm_boot_mode_parse("Long", &m), -EINVAL);
	ck_assert_int_eq(vmm_boot_mode_parse("", &m), -EINVAL);
	ck_assert_str_eq(vmm_boot_mode_name(VMM_BOOT_PROTECTED), "protected");
}
END_TEST

START_TEST(long_mode)
{
	const char *why = "x";
	uint8_t back[sizeof(image)];
	int i;

	ck_assert_int_eq(load(VMM_BOOT_LONG, 0x100000, 0x100003, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(vmm_mem_read(mem, 0x100000, back, sizeof(back)), 0);
	ck_assert_mem_eq(back, image, sizeof(image));

	ck_assert_uint_eq(regs.rip, 0x100003);
	check_gprs_zero();

	ck_assert_uint_eq(sregs.cr0, 0x80010011);	/* PG WP ET PE */
	ck_assert_uint_eq(sregs.cr3, 0x9000);
	ck_assert_uint_eq(sregs.cr4, 0x20);		/* PAE */
	ck_assert_uint_eq(sregs.efer, 0x500);		/* LMA LME */
	check_seg(&sregs.cs, 0x08, 0, 0xffffffff, 0xb, 0, 1, 1);
	check_data_segs(0x10, 0xffffffff, 1, 1);
	check_system_segs();
	ck_assert_uint_eq(sregs.gdt.base, 0x500);
	ck_assert_uint_eq(sregs.gdt.limit, 23);
	ck_assert_uint_eq(sregs.idt.base, 0);
	ck_assert_uint_eq(sregs.idt.limit, 0);
	/* Left alone: the vCPU's own values. */
	ck_assert_uint_eq(sregs.apic_base, 0xccccccccccccccccULL);

	/* The GDT, descriptor by descriptor (SDM 3.4.5). */
	ck_assert_uint_eq(q(0x500), 0);
	ck_assert_uint_eq(q(0x508), 0x00af9b000000ffffULL);
	ck_assert_uint_eq(q(0x510), 0x00cf93000000ffffULL);

	/* PML4 -> PDPT -> 4 PDs of 2 MiB pages, identity. */
	ck_assert_uint_eq(q(0x9000), 0xa003);
	for (i = 1; i < 512; i++)
		ck_assert_uint_eq(q(0x9000 + 8 * i), 0);
	ck_assert_uint_eq(q(0xa000), 0xb003);
	ck_assert_uint_eq(q(0xa008), 0xc003);
	ck_assert_uint_eq(q(0xa010), 0xd003);
	ck_assert_uint_eq(q(0xa018), 0xe003);
	for (i = 4; i < 512; i++)
		ck_assert_uint_eq(q(0xa000 + 8 * i), 0);
	for (i = 0; i < 2048; i++)
		ck_assert_uint_eq(q(0xb000 + 8 * i), ((uint64_t)i << 21) | 0x83);
	ck_assert_uint_eq(q(0xb000 + 8 * 1536), 0xc0000083);
	ck_assert_uint_eq(q(0xeff8), 0xffe00083);
}
END_TEST

START_TEST(protected_mode)
{
	const char *why;

	ck_assert_int_eq(load(VMM_BOOT_PROTECTED, 0x200000, 0x200000, &why), 0);
	ck_assert_uint_eq(regs.rip, 0x200000);
	check_gprs_zero();
	ck_assert_uint_eq(sregs.cr0, 0x11);		/* ET PE, no PG */
	ck_assert_uint_eq(sregs.cr3, 0);
	ck_assert_uint_eq(sregs.cr4, 0);
	ck_assert_uint_eq(sregs.efer, 0);
	check_seg(&sregs.cs, 0x08, 0, 0xffffffff, 0xb, 1, 0, 1);
	check_data_segs(0x10, 0xffffffff, 1, 1);
	check_system_segs();
	ck_assert_uint_eq(sregs.gdt.base, 0x500);
	ck_assert_uint_eq(sregs.gdt.limit, 23);
	ck_assert_uint_eq(q(0x500), 0);
	ck_assert_uint_eq(q(0x508), 0x00cf9b000000ffffULL);
	ck_assert_uint_eq(q(0x510), 0x00cf93000000ffffULL);
	/* No page tables in protected mode. */
	ck_assert_uint_eq(q(0x9000), 0);
}
END_TEST

START_TEST(real_mode)
{
	const char *why;

	ck_assert_int_eq(load(VMM_BOOT_REAL, 0x10000, 0x10000, &why), 0);
	check_gprs_zero();
	check_seg(&sregs.cs, 0x1000, 0x10000, 0xffff, 0xb, 0, 0, 0);
	ck_assert_uint_eq(regs.rip, 0);
	check_data_segs(0, 0xffff, 0, 0);
	check_system_segs();
	ck_assert_uint_eq(sregs.cr0, 0x10);		/* ET only: PE=PG=0 */
	ck_assert_uint_eq(sregs.cr3, 0);
	ck_assert_uint_eq(sregs.cr4, 0);
	ck_assert_uint_eq(sregs.efer, 0);
	ck_assert_uint_eq(sregs.idt.base, 0);
	ck_assert_uint_eq(sregs.idt.limit, 0x3ff);
	/* Nothing written to low memory. */
	ck_assert_uint_eq(q(0x500), 0);

	/* CS:IP for other entries: CS = (entry >> 4) & 0xf000. */
	ck_assert_int_eq(load(VMM_BOOT_REAL, 0x7c00, 0x7c00, &why), 0);
	ck_assert_uint_eq(sregs.cs.selector, 0);
	ck_assert_uint_eq(sregs.cs.base, 0);
	ck_assert_uint_eq(regs.rip, 0x7c00);
	ck_assert_int_eq(load(VMM_BOOT_REAL, 0x10000, 0x12345, &why), 0);
	ck_assert_uint_eq(sregs.cs.selector, 0x1000);
	ck_assert_uint_eq(sregs.cs.base, 0x10000);
	ck_assert_uint_eq(regs.rip, 0x2345);
	ck_assert_int_eq(load(VMM_BOOT_REAL, 0x10000, 0xfffff, &why), 0);
	ck_assert_uint_eq(sregs.cs.selector, 0xf000);
	ck_assert_uint_eq(sregs.cs.base, 0xf0000);
	ck_assert_uint_eq(regs.rip, 0xffff);
	/* Real mode may use low memory: no boot structures there. */
	ck_assert_int_eq(load(VMM_BOOT_REAL, 0x600, 0x600, &why), 0);
}
END_TEST

START_TEST(refuse_boot_area_overlap)
{
	const char *why = NULL;
	int m;

	for (m = VMM_BOOT_PROTECTED; m <= VMM_BOOT_LONG; m++) {
		why = NULL;
		ck_assert_int_eq(load(m, 0x1000, 0x1000, &why), -EADDRINUSE);
		ck_assert_ptr_nonnull(why);
		ck_assert_ptr_nonnull(strstr(why, "boot structures"));
		/* Either edge, by one byte. */
		ck_assert_int_eq(load(m, 0x500 - sizeof(image) + 1, 0x100000, &why),
				 -EADDRINUSE);
		ck_assert_int_eq(load(m, 0xefff, 0x100000, &why), -EADDRINUSE);
		/* Touching is fine. */
		ck_assert_int_eq(load(m, 0x500 - sizeof(image), 0x100000, &why), 0);
		ck_assert_int_eq(load(m, 0xf000, 0xf000, &why), 0);
	}
}
END_TEST

START_TEST(refuse_outside_ram)
{
	const char *why = NULL;

	ck_assert_int_eq(load(VMM_BOOT_LONG, (64 << 20) - 2, 0x100000, &why), -EFBIG);
	ck_assert_ptr_nonnull(strstr(why, "does not fit"));
	ck_assert_int_eq(load(VMM_BOOT_LONG, 64 << 20, 0x100000, &why), -EFBIG);
	ck_assert_int_eq(load(VMM_BOOT_LONG, UINT64_MAX - 2, 0x100000, &why), -EFBIG);
	ck_assert_int_eq(load(VMM_BOOT_REAL, 0xfe000000, 0x100, &why), -EFBIG);
	/* The last bytes of RAM are fine. */
	ck_assert_int_eq(load(VMM_BOOT_LONG, (64 << 20) - sizeof(image), 0x100000,
			      &why), 0);
}
END_TEST

START_TEST(refuse_bad_entry)
{
	const char *why = NULL;

	ck_assert_int_eq(load(VMM_BOOT_REAL, 0x10000, 0x100000, &why), -ERANGE);
	ck_assert_ptr_nonnull(strstr(why, "1 MiB"));
	ck_assert_int_eq(load(VMM_BOOT_PROTECTED, 0x100000, 0x100000000ULL, &why),
			 -ERANGE);
	ck_assert_int_eq(load(VMM_BOOT_LONG, 0x100000, 0x100000000ULL, &why),
			 -ERANGE);
	ck_assert_int_eq(load(VMM_BOOT_PROTECTED, 0x100000, 0xffffffffULL, &why), 0);
}
END_TEST

START_TEST(refuse_no_ram_for_page_tables)
{
	struct vmm_mem *small;
	struct vmm_flat f = { .mode = VMM_BOOT_LONG, .load_addr = 0, .entry = 0 };
	const char *why = NULL;

	ck_assert_int_eq(vmm_mem_create(&small), 0);
	ck_assert_int_eq(vmm_mem_add(small, 0, 0x9000), 0);
	ck_assert_int_eq(vmm_flat_load(small, &f, image, sizeof(image), &regs,
				       &sregs, &why), -EFAULT);
	ck_assert_ptr_nonnull(strstr(why, "page tables"));
	/* Protected mode needs only the GDT. */
	f.mode = VMM_BOOT_PROTECTED;
	ck_assert_int_eq(vmm_flat_load(small, &f, image, sizeof(image), &regs,
				       &sregs, &why), 0);
	vmm_mem_destroy(small);
}
END_TEST

START_TEST(load_file)
{
	char path[] = "/tmp/test_flat.XXXXXX";
	struct vmm_flat f;
	uint8_t back[sizeof(image)];
	const char *why = "x";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, image, sizeof(image)), sizeof(image));
	close(fd);
	vmm_flat_defaults(&f, VMM_BOOT_LONG);
	ck_assert_int_eq(vmm_flat_load_file(mem, &f, path, &regs, &sregs, &why), 0);
	ck_assert_int_eq(vmm_mem_read(mem, 0x100000, back, sizeof(back)), 0);
	ck_assert_mem_eq(back, image, sizeof(image));
	ck_assert_uint_eq(regs.rip, 0x100000);
	ck_assert_uint_eq(sregs.efer, 0x500);

	f.load_addr = 0x800;
	ck_assert_int_eq(vmm_flat_load_file(mem, &f, path, &regs, &sregs, &why),
			 -EADDRINUSE);
	ck_assert_ptr_nonnull(why);
	unlink(path);

	ck_assert_int_eq(vmm_flat_load_file(mem, &f, path, &regs, &sregs, &why),
			 -ENOENT);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(vmm_flat_load_file(mem, &f, "/tmp", &regs, &sregs, &why),
			 -EISDIR);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("flat");
	TCase *tc = tcase_create("flat");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, mode_names);
	tcase_add_test(tc, long_mode);
	tcase_add_test(tc, protected_mode);
	tcase_add_test(tc, real_mode);
	tcase_add_test(tc, refuse_boot_area_overlap);
	tcase_add_test(tc, refuse_outside_ram);
	tcase_add_test(tc, refuse_bad_entry);
	tcase_add_test(tc, refuse_no_ram_for_page_tables);
	tcase_add_test(tc, load_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
