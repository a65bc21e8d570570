"""Loupe's trace tools: read the kernel's trace rings and write Perfetto JSON.

The record layout and event ids come from kernel/trace/trace_format.h,
parsed at import time (layout.py), so the kernel and these tools cannot
drift apart. Nothing here needs a package outside the standard library,
so GDB's embedded Python can import it to dump the rings of a live or
crashed kernel:

    import loupetrace
    raw = loupetrace.RawTrace.from_file("build/trace.bin")
    doc = loupetrace.convert(raw)          # a dict, ready for json.dump
    errors = loupetrace.check_trace(doc)   # [] if Perfetto will accept it
    be = loupetrace.begin_end(doc)         # the same slices as B/E pairs
    syms = loupetrace.KernelSymbols.from_elf("build/kernel.elf")
    doc = loupetrace.convert(raw, symbols=syms)   # interrupt handlers named
"""
from .layout import Layout, load_layout
from .rawtrace import RawTrace, Ring, TraceFormatError
from .convert import convert
from .checker import check_trace, check_file
from .begin_end import begin_end
from .synthetic import make_trace
from .symbols import KernelSymbols, ElfError
from .timefmt import dur_ns, x_dur

__all__ = ["Layout", "load_layout", "RawTrace", "Ring", "TraceFormatError",
           "convert", "check_trace", "check_file", "make_trace", "begin_end",
           "KernelSymbols", "ElfError", "dur_ns", "x_dur"]
