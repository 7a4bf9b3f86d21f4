// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * exitport.c - the exit port device (see exitport.h): turns a guest's
 * write into an exit request on the bus.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "dev/exitport.h"

struct vmm_exitport {
	struct vmm_bus *bus;
	uint16_t port;
};

static void exitport_io(void *opaque, uint64_t offset, void *data,
			unsigned int len, bool is_write)
{
	struct vmm_exitport *e = opaque;
	uint32_t v;

	if (!is_write) {
		memset(data, 0xff, len);	/* write-only, like the original */
		return;
	}
	/* Only a write at the port itself; its upper neighbours are unused. */
	if (offset)
		return;
	v = (uint32_t)vmm_bus_get(data, len);
	vmm_bus_request_exit(e->bus, (v << 1) | 1);
}

int vmm_exitport_create(struct vmm_bus *bus, uint16_t port,
			struct vmm_exitport **out)
{
	struct vmm_exitport *e;
	int ret;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->bus = bus;
	e->port = port;
	ret = vmm_bus_register(bus, VMM_BUS_PIO, port, VMM_EXITPORT_NR_PORTS,
			       exitport_io, e);
	if (ret) {
		free(e);
		return ret;
	}
	*out = e;
	return 0;
}

void vmm_exitport_destroy(struct vmm_exitport *e)
{
	if (!e)
		return;
	vmm_bus_unregister(e->bus, VMM_BUS_PIO, e->port);
	free(e);
}
