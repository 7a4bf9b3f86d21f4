// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_run.c - unit tests of the exit dispatcher (lib/run.c,
 * vmm_run_dispatch) driven with a run area of our own, as the kernel
 * would fill it: port I/O (single and string), MMIO, HLT with and
 * without interrupts, the exit port, and every way of stopping.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "dev/exitport.h"
#include "dev/testdev.h"
#include "libvmm.h"

#define RUN_SIZE	8192		/* two pages, as VMM_GET_VCPU_MMAP_SIZE */
#define DATA		4096		/* data page offset */

static struct vmm_run *run;
static struct vmm_bus *bus;
static struct vmm_exitport *ep;
static struct vmm_testdev *td;
static struct vmm_exit_status st;

static void setup(void)
{
	run = aligned_alloc(4096, RUN_SIZE);
	ck_assert_ptr_nonnull(run);
	memset(run, 0, RUN_SIZE);
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_exitport_create(bus, VMM_EXITPORT_PORT, &ep), 0);
	ck_assert_int_eq(vmm_testdev_create(bus, &td), 0);
}

static void teardown(void)
{
	vmm_testdev_destroy(td);
	vmm_exitport_destroy(ep);
	vmm_bus_destroy(bus);
	free(run);
}

static uint8_t *data(void)
{
	return (uint8_t *)run + DATA;
}

static void io(uint8_t dir, uint8_t size, uint16_t port, uint32_t count)
{
	run->exit_reason = VMM_EXIT_IO;
	run->io.direction = dir;
	run->io.size = size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = DATA;
}

static int dispatch(void)
{
	return vmm_run_dispatch(run, RUN_SIZE, bus, &st);
}

START_TEST(io_out_then_in)
{
	io(VMM_EXIT_IO_OUT, 4, 0xe0, 1);
	vmm_bus_put(data(), 4, 0x12345678);
	ck_assert_int_eq(dispatch(), 1);
	memset(data(), 0, 4);
	io(VMM_EXIT_IO_IN, 2, 0xe0, 1);
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_uint_eq(vmm_bus_get(data(), 4), 0x5678);
}
END_TEST

START_TEST(string_io_one_access_per_element)
{
	/* rep outsb of "hello" to the FIFO, then rep insw of 3 words. */
	io(VMM_EXIT_IO_OUT, 1, 0xe4, 5);
	memcpy(data(), "hello", 5);
	ck_assert_int_eq(dispatch(), 1);
	memset(data(), 0, 16);
	io(VMM_EXIT_IO_IN, 2, 0xe4, 3);
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_mem_eq(data(), "hello\xff", 6);
	ck_assert_uint_eq(data()[6], 0);	/* count * size bytes only */
}
END_TEST

START_TEST(string_io_fills_data_page)
{
	/* The largest transfer the data page holds: 1024 dwords. */
	io(VMM_EXIT_IO_OUT, 4, 0xe4, 1024);
	memset(data(), 0x3c, 4096);
	ck_assert_int_eq(dispatch(), 1);
	io(VMM_EXIT_IO_IN, 1, 0xe4, 1);
	data()[0] = 0;
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_uint_eq(data()[0], 0x3c);
}
END_TEST

START_TEST(io_unassigned_in_is_all_ones)
{
	io(VMM_EXIT_IO_IN, 4, 0x80, 2);
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_uint_eq(vmm_bus_get(data(), 4), 0xffffffff);
	ck_assert_uint_eq(vmm_bus_get(data() + 4, 4), 0xffffffff);
}
END_TEST

START_TEST(io_bad_exits_refused)
{
	/* Size 3, direction 2, count 0: none is an x86 access. */
	io(VMM_EXIT_IO_OUT, 3, 0xe4, 1);
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_BAD_EXIT);
	ck_assert_int_eq(st.error, -EPROTO);
	io(2, 1, 0xe4, 1);
	ck_assert_int_eq(dispatch(), 0);
	io(VMM_EXIT_IO_OUT, 1, 0xe4, 0);
	ck_assert_int_eq(dispatch(), 0);

	/* Data that would run past the mapping, or over struct vmm_run. */
	io(VMM_EXIT_IO_OUT, 4, 0xe4, 1025);
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_BAD_EXIT);
	io(VMM_EXIT_IO_OUT, 1, 0xe4, 1);
	run->io.data_offset = RUN_SIZE;
	ck_assert_int_eq(dispatch(), 0);
	run->io.data_offset = 8;
	ck_assert_int_eq(dispatch(), 0);
	run->io.data_offset = UINT64_MAX;
	ck_assert_int_eq(dispatch(), 0);
	io(VMM_EXIT_IO_OUT, 4, 0xe4, 0x40000001);	/* count * size wraps 32 bits */
	ck_assert_int_eq(dispatch(), 0);

	/* None of it reached the device. */
	io(VMM_EXIT_IO_IN, 1, 0xe4, 1);
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_uint_eq(data()[0], 0xff);
}
END_TEST

START_TEST(exit_port_stops)
{
	run->rip = 0x100010;
	io(VMM_EXIT_IO_OUT, 1, 0xf4, 1);
	data()[0] = 0x21;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_EXIT_REQUEST);
	ck_assert_uint_eq(st.code, 0x43);
	ck_assert_uint_eq(st.rip, 0x100010);
	ck_assert_uint_eq(st.exit_reason, VMM_EXIT_IO);
}
END_TEST

START_TEST(mmio_write_read)
{
	run->exit_reason = VMM_EXIT_MMIO;
	run->mmio.phys_addr = 0xfe000010;
	run->mmio.len = 8;
	run->mmio.is_write = 1;
	vmm_bus_put(run->mmio.data, 8, 0x0123456789abcdefULL);
	ck_assert_int_eq(dispatch(), 1);

	memset(run->mmio.data, 0, 8);
	run->mmio.phys_addr = 0xfe000014;
	run->mmio.len = 4;
	run->mmio.is_write = 0;
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_uint_eq(vmm_bus_get(run->mmio.data, 8), 0x01234567);

	/* Unassigned MMIO reads all-ones. */
	run->mmio.phys_addr = 0xfec00000;
	run->mmio.len = 2;
	ck_assert_int_eq(dispatch(), 1);
	ck_assert_uint_eq(vmm_bus_get(run->mmio.data, 2), 0xffff);

	run->mmio.len = 9;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_BAD_EXIT);
	run->mmio.len = 0;
	ck_assert_int_eq(dispatch(), 0);
}
END_TEST

START_TEST(hlt)
{
	run->exit_reason = VMM_EXIT_HLT;
	run->rflags = 0x2;			/* IF=0: nothing will wake it */
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_HALT);
	run->rflags = 0x202;			/* IF=1: resume */
	ck_assert_int_eq(dispatch(), 1);
}
END_TEST

START_TEST(shutdown)
{
	run->exit_reason = VMM_EXIT_SHUTDOWN;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_SHUTDOWN);
}
END_TEST

START_TEST(fail_entry)
{
	run->exit_reason = VMM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = (uint64_t)-1;
	run->fail_entry.info1 = 7;
	run->fail_entry.info2 = 9;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_FAIL_ENTRY);
	ck_assert_uint_eq(st.hw_reason, (uint64_t)-1);
	ck_assert_uint_eq(st.info1, 7);
	ck_assert_uint_eq(st.info2, 9);
}
END_TEST

START_TEST(internal_error)
{
	int i;

	run->exit_reason = VMM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = VMM_INTERNAL_UNKNOWN_EXIT;
	run->internal.ndata = 1;
	run->internal.data[0] = 0x7b;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_INTERNAL_ERROR);
	ck_assert_uint_eq(st.suberror, 1);
	ck_assert_uint_eq(st.ndata, 1);
	ck_assert_uint_eq(st.data[0], 0x7b);

	/* ndata is the kernel's word: clamp it to the array. */
	for (i = 0; i < 16; i++)
		run->internal.data[i] = i;
	run->internal.ndata = 1000;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_uint_eq(st.ndata, 16);
	ck_assert_uint_eq(st.data[15], 15);
}
END_TEST

START_TEST(intr_resumes_unknown_stops)
{
	run->exit_reason = VMM_EXIT_INTR;
	ck_assert_int_eq(dispatch(), 1);
	run->exit_reason = VMM_EXIT_IRQ_WINDOW_OPEN;
	ck_assert_int_eq(dispatch(), 1);
	run->exit_reason = VMM_EXIT_UNKNOWN;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_BAD_EXIT);
	run->exit_reason = 99;
	ck_assert_int_eq(dispatch(), 0);
	ck_assert_int_eq(st.reason, VMM_STOP_BAD_EXIT);
	ck_assert_uint_eq(st.exit_reason, 99);
}
END_TEST

START_TEST(stop_reason_names)
{
	ck_assert_str_eq(vmm_stop_reason_name(VMM_STOP_HALT), "halt");
	ck_assert_str_eq(vmm_stop_reason_name(VMM_STOP_SHUTDOWN), "shutdown");
	ck_assert_str_eq(vmm_stop_reason_name(VMM_STOP_STOPPED), "stopped");
	ck_assert_str_eq(vmm_stop_reason_name(100), "unknown");
}
END_TEST

/* VMM_EXIT_HYPERCALL: vmm_hypercall_handle(), the run loop's answers. */
static void hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint32_t lm)
{
	memset(run, 0, sizeof(*run));
	run->exit_reason = VMM_EXIT_HYPERCALL;
	run->hypercall.nr = nr;
	run->hypercall.args[0] = a0;
	run->hypercall.args[1] = a1;
	run->hypercall.args[2] = 3;
	run->hypercall.args[3] = 4;
	run->hypercall.args[4] = 5;
	run->hypercall.longmode = lm;
}

START_TEST(hypercall_sum_and_unknown)
{
	hypercall(VMM_HC_SUM, 1, 2, 1);
	vmm_hypercall_handle(run, NULL, -1);
	ck_assert_uint_eq(run->hypercall.ret, 15);
	hypercall(VMM_HC_SUM, ~0ULL, 2, 1);		/* wraps mod 2^64 */
	vmm_hypercall_handle(run, NULL, -1);
	ck_assert_uint_eq(run->hypercall.ret, 13);
	hypercall(VMM_HC_SUM, 0xffffffffULL, 2, 0);	/* mod 2^32 */
	vmm_hypercall_handle(run, NULL, -1);
	ck_assert_uint_eq(run->hypercall.ret, 13);
	hypercall(3, 0, 0, 1);
	vmm_hypercall_handle(run, NULL, -1);
	ck_assert_uint_eq(run->hypercall.ret, VMM_HC_ENOSYS);
	hypercall(3, 0, 0, 0);
	vmm_hypercall_handle(run, NULL, -1);
	ck_assert_uint_eq(run->hypercall.ret, (uint32_t)VMM_HC_ENOSYS);
	/* Without a fd, print is not offered. */
	hypercall(VMM_HC_PRINT, 0, 1, 1);
	vmm_hypercall_handle(run, NULL, -1);
	ck_assert_uint_eq(run->hypercall.ret, VMM_HC_ENOSYS);
	/* Through the dispatcher: answered, resumed. */
	hypercall(VMM_HC_SUM, 1, 2, 1);
	ck_assert_int_eq(vmm_run_dispatch(run, RUN_SIZE, bus, &st), 1);
	ck_assert_uint_eq(run->hypercall.ret, 15);
}
END_TEST

START_TEST(hypercall_print)
{
	struct vmm_mem *mem;
	char buf[64] = { 0 };
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(vmm_mem_create(&mem), 0);
	ck_assert_int_eq(vmm_mem_add(mem, 0x1000, 0x2000), 0);
	ck_assert_int_eq(vmm_mem_write(mem, 0x1ffc, "hello!", 6), 0);

	hypercall(VMM_HC_PRINT, 0x1ffc, 6, 1);	/* across a page: fine */
	vmm_hypercall_handle(run, mem, fds[1]);
	ck_assert_uint_eq(run->hypercall.ret, 6);
	ck_assert_int_eq(read(fds[0], buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "hello!");

	hypercall(VMM_HC_PRINT, 0x2ffc, 6, 1);	/* runs past RAM */
	vmm_hypercall_handle(run, mem, fds[1]);
	ck_assert_uint_eq(run->hypercall.ret, VMM_HC_EFAULT);
	hypercall(VMM_HC_PRINT, 0x1000, VMM_HC_PRINT_MAX + 1, 1);
	vmm_hypercall_handle(run, mem, fds[1]);
	ck_assert_uint_eq(run->hypercall.ret, VMM_HC_EFAULT);
	hypercall(VMM_HC_PRINT, 0x1000, 0, 1);
	vmm_hypercall_handle(run, mem, fds[1]);
	ck_assert_uint_eq(run->hypercall.ret, 0);

	vmm_mem_destroy(mem);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("run");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, io_out_then_in);
	tcase_add_test(tc, string_io_one_access_per_element);
	tcase_add_test(tc, string_io_fills_data_page);
	tcase_add_test(tc, io_unassigned_in_is_all_ones);
	tcase_add_test(tc, io_bad_exits_refused);
	tcase_add_test(tc, exit_port_stops);
	tcase_add_test(tc, mmio_write_read);
	tcase_add_test(tc, hlt);
	tcase_add_test(tc, shutdown);
	tcase_add_test(tc, fail_entry);
	tcase_add_test(tc, internal_error);
	tcase_add_test(tc, intr_resumes_unknown_stops);
	tcase_add_test(tc, stop_reason_names);
	tcase_add_test(tc, hypercall_sum_and_unknown);
	tcase_add_test(tc, hypercall_print);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
