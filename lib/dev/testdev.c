// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * testdev.c - the test device (see testdev.h): a scratch MMIO page, a
 * scratch I/O register, an I/O FIFO, and event requests.
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
	int event_result;	/* of the last event request */
	uint32_t event_cr2;
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

/* A guest asks for an event: the run loop queues it (vmm_bus_take_event). */
static void event_io(void *opaque, uint64_t offset, void *data,
		     unsigned int len, bool is_write)
{
	struct vmm_testdev *t = opaque;
	struct vmm_event ev;
	uint32_t w;
	int ret;

	if ((offset != 0 && offset != 4) || len != 4) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write) {
		vmm_bus_put(data, len, offset ? t->event_cr2 :
			    (uint32_t)t->event_result);
		return;
	}
	w = (uint32_t)vmm_bus_get(data, len);
	if (offset) {
		t->event_cr2 = w;
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = VMM_TESTDEV_EV_TYPE(w);
	ev.vector = VMM_TESTDEV_EV_VECTOR(w);
	if (w & VMM_TESTDEV_EV_HAS_ERROR) {
		ev.flags = VMM_EVENT_F_ERROR_CODE;
		ev.error_code = VMM_TESTDEV_EV_ERROR(w);
	}
	if (ev.type == VMM_EVENT_EXCEPTION && ev.vector == 14)
		ev.cr2 = t->event_cr2;
	t->event_result = 1;
	ret = vmm_bus_request_event(t->bus, &ev, &t->event_result);
	if (ret)
		t->event_result = ret;
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
	ret = vmm_bus_register(bus, VMM_BUS_PIO, VMM_TESTDEV_EVENT, 8,
			       event_io, t);
	if (ret)
		goto unregister_fifo;
	*out = t;
	return 0;

unregister_fifo:
	vmm_bus_unregister(bus, VMM_BUS_PIO, VMM_TESTDEV_FIFO);
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
	vmm_bus_unregister(t->bus, VMM_BUS_PIO, VMM_TESTDEV_EVENT);
	vmm_bus_unregister(t->bus, VMM_BUS_PIO, VMM_TESTDEV_FIFO);
	vmm_bus_unregister(t->bus, VMM_BUS_PIO, VMM_TESTDEV_SCRATCH);
	vmm_bus_unregister(t->bus, VMM_BUS_MMIO, VMM_TESTDEV_MMIO_BASE);
	free(t);
}
