"""Tasks: every struct task on all_tasks (kernel/core/task.h), lp-ps, and
the $lp_task / $lp_current convenience functions.

Other commands name a task the way lp-ps shows it: by id (1), by name
(init; the first one if several share it), or by any expression that is a
struct task pointer ($lp_current(), 0xffff0000...).
"""
import gdb

from loupe import common, cpus
from loupe.common import LoupeError


def all_tasks():
    """Every task, in creation order (idle tasks first), as struct task *."""
    return common.list_entries(common.kernel_symbol("all_tasks"), "task", "all_link",
                               "all_tasks")


def state_name(t):
    names = common.enum_names("enum loupe_task_state")
    state = int(t["state"])
    return names.get(state, "?%d" % state)


def find_task(spec):
    """The struct task * that spec names (an id, a name, or a pointer
    expression); LoupeError if none."""
    spec = spec.strip()
    try:
        tid = int(spec, 0)
    except ValueError:
        tid = None
    if tid is not None and tid < 2**32:
        for t in all_tasks():
            if int(t["tid"]) == tid:
                return t
        raise LoupeError("no task has id %d (lp-ps lists them)" % tid)
    for t in all_tasks():
        if common.c_string(t["name"]) == spec:
            return t
    try:
        value = gdb.parse_and_eval(spec)
    except gdb.error:
        raise LoupeError("no task is named '%s' (lp-ps lists them)" % spec)
    task_type = common.struct_type("task")
    if value.type.strip_typedefs() == task_type:
        return value.address  # a struct task, such as $lp_task(2)
    return value.cast(task_type.pointer())


def selected_task():
    """The task of the thread the user selected: a task thread's own task
    (Loupe's stub), else the task the selected thread's CPU runs."""
    thread = common.user_thread()
    tid = cpus.task_of_thread(thread) if thread is not None else None
    if tid is not None:
        return find_task(str(tid))
    return cpus.current_task(cpus.selected_cpu())


def task_from_value(value):
    """A task named by a convenience-function argument: a number or a
    string."""
    if value.type.strip_typedefs().code in (gdb.TYPE_CODE_ARRAY, gdb.TYPE_CODE_PTR) and \
            value.type.strip_typedefs().target().sizeof == 1:
        return find_task(value.string())
    return find_task(str(int(value)))


def waits_on(t):
    """What a task waits for, in words."""
    state = state_name(t)
    reason = common.c_string(t["wait_reason"], 64)
    if state == "sleeping":
        return "%s until %.3f s" % (reason or "sleep", int(t["wake_at_ns"]) / 1e9)
    if state == "zombie":
        return "exited (wait status 0x%x), not yet reaped" % (int(t["exit_status"]) & 0xffff)
    if state == "created":
        return "not started"
    return reason + ipc_endpoint_suffix(t, reason)


def ipc_endpoint_suffix(t, reason):
    """" epN" for a task blocked in IPC, naming the endpoint as init's ps
    and lp-ipc do; "" otherwise (and on kernels without those fields)."""
    if not reason.startswith("ipc "):
        return ""
    try:
        for field in ("recv_on", "call_on"):
            ep = t[field]
            if int(ep):
                return " ep%d" % int(ep["obj"]["id"])
    except (gdb.error, gdb.MemoryError):
        pass
    return ""


def parent_id(t):
    """The parent's id as text: 0 for none, ? if the pointer leads nowhere."""
    parent = t["parent"]
    try:
        return str(int(parent["tid"])) if int(parent) else "0"
    except gdb.MemoryError:
        return "?"


class PsCommand(common.Command):
    """List the kernel's tasks.

Usage: lp-ps

One line per task on all_tasks, the columns of init's `ps`: its id, name,
state (created, ready, running, sleeping, blocked, zombie), the CPU it runs
or last ran on, its priority, its parent's id, and what it waits on. A
task that a CPU is running right now is marked with '*'. The last column
is the address of its struct task, for `print *(struct task *)ADDR`."""

    name = "lp-ps"

    def run(self, argv, from_tty):
        running = {int(cpus.current_task(c)) for c in cpus.cpu_indices()}
        everyone = list(all_tasks())  # the whole walk first: no half table on an error
        gdb.write("  TID  NAME             STATE      CPU  PRIO  PARENT  WAITS ON"
                  "                      TASK\n")
        if not everyone:
            gdb.write("  (none: the scheduler has not started, or this stage has no tasks)\n")
        for t in everyone:
            cpu = int(t["cpu"])
            gdb.write("%5d  %-16s %-9s%s %3s  %4d  %6s  %-28s  0x%x\n" % (
                int(t["tid"]), common.c_string(t["name"]), state_name(t),
                "*" if int(t) in running else " ", "-" if cpu < 0 else str(cpu),
                int(t["priority"]), parent_id(t), waits_on(t), int(t)))


def fetched_task(t):
    """The struct task itself, read now: its fields then print even where
    GDB could not read kernel memory afterwards (a CPU stopped in user
    code under QEMU's gdbstub)."""
    if int(t) == 0:
        raise LoupeError("no task there (NULL)")
    value = t.dereference()
    value.fetch_lazy()
    return value


class TaskFunction(common.Function):
    """$lp_task(ID or "NAME"): a task's struct task.

Examples: print $lp_task(1)            the whole structure
          print $lp_task("init").name  (GDB also accepts ->)
          print &$lp_task(1)           its address"""

    name = "lp_task"

    def call(self, spec):
        return fetched_task(task_from_value(spec))


class CurrentFunction(common.Function):
    """$lp_current([CPU]): the struct task a CPU runs; without an argument,
the CPU of GDB's selected thread.

Examples: print $lp_current().name, print $lp_current(1).tid"""

    name = "lp_current"

    def call(self, cpu=None):
        index = cpus.selected_cpu() if cpu is None else int(cpu)
        if index not in cpus.cpu_indices():
            raise LoupeError("no CPU %d" % index)
        return fetched_task(cpus.current_task(index))


def register():
    PsCommand()
    TaskFunction()
    CurrentFunction()


register()
