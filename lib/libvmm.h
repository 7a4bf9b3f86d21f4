/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvmm.h - the public interface of libvmm: opaque handles for /dev/vmm
 * (struct vmm_sys), a VM (struct vmm_vm) and a vCPU (struct vmm_vcpu),
 * guest memory (struct vmm_mem) and the run loop.
 *
 * Every function returns 0 (or a value >= 0 where said) or a negative
 * errno, and never prints or exits: the caller decides what to say.
 * The port-I/O/MMIO bus is in bus.h, device models in dev/, loaders in
 * boot/.
 */
#ifndef LIBVMM_H
#define LIBVMM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm.h"

struct vmm_sys;
struct vmm_vm;
struct vmm_vcpu;
struct vmm_mem;
struct vmm_bus;

#define VMM_DEV_PATH	"/dev/vmm"

/* ---- the system handle: /dev/vmm (sys.c) ---- */

int vmm_sys_open(struct vmm_sys **out);
/* Same on another path (tests, chroots). */
int vmm_sys_open_path(const char *path, struct vmm_sys **out);
void vmm_sys_close(struct vmm_sys *sys);
/* The module's VMM_API_VERSION (> 0), or -errno. */
int vmm_sys_api_version(struct vmm_sys *sys);
/* 0 when the module speaks our VMM_API_VERSION, else -EPROTONOSUPPORT. */
int vmm_sys_check_version(struct vmm_sys *sys);
int vmm_sys_info(struct vmm_sys *sys, struct vmm_info *info);
/* The capability's value: 0 when absent, > 0 when present; or -errno. */
int vmm_sys_check_cap(struct vmm_sys *sys, unsigned int cap);
/* VMM_GET_VCPU_MMAP_SIZE (> 0), or -errno. */
int vmm_sys_vcpu_mmap_size(struct vmm_sys *sys);

/* ---- guest-physical memory (mem.c) ---- */

/*
 * A set of non-overlapping RAM regions, each an anonymous private mapping
 * (MAP_NORESERVE: untouched memory costs nothing).  It exists without a
 * VM, so loaders can be run and tested before /dev/vmm is opened.
 */
#define VMM_MEM_MAX_REGIONS	8
/* Where RAM stops below 4 GiB in the PC layout: the hole above is MMIO. */
#define VMM_MEM_LOW_END		0xc0000000ULL
#define VMM_MEM_HIGH_START	0x100000000ULL

int vmm_mem_create(struct vmm_mem **out);
void vmm_mem_destroy(struct vmm_mem *mem);
/* Map size bytes (page multiples) of RAM at gpa; -EEXIST on overlap. */
int vmm_mem_add(struct vmm_mem *mem, uint64_t gpa, uint64_t size);
/*
 * The PC layout of size bytes of RAM: [0, min(size, 3 GiB)), and the rest
 * from 4 GiB up, leaving the hole below 4 GiB for MMIO.
 */
int vmm_mem_add_ram(struct vmm_mem *mem, uint64_t size);
/* Total RAM in bytes. */
uint64_t vmm_mem_size(const struct vmm_mem *mem);
unsigned int vmm_mem_nr_regions(const struct vmm_mem *mem);
/* Region i: -ENOENT past the last one. */
int vmm_mem_region(const struct vmm_mem *mem, unsigned int i, uint64_t *gpa,
		   uint64_t *size, void **hva);
/* Host pointer of [gpa, gpa + len) when it lies in one region, else NULL. */
void *vmm_mem_ptr(const struct vmm_mem *mem, uint64_t gpa, uint64_t len);
/* Copies; -EFAULT when the range is not RAM. */
int vmm_mem_read(const struct vmm_mem *mem, uint64_t gpa, void *buf,
		 size_t len);
int vmm_mem_write(struct vmm_mem *mem, uint64_t gpa, const void *buf,
		  size_t len);

/* ---- a VM (vm.c) ---- */

/* Checks the API version first (-EPROTONOSUPPORT on a mismatch). */
int vmm_vm_create(struct vmm_sys *sys, struct vmm_vm **out);
/* Closes the VM fd; its vCPUs must have been destroyed first. */
void vmm_vm_destroy(struct vmm_vm *vm);
int vmm_vm_fd(const struct vmm_vm *vm);
/* Registers each region of mem as a memory slot; the VM does not own mem. */
int vmm_vm_attach_mem(struct vmm_vm *vm, struct vmm_mem *mem);
/* Creates size bytes of RAM in the PC layout, owned by the VM, and attaches it. */
int vmm_vm_set_memory(struct vmm_vm *vm, uint64_t size);
/* The attached memory, or NULL. */
struct vmm_mem *vmm_vm_mem(const struct vmm_vm *vm);
int vmm_vm_set_memory_slot(struct vmm_vm *vm,
			   const struct vmm_memory_slot *slot);
int vmm_vm_set_cpuid(struct vmm_vm *vm, const struct vmm_cpuid_entry *ent,
		     unsigned int nent);
/* *nent in: room at ent; out: entries in the policy (-E2BIG if short). */
int vmm_vm_get_cpuid(struct vmm_vm *vm, struct vmm_cpuid_entry *ent,
		     unsigned int *nent);
/* VMM_ENABLE_CAP: -EINVAL for an unknown cap or bad arguments. */
int vmm_vm_enable_cap(struct vmm_vm *vm, const struct vmm_enable_cap *cap);
/*
 * VMM_CAP_HYPERCALL_EXIT with this mask: hypercall numbers (0-63) whose
 * bit is set exit to the run loop, the others get VMM_HC_ENOSYS from the
 * kernel.  Without it, VMCALL/VMMCALL raise #UD in the guest.
 */
int vmm_vm_enable_hypercall_exit(struct vmm_vm *vm, uint64_t mask);
/*
 * VMM_CAP_LAPIC: in-kernel local APICs for every vCPU created after it
 * (-EBUSY once a vCPU exists).  vCPU 0 then starts as the BSP, the others
 * wait for INIT/SIPI inside VMM_RUN, and HLT sleeps in the kernel.
 */
int vmm_vm_enable_lapic(struct vmm_vm *vm);
/*
 * VMM_SIGNAL_MSI, from any thread: the number of local APICs that took
 * the message (>= 0), -ENXIO without VMM_CAP_LAPIC, -EINVAL.
 */
int vmm_vm_signal_msi(struct vmm_vm *vm, const struct vmm_msi *msi);

/* ---- a vCPU (vcpu.c) ---- */

int vmm_vcpu_create(struct vmm_vm *vm, unsigned int id, struct vmm_vcpu **out);
void vmm_vcpu_destroy(struct vmm_vcpu *vcpu);
int vmm_vcpu_fd(const struct vmm_vcpu *vcpu);
int vmm_vcpu_get_regs(struct vmm_vcpu *vcpu, struct vmm_regs *regs);
int vmm_vcpu_set_regs(struct vmm_vcpu *vcpu, const struct vmm_regs *regs);
int vmm_vcpu_get_sregs(struct vmm_vcpu *vcpu, struct vmm_sregs *sregs);
int vmm_vcpu_set_sregs(struct vmm_vcpu *vcpu, const struct vmm_sregs *sregs);
/*
 * Events (VMM_CAP_EVENTS): queue an external interrupt, NMI or exception
 * for the guest (-EINVAL bad event, -EBUSY that slot is taken); read the
 * event state back.
 */
int vmm_vcpu_queue_event(struct vmm_vcpu *vcpu, const struct vmm_event *ev);
int vmm_vcpu_get_events(struct vmm_vcpu *vcpu, struct vmm_events *evs);
/* The local APIC's registers and the wait state (VMM_CAP_LAPIC). */
int vmm_vcpu_get_lapic(struct vmm_vcpu *vcpu, struct vmm_lapic_state *s);
int vmm_vcpu_set_lapic(struct vmm_vcpu *vcpu, const struct vmm_lapic_state *s);
int vmm_vcpu_get_mp_state(struct vmm_vcpu *vcpu, struct vmm_mp_state *mp);
int vmm_vcpu_set_mp_state(struct vmm_vcpu *vcpu,
			  const struct vmm_mp_state *mp);
/* One VMM_RUN: 0 when run area says why, -EINTR on a signal, -errno. */
int vmm_vcpu_run(struct vmm_vcpu *vcpu);
/* The shared run area (mmap of the vCPU fd) and its size in bytes. */
struct vmm_run *vmm_vcpu_run_area(const struct vmm_vcpu *vcpu);
size_t vmm_vcpu_run_size(const struct vmm_vcpu *vcpu);
/*
 * Ask vmm_vcpu_run_loop() to stop: async-signal-safe, for signal
 * handlers.  Sets vmm_run.immediate_exit, so a stop requested while the
 * vCPU thread is outside VMM_RUN is not lost.
 */
void vmm_vcpu_request_stop(struct vmm_vcpu *vcpu);
bool vmm_vcpu_stop_requested(const struct vmm_vcpu *vcpu);
/* Where VMM_HC_PRINT writes (an fd the caller owns); -1, the default:
 * VMM_HC_PRINT is not offered (VMM_HC_ENOSYS). */
void vmm_vcpu_set_hypercall_fd(struct vmm_vcpu *vcpu, int fd);

/* ---- the run loop (run.c) ---- */

enum vmm_stop_reason {
	VMM_STOP_NONE = 0,	/* still running (internal) */
	VMM_STOP_HALT,		/* HLT with interrupts off: nothing can wake it */
	VMM_STOP_EXIT_REQUEST,	/* a device ended the VM: .code (exit port) */
	VMM_STOP_SHUTDOWN,	/* triple fault */
	VMM_STOP_FAIL_ENTRY,	/* .hw_reason, .info1, .info2 */
	VMM_STOP_INTERNAL_ERROR, /* .suberror, .ndata, .data */
	VMM_STOP_STOPPED,	/* vmm_vcpu_request_stop() (a signal) */
	VMM_STOP_ERROR,		/* VMM_RUN failed: .error */
	VMM_STOP_BAD_EXIT,	/* an exit we cannot use: .exit_reason, .error */
};

struct vmm_exit_status {
	enum vmm_stop_reason reason;
	uint32_t code;		/* EXIT_REQUEST: the exit status asked for */
	int error;		/* ERROR, BAD_EXIT: -errno */
	uint32_t exit_reason;	/* the last VMM_EXIT_* */
	uint64_t rip, rflags;	/* at the last exit */
	uint64_t hw_reason, info1, info2;	/* FAIL_ENTRY */
	uint32_t suberror, ndata;		/* INTERNAL_ERROR */
	uint64_t data[16];
};

/*
 * Handle the exit described by run (run_size bytes of mapped run area)
 * against bus.  Returns 1 when the guest may be resumed, 0 when it must
 * stop, with *st filled.  Needs no kernel: the unit tests drive it with a
 * run area of their own.
 */
int vmm_run_dispatch(struct vmm_run *run, size_t run_size,
		     struct vmm_bus *bus, struct vmm_exit_status *st);
/*
 * Run the vCPU until it must stop, dispatching port I/O and MMIO to bus.
 * HLT with RFLAGS.IF set resumes the guest (no interrupt sources exist
 * yet); a VMM_RUN interrupted by a signal resumes unless
 * vmm_vcpu_request_stop() was called.  An event a device asked for
 * (vmm_bus_request_event) is queued before each VMM_RUN.  Returns 0
 * with *st filled.
 */
int vmm_vcpu_run_loop(struct vmm_vcpu *vcpu, struct vmm_bus *bus,
		      struct vmm_exit_status *st);
/* "halt", "exit-request", ... for messages and JSON. */
const char *vmm_stop_reason_name(enum vmm_stop_reason reason);

/* ---- a machine: N vCPUs, one thread each (machine.c) ---- */

/*
 * vCPU i of a machine is vCPU id i of the VM, run by a thread named
 * "vcpu/i" in its own vmm_vcpu_run_loop(); every thread dispatches into
 * the same bus.  More than one vCPU needs VMM_CAP_LAPIC (vCPUs 1..N-1
 * wait for INIT/SIPI), enabled before vmm_machine_create().
 *
 * libvmm owns VMM_MACHINE_KICK_SIGNAL while vmm_machine_run() runs: it
 * installs a handler that does nothing, and sends it to vCPU threads to
 * make their VMM_RUN return.  The vCPU threads block every other signal.
 */
#define VMM_MACHINE_MAX_VCPUS	64
#define VMM_MACHINE_KICK_SIGNAL	SIGRTMIN

struct vmm_machine;

/* Creates vCPUs 0..nr_vcpus-1 (1..VMM_MACHINE_MAX_VCPUS, else -EINVAL). */
int vmm_machine_create(struct vmm_vm *vm, struct vmm_bus *bus,
		       unsigned int nr_vcpus, struct vmm_machine **out);
/* Destroys the vCPUs too; not while vmm_machine_run() runs. */
void vmm_machine_destroy(struct vmm_machine *m);
unsigned int vmm_machine_nr_vcpus(const struct vmm_machine *m);
/* vCPU i, to set its registers before the run; NULL past the last. */
struct vmm_vcpu *vmm_machine_vcpu(const struct vmm_machine *m,
				  unsigned int i);
/*
 * Pin vCPU i's thread to host CPU host_cpu (-1: no pinning, the
 * default), from the next vmm_machine_run(); -EINVAL for a bad index or
 * CPU number.  A CPU the process may not use makes vmm_machine_run()
 * fail with -EINVAL.
 */
int vmm_machine_set_affinity(struct vmm_machine *m, unsigned int i,
			     int host_cpu);
/*
 * Run every vCPU until the first one stops; the others are then stopped
 * and all threads joined.  *st is the first stop's status (a
 * vmm_machine_request_stop() gives VMM_STOP_STOPPED), *index (may be
 * NULL) the vCPU that stopped first.  Returns 0, or -errno when the
 * threads could not be started (those that were are stopped and joined).
 * A machine runs once: stop requests are not forgotten.
 */
int vmm_machine_run(struct vmm_machine *m, struct vmm_exit_status *st,
		    unsigned int *index);
/*
 * Stop all vCPUs: async-signal-safe, for the caller's signal handlers
 * (in the thread that called vmm_machine_run(), or before it).
 */
void vmm_machine_request_stop(struct vmm_machine *m);

/*
 * The hypercalls the run loop answers (VMM_EXIT_HYPERCALL; the guest's
 * numbers must be in the mask given to vmm_vm_enable_hypercall_exit):
 *   VMM_HC_SUM    returns args[0] + ... + args[4] (mod 2^64, or 2^32
 *                 outside 64-bit mode)
 *   VMM_HC_PRINT  writes args[1] bytes of guest-physical memory at
 *                 args[0] to the hypercall fd; returns the count, or
 *                 VMM_HC_EFAULT when the range is not RAM or longer than
 *                 VMM_HC_PRINT_MAX
 * Anything else returns VMM_HC_ENOSYS.
 */
#define VMM_HC_SUM		1
#define VMM_HC_PRINT		2
#define VMM_HC_PRINT_MAX	4096
#define VMM_HC_EFAULT		((uint64_t)-14LL)
/*
 * Answer the hypercall in run (exit reason VMM_EXIT_HYPERCALL) by setting
 * run->hypercall.ret.  mem: guest RAM for VMM_HC_PRINT (may be NULL);
 * fd: where it prints (-1: VMM_HC_PRINT is VMM_HC_ENOSYS).  Needs no
 * kernel: the unit tests call it with a run area of their own.
 */
void vmm_hypercall_handle(struct vmm_run *run, const struct vmm_mem *mem,
			  int fd);

#endif /* LIBVMM_H */
