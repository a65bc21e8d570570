#pragma once

#include <stdint.h>

#include "arch/aarch64/sysregs.h"

/*
 * VMSAv8-64 translation-table descriptors, 4 KiB granule, 4 levels.
 * Each level resolves 9 bits of the virtual address: L0 bits 47:39,
 * L1 38:30, L2 29:21, L3 20:12. L1 and L2 entries may be blocks (1 GiB,
 * 2 MiB); L3 entries are pages.
 */
#define PT_ENTRIES 512
#define PT_INDEX(va, level) (((va) >> (39 - 9 * (level))) & 0x1ff)
#define L1_BLOCK_SIZE (1ul << 30)
#define L2_BLOCK_SIZE (1ul << 21)

#define PTE_VALID (1ul << 0)
#define PTE_TABLE (1ul << 1) /* at L0-L2: next-level table; at L3: a page */
#define PTE_PAGE (1ul << 1)
#define PTE_ATTR(idx) ((uint64_t)(idx) << 2) /* MAIR_EL1 index */
#define PTE_AP_EL0 (1ul << 6)		     /* EL0 may access too */
#define PTE_AP_RO (1ul << 7)		     /* read-only */
#define PTE_SH_INNER (3ul << 8)
#define PTE_AF (1ul << 10) /* access flag: set, or the first access faults */
#define PTE_NG (1ul << 11) /* not global: tagged with the ASID */
#define PTE_PXN (1ul << 53)
#define PTE_UXN (1ul << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000ul

/* Kernel mappings: never executable at EL0; W^X at EL1. */
#define PTE_KERNEL_BASE (PTE_VALID | PTE_ATTR(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define PTE_KERNEL_TEXT (PTE_KERNEL_BASE | PTE_AP_RO)
#define PTE_KERNEL_RO (PTE_KERNEL_BASE | PTE_AP_RO | PTE_PXN)
#define PTE_KERNEL_RW (PTE_KERNEL_BASE | PTE_PXN)
#define PTE_KERNEL_RWX PTE_KERNEL_BASE /* only the early boot mapping */
#define PTE_DEVICE (PTE_VALID | PTE_ATTR(MT_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN)
