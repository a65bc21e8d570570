#pragma once

#include <stdbool.h>

struct trap_frame;

/* From the system-call entry, interrupts still masked: complete an
 * ipc_call or ipc_reply_recv through the fast path (kernel/ipc/fastpath.c)
 * and return true, or return false, having changed nothing, for the
 * general path to handle it. */
bool ipc_fastpath(struct trap_frame *f);
