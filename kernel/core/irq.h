#pragma once
#include <stddef.h>

#include <stdbool.h>

/*
 * Interrupt registration. An interrupt is named by its GIC interrupt id:
 * 0-15 SGIs (software-generated, used as inter-processor interrupts),
 * 16-31 PPIs (per-CPU, such as the timer), 32+ SPIs (shared devices).
 */
#define IRQ_MAX 1020

typedef void (*irq_handler_t)(unsigned irq, void *arg);

/* Attach fn to irq and enable it: on this CPU for SGIs/PPIs (each CPU
 * calls irq_enable_on_this_cpu for its own), routed to CPU 0 for SPIs.
 * -EINVAL for a bad number, -EBUSY if irq already has a handler. */
int irq_register(unsigned irq, irq_handler_t fn, void *arg, const char *name);
void irq_enable_on_this_cpu(unsigned irq);
/* Detach irq's handler and disable it. A handler already running on
 * another CPU may still finish: handlers must not rely on their arg
 * staying valid after this (user interrupts look their binding up under a
 * lock instead). */
void irq_unregister(unsigned irq);
bool irq_has_handler(unsigned irq);
/* Stop / resume delivery of one interrupt at the controller. */
void irq_mask(unsigned irq);
void irq_unmask(unsigned irq);

/* Called by the exception vector: acknowledge, dispatch, end. */
void irq_handle(void);

/* Per-interrupt statistics for the monitor and debuggers. */
struct irq_desc {
	irq_handler_t handler;
	void *arg;
	const char *name;
	unsigned long count;
};
extern struct irq_desc irq_table[IRQ_MAX];
