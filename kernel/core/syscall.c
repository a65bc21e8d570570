#include "core/syscall.h"

#include "core/printk.h"
#include "core/task.h"
#include "lib/errno.h"
#include "loupe/ipc.h"
#include "loupe/syscall.h"
#include "trace/trace.h"

/*
 * The IPC calls that block record their own begin and end events (IPC_CALL
 * ... IPC_CALL_DONE, IPC_RECV or IPC_REPLY_RECV ... IPC_RECV_DONE,
 * NOTIFY_WAIT ... NOTIFY_WAIT_DONE), and the converter draws the system
 * call's slice from those: SYSCALL_ENTER/EXIT would only repeat them, at
 * two records per call. A receive that fails records no IPC_RECV_DONE, so
 * its SYSCALL_EXIT still closes the slice.
 */
static bool traced_by_ipc(uint64_t nr)
{
	return CONFIG_IPC && (nr == LOUPE_SYS_ipc_call || nr == LOUPE_SYS_ipc_recv ||
			      nr == LOUPE_SYS_ipc_reply_recv || nr == LOUPE_SYS_notify_wait);
}

void syscall_dispatch(struct trap_frame *f)
{
	uint64_t nr = f->x[8];
	syscall_fn fn = nr >= LOUPE_SYS_BASE ? syscall_native_lookup(nr) : syscall_linux_lookup(nr);
	bool ipc_events = trace_on(TRACE_CAT_IPC) && traced_by_ipc(nr);

	if (!ipc_events)
		TRACE_POINT(SYSCALL, SYSCALL_ENTER, (uint32_t)nr, 0, f->x[0]);
	if (!fn) {
		struct task *t = current_task();

		pr_warn("syscall: %s (task %d) called unknown system call %llu; returning -ENOSYS",
			t->name, t->tid, (unsigned long long)nr);
		f->x[0] = (uint64_t)-ENOSYS;
	} else {
		f->x[0] = (uint64_t)fn(f);
	}
	if (!ipc_events || (f->x[0] && (nr == LOUPE_SYS_ipc_recv || nr == LOUPE_SYS_ipc_reply_recv)))
		TRACE_POINT(SYSCALL, SYSCALL_EXIT, (uint32_t)nr, 0, f->x[0]);
}
