#include "arch/aarch64/pagetable.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "mm/frame.h"

uint64_t *pt_alloc_table(void)
{
	paddr_t pa;

	if (frame_alloc_zeroed(&pa) < 0)
		return NULL;
	return phys_to_virt(pa);
}

/* The next-level table under *entry, creating it if asked. */
static uint64_t *next_table(uint64_t *entry, bool create)
{
	uint64_t *table;

	if (*entry & PTE_VALID) {
		if (!(*entry & PTE_TABLE))
			return NULL; /* a block is in the way */
		return phys_to_virt(*entry & PTE_ADDR_MASK);
	}
	if (!create || !(table = pt_alloc_table()))
		return NULL;
	/* dsb ishst: the zeroed table must be visible to the table walker
	 * before the entry that points at it. */
	__asm__ volatile("dsb ishst" ::: "memory");
	*entry = virt_to_phys(table) | PTE_TABLE | PTE_VALID;
	return table;
}

uint64_t *pt_leaf(uint64_t *root, uint64_t va, bool create)
{
	uint64_t *table = root;

	for (int level = 0; level < 3 && table; level++)
		table = next_table(&table[PT_INDEX(va, level)], create);
	return table ? &table[PT_INDEX(va, 3)] : NULL;
}

int pt_map(uint64_t *root, uint64_t va, paddr_t pa, uint64_t size, uint64_t attrs, bool blocks)
{
	uint64_t end = va + size;

	while (va < end) {
		uint64_t *l1 = next_table(&root[PT_INDEX(va, 0)], true);
		uint64_t *l2 = l1 ? next_table(&l1[PT_INDEX(va, 1)], true) : NULL;
		uint64_t *l3;

		if (!l2)
			return l1 ? -EEXIST : -ENOMEM;
		if (blocks && IS_ALIGNED(va | pa, L2_BLOCK_SIZE) && end - va >= L2_BLOCK_SIZE) {
			l2[PT_INDEX(va, 2)] = pa | attrs; /* bit 1 clear: a block */
			va += L2_BLOCK_SIZE;
			pa += L2_BLOCK_SIZE;
			continue;
		}
		l3 = next_table(&l2[PT_INDEX(va, 2)], true);
		if (!l3)
			return -ENOMEM;
		l3[PT_INDEX(va, 3)] = pa | attrs | PTE_PAGE;
		va += PAGE_SIZE;
		pa += PAGE_SIZE;
	}
	return 0;
}

static void destroy_level(uint64_t *table, int level, void (*free_page)(paddr_t pa))
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = table[i];

		if (!(e & PTE_VALID))
			continue;
		if (level == 3)
			free_page(e & PTE_ADDR_MASK);
		else if (e & PTE_TABLE)
			destroy_level(phys_to_virt(e & PTE_ADDR_MASK), level + 1, free_page);
	}
	frame_free(virt_to_phys(table));
}

void pt_destroy(uint64_t *root, void (*free_page)(paddr_t pa))
{
	destroy_level(root, 0, free_page);
}

uint64_t pte_user_device_attrs(unsigned prot)
{
	/* Device-nGnRE, like the kernel's own device mappings: no gathering
	 * or reordering of register accesses; never executable. */
	uint64_t attrs = PTE_VALID | PTE_PAGE | PTE_ATTR(MT_DEVICE_nGnRE) | PTE_AF | PTE_NG |
			 PTE_AP_EL0 | PTE_PXN | PTE_UXN;

	if (!(prot & 2))
		attrs |= PTE_AP_RO;
	return attrs;
}

uint64_t pte_user_attrs(unsigned prot)
{
	uint64_t attrs = PTE_VALID | PTE_PAGE | PTE_ATTR(MT_NORMAL) | PTE_SH_INNER | PTE_AF |
			 PTE_NG | PTE_AP_EL0 | PTE_PXN;

	if (!(prot & 2))
		attrs |= PTE_AP_RO;
	if (!(prot & 1))
		attrs |= PTE_UXN;
	return attrs;
}
