// SPDX-License-Identifier: GPL-2.0-only
/*
 * gwalk.c - translate a guest linear address through the guest's own page
 * tables, with the permission checks and #PF error code of the hardware.
 *
 * One loop serves the three paging modes; what differs is the entry size
 * (4 bytes for 32-bit paging, else 8), the index width (10 or 9 bits), the
 * number of levels (2, 3, 4) and which entries may map a large page.
 * Levels are numbered as in the SDM: 1 = PTE, 2 = PDE, 3 = PDPTE, 4 = PML4E.
 *
 * References (Intel SDM Vol. 3A): 4.1 paging modes, 4.3 32-bit paging,
 * 4.4 PAE paging, 4.5 4-level paging, 4.6 access rights, 4.7 #PF error
 * code; the entry formats are Tables 4-4..4-6, 4-8..4-11 and 4-14..4-20.
 * Not modelled: SMAP (needs RFLAGS.AC), protection keys, the reserved
 * address bits above the guest's MAXPHYADDR (not known here: bits up to
 * 51 are taken as address), and 5-level paging.
 */
#include "gwalk.h"

#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define CR4_SMEP	(1ULL << 20)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

/* Paging-structure entry bits common to all modes. */
#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PS		(1ULL << 7)
#define PTE_XD		(1ULL << 63)

/* Bits hi..lo, both included. */
#define GW_BITS(hi, lo)	((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))

#define ADDR32_MASK	GW_BITS(31, 12)	/* frame of a 4-byte entry */
#define ADDR64_MASK	GW_BITS(51, 12)	/* frame of an 8-byte entry */

enum gw_paging {
	GW_PAGING_32,		/* 4.3: 2 levels of 4-byte entries */
	GW_PAGING_PAE,		/* 4.4: 4 PDPTEs, then 2 levels */
	GW_PAGING_4LEVEL,	/* 4.5: 4 levels of 8-byte entries */
};

/* Does a present entry with PS set at this level map a page? */
static bool is_large(const struct vmm_gwalk *w, enum gw_paging paging,
		     int level, u64 pte)
{
	if (!(pte & PTE_PS))
		return false;
	if (level == 2)		/* 4 MiB needs CR4.PSE (4.3); 2 MiB always */
		return paging != GW_PAGING_32 || (w->cr4 & CR4_PSE);
	return level == 3 && paging == GW_PAGING_4LEVEL;	/* 1 GiB */
}

/*
 * The reserved bits of a present entry: any of them set is a #PF with RSVD.
 * 'shift' is the number of linear-address bits a large page maps.
 */
static u64 rsvd_bits(const struct vmm_gwalk *w, enum gw_paging paging,
		     int level, bool large, unsigned int shift)
{
	u64 rsvd = 0;

	/* Table 4-4: bit 21 of a 4-MiB PDE (20:13 are PSE-36 address bits) */
	if (paging == GW_PAGING_32)
		return large ? 1ULL << 21 : 0;
	/* Table 4-8: a PAE PDPTE has no access rights, no PS and no XD */
	if (paging == GW_PAGING_PAE && level == 3)
		return GW_BITS(63, 52) | GW_BITS(8, 5) | GW_BITS(2, 1);
	/* Tables 4-9..4-11: PAE entries have no ignored high bits */
	if (paging == GW_PAGING_PAE)
		rsvd |= GW_BITS(62, 52);
	/* XD is reserved unless EFER.NXE (4.4.2, 4.5.4) */
	if (!(w->efer & EFER_NXE))
		rsvd |= PTE_XD;
	/* Table 4-15: a PML4E cannot map a page */
	if (level == 4)
		rsvd |= PTE_PS;
	/* Tables 4-9, 4-16, 4-18: bit 12 is PAT, up to the frame is reserved */
	if (large)
		rsvd |= GW_BITS(shift - 1, 13);
	return rsvd;
}

int vmm_gwalk_translate(const struct vmm_gwalk *w, u64 gva, u32 access,
			u64 *gpa, u32 *error_code)
{
	enum gw_paging paging;
	unsigned int size, index_bits, shift;
	bool rw = true, us = true, xd = false, large;
	bool user = access & VMM_PFERR_USER;
	bool fetch = access & VMM_PFERR_FETCH;
	u64 table, index, pte, page_mask, frame;
	u32 pferr;
	int level, ret;

	*error_code = 0;

	/* 4.1.1: paging off, linear is physical (and 32 bits wide) */
	if (!(w->cr0 & CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}

	if (w->efer & EFER_LMA) {
		if (w->cr4 & CR4_LA57)
			return -EOPNOTSUPP;
		/* 4.5: bits 63:47 all equal, else #GP (the caller's job) */
		if ((u64)((s64)(gva << 16) >> 16) != gva)
			return -EINVAL;
		paging = GW_PAGING_4LEVEL;
		level = 4;
		table = w->cr3 & ADDR64_MASK;
	} else if (w->cr4 & CR4_PAE) {
		paging = GW_PAGING_PAE;
		level = 3;
		table = w->cr3 & GW_BITS(31, 5);	/* 4.4.1 */
		gva &= 0xffffffffULL;
	} else {
		paging = GW_PAGING_32;
		level = 2;
		table = w->cr3 & ADDR32_MASK;
		gva &= 0xffffffffULL;
	}
	size = paging == GW_PAGING_32 ? 4 : 8;
	index_bits = paging == GW_PAGING_32 ? 10 : 9;

	/*
	 * 4.7: W and U describe the access; I/D only when the CPU could
	 * refuse a fetch (SMEP, or PAE/4-level paging with NXE).
	 */
	pferr = access & (VMM_PFERR_WRITE | VMM_PFERR_USER);
	if (fetch && ((w->cr4 & CR4_SMEP) ||
		      (paging != GW_PAGING_32 && (w->efer & EFER_NXE))))
		pferr |= VMM_PFERR_FETCH;

	for (;; level--) {
		shift = 12 + index_bits * (level - 1);
		/* PAE's top level has 4 entries: gva < 2^32 keeps its index < 4 */
		index = (gva >> shift) & ((1U << index_bits) - 1);
		ret = w->read(w->opaque, table + index * size, size, &pte);
		if (ret)	/* our -EFAULT means #PF: keep them apart */
			return ret == -EFAULT ? -EIO : ret;
		if (size == 4)
			pte &= 0xffffffffULL;

		if (!(pte & PTE_P))
			goto page_fault;
		large = is_large(w, paging, level, pte);
		if (pte & rsvd_bits(w, paging, level, large, shift)) {
			pferr |= VMM_PFERR_PRESENT | VMM_PFERR_RSVD;
			goto page_fault;
		}

		/* 4.6: the rights are the most restrictive along the walk */
		if (!(paging == GW_PAGING_PAE && level == 3)) {
			rw = rw && (pte & PTE_RW);
			us = us && (pte & PTE_US);
			xd = xd || (pte & PTE_XD);
		}

		if (level == 1 || large)
			break;
		table = pte & (size == 4 ? ADDR32_MASK : ADDR64_MASK);
	}

	page_mask = (1ULL << shift) - 1;
	if (paging == GW_PAGING_32 && level == 2)
		/* 4-MiB page: PSE-36 puts address bits 39:32 in 20:13 */
		frame = (pte & GW_BITS(31, 22)) | (((pte >> 13) & 0xff) << 32);
	else
		frame = pte & ADDR64_MASK & ~page_mask;

	/* 4.6.1: the access rights of a present translation */
	pferr |= VMM_PFERR_PRESENT;
	if (user && !us)
		goto page_fault;
	/* supervisor writes ignore R/W unless CR0.WP */
	if ((access & VMM_PFERR_WRITE) && !rw && (user || (w->cr0 & CR0_WP)))
		goto page_fault;
	if (fetch && xd)
		goto page_fault;
	/* SMEP: no supervisor fetch from a user-mode page */
	if (fetch && !user && us && (w->cr4 & CR4_SMEP))
		goto page_fault;

	*gpa = frame | (gva & page_mask);
	return 0;

page_fault:
	*error_code = pferr;
	return -EFAULT;
}
