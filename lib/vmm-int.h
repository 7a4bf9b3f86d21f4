/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vmm-int.h - the insides of libvmm's opaque handles, shared by sys.c,
 * vm.c, vcpu.c and run.c only.
 */
#ifndef VMM_INT_H
#define VMM_INT_H

#include <signal.h>

#include "libvmm.h"

struct vmm_sys {
	int fd;
};

struct vmm_vm {
	struct vmm_sys *sys;
	int fd;
	struct vmm_mem *mem;	/* attached memory, or NULL */
	bool own_mem;		/* created by vmm_vm_set_memory() */
	unsigned int nr_slots;	/* slots registered by attach */
	unsigned int nr_vcpus;	/* alive: destroy refuses to go first */
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	unsigned int id;
	int fd;
	struct vmm_run *run;
	size_t run_size;
	volatile sig_atomic_t stop;	/* set from signal handlers */
	int hc_fd;			/* VMM_HC_PRINT output, -1: none */
};

#endif /* VMM_INT_H */
