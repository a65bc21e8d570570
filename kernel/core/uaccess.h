#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Copying between the kernel and the current task's user memory. Every
 * user pointer is checked to lie below USER_TOP, and the copy itself runs
 * with a fault fixup: a page the program never mapped gives -EFAULT, never
 * a kernel crash. Pages of the program's regions not touched yet are
 * mapped on the way (trap.c sends such faults to uvm_fault first).
 */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max bytes (NUL included):
 * its length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uint64_t usrc, size_t max);
