/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exitport.h - the exit port: a write of v ends the VM with exit status
 * (v << 1) | 1, as QEMU's isa-debug-exit does, so a test guest's status
 * can never be mistaken for 0 (success of the monitor itself).
 */
#ifndef VMM_DEV_EXITPORT_H
#define VMM_DEV_EXITPORT_H

#include <stdint.h>

struct vmm_bus;
struct vmm_exitport;

#define VMM_EXITPORT_PORT	0xf4
/* Claimed so that an outl at the port stays ours. */
#define VMM_EXITPORT_NR_PORTS	4

int vmm_exitport_create(struct vmm_bus *bus, uint16_t port,
			struct vmm_exitport **out);
void vmm_exitport_destroy(struct vmm_exitport *e);

#endif /* VMM_DEV_EXITPORT_H */
