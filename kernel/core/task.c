/*
 * Task lifecycle: spawn, start, kill, exit, wait and reap.
 *
 *   spawn -> CREATED -start-> READY <-> RUNNING -> ZOMBIE -wait-> freed
 *                                       |   ^
 *                          sleep/block  v   | wake-up
 *                              SLEEPING / BLOCKED
 *
 * A task's memory is freed in two steps: its address space when it exits
 * (it runs on its kernel stack, not on its user pages), its kernel stack
 * and struct when its parent reaps it, once no CPU runs on that stack.
 * A task whose parent is gone is reaped by whoever notices it first.
 */
#include "core/task.h"

#include "arch/aarch64/addrspace.h"
#include "core/exec.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/smp.h"
#include "ipc/ipc.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/kstack.h"
#include "mm/uvm.h"
#include "trace/trace.h"

static int next_tid = 1; /* [sched] */

static void task_free(struct task *t)
{
	if (t->kstack)
		kstack_free(t->kstack);
	kfree(t);
}

static struct task *task_alloc(const char *name, int *err)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	t->kstack = kstack_alloc();
	if (!t->kstack) {
		kfree(t);
		*err = -ENOMEM;
		return NULL;
	}
	strlcpy(t->name, name, sizeof(t->name));
	t->priority = LOUPE_PRIO_DEFAULT;
	t->affinity = LOUPE_CPUS_ALL;
	t->cpu = -1;
	t->state = LOUPE_TASK_CREATED;
	list_init(&t->sched_link);
	list_init(&t->all_link);
	list_init(&t->timeout_link);
	waitq_init(&t->child_exit);
	/* The user registers live at the top of the kernel stack, where
	 * vectors.S saves them on every entry from EL0. */
	t->user_frame = (struct trap_frame *)(t->kstack + STACK_SLOT_SIZE - TF_SIZE);
	t->ctx.lr = (uint64_t)task_first_entry;
	t->ctx.sp = (uint64_t)t->user_frame;
	return t;
}

static const char *basename_of(const char *path)
{
	const char *slash = strchr(path, '/');

	while (slash) {
		path = slash + 1;
		slash = strchr(path, '/');
	}
	return path;
}

struct task *task_spawn(const char *name, int argc, char *const argv[], int envc,
			char *const envp[], struct task *parent, int *err)
{
	const void *file;
	size_t size;
	struct task *t;
	unsigned long flags;

	*err = initrd_lookup(name, &file, &size);
	if (*err)
		return NULL;
	t = task_alloc(basename_of(name), err);
	if (!t)
		return NULL;
	*err = exec_load(t, file, size, argc, argv, envc, envp);
	if (*err) {
		task_free(t);
		return NULL;
	}
	flags = sched_lock_irqsave();
	t->tid = next_tid++;
	t->parent = parent;
	/* Like a Unix child's file descriptors 0-2: the standard I/O
	 * endpoint is inherited (docs/ipc.md). */
	if (CONFIG_IPC && parent && parent->caps[LOUPE_SLOT_STDIO].obj) {
		const struct cap *io = &parent->caps[LOUPE_SLOT_STDIO];

		cap_install(t, LOUPE_SLOT_STDIO, io->obj, io->rights, io->badge);
	}
	/* As on Linux, a child starts with its parent's CPUs. */
	if (parent)
		t->affinity = parent->affinity;
	list_push_back(&all_tasks, &t->all_link);
	sched_unlock_irqrestore(flags);
	/* One task per address space: its process id is its task id. */
	trace_name_set(TRACE_NAME_PROCESS, (uint32_t)t->tid, 0, t->name);
	trace_name_set(TRACE_NAME_TASK, (uint32_t)t->tid, (uint32_t)t->tid, t->name);
	TRACE_POINT(SCHED, TASK_CREATE, (uint32_t)t->tid, (uint32_t)t->tid, 0);
	return t;
}

struct task *task_find_child_locked(struct task *parent, int tid)
{
	struct list_node *pos;

	list_for_each(pos, &all_tasks) {
		struct task *t = list_entry(pos, struct task, all_link);

		if (t->tid == tid && t->parent == parent && !t->is_idle)
			return t;
	}
	return NULL;
}

int task_start(struct task *parent, int tid)
{
	unsigned long flags = sched_lock_irqsave();
	struct task *t = task_find_child_locked(parent, tid);
	int err = 0;

	if (!t)
		err = -ESRCH;
	else if (t->state != LOUPE_TASK_CREATED)
		err = -EBUSY;
	else {
		sched_unlock_irqrestore(flags);
		sched_make_ready(t);
		return 0;
	}
	sched_unlock_irqrestore(flags);
	return err;
}

int task_kill(struct task *parent, int tid)
{
	unsigned long flags = sched_lock_irqsave();
	struct task *t = task_find_child_locked(parent, tid);
	bool wake = false;

	if (!t) {
		sched_unlock_irqrestore(flags);
		return -ESRCH;
	}
	if (t->state != LOUPE_TASK_ZOMBIE) {
		__atomic_store_n(&t->kill_pending, true, __ATOMIC_RELEASE);
		/* A task asleep, blocked or never started must run to notice. */
		wake = t->state == LOUPE_TASK_SLEEPING || t->state == LOUPE_TASK_BLOCKED ||
		       t->state == LOUPE_TASK_CREATED;
		/* One running elsewhere notices at its next kernel exit; an IPI
		 * makes that happen now rather than at its next tick. */
		if (t->state == LOUPE_TASK_RUNNING && t->cpu >= 0)
			smp_send_ipi((unsigned)t->cpu, IPI_RESCHED);
	}
	/* Woken under the lock: once it is released, an IPC handoff may
	 * already have made the task RUNNING, and it must not be queued. */
	if (wake)
		sched_wake_locked(t);
	sched_unlock_irqrestore(flags);
	return 0;
}

/* [sched held] Children of an exiting task lose their parent; those that
 * already exited are freed by the caller (returned on `orphans`). */
static void orphan_children(struct task *dying, struct list_node *orphans)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &all_tasks) {
		struct task *c = list_entry(pos, struct task, all_link);

		if (c->parent != dying)
			continue;
		c->parent = NULL;
		if (c->state == LOUPE_TASK_ZOMBIE && !c->on_cpu) {
			list_remove(&c->all_link);
			list_push_back(orphans, &c->all_link);
		}
	}
}

void task_exit(int status)
{
	struct task *t = current_task();
	struct list_node orphans = LIST_INIT(orphans), *pos, *tmp;
	unsigned long flags;

	/* The user pages go now; this code runs on the kernel stack. */
	if (t->vm) {
		struct uvm *vm = t->vm;

		addrspace_deactivate();
		/* Detached under the lock: a task mapping memory into this one
		 * (frame_map) holds it while it uses our address space. */
		flags = sched_lock_irqsave();
		t->vm = NULL;
		sched_unlock_irqrestore(flags);
		uvm_destroy(vm);
	}
	flags = sched_lock_irqsave();
	if (CONFIG_IPC)
		ipc_task_exit(t);
	orphan_children(t, &orphans);
	sched_unlock_irqrestore(flags);
	list_for_each_safe(pos, tmp, &orphans)
		task_free(list_entry(pos, struct task, all_link));

	if (!t->parent)
		pr_info("task %s (id %d) ended with wait status 0x%x; no parent to collect it",
			t->name, t->tid, status);
	TRACE_POINT(SCHED, TASK_EXIT, (uint32_t)t->tid, 0, (uint64_t)(uint32_t)status);
	flags = sched_lock_irqsave();
	t->exit_status = status;
	t->state = LOUPE_TASK_ZOMBIE;
	t->wait_reason = NULL;
	/* Parent (if any) is woken by finish_switch once we are off this
	 * stack; an orphan is freed by the next reaper sweep. */
	schedule_locked();
	(void)flags;
	for (;;) /* a zombie is never scheduled again */
		;
}

struct reap_query {
	struct task *parent;
	int tid;
	struct task *found; /* a zombie ready to free */
	bool any;	    /* a matching child exists at all */
};

/* [sched held] waitq_wait condition: is there a child to reap, or none to
 * wait for? */
static bool reapable(void *arg)
{
	struct reap_query *q = arg;
	struct list_node *pos;

	q->any = false;
	list_for_each(pos, &all_tasks) {
		struct task *t = list_entry(pos, struct task, all_link);

		if (t->parent != q->parent || t->is_idle || (q->tid != -1 && t->tid != q->tid))
			continue;
		q->any = true;
		if (t->state == LOUPE_TASK_ZOMBIE && !t->on_cpu) {
			q->found = t;
			list_remove(&t->all_link);
			return true;
		}
	}
	return !q->any;
}

int task_wait(struct task *parent, int tid, int *status)
{
	struct reap_query q = { .parent = parent, .tid = tid };
	int err = waitq_wait(&parent->child_exit, reapable, &q, "wait child");
	int id;

	if (err)
		return err;
	if (!q.found)
		return -ECHILD;
	id = q.found->tid;
	*status = q.found->exit_status;
	task_free(q.found);
	return id;
}

/* Orphaned zombies (their parent exited first) are freed here, from any
 * task's wait or from init's; kept simple: one sweep per snapshot. */
static void reap_orphans(void)
{
	struct list_node orphans = LIST_INIT(orphans), *pos, *tmp;
	unsigned long flags = sched_lock_irqsave();

	list_for_each_safe(pos, tmp, &all_tasks) {
		struct task *t = list_entry(pos, struct task, all_link);

		if (!t->parent && !t->is_idle && t->state == LOUPE_TASK_ZOMBIE && !t->on_cpu) {
			list_remove(&t->all_link);
			list_push_back(&orphans, &t->all_link);
		}
	}
	sched_unlock_irqrestore(flags);
	list_for_each_safe(pos, tmp, &orphans)
		task_free(list_entry(pos, struct task, all_link));
}

/* [sched held] What t waits for, naming the endpoint of an IPC wait:
 * "ipc recv ep5", "ipc reply ep5" (ids as in traces and lp-ipc). */
static void describe_wait(const struct task *t, char *out, size_t size)
{
	const struct endpoint *ep = t->recv_on ? t->recv_on : t->call_on;

	out[0] = 0;
	if (!t->wait_reason)
		return;
	if (CONFIG_IPC && ep && strncmp(t->wait_reason, "ipc ", 4) == 0)
		snformat(out, size, "%s ep%u", t->wait_reason, ep->obj.id);
	else
		strlcpy(out, t->wait_reason, size);
}

int task_snapshot(struct loupe_task_info *buf, int max)
{
	struct list_node *pos;
	unsigned long flags;
	int n = 0;

	reap_orphans();
	flags = sched_lock_irqsave();
	list_for_each(pos, &all_tasks) {
		struct task *t = list_entry(pos, struct task, all_link);
		struct loupe_task_info *i = &buf[n];

		if (n == max)
			break;
		memset(i, 0, sizeof(*i));
		i->tid = t->tid;
		i->parent = t->parent ? t->parent->tid : 0;
		i->state = t->state;
		i->priority = t->priority;
		i->cpu = t->cpu;
		i->exit_status = t->exit_status;
		strlcpy(i->name, t->name, sizeof(i->name));
		describe_wait(t, i->wait_reason, sizeof(i->wait_reason));
		n++;
	}
	sched_unlock_irqrestore(flags);
	return n;
}
