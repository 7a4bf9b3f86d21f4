// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vcpu.c - a vCPU: its fd, the mmapped run area, register access, one
 * VMM_RUN, and the async-signal-safe stop request.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libvmm.h"
#include "vmm-int.h"

int vmm_vcpu_create(struct vmm_vm *vm, unsigned int id, struct vmm_vcpu **out)
{
	struct vmm_vcpu *vcpu;
	int ret, size;
	void *run;

	*out = NULL;
	size = vmm_sys_vcpu_mmap_size(vm->sys);
	if (size < 0)
		return size;
	/* The run area is a message from the kernel: size-check it. */
	if ((size_t)size < sizeof(struct vmm_run))
		return -EPROTO;
	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->hc_fd = -1;
	vcpu->fd = ioctl(vm->fd, VMM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0) {
		ret = -errno;
		goto free_vcpu;
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (run == MAP_FAILED) {
		ret = -errno;
		goto close_fd;
	}
	vcpu->run = run;
	vcpu->run_size = size;
	vm->nr_vcpus++;
	*out = vcpu;
	return 0;

close_fd:
	close(vcpu->fd);
free_vcpu:
	free(vcpu);
	return ret;
}

void vmm_vcpu_destroy(struct vmm_vcpu *vcpu)
{
	if (!vcpu)
		return;
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
	vcpu->vm->nr_vcpus--;
	free(vcpu);
}

int vmm_vcpu_fd(const struct vmm_vcpu *vcpu)
{
	return vcpu->fd;
}

int vmm_vcpu_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *regs)
{
	return ioctl(vcpu->fd, VMM_GET_REGS, regs) < 0 ? -errno : 0;
}

int vmm_vcpu_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *regs)
{
	return ioctl(vcpu->fd, VMM_SET_REGS, regs) < 0 ? -errno : 0;
}

int vmm_vcpu_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *sregs)
{
	return ioctl(vcpu->fd, VMM_GET_SREGS, sregs) < 0 ? -errno : 0;
}

int vmm_vcpu_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *sregs)
{
	return ioctl(vcpu->fd, VMM_SET_SREGS, sregs) < 0 ? -errno : 0;
}

int vmm_vcpu_queue_event(struct vmm_vcpu *vcpu, const struct vmm_event *ev)
{
	return ioctl(vcpu->fd, VMM_QUEUE_EVENT, ev) < 0 ? -errno : 0;
}

int vmm_vcpu_get_events(struct vmm_vcpu *vcpu, struct vmm_events *evs)
{
	return ioctl(vcpu->fd, VMM_GET_EVENTS, evs) < 0 ? -errno : 0;
}

int vmm_vcpu_get_lapic(struct vmm_vcpu *vcpu, struct vmm_lapic_state *s)
{
	return ioctl(vcpu->fd, VMM_GET_LAPIC, s) < 0 ? -errno : 0;
}

int vmm_vcpu_set_lapic(struct vmm_vcpu *vcpu, const struct vmm_lapic_state *s)
{
	return ioctl(vcpu->fd, VMM_SET_LAPIC, s) < 0 ? -errno : 0;
}

int vmm_vcpu_get_mp_state(struct vmm_vcpu *vcpu, struct vmm_mp_state *mp)
{
	return ioctl(vcpu->fd, VMM_GET_MP_STATE, mp) < 0 ? -errno : 0;
}

int vmm_vcpu_set_mp_state(struct vmm_vcpu *vcpu,
			  const struct vmm_mp_state *mp)
{
	return ioctl(vcpu->fd, VMM_SET_MP_STATE, mp) < 0 ? -errno : 0;
}

int vmm_vcpu_run(struct vmm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, VMM_RUN, 0) < 0 ? -errno : 0;
}

struct vmm_run *vmm_vcpu_run_area(const struct vmm_vcpu *vcpu)
{
	return vcpu->run;
}

size_t vmm_vcpu_run_size(const struct vmm_vcpu *vcpu)
{
	return vcpu->run_size;
}

void vmm_vcpu_request_stop(struct vmm_vcpu *vcpu)
{
	/*
	 * The flag says "stop" to the run loop; immediate_exit makes the
	 * next VMM_RUN return -EINTR before entering the guest, which
	 * closes the window between the loop's check of the flag and the
	 * ioctl.  A vCPU already in the guest is kicked out by the signal
	 * itself (VMM_RUN returns -EINTR, VMM_EXIT_INTR).
	 */
	vcpu->stop = 1;
	vcpu->run->immediate_exit = 1;
}

bool vmm_vcpu_stop_requested(const struct vmm_vcpu *vcpu)
{
	return vcpu->stop;
}

void vmm_vcpu_set_hypercall_fd(struct vmm_vcpu *vcpu, int fd)
{
	vcpu->hc_fd = fd;
}
