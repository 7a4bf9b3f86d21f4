// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fw_cfg.c - the firmware configuration device subset (see fw_cfg.h): a
 * selector, and a data port that reads the selected item byte by byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "dev/fw_cfg.h"

struct vmm_fw_cfg {
	struct vmm_bus *bus;
	uint64_t ram_size;
	uint16_t nr_cpus;
	uint8_t item[8];	/* the selected item's bytes */
	unsigned int len, pos;
};

/* Fill f->item for key; an unknown key is empty, so it reads as zeros. */
static void fw_cfg_select(struct vmm_fw_cfg *f, uint16_t key)
{
	f->pos = 0;
	f->len = 0;
	memset(f->item, 0, sizeof(f->item));
	switch (key) {
	case VMM_FW_CFG_SIGNATURE:
		memcpy(f->item, "QEMU", 4);
		f->len = 4;
		break;
	case VMM_FW_CFG_ID:
		vmm_bus_put(f->item, 4, VMM_FW_CFG_ID_TRADITIONAL);
		f->len = 4;
		break;
	case VMM_FW_CFG_RAM_SIZE:
		vmm_bus_put(f->item, 8, f->ram_size);
		f->len = 8;
		break;
	case VMM_FW_CFG_NB_CPUS:
		vmm_bus_put(f->item, 2, f->nr_cpus);
		f->len = 2;
		break;
	}
}

static void fw_cfg_io(void *opaque, uint64_t offset, void *data,
		      unsigned int len, bool is_write)
{
	struct vmm_fw_cfg *f = opaque;
	uint8_t *p = data;
	unsigned int i;

	if (offset == 0) {
		/* The selector: written, never read back. */
		if (is_write)
			fw_cfg_select(f, (uint16_t)vmm_bus_get(data, len));
		else
			memset(data, 0, len);
		return;
	}
	/* The data port: writes are ignored, as in QEMU since 2.4. */
	if (is_write)
		return;
	for (i = 0; i < len; i++) {
		p[i] = f->pos < f->len ? f->item[f->pos] : 0;
		if (f->pos < f->len)
			f->pos++;
	}
}

int vmm_fw_cfg_create(struct vmm_bus *bus, uint64_t ram_size,
		      uint16_t nr_cpus, struct vmm_fw_cfg **out)
{
	struct vmm_fw_cfg *f;
	int ret;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->bus = bus;
	f->ram_size = ram_size;
	f->nr_cpus = nr_cpus;
	fw_cfg_select(f, VMM_FW_CFG_SIGNATURE);
	ret = vmm_bus_register(bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_SEL, 2,
			       fw_cfg_io, f);
	if (ret) {
		free(f);
		return ret;
	}
	*out = f;
	return 0;
}

void vmm_fw_cfg_destroy(struct vmm_fw_cfg *f)
{
	if (!f)
		return;
	vmm_bus_unregister(f->bus, VMM_BUS_PIO, VMM_FW_CFG_PORT_SEL);
	free(f);
}
