#include "core/irq.h"

#include "core/percpu.h"
#include "core/printk.h"
#include "core/spinlock.h"
#include "drivers/gicv2.h"
#include "lib/errno.h"
#include "trace/trace.h"

struct irq_desc irq_table[IRQ_MAX];
static struct spinlock irq_table_lock = SPINLOCK_INIT("irq_table");

int irq_register(unsigned irq, irq_handler_t fn, void *arg, const char *name)
{
	unsigned long flags;
	int err = 0;

	if (irq >= IRQ_MAX || !fn)
		return -EINVAL;
	flags = spin_lock_irqsave(&irq_table_lock);
	if (irq_table[irq].handler) {
		err = -EBUSY;
	} else {
		irq_table[irq].arg = arg;
		irq_table[irq].name = name;
		/* Publish the handler last: irq_handle reads it without the lock. */
		__atomic_store_n(&irq_table[irq].handler, fn, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&irq_table_lock, flags);
	if (!err)
		gic_enable(irq);
	return err;
}

void irq_unregister(unsigned irq)
{
	unsigned long flags;

	if (irq >= IRQ_MAX)
		return;
	gic_disable(irq);
	flags = spin_lock_irqsave(&irq_table_lock);
	__atomic_store_n(&irq_table[irq].handler, NULL, __ATOMIC_RELEASE);
	irq_table[irq].arg = NULL;
	irq_table[irq].name = NULL;
	spin_unlock_irqrestore(&irq_table_lock, flags);
}

bool irq_has_handler(unsigned irq)
{
	return irq < IRQ_MAX && __atomic_load_n(&irq_table[irq].handler, __ATOMIC_ACQUIRE);
}

void irq_mask(unsigned irq)
{
	gic_disable(irq);
}

void irq_unmask(unsigned irq)
{
	gic_enable(irq);
}

void irq_enable_on_this_cpu(unsigned irq)
{
	gic_enable(irq);
}

void irq_handle(void)
{
	struct percpu *cpu = this_cpu();

	cpu->irq_depth++;
	for (;;) {
		unsigned iar = gic_acknowledge();
		unsigned irq = iar & GICC_IAR_ID_MASK;
		irq_handler_t fn;

		if (irq >= GIC_SPURIOUS)
			break;
		cpu->irqs++;
		trace_irq_enter(irq);
		fn = irq < IRQ_MAX ? __atomic_load_n(&irq_table[irq].handler, __ATOMIC_ACQUIRE)
				   : NULL;
		if (fn) {
			__atomic_fetch_add(&irq_table[irq].count, 1, __ATOMIC_RELAXED);
			fn(irq, irq_table[irq].arg);
		} else {
			pr_warn("irq: no handler for interrupt %u; disabling it", irq);
			gic_disable(irq);
		}
		gic_end(iar);
		trace_irq_exit(irq);
	}
	cpu->irq_depth--;
}
