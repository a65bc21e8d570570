#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Does the current task's standard I/O go to a console server? */
bool stdio_forwarded(void);
/* Bytes written / read, or -error (-EPIPE: the server is gone). */
long stdio_write(const char *buf, size_t len);
long stdio_read(char *buf, size_t len);
