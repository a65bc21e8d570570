#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Canonical input, as a terminal's line discipline does it: bytes are
 * echoed and edited (erase, kill line) until Enter; then the line can be
 * read. Bytes are edited and echoed only when a reader asks for a line,
 * as Loupe's kernel console did: typed-ahead input then shows up after the
 * prompt of the program that reads it, not mixed into earlier output.
 */
void line_receive(char c);   /* a raw byte from the UART */
/* Edit queued bytes until a line is finished; is one (or end of input)
 * waiting? Only call it for a reader. */
bool line_ready(void);
/* Up to max bytes of the finished line (0: end of input, Ctrl-D). */
size_t line_take(char *out, size_t max);
