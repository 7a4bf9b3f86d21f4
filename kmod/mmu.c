// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmu.c - guest-physical memory: memory slots, the nested page table
 * (NPT or EPT) filled lazily on nested-page faults, and the MMU notifier
 * that takes entries away again when Linux changes the process's memory.
 *
 * Guest RAM is ordinary process memory.  Nothing is pinned: a fault looks
 * the page up with get_user_pages (which may allocate it, swap it in or
 * break COW), maps it into the nested table and drops the page reference
 * at once.  The MMU notifier's invalidate_range_start() zaps the entries of
 * any range Linux is about to change (munmap, swap-out, migration, COW,
 * MADV_DONTNEED) and makes every vCPU flush its TLB before it re-enters.
 *
 * The race between a fault and an invalidation is closed as in KVM: the
 * fault samples mmu_invalidate_seq before get_user_pages and installs the
 * entry under mmu_lock only when no invalidation ran or is running since.
 *
 * The table *walk* is here: both NPT (APM Vol. 2 15.25) and EPT (SDM
 * Vol. 3C 29.3) are 4 (or 5) levels of 512 8-byte entries indexed by
 * guest-physical address bits 56:48, 47:39, 38:30, 29:21, 20:12.  How
 * many levels, and the entry *format*, come from the backend
 * (vmm_ops->pt_levels, pte_*): NPT has as many levels as the host's own
 * paging (5 when the host runs with CR4.LA57).  Only 4 KiB leaves are
 * made.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/swap.h>
#include <asm/io.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

#include "vmm.h"

#define NPT_MAX_LEVELS	5
#define NPT_ENTRIES	512
#define NPT_GPA_BITS	48		/* what we let slots map */

static inline unsigned int npt_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (NPT_ENTRIES - 1);
}

static inline u64 npt_level_size(int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (level - 1));
}

static inline u64 *npt_table(u64 pte)
{
	return phys_to_virt(vmm_ops->pte_addr(pte));
}

/* Make sure the vCPU holds enough table pages for one fault. */
static int mmu_topup_cache(struct vmm_vcpu *vcpu)
{
	void *p;

	while (vcpu->mmu_cache_nr < NPT_MAX_LEVELS - 1) {
		p = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
		if (!p)
			return -ENOMEM;
		vcpu->mmu_cache[vcpu->mmu_cache_nr++] = p;
	}
	return 0;
}

void vmm_mmu_free_cache(struct vmm_vcpu *vcpu)
{
	while (vcpu->mmu_cache_nr)
		free_page((unsigned long)vcpu->mmu_cache[--vcpu->mmu_cache_nr]);
}

/*
 * The level-1 entry for gpa, creating missing tables from the vCPU's
 * cache.  Under mmu_lock.  Tables are never freed before the VM is, so
 * the hardware walker can never see a freed table.
 */
static u64 *npt_walk_alloc(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u64 gpa)
{
	u64 *table = vm->npt_root;
	u64 *pte;
	void *page;
	int level;

	for (level = vm->npt_levels; level > 1; level--) {
		pte = &table[npt_index(gpa, level)];
		if (!vmm_ops->pte_present(*pte)) {
			if (WARN_ON_ONCE(!vcpu->mmu_cache_nr))
				return NULL;
			page = vcpu->mmu_cache[--vcpu->mmu_cache_nr];
			WRITE_ONCE(*pte, vmm_ops->pte_table(virt_to_phys(page)));
		}
		table = npt_table(*pte);
	}
	return &table[npt_index(gpa, 1)];
}

/* Clear the leaves in [start, end) below 'table'; true if any was set. */
static bool npt_zap(u64 *table, int level, u64 base, u64 start, u64 end)
{
	u64 size = npt_level_size(level);
	bool zapped = false;
	unsigned int i;
	u64 gpa;

	for (i = 0; i < NPT_ENTRIES; i++) {
		gpa = base + i * size;
		if (gpa + size <= start || gpa >= end)
			continue;
		if (!vmm_ops->pte_present(table[i]))
			continue;
		if (level == 1) {
			WRITE_ONCE(table[i], 0);
			zapped = true;
		} else {
			zapped |= npt_zap(npt_table(table[i]), level - 1, gpa,
					  start, end);
		}
	}
	return zapped;
}

static void npt_free(u64 *table, int level)
{
	unsigned int i;

	if (level > 1)
		for (i = 0; i < NPT_ENTRIES; i++)
			if (vmm_ops->pte_present(table[i]))
				npt_free(npt_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

/* Zap guest-physical [start, end) and flush every vCPU.  Under mmu_lock. */
static void mmu_zap_gpa_range(struct vmm_vm *vm, u64 start, u64 end)
{
	if (npt_zap(vm->npt_root, vm->npt_levels, 0, start, end))
		vmm_make_all_vcpus_request(vm, VMM_REQ_TLB_FLUSH);
}

/* Zap what the slots map of host-virtual [start, end).  Under mmu_lock. */
static void mmu_zap_hva_range(struct vmm_vm *vm, unsigned long start,
			      unsigned long end)
{
	const struct vmm_slot *s;
	u64 hs, he;
	int i;

	for (i = 0; i < VMM_NR_SLOTS; i++) {
		s = &vm->slots[i];
		if (!s->size)
			continue;
		hs = max_t(u64, start, s->hva);
		he = min_t(u64, end, s->hva + s->size);
		if (hs >= he)
			continue;
		mmu_zap_gpa_range(vm, s->gpa + (hs - s->hva),
				  s->gpa + (he - s->hva));
	}
}

static inline struct vmm_vm *mn_to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct vmm_vm, mn);
}

/*
 * Linux is about to change [start, end) of the process: drop our entries
 * now, and keep faults from installing new ones until _end().
 */
static int vmm_mn_invalidate_range_start(struct mmu_notifier *mn,
					 const struct mmu_notifier_range *range)
{
	struct vmm_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidate_in_progress++;
	mmu_zap_hva_range(vm, range->start, range->end);
	spin_unlock(&vm->mmu_lock);
	return 0;
}

static void vmm_mn_invalidate_range_end(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct vmm_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidate_seq++;
	smp_wmb();
	vm->mmu_invalidate_in_progress--;
	spin_unlock(&vm->mmu_lock);
}

/* The process's address space is going away: drop everything. */
static void vmm_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct vmm_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidate_seq++;
	mmu_zap_gpa_range(vm, 0, 1ULL << NPT_GPA_BITS);
	spin_unlock(&vm->mmu_lock);
}

static const struct mmu_notifier_ops vmm_mmu_notifier_ops = {
	.invalidate_range_start	= vmm_mn_invalidate_range_start,
	.invalidate_range_end	= vmm_mn_invalidate_range_end,
	.release		= vmm_mn_release,
};

int vmm_mmu_init(struct vmm_vm *vm)
{
	int r;

	vm->npt_levels = vmm_ops->pt_levels();
	vm->npt_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vm->npt_root)
		return -ENOMEM;
	vm->npt_root_pa = virt_to_phys(vm->npt_root);

	vm->mn.ops = &vmm_mmu_notifier_ops;
	r = mmu_notifier_register(&vm->mn, vm->mm);
	if (r) {
		free_page((unsigned long)vm->npt_root);
		vm->npt_root = NULL;
	}
	return r;
}

void vmm_mmu_destroy(struct vmm_vm *vm)
{
	/* Waits for running callbacks; works after the mm has exited too. */
	mmu_notifier_unregister(&vm->mn, vm->mm);
	npt_free(vm->npt_root, vm->npt_levels);
	vm->npt_root = NULL;
}

static struct vmm_slot *mmu_find_slot(struct vmm_vm *vm, u64 gpa)
{
	struct vmm_slot *s;
	int i;

	for (i = 0; i < VMM_NR_SLOTS; i++) {
		s = &vm->slots[i];
		if (s->size && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

int vmm_set_memory_slot(struct vmm_vm *vm, const struct vmm_memory_slot *m)
{
	struct vmm_slot *old, *s;
	int i, r = 0;

	if (m->slot >= VMM_NR_SLOTS || (m->flags & ~VMM_MEM_READONLY) ||
	    m->reserved[0] || m->reserved[1])
		return -EINVAL;
	if (!PAGE_ALIGNED(m->guest_phys_addr) || !PAGE_ALIGNED(m->size) ||
	    !PAGE_ALIGNED(m->userspace_addr))
		return -EINVAL;
	if (m->size) {
		if (m->guest_phys_addr + m->size < m->guest_phys_addr ||
		    m->guest_phys_addr + m->size > (1ULL << NPT_GPA_BITS))
			return -EINVAL;
		if (m->userspace_addr + m->size < m->userspace_addr ||
		    !access_ok(u64_to_user_ptr(m->userspace_addr), m->size))
			return -EFAULT;
	}

	mutex_lock(&vm->slots_lock);
	for (i = 0; i < VMM_NR_SLOTS && m->size; i++) {
		s = &vm->slots[i];
		if (i == m->slot || !s->size)
			continue;
		if (m->guest_phys_addr < s->gpa + s->size &&
		    s->gpa < m->guest_phys_addr + m->size) {
			r = -EEXIST;
			goto out;
		}
	}

	old = &vm->slots[m->slot];
	spin_lock(&vm->mmu_lock);
	/* Whatever the old slot mapped is gone from every vCPU's view. */
	if (old->size)
		mmu_zap_gpa_range(vm, old->gpa, old->gpa + old->size);
	old->gpa = m->guest_phys_addr;
	old->size = m->size;
	old->hva = m->userspace_addr;
	old->flags = m->flags;
	spin_unlock(&vm->mmu_lock);
out:
	mutex_unlock(&vm->slots_lock);
	return r;
}

/*
 * A nested-page fault at gpa (APM 15.25.6).  RAM: map the page and resume
 * (1).  Outside every slot, or a write to a read-only slot: MMIO.
 */
int vmm_mmu_page_fault(struct vmm_vcpu *vcpu, u64 gpa, bool write,
		       bool fetch, const u8 *insn, unsigned int insn_len)
{
	struct vmm_vm *vm = vcpu->vm;
	struct vmm_slot *slot;
	unsigned long hva, seq;
	struct page *page;
	bool writable;
	u64 *pte;
	long n;
	int r;

	mutex_lock(&vm->slots_lock);
	slot = mmu_find_slot(vm, gpa);
	if (!slot || (write && (slot->flags & VMM_MEM_READONLY))) {
		mutex_unlock(&vm->slots_lock);
		/* The CPU's own access while delivering an event: there
		 * is no instruction at RIP to emulate (events.c). */
		if (vmm_events_delivering(vcpu))
			return vmm_events_delivery_error(vcpu, gpa);
		if (fetch)	/* executing from MMIO: nothing to decode */
			return vmm_internal_error(vcpu, VMM_INTERNAL_EMULATION,
						  vcpu->rip);
		return vmm_emulate_mmio(vcpu, gpa, write, insn, insn_len);
	}
	hva = slot->hva + ((gpa & PAGE_MASK) - slot->gpa);

	r = mmu_topup_cache(vcpu);
	if (r)
		goto out_unlock;

	seq = READ_ONCE(vm->mmu_invalidate_seq);
	smp_rmb();

	/*
	 * A read maps the page read-only unless it is writable in the host
	 * already: an untouched anonymous page stays the shared zero page
	 * until the guest writes it (then COW gives it a page of its own).
	 */
	writable = false;
	if (!write && !(slot->flags & VMM_MEM_READONLY) &&
	    get_user_pages_fast_only(hva, 1, FOLL_WRITE, &page) == 1) {
		writable = true;
	} else {
		n = get_user_pages_unlocked(hva, 1, &page,
					    write ? FOLL_WRITE : 0);
		if (n != 1) {
			r = n < 0 ? n : -EFAULT;
			pr_debug_ratelimited("gpa %llx hva %lx: gup %ld\n",
					     gpa, hva, n);
			goto out_unlock;
		}
		writable = write;
	}

	spin_lock(&vm->mmu_lock);
	if (vm->mmu_invalidate_in_progress || vm->mmu_invalidate_seq != seq) {
		/* The page may be stale already: fault again. */
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		r = 1;
		goto out_unlock;
	}
	pte = npt_walk_alloc(vm, vcpu, gpa);
	if (pte)
		WRITE_ONCE(*pte, vmm_ops->pte_leaf(page_to_phys(page), writable));
	spin_unlock(&vm->mmu_lock);

	/* The guest may write through the mapping behind Linux's back. */
	if (writable)
		set_page_dirty_lock(page);
	mark_page_accessed(page);
	put_page(page);
	r = pte ? 1 : -ENOMEM;
out_unlock:
	mutex_unlock(&vm->slots_lock);
	return r;
}

/* Copy to or from guest-physical memory through the slots, page by page. */
static int vmm_access_guest(struct vmm_vm *vm, u64 gpa, void *buf,
			    unsigned int len, bool write)
{
	struct vmm_slot *slot;
	unsigned int chunk;
	unsigned long hva;
	int r = 0;

	mutex_lock(&vm->slots_lock);
	while (len) {
		chunk = min_t(unsigned int, len, PAGE_SIZE - offset_in_page(gpa));
		slot = mmu_find_slot(vm, gpa);
		if (!slot || (write && (slot->flags & VMM_MEM_READONLY))) {
			r = -ENOENT;
			break;
		}
		hva = slot->hva + (gpa - slot->gpa);
		if (write ? copy_to_user((void __user *)hva, buf, chunk) :
			    copy_from_user(buf, (void __user *)hva, chunk)) {
			r = -EFAULT;
			break;
		}
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	mutex_unlock(&vm->slots_lock);
	return r;
}

int vmm_read_guest(struct vmm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	return vmm_access_guest(vm, gpa, buf, len, false);
}

int vmm_write_guest(struct vmm_vm *vm, u64 gpa, const void *buf,
		    unsigned int len)
{
	return vmm_access_guest(vm, gpa, (void *)buf, len, true);
}
