#include "ipc/cap.h"

#include "core/sched.h"
#include "core/task.h"
#include "ipc/ipc.h"
#include "lib/errno.h"
#include "mm/heap.h"

struct cap *cap_lookup(struct task *t, uint64_t slot, enum loupe_obj_type type, uint32_t rights,
		       int *err)
{
	struct cap *c;

	if (slot >= LOUPE_CAP_SLOTS) {
		*err = -EINVAL;
		return NULL;
	}
	c = &t->caps[slot];
	if (!c->obj) {
		*err = -EBADF;
		return NULL;
	}
	if (type != LOUPE_OBJ_NONE && c->obj->type != type) {
		*err = -EINVAL;
		return NULL;
	}
	if ((c->rights & rights) != rights) {
		*err = -EPERM;
		return NULL;
	}
	if (c->obj->dead) {
		*err = -EPIPE;
		return NULL;
	}
	return c;
}

int cap_install(struct task *t, uint64_t slot, struct kobject *obj, uint32_t rights,
		uint64_t badge)
{
	if (slot >= LOUPE_CAP_SLOTS)
		return -EINVAL;
	if (t->caps[slot].obj)
		return -EBUSY;
	t->caps[slot].obj = obj;
	t->caps[slot].rights = rights & LOUPE_RIGHTS_ALL;
	t->caps[slot].badge = badge;
	obj->refs++;
	if (t->caps[slot].rights & LOUPE_RIGHT_CONTROL)
		obj->control_refs++;
	return 0;
}

int cap_free_slot(struct task *t)
{
	for (int i = 0; i < LOUPE_CAP_SLOTS; i++)
		if (!t->caps[i].obj)
			return i;
	return -ENOSPC;
}

static void object_free(struct kobject *obj)
{
	struct task_object *to = (struct task_object *)obj;

	if (obj->type == LOUPE_OBJ_TASK && to->task)
		to->task->self_obj = NULL;
	kfree(obj);
}

void cap_clear(struct cap *c)
{
	struct kobject *obj = c->obj;

	if (!obj)
		return;
	if ((c->rights & LOUPE_RIGHT_CONTROL) && --obj->control_refs == 0 && !obj->dead)
		ipc_destroy_object(obj);
	c->obj = NULL;
	c->rights = 0;
	c->badge = 0;
	if (--obj->refs == 0)
		object_free(obj);
}

void cap_release_all(struct task *t)
{
	for (int i = 0; i < LOUPE_CAP_SLOTS; i++)
		cap_clear(&t->caps[i]);
}

static uint32_t next_object_id = 1;

static void object_init(struct kobject *obj, enum loupe_obj_type type)
{
	obj->type = type;
	obj->id = __atomic_fetch_add(&next_object_id, 1, __ATOMIC_RELAXED);
}

struct kobject *endpoint_new(void)
{
	struct endpoint *ep = kzalloc(sizeof(*ep));

	if (!ep)
		return NULL;
	object_init(&ep->obj, LOUPE_OBJ_ENDPOINT);
	list_init(&ep->senders);
	list_init(&ep->receivers);
	return &ep->obj;
}

struct kobject *notification_new(void)
{
	struct notification *n = kzalloc(sizeof(*n));

	if (!n)
		return NULL;
	object_init(&n->obj, LOUPE_OBJ_NOTIFICATION);
	list_init(&n->waiters);
	return &n->obj;
}

struct kobject *task_object_of(struct task *t)
{
	struct task_object *o;

	if (t->self_obj)
		return t->self_obj;
	o = kzalloc(sizeof(*o));
	if (!o)
		return NULL;
	object_init(&o->obj, LOUPE_OBJ_TASK);
	o->task = t;
	t->self_obj = &o->obj;
	return &o->obj;
}
