#include "core/printk.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "core/console.h"
#include "core/spinlock.h"
#include "lib/format.h"
#include "lib/string.h"

/*
 * The log ring. Each message is stored as one text line "<L>[ sec.usec] text\n"
 * where L is its level digit. log_head counts every byte ever written, so
 * log_buf[log_head % LOG_BUF_SIZE] is the next byte and, once the ring has
 * wrapped, the oldest bytes are overwritten. Both are plain globals so a
 * debugger or a core dump can read the log without running kernel code.
 */
#define LOG_BUF_SIZE (64 * 1024)
#define LOG_LINE_MAX 256

char log_buf[LOG_BUF_SIZE];
uint64_t log_head;
int console_loglevel = LOG_INFO;

static struct spinlock log_lock = SPINLOCK_INIT("log");
static bool printk_panic_mode;
static uint64_t boot_counter; /* counter value at the first timestamp */

void printk_enter_panic_mode(void)
{
	printk_panic_mode = true;
	console_enter_panic_mode();
}

uint64_t log_time_base(void)
{
	return boot_counter;
}

uint64_t boot_time_ns(void)
{
	uint64_t now = arch_counter(), freq = arch_counter_freq();
	uint64_t ticks;

	if (!boot_counter)
		boot_counter = now;
	ticks = now - boot_counter;
	/* Split to avoid overflowing 64 bits for long uptimes. */
	return ticks / freq * 1000000000ull + ticks % freq * 1000000000ull / freq;
}

static void ring_put(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		log_buf[(log_head + i) % LOG_BUF_SIZE] = s[i];
	/* Publish after the bytes, for a reader on another CPU or a debugger. */
	__atomic_store_n(&log_head, log_head + len, __ATOMIC_RELEASE);
}

static unsigned long log_lock_acquire(void)
{
	return printk_panic_mode ? arch_irq_save() : spin_lock_irqsave(&log_lock);
}

static void log_lock_release(unsigned long flags)
{
	if (printk_panic_mode)
		arch_irq_restore(flags);
	else
		spin_unlock_irqrestore(&log_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	uint64_t ns = boot_time_ns();
	unsigned long flags;
	va_list ap;
	int n;

	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	n = snformat(line, sizeof(line), "<%d>[%5llu.%06llu] ", level,
		     (unsigned long long)(ns / 1000000000),
		     (unsigned long long)(ns / 1000 % 1000000));
	va_start(ap, fmt);
	vsnformat(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);

	n = (int)strnlen(line, sizeof(line) - 2);
	if (n > 3 && line[n - 1] == '\n') /* one record per call */
		n--;
	line[n++] = '\n';

	flags = log_lock_acquire();
	ring_put(line, n);
	if (level <= console_loglevel)
		console_write(line + 3, n - 3);
	log_lock_release(flags);
}

void kprintf(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(buf, n);
}

/*
 * Walk the complete lines in the ring. The first line after a wrap may have
 * lost its beginning, so iteration starts after the first newline then.
 */
static void log_walk(uint64_t head, void (*fn)(int level, const char *line, size_t len, void *arg),
		     void *arg)
{
	uint64_t pos = head > LOG_BUF_SIZE ? head - LOG_BUF_SIZE : 0;
	char line[LOG_LINE_MAX];
	size_t len = 0;

	if (pos > 0) {
		while (pos < head && log_buf[pos % LOG_BUF_SIZE] != '\n')
			pos++;
		pos++;
	}
	for (; pos < head; pos++) {
		char c = log_buf[pos % LOG_BUF_SIZE];

		if (c != '\n') {
			if (len < sizeof(line))
				line[len++] = c;
			continue;
		}
		/* Strip the "<L>" level prefix. */
		if (len >= 3 && line[0] == '<' && line[2] == '>')
			fn(line[1] - '0', line + 3, len - 3, arg);
		else
			fn(LOG_INFO, line, len, arg);
		len = 0;
	}
}

void log_for_each_line(void (*fn)(int level, const char *line, size_t len, void *arg),
		       void *arg)
{
	log_walk(__atomic_load_n(&log_head, __ATOMIC_ACQUIRE), fn, arg);
}

uint64_t log_position(void)
{
	return __atomic_load_n(&log_head, __ATOMIC_ACQUIRE);
}

static void count_line(int level, const char *line, size_t len, void *arg)
{
	(void)level;
	(void)line;
	(void)len;
	(*(unsigned *)arg)++;
}

struct tail_state {
	unsigned skip;
};

static void print_tail_line(int level, const char *line, size_t len, void *arg)
{
	(void)level;
	struct tail_state *st = arg;

	if (st->skip) {
		st->skip--;
		return;
	}
	console_write(line, len);
	console_write("\n", 1);
}

void log_dump_tail_before(uint64_t position, unsigned lines)
{
	unsigned total = 0;
	struct tail_state st;

	log_walk(position, count_line, &total);
	st.skip = total > lines ? total - lines : 0;
	log_walk(position, print_tail_line, &st);
}

void log_dump_tail(unsigned lines)
{
	log_dump_tail_before(log_position(), lines);
}

static void replay_line(int level, const char *line, size_t len, void *arg)
{
	(void)arg;
	if (level <= console_loglevel) {
		console_write(line, len);
		console_write("\n", 1);
	}
}

void log_replay_to_console(void)
{
	log_for_each_line(replay_line, NULL);
}

/* Where the console server's part of the log begins, and how far it has
 * read (for the take-back). */
static uint64_t klog_start, klog_consumed;

void log_mark_handover(void)
{
	klog_start = klog_consumed = __atomic_load_n(&log_head, __ATOMIC_ACQUIRE);
}

size_t log_read_console(uint64_t *cursor, char *out, size_t max)
{
	unsigned long flags = log_lock_acquire();
	uint64_t head = log_head, pos = *cursor < klog_start ? klog_start : *cursor;
	size_t n = 0;

	if (pos > head)
		pos = head;
	if (head - pos > LOG_BUF_SIZE) { /* overwritten: from the oldest whole line */
		pos = head - LOG_BUF_SIZE;
		while (pos < head && log_buf[pos % LOG_BUF_SIZE] != '\n')
			pos++;
		pos++;
	}
	while (pos < head) {
		uint64_t end = pos, start = pos;
		int level = LOG_INFO;

		while (end < head && log_buf[end % LOG_BUF_SIZE] != '\n')
			end++;
		if (end == head)
			break;
		if (end - pos >= 3 && log_buf[pos % LOG_BUF_SIZE] == '<') {
			level = log_buf[(pos + 1) % LOG_BUF_SIZE] - '0';
			pos += 3;
		}
		if (level <= console_loglevel) {
			if (n + (end + 1 - pos) > max) {
				pos = start; /* whole lines only */
				break;
			}
			for (uint64_t i = pos; i <= end; i++)
				out[n++] = log_buf[i % LOG_BUF_SIZE];
		}
		pos = end + 1;
	}
	*cursor = pos;
	if (pos > klog_consumed)
		klog_consumed = pos;
	log_lock_release(flags);
	return n;
}

void log_replay_unread(void)
{
	char chunk[LOG_LINE_MAX];
	uint64_t cursor = klog_consumed;
	size_t n;

	while ((n = log_read_console(&cursor, chunk, sizeof(chunk))) > 0)
		console_write(chunk, n);
}
