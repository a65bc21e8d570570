#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/layout.h"

/*
 * The kernel's address space (arch/aarch64/memory_map.h has the layout).
 * Without CONFIG_MMU these are identities: ioremap returns the physical
 * address and vm_init does nothing.
 */

/* Build the final kernel page tables (linear map of RAM, W^X image, guard
 * pages under the boot stacks) and switch to them. Needs the frame
 * allocator. */
void vm_init(void);

/* Map device registers at physical pa and return their kernel address, or
 * NULL if pa is outside the I/O window. */
void *ioremap(paddr_t pa, size_t size);

/* Translate a kernel virtual address with the MMU (AT S1E1R/W): the
 * physical address, or (paddr_t)-1 if the access would fault. */
paddr_t vm_translate(const void *va, bool write);

/* Map one page of RAM read/write into the kernel's upper half (task
 * stacks), or remove it again, returning the frame (0 if none). */
int vm_map_kernel_page(uint64_t va, paddr_t pa);
paddr_t vm_unmap_kernel_page(uint64_t va);
