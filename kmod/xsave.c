// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsave.c - the guest's XCR0 and its x87/SSE/AVX register state.
 *
 * Neither VMRUN nor VM entry switches XCR0 or the FPU/SSE/AVX registers
 * (APM Vol. 2 15.5.1, SDM Vol. 3C 26.3/27.5), so vmm does it around each
 * entry (vmm_vcpu_enter, vcpu.c), inside kernel_fpu_begin()/end() (which
 * saved the vmctl thread's own state) and with interrupts off:
 *
 *   XRSTOR  the guest's components, under the host's XCR0
 *   XSETBV  the guest's XCR0, only if it differs from the host's
 *   ... PKRU, enter the guest, exit, PKRU ...
 *   XSETBV  the host's XCR0 again, if it was changed
 *   XSAVE   the guest's components (XSAVEOPT when the CPU has it)
 *
 * (plus one XGETBV after the exit, for CPUs that let XSETBV through).
 *
 * The components moved are the guest's XCR0 plus x87 and SSE always: a
 * guest with XCR0 = 1 still uses XMM registers (CR4.OSFXSR enables them,
 * SDM Vol. 1 13.3), but under its XCR0 XRSTOR/XSAVE could not move them.
 * The area is the standard (non-compacted) format (SDM Vol. 1 13.4),
 * 64-byte aligned, sized from CPUID 0xD for what vmm supports:
 * host XCR0 & (x87 | SSE | AVX).  PKRU is switched apart (vcpu.c); no
 * supervisor state (no IA32_XSS).  A host without XSAVE falls back to
 * FXSAVE/FXRSTOR of the same area's first 512 bytes.
 *
 * The guest's XSETBV always exits (APM 15.9, SDM Vol. 3C 25.1.3) and is
 * checked here (SDM Vol. 2C "XSETBV", SDM Vol. 1 13.3).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xcr.h>
#include <asm/trapnr.h>

#include "vmm.h"

#define XFEAT_FP		BIT_ULL(0)	/* x87 */
#define XFEAT_SSE		BIT_ULL(1)	/* XMM0-15, MXCSR */
#define XFEAT_YMM		BIT_ULL(2)	/* AVX: upper halves of YMM0-15 */
#define XFEAT_VMM		(XFEAT_FP | XFEAT_SSE | XFEAT_YMM)
#define XSAVE_HDR_END		(512 + 64)	/* legacy area + header */
#define XSAVE_MAX_FEAT		8

u64 vmm_xcr0_supported;		/* 0: no XSAVE on the host */
static u64 vmm_host_xcr0;
static bool vmm_use_xsaveopt;
static u32 vmm_fpu_size = sizeof(struct fxregs_state);

/* CPUID 0xD sub-leaf i of the host, for the components we support. */
static struct {
	u32 size, offset;
	bool align64;
} xfeat[XSAVE_MAX_FEAT];

/* At module load: what the host's XCR0 enables, the sizes of CPUID 0xD. */
void vmm_xsave_setup(void)
{
	u32 a, b, c, d;
	int i;

	if (!boot_cpu_has(X86_FEATURE_XSAVE) ||
	    !boot_cpu_has(X86_FEATURE_OSXSAVE))
		return;
	vmm_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	vmm_xcr0_supported = vmm_host_xcr0 & XFEAT_VMM;
	/* AVX needs SSE (SDM Vol. 1 13.3): never offer one without it. */
	if (!(vmm_xcr0_supported & XFEAT_SSE))
		vmm_xcr0_supported &= ~XFEAT_YMM;
	for (i = 2; i < XSAVE_MAX_FEAT; i++) {
		if (!(vmm_xcr0_supported & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &a, &b, &c, &d);
		xfeat[i].size = a;
		xfeat[i].offset = b;
		xfeat[i].align64 = c & BIT(1);
	}
	vmm_use_xsaveopt = boot_cpu_has(X86_FEATURE_XSAVEOPT);
	vmm_fpu_size = vmm_xsave_size(vmm_xcr0_supported, false);
}

/*
 * Bytes of an XSAVE area for the components in xcr0 (a subset of
 * vmm_xcr0_supported): standard format (CPUID 0xD.0 EBX, SDM Vol. 1
 * 13.4.3) or compacted (0xD.1 EBX, SDM Vol. 1 13.4.3).
 */
u32 vmm_xsave_size(u64 xcr0, bool compacted)
{
	u32 size = XSAVE_HDR_END;
	int i;

	for (i = 2; i < XSAVE_MAX_FEAT; i++) {
		if (!(xcr0 & vmm_xcr0_supported & BIT_ULL(i)))
			continue;
		if (compacted) {
			if (xfeat[i].align64)
				size = ALIGN(size, 64);
			size += xfeat[i].size;
		} else {
			size = max(size, xfeat[i].offset + xfeat[i].size);
		}
	}
	return size;
}

/* A power-of-two kmalloc size is naturally aligned: 64 bytes at least. */
int vmm_fpu_alloc(struct vmm_vcpu *vcpu)
{
	vcpu->fpu = kzalloc(roundup_pow_of_two(vmm_fpu_size),
			    GFP_KERNEL_ACCOUNT);
	return vcpu->fpu ? 0 : -ENOMEM;
}

void vmm_fpu_free(struct vmm_vcpu *vcpu)
{
	kfree(vcpu->fpu);
	vcpu->fpu = NULL;
}

static struct xregs_state *guest_xsave(struct vmm_vcpu *vcpu)
{
	return vcpu->fpu;
}

/* The x86 reset state: SDM Vol. 3A 9.1.1 Table 9-1; XCR0 = 1 (13.3). */
void vmm_fpu_reset(struct vmm_vcpu *vcpu)
{
	struct fxregs_state *fx = vcpu->fpu;

	memset(vcpu->fpu, 0, vmm_fpu_size);
	fx->cwd = 0x37f;
	fx->mxcsr = 0x1f80;
	vcpu->xcr0 = XFEAT_FP;
	if (vmm_xcr0_supported)
		guest_xsave(vcpu)->header.xfeatures = XFEAT_FP | XFEAT_SSE;
}

/*
 * What XRSTOR/XSAVE move for this guest (see the top of the file); never
 * more than the area holds, even with an XCR0 set behind our back
 * (vmm_fpu_save_guest).
 */
static u64 guest_rfbm(struct vmm_vcpu *vcpu)
{
	return (vcpu->xcr0 | XFEAT_FP | XFEAT_SSE) & vmm_xcr0_supported;
}

/* The guest's XCR0 becomes val: components turned off come back in their
 * initial state (their XSTATE_BV bits cleared). */
static void guest_set_xcr0(struct vmm_vcpu *vcpu, u64 val)
{
	guest_xsave(vcpu)->header.xfeatures &= val | XFEAT_FP | XFEAT_SSE;
	vcpu->xcr0 = val;
}

static inline void vmm_xrstor(struct xregs_state *x, u64 mask)
{
	asm volatile("xrstor64 %0"
		     : : "m" (*x), "a" ((u32)mask), "d" ((u32)(mask >> 32))
		     : "memory");
}

static inline void vmm_xsave(struct xregs_state *x, u64 mask)
{
	if (vmm_use_xsaveopt)
		asm volatile("xsaveopt64 %0"
			     : "+m" (*x)
			     : "a" ((u32)mask), "d" ((u32)(mask >> 32))
			     : "memory");
	else
		asm volatile("xsave64 %0"
			     : "+m" (*x)
			     : "a" ((u32)mask), "d" ((u32)(mask >> 32))
			     : "memory");
}

/* Interrupts off, inside kernel_fpu_begin(): the guest's state in. */
void vmm_fpu_load_guest(struct vmm_vcpu *vcpu)
{
	if (!vmm_xcr0_supported) {
		asm volatile("fxrstorq %0"
			     : : "m" (*(struct fxregs_state *)vcpu->fpu));
		return;
	}
	vmm_xrstor(guest_xsave(vcpu), guest_rfbm(vcpu));
	if (vcpu->xcr0 != vmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
}

/* Interrupts off, after the exit: the guest's state out, host XCR0 back. */
void vmm_fpu_save_guest(struct vmm_vcpu *vcpu)
{
	u64 xcr0;

	if (!vmm_xcr0_supported) {
		asm volatile("fxsaveq %0"
			     : "=m" (*(struct fxregs_state *)vcpu->fpu));
		return;
	}
	/*
	 * XSETBV should always exit (APM 15.9, SDM 25.1.3), but the AMD lab's
	 * emulated CPU (QEMU 7.2 TCG) ignores the XSETBV intercept and runs
	 * it, so XCR0 may hold a value the guest set itself.  One XGETBV
	 * notices: keep what the guest has, as that CPU checked it.
	 */
	xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	if (unlikely(xcr0 != vcpu->xcr0)) {
		pr_warn_once("XSETBV ran in a guest without an exit: this CPU ignores the XSETBV intercept\n");
		guest_set_xcr0(vcpu, xcr0);
	}
	if (xcr0 != vmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmm_host_xcr0);
	vmm_xsave(guest_xsave(vcpu), guest_rfbm(vcpu));
}

/*
 * The guest's XSETBV (SDM Vol. 2C "XSETBV"): #UD when CR4.OSXSAVE is
 * clear; #GP(0) at CPL > 0, for ECX != 0 (only XCR0 exists here), and
 * for a value XCR0 cannot hold: bit 0 clear, AVX without SSE (SDM Vol. 1
 * 13.3), or a component vmm does not switch.
 */
int vmm_xsetbv_exit(struct vmm_vcpu *vcpu, int cpl)
{
	u32 index = vcpu->regs[VMM_RCX];
	u64 val = (vcpu->regs[VMM_RDX] << 32) | (u32)vcpu->regs[VMM_RAX];

	if (!vmm_xcr0_supported ||
	    !(vmm_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE)) {
		vmm_ops->inject_exception(vcpu, X86_TRAP_UD, false, 0, 0);
		return 1;
	}
	if (cpl || index || !(val & XFEAT_FP) ||
	    ((val & XFEAT_YMM) && !(val & XFEAT_SSE)) ||
	    (val & ~vmm_xcr0_supported)) {
		vmm_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
		return 1;
	}
	guest_set_xcr0(vcpu, val);
	vmm_ops->skip_insn(vcpu, 3);	/* 0f 01 d1 */
	return 1;
}
