#pragma once

#include <stdint.h>

/*
 * Unpredictable-enough numbers for user space (getrandom, AT_RANDOM): a
 * xorshift generator seeded from the counter on first use. Not
 * cryptographic; a teaching kernel has no entropy source yet.
 */
uint64_t random_u64(void);
