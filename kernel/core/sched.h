#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/spinlock.h"
#include "core/task.h"

/*
 * The scheduler: preemptive, priority-based, round-robin within a
 * priority, one global run queue shared by every CPU (docs/scheduler.md).
 *
 * Locking: one spinlock, sched_lock, guards every task's scheduling state,
 * the run queues, the sleepers, every wait queue and the task list. It is
 * taken with interrupts masked and held across the context switch; the
 * task switched to releases it.
 */
#define SCHED_SLICE_TICKS 5 /* 50 ms at 100 Hz before a same-priority turn */

void sched_init_cpu(void);	      /* make this CPU's boot context its idle task */
__attribute__((noreturn)) void sched_idle_loop(void);
void schedule(void);		      /* give up the CPU; return when picked again */
void sched_yield(void);
/* Change t's priority (requeueing it if READY); -EINVAL if out of range. */
int sched_set_priority(struct task *t, int priority);
void sched_make_ready(struct task *t); /* CREATED/blocked -> READY */
/* Sleep until timer_now_ns() >= deadline; -EINTR if killed first. */
int sched_sleep_until(uint64_t deadline_ns);
/* From the timer tick on every CPU. */
void sched_tick(void);
/* Before returning to user space: honour kill requests and preemption. */
void sched_return_to_user(void);

/* Block on wq until cond(arg) is true (checked with sched_lock held, so a
 * wake-up cannot be missed). 0, or -EINTR if the task is being killed. */
int waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg, const char *reason);
void waitq_wake_all(struct waitq *wq);
void waitq_init(struct waitq *wq);

/* [sched held] make_ready for callers that already hold the lock (IPC). */
void sched_wake_locked(struct task *t);
/* [sched held] Block the current task until woken, or until deadline_ns
 * (0: no deadline), when *timed_out becomes true. */
void sched_block_locked(const char *reason, uint64_t deadline_ns, bool *timed_out);
/* [sched held] The same, switching straight to `next` on this CPU: IPC
 * hands the CPU from caller to receiver and back without the run queue or
 * another CPU, as L4 kernels do. `next` is BLOCKED, off every queue, and
 * sched_can_handoff_locked() accepted it. */
void sched_block_handoff_locked(const char *reason, uint64_t deadline_ns, bool *timed_out,
				struct task *next);
static inline bool sched_allowed_on(const struct task *t, unsigned cpu)
{
	return (t->affinity >> cpu) & 1;
}

/* [sched held] May t take over CPU `cpu` (the caller's) directly from a
 * task that blocks: it is BLOCKED (a caller killed while waiting for its
 * reply is READY already, on the run queue), its affinity allows that CPU
 * and no READY task has a higher priority (runq_mask >> (p + 1) is
 * nonzero exactly when a queue above priority p is not empty). Inline:
 * both IPC paths ask it on every handoff. */
static inline bool sched_can_handoff_locked(const struct task *t, unsigned cpu)
{
	extern uint32_t runq_mask;

	return t->state == LOUPE_TASK_BLOCKED && sched_allowed_on(t, cpu) &&
	       !(runq_mask >> (t->priority + 1));
}
/* Restrict a task to the CPUs of `mask` (bit n: CPU n); -EINVAL if it
 * names no online CPU. A task running elsewhere moves at once. */
int sched_set_affinity(struct task *t, uint32_t mask);

/* The scheduler lock, for task.c's lifecycle changes and IPC. Inline: IPC
 * takes it twice per round trip. */
extern struct spinlock sched_lock;

static inline unsigned long sched_lock_irqsave(void)
{
	return spin_lock_irqsave(&sched_lock);
}

static inline void sched_unlock_irqrestore(unsigned long flags)
{
	spin_unlock_irqrestore(&sched_lock, flags);
}
/* Switch away with sched_lock held (the next task releases it). */
void schedule_locked(void);
