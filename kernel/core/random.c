#include "core/random.h"

#include "arch/arch.h"
#include "core/spinlock.h"

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint64_t random_state; /* [random_lock] */

uint64_t random_u64(void)
{
	unsigned long flags = spin_lock_irqsave(&random_lock);
	uint64_t x = random_state ? random_state : arch_counter() | 1;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	random_state = x;
	spin_unlock_irqrestore(&random_lock, flags);
	return x;
}
