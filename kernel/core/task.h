#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/context.h"
#include "arch/aarch64/trap_frame.h"
#include "lib/list.h"
#include "ipc/cap.h"
#include "loupe/syscall.h"

/*
 * A task: one thread of execution with its own kernel stack and, for user
 * programs, its own address space. Fields marked [sched] are guarded by the
 * scheduler lock (sched.c); the rest belong to the task itself or are fixed
 * at creation.
 */
struct uvm;

/* A message in flight: tag, four words, and the badge of the capability it
 * was sent through; `cap` carries a transferred capability. */
struct ipc_msg {
	uint64_t tag, w[4], badge;
	struct cap cap;
	uint32_t trace_id; /* ties call, receive and reply together in a trace */
};

struct waitq {
	struct list_node waiters; /* [sched] tasks blocked here */
};

struct task {
	int tid;
	char name[LOUPE_NAME_MAX];
	enum loupe_task_state state; /* [sched] */
	int priority;
	int cpu;		  /* [sched] where it runs or last ran; -1 never */
	uint32_t affinity;	  /* [sched] CPUs it may run on: bit n is CPU n */
	bool on_cpu;		  /* [sched] still on its stack (switch unfinished) */
	bool is_idle;		  /* a CPU's idle task: never on a run queue */
	bool kill_pending;	  /* [sched] kill() asked it to end */
	int exit_status;	  /* [sched] Linux wait status, once a zombie */
	struct task *parent;	  /* [sched] NULL: nobody will reap it */
	const char *wait_reason;  /* [sched] what it blocks or sleeps on */
	uint64_t wake_at_ns;	  /* [sched] end of a sleep */
	int time_slice;		  /* [sched] ticks left before round-robin */
	struct waitq child_exit;  /* children's exits wake the parent here */

	struct cpu_context ctx;	  /* kernel registers while switched out */
	uint64_t kstack;	  /* lowest address of its stack slot; 0: boot stack */
	struct trap_frame *user_frame; /* user registers, at the top of kstack */
	struct fpsimd_state fp;	  /* user FP/SIMD registers while switched out */
	uint64_t tpidr_el0;	  /* user thread pointer (musl's TLS) */
	uint64_t clear_child_tid; /* set_tid_address(); unused until threads */

	struct uvm *vm;		  /* NULL for kernel tasks */
	const void *elf;	  /* its program file in the initrd, for symbols */
	size_t elf_size;

	struct list_node sched_link; /* [sched] run queue, sleepers or a waitq */
	struct list_node timeout_link; /* [sched] on the IPC timeout list */
	bool *timed_out;	     /* [sched] set when that deadline passes */

	/* IPC (kernel/ipc/), all [sched]. */
	struct cap caps[LOUPE_CAP_SLOTS];
	struct ipc_msg ipc_msg;	  /* being sent while queued; received when woken */
	int ipc_status;		  /* result handed over by whoever wakes us */
	struct task *reply_to;	  /* a caller waiting for our reply */
	struct task *reply_from;  /* the server that owes us a reply */
	struct kobject *self_obj; /* task capabilities point here */
	struct reply_object *reply_obj; /* saved reply that will answer us */
	struct notification *bound_ntfn; /* wakes our ipc_recv too */
	struct endpoint *recv_on;  /* endpoint we block receiving on */
	struct endpoint *call_on;  /* endpoint of the call we are in */
	/* Blocked in the IPC fast path's handoff, with nothing on the kernel
	 * stack but the fast path's own frames: a partner's fast path may
	 * answer it straight into user_frame and return it to user space
	 * without switching to its kernel context (kernel/ipc/fastpath.c). */
	bool ipc_fast_blocked;
	uint8_t ipc_fast_trace;	   /* the trace categories its call began with */
	uint32_t ipc_fast_ep;	   /* the endpoint id its call went to */
	struct list_node all_link;   /* [sched] in all_tasks */
};

/* Every task, for ps and debuggers. */
extern struct list_node all_tasks;

static inline struct task *current_task(void);

/* Create a user task running program `name` from the initrd as a child of
 * parent (NULL for init). argv/envp are kernel strings. The task is
 * CREATED: task_start() lets it run. NULL and *err on failure. */
struct task *task_spawn(const char *name, int argc, char *const argv[], int envc,
			char *const envp[], struct task *parent, int *err);
int task_start(struct task *parent, int tid);
/* [sched held] parent's child with id tid, or NULL. */
struct task *task_find_child_locked(struct task *parent, int tid);
int task_kill(struct task *parent, int tid);
/* Wait for child tid (or any with -1) of parent to end; reap it. Returns
 * its id and stores its wait status, or -ECHILD / -EINTR. */
int task_wait(struct task *parent, int tid, int *status);
/* End the calling task with a Linux wait status; does not return. */
__attribute__((noreturn)) void task_exit(int status);
/* Snapshot of every task into buf; returns the count written. */
int task_snapshot(struct loupe_task_info *buf, int max);

/* Wait-status encodings (Linux's): exited with code, or killed by signal. */
#define WSTATUS_EXITED(code) (((code) & 0xff) << 8)
#define WSTATUS_SIGNALED(sig) ((sig) & 0x7f)
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGKILL 9
#define SIGSEGV 11

#include "core/percpu.h"

static inline struct task *current_task(void)
{
	return this_cpu()->current;
}
