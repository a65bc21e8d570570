#include "debug/gdb_fpsimd.h"

/*
 * Inline assembly names the q registers directly; the compiler itself
 * emits no FP instruction (-mgeneral-regs-only still lets the assembler
 * accept them). CPACR_EL1.FPEN, set in boot.S, keeps them untrapped at EL1.
 * Offsets: v<n> is at 16 * n (struct gdb_fpsimd starts with v[32][2]).
 */
#define QPAIRS(op)                                                                    \
	op " q0, q1, [%0, #0]\n\t" op " q2, q3, [%0, #32]\n\t"                        \
	op " q4, q5, [%0, #64]\n\t" op " q6, q7, [%0, #96]\n\t"                       \
	op " q8, q9, [%0, #128]\n\t" op " q10, q11, [%0, #160]\n\t"                   \
	op " q12, q13, [%0, #192]\n\t" op " q14, q15, [%0, #224]\n\t"                 \
	op " q16, q17, [%0, #256]\n\t" op " q18, q19, [%0, #288]\n\t"                 \
	op " q20, q21, [%0, #320]\n\t" op " q22, q23, [%0, #352]\n\t"                 \
	op " q24, q25, [%0, #384]\n\t" op " q26, q27, [%0, #416]\n\t"                 \
	op " q28, q29, [%0, #448]\n\t" op " q30, q31, [%0, #480]\n\t"

_Static_assert(__builtin_offsetof(struct gdb_fpsimd, v) == 0, "v0 at offset 0");

void gdb_fpsimd_save(struct gdb_fpsimd *s)
{
	uint64_t fpsr, fpcr;

	__asm__ volatile(QPAIRS("stp") : : "r"(s->v) : "memory");
	__asm__ volatile("mrs %0, fpsr\n\tmrs %1, fpcr" : "=r"(fpsr), "=r"(fpcr));
	s->fpsr = (uint32_t)fpsr;
	s->fpcr = (uint32_t)fpcr;
}

void gdb_fpsimd_load(const struct gdb_fpsimd *s)
{
	__asm__ volatile(QPAIRS("ldp") "msr fpsr, %1\n\tmsr fpcr, %2"
			 : : "r"(s->v), "r"((uint64_t)s->fpsr), "r"((uint64_t)s->fpcr)
			 : "memory");
}
