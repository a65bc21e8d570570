#pragma once

/*
 * The hang detector. Every CPU's timer tick checks two things:
 *  - that this CPU has made progress (reached an idle wait, the scheduler,
 *    or an explicit watchdog_touch) in the last WATCHDOG_SECONDS; if not,
 *    it is stuck in the kernel with interrupts on, and the tick reports it
 *    with the backtrace of the interrupted code;
 *  - that every other online CPU's tick count still moves; a CPU whose
 *    ticks stopped is spinning with interrupts masked, and is reported by
 *    the CPU that noticed.
 * Either report is a crash: it ends as panic_action says.
 */
#define WATCHDOG_SECONDS 5

struct trap_frame;

/* Mark this CPU as making progress (idle loops, long-running loops). */
void watchdog_touch(void);
/* From the timer tick, with the frame the tick interrupted. */
void watchdog_tick(struct trap_frame *interrupted);
