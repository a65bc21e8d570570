#pragma once

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * Decoding ESR_EL1, the Exception Syndrome Register: EC (bits 31:26) says
 * which kind of exception, ISS (bits 24:0) the details. Pure functions, so
 * the host unit tests check them too.
 */
#define ESR_EC_SHIFT 26
#define ESR_ISS_MASK 0x1ffffffu

#define EC_UNKNOWN 0x00
#define EC_FP_ACCESS 0x07 /* FP/SIMD trapped by CPACR_EL1.FPEN */
#define EC_SVC64 0x15
#define EC_IABT_LOWER 0x20
#define EC_IABT_CURRENT 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOWER 0x24
#define EC_DABT_CURRENT 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BREAKPT_LOWER 0x30
#define EC_BREAKPT_CURRENT 0x31
#define EC_SSTEP_LOWER 0x32
#define EC_SSTEP_CURRENT 0x33
#define EC_WATCHPT_LOWER 0x34
#define EC_WATCHPT_CURRENT 0x35
#define EC_BRK64 0x3c

/* Data-abort ISS bits. */
#define ESR_DABT_WNR (1u << 6) /* the access was a write */
#define ESR_DABT_CM (1u << 8)  /* a cache-maintenance instruction faulted */

#ifndef __ASSEMBLY__
static inline unsigned esr_class(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
}

static inline bool esr_is_abort(uint64_t esr)
{
	unsigned ec = esr_class(esr);

	return ec == EC_IABT_LOWER || ec == EC_IABT_CURRENT ||
	       ec == EC_DABT_LOWER || ec == EC_DABT_CURRENT;
}

/* "Data Abort (current EL)", ... ; never NULL. */
const char *esr_class_name(unsigned ec);

/* The fault-status code of an abort as text, for example
 * "translation fault, level 3". Writes at most size bytes to buf. */
void esr_fault_status(uint64_t esr, char *buf, size_t size);

/* One line describing any ESR, as crash reports print it, for example
 * "Data Abort (current EL): translation fault, level 3, write". */
void esr_describe(uint64_t esr, char *buf, size_t size);
#endif
