"""What every command needs: one-line errors, types and globals from the
debug information, checked memory reads, and intrusive-list walks.

The kernel under the debugger may be the one that just crashed, so nothing
here trusts its data: every pointer is read with a check, every list walk is
bounded and verified, and a problem becomes a LoupeError that the command
prints as one line instead of a Python traceback.
"""
import contextlib
import os
import re
import struct
import tempfile

import gdb

# Longer lists than this are taken to be corrupt: Loupe has far fewer tasks,
# regions or queue entries.
LIST_WALK_MAX = 100000


class LoupeError(Exception):
    """A problem with the target or the arguments, shown as one line."""


# The thread the user had selected when the running command started; the
# command may select another one to read kernel memory (see kernel_view).
_user_thread = None


def user_thread():
    """The thread the user selected, even while kernel_view has switched."""
    return _user_thread if _user_thread is not None else gdb.selected_thread()


def _kernel_readable():
    sym = gdb.lookup_global_symbol("percpu") or gdb.lookup_global_symbol("log_buf")
    if sym is None:
        return True  # not Loupe's kernel: let the command say what is missing
    try:
        gdb.selected_inferior().read_memory(int(sym.value().address), 1)
        return True
    except (gdb.MemoryError, gdb.error):
        return False


@contextlib.contextmanager
def on_thread(thread):
    """Run a block with thread selected, then select again the thread and
    frame that were selected before."""
    previous = gdb.selected_thread()
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        frame = None
    thread.switch()
    try:
        yield thread
    finally:
        if previous is not None and previous.is_valid():
            previous.switch()
            if frame is not None and frame.is_valid():
                frame.select()


def _thread_reading_kernel():
    """A thread through which kernel memory reads, or None."""
    for thread in gdb.selected_inferior().threads():
        thread.switch()
        if _kernel_readable():
            return thread
    return None


@contextlib.contextmanager
def kernel_view():
    """Run a block with a thread selected through which kernel memory reads.

    QEMU's gdbstub reads memory as the selected CPU would at its current
    exception level, so from a CPU stopped in user code (EL0, say at a user
    breakpoint) the kernel's pages are out of reach. This selects another
    CPU that is in the kernel for the block, and the user's thread again
    afterwards; user_thread() still names the user's. In a core file every
    thread reads everything, so nothing changes."""
    global _user_thread
    outer = _user_thread is None
    if outer:
        _user_thread = gdb.selected_thread()
    try:
        if _user_thread is None or _kernel_readable():
            yield
        else:
            with on_thread(_user_thread):
                _thread_reading_kernel()  # if none can, the command says so
                yield
    finally:
        if outer:
            _user_thread = None


def one_line_error(e):
    """The text a command prints for exception e, on one line.

    The kernel under the debugger may be corrupt in ways no check here
    foresaw: a size field read as 2**63 makes Python run out of memory or
    overflow a C integer, a bad pointer makes GDB fail in the middle of an
    expression. None of that may end in a Python traceback, which would
    hide the one fact the user needs (what could not be read) under a
    dozen lines about the scripts. Ctrl-C (KeyboardInterrupt) is not an
    Exception and still reaches GDB as a quit."""
    if isinstance(e, (LoupeError, gdb.MemoryError, gdb.error, gdb.GdbError, ValueError)):
        text = str(e)  # ValueError: a bad argument (unbalanced quotes), or bad text
    elif isinstance(e, MemoryError):
        text = "a size read from the target is absurd (the host ran out of memory); " \
               "the kernel's data is probably corrupt"
    elif isinstance(e, (OverflowError, struct.error)):
        text = "a value read from the target is out of range (%s); the kernel's data " \
               "is probably corrupt" % (e or type(e).__name__)
    else:
        text = "internal error (%s: %s): the kernel's data may be corrupt, or this is " \
               "a bug in gdb/loupe" % (type(e).__name__, e)
    return " ".join(text.split()) or type(e).__name__


class Command(gdb.Command):
    """Base of the lp- commands: GDB takes the help text from the subclass's
    docstring; run() does the work and may raise LoupeError or touch
    unreadable memory, which become a one-line GDB error."""

    name = None  # set by the subclass
    command_class = gdb.COMMAND_DATA

    def __init__(self):
        super().__init__(self.name, self.command_class)

    def invoke(self, arg, from_tty):
        try:
            with kernel_view():
                self.run(gdb.string_to_argv(arg), from_tty)
        except Exception as e:  # noqa: BLE001 -- see one_line_error
            raise gdb.GdbError("%s: %s" % (self.name, one_line_error(e))) from None

    def run(self, argv, from_tty):
        raise NotImplementedError


class Function(gdb.Function):
    """Base of the $lp_ convenience functions, with the same error policy."""

    name = None

    def __init__(self):
        super().__init__(self.name)

    def invoke(self, *args):
        try:
            with kernel_view():
                return self.call(*args)
        except Exception as e:  # noqa: BLE001 -- see one_line_error
            raise gdb.GdbError("$%s: %s" % (self.name, one_line_error(e))) from None

    def call(self, *args):
        raise NotImplementedError


def lookup_type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise LoupeError("no type '%s' in the debug information; is the file "
                         "GDB loaded Loupe's build/kernel.elf, built with -g?" % name)


def struct_type(name):
    return lookup_type("struct " + name)


def field_offset(struct, field):
    """Byte offset of a field, from the debug information."""
    for f in struct.fields():
        if f.name == field:
            return f.bitpos // 8
    raise LoupeError("%s has no field '%s': the scripts and the kernel disagree"
                     % (struct, field))


# name -> the symbol of its definition, for globals GDB first finds as
# an extern declaration.
_definitions = {}


def _definition(name):
    """The defining symbol of global `name`, found through the file that
    `info variables` says defines it, or None."""
    cached = _definitions.get(name)
    if cached is not None and cached.is_valid():
        return cached
    out = gdb.execute("info variables -n ^%s$" % name, to_string=True)
    for m in re.finditer(r"^File (.+):\n(\d+):", out, re.M):
        try:
            sal = gdb.decode_line("%s:%s" % (m.group(1), m.group(2)))[1][0]
        except gdb.error:
            continue
        if sal.symtab is None:
            continue
        for sym in sal.symtab.global_block():
            if sym.name == name and sym.addr_class != gdb.SYMBOL_LOC_UNRESOLVED:
                _definitions[name] = sym
                return sym
    return None


def kernel_symbol(name):
    """A kernel global, file-static ones included (GDB needs them named
    by file otherwise), as a gdb.Value.

    GDB may answer with the extern declaration of a header instead of the
    definition (`extern struct trace_ring trace_rings[];`, whichever file
    it read first), whose array type has no length; array sizes are
    bounds the scripts check memory against, so they come from the
    definition."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is not None and sym.addr_class == gdb.SYMBOL_LOC_UNRESOLVED:
        sym = _definition(name) or sym
    try:
        if sym is not None:
            return sym.value()
    except gdb.error:
        pass  # declared in a header, but defined nowhere in this build
    raise LoupeError("the kernel has no symbol '%s' (a stage without that "
                     "subsystem, or not Loupe's kernel.elf?)" % name)


def has_symbol(name):
    try:
        kernel_symbol(name)
        return True
    except LoupeError:
        return False


# No block Loupe's kernel holds comes near this (its RAM is 512 MiB by
# default, the largest structures a few MiB): a bigger size was read from
# corrupt memory, and asking GDB for it would exhaust the host, or, through
# the UART stub, take hours.
READ_MAX = 64 << 20


def check_size(addr, size, what):
    if size < 0 or size > READ_MAX:
        raise LoupeError("refusing to read %s at 0x%x: its size %d (0x%x) is beyond any "
                         "kernel structure's; it was probably read from corrupt memory"
                         % (what, addr & (2**64 - 1), size, size & (2**64 - 1)))


def read_bytes(addr, size, what="memory"):
    """size bytes at addr, or LoupeError naming what was being read."""
    check_size(addr, size, what)
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except (gdb.MemoryError, gdb.error, OverflowError, ValueError):
        why = "not in the core file" if target_is_core() else "not mapped"
        raise LoupeError("cannot read %s at 0x%x (%d bytes): %s"
                         % (what, addr & (2**64 - 1), size, why))


# Below this size a bulk read is not worth Host I/O's three round trips.
BULK_MIN = 1024

# Connections (by number) known to lack Loupe's /mem/ files: QEMU's gdbstub.
_no_hostio = set()


def read_bulk(addr, size, what="memory"):
    """Like read_bytes, for large reads. Loupe's stub serves memory as
    files /mem/ADDR,LEN over the protocol's Host I/O packets, whose
    replies are binary where 'm' replies are hex: over its UART that is
    about twice as fast. Other targets (QEMU's gdbstub, a core file), a
    small read, or memory the file cannot cover fall back to read_bytes."""
    check_size(addr, size, what)
    connection = getattr(gdb.selected_inferior(), "connection", None)
    if size < BULK_MIN or connection is None or connection.type != "remote" or \
            connection.num in _no_hostio:
        return read_bytes(addr, size, what)
    fd, path = tempfile.mkstemp(prefix="loupe-mem-")
    os.close(fd)
    try:
        gdb.execute("remote get /mem/%x,%x %s" % (addr & (2**64 - 1), size, path),
                    to_string=True)
        with open(path, "rb") as f:
            data = f.read()
    except gdb.error as e:
        if "not support" in str(e):
            _no_hostio.add(connection.num)
        data = b""
    finally:
        os.unlink(path)
    # Short: the memory stops being readable somewhere; let read_bytes
    # say where.
    return data if len(data) == size else read_bytes(addr, size, what)


def target_is_core():
    connection = getattr(gdb.selected_inferior(), "connection", None)
    return connection is not None and connection.type == "core"


def read_u64(addr, what="memory"):
    return struct.unpack("<Q", read_bytes(addr, 8, what))[0]


def c_string(value, limit=256):
    """A char array or char pointer as a Python str; unreadable or NULL
    pointers become a visible placeholder, not an exception."""
    try:
        if value.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
            raw = bytes(gdb.selected_inferior().read_memory(value.address,
                                                            value.type.sizeof))
        else:
            addr = int(value)
            if addr == 0:
                return ""
            raw = read_bytes(addr, limit, "a string")
    except (gdb.MemoryError, gdb.error, LoupeError):
        return "<unreadable>"
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def pointer_to(addr, type_):
    return gdb.Value(addr).cast(type_.pointer())


def list_nodes(head_addr, what):
    """Addresses of the nodes of the intrusive list whose head is at
    head_addr (kernel/lib/list.h), head excluded.

    Each step checks what the kernel's list code guarantees: a node is
    readable, aligned, and its next node points back at it. A walk that
    meets a node twice has found a cycle that does not pass the head.
    """
    node_type = struct_type("list_node")
    next_off = field_offset(node_type, "next")
    prev_off = field_offset(node_type, "prev")
    if read_u64(head_addr + next_off, "the head of list %s" % what) == 0 and \
            read_u64(head_addr + prev_off, "the head of list %s" % what) == 0:
        raise LoupeError("list %s is not initialized (its head is all zero): the "
                         "kernel has not set it up yet" % what)
    seen = set()
    node = head_addr
    while True:
        nxt = read_u64(node + next_off, "the next pointer of %s node 0x%x" % (what, node))
        if nxt == head_addr:
            return
        if nxt == 0 or nxt % 8:
            raise LoupeError("list %s is corrupt: node 0x%x has next = 0x%x"
                             % (what, node, nxt))
        back = read_u64(nxt + prev_off, "%s node 0x%x (next of 0x%x)" % (what, nxt, node))
        if back != node:
            raise LoupeError("list %s is corrupt: node 0x%x's next is 0x%x, whose prev "
                             "is 0x%x" % (what, node, nxt, back))
        if nxt in seen or len(seen) >= LIST_WALK_MAX:
            raise LoupeError("list %s is corrupt: it loops at node 0x%x without "
                             "coming back to its head 0x%x" % (what, nxt, head_addr))
        seen.add(nxt)
        yield nxt
        node = nxt


def list_entries(head, struct_name, member, what):
    """The structures linked through member on the list head (a gdb.Value
    of type struct list_node, or its address), as pointers."""
    type_ = struct_type(struct_name)
    offset = field_offset(type_, member)
    head_addr = int(head.address) if isinstance(head, gdb.Value) and \
        head.type.strip_typedefs().code == gdb.TYPE_CODE_STRUCT else int(head)
    for node in list_nodes(head_addr, what):
        yield pointer_to(node - offset, type_)


def enum_names(enum_type_name, prefix_strip=True):
    """{value: name} of a C enum, from the debug information, with the
    prefix the enumerators share removed ("LOUPE_TASK_READY" -> "ready")."""
    fields = lookup_type(enum_type_name).fields()
    names = [f.name for f in fields]
    prefix = ""
    if prefix_strip and len(names) > 1:
        prefix = names[0]
        for n in names[1:]:
            while not n.startswith(prefix):
                prefix = prefix[:-1]
        prefix = prefix[:prefix.rfind("_") + 1]
    return {f.enumval: f.name[len(prefix):].lower() for f in fields}


def array_length(value):
    """Element count of a C array value, from its type."""
    lo, hi = value.type.strip_typedefs().range()
    return hi - lo + 1


def parse_int(text, what):
    try:
        return int(text, 0)
    except ValueError:
        raise LoupeError("%s must be a number, not '%s'" % (what, text))
