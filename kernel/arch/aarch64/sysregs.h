#pragma once

/*
 * System-register values the boot code programs, shared by assembly and C.
 * Bit positions are from the ARM Architecture Reference Manual (ARMv8-A).
 */

/* SCTLR_EL1: RES1 bits of ARMv8.0 (29,28,23,22,20,11), plus SA and SA0 so a
 * misaligned stack pointer faults at EL1 and EL0, and the I-cache on. M (MMU)
 * and C (D-cache) are switched on later by mmu_enable. */
#define SCTLR_RES1 ((1 << 29) | (1 << 28) | (1 << 23) | (1 << 22) | (1 << 20) | (1 << 11))
#define SCTLR_M (1 << 0)
#define SCTLR_A (1 << 1)
#define SCTLR_C (1 << 2)
#define SCTLR_SA (1 << 3)
#define SCTLR_SA0 (1 << 4)
#define SCTLR_I (1 << 12)
#define SCTLR_EL1_INIT (SCTLR_RES1 | SCTLR_SA | SCTLR_SA0 | SCTLR_I)

/* HCR_EL2.RW: EL1 runs in AArch64. */
#define HCR_EL2_RW (1 << 31)
/* CNTHCTL_EL2.EL1PCTEN|EL1PCEN: EL1 may read the physical counter/timer. */
#define CNTHCTL_EL2_EL1_ACCESS 3
/* CPTR_EL2 with TFP clear (and RES1 bits 13:12, 9:0): no FP/SIMD traps. */
#define CPTR_EL2_NO_TRAPS 0x33ff
/* CPACR_EL1.FPEN = 0b11: FP/SIMD usable at EL0 and EL1 (user programs need
 * it; the kernel itself is compiled without FP). */
#define CPACR_EL1_FPEN (3 << 20)
/* FPEN = 0b01: EL1 may, EL0 traps (class 0x07): lazy switching, fpsimd.h. */
#define CPACR_EL1_FPEN_EL1 (1 << 20)
/* SPSR for the eret from EL2: EL1h (SP_EL1), D, A, I, F all masked. */
#define SPSR_EL1H_MASKED 0x3c5

/* MAIR_EL1 attribute indices used in page-table entries. */
#define MT_DEVICE_nGnRnE 0 /* attr 0x00 */
#define MT_NORMAL 1        /* attr 0xff: write-back, read/write-allocate */
#define MT_DEVICE_nGnRE 2  /* attr 0x04 */
#define MT_NORMAL_NC 3     /* attr 0x44: non-cacheable */
#define MAIR_EL1_INIT 0x4404ff00

/*
 * TCR_EL1: 48-bit VAs in both halves (T0SZ = T1SZ = 16), 4 KiB granules
 * (TG0 = 0b00, TG1 = 0b10), table walks inner-shareable and write-back
 * cacheable. IPS (physical address size) is filled in from
 * ID_AA64MMFR0_EL1.PARange at run time.
 */
#define TCR_T0SZ (16 << 0)
#define TCR_IRGN0_WBWA (1 << 8)
#define TCR_ORGN0_WBWA (1 << 10)
#define TCR_SH0_INNER (3 << 12)
#define TCR_T1SZ (16 << 16)
#define TCR_IRGN1_WBWA (1 << 24)
#define TCR_ORGN1_WBWA (1 << 26)
#define TCR_SH1_INNER (3 << 28)
#define TCR_TG1_4K (2 << 30)
#define TCR_IPS_SHIFT 32
#define TCR_EL1_INIT (TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | \
		      TCR_T1SZ | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K)
