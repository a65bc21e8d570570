"""The last crash, read from memory: lp-crash.

The kernel records its failure in named globals so a debugger needs no
running code (kernel/core/panic.c): kernel_failed, panic_message, the CPU
that reported it (crash_cpu), its registers (crash_frame, a struct
trap_frame) and where the log stood (crash_log_mark). The same report
comes out of a live, halted kernel and out of a core file.
"""
import gdb

from loupe import backtrace, common, cpus, log
from loupe.common import LoupeError

TAIL_LINES = 10


def crash_state():
    """None if the kernel has not failed, else a dict of what it left."""
    if not int(common.kernel_symbol("kernel_failed")):
        return None
    frame = common.kernel_symbol("crash_frame")
    if int(frame):
        # Read it whole now: a pointer into nowhere is then one message
        # naming crash_frame, not a failure halfway through the registers.
        common.read_bytes(int(frame), frame.type.target().sizeof, "crash_frame")
    cpu = backtrace.crashed_cpu()
    if cpu is not None and cpu not in cpus.cpu_indices():
        raise LoupeError("crash_cpu is %d, but percpu[] has %d CPUs: the failure record "
                         "is corrupt" % (cpu, len(cpus.cpu_indices())))
    return {
        "message": common.c_string(common.kernel_symbol("panic_message")),
        "cpu": cpu,
        "frame": frame.dereference() if int(frame) else None,
        "log_mark": int(common.kernel_symbol("crash_log_mark"))
        if common.has_symbol("crash_log_mark") else None,
    }


def format_registers(frame):
    """The trap frame's registers, four to a line, then the special ones."""
    x = frame["x"]
    lines = []
    for first in range(0, common.array_length(x), 4):
        regs = ["x%-2d 0x%016x" % (i, int(x[i]) & (2**64 - 1))
                for i in range(first, min(first + 4, common.array_length(x)))]
        lines.append("  " + "  ".join(regs))
    esr = int(frame["esr"])
    lines.append("  sp  0x%016x  pstate 0x%08x  esr 0x%08x (class 0x%02x)  far 0x%016x"
                 % (int(frame["sp"]), int(frame["pstate"]), esr, esr >> 26, int(frame["far"])))
    return lines


class CrashCommand(common.Command):
    """Show the last crash: message, CPU, registers, backtrace, log tail.

Usage: lp-crash [-n LINES]

Reads the kernel's failure record from memory: kernel_failed,
panic_message, the crashing CPU and its registers (crash_frame), a
frame-pointer backtrace from them, the task that CPU ran, and the last
LINES (default 10) log lines written before the crash. Works on a halted
kernel and on a core file (gdb-multiarch build/kernel.elf CORE)."""

    name = "lp-crash"

    def run(self, argv, from_tty):
        lines = TAIL_LINES
        if argv[:1] == ["-n"] and len(argv) == 2:
            lines = common.parse_int(argv[1], "-n LINES")
        elif argv:
            raise LoupeError("usage: lp-crash [-n LINES]")
        state = crash_state()
        if state is None:
            gdb.write("The kernel has not failed (kernel_failed is 0).\n")
            return
        cpu = state["cpu"]
        gdb.write("Kernel failed on CPU %s: %s\n" % ("?" if cpu is None else cpu,
                                                     state["message"]))
        task = cpus.current_task(cpu) if cpu is not None else None
        if task is not None and int(task):
            gdb.write("Task on that CPU: %s\n" % cpus.task_label(task))
        frame = state["frame"]
        if frame is not None:
            gdb.write("pc  0x%016x %s\n" % (int(frame["pc"]),
                                            backtrace.kernel_symbolize(int(frame["pc"]))))
            for line in format_registers(frame):
                gdb.write(line + "\n")
            gdb.write("Backtrace:\n")
            backtrace.print_frames(backtrace.trap_frame_frames(frame, task), task)
        gdb.write("Last kernel log lines before the crash:\n")
        for _, text in list(log.log_lines(state["log_mark"]))[-lines:]:
            gdb.write("  " + text + "\n")


def register():
    CrashCommand()


register()
