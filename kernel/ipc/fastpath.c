/*
 * The IPC fast path: ipc_call and ipc_reply_recv in their common case,
 * straight from the exception entry, as L4 kernels do it.
 *
 * vectors.S calls ipc_fastpath() for every svc from EL0, right after
 * saving the user registers and before the general dispatch
 * (trap_el0_sync, user_svc, syscall_dispatch); one call does the whole
 * system call, handoff included (fast_switch, inline).
 *
 * The common case of a client/server round trip is: the client calls an
 * endpoint on which the server already waits, and the server answers and
 * waits again before any other client queued. Then each side's system call
 * is "copy five registers into the other task, block, and switch to it",
 * and everything else the general path does -- enabling interrupts only
 * to mask them again, the system-call tables, the message copied through
 * a struct on the stack, the run queue, returning through three layers --
 * is overhead. Here the call is decided with interrupts still masked from
 * the exception entry, under the scheduler lock taken once, and the CPU
 * goes directly to the partner (fast_switch).
 *
 * Every condition the fast path does not handle sends the call to the
 * general path (ipc.c) before anything has changed: a capability
 * travelling with the message, an error of any kind, no partner waiting,
 * a partner that may not run on this CPU or would jump a higher-priority
 * READY task, a kill pending, a finite timeout, queued callers, a signal
 * pending on the receiver's bound notification. The
 * outcome is the same either way; only the instruction count differs
 * (docs/bench.md). Both paths leave a received message in the task's
 * ipc_msg and the outcome in ipc_status, so a task that blocked on one
 * path can be woken by the other.
 */
#include "core/sched_switch.h"
#include "core/user_trap.h"
#include "core/task.h"
#include "ipc/fastpath.h"
#include "ipc/ipc.h"
#include "ipc/ipc_priv.h"
#include "trace/trace.h"

/* [sched held] The endpoint capability in t's slot, if it has `right` and
 * its object lives; NULL (the general path then reports the error). */
static inline struct endpoint *fast_endpoint(struct task *t, uint64_t slot, uint32_t right)
{
	const struct cap *c;

	if (slot >= LOUPE_CAP_SLOTS)
		return NULL;
	c = &t->caps[slot];
	if (!c->obj || c->obj->type != LOUPE_OBJ_ENDPOINT || !(c->rights & right) ||
	    c->obj->dead)
		return NULL;
	return (struct endpoint *)c->obj;
}

/* Hand the message that woke us back in x0 (status) and x1..x6. */
static inline void fast_finish(struct trap_frame *f, struct task *t, int err)
{
	f->x[0] = (uint64_t)(int64_t)err;
	if (err)
		return;
	f->x[1] = t->ipc_msg.tag;
	f->x[2] = t->ipc_msg.w[0];
	f->x[3] = t->ipc_msg.w[1];
	f->x[4] = t->ipc_msg.w[2];
	f->x[5] = t->ipc_msg.w[3];
	f->x[6] = t->ipc_msg.badge;
}

/* [sched held] The message in x1..x5 of f, as transfer() would deliver it
 * (no capability: the fast path never takes one). */
static inline void fast_deliver(struct ipc_msg *to, const struct trap_frame *f, uint64_t badge)
{
	to->tag = tag_as_delivered(f->x[1]);
	to->w[0] = f->x[2];
	to->w[1] = f->x[3];
	to->w[2] = f->x[4];
	to->w[3] = f->x[5];
	to->badge = badge;
	to->cap.obj = NULL;
	to->trace_id = 0;
}

/* [sched held] The same message straight into the user registers of a
 * partner that blocked in the fast path, as fast_finish would put it there
 * when the partner runs again: it is resumed directly in user space. */
static inline void fast_deliver_to_frame(struct trap_frame *to, const struct trap_frame *f,
					 uint64_t badge)
{
	to->x[0] = 0;
	to->x[1] = tag_as_delivered(f->x[1]);
	to->x[2] = f->x[2];
	to->x[3] = f->x[3];
	to->x[4] = f->x[4];
	to->x[5] = f->x[5];
	to->x[6] = badge;
}

/*
 * Tracing: with the ipc category on, the fast path records what the
 * general path does, in fewer records (trace_format.h): IPC_CALL or
 * IPC_REPLY_RECV names the partner the CPU goes to (no SCHED_SWITCH or
 * SCHED_WAKEUP for that switch), and those events stand for the system
 * call's begin, IPC_CALL_DONE / IPC_RECV_DONE for its end. With only the
 * syscall category on, SYSCALL_ENTER/EXIT as for any call. The mask is
 * read once per call, so begin and end always match, and with tracing off
 * one test skips it all. Interrupts are masked throughout, so the records
 * skip the masking.
 */
static inline uint32_t trace_fast_mask(void)
{
	return CONFIG_TRACE ? READ_ONCE(trace_enabled) & (TRACE_CAT_IPC | TRACE_CAT_SYSCALL) : 0;
}

/* At the handoff: `id` (IPC_CALL or IPC_REPLY_RECV) naming the partner
 * (`handoff`: its tid, and the TRACE_HANDOFF_* bits). */
static inline __attribute__((always_inline)) void
trace_fast_begin(uint32_t on, uint64_t nr, uint64_t slot, unsigned id, uint32_t ep,
			     uint32_t msg, uint64_t handoff)
{
	struct percpu *cpu = this_cpu();

	if (on & TRACE_CAT_IPC) {
		trace_write_irqs_off(cpu, id, ep, msg, handoff);
		cpu->trace_switch_done = true;
	} else {
		trace_write_irqs_off(cpu, TRACE_EV_SYSCALL_ENTER, (uint32_t)nr, 0, slot);
	}
}

/* A partner resumed straight into user space (direct) records no end of
 * its own call when its begin used the same categories: the handoff
 * record says it ended there (TRACE_HANDOFF_ENDS_WAIT). */
static inline bool trace_fast_ends_partner(uint32_t on, bool direct, const struct task *partner)
{
	return direct && (on & TRACE_CAT_IPC) && partner->ipc_fast_trace == on;
}

/* Back in the caller: `id` (IPC_CALL_DONE or IPC_RECV_DONE) ends it. A
 * failed receive has no IPC_RECV_DONE (id 0): SYSCALL_EXIT ends it. */
static inline __attribute__((always_inline)) void
trace_fast_end(uint32_t on, uint64_t nr, unsigned id, uint32_t ep, uint32_t msg,
			   uint64_t a2, int err)
{
	struct percpu *cpu = this_cpu();

	if ((on & TRACE_CAT_IPC) && id)
		trace_write_irqs_off(cpu, id, ep, msg, a2);
	else if (on & TRACE_CAT_SYSCALL)
		trace_write_irqs_off(cpu, TRACE_EV_SYSCALL_EXIT, (uint32_t)nr, 0,
				     (uint64_t)(int64_t)err);
}

/* [sched held] Back from the handoff: the outcome. Mostly the partner's
 * answer is there when we run again, and the general loop is not needed;
 * if something else woke us (a kill, say), wait as the general path does. */
static inline int fast_outcome(struct task *t, const char *reason)
{
	if (unlikely(t->ipc_status == IPC_PENDING))
		return wait_for_outcome(t, reason, 0, NULL);
	/* Whatever woke us, we are no longer queued anywhere. */
	if (unlikely(list_linked(&t->sched_link)))
		list_remove(&t->sched_link);
	return t->ipc_status;
}

/* What a partner resumed straight into user space would have recorded
 * as the end of its own call (trace_fast_end's arguments). */
struct fast_end {
	uint64_t nr;
	unsigned id;
	uint32_t ep, msg;
	uint64_t a2;
};

/*
 * [sched held] Block t, which waits in the fast path on endpoint ep_id
 * with trace categories `on`, and hand the CPU to `to`; return the outcome
 * once t runs again. A `to` that blocked in the fast path itself (direct:
 * its answer is in its user registers already) goes straight back to user
 * space; to_end is what it would have recorded on the way.
 */
static inline __attribute__((always_inline)) int
fast_switch(struct percpu *cpu, struct task *t, uint32_t on, uint32_t ep_id, const char *reason,
	    struct task *to, bool direct, const struct fast_end *to_end)
{
	t->ipc_fast_ep = ep_id;
	t->ipc_fast_trace = (uint8_t)on;
	t->ipc_fast_blocked = true;
	sched_handoff_begin_locked(cpu, t, to, reason);
	if (direct) {
		/* What to's own fast path would do after its switch back (the
		 * caller cleared its call_on or recv_on). */
		to->ipc_fast_blocked = false;
		if (unlikely(to->ipc_fast_trace))
			trace_fast_end(to->ipc_fast_trace, to_end->nr, to_end->id, to_end->ep,
				       to_end->msg, to_end->a2, 0);
		context_switch_to_user(&t->ctx, to->user_frame);
	} else {
		context_switch(&t->ctx, &to->ctx);
	}
	sched_finish_switch();
	t->ipc_fast_blocked = false;
	return fast_outcome(t, reason);
}

/* After the unlock, as every system call ends: a kill or a preemption
 * that became due while we were away (set by another CPU) is honoured
 * before the return to user space. */
static inline void fast_exit(const struct task *t)
{
	if (unlikely(READ_ONCE(this_cpu()->need_resched) ||
		     __atomic_load_n(&t->kill_pending, __ATOMIC_ACQUIRE)))
		syscall_exit_work();
}

static inline bool fast_call(struct trap_frame *f, struct percpu *cpu, struct task *t)
{
	uint32_t on = trace_fast_mask(), ep_id, msg = 0;
	uint64_t slot = f->x[0], badge;
	struct endpoint *ep;
	struct task *r;
	bool direct;
	int err;

	if (f->x[1] & LOUPE_TAG_CAP)
		return false;
	spin_lock_as(&sched_lock, cpu->index);
	ep = fast_endpoint(t, slot, LOUPE_RIGHT_SEND);
	if (!ep || list_empty(&ep->receivers) || t->kill_pending)
		goto slow;
	r = list_entry(ep->receivers.next, struct task, sched_link);
	if (!sched_can_handoff_locked(r, cpu->index))
		goto slow;

	direct = r->ipc_fast_blocked;
	badge = t->caps[slot].badge;
	list_remove(&r->sched_link);
	if (direct) {
		fast_deliver_to_frame(r->user_frame, f, badge);
		r->recv_on = NULL;
	} else
		fast_deliver(&r->ipc_msg, f, badge);
	r->reply_to = t;
	t->reply_from = r;
	r->ipc_status = 0;
	t->ipc_status = IPC_PENDING;
	/* The endpoint may be gone by the time we are back: keep its id. */
	ep_id = ep->obj.id;
	if (unlikely(on)) {
		uint64_t handoff = (uint64_t)r->tid;

		if (on & TRACE_CAT_IPC)
			msg = ipc_new_trace_id();
		if (trace_fast_ends_partner(on, direct, r)) {
			handoff |= 1ull << TRACE_HANDOFF_ENDS_WAIT |
				   (badge & 0x7fffffffull) << TRACE_HANDOFF_BADGE_SHIFT;
			r->ipc_fast_trace = 0; /* its end is in our record */
		}
		trace_fast_begin(on, LOUPE_SYS_ipc_call, slot, TRACE_EV_IPC_CALL, ep_id, msg, handoff);
	}
	r->ipc_msg.trace_id = msg; /* the server's reply names it */
	t->call_on = ep; /* for ps: which endpoint we wait on */
	err = fast_switch(cpu, t, on, ep_id, "ipc reply", r, direct,
			  &(struct fast_end){ LOUPE_SYS_ipc_reply_recv, TRACE_EV_IPC_RECV_DONE,
					      ep_id, msg, badge });
	t->call_on = NULL;
	/* Back with the reply (or killed: -EINTR, as on the general path). */
	fast_finish(f, t, err);
	if (unlikely(on))
		trace_fast_end(on, LOUPE_SYS_ipc_call, TRACE_EV_IPC_CALL_DONE, ep_id, msg,
			       (uint64_t)(int64_t)err, err);
	spin_unlock(&sched_lock);
	fast_exit(t);
	return true;
slow:
	spin_unlock(&sched_lock);
	return false;
}

static inline bool fast_reply_recv(struct trap_frame *f, struct percpu *cpu, struct task *t)
{
	uint32_t on = trace_fast_mask(), ep_id;
	struct endpoint *ep;
	struct task *caller;
	bool direct;
	int err;

	if (f->x[6] != LOUPE_TIMEOUT_NEVER)
		return false;
	spin_lock_as(&sched_lock, cpu->index);
	ep = fast_endpoint(t, f->x[0], LOUPE_RIGHT_RECV);
	caller = t->reply_to;
	if (!ep || !caller || !list_empty(&ep->senders) || t->kill_pending ||
	    (t->bound_ntfn && t->bound_ntfn->word) || !sched_can_handoff_locked(caller, cpu->index))
		goto slow;

	/* The reply (reply_locked's work), then the wait (recv_locked's). */
	direct = caller->ipc_fast_blocked;
	if (direct) {
		fast_deliver_to_frame(caller->user_frame, f, 0);
		caller->call_on = NULL;
	} else
		fast_deliver(&caller->ipc_msg, f, 0);
	caller->reply_from = NULL;
	t->reply_to = NULL;
	caller->ipc_status = 0;
	t->ipc_status = IPC_PENDING;
	/* recv_on lets a signal on our bound notification wake us. */
	t->recv_on = ep;
	list_push_back(&ep->receivers, &t->sched_link);
	ep_id = ep->obj.id;
	if (unlikely(on)) {
		uint64_t handoff = (uint64_t)caller->tid;

		if (trace_fast_ends_partner(on, direct, caller) && caller->ipc_fast_ep == ep_id) {
			handoff |= 1ull << TRACE_HANDOFF_ENDS_WAIT;
			caller->ipc_fast_trace = 0; /* its end is in our record */
		}
		trace_fast_begin(on, LOUPE_SYS_ipc_reply_recv, f->x[0], TRACE_EV_IPC_REPLY_RECV,
				 ep_id, t->ipc_msg.trace_id, handoff);
	}
	err = fast_switch(cpu, t, on, ep_id, "ipc recv", caller, direct,
			  &(struct fast_end){ LOUPE_SYS_ipc_call, TRACE_EV_IPC_CALL_DONE,
					      caller->ipc_fast_ep, t->ipc_msg.trace_id, 0 });
	t->recv_on = NULL;
	fast_finish(f, t, err);
	if (unlikely(on))
		trace_fast_end(on, LOUPE_SYS_ipc_reply_recv, err ? 0 : TRACE_EV_IPC_RECV_DONE, ep_id,
			       t->ipc_msg.trace_id, t->ipc_msg.badge, err);
	spin_unlock(&sched_lock);
	fast_exit(t);
	return true;
slow:
	spin_unlock(&sched_lock);
	return false;
}

void ipc_fast_resumed(void)
{
	sched_finish_switch();
	spin_unlock(&sched_lock);
	fast_exit(current_task());
}

bool ipc_fastpath(struct trap_frame *f)
{
	struct percpu *cpu = this_cpu();

	if (!CONFIG_IPC)
		return false;
	if (f->x[8] == LOUPE_SYS_ipc_call)
		return fast_call(f, cpu, cpu->current);
	if (f->x[8] == LOUPE_SYS_ipc_reply_recv)
		return fast_reply_recv(f, cpu, cpu->current);
	return false;
}
