#pragma once

#include <stddef.h>

/*
 * The target description GDB reads with qXfer:features:read:target.xml:
 * which registers exist, their names, sizes, types and numbers (the order
 * of gdb_regs.h). Three features: GDB's standard org.gnu.gdb.aarch64.core
 * and org.gnu.gdb.aarch64.fpu, and org.loupe.aarch64.sysregs with the EL1
 * system registers a kernel debugger wants to see.
 */
/* The document, built on first use; *len is its length. */
const char *gdb_target_xml(size_t *len);
