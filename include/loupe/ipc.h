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
	LOUPE_OBJ_REPLY = 7, /* the right to answer one caller */
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

/*
 * Memory: frames (RAM the kernel hands out) and mmio regions (device
 * registers, given to init at boot) are mapped with the same calls. The
 * protection asked for must be within the capability's map rights
 * (LOUPE_RIGHT_MAP_R/W/X -> LOUPE_PROT_READ/WRITE/EXEC); writable or
 * executable mappings must also be readable; device memory is never
 * executable. A frame's memory lives while a capability or a mapping of it
 * remains.
 */
#define LOUPE_PROT_READ 4
#define LOUPE_PROT_WRITE 2
#define LOUPE_PROT_EXEC 1
/* task_slot value meaning "the calling task itself". */
#define LOUPE_SELF 0xffffull
/* frame_create(slot, pages): zeroed, physically contiguous RAM. */
#define LOUPE_SYS_frame_create (LOUPE_SYS_BASE + 0x1f)
#define LOUPE_FRAME_MAX_PAGES 256
/* frame_map(slot, task_slot, vaddr, prot): map the whole frame or mmio
 * region at page-aligned vaddr (0: the kernel picks) in the caller
 * (LOUPE_SELF) or in the task named by task_slot, which needs the control
 * right. Returns the address. */
#define LOUPE_SYS_frame_map (LOUPE_SYS_BASE + 0x20)
/* frame_unmap(task_slot, vaddr): remove the mapping made at vaddr. */
#define LOUPE_SYS_frame_unmap (LOUPE_SYS_BASE + 0x21)
/* frame_info(slot): size in bytes of a frame or mmio region. */
#define LOUPE_SYS_frame_info (LOUPE_SYS_BASE + 0x22)

/*
 * Interrupts: irq_bind(irq_slot, notification_slot, bits) makes the
 * interrupt signal `bits` on the notification (needs recv on the irq and
 * send on the notification). Each interrupt masks the line until the
 * driver calls irq_ack(irq_slot) after handling it. notification_slot
 * LOUPE_SELF unbinds.
 */
#define LOUPE_SYS_irq_bind (LOUPE_SYS_BASE + 0x23)
#define LOUPE_SYS_irq_ack (LOUPE_SYS_BASE + 0x24)

/*
 * notify_bind(slot): bind a notification (recv right) to the caller, so a
 * server waiting in ipc_recv also wakes for it: the message then has label
 * LOUPE_LABEL_NOTIFY, the bits taken in w[0] and badge 0. LOUPE_SELF
 * unbinds.
 */
#define LOUPE_SYS_notify_bind (LOUPE_SYS_BASE + 0x25)
#define LOUPE_LABEL_NOTIFY 0xffffu

/*
 * Deferred replies: reply_save(slot) moves the right to answer the current
 * caller into a reply capability (type LOUPE_OBJ_REPLY, send right), so
 * the server can receive other requests first; reply_send(slot, tag, w)
 * answers through it and empties the slot. Deleting an unused reply
 * capability fails its caller with -EPIPE.
 */
#define LOUPE_SYS_reply_save (LOUPE_SYS_BASE + 0x26)
#define LOUPE_SYS_reply_send (LOUPE_SYS_BASE + 0x27)

/*
 * Kernel log for the console server: klog_read(buf, len, cursor) copies
 * complete console-level lines from byte position `cursor` of the log,
 * returns the bytes copied and the next cursor in x1. Lines the kernel
 * printed itself before the console was handed over are skipped.
 * klog_bind(notification_slot, bits) has the kernel signal `bits` when new
 * lines arrive (one binding at a time).
 */
#define LOUPE_SYS_klog_read (LOUPE_SYS_BASE + 0x28)
#define LOUPE_SYS_klog_bind (LOUPE_SYS_BASE + 0x29)
/* klog_input(buf, len): bytes typed before the handover that the kernel
 * received but nobody read; returns how many were copied. */
#define LOUPE_SYS_klog_input (LOUPE_SYS_BASE + 0x2a)

/*
 * obj_name(slot, name): give the object in slot a name of 1 to
 * LOUPE_OBJ_NAME_MAX printable characters, for people: the trace shows it
 * instead of "ep7", the GDB commands show it beside the id. Needs the
 * control right (the owner names its object); -EINVAL for an empty,
 * too long or unprintable name. A later call renames.
 */
#define LOUPE_SYS_obj_name (LOUPE_SYS_BASE + 0x2b)
#define LOUPE_OBJ_NAME_MAX 15

/*
 * Capabilities init finds in its table at start (docs/ipc.md). Slot 0 of
 * every task is its standard input and output: an endpoint of the console
 * protocol (include/loupe/console.h) that the Linux read/write calls on
 * fds 0-2 are forwarded to. Children inherit a copy.
 */
#define LOUPE_SLOT_STDIO 62
#define LOUPE_INIT_SLOT_UART_MMIO 1 /* UART0 registers: map r/w */
#define LOUPE_INIT_SLOT_UART_IRQ 2  /* UART0 interrupt */
