"""The trace converter on hand-made records: IPC arrows, overflow, markers,
timestamps. No QEMU: these run in milliseconds."""
import json
import os
import sys
from decimal import Decimal

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "trace"))
import loupetrace  # noqa: E402
from loupetrace import make_trace  # noqa: E402

L = loupetrace.load_layout()
CPU0 = L.defines["TRACE_TID_CPU_BASE"]
KPID = L.defines["TRACE_PID_KERNEL"]
CLIENT, SERVER, CLIENT_PID, SERVER_PID, EP = 5, 6, 3, 4, 9
NAMES = [("task", CLIENT, CLIENT_PID, "client"), ("task", SERVER, SERVER_PID, "server"),
         ("process", CLIENT_PID, 0, "client"), ("process", SERVER_PID, 0, "server"),
         ("endpoint", EP, 0, "echo")]


def converted(raw):
    warnings = []
    doc = loupetrace.convert(raw, warnings)
    # Round-trip through JSON text, as a file reader would see it.
    doc = json.loads(json.dumps(doc), parse_float=Decimal)
    errors = loupetrace.check_trace(doc)
    assert errors == [], errors
    return doc, warnings


def events(doc, ph=None, name=None):
    return [e for e in doc["traceEvents"]
            if (ph is None or e["ph"] == ph) and (name is None or e["name"].startswith(name))]


def ipc_round_trip(msg=7, t=0):
    """Client on CPU 0 calls the server on CPU 1, which replies with
    reply_recv: what the kernel records (format 2: the IPC events stand for
    the system calls' enter and exit)."""
    return [
        (t + 60, "IPC_RECV", 1, SERVER, EP, 0, 0),
        (t + 110, "IPC_CALL", 0, CLIENT, EP, msg, 0),
        (t + 120, "SCHED_WAKEUP", 0, CLIENT, SERVER, 1, 0),
        (t + 150, "IPC_RECV_DONE", 1, SERVER, EP, msg, 0x42),
        (t + 210, "IPC_REPLY_RECV", 1, SERVER, EP, msg, 0),
        (t + 220, "SCHED_WAKEUP", 1, SERVER, CLIENT, 0, 0),
        (t + 300, "IPC_CALL_DONE", 0, CLIENT, EP, msg, 0),
    ]


def ipc_handoff_round_trip(msg=7, t=0):
    """The same on one CPU through the fast path: four records, each IPC
    event naming the partner the CPU is handed to."""
    return [
        (t + 100, "IPC_CALL", 0, CLIENT, EP, msg, SERVER),
        (t + 150, "IPC_RECV_DONE", 0, SERVER, EP, msg, 0x42),
        (t + 200, "IPC_REPLY_RECV", 0, SERVER, EP, msg, CLIENT),
        (t + 250, "IPC_CALL_DONE", 0, CLIENT, EP, msg, 0),
    ]


def test_layout_comes_from_the_header():
    assert L.record.size == 32
    assert L.record.names == ["ts", "id", "cpu", "tid", "a0", "a1", "a2"]
    assert L.record.offset("a2") == 24
    wanted = {"SCHED_SWITCH", "SCHED_WAKEUP", "TASK_CREATE", "TASK_EXIT", "IPC_CALL",
              "IPC_RECV", "IPC_REPLY", "IPC_REPLY_RECV", "NOTIFY_SIGNAL", "NOTIFY_WAIT",
              "SYSCALL_ENTER", "SYSCALL_EXIT", "IRQ_ENTER", "IRQ_EXIT", "PAGE_FAULT",
              "COUNTER", "MARK_BEGIN", "MARK_END", "MARK_INSTANT"}
    assert wanted <= set(L.event_ids)
    assert len(set(L.event_ids.values())) == len(L.event_ids)


def test_ipc_call_and_reply_get_one_arrow_each():
    doc, warnings = converted(make_trace(ipc_round_trip(), names=NAMES))
    assert warnings == []
    outs = {e["bind_id"]: e for e in events(doc) if e.get("flow_out")}
    ins = {e["bind_id"]: e for e in events(doc) if e.get("flow_in")}
    assert len(outs) == 2 and outs.keys() == ins.keys()
    call_out = next(e for e in outs.values() if e["name"] == "ipc_call echo")
    assert call_out["tid"] == CLIENT and call_out["pid"] == CLIENT_PID
    assert ins[call_out["bind_id"]]["tid"] == SERVER           # call -> server's receive
    reply_out = next(e for e in outs.values() if e["name"] == "ipc_reply")
    assert reply_out["tid"] == SERVER
    assert ins[reply_out["bind_id"]]["name"] == "ipc_return"   # reply -> client wakes
    assert ins[reply_out["bind_id"]]["tid"] == CLIENT
    # The call waits 110 -> 300 ns inside the 100 -> 310 ns syscall.
    (call,) = events(doc, "X", "ipc_call")
    assert (call["ts"], call["dur"]) == (Decimal("0.11"), Decimal("0.19"))
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events(doc, "M", "thread_name")}
    assert names[(CLIENT_PID, CLIENT)] == "client" and names[(SERVER_PID, SERVER)] == "server"


def test_ipc_handoff_records_give_switches_wakeups_syscalls_and_arrows():
    evs = [(50, "IPC_RECV", 0, SERVER, EP, 0, 0),
           (60, "SCHED_SWITCH", 0, SERVER, CLIENT, 1, 0)]
    evs += ipc_handoff_round_trip()
    doc, warnings = converted(make_trace(evs, ncpus=1, names=NAMES, export_ts=400))
    assert warnings == []
    runs = [(e["args"]["tid"], e["ts"], e["dur"]) for e in events(doc, "X") if e["cat"] == "sched"]
    d = Decimal
    assert runs == [(SERVER, d("0.05"), d("0.01")), (CLIENT, d("0.06"), d("0.04")),
                    (SERVER, d("0.1"), d("0.1")), (CLIENT, d("0.2"), d("0.2"))]
    wakeups = [(e["tid"], e["ts"]) for e in events(doc, "i", "wakeup")]
    assert wakeups == [(SERVER, d("0.1")), (CLIENT, d("0.2"))]
    syscalls = sorted((e["tid"], e["name"], e["ts"], e["dur"]) for e in events(doc, "X", "syscall"))
    assert syscalls == [(CLIENT, "syscall ipc_call", d("0.1"), d("0.15")),
                        (SERVER, "syscall ipc_recv", d("0.05"), d("0.1")),
                        (SERVER, "syscall ipc_reply_recv", d("0.2"), d("0.2"))]
    outs = {e["bind_id"]: e for e in events(doc) if e.get("flow_out")}
    ins = {e["bind_id"]: e for e in events(doc) if e.get("flow_in")}
    assert len(outs) == 2 and outs.keys() == ins.keys()


def test_failed_receive_ends_with_syscall_exit():
    evs = [(50, "IPC_RECV", 0, SERVER, EP, 0, 0),
           (90, "SYSCALL_EXIT", 0, SERVER, 0x419, 0, (1 << 64) - 32)]
    doc, warnings = converted(make_trace(evs, ncpus=1, names=NAMES, export_ts=100))
    assert warnings == []
    (sc,) = events(doc, "X", "syscall ipc_recv")
    assert sc["args"]["result"] == -32 and sc["dur"] == Decimal("0.04")
    (wait,) = events(doc, "X", "ipc_recv echo")
    assert wait["dur"] == Decimal("0.04")


def test_many_round_trips_have_unique_flow_ids():
    evs = []
    for i in range(20):
        evs += ipc_round_trip(msg=i + 1, t=i * 1000)
    doc, _ = converted(make_trace(evs, capacity=512, names=NAMES))
    ids = [e["bind_id"] for e in events(doc) if e.get("flow_out")]
    assert len(ids) == 40 == len(set(ids))


def test_overflow_drops_half_matched_events_and_reports_the_count():
    evs = []
    for i in range(20):
        evs += ipc_round_trip(msg=i + 1, t=i * 1000)
    raw = make_trace(evs, capacity=16, names=NAMES)
    doc, warnings = converted(raw)
    meta = doc["metadata"]
    assert meta["dropped_records"] == sum(r.head - 16 for r in raw.rings) > 0
    assert meta["dropped_per_cpu"]["cpu0"] == raw.rings[0].head - 16
    # Only arrows whose two ends both survived are drawn.
    outs = [e for e in events(doc) if e.get("flow_out")]
    ins = [e for e in events(doc) if e.get("flow_in")]
    assert len(outs) == len(ins) > 0


def test_irq_slices_on_cpu_tracks_and_instants_on_threads():
    evs = [(1000, "IRQ_ENTER", 0, CPU0, 27, 0, 0), (1500, "IRQ_EXIT", 0, CPU0, 27, 0, 0),
           (2000, "IRQ_ENTER", 1, CPU0 + 1, 27, 0, 0), (2100, "IRQ_EXIT", 1, CPU0 + 1, 27, 0, 0)]
    doc, _ = converted(make_trace(evs, names=[("irq", 27, 0, "timer")]))
    irq = events(doc, "X", "irq 27 timer")
    assert {e["tid"] for e in irq} == {20000, 20001}
    assert {e["tid"] for e in events(doc, "i", "irq 27")} == {CPU0, CPU0 + 1}
    running = events(doc, "X", "cpu")
    assert {e["args"]["tid"] for e in running} == {CPU0, CPU0 + 1}


def test_sched_switch_gives_running_slices():
    evs = [(100, "MARK_INSTANT", 0, CPU0, 0, 0, 0, "boot"),
           (200, "SCHED_SWITCH", 0, CPU0, CLIENT, 0, 0),
           (300, "SYSCALL_ENTER", 0, CLIENT, 64, 0, 1),
           (400, "SYSCALL_EXIT", 0, CLIENT, 64, 0, (1 << 64) - 14),
           (500, "SCHED_SWITCH", 0, CLIENT, CPU0, 1, 0)]
    doc, _ = converted(make_trace(evs, ncpus=1, names=NAMES, export_ts=600))
    runs = [(e["name"], e["ts"], e["dur"]) for e in events(doc, "X") if e["cat"] == "sched"]
    d = Decimal
    assert runs == [("cpu0", d("0.1"), d("0.1")), ("client", d("0.2"), d("0.3")),
                    ("cpu0", d("0.5"), d("0.1"))]
    (sc,) = events(doc, "X", "syscall write")  # named from include/loupe/syscall.h
    assert sc["args"]["result"] == -14


def test_user_marker_around_its_own_syscalls_nests():
    # begin and end are recorded inside the marker syscalls themselves.
    evs = [(100, "SYSCALL_ENTER", 0, CLIENT, 500, 0, 0),
           (110, "MARK_BEGIN", 0, CLIENT, 0, 0, 0, "handle request"),
           (120, "SYSCALL_EXIT", 0, CLIENT, 500, 0, 0),
           (200, "SYSCALL_ENTER", 0, CLIENT, 64, 0, 0),
           (300, "SYSCALL_EXIT", 0, CLIENT, 64, 0, 0),
           (400, "SYSCALL_ENTER", 0, CLIENT, 501, 0, 0),
           (410, "MARK_END", 0, CLIENT, 0, 0, 0, "handle request"),
           (420, "SYSCALL_EXIT", 0, CLIENT, 501, 0, 0)]
    doc, warnings = converted(make_trace(evs, ncpus=1, names=NAMES))
    (mark,) = events(doc, "X", "handle request")
    assert (mark["ts"], mark["dur"]) == (Decimal("0.1"), Decimal("0.32"))
    assert warnings == []


def test_counters_and_page_faults():
    evs = [(100, "COUNTER", 0, CPU0, 1, 0, 1000), (200, "COUNTER", 0, CPU0, 1, 0, 990),
           (250, "COUNTER", 1, CPU0 + 1, 2, 0, 3),
           (300, "PAGE_FAULT", 0, CPU0, 5, 0, 0x1000)]
    doc, _ = converted(make_trace(evs))
    mem = events(doc, "C", "memory")
    assert [e["args"]["free_frames"] for e in mem] == [1000, 990, 990]  # held to the end
    assert events(doc, "C", "runq cpu1")[0]["args"]["tasks"] == 3
    (pf,) = events(doc, "i", "page fault")
    assert pf["args"]["address"] == "0x1000" and pf["args"]["flags"] == "write,user"


def test_timestamps_are_exact_nanoseconds_from_the_counter():
    # 62.5 MHz, QEMU virt's counter: one tick is 16 ns.
    evs = [(1, "MARK_INSTANT", 0, CPU0, 0, 0, 0, "a"),
           (62500001, "MARK_INSTANT", 0, CPU0, 0, 0, 0, "b")]
    doc, _ = converted(make_trace(evs, ncpus=1, cntfrq=62500000))
    ts = [e["ts"] for e in events(doc, "i")]
    assert ts == [Decimal("0.016"), Decimal("1000000.016")]


def test_file_round_trip_and_torn_slot():
    raw = make_trace(ipc_round_trip(), names=NAMES)
    h = L.structs["trace_file_header"]
    st = L.structs["trace_ring_state"]
    d = L.defines
    data = h.codec.pack(d["TRACE_FILE_MAGIC"], d["TRACE_FORMAT_VERSION"], h.size,
                        L.record.size, d["TRACE_NAME_SIZE"], st.size, 2, raw.cntfrq,
                        raw.capacity, 0, d["TRACE_CAT_ALL"], 0, 400)
    for r in raw.rings:
        slots = bytearray(r.slots)
        if r.cpu == 1:  # a slot a debugger read mid-write: wrong cpu field
            slots[10:12] = (7).to_bytes(2, "little")
        data += bytes(slots) + st.codec.pack(r.cpu, 0, r.head, r.first, r.dropped)
    back = loupetrace.RawTrace.from_bytes(data)
    assert [r.head for r in back.rings] == [r.head for r in raw.rings]
    assert len(back.all_records()) == len(raw.all_records()) - 1
    with pytest.raises(loupetrace.TraceFormatError):
        loupetrace.RawTrace.from_bytes(data[:-1])
    with pytest.raises(loupetrace.TraceFormatError):
        loupetrace.RawTrace.from_bytes(b"X" * len(data))


def test_from_memory_is_what_gdb_will_use():
    raw = make_trace(ipc_round_trip(), names=NAMES)
    again = loupetrace.RawTrace.from_memory(
        raw.cntfrq, [(r.cpu, r.slots, r.head, r.first, r.dropped) for r in raw.rings],
        names=raw.names)
    assert loupetrace.convert(again) == loupetrace.convert(raw)
