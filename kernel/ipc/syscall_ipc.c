/*
 * The capability and IPC system calls (include/loupe/ipc.h). Each decodes
 * and checks every argument under the scheduler lock before it changes
 * anything, so an error never leaves a half-done operation.
 */
#include "core/sched.h"
#include "core/syscall.h"
#include "core/task.h"
#include "ipc/ipc.h"
#include "ipc/ipc_priv.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "mm/heap.h"
#include "trace/trace.h"

static long sys_cap_copy(struct trap_frame *f)
{
	struct task *t = current_task();
	uint64_t src = f->x[0], dst = f->x[1], badge = f->x[3];
	uint32_t rights = (uint32_t)f->x[2];
	unsigned long flags = sched_lock_irqsave();
	struct cap *c = NULL;
	int err;

	c = cap_lookup(t, src, LOUPE_OBJ_NONE, 0, &err);
	if (c && badge && (c->badge || (c->obj->type != LOUPE_OBJ_ENDPOINT &&
					 c->obj->type != LOUPE_OBJ_NOTIFICATION)))
		err = -EPERM; /* badges are set once, on endpoints and notifications */
	else if (c)
		err = cap_install(t, dst, c->obj, c->rights & rights, badge ? badge : c->badge);
	sched_unlock_irqrestore(flags);
	return err;
}

static long sys_cap_move(struct trap_frame *f)
{
	struct task *t = current_task();
	uint64_t src = f->x[0], dst = f->x[1];
	unsigned long flags = sched_lock_irqsave();
	struct cap *c;
	int err = 0;

	c = cap_lookup(t, src, LOUPE_OBJ_NONE, 0, &err);
	if (c && dst >= LOUPE_CAP_SLOTS)
		err = -EINVAL;
	else if (c && dst != src && t->caps[dst].obj)
		err = -EBUSY;
	else if (c && dst != src) {
		t->caps[dst] = *c;
		c->obj = NULL;
		c->rights = 0;
		c->badge = 0;
	}
	sched_unlock_irqrestore(flags);
	return err;
}

static long sys_cap_delete(struct trap_frame *f)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	int err = 0;

	/* A capability to a destroyed object can still be deleted. */
	if (f->x[0] >= LOUPE_CAP_SLOTS)
		err = -EINVAL;
	else if (!t->caps[f->x[0]].obj)
		err = -EBADF;
	else
		cap_clear(&t->caps[f->x[0]]);
	sched_unlock_irqrestore(flags);
	return err;
}

static long sys_cap_query(struct trap_frame *f)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	long ret;

	if (f->x[0] >= LOUPE_CAP_SLOTS)
		ret = -EINVAL;
	else if (!t->caps[f->x[0]].obj)
		ret = -EBADF;
	else
		ret = t->caps[f->x[0]].obj->type | (long)t->caps[f->x[0]].rights << 8;
	sched_unlock_irqrestore(flags);
	return ret;
}

static long create(struct trap_frame *f, struct kobject *(*make)(void))
{
	struct task *t = current_task();
	uint64_t slot = f->x[0];
	struct kobject *obj;
	unsigned long flags;
	int err;

	if (slot >= LOUPE_CAP_SLOTS)
		return -EINVAL;
	obj = make();
	if (!obj)
		return -ENOMEM;
	flags = sched_lock_irqsave();
	err = cap_install(t, slot, obj, LOUPE_RIGHTS_ALL, 0);
	sched_unlock_irqrestore(flags);
	if (err)
		kfree(obj);
	return err;
}

static long sys_endpoint_create(struct trap_frame *f)
{
	return create(f, endpoint_new);
}

static long sys_notification_create(struct trap_frame *f)
{
	return create(f, notification_new);
}

static long sys_cap_give(struct trap_frame *f)
{
	struct task *t = current_task();
	uint64_t task_slot = f->x[0], src = f->x[1], dst = f->x[2];
	uint32_t rights = (uint32_t)f->x[3];
	unsigned long flags = sched_lock_irqsave();
	struct cap *tc, *c = NULL;
	struct task *target;
	int err;

	tc = cap_lookup(t, task_slot, LOUPE_OBJ_TASK, LOUPE_RIGHT_CONTROL, &err);
	if (tc)
		c = cap_lookup(t, src, LOUPE_OBJ_NONE, 0, &err);
	if (c) {
		target = ((struct task_object *)tc->obj)->task;
		err = target ? cap_install(target, dst, c->obj, c->rights & rights, c->badge)
			     : -ESRCH;
	}
	sched_unlock_irqrestore(flags);
	return err;
}

static long sys_task_cap(struct trap_frame *f)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct task *child = task_find_child_locked(t, (int)f->x[0]);
	struct kobject *obj;
	int err;

	if (!child)
		err = -ESRCH;
	else if (!(obj = task_object_of(child)))
		err = -ENOMEM;
	else
		err = cap_install(t, f->x[1], obj, LOUPE_RIGHTS_ALL, 0);
	sched_unlock_irqrestore(flags);
	return err;
}

/* Tracing names endpoints and messages by id. Reading our own capability
 * table without the lock is safe here: only this task changes it (or its
 * parent, before it starts). */
static uint32_t slot_object_id(uint64_t slot)
{
	const struct kobject *obj = slot < LOUPE_CAP_SLOTS ? current_task()->caps[slot].obj : NULL;

	return obj ? obj->id : 0;
}

static void msg_from_frame(const struct trap_frame *f, struct ipc_msg *m, unsigned first)
{
	m->tag = f->x[first];
	for (int i = 0; i < 4; i++)
		m->w[i] = f->x[first + 1 + i];
	m->badge = 0;
	m->cap.obj = NULL;
	m->trace_id = 0;
}

/* Hand a received message back in x1..x6 (x0 carries the status). */
static void msg_to_frame(struct trap_frame *f)
{
	const struct ipc_msg *m = &current_task()->ipc_msg;

	f->x[1] = m->tag;
	for (int i = 0; i < 4; i++)
		f->x[2 + i] = m->w[i];
	f->x[6] = m->badge;
}

/* After a receive: the message's id and badge for the trace, then the
 * message itself into the caller's registers. */
static void received(struct trap_frame *f, uint32_t endpoint)
{
	const struct ipc_msg *m = &current_task()->ipc_msg;

	TRACE_POINT(IPC, IPC_RECV_DONE, endpoint, m->trace_id, m->badge);
	msg_to_frame(f);
}

static long sys_ipc_call(struct trap_frame *f)
{
	uint32_t ep = slot_object_id(f->x[0]);
	struct ipc_msg m;
	int err;

	msg_from_frame(f, &m, 1);
	m.trace_id = ipc_new_trace_id();
	TRACE_POINT(IPC, IPC_CALL, ep, m.trace_id, 0);
	err = ipc_call(f->x[0], &m, f->x[6]);
	TRACE_POINT(IPC, IPC_CALL_DONE, ep, m.trace_id, (uint64_t)(int64_t)err);
	if (!err)
		msg_to_frame(f);
	return err;
}

static long sys_ipc_recv(struct trap_frame *f)
{
	uint32_t ep = slot_object_id(f->x[0]);
	int err;

	TRACE_POINT(IPC, IPC_RECV, ep, 0, 0);
	err = ipc_recv(f->x[0], f->x[6]);
	if (!err)
		received(f, ep);
	return err;
}

/* The caller we are about to answer and the id of its message, for the
 * trace (0, 0 when nobody waits for a reply from us). */
static void reply_target(uint32_t *tid, uint32_t *msg)
{
	const struct task *t = current_task();
	const struct task *caller = READ_ONCE(t->reply_to);

	*tid = caller ? (uint32_t)caller->tid : 0;
	*msg = caller ? t->ipc_msg.trace_id : 0;
}

static long sys_ipc_reply(struct trap_frame *f)
{
	uint32_t caller, msg;
	struct ipc_msg m;
	int err;

	msg_from_frame(f, &m, 1);
	reply_target(&caller, &msg);
	err = ipc_reply(&m);
	TRACE_POINT(IPC, IPC_REPLY, caller, msg, (uint64_t)(int64_t)err);
	return err;
}

static long sys_ipc_reply_recv(struct trap_frame *f)
{
	uint32_t ep = slot_object_id(f->x[0]), caller, msg;
	struct ipc_msg m;
	int err;

	msg_from_frame(f, &m, 1);
	reply_target(&caller, &msg);
	TRACE_POINT(IPC, IPC_REPLY_RECV, ep, msg, 0);
	err = ipc_reply_recv(f->x[0], &m, f->x[6]);
	if (!err)
		received(f, ep);
	return err;
}

static long sys_notify_signal(struct trap_frame *f)
{
	TRACE_POINT(IPC, NOTIFY_SIGNAL, slot_object_id(f->x[0]), 0, f->x[1]);
	return notify_signal(f->x[0], f->x[1]);
}

static long notify_take(struct trap_frame *f, bool block)
{
	uint32_t id = slot_object_id(f->x[0]);
	uint64_t bits = 0;
	int err;

	if (block)
		TRACE_POINT(IPC, NOTIFY_WAIT, id, 0, 0);
	err = notify_wait(f->x[0], block, &bits);
	if (block)
		TRACE_POINT(IPC, NOTIFY_WAIT_DONE, id, 0, bits);
	if (!err)
		f->x[1] = bits; /* bits in x1: all 64 may be set */
	return err;
}

static long sys_notify_wait(struct trap_frame *f)
{
	return notify_take(f, true);
}

static long sys_notify_poll(struct trap_frame *f)
{
	return notify_take(f, false);
}

static const syscall_fn ipc_table[] = {
	[LOUPE_SYS_cap_copy - LOUPE_SYS_cap_copy] = sys_cap_copy,
	[LOUPE_SYS_cap_move - LOUPE_SYS_cap_copy] = sys_cap_move,
	[LOUPE_SYS_cap_delete - LOUPE_SYS_cap_copy] = sys_cap_delete,
	[LOUPE_SYS_cap_query - LOUPE_SYS_cap_copy] = sys_cap_query,
	[LOUPE_SYS_endpoint_create - LOUPE_SYS_cap_copy] = sys_endpoint_create,
	[LOUPE_SYS_notification_create - LOUPE_SYS_cap_copy] = sys_notification_create,
	[LOUPE_SYS_cap_give - LOUPE_SYS_cap_copy] = sys_cap_give,
	[LOUPE_SYS_task_cap - LOUPE_SYS_cap_copy] = sys_task_cap,
	[LOUPE_SYS_ipc_call - LOUPE_SYS_cap_copy] = sys_ipc_call,
	[LOUPE_SYS_ipc_recv - LOUPE_SYS_cap_copy] = sys_ipc_recv,
	[LOUPE_SYS_ipc_reply - LOUPE_SYS_cap_copy] = sys_ipc_reply,
	[LOUPE_SYS_ipc_reply_recv - LOUPE_SYS_cap_copy] = sys_ipc_reply_recv,
	[LOUPE_SYS_notify_signal - LOUPE_SYS_cap_copy] = sys_notify_signal,
	[LOUPE_SYS_notify_wait - LOUPE_SYS_cap_copy] = sys_notify_wait,
	[LOUPE_SYS_notify_poll - LOUPE_SYS_cap_copy] = sys_notify_poll,
};

syscall_fn syscall_ipc_lookup(uint64_t nr)
{
	uint64_t i = nr - LOUPE_SYS_cap_copy;

	if (nr >= LOUPE_SYS_frame_create)
		return syscall_objects_lookup(nr);
	if (!CONFIG_IPC || nr < LOUPE_SYS_cap_copy || i >= ARRAY_SIZE(ipc_table))
		return NULL;
	return ipc_table[i];
}
