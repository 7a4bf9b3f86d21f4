// SPDX-License-Identifier: GPL-2.0-only
/*
 * hypercall.c - VMCALL (Intel) / VMMCALL (AMD) under both policies of
 * vmctl run --hypercall (Documentation/abi.md, VMM_CAP_HYPERCALL_EXIT).
 *
 * The guest finds out which policy it runs under from the first call and
 * prints "hypercall: policy exit" or "hypercall: policy ud"; tests.cfg
 * runs it twice and checks for the line it expects, so a hypervisor that
 * always raised #UD (or never did) fails one of the two runs.
 *
 *   exit: nr 1 returns the sum of RBX, RCX, RDX, RSI, RDI (64-bit wrap);
 *         nr 2 prints guest memory on vmctl's stderr and returns its
 *         length, -14 for memory that is not RAM; nr 3 (in vmctl's mask,
 *         unknown to it) and 5, 64, 1 + 2^32 (not in the mask) return
 *         -1000 (ENOSYS); only RAX changes; the other vendor's instruction
 *         is #UD; from CPL 3 (entered with SYSRET, left with SYSCALL,
 *         neither of which needs a TSS) nr 1 returns -1 (EPERM).
 *   ud:   both instructions are #UD, RIP at the instruction, no register
 *         changed.
 * Run: vmctl run --flat hypercall.bin [--hypercall exit]
 */
#include "libtest.h"
#include "desc64.h"

#define HC_ENOSYS	((u64)-1000LL)
#define HC_EFAULT	((u64)-14LL)
#define HC_EPERM	((u64)-1LL)

/* Every GPR but RSP, in and out of one hypercall. */
struct gregs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * hc_vmmcall(in, out) / hc_vmcall(in, out): load every GPR from *in,
 * execute the instruction, store every GPR to *out.  The instruction is
 * at hc_vmmcall_insn / hc_vmcall_insn (3 bytes each, for the #UD handler).
 */
#define HC_FUNC(name, insn)						\
asm(".text\n"								\
    ".globl " #name "\n"						\
    #name ":\n\t"							\
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\t"				\
    "push %r13\n\tpush %r14\n\tpush %r15\n\t"				\
    "push %rsi\n\t"							\
    "mov 0(%rdi), %rax\n\tmov 8(%rdi), %rbx\n\t"			\
    "mov 16(%rdi), %rcx\n\tmov 24(%rdi), %rdx\n\t"			\
    "mov 32(%rdi), %rsi\n\tmov 48(%rdi), %rbp\n\t"			\
    "mov 56(%rdi), %r8\n\tmov 64(%rdi), %r9\n\t"			\
    "mov 72(%rdi), %r10\n\tmov 80(%rdi), %r11\n\t"			\
    "mov 88(%rdi), %r12\n\tmov 96(%rdi), %r13\n\t"			\
    "mov 104(%rdi), %r14\n\tmov 112(%rdi), %r15\n\t"			\
    "mov 40(%rdi), %rdi\n"						\
    ".globl " #name "_insn\n"						\
    #name "_insn:\n\t"							\
    insn "\n\t"								\
    "push %rdi\n\t"							\
    "mov 8(%rsp), %rdi\n\t"						\
    "mov %rax, 0(%rdi)\n\tmov %rbx, 8(%rdi)\n\t"			\
    "mov %rcx, 16(%rdi)\n\tmov %rdx, 24(%rdi)\n\t"			\
    "mov %rsi, 32(%rdi)\n\tmov %rbp, 48(%rdi)\n\t"			\
    "mov %r8, 56(%rdi)\n\tmov %r9, 64(%rdi)\n\t"			\
    "mov %r10, 72(%rdi)\n\tmov %r11, 80(%rdi)\n\t"			\
    "mov %r12, 88(%rdi)\n\tmov %r13, 96(%rdi)\n\t"			\
    "mov %r14, 104(%rdi)\n\tmov %r15, 112(%rdi)\n\t"			\
    "pop %rax\n\tmov %rax, 40(%rdi)\n\t"				\
    "add $8, %rsp\n\t"							\
    "pop %r15\n\tpop %r14\n\tpop %r13\n\t"				\
    "pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"				\
    "ret\n")

HC_FUNC(hc_vmmcall, ".byte 0x0f, 0x01, 0xd9");
HC_FUNC(hc_vmcall, ".byte 0x0f, 0x01, 0xc1");
void hc_vmmcall(const struct gregs *in, struct gregs *out);
void hc_vmcall(const struct gregs *in, struct gregs *out);
extern char hc_vmmcall_insn[], hc_vmcall_insn[];

static volatile unsigned int ud_hits;
static volatile u64 ud_rip;

/* #UD: note where, step over the 3-byte instruction. */
static void ud_handler(struct ex_regs *regs)
{
	ud_hits++;
	ud_rip = regs->rip;
	regs->rip += 3;
}

struct hc {
	const char *name;
	void (*fn)(const struct gregs *in, struct gregs *out);
	const char *insn;
};

static struct hc native, foreign;

/* One hypercall through h with nr and args; *out gets every register. */
static void call(const struct hc *h, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3,
		 u64 a4, struct gregs *in, struct gregs *out)
{
	*in = (struct gregs){
		.rax = nr, .rbx = a0, .rcx = a1, .rdx = a2, .rsi = a3,
		.rdi = a4, .rbp = 0xb0b0b0b0b0b0b0b0ULL,
		.r8 = 0x0808080808080808ULL, .r9 = 0x0909090909090909ULL,
		.r10 = 0x1010101010101010ULL, .r11 = 0x1111111111111111ULL,
		.r12 = 0x1212121212121212ULL, .r13 = 0x1313131313131313ULL,
		.r14 = 0x1414141414141414ULL, .r15 = 0x1515151515151515ULL,
	};
	ud_hits = 0;
	ud_rip = 0;
	h->fn(in, out);
}

/* Every register but RAX as it went in. */
static bool others_unchanged(const struct gregs *in, const struct gregs *out)
{
	return !memcmp(&in->rbx, &out->rbx,
		       sizeof(*in) - __builtin_offsetof(struct gregs, rbx));
}

static u64 simple(const struct hc *h, u64 nr)
{
	struct gregs in, out;

	call(h, nr, 1, 2, 3, 4, 5, &in, &out);
	return ud_hits ? 0xdeadULL : out.rax;
}

/* ---- CPL 3 ------------------------------------------------------------ */

#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_SFMASK	0xc0000084

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

/* Make every page of start64.S's identity map a user page (U/S, bit 2)
 * at all levels; with no SMAP, ring 0 still reaches them. */
static void map_all_user(void)
{
	u64 cr3, *pml4, *pdpt, *pd;
	unsigned int i, j;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	pml4 = (u64 *)(uintptr_t)(cr3 & ~0xfffULL);
	pml4[0] |= 4;
	pdpt = (u64 *)(uintptr_t)(pml4[0] & 0x000ffffffffff000ULL);
	for (i = 0; i < 4; i++) {
		pdpt[i] |= 4;
		pd = (u64 *)(uintptr_t)(pdpt[i] & 0x000ffffffffff000ULL);
		for (j = 0; j < 512; j++)
			pd[j] |= 4;
	}
	asm volatile("mov %0, %%cr3" :: "r"(cr3) : "memory");
}

/*
 * user_hc_vmmcall(nr) / user_hc_vmcall(nr): SYSRET to CPL 3 (SDM Vol. 2B
 * "SYSRET": CS and SS come from STAR[63:48], no descriptor is read), the
 * hypercall with RAX = nr, then SYSCALL back to CPL 0 (LSTAR =
 * user_hc_back, RSP unchanged: SYSCALL switches no stack).  Returns the
 * hypercall's RAX.  IF stays 0 throughout (R11 = current RFLAGS).
 */
static volatile u64 user_rsp, user_rax;
#define USER_HC(name, insn)						\
asm(".text\n"								\
    ".globl " #name "\n"						\
    #name ":\n\t"							\
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\t"				\
    "push %r13\n\tpush %r14\n\tpush %r15\n\t"				\
    "mov %rsp, user_rsp(%rip)\n\t"					\
    "lea 1f(%rip), %rcx\n\t"						\
    "pushfq\n\tpop %r11\n\t"						\
    "sysretq\n"								\
    "1:\tmov %rdi, %rax\n\t"						\
    insn "\n\t"								\
    "mov %rax, user_rax(%rip)\n\t"					\
    "syscall\n\t"								\
    "ud2\n")
USER_HC(user_hc_vmmcall, ".byte 0x0f, 0x01, 0xd9");
USER_HC(user_hc_vmcall, ".byte 0x0f, 0x01, 0xc1");
asm(".text\n"
    ".globl user_hc_back\n"
    "user_hc_back:\n\t"
    "mov user_rsp(%rip), %rsp\n\t"
    "mov user_rax(%rip), %rax\n\t"
    "pop %r15\n\tpop %r14\n\tpop %r13\n\t"
    "pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
    "ret\n");
u64 user_hc_vmmcall(u64 nr);
u64 user_hc_vmcall(u64 nr);
extern char user_hc_back[];

static void test_cpl3(bool amd)
{
	u64 r, cs = read_cs();

	map_all_user();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);	/* SCE */
	/* SYSCALL: CS = 0x08 (ours), SS = 0x10; SYSRET: CS 0x23, SS 0x1b. */
	wrmsr(MSR_STAR, (0x10ULL << 48) | (cs << 32));
	wrmsr(MSR_LSTAR, (u64)(uintptr_t)user_hc_back);
	wrmsr(MSR_SFMASK, 0);
	r = amd ? user_hc_vmmcall(1) : user_hc_vmcall(1);
	report(read_cs() == cs, "back at CPL 0 from CPL 3 (CS %#x)",
	       (unsigned int)read_cs());
	report(r == HC_EPERM, "%s 1 at CPL 3 returns EPERM (0x%llx)",
	       native.name, (unsigned long long)r);
}

static const char greeting[] = "hypercall: hello from the guest\n";

static void test_exit_policy(void)
{
	struct gregs in, out;
	u64 len = sizeof(greeting) - 1;

	call(&native, 1, 0x8000000000000000ULL, 0x8000000000000001ULL, 1, 2, 3,
	     &in, &out);
	report(!ud_hits && out.rax == 7,
	       "%s 1 (sum): 64-bit sum wraps to 7 (got 0x%llx)", native.name,
	       (unsigned long long)out.rax);
	report(others_unchanged(&in, &out),
	       "%s 1: every register but RAX unchanged", native.name);

	call(&native, 2, (u64)(uintptr_t)greeting, len, 0, 0, 0, &in, &out);
	report(!ud_hits && out.rax == len,
	       "%s 2 (print): returns the length %llu (got 0x%llx)",
	       native.name, (unsigned long long)len,
	       (unsigned long long)out.rax);
	report(others_unchanged(&in, &out),
	       "%s 2: every register but RAX unchanged", native.name);

	/* 64 MiB of RAM: 0x10000000 is not guest RAM. */
	call(&native, 2, 0x10000000ULL, 16, 0, 0, 0, &in, &out);
	report(out.rax == HC_EFAULT, "%s 2 outside RAM returns -14 (0x%llx)",
	       native.name, (unsigned long long)out.rax);

	report(simple(&native, 3) == HC_ENOSYS,
	       "%s 3 (in the mask, unknown to vmctl) returns ENOSYS",
	       native.name);
	call(&native, 5, 1, 2, 3, 4, 5, &in, &out);
	report(!ud_hits && out.rax == HC_ENOSYS,
	       "%s 5 (not in the mask) returns ENOSYS (0x%llx)", native.name,
	       (unsigned long long)out.rax);
	report(others_unchanged(&in, &out),
	       "%s 5: every register but RAX unchanged", native.name);
	report(simple(&native, 64) == HC_ENOSYS, "%s 64 returns ENOSYS",
	       native.name);
	/* The number is all of RAX in 64-bit mode: not 1. */
	report(simple(&native, 0x100000001ULL) == HC_ENOSYS,
	       "%s 0x100000001 returns ENOSYS (RAX is not truncated)",
	       native.name);

	call(&foreign, 1, 1, 2, 3, 4, 5, &in, &out);
	report(ud_hits == 1 && ud_rip == (u64)(uintptr_t)foreign.insn &&
	       out.rax == 1 && others_unchanged(&in, &out),
	       "%s (the other vendor's) raises #UD, registers unchanged",
	       foreign.name);
}

static void test_ud_policy(void)
{
	const struct hc *hs[2] = { &native, &foreign };
	struct gregs in, out;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		call(hs[i], 1, 1, 2, 3, 4, 5, &in, &out);
		report(ud_hits == 1 && ud_rip == (u64)(uintptr_t)hs[i]->insn,
		       "%s raises #UD at the instruction", hs[i]->name);
		report(out.rax == 1 && others_unchanged(&in, &out),
		       "%s: no register changed", hs[i]->name);
	}
}

int main(void)
{
	struct cpuid v = cpuid(0);
	struct gregs in, out;
	bool amd = v.b == 0x68747541;	/* "Auth"enticAMD */

	native = (struct hc){ "vmmcall", hc_vmmcall, hc_vmmcall_insn };
	foreign = (struct hc){ "vmcall", hc_vmcall, hc_vmcall_insn };
	if (!amd) {
		struct hc t = native;

		native = foreign;
		foreign = t;
	}
	printf("hypercall: %s CPU, hypercall instruction %s\n",
	       amd ? "AMD" : "Intel", native.name);
	handle_exception(6, ud_handler);

	/* The first call tells which policy vmctl chose. */
	call(&native, 1, 1, 2, 3, 4, 5, &in, &out);
	if (ud_hits) {
		printf("hypercall: policy ud\n");
		test_ud_policy();
	} else {
		printf("hypercall: policy exit\n");
		report(out.rax == 15, "%s 1 (sum) of 1..5 returns 15 (got %llu)",
		       native.name, (unsigned long long)out.rax);
		test_exit_policy();
		test_cpl3(amd);
	}
	handle_exception(6, NULL);
	return report_summary();
}
