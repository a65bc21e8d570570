#pragma once

#include <stdint.h>

/*
 * What a kernel thread keeps when it is switched away from: the registers
 * the AAPCS64 says a called function must preserve (x19-x28, fp, lr) and
 * its stack pointer. Everything else was saved by whoever called
 * context_switch, as for any function call. Offsets are used by context.S.
 */
struct cpu_context {
	uint64_t x19_x28[10];
	uint64_t fp; /* x29 */
	uint64_t lr; /* x30: where context_switch "returns" in the new thread */
	uint64_t sp;
};

#define CTX_FP 80
#define CTX_SP 96
_Static_assert(__builtin_offsetof(struct cpu_context, fp) == CTX_FP, "CTX_FP");
_Static_assert(__builtin_offsetof(struct cpu_context, sp) == CTX_SP, "CTX_SP");

/* Save the caller's state in *from, load *to, and return into it. */
void context_switch(struct cpu_context *from, struct cpu_context *to);

/* Save the caller's state in *from as context_switch does, then leave
 * this stack for `frame`, the user registers at the top of another task's
 * kernel stack, and return to user space through it (vectors.S
 * fast_resume_user): the IPC fast path resumes a task that blocked in it
 * without running its kernel context. */
struct trap_frame;
void context_switch_to_user(struct cpu_context *from, struct trap_frame *frame);

/* A new user task's first instructions (vectors.S): finish the switch and
 * return to EL0 through the trap frame at the top of its kernel stack. */
void task_first_entry(void);

/*
 * FP/SIMD registers of a user task. The kernel itself never uses them
 * (-mgeneral-regs-only), so they only change hands between tasks
 * (fpsimd.h). gen: when they were saved last, for fpsimd.c.
 */
struct fpsimd_state {
	__uint128_t v[32];
	uint32_t fpsr, fpcr;
	uint64_t gen;
	uint32_t keep; /* switch-ins left that hand the registers back untrapped */
};

void fpsimd_save(struct fpsimd_state *st);
void fpsimd_restore(const struct fpsimd_state *st);

_Static_assert(__builtin_offsetof(struct fpsimd_state, fpsr) == 512, "fpsr at 512");
