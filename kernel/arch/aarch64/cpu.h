#pragma once

#include <stdbool.h>
#include <stdint.h>

/* DAIF.I is bit 7; DAIFSet/DAIFClr take the 4-bit D,A,I,F mask, so I is 2. */
#define DAIF_IRQ_BIT (1u << 7)

static inline unsigned long arch_irq_save(void)
{
	unsigned long daif;

	/* The "memory" clobber keeps the compiler from moving accesses that the
	 * caller protects out of the critical section. */
	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
	return daif;
}

static inline void arch_irq_restore(unsigned long daif)
{
	__asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline bool arch_irq_enabled(void)
{
	unsigned long daif;

	__asm__ volatile("mrs %0, daif" : "=r"(daif));
	return !(daif & DAIF_IRQ_BIT);
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

static inline void arch_wait_for_interrupt(void)
{
	/* dsb sy: finish outstanding memory accesses before sleeping. */
	__asm__ volatile("dsb sy\n\twfi" ::: "memory");
}

/*
 * TPIDR_EL1 holds this CPU's struct percpu pointer (see core/percpu.h); the
 * CPU index is its first field, so reading it is two instructions.
 */
static inline unsigned arch_cpu_index(void)
{
	const unsigned *self;

	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(self));
	return self ? *self : 0;
}

static inline uint64_t arch_counter(void)
{
	uint64_t v;

	/* isb: read the counter after, not before, the preceding instructions. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static inline uint64_t arch_counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* Install this CPU's struct percpu (see core/percpu.h) in TPIDR_EL1. */
static inline void arch_set_percpu(void *p)
{
	__asm__ volatile("msr tpidr_el1, %0" ::"r"(p) : "memory");
}

static inline void *arch_percpu(void)
{
	void *p;

	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(p));
	return p;
}

static inline uint64_t arch_mpidr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

/* Current frame pointer, where a backtrace of the caller starts. */
static inline uint64_t arch_frame_address(void)
{
	return (uint64_t)__builtin_frame_address(0);
}
