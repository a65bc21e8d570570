#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Frame-pointer unwinding. With -fno-omit-frame-pointer every function
 * stores a frame record {caller's x29, return address} and points x29 at
 * it, so the records form a linked list up the stack.
 */
#define BACKTRACE_MAX_DEPTH 32	/* lines printed */
#define BACKTRACE_WALK_MAX 1024 /* frames followed */

/* Fill pcs[] with return addresses starting from frame pointer fp; returns
 * how many. Stops at a null, misaligned, non-increasing or off-stack fp. */
size_t backtrace_collect(uint64_t fp, uint64_t *pcs, size_t max);

/* Print "  #n 0xaddr name+0xoff/0xsize" lines. If pc is nonzero it is
 * printed first as frame #0 (the faulting instruction of an exception). */
void backtrace_print(uint64_t fp, uint64_t pc);

/* Whether [addr, addr+len) lies on a kernel stack that unwinding may read. */
bool kernel_stack_contains(uint64_t addr, size_t len);
