#pragma once

#include <stdint.h>

#include "loupe/ipc.h"

/* Shared by the general IPC path (ipc.c) and the fast path (fastpath.c). */
struct task;

/* ipc_status while nobody has decided the outcome yet. */
#define IPC_PENDING 1

/* [sched held] Block until someone sets t->ipc_status, switching first to
 * `handoff` (a task sched_can_handoff_locked() accepted, or NULL); handles
 * kill and timeout. Returns the status. The caller checked kill_pending. */
int wait_for_outcome(struct task *t, const char *reason, uint64_t deadline,
		     struct task *handoff);

/* The tag a receiver gets: the sender's without its capability-transfer
 * fields, which describe the sender's slot (transfer() sets the
 * receiver's own when a capability arrives). */
static inline uint64_t tag_as_delivered(uint64_t tag)
{
	return tag & ~(uint64_t)(LOUPE_TAG_CAP | (0xffull << 24));
}

/* A new message number for the trace (never 0: 0 means "none"). Inline:
 * the fast path asks for one per traced call. */
static inline uint32_t ipc_new_trace_id(void)
{
	extern uint32_t ipc_trace_next;
	uint32_t id;

	do
		id = __atomic_fetch_add(&ipc_trace_next, 1, __ATOMIC_RELAXED);
	while (__builtin_expect(id == 0, 0)); /* after 2^32 messages */
	return id;
}
