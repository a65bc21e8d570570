#pragma once

/*
 * The trace record layout, shared by the kernel (kernel/trace/) and the
 * host tools (trace/loupe_trace/layout.py reads this very file: the
 * #define lines with integer values, the structs, and the rows of
 * TRACE_EVENTS). Keep to that subset: `#define NAME <integer>`, structs of
 * uintN_t and char[N] fields with natural alignment and no padding, and
 * one X(...) row per line. Change TRACE_FORMAT_VERSION with the layout.
 *
 * All integers are little-endian, as the kernel writes them.
 */
#include <stdint.h>

#define TRACE_FORMAT_VERSION 3

/* Categories: bits of the run-time mask (trace=..., monitor `trace on`). */
#define TRACE_CAT_SCHED 0x01
#define TRACE_CAT_IPC 0x02
#define TRACE_CAT_IRQ 0x04
#define TRACE_CAT_SYSCALL 0x08
#define TRACE_CAT_FAULT 0x10
#define TRACE_CAT_COUNTER 0x20
#define TRACE_CAT_MARK 0x40
#define TRACE_CAT_ALL 0x7f

/*
 * One event: 32 bytes, a power of two, so a slot index becomes an offset
 * with a shift. Payload meaning depends on `id` (see TRACE_EVENTS). Marker
 * events store a string of up to TRACE_MARK_LEN bytes over a0, a1 and a2,
 * NUL-padded (not terminated when it fills all 16).
 */
struct trace_record {
	uint64_t ts;  /* CNTVCT_EL0 ticks; ns = ts * 1e9 / cntfrq */
	uint16_t id;  /* TRACE_EV_* */
	uint16_t cpu; /* CPU that wrote it */
	uint32_t tid; /* the task running then (see TRACE_TID_CPU_BASE) */
	uint32_t a0;
	uint32_t a1;
	uint64_t a2;
};
#define TRACE_RECORD_SIZE 32
#define TRACE_MARK_LEN 16

/*
 * Thread and process ids as the JSON shows them. A CPU's own context (the
 * boot path, the monitor, the idle loop: whatever runs when no task does)
 * is thread TRACE_TID_CPU_BASE + cpu, named "cpuN", in the kernel's
 * address space TRACE_PID_KERNEL. Task ids stay below TRACE_TID_CPU_BASE.
 */
#define TRACE_TID_CPU_BASE 10000
#define TRACE_PID_KERNEL 10000

/*
 * The events. Columns: name (TRACE_EV_<name>), id, category (TRACE_CAT_*),
 * then what a0, a1 and a2 hold ("-" unused; "str" is a marker string).
 * `tid` in the record is always the task running on the CPU; `msg` is a
 * message number the IPC code assigns at the call, unique in a trace, that
 * pairs a call with its receive, reply and return.
 *
 * Fewer records for the same picture (versions 2 and 3):
 * - IPC_CALL, IPC_RECV, IPC_REPLY_RECV and NOTIFY_WAIT begin the system
 *   call they are made by, and IPC_CALL_DONE, IPC_RECV_DONE and
 *   NOTIFY_WAIT_DONE end it: those calls record no SYSCALL_ENTER/EXIT
 *   while the ipc category is on (a failed receive ends with SYSCALL_EXIT).
 * - handoff_tid, when not 0: this CPU switches straight to that task (the
 *   IPC partner), which the record's sender has just woken; no
 *   SCHED_SWITCH or SCHED_WAKEUP follows for that switch. Only its low
 *   32 bits are the task id.
 * - Bit TRACE_HANDOFF_ENDS_WAIT of handoff_tid (version 3): the partner's
 *   blocked call ends right here, at this record's time, with success --
 *   its receive of this msg (IPC_CALL; the bits from
 *   TRACE_HANDOFF_BADGE_SHIFT up hold the low 31 bits of the sender's
 *   badge) or the return of its call with this msg (IPC_REPLY_RECV). Its
 *   own IPC_RECV_DONE or IPC_CALL_DONE is not recorded: the IPC fast path
 *   resumes such a partner straight into user space.
 * - SCHED_SWITCH handoff 1: the previous task woke next itself and handed
 *   it the CPU; no SCHED_WAKEUP was recorded for next.
 */
#define TRACE_EVENTS(X)                                                   \
	X(SCHED_SWITCH, 0x01, SCHED, "next_tid prev_state handoff")      \
	X(SCHED_WAKEUP, 0x02, SCHED, "woken_tid target_cpu -")           \
	X(TASK_CREATE, 0x03, SCHED, "new_tid pid -")                     \
	X(TASK_EXIT, 0x04, SCHED, "exit_tid - status")                   \
	X(IPC_CALL, 0x10, IPC, "endpoint msg handoff_tid")               \
	X(IPC_CALL_DONE, 0x11, IPC, "endpoint msg result")               \
	X(IPC_RECV, 0x12, IPC, "endpoint - -")                           \
	X(IPC_RECV_DONE, 0x13, IPC, "endpoint msg badge")                \
	X(IPC_REPLY, 0x14, IPC, "client_tid msg result")                 \
	X(IPC_REPLY_RECV, 0x15, IPC, "endpoint msg handoff_tid")         \
	X(NOTIFY_SIGNAL, 0x16, IPC, "notification - bits")               \
	X(NOTIFY_WAIT, 0x17, IPC, "notification - -")                    \
	X(NOTIFY_WAIT_DONE, 0x18, IPC, "notification - bits")            \
	X(SYSCALL_ENTER, 0x20, SYSCALL, "nr - arg0")                     \
	X(SYSCALL_EXIT, 0x21, SYSCALL, "nr - result")                    \
	X(IRQ_ENTER, 0x30, IRQ, "irq - -")                               \
	X(IRQ_EXIT, 0x31, IRQ, "irq - -")                                \
	X(PAGE_FAULT, 0x40, FAULT, "flags - address")                    \
	X(COUNTER, 0x50, COUNTER, "counter - value")                     \
	X(MARK_BEGIN, 0x60, MARK, "str")                                 \
	X(MARK_END, 0x61, MARK, "str")                                   \
	X(MARK_INSTANT, 0x62, MARK, "str")

/* handoff_tid's upper bits (above). */
#define TRACE_HANDOFF_ENDS_WAIT 32
#define TRACE_HANDOFF_BADGE_SHIFT 33

/* SCHED_SWITCH prev_state: why the previous task stopped running. */
#define TRACE_TASK_PREEMPTED 0
#define TRACE_TASK_BLOCKED 1
#define TRACE_TASK_EXITED 2

/* PAGE_FAULT flags. */
#define TRACE_FAULT_WRITE 0x1
#define TRACE_FAULT_EXEC 0x2
#define TRACE_FAULT_USER 0x4

/* COUNTER ids. RUNQ_LEN is per CPU: the CPU is the record's `cpu`. */
#define TRACE_COUNTER_FREE_FRAMES 1
#define TRACE_COUNTER_RUNQ_LEN 2

/*
 * The name table: what the host shows instead of bare ids. For a task,
 * `owner` is its address space (the JSON pid).
 */
#define TRACE_NAME_TASK 1
#define TRACE_NAME_PROCESS 2
#define TRACE_NAME_ENDPOINT 3
#define TRACE_NAME_NOTIFICATION 4
#define TRACE_NAME_IRQ 5

struct trace_name {
	uint16_t kind; /* TRACE_NAME_* */
	uint16_t reserved;
	uint32_t id;
	uint32_t owner;
	char name[20]; /* NUL-padded; not terminated when it fills all 20 */
};
#define TRACE_NAME_SIZE 32

/*
 * The exported file (tracefile=PATH): a trace_file_header, then for each
 * CPU its ring's `capacity` slots exactly as they lie in memory followed by
 * that ring's trace_ring_state, then `nnames` trace_name entries. Slot
 * i % capacity holds record number i; records first..head-1 are valid.
 * A debugger reading a live kernel gets the same two pieces per CPU.
 */
#define TRACE_FILE_MAGIC 0x4352544550554f4c /* "LOUPETRC" */

struct trace_file_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;  /* sizeof(struct trace_file_header) */
	uint32_t record_size;  /* TRACE_RECORD_SIZE */
	uint32_t name_size;    /* TRACE_NAME_SIZE */
	uint32_t ring_state_size; /* sizeof(struct trace_ring_state) */
	uint32_t ncpus;	       /* rings that follow */
	uint64_t cntfrq;       /* counter ticks per second */
	uint32_t capacity;     /* slots per ring, a power of two */
	uint32_t nnames;
	uint32_t enabled;      /* category mask before the export stopped it */
	uint32_t names_lost;   /* names that did not fit in the table */
	uint64_t export_ts;    /* counter when the export began */
};
#define TRACE_FILE_HEADER_SIZE 64

#define TRACE_MODE_OVERWRITE 0 /* flight recorder: keep the newest records */
#define TRACE_MODE_STOP 1      /* keep the oldest; refuse records when full */

struct trace_ring_state {
	uint32_t cpu;
	uint32_t mode;	  /* TRACE_MODE_* */
	uint64_t head;	  /* records ever written to this ring */
	uint64_t first;	  /* oldest record number still valid */
	uint64_t dropped; /* records lost since the last clear: overwritten or refused */
};
#define TRACE_RING_STATE_SIZE 32
