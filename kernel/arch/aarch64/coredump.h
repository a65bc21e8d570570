#pragma once

/*
 * Crash dumps: an ELF core file of the stopped machine, written to the host
 * through semihosting, which gdb-multiarch opens next to build/kernel.elf
 * (docs/crash.md). Each CPU is an NT_PRSTATUS note in the Linux AArch64
 * layout; kernel memory in use is one PT_LOAD segment per range, at its
 * kernel virtual address.
 */

/* Where the dump goes (cmdline coredump=PATH; "off" disables it). Relative
 * paths are relative to QEMU's working directory. */
extern const char *coredump_path;

/* Write the dump; prints what it wrote or why it could not. */
void coredump_write(void);
