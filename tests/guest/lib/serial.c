// SPDX-License-Identifier: GPL-2.0-only
/*
 * serial.c - console output on the 16550 UART at 0x3f8 (COM1).
 *
 * The UART is used as it comes out of reset: no baud rate or line
 * control set-up, because the VMM's model ignores them and a guest
 * should not depend on more of the device than it needs.  Before each
 * byte we poll the Line Status Register (base + 5) until bit 5, "THR
 * empty", is set.  The poll is bounded: a broken model must not turn
 * a test into an endless loop, it should just lose characters.
 */
#include "libtest.h"

#define UART_THR	0	/* transmit holding register (write) */
#define UART_LSR	5	/* line status register */
#define UART_LSR_THRE	0x20	/* THR empty: ready for the next byte */

void serial_putc(char c)
{
	unsigned int i;

	for (i = 0; i < 100000; i++)
		if (inb(SERIAL_PORT + UART_LSR) & UART_LSR_THRE)
			break;
	outb(SERIAL_PORT + UART_THR, (u8)c);
}

void puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}
