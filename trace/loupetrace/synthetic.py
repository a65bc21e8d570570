"""Build raw traces by hand: for tests of the converter and checker, and
for trying out events the kernel does not emit yet (IPC before IPC)."""
from .layout import load_layout
from .rawtrace import RawTrace, Ring


def record_bytes(layout, ts, event, cpu, tid, a0=0, a1=0, a2=0, label=None):
    """One record; `event` is a name from TRACE_EVENTS, label a marker string."""
    rec = layout.record
    if label is not None:
        raw = label.encode()[:layout.defines["TRACE_MARK_LEN"]].ljust(16, b"\0")
        a0, a1 = int.from_bytes(raw[0:4], "little"), int.from_bytes(raw[4:8], "little")
        a2 = int.from_bytes(raw[8:16], "little")
    values = {"ts": ts, "id": layout.event_ids[event], "cpu": cpu, "tid": tid,
              "a0": a0, "a1": a1, "a2": a2}
    return rec.codec.pack(*(values[n] for n in rec.names))


def make_trace(events, ncpus=2, capacity=64, cntfrq=1000000000, names=(), first=None,
               export_ts=None, layout=None):
    """events: (ts, event, cpu, tid, a0, a1, a2[, label]) tuples in time
    order per CPU. Records beyond `capacity` per CPU overwrite the oldest,
    as in the kernel. names: (kind name, id, owner, name) tuples."""
    L = layout or load_layout()
    rsize = L.record.size
    rings = []
    for cpu in range(ncpus):
        mine = [e for e in events if e[2] == cpu]
        slots = bytearray(capacity * rsize)
        for n, e in enumerate(mine):
            label = e[7] if len(e) > 7 else None
            slots[(n % capacity) * rsize:(n % capacity + 1) * rsize] = \
                record_bytes(L, *e[:7], label=label)
        head = len(mine)
        lo = max(0, head - capacity)
        if first is not None:
            lo = max(lo, first)
        rings.append(Ring(cpu, slots, head, lo, lo))
    table = [{"kind": L.defines["TRACE_NAME_" + k.upper()], "id": i, "owner": o, "name": n}
             for k, i, o, n in names]
    return RawTrace(cntfrq, rings, table, capacity, export_ts=export_ts, layout=L)
