#pragma once

#include <stdint.h>

#include "mm/layout.h"

/*
 * User address spaces on the MMU: TTBR0_EL1 holds the running task's root
 * table and its ASID (address-space id), so TLB entries of different tasks
 * coexist and a switch needs no TLB flush. 8-bit ASIDs: 1..255 are handed
 * out, 0 means "no user space" (an empty table).
 */
#define ASID_MAX 255

/* A free ASID, or -ENOMEM when all are in use. */
int asid_alloc(void);
/* Give an ASID back, dropping its TLB entries on every CPU first. */
void asid_free(unsigned asid);

/* Make root (physical address)/asid this CPU's user address space. */
void addrspace_activate(paddr_t root, unsigned asid);
/* No user address space on this CPU (kernel threads, idle). */
void addrspace_deactivate(void);
/* Drop the TLB entry of one user page on every CPU. */
void tlb_flush_user_page(unsigned asid, uint64_t va);
