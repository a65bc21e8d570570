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


def read_ring(ring, cpu, record_size):
    """(cpu, slots, head, first, dropped) of one ring. Only the slots that
    hold valid records are read (a remote stub reads slowly); the rest of
    the buffer stays zero, which the converter never looks at."""
    head, first = int(ring["head"]), int(ring["first"])
    capacity = int(ring["mask"]) + 1
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
    rings = [read_ring(rings_sym[cpu], cpu, record_size) for cpu in range(ncpus)]
    used = int(common.kernel_symbol("trace_names_used"))
    names_sym = common.kernel_symbol("trace_names")
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
