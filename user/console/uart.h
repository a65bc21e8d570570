#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The PL011 UART driven from user space (PrimeCell UART TRM, DDI 0183):
 * the registers are mapped from an mmio capability, received bytes raise
 * the interrupt the server's irq capability delivers.
 */
void uart_init(volatile uint32_t *regs);
/* Write bytes, "\n" as "\r\n" for terminals; waits for FIFO space. */
void uart_write(const char *s, size_t len);
/* A received byte, or -1 if the receive FIFO is empty. */
int uart_getc(void);
