#pragma once

/*
 * Host stand-in for kernel/arch/arch.h, found first on the include path of
 * the host unit tests (-Itests/unit/host). It provides the same arch_*
 * functions for a single-threaded test program: there are no interrupts,
 * so "masking IRQs" only flips a flag that a test can check, and there is
 * one CPU, number 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*
 * Whether "IRQs" are enabled. Weak, so every object file that includes
 * this header shares one flag instead of each having its own: a test can
 * assert that the code under test restored it.
 */
__attribute__((weak)) bool host_irqs_enabled = true;

static inline unsigned long arch_irq_save(void)
{
	unsigned long was_enabled = host_irqs_enabled;

	host_irqs_enabled = false;
	return was_enabled;
}

static inline void arch_irq_restore(unsigned long flags)
{
	host_irqs_enabled = flags != 0;
}

static inline void arch_irq_enable(void)
{
	host_irqs_enabled = true;
}

static inline void arch_irq_disable(void)
{
	host_irqs_enabled = false;
}

static inline bool arch_irq_enabled(void)
{
	return host_irqs_enabled;
}

/* Nothing to wait for: with one thread, a spin loop would never end anyway. */
static inline void arch_cpu_relax(void)
{
}

static inline void arch_wait_for_interrupt(void)
{
}

static inline unsigned arch_cpu_index(void)
{
	return 0;
}

/* The generic timer's counter, modelled as nanoseconds of CLOCK_MONOTONIC. */
static inline uint64_t arch_counter(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t arch_counter_freq(void)
{
	return 1000000000u;
}
