#pragma once

#include <stdint.h>

/*
 * The periodic tick, from each CPU's generic-timer virtual timer (a PPI, so
 * every CPU has its own). TIMER_HZ ticks per second per CPU.
 */
#define TIMER_HZ 100

/* Register the tick handler (once, boot CPU) for the device tree's timer
 * interrupt, then start this CPU's timer. */
void timer_init(unsigned irq);
/* Start the tick on a secondary CPU. */
void timer_start_this_cpu(void);
/* The counter's frequency (CNTFRQ_EL0), for debuggers. */
extern uint64_t timer_counter_hz;

/* Nanoseconds from the counter, independent of ticks. */
uint64_t timer_now_ns(void);
