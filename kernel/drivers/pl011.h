#pragma once

#include <stdint.h>

/*
 * ARM PL011 UART (PrimeCell UART TRM, DDI 0183). Transmit is polled: a
 * console write waits for FIFO space. Receive is polled until an interrupt
 * handler is attached with pl011_set_rx_handler.
 */
#define PL011_EARLY_RX 32

struct pl011 {
	volatile uint8_t *regs;
	unsigned irq;
	/* Bytes found in the receiver at init, which reprogramming the line
	 * control register would otherwise discard; handed out first. */
	uint8_t early_rx[PL011_EARLY_RX];
	unsigned early_rx_len, early_rx_pos;
	void (*rx_handler)(char c, void *arg);
	void *rx_arg;
};

void pl011_init(struct pl011 *uart, volatile void *regs, unsigned irq);
void pl011_putc(void *uart, char c);
int pl011_try_getc(void *uart);
/* Call fn for every received byte, from the UART's interrupt. */
int pl011_set_rx_handler(struct pl011 *uart, void (*fn)(char c, void *arg), void *arg,
			 const char *name);
/* Undo pl011_set_rx_handler: no receive interrupts, handler detached. */
void pl011_stop_rx(struct pl011 *uart);
