// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * testdev.c - the test device (see testdev.h): a scratch MMIO page, a
 * scratch I/O register and an I/O FIFO.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "dev/testdev.h"

struct vmm_testdev {
	struct vmm_bus *bus;
	uint8_t page[VMM_TESTDEV_MMIO_SIZE];
	uint32_t scratch;
	uint8_t fifo[VMM_TESTDEV_FIFO_SIZE];
	unsigned int fifo_head, fifo_len;
};

static void page_io(void *opaque, uint64_t offset, void *data,
		    unsigned int len, bool is_write)
{
	struct vmm_testdev *t = opaque;

	/* The bus keeps [offset, offset + len) inside the page. */
	if (is_write)
		memcpy(&t->page[offset], data, len);
	else
		memcpy(data, &t->page[offset], len);
}

static void scratch_io(void *opaque, uint64_t offset, void *data,
		       unsigned int len, bool is_write)
{
	struct vmm_testdev *t = opaque;

	if (offset) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (is_write)
		t->scratch = (uint32_t)vmm_bus_get(data, len);
	else
		vmm_bus_put(data, len, t->scratch);
}

static void fifo_io(void *opaque, uint64_t offset, void *data,
		    unsigned int len, bool is_write)
{
	struct vmm_testdev *t = opaque;
	uint8_t *p = data;
	unsigned int i;

	if (offset) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	for (i = 0; i < len; i++) {
		if (is_write) {
			/* A full FIFO drops what does not fit. */
			if (t->fifo_len == VMM_TESTDEV_FIFO_SIZE)
				continue;
			t->fifo[(t->fifo_head + t->fifo_len++) %
				VMM_TESTDEV_FIFO_SIZE] = p[i];
		} else if (!t->fifo_len) {
			p[i] = 0xff;
		} else {
			p[i] = t->fifo[t->fifo_head];
			t->fifo_head = (t->fifo_head + 1) % VMM_TESTDEV_FIFO_SIZE;
			t->fifo_len--;
		}
	}
}

int vmm_testdev_create(struct vmm_bus *bus, struct vmm_testdev **out)
{
	struct vmm_testdev *t;
	int ret;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->bus = bus;
	ret = vmm_bus_register(bus, VMM_BUS_MMIO, VMM_TESTDEV_MMIO_BASE,
			       VMM_TESTDEV_MMIO_SIZE, page_io, t);
	if (ret)
		goto free_t;
	ret = vmm_bus_register(bus, VMM_BUS_PIO, VMM_TESTDEV_SCRATCH, 4,
			       scratch_io, t);
	if (ret)
		goto unregister_page;
	ret = vmm_bus_register(bus, VMM_BUS_PIO, VMM_TESTDEV_FIFO, 4,
			       fifo_io, t);
	if (ret)
		goto unregister_scratch;
	*out = t;
	return 0;

unregister_scratch:
	vmm_bus_unregister(bus, VMM_BUS_PIO, VMM_TESTDEV_SCRATCH);
unregister_page:
	vmm_bus_unregister(bus, VMM_BUS_MMIO, VMM_TESTDEV_MMIO_BASE);
free_t:
	free(t);
	return ret;
}

void vmm_testdev_destroy(struct vmm_testdev *t)
{
	if (!t)
		return;
	vmm_bus_unregister(t->bus, VMM_BUS_PIO, VMM_TESTDEV_FIFO);
	vmm_bus_unregister(t->bus, VMM_BUS_PIO, VMM_TESTDEV_SCRATCH);
	vmm_bus_unregister(t->bus, VMM_BUS_MMIO, VMM_TESTDEV_MMIO_BASE);
	free(t);
}
