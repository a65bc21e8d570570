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

#define TTBR_ASID_SHIFT 48

/* What TTBR0_EL1 holds for the address space with root table `root`
 * (a physical address) and `asid`: computed once per address space, so
 * a switch is one register write. */
static inline uint64_t addrspace_ttbr(paddr_t root, unsigned asid)
{
	return root | ((uint64_t)asid << TTBR_ASID_SHIFT);
}

/* Make the address space `ttbr` (addrspace_ttbr()) this CPU's user space.
 * Inline: every switch between two user tasks does it. */
static inline void addrspace_activate(uint64_t ttbr)
{
	__asm__ volatile("msr ttbr0_el1, %0\n\tisb" ::"r"(ttbr) : "memory");
}
/* No user address space on this CPU (kernel threads, idle). */
void addrspace_deactivate(void);
/* Drop the TLB entry of one user page on every CPU. */
void tlb_flush_user_page(unsigned asid, uint64_t va);
