#pragma once

/*
 * printf-style formatting without a C library. vformat streams characters
 * to a callback (printk feeds them straight to the UART, with no buffer to
 * overflow); snformat and vsnformat fill a buffer with C snprintf semantics.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags - 0 # space +, width and
 * precision (either may be *), length modifiers hh h l ll z t j. Differences
 * from C: %p always prints "0x" and 16 hex digits; %s with NULL prints
 * "(null)" (cut by the precision like any string); %n and floating point
 * are not supported; an unknown conversion is printed as written.
 */
#include <stdarg.h>
#include <stddef.h>

#include "lib/compiler.h"

typedef void (*format_emit_fn)(char c, void *arg);

/* Calls emit(c, arg) for every output character; returns how many, or -EOVERFLOW past INT_MAX. */
int vformat(format_emit_fn emit, void *arg, const char *fmt, va_list ap);

/*
 * Writes at most size - 1 characters and a NUL to buf (nothing when size is
 * 0, and buf may then be NULL). Returns the length the full output would
 * have had, so truncation is `ret >= size`.
 */
int vsnformat(char *buf, size_t size, const char *fmt, va_list ap);
int snformat(char *buf, size_t size, const char *fmt, ...) __printf_like(3, 4);
