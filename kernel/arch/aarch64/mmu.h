#pragma once

#include <stdint.h>

#include "arch/aarch64/pte.h"

struct ttbr_pair {
	uint64_t ttbr0, ttbr1;
};

/* boot.S: build the early tables (MMU off); returns the physical roots. */
struct ttbr_pair mmu_early_map(uint64_t load_pa, uint64_t dtb_pa);

/* The identity map built by mmu_early_map, kept for secondary CPUs. */
extern uint64_t early_idmap_l0[PT_ENTRIES];
/* The I/O window's level-1 table, shared by the early and final tables. */
extern uint64_t io_window_l1[PT_ENTRIES];
/* {TTBR0, TTBR1} a secondary CPU loads before enabling its MMU (boot.S
 * reads it with the MMU off). */
extern uint64_t mmu_boot_ttbr[2];
