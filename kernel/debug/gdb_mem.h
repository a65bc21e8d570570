#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Debugger access to kernel memory. Every page is checked with the MMU's
 * own translation (AT S1E1R/W, then PAR_EL1) before it is touched: unmapped
 * addresses fail, and so does anything that is not Normal memory, because
 * reading a device register can have side effects (a UART read pops its
 * FIFO). The copy itself goes through safe_copy, which turns an unexpected
 * fault into -EFAULT. With the MMU off, only RAM is accessible.
 *
 * Writes to read-only kernel text and rodata go through the linear map's
 * writable alias of the same physical page, followed by the cache
 * maintenance that makes new instructions visible to instruction fetch.
 */
int gdb_mem_read(uint64_t addr, void *buf, size_t len);
int gdb_mem_write(uint64_t addr, const void *buf, size_t len);

/* A writable alias of the 4-byte instruction at addr, or NULL. */
uint32_t *gdb_mem_text_alias(uint64_t addr);
/* Make a write through alias visible to instruction fetch at addr (on
 * every CPU: the maintenance is broadcast to the inner-shareable domain). */
void gdb_mem_sync_text(const void *alias, uint64_t addr, size_t len);
