// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gwalk.c - unit tests of the guest page-table walker
 * (kmod/gwalk.c, compiled in through tests/unit/kmod_shim.c).
 *
 * Each test builds page tables in a small fake guest memory, walks them
 * in one paging mode and checks the guest-physical address, or the #PF
 * error code (SDM Vol. 3A 4.7) of the fault the guest should see.
 */
#include <check.h>
#include <stdlib.h>

#include "gwalk.h"

#define CR0_PG		0x80000000ULL
#define CR0_WP		0x00010000ULL
#define CR4_PSE		0x00000010ULL
#define CR4_PAE		0x00000020ULL
#define CR4_LA57	0x00001000ULL
#define CR4_SMEP	0x00100000ULL
#define EFER_LME	0x00000100ULL
#define EFER_LMA	0x00000400ULL
#define EFER_NXE	0x00000800ULL

#define P	0x001ULL
#define RW	0x002ULL
#define US	0x004ULL
#define PS	0x080ULL
#define PAT	0x1000ULL	/* in a large-page entry */
#define XD	(1ULL << 63)

/* #PF error code bits */
#define E_P	VMM_PFERR_PRESENT
#define E_W	VMM_PFERR_WRITE
#define E_U	VMM_PFERR_USER
#define E_RSVD	VMM_PFERR_RSVD
#define E_ID	VMM_PFERR_FETCH

/* Accesses */
#define READ	0U
#define WRITE	VMM_PFERR_WRITE
#define USER	VMM_PFERR_USER
#define FETCH	VMM_PFERR_FETCH

/* A 4-level linear address from its table indices and page offset. */
#define VA(l4, l3, l2, l1, off) \
	(((u64)(l4) << 39) | ((u64)(l3) << 30) | ((u64)(l2) << 21) | \
	 ((u64)(l1) << 12) | (off))

/* Guest RAM: page tables live in its first 64 KiB. */
#define MEM_SIZE	0x10000
static u8 mem[MEM_SIZE];
static unsigned int entry_size;	/* what every read must ask for */
static unsigned int reads;
static int read_error;		/* the reader fails with this when set */

static int mem_read(void *opaque, u64 gpa, unsigned int size, u64 *val)
{
	ck_assert_ptr_eq(opaque, mem);
	ck_assert_uint_eq(size, entry_size);
	ck_assert_msg(gpa % size == 0, "unaligned entry at %#llx", (unsigned long long)gpa);
	reads++;
	if (read_error)
		return read_error;
	if (gpa >= MEM_SIZE || MEM_SIZE - gpa < size)
		return -ENOENT;
	/*
	 * Only 'size' bytes are the entry: a 4-byte read leaves junk above
	 * them, as a reader that copies into the low half of *val would.
	 */
	*val = 0xdeadbeefdeadbeefULL;
	memcpy(val, mem + gpa, size);	/* little-endian host */
	return 0;
}

static void set32(u64 gpa, u64 v)
{
	u32 e = (u32)v;

	memcpy(mem + gpa, &e, 4);
}

static void set64(u64 gpa, u64 v)
{
	memcpy(mem + gpa, &v, 8);
}

static struct vmm_gwalk w;

static void setup(void)
{
	memset(mem, 0, sizeof(mem));
	reads = 0;
	read_error = 0;
	w = (struct vmm_gwalk){ .read = mem_read, .opaque = mem };
}

/* Expect a translation to 'want'. */
static void ok(u64 gva, u32 access, u64 want)
{
	u64 gpa = 0;
	u32 err = 0xdead;
	int ret;

	ret = vmm_gwalk_translate(&w, gva, access, &gpa, &err);
	ck_assert_msg(ret == 0, "gva %#llx access %#x: ret %d, error code %#x",
		      (unsigned long long)gva, access, ret, err);
	ck_assert_msg(gpa == want, "gva %#llx: gpa %#llx, want %#llx",
		      (unsigned long long)gva, (unsigned long long)gpa,
		      (unsigned long long)want);
}

/* Expect a #PF with error code 'want'. */
static void pf(u64 gva, u32 access, u32 want)
{
	u64 gpa = 0;
	u32 err = 0xdead;
	int ret;

	ret = vmm_gwalk_translate(&w, gva, access, &gpa, &err);
	ck_assert_msg(ret == -EFAULT, "gva %#llx access %#x: ret %d, want #PF",
		      (unsigned long long)gva, access, ret);
	ck_assert_msg(err == want, "gva %#llx access %#x: error code %#x, want %#x",
		      (unsigned long long)gva, access, err, want);
}

static int walk_ret(u64 gva, u32 access)
{
	u64 gpa;
	u32 err;

	return vmm_gwalk_translate(&w, gva, access, &gpa, &err);
}

/* ---- paging off ---- */

START_TEST(nopaging)
{
	w.cr0 = CR0_WP;
	ok(0x12345678, READ, 0x12345678);
	ok(0xffffffff12345678ULL, WRITE | USER, 0x12345678);
	ck_assert_uint_eq(reads, 0);
}
END_TEST

/* ---- 32-bit paging (SDM 4.3) ---- */

/* PD at 0x1000, PT at 0x2000, gva 0x00403123: PDE 1, PTE 3 */
static void build32(u64 pde_bits, u64 pte_bits)
{
	entry_size = 4;
	w.cr0 = CR0_PG;
	w.cr3 = 0x1000 | 0x18;		/* PWT/PCD: not address bits */
	set32(0x1000 + 1 * 4, 0x2000 | pde_bits);
	set32(0x2000 + 3 * 4, 0xabcde000 | pte_bits);
}

START_TEST(p32_4k)
{
	build32(P | RW | US, P | RW | US);
	ok(0x00403123, READ, 0xabcde123);
	ck_assert_uint_eq(reads, 2);
	ok(0x00403fff, WRITE | USER, 0xabcdefff);
	/* linear addresses are 32 bits outside long mode */
	ok(0xffffffff00403123ULL, READ, 0xabcde123);
}
END_TEST

START_TEST(p32_not_present)
{
	build32(P | RW | US, RW | US);
	pf(0x00403123, READ, 0);
	pf(0x00403123, WRITE, E_W);
	pf(0x00403123, WRITE | USER, E_W | E_U);
	/* no NX in 32-bit paging: no I/D without SMEP */
	pf(0x00403123, FETCH | USER, E_U);
	pf(0x00803123, READ, 0);	/* PDE 2 is empty */
	/* I/D needs PAE paging for NXE to count (4.7) */
	w.efer = EFER_NXE;
	pf(0x00403123, FETCH, 0);
}
END_TEST

START_TEST(p32_rights)
{
	build32(P | RW | US, P | US);		/* read-only PTE */
	ok(0x00403123, USER, 0xabcde123);
	pf(0x00403123, WRITE | USER, E_P | E_W | E_U);
	ok(0x00403123, WRITE, 0xabcde123);	/* CR0.WP = 0 */
	w.cr0 |= CR0_WP;
	pf(0x00403123, WRITE, E_P | E_W);

	build32(P | US, P | RW | US);		/* read-only PDE */
	w.cr0 |= CR0_WP;
	pf(0x00403123, WRITE | USER, E_P | E_W | E_U);
	pf(0x00403123, WRITE, E_P | E_W);

	build32(P | RW, P | RW | US);		/* supervisor PDE */
	ok(0x00403123, WRITE, 0xabcde123);
	pf(0x00403123, USER, E_P | E_U);
	build32(P | RW | US, P | RW);		/* supervisor PTE */
	pf(0x00403123, WRITE | USER, E_P | E_W | E_U);
	ok(0x00403123, FETCH, 0xabcde123);
}
END_TEST

START_TEST(p32_4m)
{
	build32(P | RW | US, P | RW | US);
	set32(0x1000 + 2 * 4, 0x12c00000 | P | RW | US | PS);
	/* without CR4.PSE, PS is ignored: the PDE points to a page table */
	set32(0x1000 + 3 * 4, 0x3000 | P | RW | US | PS);
	set32(0x3000 + 4 * 4, 0x55555000 | P | RW | US);
	ok(0x00c04321, READ, 0x55555321);
	ck_assert_uint_eq(reads, 2);

	w.cr4 = CR4_PSE;
	ok(0x00812345, READ, 0x12c12345);
	ck_assert_uint_eq(reads, 3);
	/* PSE-36: PDE bits 20:13 are address bits 39:32 */
	set32(0x1000 + 2 * 4, 0x12c00000 | (0x05 << 13) | P | RW | US | PS);
	ok(0x00812345, WRITE | USER, 0x512c12345ULL);
	/* bit 21 is reserved */
	set32(0x1000 + 2 * 4, 0x12c00000 | (1 << 21) | P | RW | US | PS);
	pf(0x00812345, READ, E_P | E_RSVD);
	pf(0x00812345, WRITE | USER, E_P | E_RSVD | E_W | E_U);
	/* a read-only supervisor 4 MiB page */
	set32(0x1000 + 2 * 4, 0x12c00000 | P | PS);
	w.cr0 |= CR0_WP;
	pf(0x00812345, USER, E_P | E_U);
	pf(0x00812345, WRITE, E_P | E_W);
}
END_TEST

START_TEST(p32_smep)
{
	build32(P | RW | US, P | RW | US);
	ok(0x00403123, FETCH, 0xabcde123);
	w.cr4 = CR4_SMEP;
	pf(0x00403123, FETCH, E_P | E_ID);
	ok(0x00403123, FETCH | USER, 0xabcde123);
	ok(0x00403123, READ, 0xabcde123);
	/* with SMEP, a fetch sets I/D even in 32-bit paging */
	set32(0x2000 + 3 * 4, 0);
	pf(0x00403123, FETCH | USER, E_U | E_ID);
	/* a supervisor page is fine for a supervisor fetch */
	build32(P | RW, P | RW | US);
	w.cr4 = CR4_SMEP;
	ok(0x00403123, FETCH, 0xabcde123);
}
END_TEST

/* ---- PAE paging (SDM 4.4) ---- */

/*
 * PDPT at 0x1020 (CR3 is 32-byte aligned), PD at 0x2000, PT at 0x3000.
 * gva 0xc0603123: PDPTE 3, PDE 3, PTE 3.
 */
static void build_pae(u64 pdpte_bits, u64 pde_bits, u64 pte_bits)
{
	entry_size = 8;
	w.cr0 = CR0_PG | CR0_WP;
	w.cr4 = CR4_PAE;
	w.efer = 0;
	w.cr3 = 0x1020 | 0x18;
	set64(0x1020 + 3 * 8, 0x2000 | pdpte_bits);
	set64(0x2000 + 3 * 8, 0x3000 | pde_bits);
	set64(0x3000 + 3 * 8, 0x123456789000ULL | pte_bits);
}

START_TEST(pae_4k)
{
	build_pae(P, P | RW | US, P | RW | US);
	ok(0xc0603123, READ, 0x123456789123ULL);
	ck_assert_uint_eq(reads, 3);
	/* the PDPTE has no R/W or U/S: it does not restrict */
	ok(0xc0603123, WRITE | USER, 0x123456789123ULL);
	ok(0xffffffffc0603123ULL, READ, 0x123456789123ULL);
	/* PDPTE 0 is at CR3[31:5], not at the page holding it */
	set64(0x1020, 0x2000 | P);
	set64(0x2000, 0x3000 | P | RW | US);
	set64(0x3000 + 5 * 8, 0x77777000 | P | RW | US);
	ok(0x00005abc, READ, 0x77777abc);
}
END_TEST

START_TEST(pae_2m)
{
	build_pae(P, P | RW | US, P | RW | US);
	set64(0x2000 + 4 * 8, 0x40000000 | P | RW | US | PS);
	ok(0xc0812345, READ, 0x40012345);
	ck_assert_uint_eq(reads, 2);
	/* PAT (bit 12) is not an address bit */
	set64(0x2000 + 4 * 8, 0x40000000 | PAT | P | RW | US | PS);
	ok(0xc09fffff, WRITE | USER, 0x401fffff);
	/* bits 20:13 are reserved */
	set64(0x2000 + 4 * 8, 0x40000000 | (1 << 13) | P | RW | US | PS);
	pf(0xc0812345, READ, E_P | E_RSVD);
	set64(0x2000 + 4 * 8, 0x40000000 | (1 << 20) | P | RW | US | PS);
	pf(0xc0812345, WRITE, E_P | E_RSVD | E_W);
}
END_TEST

START_TEST(pae_faults)
{
	build_pae(0, P | RW | US, P | RW | US);
	pf(0xc0603123, USER, E_U);		/* PDPTE not present */
	ck_assert_uint_eq(reads, 1);
	build_pae(P | RW, P | RW | US, P | RW | US);
	pf(0xc0603123, USER, E_P | E_RSVD | E_U);	/* PDPTE bit 1 */
	build_pae(P | (1ULL << 5), P | RW | US, P | RW | US);
	pf(0xc0603123, READ, E_P | E_RSVD);	/* PDPTE bit 5 */
	build_pae(P | PS, P | RW | US, P | RW | US);
	pf(0xc0603123, READ, E_P | E_RSVD);	/* PDPTE bit 7 */
	build_pae(P | (1ULL << 52), P | RW | US, P | RW | US);
	pf(0xc0603123, READ, E_P | E_RSVD);
	build_pae(P, P | RW | US, P | RW | US | (1ULL << 52));
	pf(0xc0603123, READ, E_P | E_RSVD);	/* PAE: 62:52 reserved */
	build_pae(P, P | RW | US | (1ULL << 62), P | RW | US);
	pf(0xc0603123, READ, E_P | E_RSVD);
	build_pae(P, P | RW | US, RW | US);
	pf(0xc0603123, WRITE, E_W);		/* PTE not present */
	build_pae(P, P | US, P | RW | US);
	pf(0xc0603123, WRITE, E_P | E_W);	/* CR0.WP */
	build_pae(P, P | RW, P | RW | US);
	pf(0xc0603123, USER, E_P | E_U);
}
END_TEST

START_TEST(pae_nx)
{
	/* XD without EFER.NXE is a reserved bit, and no I/D */
	build_pae(P, P | RW | US, P | RW | US | XD);
	pf(0xc0603123, FETCH, E_P | E_RSVD);
	pf(0xc0603123, READ, E_P | E_RSVD);
	/* PDPTE bit 63 is reserved even with NXE */
	build_pae(P | XD, P | RW | US, P | RW | US);
	w.efer = EFER_NXE;
	pf(0xc0603123, FETCH, E_P | E_RSVD | E_ID);

	build_pae(P, P | RW | US, P | RW | US | XD);
	w.efer = EFER_NXE;
	ok(0xc0603123, WRITE | USER, 0x123456789123ULL);
	pf(0xc0603123, FETCH, E_P | E_ID);
	pf(0xc0603123, FETCH | USER, E_P | E_U | E_ID);
	build_pae(P, P | RW | US | XD, P | RW | US);
	w.efer = EFER_NXE;
	pf(0xc0603123, FETCH, E_P | E_ID);	/* XD in the PDE */
	build_pae(P, P | RW | US, RW | US);
	w.efer = EFER_NXE;
	pf(0xc0603123, FETCH, E_ID);		/* not present: I/D still */
	pf(0xc0603123, READ, 0);
}
END_TEST

/* ---- 4-level paging (SDM 4.5) ---- */

/* PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; gva VA(5, 6, 7, 8, *) */
#define GVA64	VA(5, 6, 7, 8, 0x123)
#define GPA64	0x000fedcba9876123ULL

static void build64(u64 l4_bits, u64 l3_bits, u64 l2_bits, u64 l1_bits)
{
	entry_size = 8;
	w.cr0 = CR0_PG | CR0_WP;
	w.cr4 = CR4_PAE;
	w.efer = EFER_LME | EFER_LMA | EFER_NXE;
	w.cr3 = 0x1000 | 0x18;
	set64(0x1000 + 5 * 8, 0x2000 | l4_bits);
	set64(0x2000 + 6 * 8, 0x3000 | l3_bits);
	set64(0x3000 + 7 * 8, 0x4000 | l2_bits);
	set64(0x4000 + 8 * 8, (GPA64 & ~0xfffULL) | l1_bits);
}

#define ALL	(P | RW | US)

START_TEST(l4_4k)
{
	build64(ALL, ALL, ALL, ALL);
	ok(GVA64, READ, GPA64);
	ck_assert_uint_eq(reads, 4);
	ok(GVA64, WRITE | USER, GPA64);
	ok(GVA64, FETCH | USER, GPA64);
	/* bits 62:52 are ignored (protection keys in 62:59), not reserved */
	build64(ALL | (1ULL << 52), ALL, ALL, ALL | (0xfULL << 59));
	ok(GVA64, READ, GPA64);
	/* the upper half: PML4E 256 and up */
	set64(0x1000 + 511 * 8, 0x2000 | ALL);
	set64(0x2000 + 510 * 8, 0x3000 | ALL);
	set64(0x3000 + 1 * 8, 0x4000 | ALL);
	set64(0x4000 + 2 * 8, 0x9000 | ALL);
	ok(0xffffffff80202456ULL, READ, 0x9456);
}
END_TEST

START_TEST(l4_large)
{
	build64(ALL, ALL, ALL, ALL);
	/* 1 GiB page */
	set64(0x2000 + 6 * 8, 0x80000000ULL | PAT | ALL | PS);
	ok(VA(5, 6, 0x1ff, 0x1ff, 0xfff), WRITE, 0xbfffffffULL);
	ok(GVA64, READ, 0x80000000ULL + (7 << 21) + (8 << 12) + 0x123);
	ck_assert_uint_eq(reads, 2 + 2);
	set64(0x2000 + 6 * 8, 0x80000000ULL | (1ULL << 29) | ALL | PS);
	pf(GVA64, READ, E_P | E_RSVD);
	set64(0x2000 + 6 * 8, 0x80000000ULL | (1ULL << 13) | ALL | PS);
	pf(GVA64, WRITE | USER, E_P | E_RSVD | E_W | E_U);

	/* 2 MiB page */
	build64(ALL, ALL, ALL, ALL);
	set64(0x3000 + 7 * 8, 0x1234c00000ULL | PAT | ALL | PS);
	ok(GVA64, READ, 0x1234c08123ULL);
	set64(0x3000 + 7 * 8, 0x1234c00000ULL | (1ULL << 20) | ALL | PS);
	pf(GVA64, READ, E_P | E_RSVD);

	/* a PML4E cannot map a page */
	build64(ALL | PS, ALL, ALL, ALL);
	pf(GVA64, FETCH, E_P | E_RSVD | E_ID);
}
END_TEST

START_TEST(l4_not_present)
{
	build64(RW | US, ALL, ALL, ALL);
	pf(GVA64, READ, 0);
	ck_assert_uint_eq(reads, 1);
	build64(ALL, RW | US, ALL, ALL);
	pf(GVA64, WRITE, E_W);
	build64(ALL, ALL, RW | US, ALL);
	pf(GVA64, WRITE | USER, E_W | E_U);
	build64(ALL, ALL, ALL, RW | US);
	pf(GVA64, FETCH | USER, E_U | E_ID);
	/* not-present beats a rights violation higher up */
	build64(P | RW, RW | US, ALL, ALL);
	pf(GVA64, USER, E_U);
	/* reserved bits in a not-present entry do not matter */
	build64(ALL, ALL, RW | US | XD | (1ULL << 13) | PS, ALL);
	w.efer &= ~EFER_NXE;
	pf(GVA64, READ, 0);
}
END_TEST

START_TEST(l4_rights)
{
	/* U/S and R/W must be set at every level */
	build64(P | RW, ALL, ALL, ALL);
	pf(GVA64, USER, E_P | E_U);
	ok(GVA64, WRITE, GPA64);
	build64(ALL, P | RW, ALL, ALL);
	pf(GVA64, USER, E_P | E_U);
	build64(ALL, ALL, ALL, P | RW);
	pf(GVA64, FETCH | USER, E_P | E_U | E_ID);
	build64(P | US, ALL, ALL, ALL);
	ok(GVA64, USER, GPA64);
	pf(GVA64, WRITE | USER, E_P | E_W | E_U);
	pf(GVA64, WRITE, E_P | E_W);
	w.cr0 &= ~CR0_WP;
	ok(GVA64, WRITE, GPA64);
	pf(GVA64, WRITE | USER, E_P | E_W | E_U);
	build64(ALL, ALL, P | US, ALL);
	pf(GVA64, WRITE, E_P | E_W);
}
END_TEST

START_TEST(l4_nx_smep)
{
	build64(ALL | XD, ALL, ALL, ALL);
	ok(GVA64, WRITE | USER, GPA64);
	pf(GVA64, FETCH, E_P | E_ID);
	pf(GVA64, FETCH | USER, E_P | E_U | E_ID);
	build64(ALL, ALL | XD, ALL, ALL);
	pf(GVA64, FETCH, E_P | E_ID);
	/* no NXE: XD is reserved, and a fetch has no I/D */
	build64(ALL, ALL, ALL, ALL | XD);
	w.efer &= ~EFER_NXE;
	pf(GVA64, FETCH, E_P | E_RSVD);
	pf(GVA64, WRITE, E_P | E_RSVD | E_W);

	/* SMEP: a supervisor fetch from a user page */
	build64(ALL, ALL, ALL, ALL);
	w.cr4 |= CR4_SMEP;
	pf(GVA64, FETCH, E_P | E_ID);
	ok(GVA64, FETCH | USER, GPA64);
	ok(GVA64, WRITE, GPA64);
	build64(ALL, P | RW, ALL, ALL);		/* a supervisor page */
	w.cr4 |= CR4_SMEP;
	ok(GVA64, FETCH, GPA64);
}
END_TEST

START_TEST(l4_errors)
{
	build64(ALL, ALL, ALL, ALL);
	/* non-canonical: #GP, not #PF */
	ck_assert_int_eq(walk_ret(0x0000800000000000ULL, READ), -EINVAL);
	ck_assert_int_eq(walk_ret(0xffff7fffffffffffULL, READ), -EINVAL);
	ck_assert_int_eq(walk_ret(0x8000000000000000ULL | GVA64, READ), -EINVAL);
	ck_assert_uint_eq(reads, 0);
	/* 5-level paging is not implemented */
	w.cr4 |= CR4_LA57;
	ck_assert_int_eq(walk_ret(GVA64, READ), -EOPNOTSUPP);
	w.cr4 &= ~CR4_LA57;
	/* the reader's errors come back, its -EFAULT as -EIO */
	set64(0x3000 + 7 * 8, 0x7fff0000ULL | ALL);
	ck_assert_int_eq(walk_ret(GVA64, READ), -ENOENT);
	read_error = -EFAULT;
	ck_assert_int_eq(walk_ret(GVA64, READ), -EIO);
	read_error = -EIO;
	ck_assert_int_eq(walk_ret(GVA64, READ), -EIO);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gwalk");
	TCase *tc;
	SRunner *sr;
	int failed;

	tc = tcase_create("nopaging");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, nopaging);
	suite_add_tcase(s, tc);

	tc = tcase_create("32bit");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, p32_4k);
	tcase_add_test(tc, p32_not_present);
	tcase_add_test(tc, p32_rights);
	tcase_add_test(tc, p32_4m);
	tcase_add_test(tc, p32_smep);
	suite_add_tcase(s, tc);

	tc = tcase_create("pae");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, pae_4k);
	tcase_add_test(tc, pae_2m);
	tcase_add_test(tc, pae_faults);
	tcase_add_test(tc, pae_nx);
	suite_add_tcase(s, tc);

	tc = tcase_create("4level");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, l4_4k);
	tcase_add_test(tc, l4_large);
	tcase_add_test(tc, l4_not_present);
	tcase_add_test(tc, l4_rights);
	tcase_add_test(tc, l4_nx_smep);
	tcase_add_test(tc, l4_errors);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	/* tests/check.sh sets CK_VERBOSE; libcheck itself reads CK_VERBOSITY */
	srunner_run_all(sr, getenv("CK_VERBOSE") ? CK_VERBOSE : CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
