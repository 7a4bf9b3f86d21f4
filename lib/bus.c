// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bus.c - the port-I/O and MMIO range registry: one array per address
 * space, sorted by base, searched by bisection.  A PC has a few dozen
 * ranges, registered at start-up; lookups are what must be fast.
 *
 * Several vCPU threads dispatch into one bus.  The bus lock serializes
 * the device accesses (device models keep their state unlocked, and a
 * 16550 or fw_cfg has no business being accessed twice at once); the
 * request lock, a leaf taken with or without the bus lock, guards the
 * exit and event requests that devices raise from their handlers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

struct vmm_bus_range {
	uint64_t base;
	uint64_t len;
	vmm_bus_fn fn;
	void *opaque;
};

struct vmm_bus_space_tab {
	struct vmm_bus_range *r;
	unsigned int nr, cap;
};

struct vmm_bus {
	pthread_mutex_t lock;		/* the ranges and every device access */
	pthread_mutex_t req_lock;	/* exit_* and event_* below */
	struct vmm_bus_space_tab space[VMM_BUS_NR_SPACES];
	bool exit_requested;
	uint32_t exit_code;
	bool event_requested;
	struct vmm_event event;
	int *event_result;
};

int vmm_bus_create(struct vmm_bus **out)
{
	struct vmm_bus *bus;

	*out = NULL;
	bus = calloc(1, sizeof(*bus));
	if (!bus)
		return -ENOMEM;
	pthread_mutex_init(&bus->lock, NULL);
	pthread_mutex_init(&bus->req_lock, NULL);
	*out = bus;
	return 0;
}

void vmm_bus_destroy(struct vmm_bus *bus)
{
	unsigned int i;

	if (!bus)
		return;
	for (i = 0; i < VMM_BUS_NR_SPACES; i++)
		free(bus->space[i].r);
	pthread_mutex_destroy(&bus->req_lock);
	pthread_mutex_destroy(&bus->lock);
	free(bus);
}

/* Index of the first range whose base is > addr. */
static unsigned int upper_bound(const struct vmm_bus_space_tab *t,
				uint64_t addr)
{
	unsigned int lo = 0, hi = t->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (t->r[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The range holding addr, or NULL. */
static struct vmm_bus_range *find(const struct vmm_bus_space_tab *t,
				  uint64_t addr)
{
	unsigned int i = upper_bound(t, addr);
	struct vmm_bus_range *r;

	if (!i)
		return NULL;
	r = &t->r[i - 1];
	return addr - r->base < r->len ? r : NULL;
}

static int bus_register(struct vmm_bus *bus, enum vmm_bus_space space,
			uint64_t base, uint64_t len, vmm_bus_fn fn,
			void *opaque)
{
	struct vmm_bus_space_tab *t;
	unsigned int i;

	if ((unsigned int)space >= VMM_BUS_NR_SPACES || !fn || !len ||
	    base + len - 1 < base)
		return -EINVAL;
	if (space == VMM_BUS_PIO && base + len - 1 > 0xffff)
		return -EINVAL;
	t = &bus->space[space];

	/* The neighbours on each side of base are the only possible overlaps. */
	i = upper_bound(t, base);
	if (i && base - t->r[i - 1].base < t->r[i - 1].len)
		return -EEXIST;
	if (i < t->nr && t->r[i].base - base < len)
		return -EEXIST;

	if (t->nr == t->cap) {
		unsigned int cap = t->cap ? 2 * t->cap : 16;
		struct vmm_bus_range *r = realloc(t->r, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		t->r = r;
		t->cap = cap;
	}
	memmove(&t->r[i + 1], &t->r[i], (t->nr - i) * sizeof(*t->r));
	t->r[i] = (struct vmm_bus_range){ base, len, fn, opaque };
	t->nr++;
	return 0;
}

int vmm_bus_register(struct vmm_bus *bus, enum vmm_bus_space space,
		     uint64_t base, uint64_t len, vmm_bus_fn fn, void *opaque)
{
	int ret;

	pthread_mutex_lock(&bus->lock);
	ret = bus_register(bus, space, base, len, fn, opaque);
	pthread_mutex_unlock(&bus->lock);
	return ret;
}

static int bus_unregister(struct vmm_bus *bus, enum vmm_bus_space space,
			  uint64_t base)
{
	struct vmm_bus_space_tab *t;
	unsigned int i;

	if ((unsigned int)space >= VMM_BUS_NR_SPACES)
		return -EINVAL;
	t = &bus->space[space];
	i = upper_bound(t, base);
	if (!i || t->r[i - 1].base != base)
		return -ENOENT;
	i--;
	memmove(&t->r[i], &t->r[i + 1], (t->nr - i - 1) * sizeof(*t->r));
	t->nr--;
	return 0;
}

int vmm_bus_unregister(struct vmm_bus *bus, enum vmm_bus_space space,
		       uint64_t base)
{
	int ret;

	pthread_mutex_lock(&bus->lock);
	ret = bus_unregister(bus, space, base);
	pthread_mutex_unlock(&bus->lock);
	return ret;
}

int vmm_bus_access(struct vmm_bus *bus, enum vmm_bus_space space,
		   uint64_t addr, void *data, unsigned int len, bool is_write)
{
	struct vmm_bus_range *r;

	if ((unsigned int)space >= VMM_BUS_NR_SPACES || !len || len > 8)
		return -EINVAL;
	pthread_mutex_lock(&bus->lock);
	r = find(&bus->space[space], addr);
	/* The whole access must be inside one device's range. */
	if (!r || len > r->len - (addr - r->base)) {
		pthread_mutex_unlock(&bus->lock);
		if (!is_write)
			memset(data, 0xff, len);
		return -ENOENT;
	}
	r->fn(r->opaque, addr - r->base, data, len, is_write);
	pthread_mutex_unlock(&bus->lock);
	return 0;
}

uint64_t vmm_bus_get(const void *data, unsigned int len)
{
	const uint8_t *p = data;
	uint64_t v = 0;

	while (len--)
		v = v << 8 | p[len];
	return v;
}

void vmm_bus_put(void *data, unsigned int len, uint64_t val)
{
	uint8_t *p = data;
	unsigned int i;

	for (i = 0; i < len; i++, val >>= 8)
		p[i] = val & 0xff;
}

void vmm_bus_request_exit(struct vmm_bus *bus, uint32_t code)
{
	/* The first request wins: it is what the guest said first. */
	pthread_mutex_lock(&bus->req_lock);
	if (!bus->exit_requested) {
		bus->exit_requested = true;
		bus->exit_code = code;
	}
	pthread_mutex_unlock(&bus->req_lock);
}

bool vmm_bus_exit_requested(struct vmm_bus *bus, uint32_t *code)
{
	bool ret;

	pthread_mutex_lock(&bus->req_lock);
	ret = bus->exit_requested;
	if (ret && code)
		*code = bus->exit_code;
	pthread_mutex_unlock(&bus->req_lock);
	return ret;
}

int vmm_bus_request_event(struct vmm_bus *bus, const struct vmm_event *ev,
			  int *result)
{
	int ret = -EBUSY;

	pthread_mutex_lock(&bus->req_lock);
	if (!bus->event_requested) {
		bus->event = *ev;
		bus->event_result = result;
		bus->event_requested = true;
		ret = 0;
	}
	pthread_mutex_unlock(&bus->req_lock);
	return ret;
}

bool vmm_bus_take_event(struct vmm_bus *bus, struct vmm_event *ev,
			int **result)
{
	bool ret;

	pthread_mutex_lock(&bus->req_lock);
	ret = bus->event_requested;
	if (ret) {
		*ev = bus->event;
		*result = bus->event_result;
		bus->event_requested = false;
	}
	pthread_mutex_unlock(&bus->req_lock);
	return ret;
}
