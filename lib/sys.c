// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sys.c - the system handle: /dev/vmm and its ioctls (API version,
 * capabilities, backend information, the vCPU mmap size).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libvmm.h"
#include "vmm-int.h"

int vmm_sys_open_path(const char *path, struct vmm_sys **out)
{
	struct vmm_sys *sys;

	*out = NULL;
	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return -ENOMEM;
	sys->fd = open(path, O_RDWR | O_CLOEXEC);
	if (sys->fd < 0) {
		int ret = -errno;

		free(sys);
		return ret;
	}
	*out = sys;
	return 0;
}

int vmm_sys_open(struct vmm_sys **out)
{
	return vmm_sys_open_path(VMM_DEV_PATH, out);
}

void vmm_sys_close(struct vmm_sys *sys)
{
	if (!sys)
		return;
	close(sys->fd);
	free(sys);
}

/* An ioctl whose non-negative result is a value. */
static int sys_ioctl(struct vmm_sys *sys, unsigned long req, unsigned long arg)
{
	int ret = ioctl(sys->fd, req, arg);

	return ret < 0 ? -errno : ret;
}

int vmm_sys_api_version(struct vmm_sys *sys)
{
	return sys_ioctl(sys, VMM_GET_API_VERSION, 0);
}

int vmm_sys_check_version(struct vmm_sys *sys)
{
	int v = vmm_sys_api_version(sys);

	if (v < 0)
		return v;
	return v == VMM_API_VERSION ? 0 : -EPROTONOSUPPORT;
}

int vmm_sys_info(struct vmm_sys *sys, struct vmm_info *info)
{
	if (ioctl(sys->fd, VMM_GET_INFO, info) < 0)
		return -errno;
	/* Never trust the kernel to terminate a string we will print. */
	info->backend_name[sizeof(info->backend_name) - 1] = '\0';
	return 0;
}

int vmm_sys_check_cap(struct vmm_sys *sys, unsigned int cap)
{
	return sys_ioctl(sys, VMM_CHECK_CAP, cap);
}

int vmm_sys_vcpu_mmap_size(struct vmm_sys *sys)
{
	return sys_ioctl(sys, VMM_GET_VCPU_MMAP_SIZE, 0);
}
