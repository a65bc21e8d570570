#pragma once

#include <stdint.h>

/*
 * ARM semihosting: the guest asks the host (QEMU with -semihosting) for a
 * service by executing `hlt #0xf000` with an operation number in w0 and a
 * parameter block address in x1. Loupe uses it to set QEMU's exit status
 * and, when there is no UART, to print a last message.
 */
#define SEMIHOST_SYS_OPEN 0x01
#define SEMIHOST_SYS_CLOSE 0x02
#define SEMIHOST_SYS_WRITE0 0x04
#define SEMIHOST_SYS_WRITE 0x05
#define SEMIHOST_SYS_EXIT 0x18

int64_t semihost_call(uint32_t op, uint64_t arg);
void semihost_write0(const char *s);
/* Ends QEMU with exit status `code` (if semihosting is on; returns if not). */
void semihost_exit(int code);
