#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/trap_frame.h"

/*
 * Exception fixups: instructions allowed to fault, each with the address
 * where execution continues instead (safe_copy.S adds its entries). Used
 * for debugger memory access and, later, copying from user pointers.
 */
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

/* If f->pc may fault, point it at its fixup and return true. */
bool extable_fixup(struct trap_frame *f);

/* Copy n bytes; 0, or -EFAULT if either side faulted. */
int safe_copy(void *dst, const void *src, size_t n);
