/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus.h - the one registry of port-I/O and MMIO ranges that the run loop
 * dispatches guest accesses into.  A device registers [base, base + len)
 * in one address space with a callback; accesses nobody claimed read as
 * all-ones and their writes are dropped, as on a PC's floating bus.
 *
 * The bus also carries the VM's exit request: a device such as the exit
 * port asks the machine to stop, and the run loop returns to its caller.
 *
 * Every function may be called from any vCPU thread: device handlers run
 * one at a time, under the bus lock (so a handler must not call
 * vmm_bus_access, vmm_bus_register or vmm_bus_unregister), and may call
 * the request functions below.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"

enum vmm_bus_space {
	VMM_BUS_PIO = 0,	/* port I/O: 0 - 0xffff */
	VMM_BUS_MMIO = 1,	/* guest-physical addresses outside RAM */
	VMM_BUS_NR_SPACES
};

/*
 * A device's handler: an access of len bytes (1, 2, 4 or 8) at offset
 * bytes into its range, entirely inside the range.  data is little-endian;
 * for a read the handler fills all len bytes.
 */
typedef void (*vmm_bus_fn)(void *opaque, uint64_t offset, void *data,
			   unsigned int len, bool is_write);

struct vmm_bus;

int vmm_bus_create(struct vmm_bus **out);
void vmm_bus_destroy(struct vmm_bus *bus);

/* -EINVAL for an empty or wrapping range, -EEXIST when it overlaps one. */
int vmm_bus_register(struct vmm_bus *bus, enum vmm_bus_space space,
		     uint64_t base, uint64_t len, vmm_bus_fn fn, void *opaque);
/* Removes the range starting exactly at base; -ENOENT when none does. */
int vmm_bus_unregister(struct vmm_bus *bus, enum vmm_bus_space space,
		       uint64_t base);

/*
 * Dispatch one access.  Returns 0 when a device took it, -ENOENT when no
 * range holds all of [addr, addr + len) (a read then got all-ones),
 * -EINVAL for a len other than 1-8.
 */
int vmm_bus_access(struct vmm_bus *bus, enum vmm_bus_space space,
		   uint64_t addr, void *data, unsigned int len, bool is_write);

/* Little-endian helpers for handlers. */
uint64_t vmm_bus_get(const void *data, unsigned int len);
void vmm_bus_put(void *data, unsigned int len, uint64_t val);

/* A device asks the VM to end with this process exit status. */
void vmm_bus_request_exit(struct vmm_bus *bus, uint32_t code);
/* True (and *code set) once some device asked. */
bool vmm_bus_exit_requested(struct vmm_bus *bus, uint32_t *code);

/*
 * A device asks for an event in the vCPU (an interrupt line, a test
 * device): the run loop passes it to VMM_QUEUE_EVENT before its next
 * VMM_RUN and stores the outcome (0 or -errno) in *result, which must
 * stay valid until then.  One request at a time: -EBUSY while one waits.
 * With several vCPUs, whichever vCPU enters the guest next takes it.
 */
int vmm_bus_request_event(struct vmm_bus *bus, const struct vmm_event *ev,
			  int *result);
/* The run loop: take the waiting request, if any. */
bool vmm_bus_take_event(struct vmm_bus *bus, struct vmm_event *ev,
			int **result);

#endif /* VMM_BUS_H */
