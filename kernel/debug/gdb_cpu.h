#pragma once

struct trap_frame;

/*
 * What a CPU does to itself as it stops for the debugger and as it runs
 * again: only the CPU itself can read or load its FP/SIMD registers,
 * system registers and debug registers.
 */
/* Record where this CPU stopped; save FP/SIMD and EL1 system registers;
 * end a single step. */
void gdb_cpu_arrive(unsigned cpu, struct trap_frame *f);
/* Load (possibly edited) FP/SIMD registers and the current hardware
 * breakpoints; unmask debug exceptions in the context it returns to; arm
 * a single step if the owner asked for one. */
void gdb_cpu_depart(unsigned cpu);
