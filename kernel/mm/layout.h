#pragma once

#include <stdint.h>

/*
 * Physical addresses are a separate type from pointers: a paddr_t can only
 * be dereferenced after phys_to_virt().
 */
typedef uint64_t paddr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)

/*
 * Difference between a RAM address's kernel virtual address and its physical
 * address. It is 0 while the MMU is off (stages without paging), and the base
 * of the linear map once paging is on; mm/vm.c sets it before any allocator
 * runs.
 */
extern uintptr_t mm_linear_offset;

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + mm_linear_offset);
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)((uintptr_t)va - mm_linear_offset);
}
