/*
 * Interrupts delivered to user-space drivers (docs/ipc.md, "Interrupts").
 *
 * An irq capability bound to a notification turns each interrupt into a
 * signal. The kernel masks the line at the GIC before it returns, because
 * the device still asserts a level-triggered interrupt until its driver
 * has serviced it; the driver's irq_ack unmasks it again. The binding is
 * looked up in `bound_irqs` under the scheduler lock rather than passed as
 * the handler's argument, so unbinding on one CPU cannot free an object a
 * handler on another CPU is about to use.
 */
#include "core/irq.h"
#include "core/sched.h"
#include "core/task.h"
#include "ipc/ipc.h"
#include "lib/errno.h"

static struct irq_object *bound_irqs[IRQ_MAX]; /* [sched] */

static void user_irq(unsigned irq, void *arg)
{
	unsigned long flags = sched_lock_irqsave();
	struct irq_object *o = bound_irqs[irq];

	(void)arg;
	irq_mask(irq);
	if (o && o->bound) {
		o->masked = true;
		notify_signal_locked(o->bound, o->bits);
	}
	sched_unlock_irqrestore(flags);
}

/* [sched held] */
void irq_cap_release(struct irq_object *o)
{
	if (bound_irqs[o->irq] != o)
		return;
	bound_irqs[o->irq] = NULL;
	irq_unregister(o->irq);
	if (o->bound)
		kobject_put(&o->bound->obj);
	o->bound = NULL;
	/* If this was the console UART's, the kernel console claims it back
	 * from its tick (console_tick): not here, under the lock. */
}

/* [sched held] A destroyed notification signals nobody: free the lines
 * bound to it (its driver died), so the kernel or another driver can
 * have them. */
void irq_cap_notification_gone(struct notification *n)
{
	for (unsigned irq = 0; irq < IRQ_MAX; irq++)
		if (bound_irqs[irq] && bound_irqs[irq]->bound == n)
			irq_cap_release(bound_irqs[irq]);
}

int irq_cap_bind(uint64_t irq_slot, uint64_t ntfn_slot, uint64_t bits)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct notification *n = NULL;
	struct irq_object *o;
	struct cap *c;
	int err;

	c = cap_lookup(t, irq_slot, LOUPE_OBJ_IRQ, LOUPE_RIGHT_RECV, &err);
	if (!c)
		goto out;
	o = (struct irq_object *)c->obj;
	if (ntfn_slot == LOUPE_SELF) {
		irq_cap_release(o);
		goto out;
	}
	c = cap_lookup(t, ntfn_slot, LOUPE_OBJ_NOTIFICATION, LOUPE_RIGHT_SEND, &err);
	if (!c)
		goto out;
	n = (struct notification *)c->obj;
	if (!bits) {
		err = -EINVAL;
		goto out;
	}
	if (bound_irqs[o->irq] == o) { /* rebinding: swap the notification */
		kobject_get(&n->obj);
		kobject_put(&o->bound->obj);
		o->bound = n;
		o->bits = bits;
		goto out;
	}
	/* Still the kernel's (the console before its server maps the UART),
	 * or bound through another capability. */
	if (bound_irqs[o->irq] || irq_has_handler(o->irq)) {
		err = -EBUSY;
		goto out;
	}
	kobject_get(&n->obj);
	o->bound = n;
	o->bits = bits;
	o->masked = false;
	bound_irqs[o->irq] = o;
	err = irq_register(o->irq, user_irq, NULL, "user");
	if (err) {
		bound_irqs[o->irq] = NULL;
		kobject_put(&n->obj);
		o->bound = NULL;
	}
out:
	sched_unlock_irqrestore(flags);
	return err;
}

int irq_cap_ack(uint64_t irq_slot)
{
	struct task *t = current_task();
	unsigned long flags = sched_lock_irqsave();
	struct irq_object *o;
	struct cap *c;
	int err;

	c = cap_lookup(t, irq_slot, LOUPE_OBJ_IRQ, LOUPE_RIGHT_RECV, &err);
	if (c) {
		o = (struct irq_object *)c->obj;
		if (bound_irqs[o->irq] != o) {
			err = -EINVAL; /* not bound: nothing to acknowledge */
		} else if (o->masked) {
			o->masked = false;
			irq_unmask(o->irq);
		}
	}
	sched_unlock_irqrestore(flags);
	return err;
}
