#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "core/percpu.h"
#include "lib/compiler.h"
#include "trace/trace_format.h"
#include "trace/trace_ring.h"

/*
 * The tracer: an always-on flight recorder of kernel events in per-CPU
 * rings (trace_ring.h), exported to the host at power-off (tracefile=PATH)
 * and turned into a Perfetto timeline by trace/ (docs/tracing.md).
 *
 * A tracepoint is an inline test of one bit of trace_enabled -- load, test,
 * branch, so a disabled category costs two or three instructions -- and,
 * only when the category is on, the write itself, also inline (about
 * twenty instructions: mask interrupts, reserve a slot of this CPU's ring,
 * fill it, publish it). With CONFIG_TRACE 0 the test is constant false and
 * the compiler drops the tracepoint.
 */
enum trace_event_id {
#define TRACE_EV_ENUM(name, id, cat, args) TRACE_EV_##name = id,
	TRACE_EVENTS(TRACE_EV_ENUM)
#undef TRACE_EV_ENUM
};

/* Category mask; tracepoints read it without a lock (see trace_control.c). */
extern uint32_t trace_enabled;

static inline bool trace_on(uint32_t cats)
{
	return CONFIG_TRACE && unlikely(READ_ONCE(trace_enabled) & cats);
}

/* Set up a CPU's tracer fields (percpu_init_this_cpu). */
void trace_init_cpu(struct percpu *cpu);
/* The tracer's idea of who runs on this CPU: the task, or for an idle
 * task (and before tasks) the CPU's own thread. The scheduler calls it at
 * every switch. */
static inline void trace_set_current(struct percpu *cpu, uint32_t tid)
{
	cpu->trace_who = (uint64_t)tid << 32 | (uint64_t)cpu->index << 16;
}

/* The record's id, cpu and tid fields as one 64-bit word. */
typedef uint64_t __attribute__((may_alias)) trace_word_t;

/*
 * Write one record into this CPU's ring. Interrupts must be masked: then
 * nothing else on this CPU can run between reserving the slot (reading
 * head) and publishing it (storing head + 1), so the ring has a single
 * writer and needs no atomic read-modify-write. Masking costs three
 * instructions (mrs, msr daifset, msr daif), fewer than an atomic
 * reservation (ldxr/stxr and a retry branch) plus the separate commit
 * count that out-of-order completion would then need.
 */
static inline __attribute__((always_inline)) void
trace_write_irqs_off(struct percpu *cpu, unsigned id, uint32_t a0, uint32_t a1, uint64_t a2)
{
	struct trace_ring *r = cpu->trace_ring;
	uint64_t n = r->head;
	struct trace_record *rec;

	if (unlikely(n >= READ_ONCE(r->limit))) {
		r->refused++;
		return;
	}
	rec = &r->slots[n & r->mask];
	rec->ts = arch_counter();
	*(trace_word_t *)&rec->id = cpu->trace_who | id;
	rec->a0 = a0;
	rec->a1 = a1;
	rec->a2 = a2;
	/* Release: the slot's stores become visible before the new head. */
	__atomic_store_n(&r->head, n + 1, __ATOMIC_RELEASE);
}

/* Before this CPU has its struct percpu (very early boot): out of line. */
void trace_emit_early(unsigned id, uint32_t a0, uint32_t a1, uint64_t a2);

/* Record one event on this CPU's ring (any context). */
static inline __attribute__((always_inline)) void trace_emit(unsigned id, uint32_t a0,
							     uint32_t a1, uint64_t a2)
{
	unsigned long flags = arch_irq_save();
	struct percpu *cpu = this_cpu();

	if (likely(cpu))
		trace_write_irqs_off(cpu, id, a0, a1, a2);
	else
		trace_emit_early(id, a0, a1, a2);
	arch_irq_restore(flags);
}

/* The thread id a task has in the trace: its task id, or for an idle task
 * its CPU's own thread (TRACE_TID_CPU_BASE + cpu). */
#define TRACE_TID_OF(t) ((t)->is_idle ? TRACE_TID_CPU_BASE + (uint32_t)(t)->cpu : (uint32_t)(t)->tid)
/* The same with a marker string (cut to TRACE_MARK_LEN bytes). */
void trace_emit_str(unsigned id, const char *s);

#define TRACE_POINT(cat, id, a0, a1, a2)                       \
	do {                                                   \
		if (trace_on(TRACE_CAT_##cat))                 \
			trace_emit(TRACE_EV_##id, a0, a1, a2); \
	} while (0)

/* The same where interrupts are already masked (under the sched lock, in
 * the IPC paths): three instructions fewer. */
#define TRACE_POINT_IRQS_OFF(cat, id, a0, a1, a2)                                      \
	do {                                                                           \
		if (trace_on(TRACE_CAT_##cat))                                         \
			trace_write_irqs_off(this_cpu(), TRACE_EV_##id, a0, a1, a2);   \
	} while (0)

/* Interrupts: called by irq_handle around each interrupt it dispatches. */
static inline void trace_irq_enter(unsigned irq)
{
	TRACE_POINT(IRQ, IRQ_ENTER, irq, 0, 0);
}

void trace_irq_exit_slow(unsigned irq);
static inline void trace_irq_exit(unsigned irq)
{
	/* Counters are sampled on CPU 0's timer tick, hence the second bit. */
	if (trace_on(TRACE_CAT_IRQ | TRACE_CAT_COUNTER))
		trace_irq_exit_slow(irq);
}

/* Markers: label a stretch of kernel work (begin/end nest like brackets on
 * one CPU context or task) or a moment (instant). */
static inline void trace_mark_begin(const char *label)
{
	if (trace_on(TRACE_CAT_MARK))
		trace_emit_str(TRACE_EV_MARK_BEGIN, label);
}

static inline void trace_mark_end(const char *label)
{
	if (trace_on(TRACE_CAT_MARK))
		trace_emit_str(TRACE_EV_MARK_END, label);
}

static inline void trace_mark_instant(const char *label)
{
	if (trace_on(TRACE_CAT_MARK))
		trace_emit_str(TRACE_EV_MARK_INSTANT, label);
}

static inline void trace_counter(uint32_t counter, uint64_t value)
{
	TRACE_POINT(COUNTER, COUNTER, counter, 0, value);
}

/* Names the host shows for ids (TRACE_NAME_*); a later call for the same
 * kind and id renames. Returns -ENOSPC when the table is full. */
int trace_name_set(unsigned kind, uint32_t id, uint32_t owner, const char *name);

/*
 * Control, shared by the command line, the monitor's `trace` command and
 * (later) the GDB stub's `monitor trace` and a native system call. args is
 * one of: "on [CATS]", "off", "clear", "status", "mode overwrite|stop";
 * CATS is a comma list of sched,ipc,irq,syscall,fault,counter,mark,all.
 * Every output line goes to out() without a newline. 0 or -EINVAL.
 */
int trace_control(const char *args, void (*out)(const char *line));
/* Parse CATS (or "off"); -EINVAL if a name is unknown. */
int trace_parse_categories(const char *s, size_t len, uint32_t *mask);

/* Command-line words trace=, tracefile=, tracebuf=; false if malformed. */
bool trace_cmdline_categories(const char *value, size_t len);
bool trace_cmdline_file(const char *value, size_t len);
bool trace_cmdline_buffer(const char *value, size_t len);

/* Write the rings to the tracefile through semihosting; called once by
 * power_off. Later calls (a crash during the export) return at once. */
void trace_export_at_power_off(void);

/* Print the last `count` records of CPU cpu's ring (crash reports). */
void trace_print_recent(unsigned cpu, unsigned count);
