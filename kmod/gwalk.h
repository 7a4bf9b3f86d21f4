/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gwalk.h - walking the guest's own page tables in software.
 *
 * String I/O (rep ins/outs) and MMIO instruction fetches give vmm a guest
 * *linear* address; to touch the bytes it needs the guest-physical address
 * the guest's page tables map it to.  This walker implements the four x86
 * paging modes: none, 32-bit (with 4 MiB pages when CR4.PSE), PAE, and
 * 4-level long mode (SDM Vol. 3A, chapter 4; APM Vol. 2, chapter 5).
 * Kernel-independent: the caller provides the guest-physical reader, and
 * tests/unit compiles this file too.
 */
#ifndef VMM_GWALK_H
#define VMM_GWALK_H

#include "vmm_types.h"

/* Access kind, bits as in the #PF error code (SDM Vol. 3A, 4.7). */
#define VMM_PFERR_PRESENT	(1U << 0)
#define VMM_PFERR_WRITE		(1U << 1)
#define VMM_PFERR_USER		(1U << 2)
#define VMM_PFERR_RSVD		(1U << 3)
#define VMM_PFERR_FETCH		(1U << 4)

struct vmm_gwalk {
	/* Guest paging state. */
	u64 cr0, cr3, cr4, efer;
	/*
	 * Read a page-table entry of 'size' bytes (4 or 8) at guest-physical
	 * 'gpa' into *val.  Returns 0, or a negative errno when gpa is not
	 * guest RAM.
	 */
	int (*read)(void *opaque, u64 gpa, unsigned int size, u64 *val);
	void *opaque;
};

/*
 * Translate linear address 'gva' for an access of kind 'access'
 * (VMM_PFERR_WRITE/USER/FETCH bits).  Returns 0 and *gpa; or -EFAULT with
 * *error_code set to the #PF error code the guest should see (the caller
 * injects #PF with CR2 = gva); or -EINVAL for a non-canonical address in
 * long mode (the guest should see #GP or #SS); or -EOPNOTSUPP under 5-level
 * paging (CR4.LA57); or the read callback's error (its -EFAULT becomes
 * -EIO, so that -EFAULT always means #PF).
 * Accessed/dirty bits are not set (the guest's own TLB rules allow this
 * for the accesses vmm emulates: they are re-done by the guest's refetch).
 */
int vmm_gwalk_translate(const struct vmm_gwalk *w, u64 gva, u32 access,
			u64 *gpa, u32 *error_code);

#endif /* VMM_GWALK_H */
