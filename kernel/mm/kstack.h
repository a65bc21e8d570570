#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Kernel stacks of tasks: 16 KiB each, in the upper half of a 32 KiB slot of
 * the kernel-stack area whose lower half stays unmapped, the same layout as
 * the boot stacks (arch/aarch64/memory_map.h), so overflows hit a guard and
 * the exception entry's overflow check works for every stack.
 */

/* Map a new stack; its lowest address, or 0 without memory or slots. */
uint64_t kstack_alloc(void);
/* Unmap and free the stack whose lowest address is base. */
void kstack_free(uint64_t base);
/* Whether [addr, addr+len) lies inside one allocated task stack. */
bool kstack_contains(uint64_t addr, uint64_t len);
