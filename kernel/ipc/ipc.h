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

/* [sched held] Destroy obj: wake everything blocked on it with -EPIPE. */
void ipc_destroy_object(struct kobject *obj);
/* [sched held] A task is exiting: fail its callers, drop its capabilities. */
void ipc_task_exit(struct task *t);
