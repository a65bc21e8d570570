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
	/* Stop / restart interrupt-driven receive (the console handover). */
	void (*release_rx)(void *ctx);
	int (*claim_rx)(void *ctx);
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

/*
 * Handing the UART to a user-space console server (docs/ipc.md). When a
 * task maps the console UART's registers, the kernel stops writing to it
 * and releases its receive interrupt; printk keeps filling the log ring,
 * which the server prints (klog_read). When the last such mapping goes
 * (the server died), the kernel takes the UART back from its next tick on
 * CPU 0 and prints what the server did not. A panic always prints.
 */
void console_handover(const char *task_name, int tid);
void console_mapping_gone(void);
bool console_user_owned(void);
/* Take the UART back for output if no task maps it any more (not with the
 * log lock held: it replays the log). */
void console_reclaim_output(void);
/* CPU 0's tick: finish a take-back, re-arm receive, signal klog. */
void console_tick(void);
