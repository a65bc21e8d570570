"""The trace layout, read from kernel/trace/trace_format.h.

The header keeps to a subset of C this module understands: integer
#defines, structs of fixed-width fields, and the X(...) rows of
TRACE_EVENTS. Struct offsets are computed with C's natural alignment and
checked against the header's *_SIZE constants.
"""
import os
import re
import struct

HEADER = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..",
                                       "kernel", "trace", "trace_format.h"))

_TYPES = {"uint8_t": "B", "uint16_t": "H", "uint32_t": "I", "uint64_t": "Q",
          "int8_t": "b", "int16_t": "h", "int32_t": "i", "int64_t": "q"}

_DEFINE = re.compile(r"^#define\s+(\w+)\s+(0x[0-9a-fA-F]+|\d+)\b", re.M)
_STRUCT = re.compile(r"^struct\s+(\w+)\s*\{(.*?)^\};", re.M | re.S)
_FIELD = re.compile(r"^\s*(\w+)\s+(\w+)(?:\[(\d+)\])?;")
_EVENT = re.compile(r"X\((\w+),\s*(0x[0-9a-fA-F]+|\d+),\s*(\w+),\s*\"([^\"]*)\"\)")


class Struct:
    """A C struct: fields in order, their offsets, and a struct.Struct to
    unpack it (char arrays come out as bytes)."""

    def __init__(self, name, fields):
        self.name = name
        self.fields = []      # (name, offset, format)
        fmt, offset = "<", 0
        for fname, ctype, count in fields:
            if ctype == "char":
                code, size, align = "%ds" % count, count, 1
            else:
                code = _TYPES[ctype]
                size = align = struct.calcsize(code)
                if count:
                    raise ValueError("%s.%s: only char arrays are supported" % (name, fname))
            if offset % align:
                raise ValueError("%s.%s: padding before the field" % (name, fname))
            self.fields.append((fname, offset, code))
            fmt += code
            offset += size
        self.size = offset
        self.codec = struct.Struct(fmt)
        self.names = [f[0] for f in self.fields]

    def offset(self, field):
        return next(off for name, off, _ in self.fields if name == field)

    def unpack(self, data, offset=0):
        return dict(zip(self.names, self.codec.unpack_from(data, offset)))


class Event:
    def __init__(self, name, id_, category, args):
        self.name, self.id, self.category = name, id_, category
        # What a0, a1, a2 mean ("-" unused), or ["str"] for a marker.
        self.args = args.split()


class Layout:
    """Everything trace_format.h defines."""

    def __init__(self, text):
        self.defines = {m.group(1): int(m.group(2), 0) for m in _DEFINE.finditer(text)}
        self.structs = {}
        for m in _STRUCT.finditer(text):
            fields = []
            for line in m.group(2).splitlines():
                f = _FIELD.match(line)
                if f:
                    fields.append((f.group(2), f.group(1), int(f.group(3) or 0)))
            self.structs[m.group(1)] = Struct(m.group(1), fields)
        self.events = {}
        for m in _EVENT.finditer(text):
            ev = Event(m.group(1), int(m.group(2), 0), m.group(3), m.group(4))
            self.events[ev.id] = ev
        self.event_ids = {ev.name: ev.id for ev in self.events.values()}
        self._check()

    def _check(self):
        d = self.defines
        for sname, dname in [("trace_record", "TRACE_RECORD_SIZE"),
                             ("trace_name", "TRACE_NAME_SIZE"),
                             ("trace_file_header", "TRACE_FILE_HEADER_SIZE"),
                             ("trace_ring_state", "TRACE_RING_STATE_SIZE")]:
            if self.structs[sname].size != d[dname]:
                raise ValueError("struct %s is %d bytes but %s is %d" %
                                 (sname, self.structs[sname].size, dname, d[dname]))
        for ev in self.events.values():
            if "TRACE_CAT_" + ev.category not in d:
                raise ValueError("event %s: unknown category %s" % (ev.name, ev.category))

    def category_names(self, mask):
        cats = sorted((v, k[len("TRACE_CAT_"):].lower()) for k, v in self.defines.items()
                      if k.startswith("TRACE_CAT_") and k != "TRACE_CAT_ALL")
        return [name for bit, name in cats if mask & bit]

    def prefixed(self, prefix):
        """{value: lower-case name} of the #defines starting with prefix."""
        return {v: k[len(prefix):].lower() for k, v in self.defines.items()
                if k.startswith(prefix)}

    @property
    def record(self):
        return self.structs["trace_record"]


_cache = {}


def load_layout(path=HEADER):
    if path not in _cache:
        with open(path) as f:
            _cache[path] = Layout(f.read())
    return _cache[path]
