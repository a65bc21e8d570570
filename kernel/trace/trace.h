#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "trace/trace_format.h"

/*
 * The tracer: an always-on flight recorder of kernel events in per-CPU
 * rings (trace_ring.h), exported to the host at power-off (tracefile=PATH)
 * and turned into a Perfetto timeline by trace/ (docs/tracing.md).
 *
 * A tracepoint is an inline test of one bit of trace_enabled -- load, test,
 * branch, so a disabled category costs three instructions -- and a call to
 * trace_emit only when the category is on. With CONFIG_TRACE 0 the test is
 * constant false and the compiler drops the tracepoint.
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

/* Record one event on this CPU's ring (any context; masks IRQs briefly). */
void trace_emit(unsigned id, uint32_t a0, uint32_t a1, uint64_t a2);

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
