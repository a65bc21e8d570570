#pragma once

#include <stdint.h>

/*
 * The FP/SIMD registers of a stopped CPU. The kernel is compiled with
 * -mgeneral-regs-only and never touches them, so their live values belong
 * to whatever last used them (user programs, later); the stub saves them
 * when a CPU stops and loads them back, possibly edited by GDB, when it
 * resumes.
 */
struct gdb_fpsimd {
	uint64_t v[32][2]; /* v0..v31, low doubleword first */
	uint32_t fpsr, fpcr;
};

void gdb_fpsimd_save(struct gdb_fpsimd *s);
void gdb_fpsimd_load(const struct gdb_fpsimd *s);
