#include "core/panic.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "arch/aarch64/backtrace.h"
#include "arch/aarch64/coredump.h"
#include "arch/aarch64/trap_frame.h"
#include "arch/aarch64/semihost.h"
#include "core/console.h"
#include "core/power.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "core/task.h"
#include "core/smp.h"
#include "debug/gdbstub.h"
#include "lib/format.h"
#include "lib/string.h"
#include "trace/trace.h"

#define CRASH_LOG_LINES 8
#define CRASH_TRACE_EVENTS 12

enum panic_action panic_action = PANIC_HALT;
volatile int kernel_failed;
char panic_message[256];

/* The CPU that is reporting a crash, or -1. Only the first crash is
 * reported; that CPU owns the console from then on. */
static int crash_cpu = -1;
/* Where the log stood when the crash began: the report ends with the lines
 * logged just before it. */
static uint64_t crash_log_mark;

struct trap_frame *crash_frame;
static struct trap_frame captured_frame;

/* Which CPU and which task: the first thing a reader needs to place the
 * report. */
void crash_print_context(void)
{
	struct percpu *cpu = this_cpu();
	struct task *t = cpu ? cpu->current : NULL;

	if (t)
		printk(LOG_EMERG, "  task %s (id %d) on CPU %u%s", t->name, t->tid, cpu->index,
		       t->is_idle ? ", its idle task" : "");
	else
		printk(LOG_EMERG, "  no task on CPU %u (boot or monitor context)", arch_cpu_index());
}

void crash_enter(const char *summary, struct trap_frame *frame)
{
	int me, expected = -1;

	arch_irq_disable();
	me = (int)arch_cpu_index();
	if (!__atomic_compare_exchange_n(&crash_cpu, &expected, me, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (expected == me) {
			/* Faulted while printing a report: say so, stop. */
			console_write("\n*** nested fault while reporting a crash; halting\n", 51);
			if (panic_action == PANIC_POWEROFF)
				power_off(PANIC_EXIT_STATUS);
			halt_forever();
		}
		halt_forever();
	}
	kernel_failed = 1;
	if (!frame) {
		arch_capture_frame(&captured_frame);
		frame = &captured_frame;
	}
	crash_frame = frame;
	crash_log_mark = log_position();
	strlcpy(panic_message, summary, sizeof(panic_message));
	printk_enter_panic_mode();
	smp_stop_other_cpus();
}

static void semihost_line(int level, const char *line, size_t len, void *arg)
{
	char buf[160];

	(void)level;
	(void)arg;
	if (len >= sizeof(buf) - 1)
		len = sizeof(buf) - 2;
	memcpy(buf, line, len);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	semihost_write0(buf);
}

void crash_finish(void)
{
	if (CONFIG_TRACE)
		trace_print_recent(arch_cpu_index(), CRASH_TRACE_EVENTS);
	kprintf("Last kernel log lines before the crash:\n");
	log_dump_tail_before(crash_log_mark, CRASH_LOG_LINES);
	coredump_write();
	/* A crash before the console exists (say, a device tree without a
	 * UART) would otherwise leave the report only in memory. */
	if (!console_ready() && semihosting_enabled)
		log_for_each_line(semihost_line, NULL);
	if (panic_action == PANIC_POWEROFF) {
		kprintf("Powering off (panic=poweroff).\n");
		power_off(PANIC_EXIT_STATUS);
	}
	kprintf("System halted. To inspect it, attach GDB to the stub on UART1:\n"
		"    make gdb GDBPORT=<port given to make run>\n");
	/* Stays in the stub for GDB (never returns if it can run). */
	gdbstub_enter_crash(crash_frame);
	halt_forever();
}

void panic(const char *fmt, ...)
{
	static struct trap_frame panic_frame; /* only the first panic uses it */
	char msg[sizeof(panic_message)];
	va_list ap;

	/* First, so the dump and the debugger see panic() called from the
	 * failing function, not the reporting code's own registers. */
	arch_capture_frame(&panic_frame);
	va_start(ap, fmt);
	vsnformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	crash_enter(msg, &panic_frame);
	printk(LOG_EMERG, "Kernel panic on CPU %u: %s", arch_cpu_index(), msg);
	crash_print_context();
	backtrace_print(arch_frame_address(), 0);
	crash_finish();
}
