// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mem.c - unit tests of guest-physical memory (lib/mem.c): regions,
 * overlap and alignment refusals, the PC layout with its hole below
 * 4 GiB, and bounds-checked gpa -> host pointer translation.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmm.h"

static struct vmm_mem *mem;

static void setup(void)
{
	ck_assert_int_eq(vmm_mem_create(&mem), 0);
}

static void teardown(void)
{
	vmm_mem_destroy(mem);
}

START_TEST(add_and_refuse)
{
	ck_assert_int_eq(vmm_mem_add(mem, 0x100000, 0x100000), 0);
	ck_assert_int_eq(vmm_mem_add(mem, 0x100000, 0x1000), -EEXIST);
	ck_assert_int_eq(vmm_mem_add(mem, 0xff000, 0x2000), -EEXIST);
	ck_assert_int_eq(vmm_mem_add(mem, 0x1ff000, 0x2000), -EEXIST);
	ck_assert_int_eq(vmm_mem_add(mem, 0, 0x10000000), -EEXIST);
	ck_assert_int_eq(vmm_mem_add(mem, 0x1000, 0x800), -EINVAL);
	ck_assert_int_eq(vmm_mem_add(mem, 0x800, 0x1000), -EINVAL);
	ck_assert_int_eq(vmm_mem_add(mem, 0x1000, 0), -EINVAL);
	ck_assert_int_eq(vmm_mem_add(mem, 0xfffffffffffff000ULL, 0x2000), -EINVAL);
	ck_assert_int_eq(vmm_mem_add(mem, 0, 0x100000), 0);
	ck_assert_int_eq(vmm_mem_add(mem, 0x200000, 0x1000), 0);
	ck_assert_uint_eq(vmm_mem_nr_regions(mem), 3);
	ck_assert_uint_eq(vmm_mem_size(mem), 0x201000);
}
END_TEST

START_TEST(too_many_regions)
{
	int i;

	for (i = 0; i < VMM_MEM_MAX_REGIONS; i++)
		ck_assert_int_eq(vmm_mem_add(mem, i * 0x10000ULL, 0x1000), 0);
	ck_assert_int_eq(vmm_mem_add(mem, 0x1000000, 0x1000), -ENOSPC);
}
END_TEST

START_TEST(pointer_bounds)
{
	uint64_t gpa, size;
	uint8_t *base, *p;
	void *hva;

	ck_assert_int_eq(vmm_mem_add(mem, 0x10000, 0x4000), 0);
	ck_assert_int_eq(vmm_mem_region(mem, 0, &gpa, &size, &hva), 0);
	ck_assert_uint_eq(gpa, 0x10000);
	ck_assert_uint_eq(size, 0x4000);
	ck_assert_int_eq(vmm_mem_region(mem, 1, &gpa, &size, &hva), -ENOENT);
	base = hva;

	p = vmm_mem_ptr(mem, 0x10000, 0x4000);
	ck_assert_ptr_eq(p, base);
	ck_assert_ptr_eq(vmm_mem_ptr(mem, 0x13fff, 1), base + 0x3fff);
	ck_assert_ptr_null(vmm_mem_ptr(mem, 0x13fff, 2));
	ck_assert_ptr_null(vmm_mem_ptr(mem, 0x14000, 1));
	ck_assert_ptr_null(vmm_mem_ptr(mem, 0xffff, 2));
	ck_assert_ptr_null(vmm_mem_ptr(mem, 0x10000, 0x4001));
	ck_assert_ptr_null(vmm_mem_ptr(mem, 0x10001, UINT64_MAX));
	ck_assert_ptr_null(vmm_mem_ptr(mem, UINT64_MAX, 2));
}
END_TEST

START_TEST(read_write)
{
	char buf[8] = { 0 };

	ck_assert_int_eq(vmm_mem_add(mem, 0, 0x2000), 0);
	ck_assert_int_eq(vmm_mem_write(mem, 0x1ffc, "abcd", 4), 0);
	ck_assert_int_eq(vmm_mem_read(mem, 0x1ffc, buf, 4), 0);
	ck_assert_str_eq(buf, "abcd");
	/* Fresh memory reads as zeroes. */
	ck_assert_int_eq(vmm_mem_read(mem, 0x1000, buf, 8), 0);
	ck_assert_mem_eq(buf, "\0\0\0\0\0\0\0\0", 8);
	ck_assert_int_eq(vmm_mem_write(mem, 0x1ffd, "abcd", 4), -EFAULT);
	ck_assert_int_eq(vmm_mem_read(mem, 0x2000, buf, 1), -EFAULT);
}
END_TEST

START_TEST(pc_layout)
{
	uint64_t gpa, size;

	/* Small: one region at 0. */
	ck_assert_int_eq(vmm_mem_add_ram(mem, 64 << 20), 0);
	ck_assert_uint_eq(vmm_mem_nr_regions(mem), 1);
	ck_assert_int_eq(vmm_mem_region(mem, 0, &gpa, &size, NULL), 0);
	ck_assert_uint_eq(gpa, 0);
	ck_assert_uint_eq(size, 64 << 20);
	vmm_mem_destroy(mem);

	/* 4 GiB: 3 GiB low, the hole for MMIO, 1 GiB from 4 GiB up. */
	ck_assert_int_eq(vmm_mem_create(&mem), 0);
	ck_assert_int_eq(vmm_mem_add_ram(mem, 4ULL << 30), 0);
	ck_assert_uint_eq(vmm_mem_nr_regions(mem), 2);
	ck_assert_int_eq(vmm_mem_region(mem, 0, &gpa, &size, NULL), 0);
	ck_assert_uint_eq(gpa, 0);
	ck_assert_uint_eq(size, 3ULL << 30);
	ck_assert_int_eq(vmm_mem_region(mem, 1, &gpa, &size, NULL), 0);
	ck_assert_uint_eq(gpa, 4ULL << 30);
	ck_assert_uint_eq(size, 1ULL << 30);
	ck_assert_uint_eq(vmm_mem_size(mem), 4ULL << 30);
	ck_assert_ptr_null(vmm_mem_ptr(mem, 0xfe000000, 1));	/* the hole */
	ck_assert_ptr_nonnull(vmm_mem_ptr(mem, 0x13fffffffULL, 1));

	ck_assert_int_eq(vmm_mem_add_ram(mem, 0), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("mem");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, add_and_refuse);
	tcase_add_test(tc, too_many_regions);
	tcase_add_test(tc, pointer_bounds);
	tcase_add_test(tc, read_write);
	tcase_add_test(tc, pc_layout);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
