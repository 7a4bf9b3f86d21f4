/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * apicguest.S - the guest of the local APIC benchmark (apicbench.c):
 * 32-bit protected mode, flat segments, paging off, two vCPUs, the
 * xAPIC page at 0xfee00000.  Linked into the client as data: the client
 * copies apic_guest_start..apic_guest_end to AG_CODE, so the code is
 * position-dependent only through AG_* constants (no relocations), and
 * builds the GDT and IDT around it.
 *
 * vCPU 0 drives four phases of N rounds each (apicbench.h, PH_*); the
 * guest stores TSC readings in the AG_ARR arrays and the client does
 * all the arithmetic:
 *
 *   PH_IPI    vCPU 0: TSC, ICR <- V_PING (to APIC 1), spin until its
 *             V_BACK handler ran.  vCPU 1 spins; its V_PING handler
 *             reads the TSC, sends V_BACK to APIC 0, then EOI.
 *   PH_TIMER  vCPU 0 (if CPUID shows the TSC-deadline timer): LVT
 *             timer in TSC-deadline mode, IA32_TSC_DEADLINE <- TSC +
 *             D_TIMER_DIST, spin until the V_TIMER handler read the
 *             TSC.  vCPU 1 halts.
 *   PH_WAKE   each round twice: vCPU 0 sleeps (cli; READY <- round +
 *             1; sti; hlt); vCPU 1 waits for READY, then D_WAKE_DELAY
 *             more ticks (so that vCPU 0 really sleeps), reads the TSC
 *             and sends V_WAKE0; vCPU 0's handler reads the TSC.  Then
 *             the same with the roles swapped: with both directions,
 *             taken close together, the client can cancel a difference
 *             between the two vCPUs' TSCs (Documentation/performance.md).
 *
 * Every wait gives up after D_TIMEOUT ticks; every failure (a wait that
 * timed out, an unexpected vector) stores a code in D_ERR and writes to
 * AG_ERR_PORT.  A handler that finds its round already served, or not
 * yet sent, counts a second delivery (D_DUP_*) and otherwise ignores
 * it.  The end is an OUT to AG_DONE_PORT on each vCPU.
 */
#include "apicbench.h"

#define ARR(i)		AG_ARR_ADDR(i)
#define SL(s, f)	AGD(D_SLEEP(s) + f)

	.text
	.code32
	.globl apic_guest_start, apic_guest_end, ag_entry0, ag_entry1, ag_stubs
	.globl ag_h_back, ag_h_ping, ag_h_timer, ag_h_wake0, ag_h_wake1
	.globl ag_h_kick, ag_h_spurious

apic_guest_start:

/* ---- helpers ----------------------------------------------------- */

/* wait_eq: spin until the u32 at %esi equals %ebx, or fail with code
 * %ebp after D_TIMEOUT ticks.  Clobbers eax, ecx, edx, edi. */
wait_eq:
	rdtsc
	add	AGD(D_TIMEOUT), %eax
	adc	AGD(D_TIMEOUT) + 4, %edx
	mov	%eax, %edi
	mov	%edx, %ecx
1:	cmp	%ebx, (%esi)
	je	3f
	rdtsc
	cmp	%ecx, %edx
	ja	2f
	jb	1b
	cmp	%edi, %eax
	jb	1b
2:	mov	%esi, AGD(D_ERR) + 4
	mov	(%esi), %eax
	mov	%eax, AGD(D_ERR) + 8
	mov	%ebp, %eax
	jmp	fail
3:	ret

/* delay: spin for D_WAKE_DELAY ticks.  Clobbers eax, ecx, edx, edi. */
delay:
	rdtsc
	add	AGD(D_WAKE_DELAY), %eax
	adc	AGD(D_WAKE_DELAY) + 4, %edx
	mov	%eax, %edi
	mov	%edx, %ecx
1:	rdtsc
	cmp	%ecx, %edx
	ja	2f
	jb	1b
	cmp	%edi, %eax
	jb	1b
2:	ret

/* fail: %eax is the code (D_ERR + 4, + 8 already set or not). */
fail:
	mov	%eax, AGD(D_ERR)
	out	%al, $AG_ERR_PORT
	cli
1:	hlt
	jmp	1b

/* ---- the hlt-wake phase, for sleeper s -------------------------------- */

/* SLEEP_ONE s: one round of cli; READY <- round + 1; sti; hlt.  The
 * sti shadow makes "sti; hlt" atomic: a wake-up sent before the HLT is
 * taken at the HLT (its return address is then the HLT itself, which
 * the handler notices), never lost. */
.macro SLEEP_ONE s
	mov	SL(\s, DS_ROUND), %ecx
	cli
	movl	$0, SL(\s, DS_FLAG)
	inc	%ecx
	mov	%ecx, SL(\s, DS_READY)
	sti
	hlt
ag_resume\s:
	mov	$SL(\s, DS_FLAG), %esi
	mov	$1, %ebx
	mov	$(E_WAIT | W_WAKE), %ebp
	call	wait_eq
	incl	SL(\s, DS_ROUND)
.endm

/* WAKE_ONE s, vector: one round of: wait for sleeper s's READY, wait
 * D_WAKE_DELAY, read the TSC, send it the vector. */
.macro WAKE_ONE s, vec
	mov	SL(\s, DS_WROUND), %ebx
	inc	%ebx
	mov	$SL(\s, DS_READY), %esi
	mov	$(E_WAIT | W_SLEEPING), %ebp
	call	wait_eq
	call	delay
	mov	SL(\s, DS_WROUND), %ecx
	.if \s
	add	AGD(D_N), %ecx
	.endif
	rdtsc
	mov	%eax, ARR(A_WAKE_SEND)(, %ecx, 8)
	mov	%edx, ARR(A_WAKE_SEND) + 4(, %ecx, 8)
	movl	$\vec, APIC_ICR_LO
	incl	SL(\s, DS_WROUND)
.endm

/* Interrupt handlers save what they use; the interrupted EIP is then at
 * 16(%esp). */
.macro SAVE
	push	%eax
	push	%edx
	push	%ecx
	push	%ebx
.endm
.macro RESTORE
	pop	%ebx
	pop	%ecx
	pop	%edx
	pop	%eax
.endm

/* UNSENT a, label: jump to label when the u64 at array a, index %ecx, is
 * still 0 (nothing sent for this round yet).  Clobbers ebx. */
.macro UNSENT a, label
	mov	ARR(\a)(, %ecx, 8), %ebx
	or	ARR(\a) + 4(, %ecx, 8), %ebx
	jz	\label
.endm

/* The wake-up handler of sleeper s: the TSC, or 0 when the interrupt
 * did not find the sleeper in HLT (the client drops those rounds).  An
 * interrupt for a round already served, or for one whose waker has not
 * sent yet, is a second delivery of an earlier one: counted in
 * D_DUP_WAKE, otherwise ignored. */
.macro WAKE_HANDLER s
ag_h_wake\s:
	SAVE
	rdtsc
	mov	SL(\s, DS_ROUND), %ecx
	.if \s
	add	AGD(D_N), %ecx
	.endif
	cmpl	$0, SL(\s, DS_FLAG)
	jne	.Lwh_dup\@
	UNSENT	A_WAKE_SEND, .Lwh_dup\@
	cmpl	$(AG_CODE + ag_resume\s - apic_guest_start), 16(%esp)
	je	1f
	incl	SL(\s, DS_NOT_HALTED)
	xor	%eax, %eax
	xor	%edx, %edx
1:	mov	%eax, ARR(A_WAKE_HIT)(, %ecx, 8)
	mov	%edx, ARR(A_WAKE_HIT) + 4(, %ecx, 8)
	incl	SL(\s, DS_CNT)
	movl	$1, SL(\s, DS_FLAG)
	jmp	.Lwh_eoi\@
.Lwh_dup\@:
	incl	AGD(D_DUP_WAKE)
.Lwh_eoi\@:
	movl	$0, APIC_EOI
	RESTORE
	iret
.endm

/* TOUCH: read the GDT and IDT pages and write the stack's, so that
 * the first interrupt delivery does not take a nested page fault (an
 * exit in the middle of the delivery, which the hypervisor then
 * re-injects): that path is not what the rounds should measure. */
.macro TOUCH
	mov	AG_GDT + AG_SEL_CODE, %eax
	mov	AG_IDT, %eax
	push	%eax
	pop	%eax
.endm

/* ---- vCPU 0 ------------------------------------------------------------ */

ag_entry0:
	TOUCH
	movl	$(0x100 | V_SPURIOUS), APIC_SVR		/* software-enable */
	movl	$(1 << 24), APIC_ICR_HI			/* every IPI: to APIC 1 */
	/* Touch every array page now, not during the rounds. */
	cld
	mov	$AG_ARR, %edi
	mov	$((AG_ARR_END - AG_ARR) / 4), %ecx
	xor	%eax, %eax
	rep stosl
	mov	$AGD(D_READY1), %esi
	mov	$1, %ebx
	mov	$(E_WAIT | W_READY1), %ebp
	call	wait_eq
	sti

	/* PH_IPI */
	movl	$PH_IPI, AGD(D_PHASE)
	movl	$0, AGD(D_ROUND0)
ipi_loop:
	mov	AGD(D_ROUND0), %ecx
	cmp	AGD(D_N), %ecx
	jae	ipi_end
	movl	$0, AGD(D_FLAG0)
	rdtsc
	mov	%eax, ARR(A_IPI_SEND)(, %ecx, 8)
	mov	%edx, ARR(A_IPI_SEND) + 4(, %ecx, 8)
	movl	$V_PING, APIC_ICR_LO		/* fixed, physical, no shorthand */
	mov	$AGD(D_FLAG0), %esi
	mov	$1, %ebx
	mov	$(E_WAIT | W_BACK), %ebp
	call	wait_eq
	incl	AGD(D_ROUND0)
	jmp	ipi_loop
ipi_end:

	/* PH_TIMER, if CPUID.1:ECX[24] says there is a TSC-deadline timer */
	movl	$PH_TIMER, AGD(D_PHASE)
	mov	$1, %eax
	cpuid
	bt	$24, %ecx
	jc	1f
	movl	$1, AGD(D_NO_TSCDL)
	jmp	timer_end
1:	movl	$(V_TIMER | APIC_LVT_TSCDL), APIC_LVTT
	mfence		/* SDM Vol. 3A 11.5.4.1: before the first deadline */
	movl	$0, AGD(D_ROUND0)
timer_loop:
	mov	AGD(D_ROUND0), %ebx
	cmp	AGD(D_N), %ebx
	jae	timer_end
	movl	$0, AGD(D_FLAG0)
	rdtsc
	add	AGD(D_TIMER_DIST), %eax
	adc	AGD(D_TIMER_DIST) + 4, %edx
	mov	%eax, ARR(A_TIMER_DL)(, %ebx, 8)
	mov	%edx, ARR(A_TIMER_DL) + 4(, %ebx, 8)
	mov	$MSR_TSC_DEADLINE, %ecx
	wrmsr
	mov	$AGD(D_FLAG0), %esi
	mov	$1, %ebx
	mov	$(E_WAIT | W_TIMER), %ebp
	call	wait_eq
	incl	AGD(D_ROUND0)
	jmp	timer_loop
timer_end:

	/* PH_WAKE: each round, vCPU 0 sleeps and vCPU 1 wakes it, then
	 * the other way round.  vCPU 1 may be halted: kick it. */
	movl	$PH_WAKE, AGD(D_PHASE)
	movl	$V_KICK, APIC_ICR_LO
wake_loop0:
	mov	SL(0, DS_ROUND), %ecx
	cmp	AGD(D_N), %ecx
	jae	wake_end0
	SLEEP_ONE 0
	WAKE_ONE 1, V_WAKE1
	jmp	wake_loop0
wake_end0:
	mov	$SL(1, DS_CNT), %esi
	mov	AGD(D_N), %ebx
	mov	$(E_WAIT | W_END), %ebp
	call	wait_eq

	movl	$PH_DONE, AGD(D_PHASE)
	out	%al, $AG_DONE_PORT
	jmp	fail

/* ---- vCPU 1 ------------------------------------------------------------ */

ag_entry1:
	TOUCH
	movl	$(0x100 | V_SPURIOUS), APIC_SVR
	movl	$0, APIC_ICR_HI				/* every IPI: to APIC 0 */
	sti
	movl	$1, AGD(D_READY1)
idle1:
	mov	AGD(D_PHASE), %eax
	cmp	$PH_TIMER, %eax
	je	halt1
	cmp	$PH_WAKE, %eax
	je	wake1
	cmp	$PH_DONE, %eax
	je	done1
	jmp	idle1			/* PH_START, PH_IPI: spin */
halt1:					/* PH_TIMER: out of the way */
	cli
	cmpl	$PH_TIMER, AGD(D_PHASE)
	jne	1f
	sti
	hlt
	jmp	halt1
1:	sti
	jmp	idle1
wake1:					/* PH_WAKE: the mirror of vCPU 0 */
	mov	SL(1, DS_ROUND), %ecx
	cmp	AGD(D_N), %ecx
	jae	1f
	WAKE_ONE 0, V_WAKE0
	SLEEP_ONE 1
	jmp	wake1
1:	cmpl	$PH_WAKE, AGD(D_PHASE)
	je	1b
	jmp	idle1
done1:
	out	%al, $AG_DONE_PORT
	jmp	fail

/* ---- interrupt handlers ------------------------------------------------ */

/* vCPU 0: the reply to its ping.  A second one for the same round, or
 * one before vCPU 1 took this round's ping, is a duplicate delivery:
 * counted in D_DUP_IPI, otherwise ignored. */
ag_h_back:
	SAVE
	rdtsc
	mov	AGD(D_ROUND0), %ecx
	cmpl	$0, AGD(D_FLAG0)
	jne	1f
	UNSENT	A_IPI_RECV, 1f
	mov	%eax, ARR(A_IPI_BACK)(, %ecx, 8)
	mov	%edx, ARR(A_IPI_BACK) + 4(, %ecx, 8)
	incl	AGD(D_CNT_BACK)
	movl	$1, AGD(D_FLAG0)
	jmp	2f
1:	incl	AGD(D_DUP_IPI)
2:	movl	$0, APIC_EOI
	RESTORE
	iret

/* vCPU 1: a ping; answer it, then EOI.  A ping for a round vCPU 0 has
 * not started is a duplicate delivery: counted, not answered. */
ag_h_ping:
	SAVE
	rdtsc
	mov	AGD(D_CNT_PING), %ecx
	cmp	AGD(D_N), %ecx
	jae	1f
	UNSENT	A_IPI_SEND, 1f
	mov	%eax, ARR(A_IPI_RECV)(, %ecx, 8)
	mov	%edx, ARR(A_IPI_RECV) + 4(, %ecx, 8)
	incl	AGD(D_CNT_PING)
	movl	$V_BACK, APIC_ICR_LO
	jmp	2f
1:	incl	AGD(D_DUP_IPI)
2:	movl	$0, APIC_EOI
	RESTORE
	iret

/* vCPU 0: its TSC-deadline timer (a second one in a round: counted in
 * D_DUP_TIMER). */
ag_h_timer:
	SAVE
	rdtsc
	mov	AGD(D_ROUND0), %ecx
	cmpl	$0, AGD(D_FLAG0)
	jne	1f
	UNSENT	A_TIMER_DL, 1f
	mov	%eax, ARR(A_TIMER_HIT)(, %ecx, 8)
	mov	%edx, ARR(A_TIMER_HIT) + 4(, %ecx, 8)
	incl	AGD(D_CNT_TIMER)
	movl	$1, AGD(D_FLAG0)
	jmp	2f
1:	incl	AGD(D_DUP_TIMER)
2:	movl	$0, APIC_EOI
	RESTORE
	iret

	WAKE_HANDLER 0
	WAKE_HANDLER 1

/* vCPU 1: "look at D_PHASE again": the interrupt ended its HLT. */
ag_h_kick:
	movl	$0, APIC_EOI
	iret

/* Spurious interrupts get no EOI (SDM Vol. 3A 11.9). */
ag_h_spurious:
	incl	AGD(D_SPURIOUS)
	iret

/* One stub per vector for everything else: the vector, then fail. */
	.balign	AG_STUB_SIZE
ag_stubs:
	.set	vec, 0
	.rept	256
	.balign	AG_STUB_SIZE
	pushl	$vec
	jmp	bad_vector
	.set	vec, vec + 1
	.endr
bad_vector:
	pop	%eax
	or	$E_VECTOR, %eax
	mov	(%esp), %edx		/* error code or EIP */
	mov	%edx, AGD(D_ERR) + 4
	mov	4(%esp), %edx		/* EIP or CS */
	mov	%edx, AGD(D_ERR) + 8
	jmp	fail

apic_guest_end:
	.section .note.GNU-stack,"",@progbits
