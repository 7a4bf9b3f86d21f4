// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_exitport.c - unit tests of the exit port (lib/dev/exitport.c):
 * a write of v at 0xf4 asks the VM to end with status (v << 1) | 1,
 * for 1-, 2- and 4-byte writes.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "bus.h"
#include "dev/exitport.h"

static struct vmm_bus *bus;
static struct vmm_exitport *ep;

static void setup(void)
{
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_exitport_create(bus, VMM_EXITPORT_PORT, &ep), 0);
}

static void teardown(void)
{
	vmm_exitport_destroy(ep);
	vmm_bus_destroy(bus);
}

static uint32_t write_and_get(uint16_t port, uint32_t v, unsigned int len)
{
	uint8_t buf[4];
	uint32_t code = 0xdeadbeef;

	vmm_bus_put(buf, len, v);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, port, buf, len, true), 0);
	if (!vmm_bus_exit_requested(bus, &code))
		return 0xdeadbeef;
	return code;
}

START_TEST(byte_write)
{
	ck_assert_uint_eq(VMM_EXITPORT_PORT, 0xf4);
	ck_assert(!vmm_bus_exit_requested(bus, NULL));
	ck_assert_uint_eq(write_and_get(0xf4, 0, 1), 1);
}
END_TEST

START_TEST(byte_write_value)
{
	/* kvm-unit-tests' "exit(1)" writes 0x00 -> 1; 0x10 -> 33. */
	ck_assert_uint_eq(write_and_get(0xf4, 0x10, 1), 33);
}
END_TEST

START_TEST(word_write)
{
	ck_assert_uint_eq(write_and_get(0xf4, 0x0102, 2), 0x0205);
}
END_TEST

START_TEST(dword_write)
{
	ck_assert_uint_eq(write_and_get(0xf4, 0x00400003, 4), 0x00800007);
}
END_TEST

START_TEST(first_write_wins)
{
	ck_assert_uint_eq(write_and_get(0xf4, 2, 1), 5);
	ck_assert_uint_eq(write_and_get(0xf4, 3, 1), 5);
}
END_TEST

START_TEST(reads_and_neighbours_do_nothing)
{
	uint8_t buf[4] = { 0 };

	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0xf4, buf, 1, false), 0);
	ck_assert_uint_eq(buf[0], 0xff);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0xf5, buf, 1, true), 0);
	ck_assert(!vmm_bus_exit_requested(bus, NULL));
	/* Outside the claimed ports. */
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0xf3, buf, 1, true), -ENOENT);
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0xf8, buf, 1, true), -ENOENT);
	ck_assert(!vmm_bus_exit_requested(bus, NULL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exitport");
	TCase *tc = tcase_create("exitport");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, byte_write);
	tcase_add_test(tc, byte_write_value);
	tcase_add_test(tc, word_write);
	tcase_add_test(tc, dword_write);
	tcase_add_test(tc, first_write_wins);
	tcase_add_test(tc, reads_and_neighbours_do_nothing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
