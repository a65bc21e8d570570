#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

/*
 * printk: the kernel log. Every message goes into an in-memory ring (read
 * with the monitor's `dmesg`, from GDB as `log_buf`, or from a core dump)
 * and, if its level is at most console_loglevel, to the console.
 * Levels follow syslog: lower is more severe.
 */
enum log_level {
	LOG_EMERG = 0,
	LOG_ALERT = 1,
	LOG_CRIT = 2,
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_NOTICE = 5,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

void printk(int level, const char *fmt, ...) __printf_like(2, 3);

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Print straight to the console, not the log: for interactive output such
 * as the monitor's replies. */
void kprintf(const char *fmt, ...) __printf_like(1, 2);

/* Messages with level <= this reach the console (cmdline loglevel=N). */
extern int console_loglevel;

/* Call fn for each complete line still in the ring, oldest first, with its
 * level; the line has no level prefix and no newline. */
void log_for_each_line(void (*fn)(int level, const char *line, size_t len, void *arg),
		       void *arg);

/* Print what was logged before the console existed (called once, when the
 * console driver registers). */
void log_replay_to_console(void);

/* Print the last `lines` lines of the log to the console. */
void log_dump_tail(unsigned lines);
/* The log's write position, and the last lines written before one. */
uint64_t log_position(void);
/* The counter value at the log's time 0 (its first timestamp). */
uint64_t log_time_base(void);
void log_dump_tail_before(uint64_t position, unsigned lines);

/* The console handover (core/console.h): lines from here on are the
 * console server's to print. */
void log_mark_handover(void);
/* Copy complete console-level lines (no level prefix) from byte position
 * *cursor into out, at most max bytes; *cursor moves past them. Lines from
 * before the handover are skipped; a cursor the ring has overwritten
 * restarts at the oldest line. Returns the bytes copied. */
size_t log_read_console(uint64_t *cursor, char *out, size_t max);
/* Print the lines the console server never read (the kernel took the
 * UART back). */
void log_replay_unread(void);

/* Stop taking the log lock: on panic, another CPU may hold it forever. */
void printk_enter_panic_mode(void);

/* Nanoseconds since boot from the generic timer, for log timestamps. */
uint64_t boot_time_ns(void);
