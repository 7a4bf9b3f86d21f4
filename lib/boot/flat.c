// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * flat.c - the flat binary loader (see flat.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/flat.h"

void vmm_flat_defaults(struct vmm_flat *f, enum vmm_boot_mode mode)
{
	f->mode = mode;
	f->load_addr = mode == VMM_BOOT_REAL ? VMM_FLAT_LOAD_ADDR_REAL :
					       VMM_FLAT_LOAD_ADDR;
	f->entry = f->load_addr;
}

/* Where the image goes in host memory, after checking it may go there. */
static int place(struct vmm_mem *mem, const struct vmm_flat *f, uint64_t size,
		 void **dst, const char **why)
{
	uint64_t start = f->load_addr, end = start + size;

	if (end < start || !(*dst = vmm_mem_ptr(mem, start, size))) {
		*why = "the image does not fit in guest RAM";
		return -EFBIG;
	}
	/* The real-mode state needs nothing in memory; the others do. */
	if (f->mode != VMM_BOOT_REAL && size &&
	    start < VMM_BOOT_AREA_END && VMM_BOOT_AREA_START < end) {
		*why = "the image overlaps the boot structures at 0x500-0xefff";
		return -EADDRINUSE;
	}
	return 0;
}

int vmm_flat_load(struct vmm_mem *mem, const struct vmm_flat *f,
		  const void *image, size_t size, struct vmm_regs *regs,
		  struct vmm_sregs *sregs, const char **why)
{
	const char *dummy;
	void *dst;
	int ret;

	if (!why)
		why = &dummy;
	*why = NULL;
	ret = place(mem, f, size, &dst, why);
	if (ret)
		return ret;
	memcpy(dst, image, size);
	return vmm_boot_setup(mem, f->mode, f->entry, regs, sregs, why);
}

int vmm_flat_load_file(struct vmm_mem *mem, const struct vmm_flat *f,
		       const char *path, struct vmm_regs *regs,
		       struct vmm_sregs *sregs, const char **why)
{
	const char *dummy;
	struct stat stb;
	uint64_t done;
	void *dst;
	int fd, ret;

	if (!why)
		why = &dummy;
	*why = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &stb) < 0) {
		ret = -errno;
		goto close_fd;
	}
	if (!S_ISREG(stb.st_mode)) {
		ret = S_ISDIR(stb.st_mode) ? -EISDIR : -EINVAL;
		goto close_fd;
	}
	/* Read straight into guest memory: no copy of a large image. */
	ret = place(mem, f, stb.st_size, &dst, why);
	if (ret)
		goto close_fd;
	for (done = 0; done < (uint64_t)stb.st_size;) {
		ssize_t n = read(fd, (char *)dst + done, stb.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;	/* shrank under us */
			goto close_fd;
		}
		done += n;
	}
	ret = vmm_boot_setup(mem, f->mode, f->entry, regs, sregs, why);
close_fd:
	close(fd);
	return ret;
}
