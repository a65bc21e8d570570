#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Hardware breakpoints (Z1) and watchpoints (Z2 write, Z3 read, Z4
 * access). The table is shared; every CPU loads it into its own debug
 * registers as it resumes (gdb_cpu_depart), so all CPUs match the same
 * addresses. As many slots as ID_AA64DFR0_EL1 reports.
 */
void gdb_hw_init(void);
/* type is the Z packet's: 1 breakpoint, 2 write, 3 read, 4 access.
 * -ENOSPC when the registers are used up, -EINVAL for a range the
 * watchpoint registers cannot express. */
int gdb_hw_insert(int type, uint64_t addr, uint64_t len);
int gdb_hw_remove(int type, uint64_t addr, uint64_t len);
void gdb_hw_remove_all(void);
/* Program this CPU's debug registers if the table changed since. */
void gdb_hw_load_this_cpu(void);
/* The watchpoint a data address (FAR) hit: its Z type and the address to
 * report. False if none matches. */
bool gdb_hw_find_watch(uint64_t far, int *type, uint64_t *addr);
