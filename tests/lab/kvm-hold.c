// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-hold.c - a tiny KVM client for the lab's coexistence checks.
 *
 * Opens /dev/kvm, creates a VM and one vCPU, prints "kvm-hold: ready"
 * and sleeps until killed.  While it holds the VM, kvm_amd / kvm_intel
 * keep SVM / VMX enabled on every CPU, so insmod vmm.ko must fail with
 * EBUSY.  The other way round, with vmm.ko loaded, KVM_CREATE_VM must
 * fail (KVM cannot enable virtualization that vmm.ko owns).
 *
 * Exit status: 2 if KVM_CREATE_VM failed, 1 on any other error; it never
 * exits by itself once ready.  Built static by tests/lab/run.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm, vm, vcpu, api;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("kvm-hold: open /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		printf("kvm-hold: KVM_GET_API_VERSION: %d\n", api);
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("kvm-hold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 2;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		printf("kvm-hold: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return 1;
	}
	printf("kvm-hold: ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
