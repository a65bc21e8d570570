/*
 * void arch_capture_frame(struct trap_frame *f)
 *
 * Fill f with the caller's registers as if an exception had been taken at
 * the return address: used by panic(), which has no trap frame, so the
 * crash dump and the debugger see the panicking CPU like any other.
 */
#include "arch/aarch64/trap_frame.h"

	.text
	.global arch_capture_frame
	.type arch_capture_frame, %function
arch_capture_frame:
	stp	x0, x1, [x0, #16 * 0]
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	stp	x18, x19, [x0, #16 * 9]
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	mov	x1, sp
	stp	x30, x1, [x0, #TF_X30]
	/* PSTATE as an SPSR would hold it: flags, DAIF, EL1h. */
	mrs	x1, nzcv
	mrs	x2, daif
	orr	x1, x1, x2
	mov	x2, #5			/* M[3:0] = EL1h */
	orr	x1, x1, x2
	stp	x30, x1, [x0, #TF_PC]
	stp	xzr, xzr, [x0, #TF_ESR]
	stp	x29, x30, [x0, #TF_FRAME_RECORD]
	ldr	x1, [x0, #8]		/* x1 and x2 back as they were */
	ldr	x2, [x0, #16]
	ret
	.size arch_capture_frame, . - arch_capture_frame
