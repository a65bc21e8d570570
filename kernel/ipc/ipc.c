#include "ipc/ipc.h"

#include "core/sched.h"
#include "core/task.h"
#include "core/timer.h"
#include "ipc/ipc_priv.h"
#include "lib/errno.h"

uint32_t ipc_new_trace_id(void)
{
	static uint32_t next = 1;
	uint32_t id = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);

	return id ? id : ipc_new_trace_id(); /* after 2^32 messages */
}

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
	to_msg->tag &= ~(uint64_t)(LOUPE_TAG_CAP | (0xffull << 24));
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
	if (!t->kill_pending && sched_can_handoff_locked(r))
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
		if (err && t->reply_from) {
			t->reply_from->reply_to = NULL;
			t->reply_from = NULL;
		}
	}
out:
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

/* [sched held] Receive on the endpoint of capability c; `answered` is a
 * caller just replied to and not woken yet: hand it this CPU if we block,
 * or wake it the ordinary way if we do not. */
static int recv_locked(struct task *t, struct cap *c, uint64_t timeout, struct task *answered)
{
	struct endpoint *ep = (struct endpoint *)c->obj;
	int err;

	drop_pending_reply(t);
	if (!list_empty(&ep->senders)) {
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
		list_push_back(&ep->receivers, &t->sched_link);
		return wait_for_outcome(t, "ipc recv", deadline_of(timeout),
					answered ? handoff_or_wake(t, answered) : NULL);
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

/* [sched held] Answer our caller; returns it (still BLOCKED and on no
 * queue: the caller of this function wakes it or hands it the CPU), or
 * NULL when nobody waits for a reply from us. */
static struct task *reply_locked(struct task *t, const struct ipc_msg *msg)
{
	struct task *caller = t->reply_to;

	if (!caller)
		return NULL;
	/* Replies carry no capability (pass one with a call instead), so
	 * they need none of transfer()'s work. */
	msg_words_copy(&caller->ipc_msg, msg);
	caller->ipc_msg.tag &= ~(uint64_t)(LOUPE_TAG_CAP | (0xffull << 24));
	caller->ipc_msg.badge = 0;
	caller->ipc_msg.cap.obj = NULL;
	caller->reply_from = NULL;
	t->reply_to = NULL;
	caller->ipc_status = 0;
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

int notify_signal(uint64_t slot, uint64_t bits)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct notification *n;
	struct cap *c;
	int err = 0;

	c = cap_lookup(t, slot, LOUPE_OBJ_NOTIFICATION, LOUPE_RIGHT_SEND, &err);
	if (c) {
		n = (struct notification *)c->obj;
		n->word |= bits;
		/* One waiter takes the whole word; bits are never lost, only
		 * merged, because they stay in the word until taken. */
		if (n->word && !list_empty(&n->waiters)) {
			struct task *w = list_entry(n->waiters.next, struct task, sched_link);

			list_remove(&w->sched_link);
			w->ipc_msg.w[0] = n->word;
			n->word = 0;
			finish(w, 0);
		}
	}
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
	obj->dead = true;
	if (obj->type == LOUPE_OBJ_ENDPOINT) {
		fail_all(&((struct endpoint *)obj)->senders);
		fail_all(&((struct endpoint *)obj)->receivers);
	} else if (obj->type == LOUPE_OBJ_NOTIFICATION) {
		fail_all(&((struct notification *)obj)->waiters);
	}
}

void ipc_task_exit(struct task *t)
{
	drop_pending_reply(t);
	if (t->reply_from) {
		t->reply_from->reply_to = NULL;
		t->reply_from = NULL;
	}
	cap_release_all(t);
	if (t->self_obj) {
		struct task_object *o = (struct task_object *)t->self_obj;

		o->task = NULL;
		o->obj.dead = true;
		t->self_obj = NULL;
	}
}
