/*
 * Loupe's own system calls (numbers from LOUPE_SYS_BASE): task management
 * for init and the test programs. docs/syscalls.md describes each.
 */
#include "core/power.h"
#include "core/sched.h"
#include "core/selftest.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/uaccess.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "loupe/syscall.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "core/printk.h"
#include "trace/trace.h"

#define SPAWN_ARGS_MAX 32
#define SPAWN_STRINGS_MAX 2048

/* Arguments copied from the caller: pointers into one string pool. */
struct spawn_args {
	char pool[SPAWN_STRINGS_MAX];
	size_t used;
	char *argv[SPAWN_ARGS_MAX], *envp[SPAWN_ARGS_MAX];
	int argc, envc;
};

/* Copy a NULL-terminated user array of strings (uaddr 0 means empty). */
static int copy_string_array(struct spawn_args *a, uint64_t uaddr, char **out, int *count)
{
	*count = 0;
	while (uaddr) {
		uint64_t ptr;
		long len;

		if (copy_from_user(&ptr, uaddr + *count * 8, 8) < 0)
			return -EFAULT;
		if (!ptr)
			return 0;
		if (*count == SPAWN_ARGS_MAX)
			return -E2BIG;
		len = strncpy_from_user(a->pool + a->used, ptr, SPAWN_STRINGS_MAX - a->used);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return (int)len;
		out[(*count)++] = a->pool + a->used;
		a->used += len + 1;
	}
	return 0;
}

static long sys_spawn(struct trap_frame *f)
{
	char name[LOUPE_NAME_MAX];
	struct spawn_args *a;
	struct task *child;
	long len = strncpy_from_user(name, f->x[0], sizeof(name));
	int err;

	if (len < 0)
		return len;
	a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	err = copy_string_array(a, f->x[1], a->argv, &a->argc);
	if (!err)
		err = copy_string_array(a, f->x[2], a->envp, &a->envc);
	child = err ? NULL : task_spawn(name, a->argc, a->argv, a->envc, a->envp,
					 current_task(), &err);
	kfree(a);
	return child ? child->tid : err;
}

static long sys_start(struct trap_frame *f)
{
	return task_start(current_task(), (int)f->x[0]);
}

static long sys_kill(struct trap_frame *f)
{
	return task_kill(current_task(), (int)f->x[0]);
}

static long sys_wait(struct trap_frame *f)
{
	int status = 0, id;
	uint64_t ustatus = f->x[1];

	/* Check the status pointer first: a reaped child's status must not be
	 * lost to a bad pointer afterwards. */
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)) < 0)
		return -EFAULT;
	id = task_wait(current_task(), (int)f->x[0], &status);
	if (id > 0 && ustatus)
		copy_to_user(ustatus, &status, sizeof(status));
	return id;
}

static long sys_tasks(struct trap_frame *f)
{
	int max = (int)f->x[1], n;
	struct loupe_task_info *buf;

	if (f->x[1] > 256)
		max = 256;
	if (max <= 0)
		return -EINVAL;
	buf = kcalloc((size_t)max, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	n = task_snapshot(buf, max);
	if (copy_to_user(f->x[0], buf, (size_t)n * sizeof(*buf)) < 0)
		n = -EFAULT;
	kfree(buf);
	return n;
}

static long sys_poweroff(struct trap_frame *f)
{
	int status = (int)f->x[0];

	/* A failed kernel self test fails the whole run, whatever init says. */
	if (selftest_kernel_failures && !status)
		status = 1;
	power_off(status);
}

static long sys_frames_free(struct trap_frame *f)
{
	(void)f;
	/* The heap keeps a few empty slabs for reuse; give them back first so
	 * the count says what is really in use (leak tests compare it). */
	heap_trim();
	return (long)frame_free_count();
}

static long sys_trace_mark(struct trap_frame *f)
{
	char label[16];
	long len = strncpy_from_user(label, f->x[1], sizeof(label));

	if (len == -ENAMETOOLONG) { /* longer labels are cut, as documented */
		label[sizeof(label) - 1] = '\0';
		len = sizeof(label) - 1;
	}
	if (len < 0)
		return len;
	switch (f->x[0]) {
	case LOUPE_MARK_BEGIN:
		trace_mark_begin(label);
		return 0;
	case LOUPE_MARK_END:
		trace_mark_end(label);
		return 0;
	case LOUPE_MARK_INSTANT:
		trace_mark_instant(label);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Through the log, not straight to the UART: from stage 4 the console
 * server prints the log, and the UART is not the kernel's to write. */
static void console_line(const char *line)
{
	pr_info("%s", line);
}

static long sys_trace_control(struct trap_frame *f)
{
	char cmd[64];
	long len = strncpy_from_user(cmd, f->x[0], sizeof(cmd));

	if (len < 0)
		return len;
	if (!CONFIG_TRACE)
		return -ENOSYS;
	return trace_control(cmd, console_line);
}

static long sys_set_priority(struct trap_frame *f)
{
	struct task *self = current_task(), *t = self;
	unsigned long flags;

	if (f->x[0]) {
		flags = sched_lock_irqsave();
		t = task_find_child_locked(self, (int)f->x[0]);
		sched_unlock_irqrestore(flags);
		if (!t)
			return -ESRCH;
	}
	/* The child cannot be freed meanwhile: only we, its parent, reap it. */
	return sched_set_priority(t, (int)(int64_t)f->x[1]);
}

static long sys_set_affinity(struct trap_frame *f)
{
	struct task *self = current_task(), *t = self;
	unsigned long flags;

	if (f->x[0]) {
		flags = sched_lock_irqsave();
		t = task_find_child_locked(self, (int)f->x[0]);
		sched_unlock_irqrestore(flags);
		if (!t)
			return -ESRCH;
	}
	/* As for set_priority, only we, the parent, could free the child. */
	return sched_set_affinity(t, (uint32_t)f->x[1]);
}

static const syscall_fn native_table[] = {
	[LOUPE_SYS_spawn - LOUPE_SYS_BASE] = sys_spawn,
	[LOUPE_SYS_start - LOUPE_SYS_BASE] = sys_start,
	[LOUPE_SYS_kill - LOUPE_SYS_BASE] = sys_kill,
	[LOUPE_SYS_wait - LOUPE_SYS_BASE] = sys_wait,
	[LOUPE_SYS_tasks - LOUPE_SYS_BASE] = sys_tasks,
	[LOUPE_SYS_poweroff - LOUPE_SYS_BASE] = sys_poweroff,
	[LOUPE_SYS_frames_free - LOUPE_SYS_BASE] = sys_frames_free,
	[LOUPE_SYS_trace_mark - LOUPE_SYS_BASE] = sys_trace_mark,
	[LOUPE_SYS_trace_control - LOUPE_SYS_BASE] = sys_trace_control,
	[LOUPE_SYS_set_priority - LOUPE_SYS_BASE] = sys_set_priority,
	[LOUPE_SYS_set_affinity - LOUPE_SYS_BASE] = sys_set_affinity,
};

syscall_fn syscall_native_lookup(uint64_t nr)
{
	uint64_t i = nr - LOUPE_SYS_BASE;

	if (i < ARRAY_SIZE(native_table))
		return native_table[i];
	return syscall_ipc_lookup(nr);
}
