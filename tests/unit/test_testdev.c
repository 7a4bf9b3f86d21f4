// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_testdev.c - unit tests of the test device (lib/dev/testdev.c):
 * the MMIO scratch page, the scratch I/O register, the I/O FIFO and the
 * event request port.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "bus.h"
#include "dev/testdev.h"

static struct vmm_bus *bus;
static struct vmm_testdev *td;

static void setup(void)
{
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_testdev_create(bus, &td), 0);
}

static void teardown(void)
{
	vmm_testdev_destroy(td);
	vmm_bus_destroy(bus);
}

static void wr(enum vmm_bus_space sp, uint64_t a, unsigned int len, uint64_t v)
{
	uint8_t buf[8];

	vmm_bus_put(buf, len, v);
	ck_assert_int_eq(vmm_bus_access(bus, sp, a, buf, len, true), 0);
}

static uint64_t rd(enum vmm_bus_space sp, uint64_t a, unsigned int len)
{
	uint8_t buf[8];

	ck_assert_int_eq(vmm_bus_access(bus, sp, a, buf, len, false), 0);
	return vmm_bus_get(buf, len);
}

#define MMIO	VMM_BUS_MMIO
#define PIO	VMM_BUS_PIO
#define PAGE	0xfe000000ULL

START_TEST(mmio_page_storage)
{
	ck_assert_uint_eq(VMM_TESTDEV_MMIO_BASE, 0xfe000000ULL);
	ck_assert_uint_eq(rd(MMIO, PAGE, 8), 0);
	wr(MMIO, PAGE, 8, 0x1122334455667788ULL);
	ck_assert_uint_eq(rd(MMIO, PAGE, 8), 0x1122334455667788ULL);
	ck_assert_uint_eq(rd(MMIO, PAGE, 1), 0x88);
	ck_assert_uint_eq(rd(MMIO, PAGE + 2, 2), 0x5566);
	ck_assert_uint_eq(rd(MMIO, PAGE + 4, 4), 0x11223344);
	wr(MMIO, PAGE + 1, 1, 0xab);
	ck_assert_uint_eq(rd(MMIO, PAGE, 4), 0x5566ab88);
	/* The last bytes of the page, each size. */
	wr(MMIO, PAGE + 0xff8, 8, 0xfedcba9876543210ULL);
	ck_assert_uint_eq(rd(MMIO, PAGE + 0xffc, 4), 0xfedcba98);
	ck_assert_uint_eq(rd(MMIO, PAGE + 0xffe, 2), 0xfedc);
	ck_assert_uint_eq(rd(MMIO, PAGE + 0xfff, 1), 0xfe);
}
END_TEST

START_TEST(mmio_page_bounds)
{
	uint8_t buf[8];

	ck_assert_int_eq(vmm_bus_access(bus, MMIO, PAGE + 0x1000, buf, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, MMIO, PAGE - 1, buf, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, MMIO, PAGE + 0xffc, buf, 8, false), -ENOENT);
	ck_assert_uint_eq(vmm_bus_get(buf, 8), UINT64_MAX);
}
END_TEST

START_TEST(scratch_register)
{
	wr(PIO, 0xe0, 4, 0xcafef00d);
	ck_assert_uint_eq(rd(PIO, 0xe0, 4), 0xcafef00d);
	ck_assert_uint_eq(rd(PIO, 0xe0, 2), 0xf00d);
	ck_assert_uint_eq(rd(PIO, 0xe0, 1), 0x0d);
	/* A narrower write stores the whole (zero-extended) value. */
	wr(PIO, 0xe0, 2, 0x1234);
	ck_assert_uint_eq(rd(PIO, 0xe0, 4), 0x1234);
	wr(PIO, 0xe0, 1, 0x99);
	ck_assert_uint_eq(rd(PIO, 0xe0, 4), 0x99);
}
END_TEST

START_TEST(fifo_order)
{
	int i;

	for (i = 0; i < 10; i++)
		wr(PIO, 0xe4, 1, 'a' + i);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(rd(PIO, 0xe4, 1), 'a' + i);
	/* Empty reads 0xff. */
	ck_assert_uint_eq(rd(PIO, 0xe4, 1), 0xff);
	/* A wider access moves its bytes in little-endian order. */
	wr(PIO, 0xe4, 4, 0x44332211);
	ck_assert_uint_eq(rd(PIO, 0xe4, 1), 0x11);
	ck_assert_uint_eq(rd(PIO, 0xe4, 2), 0x3322);
	ck_assert_uint_eq(rd(PIO, 0xe4, 2), 0xff44);
}
END_TEST

START_TEST(fifo_capacity)
{
	int i;

	ck_assert_uint_eq(VMM_TESTDEV_FIFO_SIZE, 4096);
	for (i = 0; i < 4096 + 5; i++)
		wr(PIO, 0xe4, 1, i & 0xff);
	for (i = 0; i < 4096; i++)
		ck_assert_uint_eq(rd(PIO, 0xe4, 1), i & 0xff);
	ck_assert_uint_eq(rd(PIO, 0xe4, 1), 0xff);
	/* And it wraps around correctly afterwards. */
	wr(PIO, 0xe4, 1, 0x42);
	ck_assert_uint_eq(rd(PIO, 0xe4, 1), 0x42);
}
END_TEST

/* Port 0xe8: a request for the run loop, decoded into struct vmm_event. */
START_TEST(event_request)
{
	struct vmm_event ev;
	int *result;

	ck_assert(!vmm_bus_take_event(bus, &ev, &result));
	wr(PIO, 0xec, 4, 0xdead000);
	ck_assert_uint_eq(rd(PIO, 0xec, 4), 0xdead000);
	/* #PF (14), type 3, error code 0x2 */
	wr(PIO, 0xe8, 4, 14 | 3 << 8 | 1 << 11 | 0x2 << 16);
	ck_assert_uint_eq(rd(PIO, 0xe8, 4), 1);		/* waiting */
	ck_assert(vmm_bus_take_event(bus, &ev, &result));
	ck_assert_uint_eq(ev.type, VMM_EVENT_EXCEPTION);
	ck_assert_uint_eq(ev.vector, 14);
	ck_assert_uint_eq(ev.flags, VMM_EVENT_F_ERROR_CODE);
	ck_assert_uint_eq(ev.error_code, 2);
	ck_assert_uint_eq(ev.cr2, 0xdead000);
	ck_assert_uint_eq(ev.padding, 0);
	ck_assert_uint_eq(ev.reserved, 0);
	*result = -EINVAL;				/* what the run loop does */
	ck_assert_uint_eq(rd(PIO, 0xe8, 4), (uint32_t)-EINVAL);
	ck_assert(!vmm_bus_take_event(bus, &ev, &result));

	/* An interrupt: no error code, no CR2; a second request waits. */
	wr(PIO, 0xe8, 4, 0x40 | 1 << 8);
	wr(PIO, 0xe8, 4, 0x41 | 1 << 8);
	ck_assert_uint_eq(rd(PIO, 0xe8, 4), (uint32_t)-EBUSY);
	ck_assert(vmm_bus_take_event(bus, &ev, &result));
	ck_assert_uint_eq(ev.type, VMM_EVENT_EXTINT);
	ck_assert_uint_eq(ev.vector, 0x40);
	ck_assert_uint_eq(ev.flags, 0);
	ck_assert_uint_eq(ev.cr2, 0);
	/* Other widths and offsets: all-ones, no request. */
	ck_assert_uint_eq(rd(PIO, 0xe9, 1), 0xff);
	wr(PIO, 0xe8, 2, 0x40 | 1 << 8);
	ck_assert(!vmm_bus_take_event(bus, &ev, &result));
}
END_TEST

START_TEST(destroy_frees_ranges)
{
	uint8_t b;

	vmm_testdev_destroy(td);
	ck_assert_int_eq(vmm_bus_access(bus, PIO, 0xe0, &b, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, PIO, 0xe4, &b, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, PIO, 0xe8, &b, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, MMIO, PAGE, &b, 1, false), -ENOENT);
	ck_assert_int_eq(vmm_testdev_create(bus, &td), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("testdev");
	TCase *tc = tcase_create("testdev");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mmio_page_storage);
	tcase_add_test(tc, mmio_page_bounds);
	tcase_add_test(tc, scratch_register);
	tcase_add_test(tc, fifo_order);
	tcase_add_test(tc, fifo_capacity);
	tcase_add_test(tc, event_request);
	tcase_add_test(tc, destroy_frees_ranges);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
