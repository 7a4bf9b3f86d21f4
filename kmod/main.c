// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - module init and exit, the /dev/vmm misc device and its system
 * ioctls, and the one place that asks "AMD or Intel?": the backend is
 * chosen here, once, and the rest of vmm.ko calls it through vmm_ops.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "vmm.h"
#include "svm/svm.h"
#include "vmx/vmx.h"

const struct vmm_backend_ops *vmm_ops;

static long vmm_check_cap(unsigned long cap)
{
	switch (cap) {
	case VMM_CAP_NR_MEMSLOTS:
		return VMM_NR_SLOTS;
	case VMM_CAP_MAX_VCPUS:
		return VMM_MAX_VCPUS;
	case VMM_CAP_NESTED_PAGING:
	case VMM_CAP_REAL_MODE:
	case VMM_CAP_IMMEDIATE_EXIT:
	case VMM_CAP_STRING_IO:
		return 1;
	case VMM_CAP_MAX_CPUID:
		return VMM_MAX_CPUID;
	default:
		return 0;
	}
}

static long vmm_get_info(void __user *argp)
{
	struct vmm_info info;

	memset(&info, 0, sizeof(info));
	info.api_version = VMM_API_VERSION;
	info.backend = vmm_ops->backend;
	strscpy(info.backend_name, vmm_ops->name, sizeof(info.backend_name));
	info.max_vcpus = VMM_MAX_VCPUS;
	info.nr_vms = vmm_nr_vms();
	vmm_ops->fill_info(&info);
	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long vmm_dev_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case VMM_GET_API_VERSION:
		return VMM_API_VERSION;
	case VMM_CREATE_VM:
		return vmm_vm_create(arg);
	case VMM_CHECK_CAP:
		return vmm_check_cap(arg);
	case VMM_GET_VCPU_MMAP_SIZE:
		return VMM_RUN_PAGES * PAGE_SIZE;
	case VMM_GET_INFO:
		return vmm_get_info((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmm_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmm_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmm_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vmm",
	.fops	= &vmm_dev_fops,
	.mode	= 0660,
};

/* The backend choice: by CPU vendor; each backend's hardware_setup()
 * then checks the features it needs and says why it refuses. */
static const struct vmm_backend_ops *vmm_choose_backend(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		return &svm_backend_ops;
	case X86_VENDOR_INTEL:
	case X86_VENDOR_ZHAOXIN:
	case X86_VENDOR_CENTAUR:
		return &vmx_backend_ops;
	default:
		pr_err("unsupported CPU vendor\n");
		return NULL;
	}
}

static int __init vmm_init(void)
{
	int r;

	vmm_ops = vmm_choose_backend();
	if (!vmm_ops)
		return -ENODEV;

	vmm_vm_list_init();
	r = vmm_ops->hardware_setup();	/* prints its own reason on error */
	if (r)
		return r;

	r = misc_register(&vmm_dev);
	if (r) {
		pr_err("cannot register /dev/vmm: %d\n", r);
		goto err_unsetup;
	}
	pr_info("loaded, backend %s\n", vmm_ops->name);
	return 0;

err_unsetup:
	vmm_ops->hardware_unsetup();
	return r;
}

static void __exit vmm_exit(void)
{
	misc_deregister(&vmm_dev);
	vmm_ops->hardware_unsetup();
}

module_init(vmm_init);
module_exit(vmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmm: a small hypervisor (AMD-V + NPT, Intel VT-x + EPT)");
MODULE_AUTHOR("vmm developers");
