#include "core/crash_demo.h"

#include "arch/arch.h"

#include "core/panic.h"
#include "core/printk.h"
#include "lib/string.h"
#include "mm/kimage.h"

/* noinline + a volatile access keep each crash in a function of its own
 * name, which is what the report's backtrace should show first. */
static __attribute__((noinline)) void crash_null_read(void)
{
	volatile int *p = NULL;

	pr_info("crash: reading address 0");
	(void)*p;
}

static __attribute__((noinline)) void crash_write_rodata(void)
{
	volatile char *text = _stext;

	pr_info("crash: writing to kernel text at %p", (void *)text);
	*text = 0;
}

static __attribute__((noinline)) void crash_undefined(void)
{
	pr_info("crash: executing an undefined instruction");
	/* udf #0 is permanently undefined in A64. */
	__asm__ volatile("udf #0");
}

/* Each level's frame holds a buffer, so the 16 KiB stack lasts only some
 * dozens of calls; the result keeps the compiler from making it a loop. */
static volatile int recursion_limit = 1 << 30; /* volatile: hide the end */

static __attribute__((noinline)) int crash_recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth >= recursion_limit)
		return frame[0];
	return crash_recurse(depth + 1) + frame[0];
}

static __attribute__((noinline)) void crash_stack_overflow(void)
{
	pr_info("crash: recursing until the kernel stack overflows");
	crash_recurse(0);
}

static __attribute__((noinline)) void crash_hang(void)
{
	pr_info("crash: spinning forever with interrupts on");
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void crash_hang_irqs_masked(void)
{
	pr_info("crash: spinning forever with interrupts masked");
	arch_irq_disable();
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void crash_panic(void)
{
	panic("crash=panic requested on the command line");
}

struct crash_kind {
	const char *name;
	void (*fn)(void);
	bool available; /* the stage has what this crash needs to be caught */
	const char *needs;
};

static const struct crash_kind crash_kinds[] = {
	{ "null", crash_null_read, CONFIG_MMU, "the MMU (stage 2)" },
	{ "write-ro", crash_write_rodata, CONFIG_MMU, "the MMU (stage 2)" },
	{ "undef", crash_undefined, CONFIG_TRAPS, "exception vectors (stage 1)" },
	{ "stack", crash_stack_overflow, CONFIG_TRAPS, "exception vectors (stage 1)" },
	{ "hang", crash_hang, CONFIG_TRAPS, "the timer (stage 1)" },
	{ "hang-irqoff", crash_hang_irqs_masked, CONFIG_SMP, "a second CPU (stage 1, SMP>1)" },
	{ "panic", crash_panic, true, "" },
	{ "user", NULL, CONFIG_TASKS, "user tasks (stage 3)" },
};

/* crashat=console: the kind waiting, and ticks since the handover. */
static const char *deferred_kind;
static unsigned deferred_ticks;
#define DEFERRED_TICKS 100 /* one second at 100 Hz */

void crash_demo_at_console(const char *kind)
{
	static const char *const in_irq[] = { "null", "write-ro", "undef", "panic" };

	if (!CONFIG_IPC) {
		pr_warn("crashat=console needs the console server (stage 4); not crashing");
		return;
	}
	for (unsigned i = 0; i < sizeof(in_irq) / sizeof(in_irq[0]); i++) {
		if (strcmp(kind, in_irq[i]) == 0) {
			pr_info("crash: crash=%s once the console server drives UART0", kind);
			deferred_kind = kind;
			return;
		}
	}
	pr_warn("crashat=console takes crash=null, write-ro, undef or panic, not '%s'; "
		"not crashing", kind);
}

void crash_demo_tick(bool console_is_user)
{
	const char *kind = deferred_kind;

	if (!kind || !console_is_user || ++deferred_ticks < DEFERRED_TICKS)
		return;
	deferred_kind = NULL;
	pr_info("crash: inside CPU 0's timer interrupt, with the console server running");
	crash_demo(kind);
}

void crash_demo(const char *kind)
{
	for (unsigned i = 0; i < sizeof(crash_kinds) / sizeof(crash_kinds[0]); i++) {
		const struct crash_kind *k = &crash_kinds[i];

		if (strcmp(k->name, kind) != 0)
			continue;
		if (!k->available) {
			pr_warn("crash=%s needs %s; not crashing", kind, k->needs);
			return;
		}
		if (!k->fn) {
			/* init sees crash=user in its arguments and runs a
			 * program that faults; the kernel has nothing to do. */
			pr_info("crash: init will run a faulting user program");
			return;
		}
		k->fn();
		pr_err("crash=%s did not crash", kind);
		return;
	}
	pr_warn("crash=%s: unknown kind (null, write-ro, undef, stack, hang, hang-irqoff, panic, "
		"user); not crashing", kind);
}
