#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Software breakpoints (Z0): the instruction is replaced by BRK #0 while
 * the kernel runs and put back whenever it is stopped, so the stub itself
 * never meets one of GDB's breakpoints and memory reads show the real code
 * (GDB expects that: it removes and inserts breakpoints around each stop
 * anyway). Kernel text is read-only: the write goes through the linear
 * map's alias (gdb_mem_text_alias).
 */
#define GDB_BRK_INSN 0xd4200000u /* brk #0, as GDB's aarch64 target writes */

/* Record a breakpoint; -EFAULT if the address is not code we can patch,
 * -EPERM inside the exception entry and the stub (it would recurse),
 * -ENOSPC when the table is full. */
int gdb_swbreak_insert(uint64_t addr);
int gdb_swbreak_remove(uint64_t addr);
void gdb_swbreak_remove_all(void);
/* Write the BRKs (on resume) / restore the instructions (on stop). */
void gdb_swbreak_activate(void);
void gdb_swbreak_deactivate(void);
/* Whether addr holds (or held, until the stop) one of our breakpoints. */
bool gdb_swbreak_known(uint64_t addr);
