#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/pte.h"
#include "mm/layout.h"

/*
 * Building and walking 4-level translation tables, for the kernel's tables
 * (mmu.c) and every user address space (uvm.c). Tables come from the frame
 * allocator and are reached through the linear map.
 */

/* A zeroed table, or NULL without memory. */
uint64_t *pt_alloc_table(void);

/* Map [va, va+size) to [pa, ...) with leaf attributes attrs, using 2 MiB
 * blocks where allowed and aligned. 0, -ENOMEM, or -EEXIST (a block in the
 * way). A failed call may leave part of the range mapped. */
int pt_map(uint64_t *root, uint64_t va, paddr_t pa, uint64_t size, uint64_t attrs, bool blocks);

/* The level-3 entry for va, or NULL if no table reaches it (create: make
 * the missing tables; NULL then means out of memory). */
uint64_t *pt_leaf(uint64_t *root, uint64_t va, bool create);

/* Free every table of a user root (entries below the kernel half), calling
 * free_page for each mapped page first; then the root itself. */
void pt_destroy(uint64_t *root, void (*free_page)(paddr_t pa));

/* Leaf attributes of user pages (EL0 accessible, not global, never
 * executable at EL1), by ELF-style protection bits R=4, W=2, X=1. */
uint64_t pte_user_attrs(unsigned prot);
/* The same for device registers mapped into user space. */
uint64_t pte_user_device_attrs(unsigned prot);
