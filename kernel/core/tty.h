#pragma once

#include <stddef.h>

/*
 * The console as user programs see it through read(0): a terminal in
 * canonical mode. Input is collected a line at a time with echo, backspace
 * (erase one character) and Ctrl-U (erase the line); read() returns once
 * a line ends with Enter, or 0 for Ctrl-D on an empty line (end of file).
 */
void tty_init(void);
/* Read up to n bytes of the current line into the kernel buffer buf,
 * blocking the calling task: the count, 0 at end of file, -EINTR. */
long tty_read(char *buf, size_t n);
