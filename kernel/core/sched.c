#include "core/sched.h"

#include "arch/arch.h"
#include "arch/aarch64/addrspace.h"
#include "arch/aarch64/fpsimd.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "core/sched_switch.h"
#include "core/smp.h"
#include "core/spinlock.h"
#include "core/timer.h"
#include "core/watchdog.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/kstack.h"
#include "mm/heap.h"
#include "mm/uvm.h"
#include "trace/trace.h"

#define NPRIO (LOUPE_PRIO_MAX + 1)

struct spinlock sched_lock = SPINLOCK_INIT("sched");
/* [sched] READY tasks, one FIFO per priority; bit p of runq_mask is set
 * when runq[p] is not empty, so the highest is found with one clz. */
static struct list_node runq[NPRIO];
uint32_t runq_mask; /* read by sched_can_handoff_locked (sched.h) */
/* [sched] For the trace's per-CPU counter: READY tasks each CPU may run
 * (a task counts on every CPU of its affinity). */
static unsigned runq_len[MAX_CPUS];
/* [sched] CPUs running their idle task: a wake-up finds one to kick in a
 * few instructions instead of a walk over every CPU. */
static uint32_t idle_cpus;
/* [sched] SLEEPING tasks, unordered: there are few. */
static struct list_node sleepers = LIST_INIT(sleepers);
/* [sched] BLOCKED tasks with a deadline (IPC timeouts), on timeout_link. */
static struct list_node timeouts = LIST_INIT(timeouts);
struct list_node all_tasks = LIST_INIT(all_tasks);

static struct task idle_tasks[MAX_CPUS];

void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

static void runq_count(const struct task *t, int delta)
{
	for (uint32_t m = t->affinity & ((1u << MAX_CPUS) - 1); m; m &= m - 1)
		runq_len[__builtin_ctz(m)] += (unsigned)delta;
}

static void runq_push(struct task *t)
{
	list_push_back(&runq[t->priority], &t->sched_link);
	runq_mask |= 1u << t->priority;
	runq_count(t, 1);
}

static bool allowed_on(const struct task *t, unsigned cpu)
{
	return sched_allowed_on(t, cpu);
}

/* The best READY task this CPU may run: the first of the highest priority
 * whose affinity includes the CPU. Without pinned tasks that is the head
 * of the highest non-empty queue, as before affinity existed. */
static struct task *runq_pop(void)
{
	unsigned cpu = arch_cpu_index();
	uint32_t mask = runq_mask;

	while (mask) {
		int prio = 31 - __builtin_clz(mask);
		struct list_node *n;

		list_for_each(n, &runq[prio]) {
			struct task *t = list_entry(n, struct task, sched_link);

			if (!allowed_on(t, cpu))
				continue;
			list_remove(n);
			runq_count(t, -1);
			if (list_empty(&runq[prio]))
				runq_mask &= ~(1u << prio);
			return t;
		}
		mask &= ~(1u << prio);
	}
	return NULL;
}

/* [sched held] Find another CPU for newly ready t: an idle one it may run
 * on; failing that, when t may not run here, one running a task of lower
 * priority (preempted at its next return to user space). The IPI makes
 * that CPU schedule. */
static void kick_cpu_for(const struct task *t)
{
	unsigned self = arch_cpu_index();
	uint32_t idle = idle_cpus & t->affinity & ~(1u << self);

	if (idle) {
		unsigned i = (unsigned)__builtin_ctz(idle);

		percpu[i].need_resched = true;
		smp_send_ipi(i, IPI_RESCHED);
		return;
	}
	if (allowed_on(t, self))
		return;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct task *cur = percpu[i].current;

		if (percpu[i].online && cur && allowed_on(t, i) && cur->priority < t->priority) {
			percpu[i].need_resched = true;
			smp_send_ipi(i, IPI_RESCHED);
			return;
		}
	}
}

/* [sched held] Take t off whatever it waits on and queue it; also wake a
 * CPU for it (an idle one, or, for a pinned task, one it may preempt). */
static void enqueue_ready(struct task *t)
{
	struct task *cur = current_task();

	if (t->state == LOUPE_TASK_READY && list_linked(&t->sched_link))
		return; /* queued already (a killed task, answered before it ran) */
	if (list_linked(&t->sched_link))
		list_remove(&t->sched_link);
	if (list_linked(&t->timeout_link))
		list_remove(&t->timeout_link);
	t->state = LOUPE_TASK_READY;
	t->wait_reason = NULL;
	runq_push(t);
	TRACE_POINT_IRQS_OFF(SCHED, SCHED_WAKEUP, TRACE_TID_OF(t), arch_cpu_index(), 0);
	if (cur && allowed_on(t, arch_cpu_index()) &&
	    (cur->is_idle || t->priority > cur->priority))
		this_cpu()->need_resched = true;
	kick_cpu_for(t);
}

static void make_ready_locked(struct task *t)
{
	enqueue_ready(t);
}

void sched_wake_locked(struct task *t)
{
	make_ready_locked(t);
}

void sched_make_ready(struct task *t)
{
	unsigned long flags = sched_lock_irqsave();

	make_ready_locked(t);
	sched_unlock_irqrestore(flags);
}

/* [sched held] */
static void wake_all_locked(struct waitq *wq)
{
	while (!list_empty(&wq->waiters))
		make_ready_locked(list_entry(wq->waiters.next, struct task, sched_link));
}

void sched_zombie_switched_out(struct task *prev)
{
	/* A task that just exited can be reaped only now that nobody runs on
	 * its stack any more: tell its parent. */
	if (prev->parent)
		wake_all_locked(&prev->parent->child_exit);
}

/* [sched held] Remove t from its run queue (it is READY). */
static void runq_take(struct task *t)
{
	list_remove(&t->sched_link);
	runq_count(t, -1);
	if (list_empty(&runq[t->priority]))
		runq_mask &= ~(1u << t->priority);
}

/* What the trace says of the task leaving the CPU (TRACE_TASK_*). */
static inline uint64_t trace_prev_state(const struct task *prev)
{
	switch (prev->state) {
	case LOUPE_TASK_SLEEPING:
	case LOUPE_TASK_BLOCKED:
		return TRACE_TASK_BLOCKED;
	case LOUPE_TASK_ZOMBIE:
		return TRACE_TASK_EXITED;
	default: /* READY again, or an idle task */
		return TRACE_TASK_PREEMPTED;
	}
}

/* [sched held] Switch to `want` if given, else to the best READY task.
 * `want` is a task sched_can_handoff_locked() accepted, off every queue:
 * it goes straight from BLOCKED to RUNNING, never touching a run queue. */
static void switch_locked(struct task *want)
{
	struct percpu *cpu = this_cpu();
	struct task *prev = cpu->current, *next = want;

	if (prev->state == LOUPE_TASK_RUNNING && !prev->is_idle)
		make_ready_locked(prev);
	if (next) {
		if (list_linked(&next->timeout_link))
			list_remove(&next->timeout_link);
		next->wait_reason = NULL;
	} else {
		next = runq_pop();
	}
	if (!next)
		next = cpu->idle_task;
	cpu->need_resched = false;
	if (next == prev) {
		prev->state = LOUPE_TASK_RUNNING;
		return;
	}
	next->state = LOUPE_TASK_RUNNING;
	next->cpu = (int)cpu->index;
	next->on_cpu = true;
	if (next->is_idle)
		idle_cpus |= 1u << cpu->index;
	else if (prev->is_idle)
		idle_cpus &= ~(1u << cpu->index);
	/* A handoff passes the rest of prev's slice on: a client and its
	 * server are one thread of control and share one slice, or a pair
	 * calling each other would never be preempted by round-robin. */
	next->time_slice = want && !prev->is_idle ? prev->time_slice : SCHED_SLICE_TICKS;
	/* a2 = 1: a handoff, prev woke next itself (no SCHED_WAKEUP). An IPC
	 * handoff that recorded its own event (IPC_CALL or IPC_REPLY_RECV
	 * naming next) already said all this. */
	if (unlikely(cpu->trace_switch_done))
		cpu->trace_switch_done = false;
	else
		TRACE_POINT_IRQS_OFF(SCHED, SCHED_SWITCH, TRACE_TID_OF(next),
				     trace_prev_state(prev), want != NULL);
	sched_switch_user_and_current(cpu, prev, next);
	context_switch(&prev->ctx, &next->ctx);
	/* Running as prev again, perhaps on another CPU. */
	sched_finish_switch();
}

void schedule_locked(void)
{
	switch_locked(NULL);
}

void schedule(void)
{
	unsigned long flags = sched_lock_irqsave();

	schedule_locked();
	sched_unlock_irqrestore(flags);
}

void sched_yield(void)
{
	schedule();
}

/* A new task's first run (vectors.S task_first_entry): complete the switch
 * that brought us here and drop the lock the previous task took. Interrupts
 * stay masked until the eret to user space. */
void sched_start_new_task(void)
{
	sched_finish_switch();
	spin_unlock(&sched_lock);
	sched_return_to_user();
}

void sched_return_to_user(void)
{
	struct task *t = current_task();

	if (__atomic_load_n(&t->kill_pending, __ATOMIC_ACQUIRE))
		task_exit(WSTATUS_SIGNALED(SIGKILL));
	if (this_cpu()->need_resched)
		schedule();
}

int waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg, const char *reason)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	int err = 0;

	while (!cond(arg)) {
		if (t->kill_pending) {
			err = -EINTR;
			break;
		}
		t->state = LOUPE_TASK_BLOCKED;
		t->wait_reason = reason;
		list_push_back(&wq->waiters, &t->sched_link);
		schedule_locked();
	}
	sched_unlock_irqrestore(flags);
	return err;
}

void waitq_wake_all(struct waitq *wq)
{
	unsigned long flags = sched_lock_irqsave();

	wake_all_locked(wq);
	sched_unlock_irqrestore(flags);
}

int sched_set_priority(struct task *t, int priority)
{
	unsigned long flags;

	if (priority < LOUPE_PRIO_MIN || priority > LOUPE_PRIO_MAX)
		return -EINVAL;
	flags = sched_lock_irqsave();
	if (t->state == LOUPE_TASK_READY) {
		runq_take(t); /* requeue at the new priority */
		t->priority = priority;
		make_ready_locked(t);
	} else {
		t->priority = priority;
	}
	/* A running task that lowered itself below a waiting one yields at
	 * its next return to user space. */
	if (t == current_task() && runq_mask && 31 - __builtin_clz(runq_mask) > priority)
		this_cpu()->need_resched = true;
	sched_unlock_irqrestore(flags);
	return 0;
}

int sched_set_affinity(struct task *t, uint32_t mask)
{
	uint32_t online = 0;
	unsigned long flags;

	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (percpu[i].online)
			online |= 1u << i;
	if (!(mask & online))
		return -EINVAL;
	flags = sched_lock_irqsave();
	if (t->state == LOUPE_TASK_READY)
		runq_count(t, -1);
	t->affinity = mask;
	if (t->state == LOUPE_TASK_READY)
		runq_count(t, 1);
	if (t->state == LOUPE_TASK_RUNNING && !allowed_on(t, (unsigned)t->cpu)) {
		/* Running where it may no longer run: that CPU reschedules at
		 * its next return to user space, and the switch queues the
		 * task, which kicks a CPU it may run on. */
		percpu[t->cpu].need_resched = true;
		if ((unsigned)t->cpu != arch_cpu_index())
			smp_send_ipi((unsigned)t->cpu, IPI_RESCHED);
	} else if (t->state == LOUPE_TASK_READY) {
		kick_cpu_for(t);
	}
	sched_unlock_irqrestore(flags);
	return 0;
}

void sched_block_locked(const char *reason, uint64_t deadline_ns, bool *timed_out)
{
	sched_block_handoff_locked(reason, deadline_ns, timed_out, NULL);
}

void sched_block_handoff_locked(const char *reason, uint64_t deadline_ns, bool *timed_out,
				struct task *next)
{
	struct task *t = current_task();

	t->state = LOUPE_TASK_BLOCKED;
	t->wait_reason = reason;
	if (deadline_ns) {
		t->wake_at_ns = deadline_ns;
		t->timed_out = timed_out;
		list_push_back(&timeouts, &t->timeout_link);
	}
	switch_locked(next);
}

int sched_sleep_until(uint64_t deadline_ns)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	int err = 0;

	while (timer_now_ns() < deadline_ns) {
		if (t->kill_pending) {
			err = -EINTR;
			break;
		}
		t->state = LOUPE_TASK_SLEEPING;
		t->wait_reason = "sleep";
		t->wake_at_ns = deadline_ns;
		list_push_back(&sleepers, &t->sched_link);
		schedule_locked();
	}
	sched_unlock_irqrestore(flags);
	return err;
}

void sched_tick(void)
{
	struct task *cur = current_task();
	uint64_t now = timer_now_ns();
	struct list_node *pos, *tmp;
	unsigned long flags;

	if (!cur)
		return; /* the scheduler is not running on this CPU yet */
	/* Each CPU records, once a tick and only when it changed, how many
	 * READY tasks it could run: the trace's per-CPU run-queue counter. */
	if (CONFIG_TRACE) {
		static unsigned last_len[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = ~0u };
		unsigned self = this_cpu()->index, len = READ_ONCE(runq_len[self]);

		if (len != last_len[self]) {
			last_len[self] = len;
			trace_counter(TRACE_COUNTER_RUNQ_LEN, len);
		}
	}
	/* Every CPU ticks 100 times a second: take the shared lock only when
	 * there may be work. The lists are read without the lock; a task
	 * added just after this check is seen one tick later. */
	if (!cur->is_idle && cur->time_slice > 0)
		cur->time_slice--;
	if (list_empty(&sleepers) && list_empty(&timeouts) &&
	    (cur->is_idle || cur->time_slice > 0 || !READ_ONCE(runq_mask)))
		return;
	flags = sched_lock_irqsave();
	list_for_each_safe(pos, tmp, &sleepers) {
		struct task *t = list_entry(pos, struct task, sched_link);

		if (t->wake_at_ns <= now)
			make_ready_locked(t);
	}
	list_for_each_safe(pos, tmp, &timeouts) {
		struct task *t = list_entry(pos, struct task, timeout_link);

		if (t->wake_at_ns <= now) {
			*t->timed_out = true;
			make_ready_locked(t);
		}
	}
	if (!cur->is_idle && cur->time_slice <= 0 && runq_mask &&
	    31 - __builtin_clz(runq_mask) >= cur->priority)
		this_cpu()->need_resched = true;
	sched_unlock_irqrestore(flags);
}

void sched_init_cpu(void)
{
	struct percpu *cpu = this_cpu();
	struct task *idle = &idle_tasks[cpu->index];
	unsigned long flags;

	if (cpu->index == 0)
		for (int p = 0; p < NPRIO; p++)
			list_init(&runq[p]);
	memset(idle, 0, sizeof(*idle));
	idle->tid = LOUPE_IDLE_TID_BASE + (int)cpu->index;
	strlcpy(idle->name, "idle/", sizeof(idle->name));
	idle->name[5] = (char)('0' + cpu->index);
	idle->is_idle = true;
	idle->state = LOUPE_TASK_RUNNING;
	idle->priority = LOUPE_PRIO_MIN;
	idle->affinity = 1u << cpu->index;
	idle->cpu = (int)cpu->index;
	idle->on_cpu = true;
	list_init(&idle->sched_link);
	list_init(&idle->timeout_link);
	waitq_init(&idle->child_exit);
	flags = sched_lock_irqsave();
	list_push_back(&all_tasks, &idle->all_link);
	idle_cpus |= 1u << cpu->index;
	sched_unlock_irqrestore(flags);
	cpu->idle_task = idle;
	cpu->current = idle;
	addrspace_deactivate();
	fpsimd_init_cpu();
}

void sched_idle_loop(void)
{
	arch_irq_enable();
	for (;;) {
		if (this_cpu()->need_resched)
			schedule();
		watchdog_touch();
		/* Check and sleep with IRQs masked, so a wake-up between the
		 * check and WFI still ends the WFI. */
		arch_irq_disable();
		if (!this_cpu()->need_resched)
			arch_wait_for_interrupt();
		arch_irq_enable();
	}
}
