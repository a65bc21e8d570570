/*
 * safe_copy(dst, src, n): copy n bytes where either side may be unmapped.
 * Returns 0, or -EFAULT (-14) if an access faulted; bytes before the fault
 * have been copied. Each load and store that may fault has an entry in
 * .extable {faulting instruction, where to continue}; trap.c looks the pc
 * up there before treating a kernel fault as fatal.
 *
 * Byte accesses keep it correct for any alignment with the MMU off too.
 */
	.text
	.global safe_copy
	.type safe_copy, %function
safe_copy:
	cbz	x2, 3f
1:	ldrb	w3, [x1], #1
2:	strb	w3, [x0], #1
	subs	x2, x2, #1
	b.ne	1b
3:	mov	x0, #0
	ret
safe_copy_fault:
	mov	x0, #-14
	ret
	.size safe_copy, . - safe_copy

	.section .extable, "a"
	.balign 8
	.quad	1b, safe_copy_fault
	.quad	2b, safe_copy_fault
