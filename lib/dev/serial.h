/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * serial.h - a 16550A UART on the port-I/O bus (COM1 is 0x3f8-0x3ff).
 * Transmitted bytes go to a file descriptor at once; received bytes come
 * from vmm_serial_input() or, when given, a file descriptor polled when
 * the guest looks at the receiver.  No interrupts yet: guests poll LSR.
 */
#ifndef VMM_DEV_SERIAL_H
#define VMM_DEV_SERIAL_H

#include <stddef.h>
#include <stdint.h>

struct vmm_bus;
struct vmm_serial;

#define VMM_SERIAL_COM1		0x3f8
#define VMM_SERIAL_NR_PORTS	8
#define VMM_SERIAL_RX_SIZE	256

/* out_fd: where output goes; in_fd: -1 for none (made non-blocking). */
int vmm_serial_create(struct vmm_bus *bus, uint16_t base, int out_fd,
		      int in_fd, struct vmm_serial **out);
/* Unregisters from the bus; the fds stay open. */
void vmm_serial_destroy(struct vmm_serial *s);
/* Queue received bytes for the guest; returns how many fit. */
size_t vmm_serial_input(struct vmm_serial *s, const void *buf, size_t len);

#endif /* VMM_DEV_SERIAL_H */
