#include "ipc.h"

long ipc_syscall(long nr, uint64_t a0, struct ipc_msg *m, uint64_t a6)
{
	register long x8 __asm__("x8") = nr;
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = m->tag;
	register uint64_t x2 __asm__("x2") = m->w[0];
	register uint64_t x3 __asm__("x3") = m->w[1];
	register uint64_t x4 __asm__("x4") = m->w[2];
	register uint64_t x5 __asm__("x5") = m->w[3];
	register uint64_t x6 __asm__("x6") = a6;

	__asm__ volatile("svc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6)
			 : "r"(x8)
			 : "memory");
	if ((long)x0 >= 0) {
		m->tag = x1;
		m->w[0] = x2;
		m->w[1] = x3;
		m->w[2] = x4;
		m->w[3] = x5;
		m->badge = x6;
	}
	return (long)x0;
}

/* Capability calls take plain arguments: pass them through a message. */
static long call4(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct ipc_msg m = { .tag = a1, .w = { a2, a3, 0, 0 } };

	return ipc_syscall(nr, a0, &m, 0);
}

int cap_copy(int src, int dst, uint32_t rights, uint64_t badge)
{
	return (int)call4(LOUPE_SYS_cap_copy, src, dst, rights, badge);
}

int cap_move(int src, int dst)
{
	return (int)call4(LOUPE_SYS_cap_move, src, dst, 0, 0);
}

int cap_delete(int slot)
{
	return (int)call4(LOUPE_SYS_cap_delete, slot, 0, 0, 0);
}

long cap_query(int slot)
{
	return call4(LOUPE_SYS_cap_query, slot, 0, 0, 0);
}

int endpoint_create(int slot)
{
	return (int)call4(LOUPE_SYS_endpoint_create, slot, 0, 0, 0);
}

int notification_create(int slot)
{
	return (int)call4(LOUPE_SYS_notification_create, slot, 0, 0, 0);
}

int cap_give(int task_slot, int src, int dst_in_task, uint32_t rights)
{
	return (int)call4(LOUPE_SYS_cap_give, task_slot, src, dst_in_task, rights);
}

int task_cap(int tid, int dst)
{
	return (int)call4(LOUPE_SYS_task_cap, tid, dst, 0, 0);
}

int ipc_call(int slot, struct ipc_msg *m, uint64_t timeout)
{
	return (int)ipc_syscall(LOUPE_SYS_ipc_call, slot, m, timeout);
}

int ipc_recv(int slot, struct ipc_msg *m, uint64_t timeout)
{
	return (int)ipc_syscall(LOUPE_SYS_ipc_recv, slot, m, timeout);
}

int ipc_reply(const struct ipc_msg *m)
{
	struct ipc_msg copy = *m;

	return (int)ipc_syscall(LOUPE_SYS_ipc_reply, 0, &copy, 0);
}

int ipc_reply_recv(int slot, struct ipc_msg *m, uint64_t timeout)
{
	return (int)ipc_syscall(LOUPE_SYS_ipc_reply_recv, slot, m, timeout);
}

int notify_signal(int slot, uint64_t bits)
{
	return (int)call4(LOUPE_SYS_notify_signal, slot, bits, 0, 0);
}

static int notify_take(long nr, int slot, uint64_t *bits)
{
	struct ipc_msg m = { 0 };
	int err = (int)ipc_syscall(nr, slot, &m, 0);

	/* The kernel returns the bits in x1, which lands in m.tag. */
	*bits = err ? 0 : m.tag;
	return err;
}

int notify_wait(int slot, uint64_t *bits)
{
	return notify_take(LOUPE_SYS_notify_wait, slot, bits);
}

int notify_poll(int slot, uint64_t *bits)
{
	return notify_take(LOUPE_SYS_notify_poll, slot, bits);
}

int frame_create(int slot, unsigned pages)
{
	return (int)call4(LOUPE_SYS_frame_create, slot, pages, 0, 0);
}

long frame_map(int slot, uint64_t task_slot, uint64_t vaddr, unsigned prot)
{
	return call4(LOUPE_SYS_frame_map, slot, task_slot, vaddr, prot);
}

int frame_unmap(uint64_t task_slot, uint64_t vaddr)
{
	return (int)call4(LOUPE_SYS_frame_unmap, task_slot, vaddr, 0, 0);
}

long frame_info(int slot)
{
	return call4(LOUPE_SYS_frame_info, slot, 0, 0, 0);
}

int irq_bind(int irq_slot, uint64_t ntfn_slot, uint64_t bits)
{
	return (int)call4(LOUPE_SYS_irq_bind, irq_slot, ntfn_slot, bits, 0);
}

int irq_ack(int irq_slot)
{
	return (int)call4(LOUPE_SYS_irq_ack, irq_slot, 0, 0, 0);
}

int notify_bind(uint64_t ntfn_slot)
{
	return (int)call4(LOUPE_SYS_notify_bind, ntfn_slot, 0, 0, 0);
}

int reply_save(int slot)
{
	return (int)call4(LOUPE_SYS_reply_save, slot, 0, 0, 0);
}

int reply_send(int slot, const struct ipc_msg *m)
{
	struct ipc_msg copy = *m;

	return (int)ipc_syscall(LOUPE_SYS_reply_send, slot, &copy, 0);
}

long klog_read(char *buf, size_t len, uint64_t *cursor)
{
	register long x8 __asm__("x8") = LOUPE_SYS_klog_read;
	register uint64_t x0 __asm__("x0") = (uint64_t)buf;
	register uint64_t x1 __asm__("x1") = len;
	register uint64_t x2 __asm__("x2") = *cursor;

	/* The next cursor comes back in x1. */
	__asm__ volatile("svc #0" : "+r"(x0), "+r"(x1) : "r"(x8), "r"(x2) : "memory");
	if ((long)x0 >= 0)
		*cursor = x1;
	return (long)x0;
}

int klog_bind(int ntfn_slot, uint64_t bits)
{
	return (int)call4(LOUPE_SYS_klog_bind, ntfn_slot, bits, 0, 0);
}

long klog_input(char *buf, size_t len)
{
	return call4(LOUPE_SYS_klog_input, (uint64_t)buf, len, 0, 0);
}

int obj_name(int slot, const char *name)
{
	return (int)call4(LOUPE_SYS_obj_name, slot, (uint64_t)name, 0, 0);
}
