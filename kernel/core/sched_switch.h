#pragma once

/*
 * The switch itself, shared by the scheduler (sched.c) and the IPC fast
 * path (ipc/fastpath.c), which inlines the handoff so that one call from
 * the exception entry does a whole IPC. Not for other users: everything
 * here runs with sched_lock held and interrupts masked.
 */
#include "arch/aarch64/fpsimd.h"
#include "core/percpu.h"
#include "core/sched.h"
#include "core/task.h"
#include "mm/uvm.h"
#include "trace/trace.h"

/* The FP/SIMD registers and thread pointer belong to the user task running
 * on the CPU; the kernel never uses them, so they move only here (the FP
 * registers lazily: fpsimd.h). */
static inline __attribute__((always_inline)) void
switch_user_state(struct task *prev, struct task *next, unsigned cpu)
{
	fpsimd_switch(prev, next, cpu);
	if (prev->vm)
		__asm__ volatile("mrs %0, tpidr_el0" : "=r"(prev->tpidr_el0));
	if (next->vm) {
		__asm__ volatile("msr tpidr_el0, %0" ::"r"(next->tpidr_el0));
		uvm_activate(next->vm);
	} else {
		addrspace_deactivate();
	}
}

/* [sched held] prev ended: its parent may reap it (sched.c). */
void sched_zombie_switched_out(struct task *prev);

/* [sched held] The last steps before the stack switch, for every switch:
 * user state, this CPU's current task (and the tracer's copy), and what
 * the next task's first step back (sched_finish_switch) needs. */
static inline __attribute__((always_inline)) void
sched_switch_user_and_current(struct percpu *cpu, struct task *prev, struct task *next)
{
	switch_user_state(prev, next, cpu->index);
	cpu->current = next;
	if (CONFIG_TRACE)
		trace_set_current(cpu, TRACE_TID_OF(next));
	cpu->switch_prev = prev;
	cpu->progress_tick = cpu->ticks; /* watchdog_touch(), without the call */
}

/* [sched held] Just switched in: the task we came from is off this CPU's
 * stack now, so another CPU may run it (or its parent reap it). */
static inline __attribute__((always_inline)) void sched_finish_switch(void)
{
	struct percpu *cpu = this_cpu();
	struct task *prev = cpu->switch_prev;

	cpu->switch_prev = NULL;
	if (!prev)
		return;
	prev->on_cpu = false;
	if (unlikely(prev->state == LOUPE_TASK_ZOMBIE))
		sched_zombie_switched_out(prev);
}

/*
 * [sched held] The IPC fast path's handoff: prev (cpu's current task)
 * blocks without a deadline and next, a BLOCKED user task off every queue
 * that sched_can_handoff_locked() accepted, runs here at once. This is
 * switch_locked's work for exactly this case: no run queue, idle mask or
 * deadline of prev is touched. All of it but the switch itself, which the
 * fast path makes with context_switch, or context_switch_to_user for a
 * partner it resumes straight into user space (fast_switch in fastpath.c).
 */
static inline __attribute__((always_inline)) void
sched_handoff_begin_locked(struct percpu *cpu, struct task *prev, struct task *next,
			   const char *reason)
{
	prev->state = LOUPE_TASK_BLOCKED;
	prev->wait_reason = reason;
	if (unlikely(list_linked(&next->timeout_link)))
		list_remove(&next->timeout_link); /* it waited with a deadline */
	next->wait_reason = NULL;
	next->state = LOUPE_TASK_RUNNING;
	next->cpu = (int)cpu->index;
	next->on_cpu = true;
	next->time_slice = prev->time_slice; /* one slice for both: switch_locked */
	cpu->need_resched = false;
	if (unlikely(cpu->trace_switch_done))
		cpu->trace_switch_done = false;
	else
		TRACE_POINT_IRQS_OFF(SCHED, SCHED_SWITCH, TRACE_TID_OF(next), TRACE_TASK_BLOCKED, 1);
	sched_switch_user_and_current(cpu, prev, next);
}
