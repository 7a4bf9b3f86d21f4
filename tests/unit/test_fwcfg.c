// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fwcfg.c - unit tests of the fw_cfg subset (lib/dev/fw_cfg.c)
 * through the bus, as a guest sees it: selector writes at 0x510,
 * sequential byte reads at 0x511.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "dev/fw_cfg.h"

static struct vmm_bus *bus;
static struct vmm_fw_cfg *fw;

static void setup(void)
{
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_fw_cfg_create(bus, 3ULL << 30 | 0x123000, 3, &fw),
			 0);
}

static void teardown(void)
{
	vmm_fw_cfg_destroy(fw);
	vmm_bus_destroy(bus);
}

static void sel(uint16_t key)
{
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_SEL,
					&key, 2, true), 0);
}

static uint8_t rd(void)
{
	uint8_t v = 0x55;

	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_DATA,
					&v, 1, false), 0);
	return v;
}

static uint64_t rd_le(unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)rd() << (8 * i);
	return v;
}

START_TEST(signature)
{
	char sig[5] = { 0 };
	int i;

	sel(VMM_FW_CFG_SIGNATURE);
	for (i = 0; i < 4; i++)
		sig[i] = rd();
	ck_assert_str_eq(sig, "QEMU");
	/* Past the end: zeros, for ever. */
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(rd(), 0);
	/* A new select starts over. */
	sel(VMM_FW_CFG_SIGNATURE);
	ck_assert_uint_eq(rd(), 'Q');
	ck_assert_uint_eq(rd(), 'E');
	sel(VMM_FW_CFG_SIGNATURE);
	ck_assert_uint_eq(rd(), 'Q');
}
END_TEST

START_TEST(items)
{
	sel(VMM_FW_CFG_ID);
	ck_assert_uint_eq(rd_le(4), 1);
	sel(VMM_FW_CFG_RAM_SIZE);
	ck_assert_uint_eq(rd_le(8), 3ULL << 30 | 0x123000);
	ck_assert_uint_eq(rd(), 0);
	sel(VMM_FW_CFG_NB_CPUS);
	ck_assert_uint_eq(rd_le(2), 3);
	ck_assert_uint_eq(rd(), 0);
	/* Half-read, then another item: no state leaks across. */
	sel(VMM_FW_CFG_RAM_SIZE);
	ck_assert_uint_eq(rd(), 0x00);
	ck_assert_uint_eq(rd(), 0x30);
	sel(VMM_FW_CFG_NB_CPUS);
	ck_assert_uint_eq(rd(), 3);
}
END_TEST

START_TEST(unknown_keys)
{
	static const uint16_t keys[] = { 0x0002, 0x0004, 0x0019, 0x4000,
					 0x8000, 0xffff };
	unsigned int i, j;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		sel(keys[i]);
		for (j = 0; j < 16; j++)
			ck_assert_uint_eq(rd(), 0);
	}
}
END_TEST

START_TEST(port_widths)
{
	uint32_t v = 0xffffffff;
	uint8_t b;

	/* The selector reads as 0 and a byte write selects too. */
	b = 0xff;
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_SEL,
					&b, 1, false), 0);
	ck_assert_uint_eq(b, 0);
	b = VMM_FW_CFG_NB_CPUS;
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_SEL,
					&b, 1, true), 0);
	ck_assert_uint_eq(rd(), 3);
	/* Writes to the data port are ignored. */
	sel(VMM_FW_CFG_SIGNATURE);
	b = 0;
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_DATA,
					&b, 1, true), 0);
	ck_assert_uint_eq(rd(), 'Q');
	/* A 4-byte read at 0x511 runs past the device: not ours. */
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_DATA,
					&v, 4, false), -ENOENT);
	/* The device is where it says, and only there. */
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, 0x512, &b, 1, false),
			 -ENOENT);
}
END_TEST

START_TEST(create_twice)
{
	struct vmm_fw_cfg *f2;

	ck_assert_int_eq(vmm_fw_cfg_create(bus, 1, 1, &f2), -EEXIST);
	ck_assert_ptr_null(f2);
	vmm_fw_cfg_destroy(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fwcfg");
	TCase *tc = tcase_create("fwcfg");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, signature);
	tcase_add_test(tc, items);
	tcase_add_test(tc, unknown_keys);
	tcase_add_test(tc, port_widths);
	tcase_add_test(tc, create_twice);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
