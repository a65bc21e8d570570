#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * The kernel console: a byte stream to and from the UART that carries the
 * system console (UART0 on the virt board). The UART driver registers
 * itself; before that, output is only kept in the printk ring.
 */
struct console_driver {
	const char *name;
	void (*putc)(void *ctx, char c);
	int (*try_getc)(void *ctx); /* a received byte, or -1 if none */
	void *ctx;
};

void console_register(const struct console_driver *drv);
bool console_ready(void);

/* Write bytes, turning "\n" into "\r\n" for terminals. Takes the console
 * lock unless the kernel is panicking. */
void console_write(const char *s, size_t len);

/* Blocking read of one byte. Sleeps in WFI between interrupts once the
 * driver feeds console_rx_push() from its receive interrupt; polls before. */
int console_getc(void);

/* Receive-interrupt path: queue one byte for console_getc(). */
void console_rx_push(char c);
void console_rx_irq_enabled(bool on);

void console_enter_panic_mode(void);

/* Interrupt-driven input without blocking: a byte, or -1 if none. */
int console_try_getc(void);
bool console_has_input(void);
/* Called (from the receive interrupt) after bytes arrive; tasks blocked
 * in tty_read are woken through it. */
extern void (*console_rx_notify)(void);
