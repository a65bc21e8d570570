#pragma once

#include <stdint.h>

#include "arch/arch.h"

/*
 * A test-and-test-and-set spinlock. A CPU takes the lock by atomically
 * swapping 1 into `locked` (an acquire: the critical section cannot move
 * before it); waiters spin on plain loads, which stay in their own cache
 * until the holder's release store, and only then retry the swap.
 *
 * Why not a ticket lock, which is fair? Loupe runs on QEMU, where each
 * virtual CPU is a host thread: with more virtual CPUs than host cores, a
 * ticket lock hands the lock to a CPU the host has descheduled, and every
 * other CPU spins until the host runs it again -- measured here as a
 * boot that never finished with 4 CPUs on 2 host cores. A test-and-set
 * lock goes to whichever waiter is actually running. With at most a few
 * CPUs and short critical sections, its unfairness does not show.
 */
struct spinlock {
	uint32_t locked;  /* 1 while held */
	uint32_t cpu;	  /* the holder, for debuggers (valid while locked) */
	const char *name; /* for debuggers and lock-order reports */
};

#define SPINLOCK_INIT(n) { .locked = 0, .cpu = 0, .name = (n) }

static inline void spin_init(struct spinlock *lock, const char *name)
{
	lock->locked = 0;
	lock->cpu = 0;
	lock->name = name;
}

/* spin_lock for a caller that has its CPU's index at hand (`cpu`). */
static inline void spin_lock_as(struct spinlock *lock, unsigned cpu)
{
	for (;;) {
		/* swp/ldaxr+stxr: the exchange is the acquire. */
		if (!__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
			break;
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
	}
	lock->cpu = cpu;
}

static inline void spin_lock(struct spinlock *lock)
{
	spin_lock_as(lock, arch_cpu_index());
}

static inline void spin_unlock(struct spinlock *lock)
{
	/* stlr: everything in the critical section happens before this. */
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

static inline int spin_is_locked(struct spinlock *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
}

/* Masks IRQs on this CPU first, so an interrupt handler on the same CPU
 * cannot deadlock by trying to take a lock its own CPU already holds. */
static inline unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = arch_irq_save();

	spin_lock(lock);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	spin_unlock(lock);
	arch_irq_restore(flags);
}
