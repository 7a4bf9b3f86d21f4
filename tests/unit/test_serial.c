// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_serial.c - unit tests of the 16550A model (lib/dev/serial.c),
 * driven through the bus as the run loop would: output reaching the fd,
 * LSR, the divisor latch, IIR/FCR, loopback and modem status, input.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "dev/serial.h"

#define COM1	VMM_SERIAL_COM1

static struct vmm_bus *bus;
static struct vmm_serial *uart;
static int out[2];		/* the pipe the UART writes to */

static void setup(void)
{
	ck_assert_int_eq(pipe2(out, O_NONBLOCK), 0);
	ck_assert_int_eq(vmm_bus_create(&bus), 0);
	ck_assert_int_eq(vmm_serial_create(bus, COM1, out[1], -1, &uart), 0);
}

static void teardown(void)
{
	vmm_serial_destroy(uart);
	vmm_bus_destroy(bus);
	close(out[0]);
	close(out[1]);
}

static void outb(uint16_t port, uint8_t v)
{
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, port, &v, 1, true), 0);
}

static uint8_t inb(uint16_t port)
{
	uint8_t v = 0;

	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, port, &v, 1, false), 0);
	return v;
}

/* What the UART wrote so far, as a string. */
static const char *output(void)
{
	static char buf[256];
	ssize_t n = read(out[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(output_reaches_fd)
{
	const char *msg = "hello, world\n";
	const char *p;

	for (p = msg; *p; p++) {
		/* What every polling driver does before each byte. */
		ck_assert(inb(COM1 + 5) & 0x20);
		outb(COM1, *p);
	}
	ck_assert_str_eq(output(), msg);
}
END_TEST

START_TEST(lsr_transmitter_empty)
{
	uint8_t lsr = inb(COM1 + 5);

	ck_assert_uint_eq(lsr & 0x20, 0x20);	/* THRE */
	ck_assert_uint_eq(lsr & 0x40, 0x40);	/* TEMT */
	ck_assert_uint_eq(lsr & 0x01, 0);	/* nothing received */
	outb(COM1, 'x');
	ck_assert_uint_eq(inb(COM1 + 5) & 0x60, 0x60);
	/* LSR is read-only. */
	outb(COM1 + 5, 0);
	ck_assert_uint_eq(inb(COM1 + 5) & 0x60, 0x60);
}
END_TEST

START_TEST(divisor_latch)
{
	/* Linux's early console: LCR.DLAB, 115200 baud, then 8N1. */
	outb(COM1 + 3, 0x83);
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	ck_assert_uint_eq(inb(COM1 + 0), 0x01);
	ck_assert_uint_eq(inb(COM1 + 1), 0x00);
	outb(COM1 + 1, 0x12);
	ck_assert_uint_eq(inb(COM1 + 1), 0x12);
	/* Divisor writes are not output. */
	ck_assert_str_eq(output(), "");
	outb(COM1 + 3, 0x03);
	ck_assert_uint_eq(inb(COM1 + 3), 0x03);
	/* With DLAB clear, offset 1 is IER again and the divisor is kept. */
	outb(COM1 + 1, 0x00);
	ck_assert_uint_eq(inb(COM1 + 1), 0x00);
	outb(COM1, 'A');
	ck_assert_str_eq(output(), "A");
	outb(COM1 + 3, 0x83);
	ck_assert_uint_eq(inb(COM1 + 0), 0x01);
	ck_assert_uint_eq(inb(COM1 + 1), 0x12);
}
END_TEST

START_TEST(scratch_register)
{
	outb(COM1 + 7, 0x5a);
	ck_assert_uint_eq(inb(COM1 + 7), 0x5a);
	outb(COM1 + 7, 0xa5);
	ck_assert_uint_eq(inb(COM1 + 7), 0xa5);
}
END_TEST

START_TEST(iir_and_fcr)
{
	/* No interrupt pending, FIFOs off. */
	ck_assert_uint_eq(inb(COM1 + 2), 0x01);
	outb(COM1 + 2, 0x07);		/* enable and clear the FIFOs */
	ck_assert_uint_eq(inb(COM1 + 2), 0xc1);
	/* Enabling the THRE interrupt raises it once. */
	outb(COM1 + 1, 0x02);
	ck_assert_uint_eq(inb(COM1 + 2), 0xc2);
	ck_assert_uint_eq(inb(COM1 + 2), 0xc1);
	outb(COM1, 'z');
	ck_assert_uint_eq(inb(COM1 + 2), 0xc2);
}
END_TEST

START_TEST(loopback)
{
	/* The 8250 driver's probe: loopback with RTS and OUT2 -> CTS, DCD. */
	outb(COM1 + 4, 0x10 | 0x0a);
	ck_assert_uint_eq(inb(COM1 + 6) & 0xf0, 0x90);
	outb(COM1 + 4, 0x10 | 0x05);
	ck_assert_uint_eq(inb(COM1 + 6) & 0xf0, 0x60);
	/* A byte sent in loopback comes back, and is not output. */
	outb(COM1, 'L');
	ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0x01);
	ck_assert_uint_eq(inb(COM1), 'L');
	ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0);
	ck_assert_str_eq(output(), "");
	outb(COM1 + 4, 0x0b);
	ck_assert_uint_eq(inb(COM1 + 6) & 0xb0, 0xb0);
	outb(COM1, 'M');
	ck_assert_str_eq(output(), "M");
}
END_TEST

START_TEST(input_queue)
{
	ck_assert_uint_eq(vmm_serial_input(uart, "ab", 2), 2);
	ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0x01);
	ck_assert_uint_eq(inb(COM1), 'a');
	ck_assert_uint_eq(inb(COM1), 'b');
	ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0);
	/* Full FIFO: the rest is refused. */
	{
		char big[VMM_SERIAL_RX_SIZE + 10];

		memset(big, 'q', sizeof(big));
		ck_assert_uint_eq(vmm_serial_input(uart, big, sizeof(big)),
				  VMM_SERIAL_RX_SIZE);
	}
	/* FCR bit 1 clears the receive FIFO. */
	outb(COM1 + 2, 0x03);
	ck_assert_uint_eq(inb(COM1 + 5) & 0x01, 0);
}
END_TEST

START_TEST(input_from_fd)
{
	int in[2];
	struct vmm_serial *com2;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(vmm_serial_create(bus, 0x2f8, out[1], in[0], &com2), 0);
	ck_assert_uint_eq(inb(0x2f8 + 5) & 0x01, 0);	/* and did not block */
	ck_assert_int_eq(write(in[1], "k", 1), 1);
	ck_assert_uint_eq(inb(0x2f8 + 5) & 0x01, 0x01);
	ck_assert_uint_eq(inb(0x2f8), 'k');
	vmm_serial_destroy(com2);
	close(in[0]);
	close(in[1]);
}
END_TEST

START_TEST(wide_access)
{
	uint8_t v[2] = { 'w', 0x00 };

	/* outw to THR: THR gets 'w', IER gets 0. */
	ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, COM1, v, 2, true), 0);
	ck_assert_str_eq(output(), "w");
	ck_assert_uint_eq(inb(COM1 + 1), 0);
}
END_TEST

START_TEST(range_and_overlap)
{
	struct vmm_serial *again;

	/* COM1 owns exactly 0x3f8-0x3ff. */
	ck_assert_int_eq(vmm_serial_create(bus, COM1 + 4, out[1], -1, &again), -EEXIST);
	ck_assert_ptr_null(again);
	{
		uint8_t v;

		ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, COM1 + 8, &v, 1, false), -ENOENT);
		ck_assert_int_eq(vmm_bus_access(bus, VMM_BUS_PIO, COM1 - 1, &v, 1, false), -ENOENT);
	}
	/* Destroy gives the ports back. */
	vmm_serial_destroy(uart);
	ck_assert_int_eq(vmm_serial_create(bus, COM1, out[1], -1, &uart), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serial");
	TCase *tc = tcase_create("serial");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, output_reaches_fd);
	tcase_add_test(tc, lsr_transmitter_empty);
	tcase_add_test(tc, divisor_latch);
	tcase_add_test(tc, scratch_register);
	tcase_add_test(tc, iir_and_fcr);
	tcase_add_test(tc, loopback);
	tcase_add_test(tc, input_queue);
	tcase_add_test(tc, input_from_fd);
	tcase_add_test(tc, wide_access);
	tcase_add_test(tc, range_and_overlap);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSITY; libcheck reads it with CK_ENV */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
