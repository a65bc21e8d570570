#pragma once

/*
 * The C library's string and memory functions, for a kernel that has no C
 * library. They keep the standard names and semantics because GCC emits
 * calls to memcpy, memmove, memset and memcmp on its own (struct copies,
 * large initialisers) even when built with -ffreestanding.
 */
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Copy src into dst[size] as BSD strlcpy does: always NUL-terminates when
 * size > 0 and returns strlen(src), so truncation is `ret >= size`.
 */
size_t strlcpy(char *dst, const char *src, size_t size);
