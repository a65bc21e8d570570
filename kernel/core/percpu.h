#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "arch/aarch64/memory_map.h"

struct trap_frame;
struct task;
struct trace_ring;

/*
 * Per-CPU state. Each CPU finds its own through TPIDR_EL1, so reading it
 * needs no lock; other CPUs only read the fields marked "shared".
 * A debugger finds CPU n's state at percpu[n].
 */
struct percpu {
	unsigned index;	 /* must stay first: arch_cpu_index() reads it */
	uint64_t emergency_sp; /* vectors.S switches here on a stack overflow */
	uint64_t mpidr;	 /* affinity value PSCI CPU_ON takes */
	bool online;	 /* shared: set once the CPU runs kernel C code */
	uint64_t ticks;	 /* timer interrupts taken */
	uint64_t irqs;	 /* all interrupts taken */
	uint64_t ipis;	 /* inter-processor interrupts taken */
	unsigned irq_depth; /* >0 while in an interrupt handler */
	struct trap_frame *irq_frame; /* registers the current interrupt interrupted */
	uint64_t progress_tick; /* ticks at the last watchdog_touch() (see watchdog.c) */
	struct task *current;	/* the task this CPU runs (its idle task if none) */
	struct task *idle_task;
	struct task *switch_prev; /* the task this CPU just switched away from */
	bool need_resched;	/* run the scheduler before returning to a task */
	/* The tracer's view (kernel/trace/trace.h), kept ready so that a
	 * recorded event reads two words instead of walking to the task: */
	struct trace_ring *trace_ring; /* this CPU's ring */
	uint64_t trace_who;	/* record word 1 without the id: cpu << 16 | tid << 32 */
	bool trace_switch_done; /* the next switch was already traced (IPC handoff) */
};

/* vectors.S reads emergency_sp at this offset. */
#define PERCPU_EMERGENCY_SP 8
_Static_assert(__builtin_offsetof(struct percpu, emergency_sp) == PERCPU_EMERGENCY_SP,
	       "PERCPU_EMERGENCY_SP");

extern struct percpu percpu[MAX_CPUS];
extern uint8_t emergency_stacks[MAX_CPUS][STACK_SLOT_SIZE];

/* Fill in CPU index's struct percpu and install it on the calling CPU. */
void percpu_init_this_cpu(unsigned index);
extern unsigned ncpus_present; /* CPUs in the device tree, up to MAX_CPUS */

static inline struct percpu *this_cpu(void)
{
	return (struct percpu *)arch_percpu();
}

unsigned cpus_online(void);
