// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * run.c - the run loop: enter the guest with VMM_RUN, and turn each exit
 * into bus accesses or a reason to stop (struct vmm_exit_status).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "libvmm.h"
#include "vmm-int.h"

#define RFLAGS_IF	(1ULL << 9)

static const char *const stop_names[] = {
	[VMM_STOP_NONE]			= "running",
	[VMM_STOP_HALT]			= "halt",
	[VMM_STOP_EXIT_REQUEST]		= "exit-request",
	[VMM_STOP_SHUTDOWN]		= "shutdown",
	[VMM_STOP_FAIL_ENTRY]		= "fail-entry",
	[VMM_STOP_INTERNAL_ERROR]	= "internal-error",
	[VMM_STOP_STOPPED]		= "stopped",
	[VMM_STOP_ERROR]		= "error",
	[VMM_STOP_BAD_EXIT]		= "bad-exit",
};

const char *vmm_stop_reason_name(enum vmm_stop_reason reason)
{
	if ((unsigned int)reason >= sizeof(stop_names) / sizeof(stop_names[0]))
		return "unknown";
	return stop_names[reason];
}

static int stop(struct vmm_exit_status *st, enum vmm_stop_reason reason,
		int error)
{
	st->reason = reason;
	st->error = error;
	return 0;
}

/*
 * Port I/O: count accesses of size bytes, their data at data_offset in the
 * run area.  The offsets come from the kernel, but the run area is shared
 * memory: check them before touching anything.  String I/O (count > 1)
 * is one device access per element, in order, as the CPU would do them.
 */
static int do_io(struct vmm_run *run, size_t run_size, struct vmm_bus *bus,
		 struct vmm_exit_status *st)
{
	uint64_t off = run->io.data_offset, bytes;
	unsigned int size = run->io.size;
	uint32_t count = run->io.count, i;
	bool out = run->io.direction == VMM_EXIT_IO_OUT;
	uint8_t *data;

	if ((size != 1 && size != 2 && size != 4) || !count ||
	    (run->io.direction != VMM_EXIT_IO_IN && !out))
		return stop(st, VMM_STOP_BAD_EXIT, -EPROTO);
	bytes = (uint64_t)count * size;
	if (off < sizeof(*run) || off > run_size || bytes > run_size - off)
		return stop(st, VMM_STOP_BAD_EXIT, -EPROTO);

	data = (uint8_t *)run + off;
	for (i = 0; i < count; i++)
		vmm_bus_access(bus, VMM_BUS_PIO, run->io.port, data + i * size,
			       size, out);
	return 1;
}

static int do_mmio(struct vmm_run *run, struct vmm_bus *bus,
		   struct vmm_exit_status *st)
{
	unsigned int len = run->mmio.len;

	if (!len || len > sizeof(run->mmio.data))
		return stop(st, VMM_STOP_BAD_EXIT, -EPROTO);
	vmm_bus_access(bus, VMM_BUS_MMIO, run->mmio.phys_addr, run->mmio.data,
		       len, run->mmio.is_write);
	return 1;
}

/* VMM_HC_PRINT: the guest's bytes, as they are, to fd. */
static uint64_t hc_print(const struct vmm_mem *mem, int fd, uint64_t gpa,
			 uint64_t len)
{
	const char *p;
	uint64_t done = 0;
	ssize_t n;

	if (len > VMM_HC_PRINT_MAX || !mem)
		return VMM_HC_EFAULT;
	p = vmm_mem_ptr(mem, gpa, len);
	if (!p && len)
		return VMM_HC_EFAULT;
	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	return done;
}

void vmm_hypercall_handle(struct vmm_run *run, const struct vmm_mem *mem,
			  int fd)
{
	const __u64 *a = run->hypercall.args;
	uint64_t ret;
	unsigned int i;

	switch (run->hypercall.nr) {
	case VMM_HC_SUM:
		for (ret = 0, i = 0; i < 5; i++)
			ret += a[i];
		break;
	case VMM_HC_PRINT:
		ret = fd < 0 ? VMM_HC_ENOSYS : hc_print(mem, fd, a[0], a[1]);
		break;
	default:
		ret = VMM_HC_ENOSYS;
		break;
	}
	/* The kernel keeps the low 32 bits outside 64-bit mode. */
	if (!run->hypercall.longmode)
		ret = (uint32_t)ret;
	run->hypercall.ret = ret;
}

int vmm_run_dispatch(struct vmm_run *run, size_t run_size,
		     struct vmm_bus *bus, struct vmm_exit_status *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	st->exit_reason = run->exit_reason;
	st->rip = run->rip;
	st->rflags = run->rflags;

	switch (run->exit_reason) {
	case VMM_EXIT_IO:
		ret = do_io(run, run_size, bus, st);
		break;
	case VMM_EXIT_MMIO:
		ret = do_mmio(run, bus, st);
		break;
	case VMM_EXIT_HLT:
		/*
		 * Nothing can raise an interrupt yet, so a HLT with IF=0 is
		 * the end; with IF=1 we resume and the guest runs on past
		 * its HLT, as if an interrupt had come and gone.
		 */
		if (run->rflags & RFLAGS_IF)
			return 1;
		return stop(st, VMM_STOP_HALT, 0);
	case VMM_EXIT_SHUTDOWN:
		return stop(st, VMM_STOP_SHUTDOWN, 0);
	case VMM_EXIT_FAIL_ENTRY:
		st->hw_reason = run->fail_entry.hardware_entry_failure_reason;
		st->info1 = run->fail_entry.info1;
		st->info2 = run->fail_entry.info2;
		return stop(st, VMM_STOP_FAIL_ENTRY, 0);
	case VMM_EXIT_INTERNAL_ERROR:
		st->suberror = run->internal.suberror;
		st->ndata = run->internal.ndata;
		if (st->ndata > 16)
			st->ndata = 16;
		memcpy(st->data, run->internal.data,
		       st->ndata * sizeof(st->data[0]));
		return stop(st, VMM_STOP_INTERNAL_ERROR, 0);
	case VMM_EXIT_INTR:
		/* A signal that did not ask us to stop: go back in. */
		return 1;
	case VMM_EXIT_IRQ_WINDOW_OPEN:
		/* Asked for by whoever set request_interrupt_window. */
		return 1;
	case VMM_EXIT_HYPERCALL:
		/* No guest memory here: VMM_HC_PRINT is not offered. */
		vmm_hypercall_handle(run, NULL, -1);
		ret = 1;
		break;
	default:
		return stop(st, VMM_STOP_BAD_EXIT, -EPROTO);
	}

	if (ret == 1 && vmm_bus_exit_requested(bus, &st->code))
		return stop(st, VMM_STOP_EXIT_REQUEST, 0);
	return ret;
}

int vmm_vcpu_run_loop(struct vmm_vcpu *vcpu, struct vmm_bus *bus,
		      struct vmm_exit_status *st)
{
	struct vmm_run *run = vcpu->run;
	struct vmm_event ev;
	int ret, *result;

	for (;;) {
		if (vcpu->stop) {
			memset(st, 0, sizeof(*st));
			return stop(st, VMM_STOP_STOPPED, 0);
		}
		if (vmm_bus_take_event(bus, &ev, &result))
			*result = vmm_vcpu_queue_event(vcpu, &ev);
		ret = vmm_vcpu_run(vcpu);
		if (ret == -EINTR) {
			/*
			 * A signal: ours to stop (the check above returns),
			 * or someone else's (the terminal was resized...):
			 * then go back in, with no stale immediate_exit.
			 */
			if (!vcpu->stop)
				run->immediate_exit = 0;
			continue;
		}
		if (ret) {
			memset(st, 0, sizeof(*st));
			st->exit_reason = run->exit_reason;
			return stop(st, VMM_STOP_ERROR, ret);
		}
		if (run->exit_reason == VMM_EXIT_HYPERCALL) {
			vmm_hypercall_handle(run, vcpu->vm->mem, vcpu->hc_fd);
			continue;
		}
		if (!vmm_run_dispatch(run, vcpu->run_size, bus, st))
			return 0;
	}
}
