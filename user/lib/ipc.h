#pragma once

/*
 * Capabilities and IPC for user programs (include/loupe/ipc.h has the
 * numbers and rules, docs/ipc.md the model). Results follow loupe.h's
 * convention: 0 or a positive value, or -errno; errno is not set.
 */
#include <loupe/ipc.h>
#include <stddef.h>
#include <stdint.h>

/* A message: a tag (label, and a capability slot if LOUPE_TAG_CAP is set)
 * and four words. On receipt, badge says which capability it came
 * through. */
struct ipc_msg {
	uint64_t tag;
	uint64_t w[4];
	uint64_t badge;
};

/* One svc with up to seven arguments in x0-x6; x0 comes back as the result
 * and x1-x6 as a message (for the calls that return one). */
long ipc_syscall(long nr, uint64_t a0, struct ipc_msg *m, uint64_t a6);

int cap_copy(int src, int dst, uint32_t rights, uint64_t badge);
int cap_move(int src, int dst);
int cap_delete(int slot);
/* type | rights << 8, or -errno. */
long cap_query(int slot);
int endpoint_create(int slot);
int notification_create(int slot);
int cap_give(int task_slot, int src, int dst_in_task, uint32_t rights);
int task_cap(int tid, int dst);

/* m is sent and, on success, replaced by the reply (call) or the message
 * received (recv, reply_recv). */
int ipc_call(int slot, struct ipc_msg *m, uint64_t timeout);
int ipc_recv(int slot, struct ipc_msg *m, uint64_t timeout);
int ipc_reply(const struct ipc_msg *m);
int ipc_reply_recv(int slot, struct ipc_msg *m, uint64_t timeout);

int notify_signal(int slot, uint64_t bits);
/* The bits in *bits; wait blocks until some are set, poll does not. */
int notify_wait(int slot, uint64_t *bits);
int notify_poll(int slot, uint64_t *bits);

/* Memory objects: the mapped address or -errno. task_slot LOUPE_SELF maps
 * into the caller. */
int frame_create(int slot, unsigned pages);
long frame_map(int slot, uint64_t task_slot, uint64_t vaddr, unsigned prot);
int frame_unmap(uint64_t task_slot, uint64_t vaddr);
long frame_info(int slot);

/* Interrupts and bound notifications. */
int irq_bind(int irq_slot, uint64_t ntfn_slot, uint64_t bits);
int irq_ack(int irq_slot);
int notify_bind(uint64_t ntfn_slot);

/* Deferred replies. */
int reply_save(int slot);
int reply_send(int slot, const struct ipc_msg *m);

/* The kernel log: bytes copied (whole lines), *cursor advanced. */
long klog_read(char *buf, size_t len, uint64_t *cursor);
int klog_bind(int ntfn_slot, uint64_t bits);
/* Input the kernel console received before the handover. */
long klog_input(char *buf, size_t len);

/* Name an object (needs control): traces and GDB show the name. */
int obj_name(int slot, const char *name);
