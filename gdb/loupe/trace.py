"""lp-trace FILE: the kernel's trace rings, read from memory (a live kernel
or a core file), converted to Perfetto JSON by trace/'s own converter, the
same code `make trace` uses on the file the kernel writes at power-off."""
import json
import os
import sys

import gdb

from loupe import common
from loupe.common import LoupeError

_TRACE_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "trace"))


def _loupetrace():
    if _TRACE_DIR not in sys.path:
        sys.path.insert(0, _TRACE_DIR)
    import loupetrace
    return loupetrace


def slots_per_ring():
    """How many records a ring can hold at most: the inner dimension of
    trace_slots[cpus][records] (kernel/trace/trace.c), from the debug
    information. A ring's own mask, read from memory that may be corrupt,
    must agree before its buffer is sized after it."""
    slots = common.kernel_symbol("trace_slots")
    return common.array_length(slots[0])


def ring_capacity(ring, cpu):
    capacity = int(ring["mask"]) + 1
    limit = slots_per_ring()
    if capacity & (capacity - 1) or capacity > limit:
        raise LoupeError("trace_rings[%d] is corrupt: its mask 0x%x is not a power of two "
                         "minus one of at most %d slots (trace_slots)"
                         % (cpu, capacity - 1, limit))
    return capacity


def read_ring(ring, cpu, record_size):
    """(cpu, slots, head, first, dropped) of one ring. Only the slots that
    hold valid records are read (a remote stub reads slowly); the rest of
    the buffer stays zero, which the converter never looks at."""
    head, first = int(ring["head"]), int(ring["first"])
    capacity = ring_capacity(ring, cpu)
    first = max(first, head - capacity, 0)
    slots = bytearray(capacity * record_size)
    base = int(ring["slots"])
    n = first
    while n < head:
        index = n % capacity
        count = min(head - n, capacity - index)  # up to the end of the buffer
        data = common.read_bulk(base + index * record_size, count * record_size,
                                "the trace ring of cpu%d" % cpu)
        slots[index * record_size:(index + count) * record_size] = data
        n += count
    dropped = max(int(ring["head"]) - int(ring["first"]) - capacity, 0) + \
        int(ring["refused"]) - int(ring["refused_base"])
    return cpu, bytes(slots), head, first, dropped


def read_trace():
    lt = _loupetrace()
    if not common.has_symbol("trace_rings"):
        raise LoupeError("this kernel has no tracer (stage 0)")
    hz = int(common.kernel_symbol("timer_counter_hz"))
    if hz <= 0:
        raise LoupeError("the timer is not set up yet: no counter frequency to read")
    ncpus = int(gdb.parse_and_eval("platform.ncpus"))
    record_size = common.struct_type("trace_record").sizeof
    rings_sym = common.kernel_symbol("trace_rings")
    if not 0 < ncpus <= common.array_length(rings_sym):
        raise LoupeError("platform.ncpus is %d, but there are %d trace rings: it is corrupt "
                         "(or the device tree has not been read yet)"
                         % (ncpus, common.array_length(rings_sym)))
    rings = [read_ring(rings_sym[cpu], cpu, record_size) for cpu in range(ncpus)]
    used = int(common.kernel_symbol("trace_names_used"))
    names_sym = common.kernel_symbol("trace_names")
    if not 0 <= used <= common.array_length(names_sym):
        raise LoupeError("trace_names_used is %d, but trace_names has room for %d: it is "
                         "corrupt" % (used, common.array_length(names_sym)))
    name_size = common.struct_type("trace_name").sizeof
    names = common.read_bulk(int(names_sym.address), used * name_size, "trace_names") \
        if used else b""
    return lt.RawTrace.from_memory(hz, rings, names)


class TraceCommand(common.Command):
    """Write the kernel's trace rings as Perfetto JSON.

Usage: lp-trace FILE

Reads every CPU's ring (trace_rings[]), the name table and the counter
frequency from the kernel's memory -- a live kernel through either stub,
or a core file -- and converts them with trace/loupetrace, the converter
`make trace` uses. Open FILE at ui.perfetto.dev."""

    name = "lp-trace"

    def run(self, argv, from_tty):
        if len(argv) != 1:
            raise LoupeError("usage: lp-trace FILE")
        raw = read_trace()
        warnings = []
        doc = _loupetrace().convert(raw, warnings)
        with open(argv[0], "w") as f:
            f.write(json.dumps(doc, separators=(",", ":")) + "\n")
        meta = doc["metadata"]
        gdb.write("lp-trace: %d records from %d CPUs (%d dropped) -> %d events in %s\n" % (
            meta["records"], meta["cpus"], meta["dropped_records"], len(doc["traceEvents"]),
            argv[0]))
        for w in warnings[:5]:
            gdb.write("lp-trace: warning: %s\n" % w)


def register():
    TraceCommand()


register()
