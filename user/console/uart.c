#include "uart.h"

/* Register offsets in 32-bit words. */
#define UART_DR (0x00 / 4)
#define UART_FR (0x18 / 4)
#define UART_IMSC (0x38 / 4)
#define UART_ICR (0x44 / 4)

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define IMSC_RXIM (1u << 4)
#define IMSC_RTIM (1u << 6) /* receive timeout: fewer bytes than the FIFO level */

static volatile uint32_t *uart;

void uart_init(volatile uint32_t *regs)
{
	uart = regs;
	/* The kernel set up the line (8N1, FIFOs, enabled) and stopped using
	 * it; all that is ours to do is to ask for receive interrupts. */
	uart[UART_ICR] = 0x7ff;
	uart[UART_IMSC] = IMSC_RXIM | IMSC_RTIM;
}

static void put(char c)
{
	while (uart[UART_FR] & FR_TXFF)
		;
	uart[UART_DR] = (uint8_t)c;
}

void uart_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}

int uart_getc(void)
{
	if (uart[UART_FR] & FR_RXFE)
		return -1;
	return (int)(uart[UART_DR] & 0xff);
}
