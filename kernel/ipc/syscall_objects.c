/*
 * System calls on memory, interrupt and reply objects, bound
 * notifications and the kernel log (include/loupe/ipc.h). Like
 * syscall_ipc.c, each checks capability types, rights and arguments before
 * it changes anything.
 */
#include "core/console.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/syscall.h"
#include "core/task.h"
#include "core/uaccess.h"
#include "ipc/ipc.h"
#include "ipc/klog.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/uvm.h"
#include "trace/trace.h"

static long sys_frame_create(struct trap_frame *f)
{
	uint64_t slot = f->x[0], pages = f->x[1];
	struct kobject *obj;
	unsigned long flags;
	int err;

	if (slot >= LOUPE_CAP_SLOTS || pages == 0 || pages > LOUPE_FRAME_MAX_PAGES)
		return -EINVAL;
	flags = sched_lock_irqsave();
	err = current_task()->caps[slot].obj ? -EBUSY : 0;
	sched_unlock_irqrestore(flags);
	if (err)
		return err; /* before allocating: a taken slot costs nothing */
	obj = frame_new((unsigned)pages);
	if (!obj)
		return -ENOMEM;
	flags = sched_lock_irqsave();
	err = cap_install(current_task(), slot, obj, LOUPE_RIGHTS_ALL, 0);
	if (err) {
		/* Lost a race for the slot: the object has no user yet. */
		kobject_get(obj);
		kobject_put(obj);
	}
	sched_unlock_irqrestore(flags);
	return err;
}

/* [sched held] The task a memory call acts on: the caller, or the task
 * named by task_slot if the caller holds control over it. */
static struct task *target_task(uint64_t task_slot, int *err)
{
	struct task *t = current_task();
	struct cap *c;

	if (task_slot == LOUPE_SELF)
		return t;
	c = cap_lookup(t, task_slot, LOUPE_OBJ_TASK, LOUPE_RIGHT_CONTROL, err);
	if (!c)
		return NULL;
	t = ((struct task_object *)c->obj)->task;
	if (!t || !t->vm) {
		*err = t ? -EINVAL : -ESRCH; /* a kernel task has no user memory */
		return NULL;
	}
	return t;
}

static void mapping_gone(void *owner)
{
	struct frame_object *fo = owner;

	if (fo->kernel_console)
		console_mapping_gone();
	__atomic_sub_fetch(&fo->mappings, 1, __ATOMIC_RELAXED);
	kobject_put(&fo->obj);
}

static uint32_t map_rights(uint64_t prot)
{
	return (prot & LOUPE_PROT_READ ? LOUPE_RIGHT_MAP_R : 0) |
	       (prot & LOUPE_PROT_WRITE ? LOUPE_RIGHT_MAP_W : 0) |
	       (prot & LOUPE_PROT_EXEC ? LOUPE_RIGHT_MAP_X : 0);
}

static long sys_frame_map(struct trap_frame *f)
{
	uint64_t slot = f->x[0], task_slot = f->x[1], va = f->x[2], prot = f->x[3];
	unsigned long flags = sched_lock_irqsave();
	struct frame_object *fo;
	struct task *target;
	struct cap *c;
	long ret;
	int err;

	c = cap_lookup(current_task(), slot, LOUPE_OBJ_NONE, 0, &err);
	if (!c) {
		ret = err;
		goto out;
	}
	fo = (struct frame_object *)c->obj;
	if (c->obj->type != LOUPE_OBJ_FRAME && c->obj->type != LOUPE_OBJ_MMIO) {
		ret = -EINVAL;
		goto out;
	}
	/* AArch64 has no write-only or execute-only user mappings worth
	 * offering, and device registers never hold code. */
	if (prot & ~7ull || !(prot & LOUPE_PROT_READ) || (fo->device && (prot & LOUPE_PROT_EXEC))) {
		ret = -EINVAL;
		goto out;
	}
	if ((c->rights & map_rights(prot)) != map_rights(prot)) {
		ret = -EPERM;
		goto out;
	}
	target = target_task(task_slot, &err);
	if (!target) {
		ret = err;
		goto out;
	}
	/* Mapping under the scheduler lock keeps a target task from exiting
	 * (and freeing its address space) meanwhile. */
	kobject_get(&fo->obj);
	__atomic_add_fetch(&fo->mappings, 1, __ATOMIC_RELAXED);
	ret = uvm_map_phys(target->vm, va, fo->base, fo->size, (unsigned)prot, fo->device,
			   fo->device ? "mmio" : "frame", mapping_gone, fo);
	if (ret < 0) {
		__atomic_sub_fetch(&fo->mappings, 1, __ATOMIC_RELAXED);
		kobject_put(&fo->obj); /* the capability still holds it */
	} else if (fo->kernel_console) {
		console_handover(target->name, target->tid);
	}
out:
	sched_unlock_irqrestore(flags);
	return ret;
}

static long sys_frame_unmap(struct trap_frame *f)
{
	unsigned long flags = sched_lock_irqsave();
	struct task *target;
	int err;

	target = target_task(f->x[0], &err);
	if (target)
		err = uvm_unmap_phys(target->vm, f->x[1]);
	sched_unlock_irqrestore(flags);
	return err;
}

static long sys_frame_info(struct trap_frame *f)
{
	unsigned long flags = sched_lock_irqsave();
	struct cap *c;
	long ret;
	int err;

	c = cap_lookup(current_task(), f->x[0], LOUPE_OBJ_NONE, 0, &err);
	if (!c)
		ret = err;
	else if (c->obj->type != LOUPE_OBJ_FRAME && c->obj->type != LOUPE_OBJ_MMIO)
		ret = -EINVAL;
	else
		ret = (long)((struct frame_object *)c->obj)->size;
	sched_unlock_irqrestore(flags);
	return ret;
}

static long sys_irq_bind(struct trap_frame *f)
{
	return irq_cap_bind(f->x[0], f->x[1], f->x[2]);
}

static long sys_irq_ack(struct trap_frame *f)
{
	return irq_cap_ack(f->x[0]);
}

static long sys_notify_bind(struct trap_frame *f)
{
	return notify_bind(f->x[0]);
}

static long sys_reply_save(struct trap_frame *f)
{
	uint32_t msg = 0;

	return ipc_reply_save(f->x[0], &msg);
}

static long sys_reply_send(struct trap_frame *f)
{
	struct ipc_msg m = { .tag = f->x[1] };
	uint32_t caller = 0, msg = 0;
	int err;

	for (int i = 0; i < 4; i++)
		m.w[i] = f->x[2 + i];
	err = ipc_reply_send(f->x[0], &m, &caller, &msg);
	if (caller)
		TRACE_POINT(IPC, IPC_REPLY, caller, msg, (uint64_t)(int64_t)err);
	return err;
}

#define KLOG_CHUNK 1024

static long sys_klog_read(struct trap_frame *f)
{
	uint64_t buf = f->x[0], len = f->x[1], cursor = f->x[2];
	char chunk[KLOG_CHUNK];
	size_t n;

	/* Whole lines only: a buffer shorter than the longest line could
	 * never make progress. */
	if (len < 256)
		return -EINVAL;
	n = log_read_console(&cursor, chunk, len < KLOG_CHUNK ? len : KLOG_CHUNK);
	if (n && copy_to_user(buf, chunk, n) < 0)
		return -EFAULT;
	f->x[1] = cursor;
	return (long)n;
}

static long sys_klog_bind(struct trap_frame *f)
{
	return klog_bind(f->x[0], f->x[1]);
}

static long sys_klog_input(struct trap_frame *f)
{
	char chunk[256];
	size_t n = 0;
	int c;

	/* Only after the handover: before it, these bytes are the kernel
	 * console's own input. */
	if (!console_user_owned())
		return -EPERM;
	while (n < sizeof(chunk) && n < f->x[1] && (c = console_try_getc()) >= 0)
		chunk[n++] = (char)c;
	if (n && copy_to_user(f->x[0], chunk, n) < 0)
		return -EFAULT;
	return (long)n;
}

static unsigned trace_name_kind(enum loupe_obj_type type)
{
	switch (type) {
	case LOUPE_OBJ_ENDPOINT:
		return TRACE_NAME_ENDPOINT;
	case LOUPE_OBJ_NOTIFICATION:
		return TRACE_NAME_NOTIFICATION;
	default:
		return 0; /* the trace names no other objects */
	}
}

static long sys_obj_name(struct trap_frame *f)
{
	char name[LOUPE_OBJ_NAME_MAX + 1];
	long len = strncpy_from_user(name, f->x[1], sizeof(name));
	struct kobject *obj = NULL;
	unsigned long flags;
	unsigned kind = 0;
	uint32_t id = 0;
	struct cap *c;
	int err;

	if (len == -ENAMETOOLONG || len == 0)
		return -EINVAL;
	if (len < 0)
		return len;
	for (long i = 0; i < len; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return -EINVAL;
	flags = sched_lock_irqsave();
	c = cap_lookup(current_task(), f->x[0], LOUPE_OBJ_NONE, LOUPE_RIGHT_CONTROL, &err);
	if (c) {
		obj = c->obj;
		memcpy(obj->name, name, (size_t)len + 1);
		kind = trace_name_kind(obj->type);
		id = obj->id;
	}
	sched_unlock_irqrestore(flags);
	/* The trace's name table has its own lock; a full table only costs
	 * the trace its pretty name. */
	if (obj && kind && CONFIG_TRACE)
		trace_name_set(kind, id, 0, name);
	return err;
}

static const syscall_fn object_table[] = {
	[LOUPE_SYS_obj_name - LOUPE_SYS_frame_create] = sys_obj_name,
	[LOUPE_SYS_klog_input - LOUPE_SYS_frame_create] = sys_klog_input,
	[LOUPE_SYS_frame_create - LOUPE_SYS_frame_create] = sys_frame_create,
	[LOUPE_SYS_frame_map - LOUPE_SYS_frame_create] = sys_frame_map,
	[LOUPE_SYS_frame_unmap - LOUPE_SYS_frame_create] = sys_frame_unmap,
	[LOUPE_SYS_frame_info - LOUPE_SYS_frame_create] = sys_frame_info,
	[LOUPE_SYS_irq_bind - LOUPE_SYS_frame_create] = sys_irq_bind,
	[LOUPE_SYS_irq_ack - LOUPE_SYS_frame_create] = sys_irq_ack,
	[LOUPE_SYS_notify_bind - LOUPE_SYS_frame_create] = sys_notify_bind,
	[LOUPE_SYS_reply_save - LOUPE_SYS_frame_create] = sys_reply_save,
	[LOUPE_SYS_reply_send - LOUPE_SYS_frame_create] = sys_reply_send,
	[LOUPE_SYS_klog_read - LOUPE_SYS_frame_create] = sys_klog_read,
	[LOUPE_SYS_klog_bind - LOUPE_SYS_frame_create] = sys_klog_bind,
};

syscall_fn syscall_objects_lookup(uint64_t nr)
{
	uint64_t i = nr - LOUPE_SYS_frame_create;

	if (!CONFIG_IPC || nr < LOUPE_SYS_frame_create || i >= ARRAY_SIZE(object_table))
		return NULL;
	return object_table[i];
}
