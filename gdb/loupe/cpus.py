"""CPUs and the scheduler's queues: percpu[], the run queues, the sleepers,
and which GDB thread is which CPU.

Under QEMU's gdbstub and in a core file every CPU is a GDB thread whose LWP
number is the CPU index + 1 (docs/crash.md); when the target exposes
TPIDR_EL1 (QEMU does), the kernel's own per-CPU pointer in it decides.
Loupe's own stub numbers its CPU threads the same way, and adds a thread
for every task, numbered GDB_TASK_THREAD_BASE + the task id
(kernel/debug/gdb_threads.h): such a thread is on a CPU only while its task
runs there.
"""
import gdb

from loupe import common, constants
from loupe.common import LoupeError


def percpu():
    return common.kernel_symbol("percpu")


def cpu_indices():
    return range(common.array_length(percpu()))


def online_cpus():
    pc = percpu()
    return [i for i in cpu_indices() if bool(pc[i]["online"])]


def current_task(cpu):
    """The task CPU cpu runs (a struct task pointer, maybe NULL)."""
    return percpu()[cpu]["current"]


def running_cpu(task_addr):
    """The CPU whose current task is at task_addr, or None. A CPU stopped
    by a crash is no longer online but still holds its task."""
    pc = percpu()
    for i in cpu_indices():
        if int(pc[i]["current"]) == task_addr:
            return i
    return None


def _cpu_from_tpidr(thread):
    """The CPU index TPIDR_EL1 names in thread, or None if the target does
    not show that register or the CPU has not set it yet."""
    pc = percpu()
    base, size = int(pc[0].address), pc[0].type.sizeof
    try:
        with common.on_thread(thread):
            tpidr = int(gdb.newest_frame().read_register("TPIDR_EL1")) & (2**64 - 1)
    except (gdb.error, ValueError):
        return None
    index, rest = divmod(tpidr - base, size)
    return index if rest == 0 and index in cpu_indices() else None


def _thread_number(thread):
    """The target's number for a thread: the remote protocol's thread id,
    or a core file's LWP."""
    return thread.ptid[1] or thread.num


def task_of_thread(thread):
    """The task id behind one of Loupe's stub's task threads, or None for
    a thread that is a CPU (all threads of QEMU's gdbstub and of a core
    file are: their numbers stay below the base)."""
    number = _thread_number(thread)
    base = constants.get("GDB_TASK_THREAD_BASE")
    return number - base if number > base else None


def cpu_of_thread(thread):
    """The CPU whose registers thread shows, or None for a task thread
    whose task no CPU runs now."""
    tid = task_of_thread(thread)
    if tid is not None:
        pc = percpu()
        for i in cpu_indices():
            current = pc[i]["current"]
            if int(current) and int(current["tid"]) == tid:
                return i
        return None
    cpu = _cpu_from_tpidr(thread)
    if cpu is not None:
        return cpu
    return _thread_number(thread) - 1


def thread_of_cpu(cpu):
    """The GDB thread that shows CPU cpu's live registers, or None."""
    for thread in gdb.selected_inferior().threads():
        if cpu_of_thread(thread) == cpu:
            return thread
    return None


def selected_cpu():
    """The CPU of the thread the user selected."""
    thread = common.user_thread()
    if thread is None:
        raise LoupeError("no thread is selected: is GDB attached to Loupe or a core file?")
    cpu = cpu_of_thread(thread)
    if cpu is None:
        raise LoupeError("the selected thread is task %d, which no CPU runs now (name the "
                         "task instead: $lp_task(%d), lp-bt %d)"
                         % ((task_of_thread(thread),) * 3))
    return cpu


def run_queues():
    """(priority, [task pointers]) for each non-empty run queue, highest
    first: the order the scheduler picks them (kernel/core/sched.c)."""
    runq = common.kernel_symbol("runq")
    for prio in reversed(range(common.array_length(runq))):
        tasks = list(common.list_entries(runq[prio], "task", "sched_link", "runq[%d]" % prio))
        if tasks:
            yield prio, tasks


def sleepers():
    return common.list_entries(common.kernel_symbol("sleepers"), "task", "sched_link",
                               "sleepers")


def task_label(t):
    """"ID NAME" of a task pointer; a pointer into nowhere is shown as such,
    so one bad percpu[n].current does not hide the other CPUs."""
    if int(t) == 0:
        return "-"
    try:
        return "%d %s" % (int(t["tid"]), common.c_string(t["name"]))
    except gdb.MemoryError:
        return "unreadable task at 0x%x" % int(t)


class CpusCommand(common.Command):
    """Show each CPU and the scheduler's queues.

Usage: lp-cpus

For every CPU in percpu[]: whether it is online, the task it runs (its
idle task when it has nothing else), timer ticks, interrupts and
inter-processor interrupts taken, whether it is inside an interrupt
handler, and need_resched (it will call the scheduler before returning to
a task). Then the run queues by priority, highest first, in the order the
scheduler will pick their tasks, and the tasks sleeping until a deadline."""

    name = "lp-cpus"

    def run(self, argv, from_tty):
        pc = percpu()
        gdb.write("CPU  ONLINE  CURRENT                 TICKS      IRQS   IPIS  IN IRQ  "
                  "NEED_RESCHED\n")
        for i in cpu_indices():
            c = pc[i]
            if not bool(c["online"]) and not int(c["ticks"]) and not int(c["current"]):
                continue  # never started: not in the device tree, or not yet
            gdb.write("%3d  %-6s  %-20s %8d  %8d  %5d  %-6s  %s\n" % (
                i, "yes" if bool(c["online"]) else "no", task_label(c["current"]),
                int(c["ticks"]), int(c["irqs"]), int(c["ipis"]),
                "yes" if int(c["irq_depth"]) else "no",
                "yes" if bool(c["need_resched"]) else "no"))
        if not any(int(pc[i]["current"]) for i in cpu_indices()):
            gdb.write("\nThe scheduler has not started (no CPU has a current task): "
                      "no run queues.\n")
            return
        mask = int(common.kernel_symbol("runq_mask"))
        gdb.write("\nRun queues (runq_mask 0x%x):\n" % mask)
        empty = True
        for prio, tasks in run_queues():
            empty = False
            gdb.write("  priority %2d: %s\n" % (prio, ", ".join(task_label(t) for t in tasks)))
        if empty:
            gdb.write("  (all empty)\n")
        asleep = ["%s (until %.3f s)" % (task_label(t), int(t["wake_at_ns"]) / 1e9)
                  for t in sleepers()]
        gdb.write("Sleeping: %s\n" % (", ".join(asleep) if asleep else "none"))


def register():
    CpusCommand()


register()
