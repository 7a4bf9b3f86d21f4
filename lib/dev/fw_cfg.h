/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fw_cfg.h - a subset of QEMU's firmware configuration device, the
 * legacy I/O-port interface (QEMU docs/specs/fw_cfg.rst):
 *
 *   I/O 0x510  selector: a 16-bit write selects an item and rewinds it
 *   I/O 0x511  data: each byte read returns the item's next byte,
 *              little-endian; past the end (and for unknown keys) 0
 *
 * Items: 0x0000 signature "QEMU", 0x0001 ID (1: the traditional
 * interface, no DMA), 0x0003 RAM size (u64), 0x0005 number of CPUs (u16).
 */
#ifndef VMM_DEV_FW_CFG_H
#define VMM_DEV_FW_CFG_H

#include <stdint.h>

struct vmm_bus;
struct vmm_fw_cfg;

#define VMM_FW_CFG_PORT_SEL	0x510
#define VMM_FW_CFG_PORT_DATA	0x511

#define VMM_FW_CFG_SIGNATURE	0x0000
#define VMM_FW_CFG_ID		0x0001
#define VMM_FW_CFG_RAM_SIZE	0x0003
#define VMM_FW_CFG_NB_CPUS	0x0005

#define VMM_FW_CFG_ID_TRADITIONAL	1U

int vmm_fw_cfg_create(struct vmm_bus *bus, uint64_t ram_size,
		      uint16_t nr_cpus, struct vmm_fw_cfg **out);
void vmm_fw_cfg_destroy(struct vmm_fw_cfg *f);

#endif /* VMM_DEV_FW_CFG_H */
