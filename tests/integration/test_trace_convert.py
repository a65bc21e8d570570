"""The trace converter on hand-made records: IPC arrows, overflow, markers,
timestamps. No QEMU: these run in milliseconds."""
import json
import os
import struct
import subprocess
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
    """The document as a file reader sees it, checked; each dur is replaced
    by the exact nanoseconds it stands for (the file holds the double
    fitted to ts + dur, see the float tests below), in microseconds."""
    warnings = []
    doc = loupetrace.convert(raw, warnings)
    # Round-trip through JSON text, as a file reader would see it.
    doc = json.loads(json.dumps(doc), parse_float=Decimal)
    errors = loupetrace.check_trace(doc)
    assert errors == [], errors
    for e in doc["traceEvents"]:
        if e["ph"] == "X":
            e["dur"] = Decimal(loupetrace.dur_ns(e["dur"])) / 1000
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
    # Perfetto draws an arrow from the end of its first slice: the call's
    # leaves from a point where the message is sent, not from the end of
    # ipc_call, which waits for the reply.
    call_out = next(e for e in outs.values() if e["name"] == "ipc_send")
    assert call_out["tid"] == CLIENT and call_out["pid"] == CLIENT_PID
    assert (call_out["ts"], call_out["dur"]) == (Decimal("0.11"), 0)
    assert ins[call_out["bind_id"]]["tid"] == SERVER           # call -> server's receive
    assert ins[call_out["bind_id"]]["name"] == "ipc_received"
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


def test_handoff_that_ends_the_partners_wait_is_two_records_for_a_round_trip():
    """Format 3: when the partner blocked in the fast path too, the kernel
    resumes it straight in user space and its IPC_RECV_DONE / IPC_CALL_DONE
    is not recorded; bit TRACE_HANDOFF_ENDS_WAIT of handoff_tid says the
    handoff ended it, with the badge above. The same slices and arrows as
    from four records, the partner's part 1 ns after the handoff."""
    ends = 1 << L.defines["TRACE_HANDOFF_ENDS_WAIT"]
    badge = 0x42 << L.defines["TRACE_HANDOFF_BADGE_SHIFT"]
    evs = [(50, "IPC_RECV", 0, SERVER, EP, 0, 0),
           (60, "SCHED_SWITCH", 0, SERVER, CLIENT, 1, 0),
           (100, "IPC_CALL", 0, CLIENT, EP, 7, SERVER | ends | badge),
           (200, "IPC_REPLY_RECV", 0, SERVER, EP, 7, CLIENT | ends),
           (300, "IPC_CALL", 0, CLIENT, EP, 8, SERVER | ends | badge)]
    doc, warnings = converted(make_trace(evs, ncpus=1, names=NAMES, export_ts=400))
    assert warnings == []
    d = Decimal
    received = [(e["tid"], e["ts"], e["args"]["msg"], e["args"]["badge"])
                for e in events(doc, "X", "ipc_received")]
    assert received == [(SERVER, d("0.101"), 7, 0x42), (SERVER, d("0.301"), 8, 0x42)]
    returns = [(e["tid"], e["ts"], e["args"]["msg"]) for e in events(doc, "X", "ipc_return")]
    assert returns == [(CLIENT, d("0.201"), 7)]
    calls = [(e["ts"], e["dur"], e["args"]["handoff_tid"]) for e in events(doc, "X", "ipc_call")]
    assert calls[0] == (d("0.1"), d("0.101"), SERVER)
    syscalls = sorted((e["tid"], e["name"], e["ts"], e["dur"]) for e in events(doc, "X", "syscall"))
    assert syscalls[:3] == [(CLIENT, "syscall ipc_call", d("0.1"), d("0.101")),
                            (CLIENT, "syscall ipc_call", d("0.3"), d("0.1")),
                            (SERVER, "syscall ipc_recv", d("0.05"), d("0.051"))]
    outs = {e["bind_id"]: e for e in events(doc) if e.get("flow_out")}
    ins = {e["bind_id"]: e for e in events(doc) if e.get("flow_in")}
    assert len(outs) == 3 and outs.keys() == ins.keys()


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


# ---- what the scheduler's records say --------------------------------------

def runs(doc):
    """The CPU tracks' slices as (cpu, task name, end_state or None)."""
    return [(e["tid"] - 20000, e["name"], e["args"].get("end_state"))
            for e in events(doc, "X") if e["cat"] == "sched"]


def test_switch_prev_state_is_the_end_state_of_the_slice_it_ends():
    # TRACE_TASK_*: 0 preempted, 1 blocked, 2 exited; 7 is no state the
    # header knows, and stays a number rather than a wrong name.
    evs = [(100, "SCHED_SWITCH", 0, CPU0, CLIENT, 0, 0),
           (200, "SCHED_SWITCH", 0, CLIENT, SERVER, 0, 0),
           (300, "SCHED_SWITCH", 0, SERVER, CLIENT, 1, 0),
           (400, "TASK_EXIT", 0, CLIENT, CLIENT, 0, 0),
           (410, "SCHED_SWITCH", 0, CLIENT, SERVER, 2, 0),
           (500, "SCHED_SWITCH", 0, SERVER, CPU0, 7, 0)]
    doc, warnings = converted(make_trace(evs, ncpus=1, names=NAMES, export_ts=600))
    assert warnings == []
    assert runs(doc) == [(0, "client", "preempted"), (0, "server", "blocked"),
                         (0, "client", "exited"), (0, "server", 7), (0, "cpu0", None)]
    assert [L.defines["TRACE_TASK_" + s] for s in ("PREEMPTED", "BLOCKED", "EXITED")] == [0, 1, 2]


def test_ipc_handoff_ends_the_senders_run_blocked():
    evs = [(50, "IPC_RECV", 0, SERVER, EP, 0, 0),
           (60, "SCHED_SWITCH", 0, SERVER, CLIENT, 1, 0)] + ipc_handoff_round_trip()
    doc, _ = converted(make_trace(evs, ncpus=1, names=NAMES, export_ts=400))
    assert runs(doc) == [(0, "server", "blocked"), (0, "client", "blocked"),
                         (0, "server", "blocked"), (0, "client", None)]


def test_run_queue_counter_is_one_track_per_cpu():
    # RUNQ_LEN is per CPU: each CPU's tick records its own count.
    runq = L.defines["TRACE_COUNTER_RUNQ_LEN"]
    evs = [(100, "COUNTER", 0, CPU0, runq, 0, 2), (150, "COUNTER", 1, CPU0 + 1, runq, 0, 0),
           (200, "COUNTER", 0, CPU0, runq, 0, 1), (250, "COUNTER", 1, CPU0 + 1, runq, 0, 3)]
    doc, _ = converted(make_trace(evs, export_ts=300))
    tracks = {}
    for e in events(doc, "C", "runq"):
        tracks.setdefault(e["name"], []).append(e["args"]["tasks"])
    assert tracks == {"runq cpu0": [2, 1, 1], "runq cpu1": [0, 3, 3]}   # held to the end


def test_unnamed_tasks_fall_back_to_their_id():
    """What test_trace_boot's naming check rejects in a real trace."""
    evs = [(100, "SCHED_SWITCH", 0, CPU0, 7, 0, 0), (200, "SYSCALL_ENTER", 0, 7, 64, 0, 0),
           (300, "SYSCALL_EXIT", 0, 7, 64, 0, 0)]
    doc, _ = converted(make_trace(evs, ncpus=1))
    names = {e["args"]["name"] for e in events(doc, "M", "thread_name")}
    assert "task 7" in names


# ---- object names -----------------------------------------------------------

def test_named_endpoints_and_notifications_label_their_slices():
    ntfn, other_ep, other_ntfn = 12, 21, 22
    names = NAMES[:4] + [("endpoint", EP, 0, "demo"), ("notification", ntfn, 0, "spin-progress")]
    evs = ipc_round_trip() + [
        (400, "NOTIFY_WAIT", 0, CLIENT, ntfn, 0, 0),
        (450, "SYSCALL_ENTER", 1, SERVER, 0x416, 0, ntfn),
        (460, "NOTIFY_SIGNAL", 1, SERVER, ntfn, 0, 0x5),
        (470, "SYSCALL_EXIT", 1, SERVER, 0x416, 0, 0),
        (500, "NOTIFY_WAIT_DONE", 0, CLIENT, ntfn, 0, 0x5),
        (600, "IPC_CALL", 0, CLIENT, other_ep, 9, 0),
        (700, "NOTIFY_WAIT", 1, SERVER, other_ntfn, 0, 0)]
    doc, warnings = converted(make_trace(evs, names=names, export_ts=800))
    assert warnings == []
    labels = {(e["tid"], e["name"]) for e in events(doc) if e["ph"] in "Xi"}
    assert {(CLIENT, "ipc_call demo"), (SERVER, "ipc_recv demo"),
            (CLIENT, "notify_wait spin-progress"), (SERVER, "signal spin-progress"),
            # Objects nobody named keep their ids.
            (CLIENT, "ipc_call ep21"), (SERVER, "notify_wait ntfn22")} <= labels
    (wait,) = events(doc, "X", "notify_wait spin-progress")
    assert wait["args"] == {"notification": ntfn, "bits": 5}     # the word it took
    assert (wait["ts"], wait["dur"]) == (Decimal("0.4"), Decimal("0.1"))
    (signal,) = events(doc, "i", "signal spin-progress")
    assert signal["args"] == {"notification": ntfn, "bits": 5}


def test_reply_recorded_after_the_client_already_returned():
    """The kernel records IPC_REPLY when ipc_reply is done, after it woke
    the client, which may return on another CPU before that record. The
    reply's arrow leaves at the wakeup inside the server's ipc_reply."""
    evs = [(50, "IPC_RECV", 1, SERVER, EP, 0, 0),
           (100, "IPC_CALL", 0, CLIENT, EP, 44, 0),
           (150, "IPC_RECV_DONE", 1, SERVER, EP, 44, 0),
           (200, "SYSCALL_ENTER", 1, SERVER, 0x41a, 0, 0),
           (250, "SCHED_WAKEUP", 1, SERVER, CLIENT, 0, 0),
           (300, "IPC_CALL_DONE", 0, CLIENT, EP, 44, 0),
           (320, "IPC_REPLY", 1, SERVER, CLIENT, 44, 0),
           (330, "SYSCALL_EXIT", 1, SERVER, 0x41a, 0, 0)]
    doc, warnings = converted(make_trace(evs, names=NAMES, export_ts=400))
    assert warnings == []
    (reply,) = events(doc, "X", "ipc_reply")
    (back,) = events(doc, "X", "ipc_return")
    assert reply["ts"] == Decimal("0.25") and reply.get("flow_out")
    assert back["bind_id"] == reply["bind_id"] and back.get("flow_in")


# ---- durations a viewer's floating point gets right -------------------------

def thread_firsts(doc):
    first = {}
    for e in events(doc, "X"):
        key = (e["pid"], e["tid"])
        first[key] = min(first.get(key, float(e["ts"])), float(e["ts"]))
    return first


def exact_end(e):
    """Where a slice read as JSON floats ends, in exact decimal."""
    return Decimal(repr(e["ts"])) + Decimal(loupetrace.dur_ns(e["dur"])) / 1000


def test_slices_end_exactly_where_the_next_begins_in_double_arithmetic():
    """speedscope computes each end as (ts - the thread's first ts) + dur
    in doubles, and nests by comparing that with the next slice's ts -
    first. With three-decimal durations cpu0's end came out 1.7e-12 us
    after init's start (the two slices of a real make trace below); the
    converter's durations make every end exact in that sum, and in the
    plain ts + dur wherever a double allows both, and still round to the
    exact nanoseconds Perfetto takes."""
    evs = [(30966128, "MARK_INSTANT", 0, CPU0, 0, 0, 0, "boot"),
           (31594816, "SCHED_SWITCH", 0, CPU0, CLIENT, 0, 0)]
    t = 31594816
    for i in range(200):     # back-to-back syscalls and points of all lengths
        evs += [(t, "SYSCALL_ENTER", 0, CLIENT, 64, 0, 0),
                (t + 17 + i * 131, "SYSCALL_EXIT", 0, CLIENT, 64, 0, 0)]
        t += 17 + i * 131
    evs += [(t, "SCHED_SWITCH", 0, CLIENT, CPU0, 1, 0)]
    raw = make_trace(evs, ncpus=1, capacity=1024, names=NAMES, export_ts=t + 5000)
    doc = json.loads(json.dumps(loupetrace.convert(raw)))   # floats, as JavaScript sees them
    assert loupetrace.check_trace(doc) == []
    first = thread_firsts(doc)
    ends = {Decimal(r["ts"]) / 1000 for r in raw.all_records()} | {Decimal(t + 5000) / 1000}
    plain = 0
    for e in events(doc, "X"):
        ts, dur, o = e["ts"], e["dur"], first[(e["pid"], e["tid"])]
        end = exact_end(e)
        assert end in ends          # Perfetto's nanoseconds: exactly a record's time
        assert (ts - o) + dur == float(end) - o, e
        plain += ts + dur == float(end)
    assert plain >= 0.9 * len(events(doc, "X"))
    (cpu0_run, init_like) = [e for e in events(doc, "X") if e["cat"] == "sched"][:2]
    assert cpu0_run["ts"] + cpu0_run["dur"] == init_like["ts"] == 31594.816
    # The three-decimal duration the converter used to write misses it.
    assert (30966.128 - 30966.128) + 628.688 != 31594.816 - 30966.128


def test_zero_length_slices_end_just_after_they_start():
    """An arrow's end (ipc_reply, ipc_received, ipc_return) is a slice of
    0 ns for Perfetto, but a duration a double sum can see: speedscope
    takes an end before a begin at the same time, so a point starting with
    a longer slice would end before it began."""
    raw = make_trace(ipc_handoff_round_trip(), ncpus=1, names=NAMES, export_ts=400)
    doc = json.loads(json.dumps(loupetrace.convert(raw)))
    first = thread_firsts(doc)
    points = [e for e in events(doc, "X") if loupetrace.dur_ns(e["dur"]) == 0]
    assert {"ipc_received", "ipc_reply", "ipc_return"} <= {e["name"] for e in points}
    for e in points:
        ts, dur, o = e["ts"], e["dur"], first[(e["pid"], e["tid"])]
        assert ts < ts + dur < ts + 0.001 and (ts - o) < (ts - o) + dur < (ts - o) + 0.001


def test_durations_round_to_whole_nanoseconds():
    assert loupetrace.dur_ns(628.6880000000001) == 628688
    assert loupetrace.dur_ns(Decimal("628.68799999999987")) == 628688
    assert loupetrace.dur_ns(5) == 5000 and loupetrace.dur_ns(0) == 0
    assert loupetrace.dur_ns(0.0004) is None        # 0.4 ns: not a whole nanosecond
    assert loupetrace.dur_ns(-0.001) is None and loupetrace.dur_ns("1") is None
    for start, end, first in [(30966128, 31594816, 30966128), (1, 2, 1), (999, 999, 1),
                              (123456789012, 123456789013, 1000), (5, 10 ** 12, 5)]:
        assert loupetrace.dur_ns(loupetrace.x_dur(start, end, first)) == end - start


# ---- kernel symbols ---------------------------------------------------------

KERNEL = 0xffffffff80000000
TIMER_TICK, IPI_HANDLER, TRACE_RINGS = KERNEL + 0x39d0, KERNEL + 0x3bb0, KERNEL + 0x40000


def tiny_elf(symbols):
    """An ELF64 little-endian file with just a symbol table: (name,
    address, size, type) with type 2 a function, 1 an object."""
    strtab, syms = b"\0", [bytes(24)]
    for name, addr, size, kind in symbols:
        syms.append(struct.pack("<IBBHQQ", len(strtab), 0x10 | kind, 0, 1, addr, size))
        strtab += name.encode() + b"\0"
    shstrtab = b"\0.symtab\0.strtab\0.shstrtab\0"
    symtab = b"".join(syms)
    body = symtab + strtab + shstrtab
    shoff = 64 + len(body)
    header = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9) + struct.pack(
        "<HHIQQQIHHHHHH", 2, 183, 1, KERNEL, 0, shoff, 0, 64, 56, 0, 64, 4, 3)
    sections = [bytes(64),
                struct.pack("<IIQQQQIIQQ", 1, 2, 0, 0, 64, len(symtab), 2, 1, 8, 24),
                struct.pack("<IIQQQQIIQQ", 9, 3, 0, 0, 64 + len(symtab), len(strtab), 0, 0, 1, 0),
                struct.pack("<IIQQQQIIQQ", 17, 3, 0, 0, 64 + len(symtab) + len(strtab),
                            len(shstrtab), 0, 0, 1, 0)]
    return header + body + b"".join(sections)


SYMS = [("timer_tick", TIMER_TICK, 0x100, 2), ("ipi_handler", IPI_HANDLER, 0x80, 2),
        ("$x", TIMER_TICK, 0, 0), ("trace_rings", TRACE_RINGS, 0x400, 1)]


def test_kernel_symbols_from_an_elf_file():
    syms = loupetrace.KernelSymbols.from_bytes(tiny_elf(SYMS))
    assert syms.lookup(TIMER_TICK) == "timer_tick"          # not the $x mapping symbol
    assert syms.lookup(TIMER_TICK + 0x24) == "timer_tick+0x24"
    assert syms.lookup(TIMER_TICK + 0x100) is None          # past its size
    assert syms.lookup(TRACE_RINGS + 0x20) == "trace_rings+0x20"
    assert syms.widen(TIMER_TICK & 0xffffffff) == TIMER_TICK
    with pytest.raises(loupetrace.ElfError):
        loupetrace.KernelSymbols.from_bytes(b"\x7fELF" + bytes(60))
    with pytest.raises(loupetrace.ElfError):
        loupetrace.KernelSymbols.from_bytes(b"not an elf")


def test_interrupts_are_named_by_their_handler_and_kernel_addresses_by_symbol():
    """With the kernel's symbols, an interrupt whose name-table entry
    carries its handler's address (the low 32 bits, in owner) shows the
    handler; a fault on a kernel address shows where it landed. Without
    them, or without the address, the trace is as before."""
    syms = loupetrace.KernelSymbols.from_bytes(tiny_elf(SYMS))
    names = NAMES + [("irq", 27, TIMER_TICK & 0xffffffff, "timer"), ("irq", 2, 0, "ipi-resched")]
    evs = [(100, "IRQ_ENTER", 0, CPU0, 27, 0, 0), (150, "IRQ_EXIT", 0, CPU0, 27, 0, 0),
           (200, "IRQ_ENTER", 0, CPU0, 2, 0, 0), (250, "IRQ_EXIT", 0, CPU0, 2, 0, 0),
           (300, "PAGE_FAULT", 0, CLIENT, 5, 0, TRACE_RINGS + 0x20),
           (400, "PAGE_FAULT", 0, CLIENT, 5, 0, 0x1000)]
    raw = make_trace(evs, ncpus=1, names=names, export_ts=500)
    doc = json.loads(json.dumps(loupetrace.convert(raw, symbols=syms)), parse_float=Decimal)
    assert loupetrace.check_trace(doc) == []
    for ph in "Xi":
        (timer,) = events(doc, ph, "irq 27 timer")
        assert timer["args"] == {"irq": 27, "handler": "timer_tick"}
        (ipi,) = events(doc, ph, "irq 2 ipi-resched")
        assert ipi["args"] == {"irq": 2}
    faults = [e["args"] for e in events(doc, "i", "page fault")]
    assert faults == [{"flags": "write,user", "address": "0xffffffff80040020",
                       "symbol": "trace_rings+0x20"},
                      {"flags": "write,user", "address": "0x1000"}]
    assert doc["metadata"]["kernel_symbols"] == 3
    plain = json.loads(json.dumps(loupetrace.convert(raw)))
    assert events(plain, "X", "irq 27 timer")[0]["args"] == {"irq": 27}
    assert plain["metadata"]["kernel_symbols"] == 0


def test_a_fault_pc_is_symbolized_when_the_record_carries_it():
    """If PAGE_FAULT's row in trace_format.h names a1 `pc` (the faulting
    pc's low 32 bits), a kernel-mode fault's pc shows as a symbol and a
    user one as an address."""
    with open(loupetrace.layout.HEADER) as f:
        text = f.read()
    assert '"flags - address"' in text or '"flags pc address"' in text
    layout = loupetrace.Layout(text.replace('"flags - address"', '"flags pc address"'))
    syms = loupetrace.KernelSymbols.from_bytes(tiny_elf(SYMS))
    evs = [(100, "PAGE_FAULT", 0, CLIENT, 1, (TIMER_TICK + 8) & 0xffffffff, 0x7f000),
           (200, "PAGE_FAULT", 0, CLIENT, 5, 0x401234, 0x7f000)]
    raw = make_trace(evs, ncpus=1, names=NAMES, export_ts=300, layout=layout)
    doc = loupetrace.convert(raw, symbols=syms)
    faults = [e["args"] for e in doc["traceEvents"] if e["name"] == "page fault"]
    assert [(a["flags"], a["pc"]) for a in faults] == [("write", "timer_tick+0x8"),
                                                       ("write,user", "0x401234")]


def trace_file(raw):
    """The bytes of the file the kernel writes at power-off (tracefile=)."""
    h, st = L.structs["trace_file_header"], L.structs["trace_ring_state"]
    name_s, d = L.structs["trace_name"], L.defines
    data = h.codec.pack(d["TRACE_FILE_MAGIC"], d["TRACE_FORMAT_VERSION"], h.size,
                        L.record.size, d["TRACE_NAME_SIZE"], st.size, len(raw.rings),
                        raw.cntfrq, raw.capacity, len(raw.names), d["TRACE_CAT_ALL"], 0,
                        raw.export_ts or 0)
    for r in raw.rings:
        data += bytes(r.slots) + st.codec.pack(r.cpu, 0, r.head, r.first, r.dropped)
    for n in raw.names:
        data += name_s.codec.pack(n["kind"], 0, n["id"], n["owner"], n["name"].encode())
    return data


def test_convert_py_takes_the_kernel_image_for_its_symbols(tmp_path):
    names = NAMES + [("irq", 27, TIMER_TICK & 0xffffffff, "timer")]
    raw = make_trace([(100, "IRQ_ENTER", 0, CPU0, 27, 0, 0), (150, "IRQ_EXIT", 0, CPU0, 27, 0, 0)],
                     ncpus=1, names=names, export_ts=200)
    (tmp_path / "trace.bin").write_bytes(trace_file(raw))
    (tmp_path / "kernel.elf").write_bytes(tiny_elf(SYMS))
    script = os.path.join(os.path.dirname(__file__), "..", "..", "trace", "convert.py")
    run = subprocess.run([sys.executable, script, str(tmp_path / "trace.bin"), "-o",
                          str(tmp_path / "trace.json"), "--elf", str(tmp_path / "kernel.elf"),
                          "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    doc = json.loads((tmp_path / "trace.json").read_text())
    assert events(doc, "X", "irq 27 timer")[0]["args"]["handler"] == "timer_tick"
    bad = subprocess.run([sys.executable, script, str(tmp_path / "trace.bin"), "--elf",
                          str(tmp_path / "trace.bin")], capture_output=True, text=True)
    assert bad.returncode == 1 and "trace.bin: not an ELF file" in bad.stderr
