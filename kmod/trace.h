/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.h - tracepoints of vmm.ko: vmm:vmm_entry before each guest entry,
 * vmm:vmm_exit after each exit (the backend's raw exit code and info),
 * and the local APIC's: vmm:vmm_apic_ipi (an ICR write), vmm:vmm_apic_msi
 * (VMM_SIGNAL_MSI), vmm:vmm_apic_irq_inject (a vector handed to a vCPU).
 *
 *   echo 1 > /sys/kernel/tracing/events/vmm/enable
 *   cat /sys/kernel/tracing/trace_pipe
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmm

#if !defined(VMM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define VMM_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(vmm_entry,
	TP_PROTO(u32 vcpu_id, u64 rip),
	TP_ARGS(vcpu_id, rip),

	TP_STRUCT__entry(
		__field(u32, vcpu_id)
		__field(u64, rip)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->rip = rip;
	),

	TP_printk("vcpu %u rip 0x%llx", __entry->vcpu_id, __entry->rip)
);

TRACE_EVENT(vmm_exit,
	TP_PROTO(u32 vcpu_id, const char *isa, u64 code, u64 rip, u64 info1,
		 u64 info2),
	TP_ARGS(vcpu_id, isa, code, rip, info1, info2),

	TP_STRUCT__entry(
		__field(u32, vcpu_id)
		__field(const char *, isa)
		__field(u64, code)
		__field(u64, rip)
		__field(u64, info1)
		__field(u64, info2)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->isa = isa;
		__entry->code = code;
		__entry->rip = rip;
		__entry->info1 = info1;
		__entry->info2 = info2;
	),

	TP_printk("vcpu %u %s exit 0x%llx rip 0x%llx info1 0x%llx info2 0x%llx",
		  __entry->vcpu_id, __entry->isa, __entry->code, __entry->rip,
		  __entry->info1, __entry->info2)
);

/* An IPI: a write to the ICR of vCPU src's local APIC (lapic_irq.c). */
TRACE_EVENT(vmm_apic_ipi,
	TP_PROTO(u32 src, u32 dest, u8 vector, u8 mode, u8 shorthand),
	TP_ARGS(src, dest, vector, mode, shorthand),

	TP_STRUCT__entry(
		__field(u32, src)
		__field(u32, dest)
		__field(u8, vector)
		__field(u8, mode)
		__field(u8, shorthand)
	),

	TP_fast_assign(
		__entry->src = src;
		__entry->dest = dest;
		__entry->vector = vector;
		__entry->mode = mode;
		__entry->shorthand = shorthand;
	),

	TP_printk("vcpu %u -> dest 0x%x vector 0x%x mode %u shorthand %u",
		  __entry->src, __entry->dest, __entry->vector, __entry->mode,
		  __entry->shorthand)
);

/* VMM_SIGNAL_MSI: a message from a userspace device. */
TRACE_EVENT(vmm_apic_msi,
	TP_PROTO(u32 address_lo, u32 address_hi, u32 data),
	TP_ARGS(address_lo, address_hi, data),

	TP_STRUCT__entry(
		__field(u32, address_lo)
		__field(u32, address_hi)
		__field(u32, data)
	),

	TP_fast_assign(
		__entry->address_lo = address_lo;
		__entry->address_hi = address_hi;
		__entry->data = data;
	),

	TP_printk("address 0x%x%08x data 0x%x", __entry->address_hi,
		  __entry->address_lo, __entry->data)
);

/* The local APIC hands 'vector' to the vCPU (IRR -> ISR, injected). */
TRACE_EVENT(vmm_apic_irq_inject,
	TP_PROTO(u32 vcpu_id, u8 vector),
	TP_ARGS(vcpu_id, vector),

	TP_STRUCT__entry(
		__field(u32, vcpu_id)
		__field(u8, vector)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->vector = vector;
	),

	TP_printk("vcpu %u vector 0x%x", __entry->vcpu_id, __entry->vector)
);

#endif /* VMM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
