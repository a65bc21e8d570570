#pragma once

/*
 * The register state vectors.S saves on every exception, on the stack of the
 * CPU that took it. Offsets are written once here for the assembly, and
 * checked against the C struct by _Static_assert so the two cannot drift.
 */
#define TF_X0 0
#define TF_X29 (29 * 8)
#define TF_X30 (30 * 8)
#define TF_SP 248
#define TF_PC 256
#define TF_PSTATE 264
#define TF_ESR 272
#define TF_FAR 280
#define TF_FRAME_RECORD 288 /* {x29, pc}: links the backtrace through the trap */
#define TF_SIZE 304

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];		 /* x0..x30 at the time of the exception */
	uint64_t sp;		 /* the interrupted stack pointer */
	uint64_t pc;		 /* ELR_EL1: where to return */
	uint64_t pstate;	 /* SPSR_EL1: the interrupted PSTATE */
	uint64_t esr;		 /* ESR_EL1: why (synchronous exceptions) */
	uint64_t far;		 /* FAR_EL1: faulting address, if any */
	uint64_t frame_record[2]; /* a frame record so unwinders step over us */
};

_Static_assert(offsetof(struct trap_frame, x[29]) == TF_X29, "TF_X29");
_Static_assert(offsetof(struct trap_frame, sp) == TF_SP, "TF_SP");
_Static_assert(offsetof(struct trap_frame, pc) == TF_PC, "TF_PC");
_Static_assert(offsetof(struct trap_frame, pstate) == TF_PSTATE, "TF_PSTATE");
_Static_assert(offsetof(struct trap_frame, esr) == TF_ESR, "TF_ESR");
_Static_assert(offsetof(struct trap_frame, far) == TF_FAR, "TF_FAR");
_Static_assert(offsetof(struct trap_frame, frame_record) == TF_FRAME_RECORD, "TF_FRAME_RECORD");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");
_Static_assert(TF_SIZE % 16 == 0, "the stack pointer must stay 16-byte aligned");

/* Fill f with the caller's registers, pc = the return address (capture.S). */
void arch_capture_frame(struct trap_frame *f);
#endif
