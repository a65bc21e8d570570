/*
 * The per-CPU thread source: thread n + 1 is CPU n, with the registers the
 * CPU stopped with. Before tasks exist a CPU runs one thing for ever --
 * CPU 0 kmain (the monitor or the self tests), the others their idle loop.
 * With tasks (stage 3 on) the thread is named after the task the CPU was
 * running when it stopped; gdb_threads.h describes the task source that
 * will make switched-out tasks threads of their own.
 */
#include "arch/aarch64/memory_map.h"
#include "core/percpu.h"
#include "core/task.h"
#include "debug/gdb_allstop.h"
#include "debug/gdb_mem.h"
#include "debug/gdb_threads.h"
#include "lib/format.h"
#include "platform/platform.h"

static bool cpu_listed(unsigned cpu)
{
	if (cpu >= platform.ncpus || cpu >= MAX_CPUS)
		return false;
	/* Online, stopped for us, or halted by a crash with its registers
	 * left in the IPI's frame. */
	return __atomic_load_n(&percpu[cpu].online, __ATOMIC_ACQUIRE) ||
	       gdb_cpus[cpu].state != GDB_CPU_RUNNING || percpu[cpu].irq_frame;
}

static unsigned long cpu_next(unsigned long after)
{
	for (unsigned cpu = after; cpu < MAX_CPUS; cpu++)
		if (cpu_listed(cpu))
			return cpu + 1;
	return 0;
}

static const char *cpu_state_text(unsigned cpu)
{
	switch (gdb_cpus[cpu].state) {
	case GDB_CPU_OWNER:
		return "stopped";
	case GDB_CPU_PARKED:
		return "parked by the debugger";
	case GDB_CPU_CRASHED:
		return "crashed";
	case GDB_CPU_RUNNING:
		break;
	}
	if (!__atomic_load_n(&percpu[cpu].online, __ATOMIC_ACQUIRE))
		return "halted";
	if (gdb_cpus[cpu].did_not_stop)
		return "running: did not stop (interrupts masked?)";
	return "running";
}

/* The task's name and idle flag are read through gdb_mem_read: a
 * corrupted percpu[].current must give a wrong name, not a fault in the
 * stub that GDB is waiting on. (No '<' in names: they go into XML.) */
static void cpu_name(unsigned cpu, char *buf, size_t size)
{
	const struct task *task = CONFIG_TASKS ? percpu[cpu].current : NULL;
	char name[sizeof(task->name)];
	bool idle = true;

	if (task && gdb_mem_read((uint64_t)&task->is_idle, &idle, sizeof(idle)) < 0) {
		snformat(buf, size, "cpu%u bad task %llx", cpu, (unsigned long long)(uintptr_t)task);
		return;
	}
	if (task && !idle && gdb_mem_read((uint64_t)task->name, name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		snformat(buf, size, "cpu%u %s", cpu, name);
	} else if (task && !idle) {
		snformat(buf, size, "cpu%u bad task %llx", cpu, (unsigned long long)(uintptr_t)task);
	} else if (!CONFIG_TASKS && cpu == 0)
		snformat(buf, size, "cpu0 main");
	else
		snformat(buf, size, "cpu%u idle", cpu);
}

static bool cpu_get(unsigned long id, struct gdb_thread *t)
{
	unsigned cpu = (unsigned)id - 1;
	struct gdb_cpu *c;

	if (id == 0 || id > MAX_CPUS || !cpu_listed(cpu))
		return false;
	c = &gdb_cpus[cpu];
	t->id = id;
	t->cpu = (int)cpu;
	if (c->state != GDB_CPU_RUNNING) {
		t->frame = c->frame;
		t->fp = &c->fp;
		t->sys = c;
	} else {
		/* Halted after a crash: the frame its stop IPI saved. A CPU
		 * that is still running has no registers we could show. */
		t->frame = __atomic_load_n(&percpu[cpu].online, __ATOMIC_ACQUIRE)
				   ? NULL
				   : percpu[cpu].irq_frame;
		t->fp = NULL;
		t->sys = NULL;
	}
	cpu_name(cpu, t->name, sizeof(t->name));
	snformat(t->state, sizeof(t->state), "%s", cpu_state_text(cpu));
	return true;
}

static unsigned long cpu_on_cpu(unsigned cpu)
{
	return cpu + 1;
}

const struct gdb_thread_source gdb_cpu_thread_source = {
	.name = "cpus",
	.next = cpu_next,
	.get = cpu_get,
	.on_cpu = cpu_on_cpu,
};
