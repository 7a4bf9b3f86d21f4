// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vm.c - a VM: its fd, memory slots, CPUID policy, capabilities and
 * interrupt messages (VMM_SIGNAL_MSI).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libvmm.h"
#include "vmm-int.h"

int vmm_vm_create(struct vmm_sys *sys, struct vmm_vm **out)
{
	struct vmm_vm *vm;
	int ret;

	*out = NULL;
	ret = vmm_sys_check_version(sys);
	if (ret)
		return ret;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->sys = sys;
	vm->fd = ioctl(sys->fd, VMM_CREATE_VM, 0);
	if (vm->fd < 0) {
		ret = -errno;
		free(vm);
		return ret;
	}
	*out = vm;
	return 0;
}

void vmm_vm_destroy(struct vmm_vm *vm)
{
	if (!vm)
		return;
	/*
	 * Close the VM before unmapping its memory: the kernel drops its
	 * nested mappings through the MMU notifier either way, but a VM
	 * whose slots point at unmapped memory is never useful.
	 */
	close(vm->fd);
	if (vm->own_mem)
		vmm_mem_destroy(vm->mem);
	free(vm);
}

int vmm_vm_fd(const struct vmm_vm *vm)
{
	return vm->fd;
}

int vmm_vm_set_memory_slot(struct vmm_vm *vm,
			   const struct vmm_memory_slot *slot)
{
	return ioctl(vm->fd, VMM_SET_MEMORY_SLOT, slot) < 0 ? -errno : 0;
}

int vmm_vm_attach_mem(struct vmm_vm *vm, struct vmm_mem *mem)
{
	unsigned int i, n = vmm_mem_nr_regions(mem);
	int ret;

	if (vm->mem)
		return -EBUSY;
	for (i = 0; i < n; i++) {
		struct vmm_memory_slot slot = { .slot = i };
		uint64_t gpa, size;
		void *hva;

		vmm_mem_region(mem, i, &gpa, &size, &hva);
		slot.guest_phys_addr = gpa;
		slot.size = size;
		slot.userspace_addr = (uint64_t)(uintptr_t)hva;
		ret = vmm_vm_set_memory_slot(vm, &slot);
		if (ret)
			goto undo_slots;
	}
	vm->mem = mem;
	vm->nr_slots = n;
	return 0;

undo_slots:
	while (i--) {
		struct vmm_memory_slot slot = { .slot = i };	/* size 0: delete */

		vmm_vm_set_memory_slot(vm, &slot);
	}
	return ret;
}

int vmm_vm_set_memory(struct vmm_vm *vm, uint64_t size)
{
	struct vmm_mem *mem;
	int ret;

	if (vm->mem)
		return -EBUSY;
	ret = vmm_mem_create(&mem);
	if (ret)
		return ret;
	ret = vmm_mem_add_ram(mem, size);
	if (!ret)
		ret = vmm_vm_attach_mem(vm, mem);
	if (ret) {
		vmm_mem_destroy(mem);
		return ret;
	}
	vm->own_mem = true;
	return 0;
}

struct vmm_mem *vmm_vm_mem(const struct vmm_vm *vm)
{
	return vm->mem;
}

int vmm_vm_set_cpuid(struct vmm_vm *vm, const struct vmm_cpuid_entry *ent,
		     unsigned int nent)
{
	struct vmm_cpuid c = {
		.nent = nent,
		.entries = (uint64_t)(uintptr_t)ent,
	};

	return ioctl(vm->fd, VMM_SET_CPUID, &c) < 0 ? -errno : 0;
}

int vmm_vm_enable_cap(struct vmm_vm *vm, const struct vmm_enable_cap *cap)
{
	return ioctl(vm->fd, VMM_ENABLE_CAP, cap) < 0 ? -errno : 0;
}

int vmm_vm_enable_hypercall_exit(struct vmm_vm *vm, uint64_t mask)
{
	struct vmm_enable_cap cap = {
		.cap = VMM_CAP_HYPERCALL_EXIT,
		.args = { mask },
	};

	return vmm_vm_enable_cap(vm, &cap);
}

int vmm_vm_enable_lapic(struct vmm_vm *vm)
{
	struct vmm_enable_cap cap = { .cap = VMM_CAP_LAPIC };

	return vmm_vm_enable_cap(vm, &cap);
}

int vmm_vm_signal_msi(struct vmm_vm *vm, const struct vmm_msi *msi)
{
	int ret = ioctl(vm->fd, VMM_SIGNAL_MSI, msi);

	return ret < 0 ? -errno : ret;
}

int vmm_vm_get_cpuid(struct vmm_vm *vm, struct vmm_cpuid_entry *ent,
		     unsigned int *nent)
{
	struct vmm_cpuid c = {
		.nent = *nent,
		.entries = (uint64_t)(uintptr_t)ent,
	};
	int ret = ioctl(vm->fd, VMM_GET_CPUID, &c) < 0 ? -errno : 0;

	/* On -E2BIG the kernel says how many entries it needs. */
	if (!ret || ret == -E2BIG)
		*nent = c.nent;
	return ret;
}
