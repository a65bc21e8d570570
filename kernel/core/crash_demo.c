#include "core/crash_demo.h"

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
	{ "panic", crash_panic, true, "" },
};

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
		k->fn();
		pr_err("crash=%s did not crash", kind);
		return;
	}
	pr_warn("crash=%s: unknown kind (null, write-ro, undef, panic); not crashing", kind);
}
