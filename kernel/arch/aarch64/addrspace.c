#include "arch/aarch64/addrspace.h"

#include "arch/aarch64/pte.h"
#include "core/spinlock.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "mm/kimage.h"

static struct spinlock asid_lock = SPINLOCK_INIT("asid");
static uint64_t asid_used[(ASID_MAX + 1) / 64]; /* bit n: ASID n taken */
/* Root of "no user space": every entry invalid, so any user address faults. */
static uint64_t empty_root[PT_ENTRIES] __aligned(4096);

int asid_alloc(void)
{
	unsigned long flags = spin_lock_irqsave(&asid_lock);
	int found = -ENOMEM;

	for (unsigned a = 1; a <= ASID_MAX; a++) {
		if (!(asid_used[a / 64] & (1ull << (a % 64)))) {
			asid_used[a / 64] |= 1ull << (a % 64);
			found = (int)a;
			break;
		}
	}
	spin_unlock_irqrestore(&asid_lock, flags);
	return found;
}

void asid_free(unsigned asid)
{
	unsigned long flags;

	/* tlbi aside1is: every CPU forgets this ASID's translations, so the
	 * next owner cannot see the old task's pages. */
	__asm__ volatile("dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb"
			 ::"r"((uint64_t)asid << TTBR_ASID_SHIFT) : "memory");
	flags = spin_lock_irqsave(&asid_lock);
	asid_used[asid / 64] &= ~(1ull << (asid % 64));
	spin_unlock_irqrestore(&asid_lock, flags);
}

void addrspace_deactivate(void)
{
	addrspace_activate(addrspace_ttbr(kimage_to_phys(empty_root), 0));
}

void tlb_flush_user_page(unsigned asid, uint64_t va)
{
	uint64_t arg = ((uint64_t)asid << TTBR_ASID_SHIFT) | ((va >> 12) & 0xfffffffffffull);

	__asm__ volatile("dsb ishst\n\ttlbi vae1is, %0\n\tdsb ish\n\tisb" ::"r"(arg) : "memory");
}
