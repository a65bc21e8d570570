#include "core/syscall.h"

#include "core/printk.h"
#include "core/task.h"
#include "lib/errno.h"
#include "loupe/syscall.h"
#include "trace/trace.h"

void syscall_dispatch(struct trap_frame *f)
{
	uint64_t nr = f->x[8];
	syscall_fn fn = nr >= LOUPE_SYS_BASE ? syscall_native_lookup(nr) : syscall_linux_lookup(nr);

	TRACE_POINT(SYSCALL, SYSCALL_ENTER, (uint32_t)nr, 0, f->x[0]);
	if (!fn) {
		struct task *t = current_task();

		pr_warn("syscall: %s (task %d) called unknown system call %llu; returning -ENOSYS",
			t->name, t->tid, (unsigned long long)nr);
		f->x[0] = (uint64_t)-ENOSYS;
	} else {
		f->x[0] = (uint64_t)fn(f);
	}
	TRACE_POINT(SYSCALL, SYSCALL_EXIT, (uint32_t)nr, 0, f->x[0]);
}
