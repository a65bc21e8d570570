#include "ipc/ipc.h"

#include "core/sched.h"
#include "core/task.h"
#include "core/timer.h"
#include "ipc/ipc_priv.h"
#include "lib/errno.h"
#include "mm/heap.h"

uint32_t ipc_trace_next = 1;

static uint64_t deadline_of(uint64_t timeout)
{
	return timeout == LOUPE_TIMEOUT_NEVER ? 0 : timer_now_ns() + timeout;
}

/* [sched held] Wake a blocked task with a result. */
static void finish(struct task *t, int status)
{
	t->ipc_status = status;
	sched_wake_locked(t);
}

/* Field by field: a struct assignment of this size becomes a call to the
 * kernel's generic memcpy (the kernel is built with -fno-builtin), which
 * cost 68 instructions a copy, four times per round trip. */
static inline void msg_words_copy(struct ipc_msg *to, const struct ipc_msg *from)
{
	to->tag = from->tag;
	to->w[0] = from->w[0];
	to->w[1] = from->w[1];
	to->w[2] = from->w[2];
	to->w[3] = from->w[3];
	to->trace_id = from->trace_id;
}

/*
 * [sched held] Copy a message from `from` (with its badge) to `to`. A
 * capability travelling with it lands in the receiver's first free slot,
 * whose number replaces the sender's in the tag; with no free slot the
 * capability is dropped and the tag says so.
 */
static void transfer(struct ipc_msg *to_msg, struct task *to, const struct ipc_msg *from,
		     uint64_t badge)
{
	int slot;

	msg_words_copy(to_msg, from);
	to_msg->badge = badge;
	to_msg->cap.obj = NULL;
	to_msg->tag = tag_as_delivered(to_msg->tag);
	if (!from->cap.obj || (slot = cap_free_slot(to)) < 0)
		return;
	cap_install(to, (uint64_t)slot, from->cap.obj, from->cap.rights, from->cap.badge);
	to_msg->tag |= LOUPE_TAG_CAP | ((uint64_t)slot << 24);
}

/*
 * [sched held] r was just handed a message (or a reply) and is off every
 * queue, still BLOCKED. If t is about to block, t's CPU can go straight to
 * r (sched_block_handoff_locked) when r may run here; otherwise r is woken
 * the ordinary way. Returns r for the handoff, or NULL.
 */
static struct task *handoff_or_wake(struct task *t, struct task *r)
{
	if (!t->kill_pending && sched_can_handoff_locked(r, arch_cpu_index()))
		return r;
	sched_wake_locked(r);
	return NULL;
}

/* [sched held] Block until someone sets ipc_status; handles kill and
 * timeout. handoff: a task from handoff_or_wake to run on this CPU next
 * (or NULL); the caller checked kill_pending, so the first pass blocks. */
int wait_for_outcome(struct task *t, const char *reason, uint64_t deadline,
		     struct task *handoff)
{
	bool timed_out = false;

	while (t->ipc_status == IPC_PENDING) {
		if (t->kill_pending) {
			t->ipc_status = -EINTR;
			break;
		}
		if (timed_out) {
			t->ipc_status = -ETIMEDOUT;
			break;
		}
		sched_block_handoff_locked(reason, deadline, &timed_out, handoff);
		handoff = NULL;
	}
	/* Whatever woke us, we are no longer queued anywhere. */
	if (list_linked(&t->sched_link))
		list_remove(&t->sched_link);
	return t->ipc_status;
}

/* [sched held] Fill sender's message with a capability it wants to pass. */
static int take_transfer_cap(struct task *t, struct ipc_msg *msg)
{
	struct cap *c;
	int err;

	msg->cap.obj = NULL;
	if (!(msg->tag & LOUPE_TAG_CAP))
		return 0;
	c = cap_lookup(t, LOUPE_TAG_CAP_SLOT(msg->tag), LOUPE_OBJ_NONE, 0, &err);
	if (!c)
		return err;
	msg->cap = *c;
	return 0;
}

/* [sched held] t stops waiting for a reply (timeout, kill, exit): whoever
 * owes it one finds nobody. */
static void forget_pending_reply(struct task *t)
{
	if (t->reply_from) {
		t->reply_from->reply_to = NULL;
		t->reply_from = NULL;
	}
	if (t->reply_obj) {
		t->reply_obj->caller = NULL;
		t->reply_obj = NULL;
	}
}

int ipc_call(uint64_t slot, const struct ipc_msg *msg, uint64_t timeout)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	uint32_t need = LOUPE_RIGHT_SEND | (msg->tag & LOUPE_TAG_CAP ? LOUPE_RIGHT_GRANT : 0);
	struct cap *c;
	struct endpoint *ep;
	int err;

	c = cap_lookup(t, slot, LOUPE_OBJ_ENDPOINT, need, &err);
	if (!c)
		goto out;
	ep = (struct endpoint *)c->obj;
	t->call_on = ep;
	msg_words_copy(&t->ipc_msg, msg);
	err = take_transfer_cap(t, &t->ipc_msg);
	if (err)
		goto out;
	t->ipc_status = IPC_PENDING;
	if (!list_empty(&ep->receivers)) {
		struct task *r = list_entry(ep->receivers.next, struct task, sched_link);

		list_remove(&r->sched_link);
		transfer(&r->ipc_msg, r, &t->ipc_msg, c->badge);
		r->reply_to = t;
		t->reply_from = r;
		r->ipc_status = 0;
		err = wait_for_outcome(t, "ipc reply", 0, handoff_or_wake(t, r));
	} else if (timeout == LOUPE_TIMEOUT_POLL) {
		err = -ETIMEDOUT;
	} else {
		t->ipc_msg.badge = c->badge;
		list_push_back(&ep->senders, &t->sched_link);
		err = wait_for_outcome(t, "ipc call", deadline_of(timeout), NULL);
		/* Received but not yet answered when the timeout hit: the
		 * server's reply finds nobody. */
		if (err)
			forget_pending_reply(t);
	}
out:
	t->call_on = NULL;
	sched_unlock_irqrestore(flags);
	return err;
}

/* [sched held] A previous caller never got its reply: fail it. */
static void drop_pending_reply(struct task *t)
{
	if (t->reply_to) {
		t->reply_to->reply_from = NULL;
		finish(t->reply_to, -EPIPE);
		t->reply_to = NULL;
	}
}

/* [sched held] Hand t its bound notification's bits as a message. */
static void take_bound_notification(struct task *t)
{
	struct ipc_msg *m = &t->ipc_msg;

	m->tag = LOUPE_LABEL_NOTIFY;
	m->w[0] = t->bound_ntfn->word;
	m->w[1] = m->w[2] = m->w[3] = 0;
	m->badge = 0;
	m->cap.obj = NULL;
	m->trace_id = 0;
	t->bound_ntfn->word = 0;
}

/* [sched held] Receive on the endpoint of capability c; `answered` is a
 * caller just replied to and not woken yet: hand it this CPU if we block,
 * or wake it the ordinary way if we do not. */
static int recv_locked(struct task *t, struct cap *c, uint64_t timeout, struct task *answered)
{
	struct endpoint *ep = (struct endpoint *)c->obj;
	int err;

	drop_pending_reply(t);
	if (t->bound_ntfn && t->bound_ntfn->word) {
		/* A bound notification is a message too, and goes first:
		 * interrupts should not wait behind a queue of callers. */
		take_bound_notification(t);
		err = 0;
	} else if (!list_empty(&ep->senders)) {
		struct task *s = list_entry(ep->senders.next, struct task, sched_link);

		/* The caller stays blocked, now waiting for our reply. */
		list_remove(&s->sched_link);
		transfer(&t->ipc_msg, t, &s->ipc_msg, s->ipc_msg.badge);
		s->reply_from = t;
		s->wait_reason = "ipc reply";
		t->reply_to = s;
		err = 0;
	} else if (timeout == LOUPE_TIMEOUT_POLL) {
		err = -ETIMEDOUT;
	} else {
		t->ipc_status = IPC_PENDING;
		t->recv_on = ep;
		list_push_back(&ep->receivers, &t->sched_link);
		err = wait_for_outcome(t, "ipc recv", deadline_of(timeout),
				       answered ? handoff_or_wake(t, answered) : NULL);
		t->recv_on = NULL;
		return err;
	}
	if (answered)
		sched_wake_locked(answered);
	return err;
}

int ipc_recv(uint64_t slot, uint64_t timeout)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct cap *c;
	int err;

	c = cap_lookup(t, slot, LOUPE_OBJ_ENDPOINT, LOUPE_RIGHT_RECV, &err);
	if (c)
		err = recv_locked(t, c, timeout, NULL);
	sched_unlock_irqrestore(flags);
	return err;
}

/* [sched held] Put a reply into a caller. It stays BLOCKED and on no
 * queue: whoever calls this wakes it or hands it the CPU. Replies carry no
 * capability (pass one with a call instead), so they need none of
 * transfer()'s work. */
static void answer_locked(struct task *caller, const struct ipc_msg *msg)
{
	msg_words_copy(&caller->ipc_msg, msg);
	caller->ipc_msg.tag = tag_as_delivered(caller->ipc_msg.tag);
	caller->ipc_msg.badge = 0;
	caller->ipc_msg.cap.obj = NULL;
	caller->reply_from = NULL;
	caller->reply_obj = NULL;
	caller->ipc_status = 0;
}

/* [sched held] Answer our caller; returns it (see answer_locked), or NULL
 * when nobody waits for a reply from us. */
static struct task *reply_locked(struct task *t, const struct ipc_msg *msg)
{
	struct task *caller = t->reply_to;

	if (!caller)
		return NULL;
	answer_locked(caller, msg);
	t->reply_to = NULL;
	return caller;
}

int ipc_reply(const struct ipc_msg *msg)
{
	unsigned long flags = sched_lock_irqsave();
	struct task *caller = reply_locked(current_task(), msg);

	if (caller)
		sched_wake_locked(caller);
	sched_unlock_irqrestore(flags);
	return caller ? 0 : -EINVAL; /* -EINVAL: nobody waits for our reply */
}

int ipc_reply_recv(uint64_t slot, const struct ipc_msg *msg, uint64_t timeout)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct cap *c;
	int err;

	/* Check the receive side first, so a bad slot leaves the caller
	 * unanswered rather than half the operation done. */
	c = cap_lookup(t, slot, LOUPE_OBJ_ENDPOINT, LOUPE_RIGHT_RECV, &err);
	if (c)
		err = recv_locked(t, c, timeout, reply_locked(t, msg));
	sched_unlock_irqrestore(flags);
	return err;
}

int ipc_reply_save(uint64_t slot, uint32_t *trace_id)
{
	struct task *t = current_task();
	struct kobject *obj = reply_new();
	struct reply_object *r = (struct reply_object *)obj;
	unsigned long flags;
	int err;

	if (!obj)
		return -ENOMEM;
	flags = sched_lock_irqsave();
	if (!t->reply_to)
		err = -EINVAL; /* nobody waits for our reply */
	else
		err = cap_install(t, slot, obj, LOUPE_RIGHT_SEND, 0);
	if (!err) {
		r->caller = t->reply_to;
		r->trace_id = t->ipc_msg.trace_id;
		r->caller->reply_from = NULL;
		r->caller->reply_obj = r;
		t->reply_to = NULL;
		*trace_id = r->trace_id;
	}
	sched_unlock_irqrestore(flags);
	if (err)
		kfree(obj);
	return err;
}

int ipc_reply_send(uint64_t slot, const struct ipc_msg *msg, uint32_t *caller_tid,
		   uint32_t *trace_id)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct reply_object *r;
	struct cap *c;
	int err;

	c = cap_lookup(t, slot, LOUPE_OBJ_REPLY, LOUPE_RIGHT_SEND, &err);
	if (c) {
		r = (struct reply_object *)c->obj;
		*trace_id = r->trace_id;
		*caller_tid = r->caller ? (uint32_t)r->caller->tid : 0;
		if (r->caller) {
			answer_locked(r->caller, msg);
			sched_wake_locked(r->caller);
			r->caller = NULL;
		} else {
			err = -EPIPE; /* the caller gave up or died */
		}
		cap_clear(c); /* a reply capability answers once */
	}
	sched_unlock_irqrestore(flags);
	return err;
}

void notify_signal_locked(struct notification *n, uint64_t bits)
{
	struct task *b = n->bound_task;

	n->word |= bits;
	if (!n->word)
		return;
	/* One waiter takes the whole word; bits are never lost, only merged,
	 * because they stay in the word until taken. */
	if (!list_empty(&n->waiters)) {
		struct task *w = list_entry(n->waiters.next, struct task, sched_link);

		list_remove(&w->sched_link);
		w->ipc_msg.w[0] = n->word;
		n->word = 0;
		finish(w, 0);
	} else if (b && b->recv_on && b->ipc_status == IPC_PENDING) {
		list_remove(&b->sched_link);
		take_bound_notification(b);
		finish(b, 0);
	}
}

int notify_signal(uint64_t slot, uint64_t bits)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct cap *c;
	int err = 0;

	c = cap_lookup(t, slot, LOUPE_OBJ_NOTIFICATION, LOUPE_RIGHT_SEND, &err);
	if (c)
		notify_signal_locked((struct notification *)c->obj, bits);
	sched_unlock_irqrestore(flags);
	return err;
}

/* [sched held] Undo a task's notification binding. */
static void unbind_notification(struct task *t)
{
	struct notification *n = t->bound_ntfn;

	if (!n)
		return;
	n->bound_task = NULL;
	t->bound_ntfn = NULL;
	kobject_put(&n->obj);
}

int notify_bind(uint64_t slot)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct notification *n;
	struct cap *c;
	int err = 0;

	if (slot == LOUPE_SELF) {
		unbind_notification(t);
		goto out;
	}
	c = cap_lookup(t, slot, LOUPE_OBJ_NOTIFICATION, LOUPE_RIGHT_RECV, &err);
	if (!c)
		goto out;
	n = (struct notification *)c->obj;
	if (n->bound_task || t->bound_ntfn) {
		err = n->bound_task == t ? 0 : -EBUSY;
		goto out;
	}
	kobject_get(&n->obj);
	n->bound_task = t;
	t->bound_ntfn = n;
out:
	sched_unlock_irqrestore(flags);
	return err;
}

int notify_wait(uint64_t slot, bool block, uint64_t *bits)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct notification *n;
	struct cap *c;
	int err = 0;

	c = cap_lookup(t, slot, LOUPE_OBJ_NOTIFICATION, LOUPE_RIGHT_RECV, &err);
	if (!c)
		goto out;
	n = (struct notification *)c->obj;
	if (n->word || !block) {
		*bits = n->word;
		n->word = 0;
		goto out;
	}
	t->ipc_status = IPC_PENDING;
	list_push_back(&n->waiters, &t->sched_link);
	err = wait_for_outcome(t, "notification", 0, NULL);
	*bits = err ? 0 : t->ipc_msg.w[0];
out:
	sched_unlock_irqrestore(flags);
	return err;
}

static void fail_all(struct list_node *queue)
{
	while (!list_empty(queue)) {
		struct task *w = list_entry(queue->next, struct task, sched_link);

		list_remove(&w->sched_link);
		finish(w, -EPIPE);
	}
}

void ipc_destroy_object(struct kobject *obj)
{
	struct reply_object *r = (struct reply_object *)obj;
	struct notification *n = (struct notification *)obj;

	if (obj->dead)
		return;
	obj->dead = true;
	if (obj->type == LOUPE_OBJ_ENDPOINT) {
		fail_all(&((struct endpoint *)obj)->senders);
		fail_all(&((struct endpoint *)obj)->receivers);
	} else if (obj->type == LOUPE_OBJ_NOTIFICATION) {
		fail_all(&n->waiters);
		irq_cap_notification_gone(n);
		if (n->bound_task)
			unbind_notification(n->bound_task);
	} else if (obj->type == LOUPE_OBJ_REPLY && r->caller) {
		/* Never answered: the caller must not wait for ever. */
		r->caller->reply_obj = NULL;
		finish(r->caller, -EPIPE);
		r->caller = NULL;
	} else if (obj->type == LOUPE_OBJ_IRQ) {
		irq_cap_release((struct irq_object *)obj);
	}
}

void ipc_task_exit(struct task *t)
{
	drop_pending_reply(t);
	forget_pending_reply(t);
	unbind_notification(t);
	cap_release_all(t);
	if (t->self_obj) {
		struct task_object *o = (struct task_object *)t->self_obj;

		o->task = NULL;
		o->obj.dead = true;
		t->self_obj = NULL;
	}
}
