/*
 * kmain: the boot CPU's path from boot.S to the monitor (or the self tests).
 * Each step is switched on by the stage's CONFIG_* flags; labs/ explains
 * what each stage adds and what to watch.
 */
#include "arch/arch.h"
#include "arch/aarch64/pmu.h"
#include "arch/aarch64/trap.h"
#include "core/cmdline_opts.h"
#include "core/console.h"
#include "core/crash_demo.h"
#include "core/irq.h"
#include "core/monitor.h"
#include "core/panic.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "core/sched.h"
#include "core/task.h"
#include "core/tty.h"
#include "lib/cmdline.h"
#include "lib/string.h"
#include "core/selftest.h"
#include "core/smp.h"
#include "core/symbols.h"
#include "core/timer.h"
#include "debug/gdbstub.h"
#include "drivers/gicv2.h"
#include "drivers/pl011.h"
#include "mm/frame.h"
#include "ipc/ipc.h"
#include "mm/heap.h"
#include "mm/kimage.h"
#include "mm/vm.h"
#include "platform/platform.h"

paddr_t kimage_phys_base;

static struct pl011 console_uart;

static void console_rx_byte(char c, void *arg)
{
	(void)arg;
	console_rx_push(c);
}

static void console_release_rx(void *ctx)
{
	pl011_stop_rx(ctx);
	console_rx_irq_enabled(false);
}

static int console_claim_rx(void *ctx)
{
	int err = pl011_set_rx_handler(ctx, console_rx_byte, NULL, "uart0");

	if (!err)
		console_rx_irq_enabled(true);
	return err;
}

static const struct console_driver console_pl011 = {
	.name = "pl011",
	.putc = pl011_putc,
	.try_getc = pl011_try_getc,
	.release_rx = console_release_rx,
	.claim_rx = console_claim_rx,
	.ctx = &console_uart,
};

static void console_setup(void)
{
	const struct mmio_device *u = &platform.console_uart;
	void *regs = ioremap(u->base, u->size);

	if (!regs)
		panic("console: cannot map UART0 at 0x%llx", (unsigned long long)u->base);
	pl011_init(&console_uart, regs, u->irq);
	console_register(&console_pl011);
	log_replay_to_console();
}

static void memory_setup(paddr_t dtb_pa)
{
	for (unsigned i = 0; i < platform.nmem; i++) {
		const struct mem_region *r = &platform.mem[i];

		if (frame_add_region(r->base, r->base + r->size) < 0)
			pr_warn("mm: cannot use RAM at 0x%llx", (unsigned long long)r->base);
	}
	/* Everything the boot loader left that we still need. */
	frame_reserve(kimage_phys_base, kimage_to_phys(_end));
	frame_reserve(dtb_pa, dtb_pa + fdt_total_size(&platform.fdt));
	if (platform.initrd_end)
		frame_reserve(platform.initrd_start, platform.initrd_end);
	for (int i = 0;; i++) {
		uint64_t base, size;

		if (fdt_mem_rsv(&platform.fdt, i, &base, &size) < 0)
			break;
		frame_reserve(base, base + size);
	}
	pr_info("mm: %zu of %zu frames free (%zu MiB)", frame_free_count(), frame_total_count(),
		frame_free_count() >> (20 - PAGE_SHIFT));
}

static void interrupts_setup(void)
{
	void *gicd = ioremap(platform.gicd_base, platform.gicd_size);
	void *gicc = ioremap(platform.gicc_base, platform.gicc_size);

	if (!gicd || !gicc)
		panic("gic: cannot map the GIC registers");
	gic_init(gicd, gicc);
	gic_init_cpu();
	pr_info("gic: GICv2 with %u interrupt lines", gic_num_irqs());
	timer_init(platform.timer_irq);
	console_claim_rx(&console_uart);
	arch_irq_enable();
}

/*
 * The first user task. Its arguments are "init" and the kernel command-line
 * words, so init knows about selftest and crash=user.
 */
static void start_init(void)
{
	static char words[256];
	static char *argv[24];
	char *envp[] = { "PATH=/bin", "HOME=/" };
	const char *cursor = platform.bootargs;
	struct cmdline_word w;
	struct task *init;
	size_t used = 0;
	int argc = 0, err;

	argv[argc++] = "init";
	while (cmdline_next(&cursor, &w) && argc < (int)ARRAY_SIZE(argv)) {
		size_t len = w.key_len + (w.value ? w.value_len + 1 : 0);

		if (used + len + 1 > sizeof(words))
			break;
		memcpy(words + used, w.key, len);
		words[used + len] = '\0';
		argv[argc++] = words + used;
		used += len + 1;
	}
	init = task_spawn("init", argc, argv, (int)ARRAY_SIZE(envp), envp, NULL, &err);
	if (!init)
		panic("cannot start init from the initrd: error %d%s", err,
		      platform.initrd_end ? "" : " (no initrd: QEMU needs -initrd)");
	if (CONFIG_IPC)
		ipc_give_boot_caps(init);
	pr_info("init: started as task %d", init->tid);
	sched_make_ready(init);
}

void kmain(paddr_t dtb_pa, paddr_t load_pa, unsigned entry_el)
{
	kimage_phys_base = load_pa;
	percpu_init_this_cpu(0);
	if (CONFIG_TRAPS)
		trap_init_cpu();

	pr_info("Loupe: a debugger-first teaching microkernel (stage %d, %s)", CONFIG_STAGE,
		CONFIG_STAGE_NAME);
	pr_info("boot: entered at EL%u, running at EL1; loaded at 0x%llx, device tree at 0x%llx, "
		"%zu kernel symbols", entry_el, (unsigned long long)load_pa,
		(unsigned long long)dtb_pa, symbol_count());
	platform_probe_chosen(dtb_pa);
	cmdline_apply(platform.bootargs);
	platform_probe();
	console_setup();
	psci_init(platform.psci);
	percpu[0].online = true;

	if (CONFIG_ALLOC)
		memory_setup(dtb_pa);
	if (CONFIG_MMU)
		vm_init();
	if (CONFIG_TASKS) {
		sched_init_cpu();
		tty_init();
		pmu_init_cpu(); /* user benchmarks count instructions (docs/bench.md) */
	}
	if (CONFIG_TRAPS) {
		interrupts_setup();
		smp_boot_secondaries();
		gdbstub_init();
		if (boot_options.gdb_wait)
			gdbstub_wait_for_gdb();
	} else if (platform.ncpus > 1) {
		pr_info("smp: stage %d runs on CPU 0 only (%u in the device tree)", CONFIG_STAGE,
			platform.ncpus);
	}

	if (boot_options.crash && boot_options.crash_at_console)
		crash_demo_at_console(boot_options.crash);
	else if (boot_options.crash)
		crash_demo(boot_options.crash);
	if (boot_options.selftest)
		selftest_run_all();
	if (CONFIG_TASKS) {
		start_init();
		sched_idle_loop();
	}
	monitor_run();
}
