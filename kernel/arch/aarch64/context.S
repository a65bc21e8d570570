/*
 * Kernel thread switching and the FP/SIMD register file (context.h).
 */
/* The caller's struct cpu_context into *x0. */
.macro save_context
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x9, sp
	str	x9, [x0, #96]
.endm

	.text
	.global context_switch
	.type context_switch, %function
context_switch:
	save_context
	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x9, [x1, #96]
	mov	sp, x9
	ret
	.size context_switch, . - context_switch

	.global context_switch_to_user
	.type context_switch_to_user, %function
context_switch_to_user:
	/* The same save as context_switch: a debugger reads it the same
	 * way, and a later context_switch into *from resumes our caller. */
	save_context
	mov	sp, x1
	b	fast_resume_user
	.size context_switch_to_user, . - context_switch_to_user

/* The kernel is built without FP/SIMD code generation; these two are the
 * only places it touches those registers. */
	.arch_extension fp
	.arch_extension simd
/* Uses only x0 and x9-x11 (fpsimd_save_regs in fpsimd.h relies on it). */
	.global fpsimd_save
	.type fpsimd_save, %function
fpsimd_save:
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x9, fpsr
	mrs	x10, fpcr
	add	x11, x0, #512
	stp	w9, w10, [x11]
	ret
	.size fpsimd_save, . - fpsimd_save

	.global fpsimd_restore
	.type fpsimd_restore, %function
fpsimd_restore:
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	add	x11, x0, #512
	ldp	w9, w10, [x11]
	msr	fpsr, x9
	msr	fpcr, x10
	ret
	.size fpsimd_restore, . - fpsimd_restore
