#pragma once

#include <stdint.h>

#include "ipc/cap.h"

struct task;
struct ipc_msg;

/*
 * Synchronous IPC on endpoints and asynchronous notifications
 * (docs/ipc.md). Each call returns 0 or -error; a received message is left
 * in the current task's ipc_msg. Timeouts are LOUPE_TIMEOUT_NEVER,
 * LOUPE_TIMEOUT_POLL, or nanoseconds.
 */
int ipc_call(uint64_t slot, const struct ipc_msg *msg, uint64_t timeout);
int ipc_recv(uint64_t slot, uint64_t timeout);
int ipc_reply(const struct ipc_msg *msg);
/* Reply to the current caller (if any), then receive: one kernel entry
 * per request for a server loop. */
int ipc_reply_recv(uint64_t slot, const struct ipc_msg *msg, uint64_t timeout);
int notify_signal(uint64_t slot, uint64_t bits);
/* The bits taken, or -error; bits are returned through *bits. */
int notify_wait(uint64_t slot, bool block, uint64_t *bits);

/* Deferred replies (include/loupe/ipc.h): the ids are for the trace. */
int ipc_reply_save(uint64_t slot, uint32_t *trace_id);
int ipc_reply_send(uint64_t slot, const struct ipc_msg *msg, uint32_t *caller_tid,
		   uint32_t *trace_id);
/* Bind a notification to the caller (LOUPE_SELF: unbind). */
int notify_bind(uint64_t slot);
/* [sched held] Signal from the kernel (interrupts, the log). */
void notify_signal_locked(struct notification *n, uint64_t bits);

/* irq_bind / irq_ack (include/loupe/ipc.h). */
int irq_cap_bind(uint64_t irq_slot, uint64_t ntfn_slot, uint64_t bits);
int irq_cap_ack(uint64_t irq_slot);
/* [sched held] An irq object is going: unbind it, give the line back. */
void irq_cap_release(struct irq_object *o);
/* [sched held] Unbind every interrupt bound to a destroyed notification. */
void irq_cap_notification_gone(struct notification *n);

/* [sched held] Destroy obj: wake everything blocked on it with -EPIPE. */
void ipc_destroy_object(struct kobject *obj);
/* [sched held] A task is exiting: fail its callers, drop its capabilities. */
void ipc_task_exit(struct task *t);

/* Install init's boot capabilities (LOUPE_INIT_SLOT_*) before it starts. */
void ipc_give_boot_caps(struct task *init);
