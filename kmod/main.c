// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - module init and exit, the /dev/vmm misc device and its system
 * ioctls, the one place that asks "AMD or Intel?" (the backend is
 * chosen here, once, and the rest of vmm.ko calls it through vmm_ops),
 * and turning SVM/VMX on and off on each CPU: CPU hotplug, module unload
 * and reboot, through the backend's cpu_enable/cpu_disable.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/module.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/irqflags.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <asm/processor.h>

#include "vmm.h"
#include "svm/svm.h"
#include "vmx/vmx.h"

const struct vmm_backend_ops *vmm_ops;
bool vmm_rebooting;			/* vmenter.S: faults are expected */
static int vmm_cpuhp_state = -1;

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
	case VMM_CAP_EVENTS:
		return 1;
	case VMM_CAP_MAX_CPUID:
		return VMM_MAX_CPUID;
	case VMM_CAP_XSAVE:
		return vmm_xcr0_supported;
	case VMM_CAP_HYPERCALL_EXIT:
	case VMM_CAP_LAPIC:
		return 1;
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

/* ---- SVM/VMX on each CPU ---------------------------------------- */

/* Runs on @cpu, for every CPU at load and for each one that comes online
 * later; a failure at load undoes the CPUs already done. */
static int vmm_cpu_online(unsigned int cpu)
{
	return vmm_ops->cpu_enable();
}

static void vmm_cpu_disable_irqsoff(void *unused)
{
	vmm_ops->cpu_disable();
}

/* Runs on @cpu as it goes offline, and on every CPU at unload. */
static int vmm_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	vmm_ops->cpu_disable();
	local_irq_restore(flags);
	return 0;
}

/*
 * Reboot and kexec: leave SVM/VMX off on every CPU, so that the next
 * kernel (or firmware) finds the CPU as it expects (INIT is blocked in
 * VMX root operation).  Kernels since 6.6 (and some distribution 6.1
 * kernels) have cpu_emergency_register_virt_callback() for
 * crash/emergency reboots as well, but it holds a single callback that
 * kvm_amd/kvm_intel owns when loaded (a second registration WARNs), and
 * plain 6.1 does not export it: the reboot notifier covers orderly
 * reboots and kexec (kernel_kexec() runs the reboot notifier chain).
 */
static int vmm_reboot_notify(struct notifier_block *nb, unsigned long code,
			     void *unused)
{
	WRITE_ONCE(vmm_rebooting, true);
	on_each_cpu(vmm_cpu_disable_irqsoff, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block vmm_reboot_nb = {
	.notifier_call = vmm_reboot_notify,
};

static int vmm_cpus_enable(void)
{
	int r;

	vmm_rebooting = false;
	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vmm:online",
			      vmm_cpu_online, vmm_cpu_offline);
	if (r < 0)
		return r;
	vmm_cpuhp_state = r;
	register_reboot_notifier(&vmm_reboot_nb);
	return 0;
}

static void vmm_cpus_disable(void)
{
	unregister_reboot_notifier(&vmm_reboot_nb);
	cpuhp_remove_state(vmm_cpuhp_state);	/* vmm_cpu_offline() on all */
}

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
	vmm_xsave_setup();		/* XCR0 vmm supports (xsave.c) */
	vmm_msr_setup();		/* host SPEC_CTRL features (msr.c) */
	r = vmm_ops->hardware_setup();	/* prints its own reason on error */
	if (r)
		return r;
	r = vmm_cpus_enable();		/* cpu_enable() prints why it failed */
	if (r)
		goto err_unsetup;

	r = misc_register(&vmm_dev);
	if (r) {
		pr_err("cannot register /dev/vmm: %d\n", r);
		goto err_cpus_disable;
	}
	pr_info("loaded, backend %s\n", vmm_ops->name);
	return 0;

err_cpus_disable:
	vmm_cpus_disable();
err_unsetup:
	vmm_ops->hardware_unsetup();
	return r;
}

static void __exit vmm_exit(void)
{
	misc_deregister(&vmm_dev);
	vmm_cpus_disable();
	vmm_ops->hardware_unsetup();
}

module_init(vmm_init);
module_exit(vmm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmm: a small hypervisor (AMD-V + NPT, Intel VT-x + EPT)");
MODULE_AUTHOR("vmm developers");
