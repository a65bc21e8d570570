#pragma once

#include <stdbool.h>

struct trap_frame;

/* From the system-call entry, interrupts still masked: complete an
 * ipc_call or ipc_reply_recv through the fast path (kernel/ipc/fastpath.c)
 * and return true, or return false, having changed nothing, for the
 * general path to handle it. */
bool ipc_fastpath(struct trap_frame *f);

/* vectors.S fast_resume_user: a task the fast path answered directly in
 * its user registers now runs; finish the switch, drop the scheduler
 * lock, and return to user space (after a kill or preemption due). */
void ipc_fast_resumed(void);
