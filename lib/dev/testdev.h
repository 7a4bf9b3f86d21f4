/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * testdev.h - the test device (vmctl run --testdev), the counterpart of
 * kvm-unit-tests' pc-testdev: places where a guest can check that its
 * port I/O, string I/O and MMIO reach userspace and come back intact.
 *
 *   MMIO 0xfe000000-0xfe000fff  scratch page: plain storage, 1/2/4/8-byte
 *   I/O  0xe0-0xe3              scratch register: a 1/2/4-byte write at
 *                               0xe0 stores the value (zero-extended), a
 *                               read at 0xe0 returns its low bytes
 *   I/O  0xe4                   a 4096-byte FIFO: writes append their
 *                               bytes, reads pop them in order; an empty
 *                               FIFO reads 0xff
 *   I/O  0xe8                   event request: a 4-byte write asks the
 *                               run loop to queue an event for the vCPU
 *                               (VMM_QUEUE_EVENT) before it next enters
 *                               the guest.  Bits 7:0 vector, 10:8 type
 *                               (VMM_EVENT_*), 11 error code valid, 31:16
 *                               the error code.  A 4-byte read returns the
 *                               outcome of the last request: 0, -errno,
 *                               or 1 while it waits (-EBUSY: one waits
 *                               already)
 *   I/O  0xec                   event CR2: a 4-byte write sets the cr2
 *                               (zero-extended) of the next #PF request
 */
#ifndef VMM_DEV_TESTDEV_H
#define VMM_DEV_TESTDEV_H

#include <stdint.h>

struct vmm_bus;
struct vmm_testdev;

#define VMM_TESTDEV_MMIO_BASE	0xfe000000ULL
#define VMM_TESTDEV_MMIO_SIZE	0x1000
#define VMM_TESTDEV_SCRATCH	0xe0
#define VMM_TESTDEV_FIFO	0xe4
#define VMM_TESTDEV_FIFO_SIZE	4096
#define VMM_TESTDEV_EVENT	0xe8
#define VMM_TESTDEV_EVENT_CR2	0xec

/* The request word at VMM_TESTDEV_EVENT. */
#define VMM_TESTDEV_EV_VECTOR(w)	((w) & 0xff)
#define VMM_TESTDEV_EV_TYPE(w)		(((w) >> 8) & 7)
#define VMM_TESTDEV_EV_HAS_ERROR	(1U << 11)
#define VMM_TESTDEV_EV_ERROR(w)		((w) >> 16)

int vmm_testdev_create(struct vmm_bus *bus, struct vmm_testdev **out);
void vmm_testdev_destroy(struct vmm_testdev *t);

#endif /* VMM_DEV_TESTDEV_H */
