"""User programs' symbols: lp-symbols loads each running program's ELF into
GDB at its own addresses, and reloads when a program starts.

Every user program is a static ET_EXEC file (user/build.mk), so its symbols
belong at the addresses the file names: `add-symbol-file FILE` with no
offset. A task keeps t->elf / t->elf_size, the program file in the initrd
in kernel memory. When build/user/NAME holds the same bytes (same size, same
headers) GDB gets that file, whose source paths are the build's; otherwise
the bytes are copied out of the target into a temporary file.

All programs are linked at the same addresses, so GDB may find a symbol in
several of them: `break main` gets one location per loaded program. The
kernel-side symbolization here (used by lp-bt for user frames) always uses
the task's own program instead.
"""
import atexit
import hashlib
import os
import shutil
import tempfile

import gdb

import loupe
from loupe import common, elf, tasks, vm
from loupe.common import LoupeError

# Where a new task's first run passes just before it first enters user
# space (kernel/arch/aarch64/vectors.S): past the scheduler's lock, so a
# stop there lets Loupe's stub stop every other CPU too.
TASK_START_LOCATION = "*task_first_return"

# State kept on the package, so that re-sourcing the loader (which reloads
# this module) does not forget what is loaded or add a second breakpoint.
if not hasattr(loupe, "symbol_state"):
    loupe.symbol_state = {"loaded": {}, "elf_cache": {}, "programs": {},
                           "breakpoint": None, "tmpdir": None}
_state = loupe.symbol_state


def kernel_build_dir():
    sym = gdb.lookup_global_symbol("kmain")
    if sym is None or sym.symtab is None:
        return None
    return os.path.dirname(os.path.abspath(sym.symtab.objfile.filename))


def program_name(t):
    return common.c_string(t["name"]) or "task%d" % int(t["tid"])


def initrd_range():
    """(start, end) kernel addresses of the initrd, from the platform's
    record of it, or None if this kernel does not keep one."""
    try:
        platform = common.kernel_symbol("platform")
        start, end = int(platform["initrd_start"]), int(platform["initrd_end"])
    except (LoupeError, gdb.error):
        return None
    if not end:
        return None  # no initrd: exec would have found no program either
    return vm.phys_to_virt(start), vm.phys_to_virt(end)


def elf_location(t):
    """(address, size) of task t's program file. Both come from the task,
    which may be corrupt, and the size decides how much is read (through
    the UART stub, a byte at a time in effect): the file must lie inside
    the initrd, where exec found it."""
    addr, size = int(t["elf"]), int(t["elf_size"])
    if not addr or not size or not int(t["vm"]):
        raise LoupeError("task %d (%s) runs no user program" % (int(t["tid"]), program_name(t)))
    initrd = initrd_range()
    if initrd is not None and not initrd[0] <= addr < addr + size <= initrd[1]:
        raise LoupeError("task %d (%s) is corrupt: its program file 0x%x-0x%x (t->elf, "
                         "t->elf_size) is not inside the initrd 0x%x-0x%x"
                         % (int(t["tid"]), program_name(t), addr, (addr + size) & (2**64 - 1),
                            initrd[0], initrd[1]))
    return addr, size


def elf_bytes(t):
    """The bytes of task t's program file, read from the target once."""
    addr, size = elf_location(t)
    key = (addr, size)
    if key not in _state["elf_cache"]:
        _state["elf_cache"][key] = common.read_bulk(addr, size, "the ELF file of task %d"
                                                    % int(t["tid"]))
    return _state["elf_cache"][key]


def program_elf(t):
    """Task t's program as an elf.ElfFile (for symbolizing its pcs)."""
    key = elf_location(t)
    if key not in _state["programs"]:
        _state["programs"][key] = elf.ElfFile(elf_bytes(t), program_name(t))
    return _state["programs"][key]


def _host_copy(t, size):
    """build/user/NAME when it is the program t runs: same size and same
    first page (ELF header, program headers, start of text)."""
    build = kernel_build_dir()
    if build is None:
        return None
    path = os.path.join(build, "user", program_name(t))
    try:
        if os.path.getsize(path) != size:
            return None
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    addr, _ = elf_location(t)
    if common.read_bytes(addr, len(head), "the ELF header of task %d" % int(t["tid"])) != head:
        return None
    return path


def _dump_to_file(t):
    data = elf_bytes(t)
    if _state["tmpdir"] is None:
        _state["tmpdir"] = tempfile.mkdtemp(prefix="loupe-gdb-")
        atexit.register(shutil.rmtree, _state["tmpdir"], True)
    path = os.path.join(_state["tmpdir"], "%s-%s" % (program_name(t),
                                                    hashlib.sha1(data).hexdigest()[:8]))
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    return path


def is_loaded(elf_addr):
    """Whether the program file at elf_addr is in GDB now (the user may
    have removed it, or reloaded the kernel, since lp-symbols added it)."""
    entry = _state["loaded"].get(elf_addr)
    if entry is None:
        return False
    return any(o.is_valid() and o.filename == os.path.abspath(entry[1])
               for o in gdb.objfiles())


def load_task_symbols(t):
    """Add task t's program to GDB unless that file is already in; returns
    the path when it loaded something."""
    addr, size = elf_location(t)
    if is_loaded(addr):
        return None
    header = common.read_bytes(addr, 64, "the ELF header of task %d" % int(t["tid"]))
    if elf.file_type(header) != elf.ET_EXEC:
        raise LoupeError("%s is not a static executable (ET_EXEC): its load address is "
                         "unknown to lp-symbols" % program_name(t))
    path = _host_copy(t, size) or _dump_to_file(t)
    gdb.execute("add-symbol-file %s" % path, from_tty=False, to_string=True)
    _state["loaded"][addr] = (program_name(t), path)
    return path


def user_tasks():
    for t in tasks.all_tasks():
        if int(t["vm"]) and int(t["elf"]):
            yield t


def load_all():
    return [p for p in (load_task_symbols(t) for t in user_tasks()) if p]


def clear():
    for _, path in _state["loaded"].values():
        try:
            gdb.execute("remove-symbol-file %s" % path, from_tty=False, to_string=True)
        except gdb.error:
            pass  # already removed by hand
    _state["loaded"].clear()


class AutoLoadBreakpoint(gdb.Breakpoint):
    """Stops at every task's first run just long enough to load the symbols
    of programs GDB does not know yet; returning False resumes the target,
    so the user never sees the stop."""

    def __init__(self):
        super().__init__(TASK_START_LOCATION, internal=True)
        self.silent = True

    def stop(self):
        try:
            for path in load_all():
                gdb.write("lp-symbols: loaded %s\n" % path)
        except Exception as e:  # noqa: BLE001 -- a traceback here would stop the target
            gdb.write("lp-symbols: %s\n" % common.one_line_error(e))
        return False


def set_auto(on):
    bp = _state["breakpoint"]
    if on and (bp is None or not bp.is_valid()):
        _state["breakpoint"] = AutoLoadBreakpoint()
    elif not on and bp is not None:
        if bp.is_valid():
            bp.delete()
        _state["breakpoint"] = None


class SymbolsCommand(common.Command):
    """Load the running user programs' symbols, and reload on program start.

Usage: lp-symbols            load every running program's ELF, and keep
                             loading each new one as it starts
       lp-symbols TASK       load only that task's program
       lp-symbols --list     show what is loaded
       lp-symbols --no-auto  stop reloading on program start
       lp-symbols --clear    unload them all (and stop reloading)

Each program is a static executable, loaded with add-symbol-file at its own
addresses (build/user/NAME if it matches the bytes in the target, else a
copy of t->elf). Reloading uses a silent breakpoint on the kernel's
task-start path (task_first_return), so a breakpoint set in a program
that has not started yet stays pending and resolves when it starts.
User breakpoints: use hbreak under Loupe's stub, where the program's
memory is only mapped in its own address space."""

    name = "lp-symbols"

    def run(self, argv, from_tty):
        if argv == ["--list"]:
            for addr, (name, path) in sorted(_state["loaded"].items()):
                if is_loaded(addr):
                    gdb.write("%-16s %s  (ELF at 0x%x)\n" % (name, path, addr))
            bp = _state["breakpoint"]
            gdb.write("reloading on program start: %s\n"
                      % ("on" if bp is not None and bp.is_valid() else "off"))
            return
        if argv == ["--clear"]:
            set_auto(False)
            clear()
            return
        if argv == ["--no-auto"]:
            set_auto(False)
            return
        if len(argv) > 1 or (argv and argv[0].startswith("--")):
            raise LoupeError("usage: lp-symbols [TASK | --list | --no-auto | --clear]")
        if argv:
            paths = [load_task_symbols(tasks.find_task(argv[0]))]
        else:
            set_auto(True)
            try:
                paths = load_all()
            except LoupeError:
                # Before the kernel has turned on its MMU (QEMU's -S) its
                # data cannot be read yet; programs load as they start.
                gdb.write("the task list cannot be read yet (is the MMU on?); programs "
                          "will load as they start\n")
                return
        for path in paths:
            if path:
                gdb.write("loaded %s\n" % path)
        if not any(paths):
            gdb.write("nothing new to load (lp-symbols --list shows what is loaded)\n")


def register():
    SymbolsCommand()


register()
