/*
 * The kernel log for the user-space console server (include/loupe/ipc.h,
 * klog_read/klog_bind). After the console handover printk only fills the
 * ring; the server prints it. CPU 0's tick signals the bound notification
 * when lines were added: printk itself may run with the scheduler lock
 * held, so it cannot signal anybody.
 */
#include "ipc/klog.h"

#include "core/printk.h"
#include "core/sched.h"
#include "core/task.h"
#include "ipc/ipc.h"
#include "lib/errno.h"

static struct {
	struct notification *ntfn; /* [sched] holds a reference */
	uint64_t bits;		   /* [sched] */
	uint64_t signalled_at;	   /* log position at the last signal */
} klog;

void klog_tick(void)
{
	uint64_t head = log_position();
	unsigned long flags;

	if (!READ_ONCE(klog.ntfn) || head == klog.signalled_at)
		return;
	flags = sched_lock_irqsave();
	if (klog.ntfn && !klog.ntfn->obj.dead)
		notify_signal_locked(klog.ntfn, klog.bits);
	klog.signalled_at = head;
	sched_unlock_irqrestore(flags);
}

int klog_bind(uint64_t slot, uint64_t bits)
{
	unsigned long flags = sched_lock_irqsave();
	struct cap *c;
	int err;

	c = cap_lookup(current_task(), slot, LOUPE_OBJ_NOTIFICATION, LOUPE_RIGHT_SEND, &err);
	if (c && !bits)
		err = -EINVAL;
	else if (c && klog.ntfn && !klog.ntfn->obj.dead && klog.ntfn != (void *)c->obj)
		err = -EBUSY; /* one console server at a time */
	else if (c) {
		/* A dead binding (its server is gone) is replaced. */
		if (klog.ntfn)
			kobject_put(&klog.ntfn->obj);
		kobject_get(c->obj);
		klog.ntfn = (struct notification *)c->obj;
		klog.bits = bits;
		klog.signalled_at = 0; /* signal at the next tick */
	}
	sched_unlock_irqrestore(flags);
	return err;
}
