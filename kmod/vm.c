// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm.c - the VM object: creation, its file descriptor and ioctls, and its
 * reference-counted lifetime.
 *
 * A VM is alive while its fd or any of its vCPU fds is open: each holds a
 * reference (vm->ref).  The last vmm_vm_put() tears everything down: the
 * MMU notifier first (after that no callback can run), then the vCPUs,
 * the nested page table and the CPUID policy.  This makes every close
 * order safe, including a process that dies in the middle of VMM_RUN.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vmm.h"
#include "lapic.h"

static LIST_HEAD(vmm_vm_list);
static DEFINE_SPINLOCK(vmm_vm_list_lock);
static int vmm_vm_count;

void vmm_vm_list_init(void)
{
	vmm_vm_count = 0;
}

int vmm_nr_vms(void)
{
	return READ_ONCE(vmm_vm_count);
}

void vmm_vm_get(struct vmm_vm *vm)
{
	kref_get(&vm->ref);
}

static void vmm_vm_destroy(struct kref *ref)
{
	struct vmm_vm *vm = container_of(ref, struct vmm_vm, ref);
	int i;

	spin_lock(&vmm_vm_list_lock);
	list_del(&vm->list);
	vmm_vm_count--;
	spin_unlock(&vmm_vm_list_lock);

	/* No fd is left, so no vCPU runs: tear down in reverse order. */
	vmm_mmu_destroy(vm);		/* unregisters the MMU notifier */
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			vmm_vcpu_destroy(vm->vcpus[i]);
	vmm_ops->vm_destroy(vm);
	kfree(vm->cpuid);
	free_cpumask_var(vm->kick_mask);
	mmdrop(vm->mm);
	preempt_notifier_dec();
	kfree(vm);
}

void vmm_vm_put(struct vmm_vm *vm)
{
	kref_put(&vm->ref, vmm_vm_destroy);
}

static long vmm_vm_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct vmm_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	struct vmm_memory_slot slot;
	struct vmm_cpuid cpuid;
	struct vmm_enable_cap cap;
	struct vmm_msi msi;
	long r;

	/* The guest's memory is this process's memory (abi.md). */
	if (current->mm != vm->mm)
		return -EIO;

	switch (cmd) {
	case VMM_SET_MEMORY_SLOT:
		if (copy_from_user(&slot, argp, sizeof(slot)))
			return -EFAULT;
		return vmm_set_memory_slot(vm, &slot);
	case VMM_CREATE_VCPU:
		return vmm_vcpu_create(vm, arg);
	case VMM_SET_CPUID:
		if (copy_from_user(&cpuid, argp, sizeof(cpuid)))
			return -EFAULT;
		return vmm_cpuid_set(vm, &cpuid);
	case VMM_GET_CPUID:
		if (copy_from_user(&cpuid, argp, sizeof(cpuid)))
			return -EFAULT;
		r = vmm_cpuid_get(vm, &cpuid);
		if ((r == 0 || r == -E2BIG) &&
		    copy_to_user(argp, &cpuid, sizeof(cpuid)))
			return -EFAULT;
		return r;
	case VMM_ENABLE_CAP:
		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		return vmm_vm_enable_cap(vm, &cap);
	case VMM_SIGNAL_MSI:
		if (copy_from_user(&msi, argp, sizeof(msi)))
			return -EFAULT;
		return vmm_lapic_signal_msi(vm, &msi);
	default:
		return -ENOTTY;
	}
}

static int vmm_vm_release(struct inode *inode, struct file *filp)
{
	vmm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vmm_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vmm_vm_release,
	.unlocked_ioctl	= vmm_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct vmm_vm *vmm_vm_alloc(void)
{
	struct vmm_vm *vm;
	int r;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	if (!zalloc_cpumask_var(&vm->kick_mask, GFP_KERNEL_ACCOUNT)) {
		r = -ENOMEM;
		goto err_free_vm;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	mutex_init(&vm->slots_lock);
	spin_lock_init(&vm->mmu_lock);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	r = vmm_cpuid_init(vm);
	if (r)
		goto err_drop_mm;
	r = vmm_ops->vm_init(vm);
	if (r)
		goto err_free_cpuid;
	r = vmm_mmu_init(vm);		/* registers the MMU notifier */
	if (r)
		goto err_destroy_arch;
	return vm;

err_destroy_arch:
	vmm_ops->vm_destroy(vm);
err_free_cpuid:
	kfree(vm->cpuid);
err_drop_mm:
	mmdrop(vm->mm);
	free_cpumask_var(vm->kick_mask);
err_free_vm:
	kfree(vm);
	return ERR_PTR(r);
}

int vmm_vm_create(unsigned long flags)
{
	struct vmm_vm *vm;
	int fd;

	if (flags)
		return -EINVAL;
	if (!current->mm)
		return -EINVAL;

	vm = vmm_vm_alloc();
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	/* Preempt notifiers are a static key: on while any VM exists. */
	preempt_notifier_inc();
	spin_lock(&vmm_vm_list_lock);
	list_add(&vm->list, &vmm_vm_list);
	vmm_vm_count++;
	spin_unlock(&vmm_vm_list_lock);

	/* The fd takes over the initial reference. */
	fd = anon_inode_getfd("vmm-vm", &vmm_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		vmm_vm_put(vm);
	return fd;
}
