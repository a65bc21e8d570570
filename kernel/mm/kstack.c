#include "mm/kstack.h"

#include "arch/aarch64/memory_map.h"
#include "core/spinlock.h"
#include "mm/frame.h"
#include "mm/vm.h"

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t slot_used[KSTACK_AREA_SLOTS / 64];

static uint64_t slot_base(unsigned slot)
{
	return KSTACK_AREA_BASE + (uint64_t)slot * STACK_SLOT_SIZE;
}

static int take_slot(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	int found = -1;

	for (unsigned s = 0; s < KSTACK_AREA_SLOTS; s++) {
		if (!(slot_used[s / 64] & (1ull << (s % 64)))) {
			slot_used[s / 64] |= 1ull << (s % 64);
			found = (int)s;
			break;
		}
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return found;
}

static void put_slot(unsigned s)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);

	slot_used[s / 64] &= ~(1ull << (s % 64));
	spin_unlock_irqrestore(&kstack_lock, flags);
}

static void unmap_stack(uint64_t base)
{
	for (uint64_t va = base + GUARD_SIZE; va < base + STACK_SLOT_SIZE; va += PAGE_SIZE) {
		paddr_t pa = vm_unmap_kernel_page(va);

		if (pa)
			frame_free(pa);
	}
}

uint64_t kstack_alloc(void)
{
	int slot = take_slot();
	uint64_t base;

	if (slot < 0)
		return 0;
	base = slot_base(slot);
	for (uint64_t va = base + GUARD_SIZE; va < base + STACK_SLOT_SIZE; va += PAGE_SIZE) {
		paddr_t pa;

		if (frame_alloc(&pa) < 0)
			goto fail;
		if (vm_map_kernel_page(va, pa) < 0) {
			frame_free(pa);
			goto fail;
		}
	}
	return base;
fail:
	unmap_stack(base); /* frees the pages mapped so far */
	put_slot(slot);
	return 0;
}

void kstack_free(uint64_t base)
{
	unmap_stack(base);
	put_slot((unsigned)((base - KSTACK_AREA_BASE) / STACK_SLOT_SIZE));
}

bool kstack_contains(uint64_t addr, uint64_t len)
{
	uint64_t off, slot;

	if (addr < KSTACK_AREA_BASE || addr >= KSTACK_AREA_BASE +
	    (uint64_t)KSTACK_AREA_SLOTS * STACK_SLOT_SIZE)
		return false;
	off = addr - KSTACK_AREA_BASE;
	slot = off / STACK_SLOT_SIZE;
	return (slot_used[slot / 64] & (1ull << (slot % 64))) &&
	       off % STACK_SLOT_SIZE >= GUARD_SIZE && off % STACK_SLOT_SIZE + len <= STACK_SLOT_SIZE;
}
