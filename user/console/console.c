/*
 * console: the user-space console server (docs/ipc-protocols.md).
 *
 * It drives UART0 through the capabilities init gives it, serves the
 * console protocol (include/loupe/console.h) on its endpoint, and prints
 * the kernel's log, which the kernel stops printing itself once this
 * server maps the UART. One thread, one loop: requests, interrupts and
 * "new log lines" all arrive through ipc_recv, the last two as signals of
 * the notification bound to this task.
 */
#include <errno.h>
#include <string.h>

#include "ipc.h"
#include "line.h"
#include "loupe.h"
#include "loupe/console.h"
#include "uart.h"

/* Slots, as init fills them (user/init/init.c). */
#define SLOT_UART_MMIO 1
#define SLOT_UART_IRQ 2
#define SLOT_ENDPOINT 3
#define SLOT_NOTIFY 4	    /* made here */
#define SLOT_READERS 8	    /* saved replies of waiting readers: 8..15 */
#define MAX_READERS 8

#define BIT_IRQ 1u
#define BIT_KLOG 2u

static uint64_t klog_cursor;

/* Readers waiting for a line, oldest first, each with its byte limit. */
static struct {
	int slot;
	size_t max;
} readers[MAX_READERS];
static unsigned n_readers;

static void say(const char *s)
{
	uart_write(s, strlen(s));
}

/* The kernel's new log lines, before anything that happened after them. */
static void flush_klog(void)
{
	char buf[1024];
	long n;

	while ((n = klog_read(buf, sizeof(buf), &klog_cursor)) > 0)
		uart_write(buf, (size_t)n);
}

static void service_uart(void)
{
	int c;

	while ((c = uart_getc()) >= 0)
		line_receive((char)c);
}

/* A line reply: w0 = count, the bytes from w1 on. */
static void fill_line_reply(struct ipc_msg *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->w[0] = line_take((char *)&m->w[1], max);
}

static void answer_readers(void)
{
	while (n_readers && line_ready()) {
		struct ipc_msg m;

		fill_line_reply(&m, readers[0].max);
		reply_send(readers[0].slot, &m); /* -EPIPE: the reader is gone */
		memmove(&readers[0], &readers[1], --n_readers * sizeof(readers[0]));
	}
}

static int free_reader_slot(void)
{
	for (int s = SLOT_READERS; s < SLOT_READERS + MAX_READERS; s++)
		if (cap_query(s) == -EBADF)
			return s;
	return -1;
}

static void error_reply(struct ipc_msg *m, long err)
{
	memset(m, 0, sizeof(*m));
	m->w[0] = (uint64_t)err;
}

/* What a request is called on this server's track in the trace. */
static const char *request_label(uint64_t tag)
{
	switch (LOUPE_TAG_LABEL(tag)) {
	case LOUPE_CONSOLE_WRITE:
		return "write";
	case LOUPE_CONSOLE_READ:
		return "read";
	case LOUPE_LABEL_NOTIFY:
		return "events";
	default:
		return "bad request";
	}
}

/* Handle one request in m and turn m into its reply; returns 0 when the
 * reply is deferred (saved for later). */
static int serve(struct ipc_msg *m)
{
	size_t n = m->w[0];
	int slot;

	switch (LOUPE_TAG_LABEL(m->tag)) {
	case LOUPE_CONSOLE_WRITE:
		if (n < 1 || n > LOUPE_CONSOLE_CHUNK) {
			error_reply(m, -EINVAL);
			return 1;
		}
		uart_write((const char *)&m->w[1], n);
		memset(m, 0, sizeof(*m));
		m->w[0] = n;
		return 1;
	case LOUPE_CONSOLE_READ:
		if (n < 1 || n > LOUPE_CONSOLE_CHUNK) {
			error_reply(m, -EINVAL);
			return 1;
		}
		if (!n_readers && line_ready()) {
			fill_line_reply(m, n);
			return 1;
		}
		slot = n_readers < MAX_READERS ? free_reader_slot() : -1;
		if (slot < 0 || reply_save(slot) < 0) {
			error_reply(m, -EBUSY);
			return 1;
		}
		readers[n_readers].slot = slot;
		readers[n_readers++].max = n;
		return 0;
	default:
		error_reply(m, -ENOSYS);
		return 1;
	}
}

int main(void)
{
	struct ipc_msg m;
	int have_reply = 0;
	char buf[256];
	long regs;

	regs = frame_map(SLOT_UART_MMIO, LOUPE_SELF, 0, LOUPE_PROT_READ | LOUPE_PROT_WRITE);
	if (loupe_is_error(regs))
		return 1; /* no UART: nothing to print a complaint on */
	uart_init((volatile uint32_t *)regs);
	/* Names for people reading a trace or lp-ipc; failing is harmless. */
	obj_name(SLOT_ENDPOINT, "console");
	if (notification_create(SLOT_NOTIFY) < 0 || obj_name(SLOT_NOTIFY, "console-events") < 0 ||
	    irq_bind(SLOT_UART_IRQ, SLOT_NOTIFY, BIT_IRQ) < 0 ||
	    klog_bind(SLOT_NOTIFY, BIT_KLOG) < 0 || notify_bind(SLOT_NOTIFY) < 0) {
		say("console: cannot bind the UART interrupt or the kernel log\n");
		return 1;
	}
	flush_klog();
	/* Typed ahead: first what the kernel console received, then what
	 * reached the UART while nobody listened. */
	for (long n; (n = klog_input(buf, sizeof(buf))) > 0;)
		for (long i = 0; i < n; i++)
			line_receive(buf[i]);
	service_uart();
	for (;;) {
		int err = have_reply ? ipc_reply_recv(SLOT_ENDPOINT, &m, LOUPE_TIMEOUT_NEVER)
				     : ipc_recv(SLOT_ENDPOINT, &m, LOUPE_TIMEOUT_NEVER);
		const char *label;

		have_reply = 0;
		if (err < 0)
			continue; /* e.g. the caller we answered was killed */
		/* The handling of each request is a slice on our trace track. */
		label = request_label(m.tag);
		loupe_trace_mark(LOUPE_MARK_BEGIN, label);
		if (LOUPE_TAG_LABEL(m.tag) == LOUPE_LABEL_NOTIFY) {
			if (m.w[0] & BIT_KLOG)
				flush_klog();
			if (m.w[0] & BIT_IRQ) {
				service_uart();
				irq_ack(SLOT_UART_IRQ);
			}
			answer_readers();
			loupe_trace_mark(LOUPE_MARK_END, label);
			continue;
		}
		flush_klog();
		have_reply = serve(&m);
		loupe_trace_mark(LOUPE_MARK_END, label);
	}
}
