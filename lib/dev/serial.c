// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * serial.c - the 16550A UART model: registers, divisor latch, loopback,
 * a receive FIFO and output to a file descriptor.
 *
 * Register map (offsets from the base; National Semiconductor PC16550D
 * data sheet, table II):
 *   0 RBR (read) / THR (write); DLL when LCR.DLAB
 *   1 IER;                      DLM when LCR.DLAB
 *   2 IIR (read) / FCR (write)
 *   3 LCR  4 MCR  5 LSR  6 MSR  7 SCR
 * The transmitter is infinitely fast: LSR always reports THRE and TEMT,
 * since guests spin on THRE before every byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "bus.h"
#include "dev/serial.h"

#define UART_RBR	0
#define UART_IER	1
#define UART_IIR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* transmitter holding register empty */
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO	0xc0	/* FIFOs enabled */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define LCR_DLAB	0x80
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

struct vmm_serial {
	struct vmm_bus *bus;
	uint16_t base;
	int out_fd, in_fd;
	uint8_t ier, fcr, lcr, mcr, scr, dll, dlm;
	bool thr_int;		/* THR-empty interrupt pending (IIR shows it) */
	uint8_t rx[VMM_SERIAL_RX_SIZE];
	unsigned int rx_head, rx_len;
};

size_t vmm_serial_input(struct vmm_serial *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t n;

	for (n = 0; n < len && s->rx_len < VMM_SERIAL_RX_SIZE; n++, s->rx_len++)
		s->rx[(s->rx_head + s->rx_len) % VMM_SERIAL_RX_SIZE] = p[n];
	return n;
}

/* Top up the receive FIFO from in_fd, without blocking the vCPU. */
static void poll_input(struct vmm_serial *s)
{
	uint8_t buf[VMM_SERIAL_RX_SIZE];
	ssize_t n;

	if (s->in_fd < 0 || s->rx_len)
		return;
	n = read(s->in_fd, buf, sizeof(buf));
	if (n > 0)
		vmm_serial_input(s, buf, n);
}

static void transmit(struct vmm_serial *s, uint8_t c)
{
	ssize_t n;

	/* Loopback: the byte comes back to our own receiver (16550D 8.6). */
	if (s->mcr & MCR_LOOP) {
		vmm_serial_input(s, &c, 1);
		return;
	}
	do
		n = write(s->out_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	/* An output error loses the byte, as a cut serial cable would. */
}

static uint8_t msr(const struct vmm_serial *s)
{
	/* In loopback the modem inputs are wired to the modem outputs. */
	if (s->mcr & MCR_LOOP)
		return (s->mcr & MCR_RTS ? MSR_CTS : 0) |
		       (s->mcr & MCR_DTR ? MSR_DSR : 0) |
		       (s->mcr & MCR_OUT1 ? MSR_RI : 0) |
		       (s->mcr & MCR_OUT2 ? MSR_DCD : 0);
	return MSR_DCD | MSR_DSR | MSR_CTS;
}

static uint8_t iir(struct vmm_serial *s)
{
	uint8_t fifo = s->fcr & FCR_ENABLE ? IIR_FIFO : 0;

	if (s->ier & IER_RDI && s->rx_len)
		return fifo | IIR_RDI;
	if (s->ier & IER_THRI && s->thr_int) {
		/* Reading IIR with THRE as the source clears it. */
		s->thr_int = false;
		return fifo | IIR_THRI;
	}
	return fifo | IIR_NO_INT;
}

static uint8_t reg_read(struct vmm_serial *s, unsigned int reg)
{
	uint8_t c;

	switch (reg) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB)
			return s->dll;
		poll_input(s);
		if (!s->rx_len)
			return 0;
		c = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % VMM_SERIAL_RX_SIZE;
		s->rx_len--;
		return c;
	case UART_IER:
		return s->lcr & LCR_DLAB ? s->dlm : s->ier;
	case UART_IIR:
		return iir(s);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		poll_input(s);
		return LSR_THRE | LSR_TEMT | (s->rx_len ? LSR_DR : 0);
	case UART_MSR:
		return msr(s);
	default:
		return s->scr;
	}
}

static void reg_write(struct vmm_serial *s, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB) {
			s->dll = v;
			return;
		}
		transmit(s, v);
		s->thr_int = true;	/* and empty again at once */
		return;
	case UART_IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
			return;
		}
		/* Enabling THRI with THR empty raises it (16550D 8.4). */
		if (v & IER_THRI && !(s->ier & IER_THRI))
			s->thr_int = true;
		s->ier = v & 0x0f;
		return;
	case UART_IIR:
		s->fcr = v & ~(FCR_CLEAR_RX | 0x04);	/* the clear bits self-reset */
		if (v & FCR_CLEAR_RX)
			s->rx_head = s->rx_len = 0;
		return;
	case UART_LCR:
		s->lcr = v;
		return;
	case UART_MCR:
		s->mcr = v & 0x1f;
		return;
	case UART_LSR:
	case UART_MSR:
		return;		/* read-only; writes are for factory test */
	default:
		s->scr = v;
	}
}

/* A wider access is byte accesses to consecutive registers. */
static void serial_io(void *opaque, uint64_t offset, void *data,
		      unsigned int len, bool is_write)
{
	struct vmm_serial *s = opaque;
	uint8_t *p = data;
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (is_write)
			reg_write(s, offset + i, p[i]);
		else
			p[i] = reg_read(s, offset + i);
	}
}

int vmm_serial_create(struct vmm_bus *bus, uint16_t base, int out_fd,
		      int in_fd, struct vmm_serial **out)
{
	struct vmm_serial *s;
	int ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->bus = bus;
	s->base = base;
	s->out_fd = out_fd;
	s->in_fd = in_fd;
	s->dll = 12;		/* 9600 baud from the 1.8432 MHz clock */
	s->lcr = 0x03;		/* 8N1 */
	s->mcr = MCR_OUT2;
	if (in_fd >= 0) {
		int fl = fcntl(in_fd, F_GETFL);

		if (fl < 0 || fcntl(in_fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			ret = -errno;
			goto free_s;
		}
	}
	ret = vmm_bus_register(bus, VMM_BUS_PIO, base, VMM_SERIAL_NR_PORTS,
			       serial_io, s);
	if (ret)
		goto free_s;
	*out = s;
	return 0;

free_s:
	free(s);
	return ret;
}

void vmm_serial_destroy(struct vmm_serial *s)
{
	if (!s)
		return;
	vmm_bus_unregister(s->bus, VMM_BUS_PIO, s->base);
	free(s);
}
