#include "core/console.h"

#include "arch/arch.h"
#include "core/crash_demo.h"
#include "core/printk.h"
#include "core/spinlock.h"
#include "core/watchdog.h"
#include "ipc/klog.h"
#include "lib/compiler.h"

static const struct console_driver *console_drv;
static struct spinlock console_lock = SPINLOCK_INIT("console");
static int rx_pop(void);
static bool console_panic_mode;

/* The handover. user_maps counts user mappings of the UART (atomic);
 * user_owned is set at the first one and cleared by the tick after the
 * last one went. */
static struct {
	unsigned user_maps;
	bool user_owned;
	bool rx_released;
} owner;

/*
 * Received bytes, filled by the UART interrupt handler (single producer,
 * any CPU) and drained by console_getc (single consumer). rx_lock makes the
 * two safe on SMP; the handler runs with IRQs masked already.
 */
#define RX_RING_SIZE 256
static struct {
	struct spinlock lock;
	char buf[RX_RING_SIZE];
	unsigned head, tail; /* head: next write; tail: next read */
	bool irq_driven;
} rx = { .lock = SPINLOCK_INIT("console_rx") };

void console_register(const struct console_driver *drv)
{
	WRITE_ONCE(console_drv, drv);
}

bool console_ready(void)
{
	return READ_ONCE(console_drv) != NULL;
}

void console_enter_panic_mode(void)
{
	console_panic_mode = true;
}

static void write_locked(const struct console_driver *drv, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			drv->putc(drv->ctx, '\r');
		drv->putc(drv->ctx, s[i]);
	}
}

void console_write(const char *s, size_t len)
{
	const struct console_driver *drv = READ_ONCE(console_drv);
	unsigned long flags;

	if (!drv)
		return;
	if (console_panic_mode) {
		write_locked(drv, s, len);
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	if (!owner.user_owned)
		write_locked(drv, s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void (*console_rx_notify)(void);

void console_rx_push(char c)
{
	unsigned long flags = spin_lock_irqsave(&rx.lock);

	/* A full ring drops the newest byte: a human typing faster than the
	 * kernel reads is the only way to get here. */
	if (rx.head - rx.tail < RX_RING_SIZE)
		rx.buf[rx.head++ % RX_RING_SIZE] = c;
	spin_unlock_irqrestore(&rx.lock, flags);
	if (console_rx_notify)
		console_rx_notify();
}

bool console_has_input(void)
{
	return READ_ONCE(rx.head) != READ_ONCE(rx.tail);
}

void console_rx_irq_enabled(bool on)
{
	rx.irq_driven = on;
}

int console_try_getc(void)
{
	return rx_pop();
}

static int rx_pop(void)
{
	unsigned long flags = spin_lock_irqsave(&rx.lock);
	int c = -1;

	if (rx.tail != rx.head)
		c = (unsigned char)rx.buf[rx.tail++ % RX_RING_SIZE];
	spin_unlock_irqrestore(&rx.lock, flags);
	return c;
}

int console_getc(void)
{
	const struct console_driver *drv;
	int c;

	for (;;) {
		if (rx.irq_driven && arch_irq_enabled()) {
			/* Check and sleep with IRQs masked: WFI still wakes on a
			 * pending interrupt, so a byte arriving after the check
			 * cannot be missed until some later interrupt. The
			 * handler runs when IRQs are unmasked again. */
			watchdog_touch();
			arch_irq_disable();
			c = rx_pop();
			if (c < 0)
				arch_wait_for_interrupt();
			arch_irq_enable();
			if (c >= 0)
				return c;
			continue;
		}
		drv = READ_ONCE(console_drv);
		c = drv ? drv->try_getc(drv->ctx) : -1;
		if (c >= 0)
			return c;
		arch_cpu_relax();
	}
}

bool console_user_owned(void)
{
	return READ_ONCE(owner.user_owned) && !console_panic_mode;
}

void console_handover(const char *task_name, int tid)
{
	const struct console_driver *drv = READ_ONCE(console_drv);
	unsigned long flags;

	if (__atomic_fetch_add(&owner.user_maps, 1, __ATOMIC_ACQ_REL) != 0 || !drv)
		return;
	pr_info("console: %s (task %d) drives UART0 now; kernel messages go to the log ring",
		task_name, tid);
	flags = spin_lock_irqsave(&console_lock);
	/* Let the last bytes leave before someone else programs the UART. */
	owner.user_owned = true;
	spin_unlock_irqrestore(&console_lock, flags);
	log_mark_handover();
	if (drv->release_rx && !owner.rx_released) {
		drv->release_rx(drv->ctx);
		owner.rx_released = true;
	}
}

void console_mapping_gone(void)
{
	__atomic_sub_fetch(&owner.user_maps, 1, __ATOMIC_ACQ_REL);
}

void console_reclaim_output(void)
{
	unsigned long flags;
	bool mine;

	if (!READ_ONCE(owner.user_owned) || __atomic_load_n(&owner.user_maps, __ATOMIC_ACQUIRE))
		return;
	flags = spin_lock_irqsave(&console_lock);
	mine = owner.user_owned; /* one caller does the take-back */
	owner.user_owned = false;
	spin_unlock_irqrestore(&console_lock, flags);
	if (!mine)
		return;
	log_replay_unread();
	pr_info("console: the console server is gone; the kernel drives UART0 again");
}

void console_tick(void)
{
	const struct console_driver *drv = READ_ONCE(console_drv);

	if (!drv)
		return;
	console_reclaim_output();
	/* Receive comes back once nobody else holds the interrupt. */
	if (!owner.user_owned && owner.rx_released && drv->claim_rx && drv->claim_rx(drv->ctx) == 0)
		owner.rx_released = false;
	if (CONFIG_IPC) {
		klog_tick();
		crash_demo_tick(owner.user_owned);
	}
}
