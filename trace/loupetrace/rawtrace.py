"""The kernel's rings as the host receives them.

Two sources give the same pieces: the file the kernel writes at power-off
(from_file), and a debugger reading kernel memory (from_memory: for each
CPU the raw bytes of its slots and the fields of its ring). A RawTrace then
yields the valid records of every ring in order.
"""
from .layout import load_layout


class TraceFormatError(Exception):
    pass


class Ring:
    """One CPU's ring: `capacity` raw slots; records first..head-1 valid."""

    def __init__(self, cpu, slots, head, first, dropped, mode=0):
        self.cpu, self.slots = cpu, bytes(slots)
        self.head, self.first, self.dropped, self.mode = head, first, dropped, mode


class RawTrace:
    def __init__(self, cntfrq, rings, names=(), capacity=None, enabled=None,
                 names_lost=0, export_ts=None, layout=None):
        self.layout = layout or load_layout()
        if cntfrq <= 0:
            raise TraceFormatError("counter frequency %d is not positive" % cntfrq)
        self.cntfrq = cntfrq
        self.rings = list(rings)
        rsize = self.layout.record.size
        self.capacity = capacity or (len(self.rings[0].slots) // rsize if self.rings else 0)
        for r in self.rings:
            if len(r.slots) != self.capacity * rsize:
                raise TraceFormatError("cpu%d: %d bytes of slots for %d records" %
                                       (r.cpu, len(r.slots), self.capacity))
            if r.first > r.head or r.head - r.first > self.capacity:
                raise TraceFormatError("cpu%d: records %d..%d do not fit %d slots" %
                                       (r.cpu, r.first, r.head, self.capacity))
        # [{"kind", "id", "owner", "name"}]
        self.names = list(names)
        self.enabled = enabled
        self.names_lost = names_lost
        self.export_ts = export_ts

    # ---- sources ---------------------------------------------------------
    @classmethod
    def from_file(cls, path, layout=None):
        with open(path, "rb") as f:
            return cls.from_bytes(f.read(), layout)

    @classmethod
    def from_bytes(cls, data, layout=None):
        L = layout or load_layout()
        d = L.defines
        hdr_s, state_s, name_s = (L.structs[n] for n in
                                  ("trace_file_header", "trace_ring_state", "trace_name"))
        if len(data) < hdr_s.size:
            raise TraceFormatError("file too short for a header (%d bytes)" % len(data))
        h = hdr_s.unpack(data)
        if h["magic"] != d["TRACE_FILE_MAGIC"]:
            raise TraceFormatError("not a Loupe trace (bad magic)")
        if h["version"] != d["TRACE_FORMAT_VERSION"]:
            raise TraceFormatError("format version %d; these tools read %d" %
                                   (h["version"], d["TRACE_FORMAT_VERSION"]))
        if (h["header_size"], h["record_size"], h["name_size"], h["ring_state_size"]) != \
                (hdr_s.size, L.record.size, name_s.size, state_s.size):
            raise TraceFormatError("structure sizes differ from trace_format.h")
        cap = h["capacity"]
        ring_bytes = cap * L.record.size
        need = hdr_s.size + h["ncpus"] * (ring_bytes + state_s.size) + h["nnames"] * name_s.size
        if len(data) != need:
            raise TraceFormatError("file has %d bytes; its header implies %d" % (len(data), need))
        pos, rings = hdr_s.size, []
        for _ in range(h["ncpus"]):
            slots = data[pos:pos + ring_bytes]
            st = state_s.unpack(data, pos + ring_bytes)
            rings.append(Ring(st["cpu"], slots, st["head"], st["first"], st["dropped"],
                              st["mode"]))
            pos += ring_bytes + state_s.size
        names = [name_s.unpack(data, pos + i * name_s.size) for i in range(h["nnames"])]
        for n in names:
            n["name"] = n["name"].rstrip(b"\0").decode("utf-8", "replace")
        return cls(h["cntfrq"], rings, names, cap, h["enabled"], h["names_lost"],
                   h["export_ts"], L)

    @classmethod
    def from_memory(cls, cntfrq, rings, names=(), layout=None):
        """rings: [(cpu, slot_bytes, head, first, dropped)] as a debugger
        reads them from trace_rings[] and trace_slots[]; names: raw bytes of
        the used part of trace_names[] (or already decoded dicts)."""
        L = layout or load_layout()
        if isinstance(names, (bytes, bytearray)):
            name_s = L.structs["trace_name"]
            names = [name_s.unpack(names, off) for off in range(0, len(names), name_s.size)]
            for n in names:
                n["name"] = n["name"].rstrip(b"\0").decode("utf-8", "replace")
        return cls(cntfrq, [Ring(*r) for r in rings], names, layout=L)

    # ---- reading ---------------------------------------------------------
    def records(self, ring):
        """The valid records of one ring, oldest first, as dicts with the
        record fields plus `seq` (the record number). A slot whose cpu or
        event id is wrong (a torn read of a live kernel) is skipped."""
        rec = self.layout.record
        for n in range(ring.first, ring.head):
            r = rec.unpack(ring.slots, (n % self.capacity) * rec.size)
            if r["cpu"] != ring.cpu or r["id"] not in self.layout.events:
                continue
            r["seq"] = n
            yield r

    def all_records(self):
        """Every ring's records merged in time order."""
        out = [r for ring in self.rings for r in self.records(ring)]
        out.sort(key=lambda r: (r["ts"], r["cpu"], r["seq"]))
        return out

    def ns(self, ticks):
        """Counter ticks to nanoseconds since the counter started (boot)."""
        return ticks * 1000000000 // self.cntfrq

    def dropped(self):
        return {r.cpu: r.dropped for r in self.rings}

    def name_of(self, kind, id_):
        for n in self.names:
            if n["kind"] == kind and n["id"] == id_:
                return n
        return None
