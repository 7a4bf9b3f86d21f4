/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.h - tracepoints of vmm.ko: vmm:vmm_entry before each guest entry,
 * vmm:vmm_exit after each exit (the backend's raw exit code and info).
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

#endif /* VMM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
