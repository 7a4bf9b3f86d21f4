// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mem.c - guest-physical RAM: anonymous mappings placed at guest-physical
 * addresses, and bounds-checked translation from guest-physical addresses
 * to host pointers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libvmm.h"

struct vmm_mem_region {
	uint64_t gpa;
	uint64_t size;
	void *hva;
};

struct vmm_mem {
	unsigned int nr;
	struct vmm_mem_region r[VMM_MEM_MAX_REGIONS];
};

int vmm_mem_create(struct vmm_mem **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void vmm_mem_destroy(struct vmm_mem *mem)
{
	unsigned int i;

	if (!mem)
		return;
	for (i = 0; i < mem->nr; i++)
		munmap(mem->r[i].hva, mem->r[i].size);
	free(mem);
}

int vmm_mem_add(struct vmm_mem *mem, uint64_t gpa, uint64_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct vmm_mem_region *r;
	unsigned int i;
	void *hva;

	if (!size || (gpa | size) & (page - 1) || gpa + size < gpa ||
	    size > SIZE_MAX)
		return -EINVAL;
	for (i = 0; i < mem->nr; i++) {
		r = &mem->r[i];
		if (gpa < r->gpa + r->size && r->gpa < gpa + size)
			return -EEXIST;
	}
	if (mem->nr == VMM_MEM_MAX_REGIONS)
		return -ENOSPC;

	/*
	 * MAP_NORESERVE: a 64 GiB guest that touches 100 MiB costs 100 MiB.
	 * The module maps pages into the nested page tables on first access,
	 * so nothing here needs to be populated or pinned.
	 */
	hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (hva == MAP_FAILED)
		return -errno;
	/* Huge pages make the nested walk shorter; failure is harmless. */
	madvise(hva, size, MADV_HUGEPAGE);

	r = &mem->r[mem->nr++];
	r->gpa = gpa;
	r->size = size;
	r->hva = hva;
	return 0;
}

int vmm_mem_add_ram(struct vmm_mem *mem, uint64_t size)
{
	uint64_t low = size < VMM_MEM_LOW_END ? size : VMM_MEM_LOW_END;
	int ret;

	if (!size)
		return -EINVAL;
	ret = vmm_mem_add(mem, 0, low);
	if (ret || size == low)
		return ret;
	if (size - low > UINT64_MAX - VMM_MEM_HIGH_START)
		return -EINVAL;
	return vmm_mem_add(mem, VMM_MEM_HIGH_START, size - low);
}

uint64_t vmm_mem_size(const struct vmm_mem *mem)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < mem->nr; i++)
		total += mem->r[i].size;
	return total;
}

unsigned int vmm_mem_nr_regions(const struct vmm_mem *mem)
{
	return mem->nr;
}

int vmm_mem_region(const struct vmm_mem *mem, unsigned int i, uint64_t *gpa,
		   uint64_t *size, void **hva)
{
	if (i >= mem->nr)
		return -ENOENT;
	if (gpa)
		*gpa = mem->r[i].gpa;
	if (size)
		*size = mem->r[i].size;
	if (hva)
		*hva = mem->r[i].hva;
	return 0;
}

void *vmm_mem_ptr(const struct vmm_mem *mem, uint64_t gpa, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < mem->nr; i++) {
		const struct vmm_mem_region *r = &mem->r[i];

		/* Written so that no sum can wrap. */
		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    len <= r->size - (gpa - r->gpa))
			return (char *)r->hva + (gpa - r->gpa);
	}
	return NULL;
}

int vmm_mem_read(const struct vmm_mem *mem, uint64_t gpa, void *buf,
		 size_t len)
{
	const void *p = vmm_mem_ptr(mem, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vmm_mem_write(struct vmm_mem *mem, uint64_t gpa, const void *buf,
		  size_t len)
{
	void *p = vmm_mem_ptr(mem, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}
