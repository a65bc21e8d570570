/*
 * The task thread source (stage 3 on): every task is a GDB thread with id
 * GDB_TASK_THREAD_BASE + its task id. A task running on a stopped CPU
 * shows that CPU's registers; a switched-out user task shows the user
 * registers saved at the top of its kernel stack when it entered the
 * kernel, so `bt` starts in the program (load its symbols with
 * lp-symbols). Idle tasks stay with the CPU source.
 *
 * The machine is stopped while GDB looks (all-stop), so the task list is
 * walked without the scheduler lock, which a parked CPU may hold.
 */
#include "core/percpu.h"
#include "core/task.h"
#include "debug/gdb_allstop.h"
#include "debug/gdb_mem.h"
#include "debug/gdb_threads.h"
#include "lib/format.h"

static struct task *task_by_tid(int tid)
{
	struct list_node *pos;

	list_for_each(pos, &all_tasks) {
		struct task *t = list_entry(pos, struct task, all_link);

		if (t->tid == tid && !t->is_idle)
			return t;
	}
	return NULL;
}

/* The CPU t is running on right now, or -1. */
static int running_cpu(const struct task *t)
{
	if (t->state != LOUPE_TASK_RUNNING || t->cpu < 0 || t->cpu >= MAX_CPUS)
		return -1;
	return percpu[t->cpu].current == t ? t->cpu : -1;
}

static unsigned long task_next(unsigned long after)
{
	unsigned long best = 0;
	struct list_node *pos;

	list_for_each(pos, &all_tasks) {
		const struct task *t = list_entry(pos, struct task, all_link);
		unsigned long id = GDB_TASK_THREAD_BASE + (unsigned long)t->tid;

		if (!t->is_idle && t->state != LOUPE_TASK_ZOMBIE && id > after && (!best || id < best))
			best = id;
	}
	return best;
}

static const char *state_text(const struct task *t)
{
	static const char *const names[] = {
		[LOUPE_TASK_CREATED] = "created", [LOUPE_TASK_READY] = "ready",
		[LOUPE_TASK_RUNNING] = "running", [LOUPE_TASK_SLEEPING] = "sleeping",
		[LOUPE_TASK_BLOCKED] = "blocked", [LOUPE_TASK_ZOMBIE] = "zombie",
	};

	return t->state <= LOUPE_TASK_ZOMBIE ? names[t->state] : "?";
}

static bool task_get(unsigned long id, struct gdb_thread *th)
{
	struct task *t;
	int cpu;

	if (id <= GDB_TASK_THREAD_BASE || !(t = task_by_tid((int)(id - GDB_TASK_THREAD_BASE))) ||
	    t->state == LOUPE_TASK_ZOMBIE)
		return false;
	cpu = running_cpu(t);
	th->id = id;
	th->cpu = cpu;
	if (cpu >= 0 && gdb_cpus[cpu].state != GDB_CPU_RUNNING) {
		th->frame = gdb_cpus[cpu].frame;
		th->fp = &gdb_cpus[cpu].fp;
		th->sys = &gdb_cpus[cpu];
	} else {
		/* Switched out: in the kernel, so its user registers are saved. */
		th->frame = t->vm ? t->user_frame : NULL;
		th->fp = NULL;
		th->sys = NULL;
	}
	snformat(th->name, sizeof(th->name), "%s", t->name);
	if (cpu >= 0)
		snformat(th->state, sizeof(th->state), "running on cpu%d", cpu);
	else if (t->wait_reason)
		snformat(th->state, sizeof(th->state), "%s: %s", state_text(t), t->wait_reason);
	else
		snformat(th->state, sizeof(th->state), "%s", state_text(t));
	return true;
}

struct task *gdb_thread_task(unsigned long id)
{
	struct task *t;

	if (!CONFIG_TASKS || id <= GDB_TASK_THREAD_BASE)
		return NULL;
	t = task_by_tid((int)(id - GDB_TASK_THREAD_BASE));
	return t && t->state != LOUPE_TASK_ZOMBIE ? t : NULL;
}

static unsigned long task_on_cpu(unsigned cpu)
{
	const struct task *t = cpu < MAX_CPUS ? percpu[cpu].current : NULL;
	bool idle;
	int tid;

	/* Read safely: percpu[].current may be what a debugger scribbled. */
	if (!t || gdb_mem_read((uint64_t)&t->is_idle, &idle, sizeof(idle)) < 0 || idle ||
	    gdb_mem_read((uint64_t)&t->tid, &tid, sizeof(tid)) < 0)
		return 0;
	return GDB_TASK_THREAD_BASE + (unsigned long)tid;
}

const struct gdb_thread_source gdb_task_thread_source = {
	.name = "tasks",
	.next = task_next,
	.get = task_get,
	.on_cpu = task_on_cpu,
};
