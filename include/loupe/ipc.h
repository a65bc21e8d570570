#pragma once

/*
 * Loupe's IPC and capability ABI, shared by the kernel and user programs
 * (docs/ipc.md). Every kernel object a task uses is named by a slot in its
 * capability table; a capability carries rights that copies can only
 * reduce.
 */
#include <stdint.h>

#include "loupe/syscall.h"

#define LOUPE_CAP_SLOTS 64

/* Object types, as cap_query reports them. */
enum loupe_obj_type {
	LOUPE_OBJ_NONE = 0,
	LOUPE_OBJ_ENDPOINT = 1,
	LOUPE_OBJ_NOTIFICATION = 2,
	LOUPE_OBJ_FRAME = 3,
	LOUPE_OBJ_IRQ = 4,
	LOUPE_OBJ_MMIO = 5,
	LOUPE_OBJ_TASK = 6,
};

/* Rights. */
#define LOUPE_RIGHT_SEND (1u << 0)
#define LOUPE_RIGHT_RECV (1u << 1)
#define LOUPE_RIGHT_GRANT (1u << 2) /* may pass a capability along a message */
#define LOUPE_RIGHT_MAP_R (1u << 3)
#define LOUPE_RIGHT_MAP_W (1u << 4)
#define LOUPE_RIGHT_MAP_X (1u << 5)
#define LOUPE_RIGHT_CONTROL (1u << 6) /* destroy the object; act on a task */
#define LOUPE_RIGHTS_ALL 0x7fu

/*
 * Capability calls. Slots are 0..LOUPE_CAP_SLOTS-1. Errors: -EBADF (no
 * capability in the slot), -EPERM (missing right), -EINVAL (wrong object
 * type or argument), -EBUSY (destination slot taken).
 */
/* cap_copy(src, dst, rights, badge): dst gets src's object with
 * src.rights & rights; an unbadged endpoint capability may be given a
 * badge, which its receiver sees. */
#define LOUPE_SYS_cap_copy (LOUPE_SYS_BASE + 0x10)
#define LOUPE_SYS_cap_move (LOUPE_SYS_BASE + 0x11)	/* (src, dst) */
/* cap_delete(slot): deleting the last capability of an object frees it;
 * deleting the last one with the control right destroys the object (every
 * other capability to it then fails with -EPIPE). */
#define LOUPE_SYS_cap_delete (LOUPE_SYS_BASE + 0x12)
/* cap_query(slot): type | rights << 8. */
#define LOUPE_SYS_cap_query (LOUPE_SYS_BASE + 0x13)
/* Create an object into an empty slot, with all rights. */
#define LOUPE_SYS_endpoint_create (LOUPE_SYS_BASE + 0x14)
#define LOUPE_SYS_notification_create (LOUPE_SYS_BASE + 0x15)
/* cap_give(task_slot, src, dst, rights): copy src into slot dst of the task
 * named by task_slot (needs control on that task). */
#define LOUPE_SYS_cap_give (LOUPE_SYS_BASE + 0x16)
/* task_cap(tid, dst): a capability with all rights to a child task. */
#define LOUPE_SYS_task_cap (LOUPE_SYS_BASE + 0x17)

/*
 * Synchronous IPC. A message is a tag and four words in registers:
 *   in:  x0 = endpoint slot, x1 = tag, x2..x5 = words, x6 = timeout
 *   out: x0 = 0 or -error, x1 = tag, x2..x5 = words, x6 = badge
 * The tag's low 16 bits are a label for the protocol; bit 16 says a
 * capability travels with the message: the sender's slot in bits 24-31,
 * and on receipt the receiver's new slot in the same bits.
 */
#define LOUPE_SYS_ipc_call (LOUPE_SYS_BASE + 0x18)
#define LOUPE_SYS_ipc_recv (LOUPE_SYS_BASE + 0x19)
#define LOUPE_SYS_ipc_reply (LOUPE_SYS_BASE + 0x1a) /* x1 = tag, x2..x5 = words */
#define LOUPE_SYS_ipc_reply_recv (LOUPE_SYS_BASE + 0x1b)

#define LOUPE_TAG_LABEL(tag) ((tag) & 0xffffu)
#define LOUPE_TAG_CAP (1u << 16)
#define LOUPE_TAG_CAP_SLOT(tag) (((tag) >> 24) & 0xffu)
#define LOUPE_TAG(label, has_cap, slot) \
	(((label) & 0xffffu) | ((has_cap) ? LOUPE_TAG_CAP : 0) | (((slot) & 0xffu) << 24))

/* Timeouts (x6), in nanoseconds. */
#define LOUPE_TIMEOUT_NEVER 0xffffffffffffffffull /* wait for ever */
#define LOUPE_TIMEOUT_POLL 0ull			  /* do not wait at all */

/* Notifications: signal ORs bits into the object's word; wait blocks until
 * it is non-zero, returns it and clears it; poll does not block. */
#define LOUPE_SYS_notify_signal (LOUPE_SYS_BASE + 0x1c) /* (slot, bits) */
#define LOUPE_SYS_notify_wait (LOUPE_SYS_BASE + 0x1d)	/* (slot) */
#define LOUPE_SYS_notify_poll (LOUPE_SYS_BASE + 0x1e)	/* (slot) */
