/*
 * The stub's entry points: how the kernel gets into the debugger (a debug
 * exception, a byte from GDB, a crash, the boot-time wait) and how each
 * stop is run: stop all CPUs, take the breakpoints out, talk to GDB, put
 * them back, resume.
 */
#include "debug/gdbstub.h"

#include "arch/arch.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/trap_frame.h"
#include "core/percpu.h"
#include "core/printk.h"
#include "debug/gdb_allstop.h"
#include "debug/gdb_hwbreak.h"
#include "debug/gdb_session.h"
#include "debug/gdb_swbreak.h"
#include "debug/gdb_threads.h"
#include "debug/gdb_transport.h"
#include "platform/platform.h"

/* brk #0x4c44 ("LD"): the stub's own breakpoint in gdbstub_wait_for_gdb;
 * GDB's breakpoints are brk #0. */
#define GDB_BRK_IMM_WAIT 0x4c44
#define ESR_BRK_IMM(esr) ((esr) & 0xffff)

static bool stub_ready;

bool gdbstub_ready(void)
{
	return CONFIG_GDBSTUB && stub_ready;
}

/* One stop, on the CPU that trapped. */
static void stop_and_serve(struct trap_frame *f, struct gdb_stop ev)
{
	int step_cpu;

	if (!gdb_allstop_enter(f))
		return; /* another CPU had the stub; we were parked and released */
	ev.cpu = arch_cpu_index();
	gdb_swbreak_deactivate();
	gdb_session.stop = ev;
	step_cpu = gdb_session_run();
	gdb_swbreak_activate();
	if (step_cpu >= 0)
		gdb_cpus[step_cpu].stepping = true;
	gdb_allstop_resume(step_cpu);
}

/* A byte from GDB while the kernel runs (UART1 interrupt). */
static void attention(bool ctrl_c)
{
	struct gdb_stop ev = { .signal = ctrl_c ? GDB_SIGINT : GDB_SIGTRAP };

	stop_and_serve(this_cpu()->irq_frame, ev);
}

void gdbstub_init(void)
{
	if (!CONFIG_GDBSTUB)
		return;
	if (!gdb_transport_init()) {
		pr_warn("gdb: no second UART in the device tree; the GDB stub is off");
		return;
	}
	gdb_hw_init();
	gdb_threads_register(&gdb_cpu_thread_source);
	if (CONFIG_TASKS)
		gdb_threads_register(&gdb_task_thread_source);
	stub_ready = true;
	gdb_transport_enable_irq(attention);
	pr_info("gdb: stub listening on UART1 at 0x%llx (irq %u)",
		(unsigned long long)platform.debug_uart.base, platform.debug_uart.irq);
}

void gdbstub_wait_for_gdb(void)
{
	if (!gdbstub_ready())
		return;
	pr_notice("gdb: waiting for GDB on UART1 (make gdb GDBPORT=<port>)");
	__asm__ volatile("brk %0" ::"i"(GDB_BRK_IMM_WAIT));
}

/* Classify a BRK: the stub's wait, one of GDB's breakpoints, or neither. */
static bool brk_event(struct trap_frame *f, struct gdb_stop *ev)
{
	unsigned imm = ESR_BRK_IMM(f->esr);

	if (imm == GDB_BRK_IMM_WAIT) {
		f->pc += 4; /* continue after it */
		ev->signal = GDB_SIGTRAP;
		return true;
	}
	if (imm != 0 || !gdb_swbreak_known(f->pc))
		return false;
	ev->kind = GDB_STOP_SWBREAK;
	ev->signal = GDB_SIGTRAP;
	return true;
}

static void watch_event(struct trap_frame *f, struct gdb_stop *ev)
{
	static const enum gdb_stop_kind kinds[] = {
		[2] = GDB_STOP_WATCH, [3] = GDB_STOP_RWATCH, [4] = GDB_STOP_AWATCH,
	};
	int type;

	ev->signal = GDB_SIGTRAP;
	if (gdb_hw_find_watch(f->far, &type, &ev->data_addr))
		ev->kind = kinds[type];
}

bool gdbstub_debug_exception(struct trap_frame *f)
{
	struct gdb_stop ev = { .signal = GDB_SIGTRAP, .kind = GDB_STOP_SIGNAL };
	unsigned ec = esr_class(f->esr);

	if (!gdbstub_ready())
		return false;
	if (gdb_cpus[arch_cpu_index()].state != GDB_CPU_RUNNING) {
		/* Inside the stub: a breakpoint in code it shares with the
		 * kernel (say, a string function). Take them all out and
		 * carry on; they go back in at the next resume. */
		if (ec != EC_BRK64 || !gdb_swbreak_known(f->pc))
			return false;
		gdb_swbreak_deactivate();
		return true;
	}
	switch (ec) {
	case EC_BRK64:
		if (!brk_event(f, &ev))
			return false;
		break;
	case EC_BREAKPT_CURRENT:
	case EC_BREAKPT_LOWER:
		ev.kind = GDB_STOP_HWBREAK;
		break;
	case EC_WATCHPT_CURRENT:
	case EC_WATCHPT_LOWER:
		watch_event(f, &ev);
		break;
	case EC_SSTEP_CURRENT:
	case EC_SSTEP_LOWER:
		break;
	default:
		return false;
	}
	stop_and_serve(f, ev);
	return true;
}

bool gdbstub_holds_cpus(void)
{
	return gdbstub_ready() && gdb_allstop_active();
}

void gdbstub_ipi(struct trap_frame *f)
{
	if (gdbstub_ready())
		gdb_allstop_ipi(f);
}

void gdbstub_enter_crash(struct trap_frame *f)
{
	if (!gdbstub_ready() || !f || gdb_cpus[arch_cpu_index()].state != GDB_CPU_RUNNING)
		return; /* no stub, or the stub itself crashed */
	gdb_allstop_enter_crashed(f);
	gdb_swbreak_deactivate();
	gdb_session.post_mortem = true;
	gdb_session.stop = (struct gdb_stop){ .signal = gdb_crash_signal(f),
					      .cpu = arch_cpu_index() };
	gdb_session_run();
}
