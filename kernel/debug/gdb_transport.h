#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The stub's byte stream: the second PL011 (UART1, serial1 in the device
 * tree), which QEMU connects to a TCP port. While the system runs, bytes
 * arrive by interrupt: a Ctrl-C (0x03) or the start of a packet ('$') stops
 * the kernel. While it is stopped, the stub polls with interrupts masked.
 */

/* Map and program UART1; false if the board has none. */
bool gdb_transport_init(void);
/* Take its receive interrupt; `attention(ctrl_c)` runs in the interrupt
 * when GDB wants the running kernel to stop. */
void gdb_transport_enable_irq(void (*attention)(bool ctrl_c));

/* Blocking read of one byte (polls). */
int gdb_getc(void);
/* A byte, or -1 if none is waiting. */
int gdb_try_getc(void);
void gdb_putc(char c);
void gdb_write(const char *s, size_t len);
