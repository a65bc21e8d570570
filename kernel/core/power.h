#pragma once

#include <stdbool.h>

#include "lib/compiler.h"

/* Whether QEMU was started with semihosting (cmdline: nosemihosting). */
extern bool semihosting_enabled;

/* Switch the machine off. With semihosting QEMU exits with `status`;
 * through PSCI SYSTEM_OFF the status is lost (QEMU exits 0). */
__noreturn void power_off(int status);
__noreturn void power_reset(void);
/* Stop this CPU for good, interrupts masked (from boot.S). */
__noreturn void halt_forever(void);
