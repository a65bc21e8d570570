#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's own symbol table, so crash reports name functions without
 * any host tool. scripts/gen_symbols.py writes it from the linked kernel's
 * `nm` output; the Makefile links three times (empty table, table of the
 * right size, table with final addresses), as Linux does for kallsyms.
 */

/* Find the symbol containing addr (or the nearest one below it). Returns 0,
 * or -ENOENT if addr is below every symbol or outside the kernel image. */
int symbol_lookup(uint64_t addr, const char **name, uint64_t *offset, uint64_t *size);

/* Address of the symbol called name, or -ENOENT. */
int symbol_address(const char *name, uint64_t *addr);

/* "name+0xoff/0xsize", or "?" if unknown. */
void symbol_format(uint64_t addr, char *buf, size_t size);

/* Number of symbols in the table. */
size_t symbol_count(void);
