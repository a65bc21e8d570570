#pragma once

#include <stdint.h>

#include "arch/arch.h"

/*
 * A ticket lock: CPUs are served in the order they arrived, so no CPU can
 * starve under contention. `next` is the ticket dispenser, `owner` the ticket
 * now served. Acquire/release ordering comes from the __atomic builtins,
 * which become ldaxr/stlxr (or LSE ldadda) and stlr on AArch64.
 */
struct spinlock {
	uint16_t owner;
	uint16_t next;
	const char *name; /* for debuggers and lock-order reports */
};

#define SPINLOCK_INIT(n) { .owner = 0, .next = 0, .name = (n) }

static inline void spin_init(struct spinlock *lock, const char *name)
{
	lock->owner = 0;
	lock->next = 0;
	lock->name = name;
}

static inline void spin_lock(struct spinlock *lock)
{
	uint16_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->owner, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *lock)
{
	/* Only the holder writes owner, so a plain read then a release store
	 * suffices; the release orders the critical section before it. */
	__atomic_store_n(&lock->owner, (uint16_t)(lock->owner + 1), __ATOMIC_RELEASE);
}

static inline int spin_is_locked(struct spinlock *lock)
{
	return __atomic_load_n(&lock->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&lock->next, __ATOMIC_RELAXED);
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
