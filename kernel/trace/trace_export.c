/*
 * The export: at power-off the kernel writes its rings to a host file
 * through semihosting (tracefile=PATH, relative to QEMU's working
 * directory), in the layout trace_format.h describes; trace/ converts it.
 */
#include "trace/trace.h"

#include "arch/arch.h"
#include "arch/aarch64/semihost.h"
#include "core/irq.h"
#include "core/power.h"
#include "core/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "platform/platform.h"
#include "trace/trace_priv.h"

_Static_assert(sizeof(struct trace_file_header) == TRACE_FILE_HEADER_SIZE, "header size");
_Static_assert(sizeof(struct trace_ring_state) == TRACE_RING_STATE_SIZE, "ring state size");

#define SEMIHOST_MODE_WB 5 /* "wb" in the semihosting open-mode table */

static int export_started;

static int64_t host_open(const char *path)
{
	uint64_t args[3] = { (uint64_t)path, SEMIHOST_MODE_WB, strlen(path) };

	return semihost_call(SEMIHOST_SYS_OPEN, (uint64_t)args);
}

static int host_write(int64_t fd, const void *buf, uint64_t len)
{
	uint64_t args[3] = { (uint64_t)fd, (uint64_t)buf, len };

	/* SYS_WRITE returns the number of bytes it did not write. */
	return semihost_call(SEMIHOST_SYS_WRITE, (uint64_t)args) == 0 ? 0 : -1;
}

/*
 * One ring: its slots as they lie in memory, then its state. The owner
 * may still be finishing a record it began before tracing was switched
 * off, so head is read before and after the copy (trace_ring.h).
 */
static int write_ring(int64_t fd, unsigned cpu)
{
	struct trace_ring *r = &trace_rings[cpu];
	struct trace_ring_state st = { .cpu = cpu, .mode = r->mode };
	uint64_t h1 = trace_ring_head(r), h2;

	if (host_write(fd, r->slots, (uint64_t)trace_ring_capacity(r) * TRACE_RECORD_SIZE) < 0)
		return -1;
	/* Acquire fence (dmb ishld): the slot reads above happen before the
	 * head read below. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	h2 = trace_ring_head(r);
	st.head = h1;
	st.first = trace_ring_valid_from(r, h1, h2);
	/* Lost: written since the last clear but not in the file, plus refused. */
	st.dropped = st.first - (r->first < st.first ? r->first : st.first) +
		     (READ_ONCE(r->refused) - r->refused_base);
	return host_write(fd, &st, sizeof(st));
}

/* Names the host needs that nobody registers: each CPU's own context and
 * every interrupt that has a handler. */
static void register_builtin_names(void)
{
	char name[20];

	for (unsigned i = 0; i < platform.ncpus && i < MAX_CPUS; i++) {
		snformat(name, sizeof(name), "cpu%u", i);
		trace_name_set(TRACE_NAME_TASK, TRACE_TID_CPU_BASE + i, TRACE_PID_KERNEL, name);
	}
	trace_name_set(TRACE_NAME_PROCESS, TRACE_PID_KERNEL, 0, "kernel");
	for (unsigned irq = 0; irq < IRQ_MAX; irq++)
		if (irq_table[irq].handler && irq_table[irq].name)
			trace_name_set(TRACE_NAME_IRQ, irq, 0, irq_table[irq].name);
}

static int write_file(int64_t fd, uint32_t enabled, uint64_t export_ts)
{
	uint32_t nnames = __atomic_load_n(&trace_names_used, __ATOMIC_ACQUIRE);
	struct trace_file_header h = {
		.magic = TRACE_FILE_MAGIC,
		.version = TRACE_FORMAT_VERSION,
		.header_size = sizeof(h),
		.record_size = TRACE_RECORD_SIZE,
		.name_size = TRACE_NAME_SIZE,
		.ring_state_size = sizeof(struct trace_ring_state),
		.ncpus = platform.ncpus < MAX_CPUS ? platform.ncpus : MAX_CPUS,
		.cntfrq = arch_counter_freq(),
		.capacity = trace_ring_capacity(&trace_rings[0]),
		.nnames = nnames,
		.enabled = enabled,
		.names_lost = trace_names_lost,
		.export_ts = export_ts,
	};

	if (host_write(fd, &h, sizeof(h)) < 0)
		return -1;
	for (unsigned cpu = 0; cpu < h.ncpus; cpu++)
		if (write_ring(fd, cpu) < 0)
			return -1;
	return host_write(fd, trace_names, (uint64_t)nnames * TRACE_NAME_SIZE);
}

void trace_export_at_power_off(void)
{
	uint32_t enabled = READ_ONCE(trace_enabled);
	unsigned long flags;
	uint64_t export_ts;
	int64_t fd;
	int err;

	if (!CONFIG_TRACE || !trace_file || !semihosting_enabled ||
	    __atomic_exchange_n(&export_started, 1, __ATOMIC_ACQ_REL))
		return;
	flags = arch_irq_save();
	if (enabled & TRACE_CAT_COUNTER)
		trace_sample_counters(true); /* so counter tracks run to the end */
	trace_mark_instant("power off");
	export_ts = arch_counter();
	WRITE_ONCE(trace_enabled, 0);
	register_builtin_names();

	fd = host_open(trace_file);
	if (fd < 0) {
		pr_err("trace: cannot create %s on the host", trace_file);
		arch_irq_restore(flags);
		return;
	}
	err = write_file(fd, enabled, export_ts);
	semihost_call(SEMIHOST_SYS_CLOSE, (uint64_t)&fd);
	if (err)
		pr_err("trace: writing %s failed", trace_file);
	else
		pr_info("trace: wrote %s", trace_file);
	arch_irq_restore(flags);
}
