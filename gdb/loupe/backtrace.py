"""Backtraces of any task: lp-bt, and the frame-pointer unwinder lp-crash
shares.

GDB can unwind only what a thread's registers describe: under QEMU's
gdbstub and in a core file a thread is a CPU, so a task that is switched
out has no thread. Its kernel registers are in t->ctx (struct cpu_context,
saved by context_switch), and since the kernel keeps frame pointers, x29
leads through a chain of frame records {caller's x29, return address} up
its stack. The exception entry (vectors.S) adds such a record for the
interrupted code, so the chain of a task that entered the kernel from user
space continues into its user stack, read here through the task's own page
tables and symbolized with its own program's symbols.
"""
import re
import struct
from collections import namedtuple

import gdb

from loupe import common, constants, cpus, symbols, tasks, vm
from loupe.common import LoupeError

MAX_FRAMES = 64

# pc: the frame's address; is_return: pc is a return address (its call is
# the instruction before); space: "kernel" or "user"; name: a symbol if
# known already.
Frame = namedtuple("Frame", "pc is_return space name")


def is_user_address(addr):
    return addr < constants.get("USER_TOP")


def kernel_address_of(name):
    """Address of a kernel function, assembly ones (no debug info) too."""
    try:
        return int(gdb.parse_and_eval("(unsigned long)&%s" % name))
    except gdb.error:
        raise LoupeError("the kernel has no function %s" % name)


_INFO_SYMBOL = re.compile(r"^(\S+)(?: \+ (\d+))? in section")


def kernel_symbolize(pc, is_return=False):
    """'function+0xoff at file:line' for a kernel pc, like the kernel's
    own reports plus the line GDB knows; for a return address, the line
    of the call before it."""
    # A call that never returns may be a function's last instruction, so
    # its return address is the next function's first: look up the call.
    call = pc - 4 if is_return and pc >= 4 else pc
    out = gdb.execute("info symbol 0x%x" % call, to_string=True)
    m = _INFO_SYMBOL.match(out)
    where = "%s+0x%x" % (m.group(1), int(m.group(2) or 0) + pc - call) if m else "??"
    sal = gdb.find_pc_line(call)
    if sal.symtab is not None and sal.line:
        where += " at %s:%d" % (sal.symtab.filename, sal.line)
    return where


def frame_records(fp, task, space="kernel", limit=MAX_FRAMES):
    """Follow the frame-record chain from fp, on the kernel or the user
    stack. Yields Frames, and finally a string saying why the walk stopped
    if it was not the chain's end."""
    count = 0
    while fp and count < limit:
        if fp % 16:
            yield "stopped: frame pointer 0x%x is not 16-byte aligned" % fp
            return
        try:
            if space == "kernel":
                raw = vm.read_kernel(fp, 16, "a frame record")
            else:
                raw = vm.read_user(task, fp, 16, "a user frame record")
        except LoupeError as e:
            yield "stopped: %s" % e
            return
        next_fp, ret = struct.unpack("<QQ", raw)
        if ret == 0:
            return
        crossing = space == "kernel" and is_user_address(ret)
        if crossing:
            if task is None or int(task["vm"]) == 0:
                yield "stopped: return address 0x%x is in user space" % ret
                return
            space = "user"
        yield Frame(ret, True, space, None)
        count += 1
        # The stack grows down: callers' records are higher. One that is
        # not (except where the chain leaves the kernel) means corruption.
        if next_fp <= fp and not crossing and next_fp != 0:
            yield "stopped: frame pointer 0x%x does not move up the stack" % next_fp
            return
        fp = next_fp
    if count >= limit:
        yield "stopped after %d frames" % limit


# The routines that fill t->ctx, with the same save sequence (context.S).
SWITCH_ROUTINES = ("context_switch", "context_switch_to_user")


def switch_routine(lr):
    """Which routine saved a context whose return address is lr: the
    target of the BL just before it. The IPC fast path leaves by
    context_switch_to_user, everything else by context_switch; a call
    this cannot decode is taken as the common one."""
    try:
        insn = struct.unpack("<I", common.read_bytes(lr - 4, 4, "the call before t->ctx.lr"))[0]
    except LoupeError:
        return "context_switch"
    if insn & 0xFC000000 != 0x94000000:  # BL: 0b100101, imm26 in words
        return "context_switch"
    offset = (insn & 0x03FFFFFF) << 2
    if offset & (1 << 27):
        offset -= 1 << 28
    target = (lr - 4 + offset) & (2**64 - 1)
    for name in SWITCH_ROUTINES:
        try:
            if target == kernel_address_of(name):
                return name
        except LoupeError:  # a stage built without the IPC fast path
            pass
    return "context_switch"


def saved_context(t):
    """(how, frames) of a switched-out task, from t->ctx."""
    ctx = t["ctx"]
    lr, fp = int(ctx["lr"]), int(ctx["fp"])
    if lr == 0:
        return ("its saved context (t->ctx)",
                ["no saved context: it has never been switched out"])
    first_entry = kernel_address_of("task_first_entry")
    if lr == first_entry and tasks.state_name(t) in ("created", "ready"):
        return ("its saved context (t->ctx)",
                [Frame(first_entry, False, "kernel", None),
                 "not started yet: its first switch lands in task_first_entry"])
    routine = switch_routine(lr)
    return ("its saved context (t->ctx, from %s)" % routine,
            [Frame(kernel_address_of(routine), False, "kernel", None),
             Frame(lr, True, "kernel", None)] + list(frame_records(fp, t)))


def register_frames(pc, fp, t):
    """Frames from a pc and frame pointer (x29)."""
    space = "user" if is_user_address(pc) and t is not None and int(t["vm"]) else "kernel"
    return [Frame(pc, False, space, None)] + list(frame_records(fp, t, space))


def trap_frame_frames(frame, t):
    """Frames from a saved struct trap_frame (the crash frame)."""
    return register_frames(int(frame["pc"]), int(frame["x"][29]), t)


def user_mode_frames(thread, t):
    """Frames of a task running user code: GDB cannot unwind it reliably
    (it may take another program's symbols for these addresses), so walk
    its frame pointers from the CPU's registers."""
    with common.on_thread(thread):
        frame = gdb.newest_frame()
        pc = int(frame.read_register("pc"))
        fp = int(frame.read_register("x29"))
    return register_frames(pc, fp, t)


def thread_pc(thread):
    with common.on_thread(thread):
        return int(gdb.newest_frame().pc())


def gdb_unwinder_frames(thread, user_task):
    """Frames of a CPU's thread, from GDB's own (DWARF) unwinder, which
    knows inlined functions; user_task: pcs below USER_TOP are user code
    (else they are the boot code's physical addresses)."""
    frames = []
    with common.on_thread(thread):
        f = gdb.newest_frame()
        newer = None
        while f is not None and len(frames) < MAX_FRAMES:
            pc = f.pc()
            space = "user" if user_task and is_user_address(pc) else "kernel"
            name = None
            # GDB may name a user pc from another program linked at the
            # same addresses; describe() uses the task's own program.
            if space == "kernel":
                name = f.name()
                sal = f.find_sal()
                if name and sal.symtab is not None:
                    name += " at %s:%d" % (sal.symtab.filename, sal.line)
            # Below an exception entry (vectors.S's CFI marks it as a
            # signal frame) the pc is the interrupted instruction itself,
            # not a return address.
            is_return = newer is not None and newer.type() != gdb.SIGTRAMP_FRAME
            frames.append(Frame(pc, is_return, space, name))
            newer = f
            try:
                f = f.older()
            except gdb.error as e:
                frames.append("stopped: %s" % e)
                break
    return frames


def crashed_cpu():
    """The CPU that reported the crash, or None if the kernel has not failed."""
    if not common.has_symbol("kernel_failed") or not int(common.kernel_symbol("kernel_failed")):
        return None
    return int(common.kernel_symbol("crash_cpu")) if common.has_symbol("crash_cpu") else None


def task_frames(t):
    """(how the frames were found, frames) for task t."""
    cpu = cpus.running_cpu(int(t))
    if cpu is not None and cpu == crashed_cpu() and int(common.kernel_symbol("crash_frame")):
        return ("the crash frame of CPU %d (crash_frame)" % cpu,
                trap_frame_frames(common.kernel_symbol("crash_frame").dereference(), t))
    if cpu is not None:
        thread = cpus.thread_of_cpu(cpu)
        if thread is None:
            raise LoupeError("task %d runs on CPU %d, but GDB has no thread for that CPU"
                             % (int(t["tid"]), cpu))
        if int(t["vm"]) and is_user_address(thread_pc(thread)):
            return ("the live registers of CPU %d (GDB thread %d), in user code"
                    % (cpu, thread.num), user_mode_frames(thread, t))
        return ("the live registers of CPU %d (GDB thread %d, GDB's unwinder)"
                % (cpu, thread.num), gdb_unwinder_frames(thread, bool(int(t["vm"]))))
    return saved_context(t)


def describe(frame, t):
    if frame.name:
        return frame.name
    if frame.space == "kernel":
        return kernel_symbolize(frame.pc, frame.is_return)
    where = None
    if t is None:
        return "?? [user]"
    try:
        where = symbols.program_elf(t).symbolize(frame.pc - 4 if frame.is_return else frame.pc)
        if where and frame.is_return:  # name the return address itself
            name, off = where.rsplit("+0x", 1)
            where = "%s+0x%x" % (name, int(off, 16) + 4)
    except LoupeError:
        pass
    return "%s [user: %s]" % (where or "??", symbols.program_name(t))


def print_frames(frames, t):
    index = 0
    for f in frames:
        if isinstance(f, str):
            gdb.write("    (%s)\n" % f)
            continue
        gdb.write("#%-2d 0x%016x in %s\n" % (index, f.pc, describe(f, t)))
        index += 1


class BtCommand(common.Command):
    """Backtrace of any task, running or switched out.

Usage: lp-bt [TASK]     TASK by id, name or struct task pointer; without
                        it, the selected thread's task (or the task on
                        its CPU)

A switched-out task is unwound from its saved context (t->ctx): frame #0
is context_switch (context_switch_to_user for a task that blocked in the
IPC fast path), where it stopped, and the frame-pointer chain leads up
through the scheduler to what it waits on and, for a user task, through
the exception entry into its user code (read through its own page
tables). A task running on a CPU is unwound by GDB from that CPU's
registers; on the CPU that crashed, from the crash frame. Kernel frames
show function+offset and file:line; user frames the task's own program's
symbol."""

    name = "lp-bt"

    def run(self, argv, from_tty):
        if len(argv) > 1:
            raise LoupeError("usage: lp-bt [TASK]")
        t = tasks.find_task(argv[0]) if argv else tasks.selected_task()
        if int(t) == 0:
            raise LoupeError("the selected CPU runs no task yet")
        how, frames = task_frames(t)
        gdb.write("Task %d (%s), %s, from %s:\n" % (int(t["tid"]), common.c_string(t["name"]),
                                                   tasks.state_name(t), how))
        print_frames(frames, t)


def register():
    BtCommand()


register()
