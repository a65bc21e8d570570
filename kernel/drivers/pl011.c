#include "drivers/pl011.h"

#include "arch/arch.h"
#include "core/irq.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_LCR_H 0x2c
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN_8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define IMSC_RXIM (1u << 4)
#define IMSC_RTIM (1u << 6) /* receive timeout: bytes sit in the FIFO */

void pl011_init(struct pl011 *uart, volatile void *regs, unsigned irq)
{
	uart->regs = regs;
	uart->irq = irq;
	uart->early_rx_len = uart->early_rx_pos = 0;
	while (!(mmio_read32(uart->regs + UART_FR) & FR_RXFE) &&
	       uart->early_rx_len < PL011_EARLY_RX)
		uart->early_rx[uart->early_rx_len++] = mmio_read32(uart->regs + UART_DR) & 0xff;
	/* The TRM's sequence: disable, let the current byte finish, then
	 * reprogram. The baud rate is left as the firmware set it, and so is
	 * the FIFO enable bit: changing it flushes the receive FIFO, which
	 * would lose input that arrives meanwhile (typed ahead, or piped). */
	mmio_write32(uart->regs + UART_CR, 0);
	while (mmio_read32(uart->regs + UART_FR) & FR_BUSY)
		arch_cpu_relax();
	mmio_write32(uart->regs + UART_LCR_H,
		     LCR_H_WLEN_8 | (mmio_read32(uart->regs + UART_LCR_H) & LCR_H_FEN));
	mmio_write32(uart->regs + UART_IMSC, 0);
	mmio_write32(uart->regs + UART_ICR, 0x7ff);
	mmio_write32(uart->regs + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_putc(void *ctx, char c)
{
	struct pl011 *uart = ctx;

	while (mmio_read32(uart->regs + UART_FR) & FR_TXFF)
		arch_cpu_relax();
	mmio_write32(uart->regs + UART_DR, (uint8_t)c);
}

int pl011_try_getc(void *ctx)
{
	struct pl011 *uart = ctx;

	if (uart->early_rx_pos < uart->early_rx_len)
		return uart->early_rx[uart->early_rx_pos++];
	if (mmio_read32(uart->regs + UART_FR) & FR_RXFE)
		return -1;
	return mmio_read32(uart->regs + UART_DR) & 0xff;
}

static void pl011_irq(unsigned irq, void *arg)
{
	struct pl011 *uart = arg;
	int c;

	(void)irq;
	/* Draining the FIFO below the trigger level clears RX and RT. */
	while ((c = pl011_try_getc(uart)) >= 0)
		uart->rx_handler((char)c, uart->rx_arg);
}

int pl011_set_rx_handler(struct pl011 *uart, void (*fn)(char c, void *arg), void *arg,
			 const char *name)
{
	int err;

	uart->rx_handler = fn;
	uart->rx_arg = arg;
	err = irq_register(uart->irq, pl011_irq, uart, name);
	if (err < 0)
		return err;
	mmio_write32(uart->regs + UART_IMSC, IMSC_RXIM | IMSC_RTIM);
	/* Bytes that arrived before now raised no interrupt we will see (init
	 * cleared their status): hand them over here, IRQs masked so the
	 * handler cannot run at the same time on this CPU. */
	unsigned long flags = arch_irq_save();
	pl011_irq(uart->irq, uart);
	arch_irq_restore(flags);
	return 0;
}

void pl011_stop_rx(struct pl011 *uart)
{
	mmio_write32(uart->regs + UART_IMSC, 0);
	irq_unregister(uart->irq);
}
