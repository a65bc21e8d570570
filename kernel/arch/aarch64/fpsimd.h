#pragma once

/*
 * Lazy FP/SIMD switching (docs/scheduler.md, "FP/SIMD registers").
 *
 * A task's FP/SIMD registers are loaded only when it first uses them in a
 * time slice: EL0 runs with FP/SIMD trapped (CPACR_EL1.FPEN = 0b01) until
 * the first such instruction, whose trap (ESR class 0x07) loads the state
 * and lets EL0 in. A task that used them is saved when it leaves the CPU,
 * so its task->fp is complete whenever it is not running and it can run
 * next on any CPU. Tasks that never touch FP/SIMD, such as an IPC client
 * and server, switch without moving those 528 bytes at all.
 *
 * When the registers still hold exactly what a task saved last (no other
 * task loaded its own since, and the task ran nowhere else), it gets them
 * back without a trap or a reload: save generations tell. But then it
 * could use them unseen, so it would be saved at every switch-out even
 * if it never touched them again; a task gets them back that way only
 * FPSIMD_KEEP_SWITCHES times after a trap, then traps once more, which
 * costs no reload. A task that stopped using FP/SIMD stops being saved.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/sysregs.h"
#include "core/percpu.h"
#include "core/task.h"

#define FPSIMD_KEEP_SWITCHES 16 /* see above */

/*
 * What this CPU's FP/SIMD registers hold: regs_of's state as it saved it
 * at generation gen (while regs_of->fp.gen == gen: nothing newer was saved
 * anywhere), or, while el0_on, current's live state, newer than its
 * task->fp. Generations are unique across CPUs (a counter per CPU with the
 * CPU's number in the low bits), so a task freed and another allocated at
 * its address (gen 0) never matches.
 */
struct fpsimd_cpu {
	const struct task *regs_of;
	uint64_t gen;
	uint64_t seq;
	bool el0_on; /* CPACR_EL1.FPEN lets EL0 use FP/SIMD */
};
extern struct fpsimd_cpu fpsimd_cpus[MAX_CPUS];

static inline void fpsimd_set_el0_access(struct fpsimd_cpu *c, bool on)
{
	uint64_t cpacr = on ? CPACR_EL1_FPEN : CPACR_EL1_FPEN_EL1;

	__asm__ volatile("msr cpacr_el1, %0\n\tisb" ::"r"(cpacr) : "memory");
	c->el0_on = on;
}

/* fpsimd_save (context.S) uses only x0 and x9-x11: calling it like this
 * lets the compiler keep everything else in registers across the call,
 * where a plain C call would spill whatever it holds in x0-x18. */
static inline void fpsimd_save_regs(struct fpsimd_state *fp)
{
	register struct fpsimd_state *x0 __asm__("x0") = fp;

	__asm__ volatile("bl fpsimd_save" : "+r"(x0) : : "x9", "x10", "x11", "x30", "memory");
}

/* [irqs off] The registers change hands from prev to next on CPU `cpu`.
 * Inline: it runs at every switch, and mostly decides to do nothing. */
static inline void fpsimd_switch(struct task *prev, struct task *next, unsigned cpu)
{
	struct fpsimd_cpu *c = &fpsimd_cpus[cpu];
	bool keep;

	if (c->el0_on) {
		/* prev used them this slice: save now, so that it can run next
		 * on another CPU, which cannot read these registers. */
		fpsimd_save_regs(&prev->fp);
		c->gen = prev->fp.gen = (++c->seq << 3) | cpu;
		c->regs_of = prev;
	}
	keep = next->vm && c->regs_of == next && c->gen == next->fp.gen && next->fp.keep;
	if (keep)
		next->fp.keep--;
	if (keep != c->el0_on)
		fpsimd_set_el0_access(c, keep);
}
/* [irqs off] EL0 touched FP/SIMD while trapped: give current its state. */
void fpsimd_trap(void);
/* [irqs off] For the debugger, which reads and writes this CPU's
 * registers as the current task's: make them hold current's user state
 * and be live, or, under a kernel task, nobody's. */
void fpsimd_claim_for_current(void);
/* This CPU at boot: EL0 trapped, nobody's state loaded. */
void fpsimd_init_cpu(void);
