/*
 * The exception vector table (VBAR_EL1). Sixteen 128-byte slots: for each
 * of {current EL with SP_EL0, current EL with SP_ELx, lower EL AArch64,
 * lower EL AArch32} one slot per {synchronous, IRQ, FIQ, SError}.
 *
 * Every slot saves a struct trap_frame (trap_frame.h) and calls a C handler
 * in trap.c with a pointer to it; the handler may change the frame (for
 * example the pc), and the same registers are restored on return.
 */
#include "arch/aarch64/esr.h"
#include "arch/aarch64/memory_map.h"
#include "arch/aarch64/trap_frame.h"

#define PERCPU_EMERGENCY_SP 8 /* offsetof(struct percpu, emergency_sp) */

/*
 * Call frame information for the entry paths, so that GDB unwinds from a
 * handler (a breakpoint in timer_tick, say) through the trap frame into the
 * interrupted code, as it does through a signal frame. The kernel itself
 * unwinds by frame pointer (the frame record below); this is only for
 * debuggers. C code has no .eh_frame (-fno-unwind-tables) and the linker
 * drops it: emit into .debug_frame, where GCC puts the C code's CFI.
 */
	.cfi_sections .debug_frame

/* DWARF register numbers (AArch64 DWARF ABI): x0-x30 are 0-30, sp 31, and
 * 32 is the pc, which we use as the return-address column: the interrupted
 * pc is not in x30, and x30 must show the interrupted code's own value. */
#define DWARF_SP 31
#define DWARF_PC 32
#define DW_CFA_def_cfa_expression 0x0f
#define DW_CFA_expression 0x10
#define DW_OP_deref 0x06
#define DW_OP_breg_sp 0x8f /* DW_OP_breg31: sp + a signed LEB128 offset */

/* "register reg was saved at sp + off" for 64 <= off < 8192, where sp is
 * the trap frame (the offset as a two-byte signed LEB128). */
.macro cfi_saved_at_sp reg, off
	.cfi_escape DW_CFA_expression, \reg, 3, DW_OP_breg_sp, ((\off) & 0x7f) | 0x80, (\off) >> 7
.endm

/*
 * After save_registers, with sp at the trap frame: the interrupted code's
 * sp (its CFA, where GDB takes a caller's sp from) is the one saved in the
 * frame -- sp_el0 for user code -- and every general register and the pc
 * are in the frame.
 */
.macro cfi_trap_frame
	.cfi_escape DW_CFA_def_cfa_expression, 4, DW_OP_breg_sp, (TF_SP & 0x7f) | 0x80, TF_SP >> 7, DW_OP_deref
	.irp reg, 0, 1, 2, 3, 4, 5, 6, 7
	.cfi_escape DW_CFA_expression, \reg, 2, DW_OP_breg_sp, TF_X0 + 8 * \reg
	.endr
	.irp reg, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	cfi_saved_at_sp \reg, TF_X0 + 8 * \reg
	.endr
	cfi_saved_at_sp DWARF_PC, TF_PC
.endm

/*
 * An exception taken at EL1 first checks that the frame it is about to push
 * stays on the stack. Kernel stacks sit in the upper half of 32 KiB-aligned
 * slots (memory_map.h), so "sp - TF_SIZE" has bit KSTACK_SHIFT clear exactly
 * when it has run into the guard below. No register is free yet, so x0 and
 * sp are exchanged arithmetically: sp+x0, then (sp+x0)-x0, and back.
 */
.macro check_stack_overflow
	sub	sp, sp, #TF_SIZE
	add	sp, sp, x0
	sub	x0, sp, x0		/* x0 = the new sp */
	tst	x0, #(1 << KSTACK_SHIFT)
	sub	x0, sp, x0		/* x0 = x0 again */
	sub	sp, sp, x0		/* sp = the new sp */
	b.eq	kernel_stack_overflow
.endm

.macro save_frame el
	.if \el == 1
	check_stack_overflow
	.else
	sub	sp, sp, #TF_SIZE
	.endif
	save_registers \el
.endm

/* Fill the frame at sp (already reserved) with the interrupted state. */
.macro save_registers el
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	.if \el == 0
	mrs	x21, sp_el0
	.else
	add	x21, sp, #TF_SIZE
	.endif
	stp	x30, x21, [sp, #TF_X30]
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x22, x23, [sp, #TF_PC]
	mrs	x24, esr_el1
	mrs	x25, far_el1
	stp	x24, x25, [sp, #TF_ESR]
	/* A frame record {interrupted x29, interrupted pc}: a backtrace from
	 * the handler walks through it into the interrupted code. */
	stp	x29, x22, [sp, #TF_FRAME_RECORD]
	add	x29, sp, #TF_FRAME_RECORD
.endm

/* cfi: inside an entry path's CFI (cfi_trap_frame), which stays right
 * until the frame is popped. */
.macro restore_frame el, cfi=0
	ldp	x22, x23, [sp, #TF_PC]
	msr	elr_el1, x22
	msr	spsr_el1, x23
	.if \el == 0
	ldr	x21, [sp, #TF_SP]
	msr	sp_el0, x21
	.endif
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #TF_X30]
	add	sp, sp, #TF_SIZE
	.if \cfi
	.cfi_undefined DWARF_PC
	.endif
	eret
.endm

/* One table slot: branch out to the full entry path (a slot is 32
 * instructions, too small for the save sequence). */
.macro vector_slot target
	.balign 128
	b	\target
.endm

/* The CFI every entry path starts with. */
.macro entry_cfi
	.cfi_startproc
	.cfi_return_column DWARF_PC
	/* GDB shows the interrupted code at its exact pc, not as a return
	 * address, as below a signal frame ("<signal handler called>"). */
	.cfi_signal_frame
	/* Until the frame is saved the interrupted pc is only in ELR_EL1,
	 * which DWARF cannot name: the unwind stops here. */
	.cfi_undefined DWARF_PC
.endm

/* An entry path: save, call handler(frame, slot), restore. The slot
 * number (0-15, the position in the table) tells a shared handler which
 * kind of exception it got. */
.macro entry_path name, el, handler, slot
\name:
	entry_cfi
	save_frame \el
	cfi_trap_frame
	mov	x0, sp
	mov	x1, #\slot
	bl	\handler
	restore_frame \el, 1
	.cfi_endproc
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.global exception_vectors
exception_vectors:
	vector_slot el1t_sync		/* current EL, SP_EL0: never used */
	vector_slot el1t_irq
	vector_slot el1t_fiq
	vector_slot el1t_serror
	vector_slot el1h_sync		/* current EL, SP_EL1: the kernel */
	vector_slot el1h_irq
	vector_slot el1h_fiq
	vector_slot el1h_serror
	vector_slot el0_sync		/* lower EL, AArch64: user tasks */
	vector_slot el0_irq
	vector_slot el0_fiq
	vector_slot el0_serror
	vector_slot el0_32_sync		/* lower EL, AArch32: unsupported */
	vector_slot el0_32_irq
	vector_slot el0_32_fiq
	vector_slot el0_32_serror

	.text
/*
 * A new user task starts here on its first switch-in (context.h): the top
 * of its kernel stack holds a trap frame describing its first user
 * instruction, as if it had just taken an exception from EL0.
 */
	.global task_first_entry
task_first_entry:
	bl	sched_start_new_task
/*
 * A debugger's hook for "a new program starts" (lp-symbols breaks here to
 * load its symbols, gdb/loupe/symbols.py): the switch is complete, the task
 * is this CPU's current one, and the scheduler's lock is free again, so a
 * stop here does not leave another CPU spinning on it with interrupts
 * masked, where Loupe's stub could not stop it.
 */
	.global task_first_return
task_first_return:
	restore_frame 0

/*
 * context_switch_to_user (context.S) lands here on the resumed task's
 * kernel stack, sp at its user registers, which the IPC fast path filled
 * with the answer: finish the switch in C, then return to user space.
 * The frame record stored at entry links a backtrace into user code.
 */
	.global fast_resume_user
fast_resume_user:
	add	x29, sp, #TF_FRAME_RECORD
	bl	ipc_fast_resumed
	restore_frame 0

/*
 * The stack ran into its guard page. Nothing can be pushed there, so move
 * to this CPU's emergency stack (percpu.emergency_sp via TPIDR_EL1),
 * keeping every register for the report. TPIDRRO_EL0 serves as scratch:
 * this path never returns to user space.
 */
kernel_stack_overflow:
	msr	tpidrro_el0, x0
	mov	x0, sp
	msr	sp_el0, x0		/* the overflowing sp, for the report */
	mrs	x0, tpidr_el1
	ldr	x0, [x0, #PERCPU_EMERGENCY_SP]
	sub	sp, x0, #TF_SIZE
	mrs	x0, tpidrro_el0
	save_registers 1
	mrs	x21, sp_el0
	add	x21, x21, #TF_SIZE	/* sp before the exception */
	str	x21, [sp, #TF_SP]
	msr	tpidrro_el0, xzr
	mov	x0, sp
	bl	trap_stack_overflow
	b	halt_forever

	entry_path el1t_sync, 1, trap_unexpected, 0
	entry_path el1t_irq, 1, trap_unexpected, 1
	entry_path el1t_fiq, 1, trap_unexpected, 2
	entry_path el1t_serror, 1, trap_unexpected, 3
	entry_path el1h_sync, 1, trap_el1_sync, 4
	entry_path el1h_irq, 1, trap_irq, 5
	entry_path el1h_fiq, 1, trap_unexpected, 6
	entry_path el1h_serror, 1, trap_unexpected, 7
/*
 * Synchronous exceptions from user tasks: mostly system calls, and among
 * those mostly IPC. A system call first goes to the IPC fast path
 * (kernel/ipc/fastpath.c), which completes an ipc_call or ipc_reply_recv
 * in its common case and returns true, or returns false having changed
 * nothing; everything else goes through trap_el0_sync. The full frame is
 * saved either way: a blocked task's user registers are where GDB, lp-bt
 * and crash reports look for them.
 */
el0_sync:
	entry_cfi
	save_frame 0
	cfi_trap_frame
	ubfx	x9, x24, #ESR_EC_SHIFT, #6	/* x24: ESR_EL1 (save_registers) */
	cmp	x9, #EC_SVC64
	b.ne	1f
	mov	x0, sp
	bl	ipc_fastpath
	cbnz	w0, 2f
1:	mov	x0, sp
	mov	x1, #8
	bl	trap_el0_sync
2:	restore_frame 0, 1
	.cfi_endproc

	entry_path el0_irq, 0, trap_irq, 9
	entry_path el0_fiq, 0, trap_unexpected, 10
	entry_path el0_serror, 0, trap_unexpected, 11
	entry_path el0_32_sync, 0, trap_unexpected, 12
	entry_path el0_32_irq, 0, trap_unexpected, 13
	entry_path el0_32_fiq, 0, trap_unexpected, 14
	entry_path el0_32_serror, 0, trap_unexpected, 15
