#include "debug/gdb_transport.h"

#include <stdint.h>

#include "arch/arch.h"
#include "debug/gdb_allstop.h"
#include "drivers/pl011.h"
#include "mm/vm.h"
#include "platform/platform.h"

static struct pl011 debug_uart;
static void (*attention_fn)(bool ctrl_c);

/*
 * Bytes the interrupt handler took from the UART that belong to the stub's
 * next packet: the '$' that woke it, or bytes a CPU that had not stopped yet
 * drained. Single producer (the interrupt), single consumer (the CPU talking
 * to GDB); head and tail are each written by one side only.
 */
#define PUSHBACK_SIZE 64
static struct {
	char buf[PUSHBACK_SIZE];
	unsigned head; /* written by the producer (release) */
	unsigned tail; /* written by the consumer */
} pushback;

static void pushback_put(char c)
{
	unsigned head = pushback.head;

	if (head - __atomic_load_n(&pushback.tail, __ATOMIC_ACQUIRE) >= PUSHBACK_SIZE)
		return; /* full: GDB retransmits what we drop */
	pushback.buf[head % PUSHBACK_SIZE] = c;
	__atomic_store_n(&pushback.head, head + 1, __ATOMIC_RELEASE);
}

static int pushback_get(void)
{
	unsigned tail = pushback.tail;
	char c;

	if (tail == __atomic_load_n(&pushback.head, __ATOMIC_ACQUIRE))
		return -1;
	c = pushback.buf[tail % PUSHBACK_SIZE];
	__atomic_store_n(&pushback.tail, tail + 1, __ATOMIC_RELEASE);
	return (unsigned char)c;
}

bool gdb_transport_init(void)
{
	const struct mmio_device *u = &platform.debug_uart;
	void *regs;

	if (!u->present)
		return false;
	regs = ioremap(u->base, u->size);
	if (!regs)
		return false;
	pl011_init(&debug_uart, regs, u->irq);
	return true;
}

/* UART1's receive interrupt, one call per byte. */
static void debug_uart_rx(char c, void *arg)
{
	(void)arg;
	if (gdb_allstop_active()) {
		/* Stopped, but this CPU had not parked yet: keep the byte. */
		pushback_put(c);
		return;
	}
	/* '+' and '-' are acknowledgements of our last reply: ignore them. */
	if (c == 0x03) {
		attention_fn(true);
	} else if (c == '$') {
		pushback_put(c);
		attention_fn(false);
	}
}

void gdb_transport_enable_irq(void (*attention)(bool ctrl_c))
{
	attention_fn = attention;
	if (debug_uart.irq)
		pl011_set_rx_handler(&debug_uart, debug_uart_rx, NULL, "gdb-uart1");
}

int gdb_try_getc(void)
{
	int c = pushback_get();

	return c >= 0 ? c : pl011_try_getc(&debug_uart);
}

int gdb_getc(void)
{
	int c;

	while ((c = gdb_try_getc()) < 0)
		arch_cpu_relax();
	return c;
}

void gdb_putc(char c)
{
	pl011_putc(&debug_uart, c);
}

void gdb_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		pl011_putc(&debug_uart, s[i]);
}
