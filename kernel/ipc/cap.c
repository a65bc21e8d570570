#include "ipc/cap.h"

#include "core/sched.h"
#include "core/task.h"
#include "ipc/ipc.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "lib/string.h"
#include "mm/layout.h"

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
	*err = 0;
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
	kobject_get(obj);
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

/* The last user is gone. Frames give their memory back; the others were
 * already torn down by ipc_destroy_object, or (without a control
 * capability ever) are torn down now. */
static void object_free(struct kobject *obj)
{
	struct task_object *to = (struct task_object *)obj;
	struct frame_object *fo = (struct frame_object *)obj;

	if (obj->type == LOUPE_OBJ_TASK && to->task)
		to->task->self_obj = NULL;
	if (obj->type == LOUPE_OBJ_FRAME && !fo->device)
		for (uint64_t off = 0; off < fo->size; off += PAGE_SIZE)
			frame_free(fo->base + off);
	if (obj->type == LOUPE_OBJ_REPLY || obj->type == LOUPE_OBJ_IRQ ||
	    obj->type == LOUPE_OBJ_NOTIFICATION)
		ipc_destroy_object(obj);
	kfree(obj);
}

void kobject_get(struct kobject *obj)
{
	__atomic_fetch_add(&obj->users, 1, __ATOMIC_RELAXED);
}

void kobject_put(struct kobject *obj)
{
	if (__atomic_sub_fetch(&obj->users, 1, __ATOMIC_ACQ_REL) == 0)
		object_free(obj);
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
	obj->refs--;
	kobject_put(obj);
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

struct kobject *reply_new(void)
{
	struct reply_object *r = kzalloc(sizeof(*r));

	if (!r)
		return NULL;
	object_init(&r->obj, LOUPE_OBJ_REPLY);
	return &r->obj;
}

struct kobject *frame_new(unsigned pages)
{
	struct frame_object *f;
	paddr_t pa;

	if (pages == 0 || pages > LOUPE_FRAME_MAX_PAGES)
		return NULL;
	f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	if (frame_alloc_contig(pages, 1, &pa) < 0) {
		kfree(f);
		return NULL;
	}
	/* Whatever the frames held before must not leak to the new owner. */
	memset(phys_to_virt(pa), 0, (size_t)pages * PAGE_SIZE);
	object_init(&f->obj, LOUPE_OBJ_FRAME);
	f->base = pa;
	f->size = (uint64_t)pages * PAGE_SIZE;
	return &f->obj;
}

struct kobject *mmio_new(uint64_t base, uint64_t size, bool kernel_console)
{
	struct frame_object *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	object_init(&f->obj, LOUPE_OBJ_MMIO);
	f->base = base & ~(uint64_t)(PAGE_SIZE - 1);
	f->size = (base + size - f->base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	f->device = true;
	f->kernel_console = kernel_console;
	return &f->obj;
}

struct kobject *irq_object_new(unsigned irq)
{
	struct irq_object *o = kzalloc(sizeof(*o));

	if (!o)
		return NULL;
	object_init(&o->obj, LOUPE_OBJ_IRQ);
	o->irq = irq;
	return &o->obj;
}
