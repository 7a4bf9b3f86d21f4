// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_bus.c - unit tests of the port-I/O/MMIO bus (lib/bus.c):
 * registration, overlap refusal, dispatch with offsets, unassigned
 * accesses, unregistering, the exit request.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

/* A device that records its last access and answers reads with a tag. */
struct rec {
	int calls;
	uint64_t offset;
	unsigned int len;
	bool is_write;
	uint64_t val;
	uint8_t tag;
};

static void rec_io(void *opaque, uint64_t offset, void *data, unsigned int len,
		   bool is_write)
{
	struct rec *r = opaque;

	r->calls++;
	r->offset = offset;
	r->len = len;
	r->is_write = is_write;
	if (is_write)
		r->val = vmm_bus_get(data, len);
	else
		memset(data, r->tag, len);
}

static struct vmm_bus *bus;

static void setup(void)
{
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
}

static void teardown(void)
{
	vmm_bus_destroy(bus);
}

START_TEST(register_and_dispatch)
{
	struct rec a = { .tag = 0xaa }, b = { .tag = 0xbb };
	uint8_t buf[8];

	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x3f8, 8, rec_io, &a), 0);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x60, 1, rec_io, &b), 0);

	vmm_bus_put(buf, 1, 0x41);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x3f8, buf, 1, true), 0);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_uint_eq(a.offset, 0);
	ck_assert(a.is_write);
	ck_assert_uint_eq(a.val, 0x41);

	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x3fd, buf, 1, false), 0);
	ck_assert_int_eq(a.calls, 2);
	ck_assert_uint_eq(a.offset, 5);
	ck_assert(!a.is_write);
	ck_assert_uint_eq(buf[0], 0xaa);

	/* A 2-byte access at the last port but one still fits. */
	vmm_bus_put(buf, 2, 0x1234);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x3fe, buf, 2, true), 0);
	ck_assert_uint_eq(a.offset, 6);
	ck_assert_uint_eq(a.len, 2);
	ck_assert_uint_eq(a.val, 0x1234);

	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x60, buf, 1, false), 0);
	ck_assert_int_eq(b.calls, 1);
	ck_assert_uint_eq(buf[0], 0xbb);
	ck_assert_int_eq(a.calls, 3);
}
END_TEST

START_TEST(spaces_are_separate)
{
	struct rec pio = { .tag = 1 }, mmio = { .tag = 2 };
	uint8_t buf[8];

	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x1000, 0x10, rec_io, &pio), 0);
	/* Same numbers, other space: no overlap. */
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x1000, 0x10, rec_io, &mmio), 0);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_MMIO, 0x1008, buf, 8, false), 0);
	ck_assert_uint_eq(buf[7], 2);
	ck_assert_int_eq(mmio.calls, 1);
	ck_assert_uint_eq(mmio.offset, 8);
	ck_assert_uint_eq(mmio.len, 8);
	ck_assert_int_eq(pio.calls, 0);
}
END_TEST

START_TEST(overlap_refused)
{
	struct rec r = { 0 };

	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x1000, 0x100, rec_io, &r), 0);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x3000, 0x100, rec_io, &r), 0);
	/* Same base, inside, straddling either end, covering: all refused. */
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x1000, 1, rec_io, &r), -EEXIST);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x1080, 4, rec_io, &r), -EEXIST);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x10ff, 2, rec_io, &r), -EEXIST);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x0f00, 0x101, rec_io, &r), -EEXIST);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x0000, 0x10000, rec_io, &r), -EEXIST);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x2fff, 2, rec_io, &r), -EEXIST);
	/* Touching is not overlapping. */
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x0f00, 0x100, rec_io, &r), 0);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, 0x1100, 0x1f00, rec_io, &r), 0);
}
END_TEST

START_TEST(bad_ranges_refused)
{
	struct rec r = { 0 };

	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x10, 0, rec_io, &r), -EINVAL);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0xfffe, 4, rec_io, &r), -EINVAL);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, UINT64_MAX, 2, rec_io, &r), -EINVAL);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x10, 1, NULL, &r), -EINVAL);
	ck_assert_int_eq(vmm_bus_register(bus, 7, 0x10, 1, rec_io, &r), -EINVAL);
	/* The very last port and address are usable. */
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0xffff, 1, rec_io, &r), 0);
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_MMIO, UINT64_MAX, 1, rec_io, &r), 0);
}
END_TEST

START_TEST(unassigned_reads_all_ones)
{
	struct rec r = { .tag = 0x11 };
	uint8_t buf[8];

	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x80, buf, 4, false), -ENOENT);
	ck_assert_uint_eq(vmm_bus_get(buf, 4), 0xffffffff);
	ck_assert_uint_eq(buf[4], 0);		/* only len bytes */

	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_MMIO, 0xfee00000, buf, 8, false), -ENOENT);
	ck_assert_uint_eq(vmm_bus_get(buf, 8), UINT64_MAX);

	/* Writes are dropped, and the buffer is left alone. */
	memset(buf, 0x5a, sizeof(buf));
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x80, buf, 1, true), -ENOENT);
	ck_assert_uint_eq(buf[0], 0x5a);

	/* An access running off the end of a range is not the device's. */
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x70, 2, rec_io, &r), 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x71, buf, 2, false), -ENOENT);
	ck_assert_uint_eq(vmm_bus_get(buf, 2), 0xffff);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x6f, buf, 2, true), -ENOENT);
	ck_assert_int_eq(r.calls, 0);
	/* Just before and just after. */
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x6f, buf, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x72, buf, 1, false), -ENOENT);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x71, buf, 1, false), 0);
	ck_assert_int_eq(r.calls, 1);

	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x70, buf, 0, false), -EINVAL);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x70, buf, 9, false), -EINVAL);
}
END_TEST

START_TEST(many_ranges_sorted)
{
	static struct rec r[64];
	uint8_t buf[1];
	int i;

	/* Registered out of order; each found by bisection afterwards. */
	for (i = 0; i < 64; i++) {
		int k = (i * 37) % 64;

		r[k].tag = k;
		ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x100 + 4 * k,
						  4, rec_io, &r[k]), 0);
	}
	for (i = 0; i < 64; i++) {
		ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x100 + 4 * i + 3,
						buf, 1, false), 0);
		ck_assert_uint_eq(buf[0], i);
		ck_assert_uint_eq(r[i].offset, 3);
	}
}
END_TEST

START_TEST(unregister)
{
	struct rec r = { .tag = 7 };
	uint8_t buf[1];

	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x40, 4, rec_io, &r), 0);
	ck_assert_int_eq(vmm_bus_unregister(bus, VMM_BUS_PIO, 0x41), -ENOENT);
	ck_assert_int_eq(vmm_bus_unregister(bus, VMM_BUS_MMIO, 0x40), -ENOENT);
	ck_assert_int_eq(vmm_bus_unregister(bus, VMM_BUS_PIO, 0x40), 0);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x40, buf, 1, false), -ENOENT);
	ck_assert_uint_eq(buf[0], 0xff);
	ck_assert_int_eq(r.calls, 0);
	/* The range is free again. */
	ck_assert_int_eq(vmm_bus_register(bus, VMM_BUS_PIO, 0x40, 4, rec_io, &r), 0);
}
END_TEST

START_TEST(little_endian_helpers)
{
	uint8_t buf[8];

	vmm_bus_put(buf, 4, 0x11223344);
	ck_assert_uint_eq(buf[0], 0x44);
	ck_assert_uint_eq(buf[3], 0x11);
	ck_assert_uint_eq(vmm_bus_get(buf, 2), 0x3344);
	vmm_bus_put(buf, 8, 0x0102030405060708ULL);
	ck_assert_uint_eq(vmm_bus_get(buf, 8), 0x0102030405060708ULL);
}
END_TEST

START_TEST(exit_request_first_wins)
{
	uint32_t code = 0;

	ck_assert(!vmm_bus_exit_requested(bus, &code));
	vmm_bus_request_exit(bus, 3);
	vmm_bus_request_exit(bus, 5);
	ck_assert(vmm_bus_exit_requested(bus, &code));
	ck_assert_uint_eq(code, 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bus");
	TCase *tc = tcase_create("bus");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, register_and_dispatch);
	tcase_add_test(tc, spaces_are_separate);
	tcase_add_test(tc, overlap_refused);
	tcase_add_test(tc, bad_ranges_refused);
	tcase_add_test(tc, unassigned_reads_all_ones);
	tcase_add_test(tc, many_ranges_sorted);
	tcase_add_test(tc, unregister);
	tcase_add_test(tc, little_endian_helpers);
	tcase_add_test(tc, exit_request_first_wins);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
