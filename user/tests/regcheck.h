#pragma once

/*
 * Does the kernel give a task back its registers? regcheck_syscall() loads
 * a pattern derived from `seed` into all 32 FP/SIMD registers, FPCR and
 * x12-x15, makes system call nr(a0, a1) (sched_yield or nanosleep, so the
 * task may be switched out and resumed on another CPU), and compares.
 * Returns how many registers came back changed (0 is right); the result of
 * the call goes to *ret.
 */
#include <stdint.h>

int regcheck_syscall(uint64_t seed, long nr, long a0, long a1, long *ret);
