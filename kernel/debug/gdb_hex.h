#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Hex text as the remote protocol writes numbers and memory. Parsers take a
 * cursor (*p) and advance it; they fail (false) rather than guess on any
 * malformed input, so a bad packet gets an error reply, never a crash.
 */
int gdb_hex_digit(char c); /* 0..15, or -1 */
extern const char gdb_hex_chars[16];

/* A big-endian hex number of 1..16 digits ("address,length"). */
bool gdb_parse_hex(const char **p, const char *end, uint64_t *out);
/* Consume the character c, or fail. */
bool gdb_parse_char(const char **p, const char *end, char c);

/* Bytes as hex pairs (2n characters, no NUL); returns the end of out. */
char *gdb_bytes_to_hex(char *out, const void *bytes, size_t n);
/* 2n hex characters into n bytes; false on a non-hex character. */
bool gdb_hex_to_bytes(void *bytes, const char *hex, size_t n);
/* Append a number in hex, minimal digits; returns the end of out. */
char *gdb_u64_to_hex(char *out, uint64_t v);
