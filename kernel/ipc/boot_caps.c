/*
 * The capabilities init starts with (include/loupe/ipc.h,
 * LOUPE_INIT_SLOT_*). Init is the root task: every device a user-space
 * driver may touch reaches it here, and init decides who gets what.
 */
#include "core/printk.h"
#include "core/sched.h"
#include "core/task.h"
#include "ipc/ipc.h"
#include "platform/platform.h"

static void give(struct task *init, uint64_t slot, struct kobject *obj, uint32_t rights,
		 const char *what)
{
	unsigned long flags;
	int err = -12; /* -ENOMEM when obj could not be made */

	if (obj) {
		flags = sched_lock_irqsave();
		err = cap_install(init, slot, obj, rights, 0);
		sched_unlock_irqrestore(flags);
	}
	if (err)
		pr_warn("init: no capability for %s (error %d)", what, err);
}

void ipc_give_boot_caps(struct task *init)
{
	const struct mmio_device *u = &platform.console_uart;

	give(init, LOUPE_INIT_SLOT_UART_MMIO, mmio_new(u->base, u->size, true),
	     LOUPE_RIGHT_MAP_R | LOUPE_RIGHT_MAP_W | LOUPE_RIGHT_GRANT, "the UART0 registers");
	give(init, LOUPE_INIT_SLOT_UART_IRQ, irq_object_new(u->irq),
	     LOUPE_RIGHT_RECV | LOUPE_RIGHT_GRANT, "the UART0 interrupt");
}
