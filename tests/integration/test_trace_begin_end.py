"""loupetrace.begin_end: the same slices as begin/end pairs, exactly, with
every boundary a number in the file (what a viewer that adds ts + dur in
floating point cannot get wrong whatever the durations are). No QEMU, no
browser: these run in milliseconds."""
import json
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "trace"))
import loupetrace  # noqa: E402
from loupetrace import make_trace  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
L = loupetrace.load_layout()
CPU0 = L.defines["TRACE_TID_CPU_BASE"]
CLIENT, SERVER, EP = 5, 6, 9
NAMES = [("task", CLIENT, 3, "client"), ("task", SERVER, 4, "server"),
         ("process", 3, 0, "client"), ("process", 4, 0, "server"), ("endpoint", EP, 0, "echo")]


def as_file(doc):
    """Through JSON text, as a viewer reads it, with exact numbers."""
    return json.loads(json.dumps(doc), parse_float=Decimal)


def slices(doc):
    """Every slice as (pid, tid, name, cat, args, start, end, flow), from X
    events or matched B/E pairs, in exact decimal microseconds (an X's end
    from the whole nanoseconds its dur stands for, as Perfetto takes it)."""
    out, open_b = [], {}
    for e in doc["traceEvents"]:
        key = (e.get("pid"), e.get("tid"))
        flow = (e.get("bind_id"), e.get("flow_out", False), e.get("flow_in", False))
        if e["ph"] == "X":
            end = e["ts"] + Decimal(loupetrace.dur_ns(e["dur"])) / 1000
            out.append((*key, e["name"], e.get("cat"), json.dumps(e.get("args"), sort_keys=True),
                        e["ts"], end, flow))
        elif e["ph"] == "B":
            open_b.setdefault(key, []).append(e)
        elif e["ph"] == "E":
            b = open_b[key].pop()
            assert (b["name"], b.get("args")) == (e["name"], e.get("args"))
            out.append((*key, b["name"], b.get("cat"), json.dumps(b.get("args"), sort_keys=True),
                        b["ts"], e["ts"], (b.get("bind_id"), b.get("flow_out", False),
                                           b.get("flow_in", False))))
    assert all(not v for v in open_b.values())
    return sorted(out, key=repr)


def others(doc):
    return [e for e in doc["traceEvents"] if e["ph"] not in "XBE"]


def busy_trace():
    """Converter output with everything that meets at one instant: syscalls,
    IPC with zero-length arrow ends, a marker ending with its syscall,
    back-to-back tasks on a CPU track, interrupts, counters."""
    evs = [
        (40, "SCHED_SWITCH", 1, CPU0 + 1, SERVER, 0, 0),
        (50, "SYSCALL_ENTER", 1, SERVER, 2, 0, 0),
        (60, "IPC_RECV", 1, SERVER, EP, 0, 0),
        (90, "SCHED_SWITCH", 0, CPU0, CLIENT, 0, 0),
        (95, "SYSCALL_ENTER", 0, CLIENT, 1031, 0, 0),
        (95, "MARK_BEGIN", 0, CLIENT, 0, 0, 0, "request"),
        (97, "SYSCALL_EXIT", 0, CLIENT, 1031, 0, 0),
        (100, "SYSCALL_ENTER", 0, CLIENT, 1, 0, 0),
        (110, "IPC_CALL", 0, CLIENT, EP, 7, 0x42),
        (130, "IRQ_ENTER", 0, CLIENT, 27, 0, 0),
        (140, "IRQ_EXIT", 0, CLIENT, 27, 0, 0),
        (150, "IPC_RECV_DONE", 1, SERVER, EP, 7, 0x42),
        (160, "SYSCALL_EXIT", 1, SERVER, 2, 0, 0),
        (200, "SYSCALL_ENTER", 1, SERVER, 3, 0, 0),
        (210, "IPC_REPLY_RECV", 1, SERVER, EP, 7, 0),
        (300, "IPC_CALL_DONE", 0, CLIENT, EP, 7, 0),
        (310, "SYSCALL_EXIT", 0, CLIENT, 1, 0, 0),
        (310, "SCHED_SWITCH", 0, CPU0, CPU0, 0, 0),
        (320, "COUNTER", 0, CPU0, 1, 0, 990),
        (400, "SYSCALL_ENTER", 0, CLIENT, 1031, 0, 0),
        (401, "MARK_END", 0, CLIENT, 0, 0, 0, "request"),
        (402, "SYSCALL_EXIT", 0, CLIENT, 1031, 0, 0),
    ]
    doc = loupetrace.convert(make_trace(evs, names=NAMES + [("irq", 27, 0, "timer")]))
    return json.loads(json.dumps(doc))   # what json.load gives a viewer


def test_same_slices_flows_instants_and_counters():
    doc = busy_trace()
    be = as_file(loupetrace.begin_end(doc))
    doc = as_file(doc)
    assert loupetrace.check_trace(doc) == []
    assert loupetrace.check_trace(be) == []
    assert not any(e["ph"] == "X" for e in be["traceEvents"])
    assert slices(be) == slices(doc)
    assert sorted(map(repr, others(be))) == sorted(map(repr, others(doc)))
    assert be["metadata"] == doc["metadata"]
    # The arrows stay on the begin of the same slices; ends carry none.
    assert any(e.get("flow_out") for e in be["traceEvents"] if e["ph"] == "B")
    assert not any("bind_id" in e for e in be["traceEvents"] if e["ph"] == "E")


def test_input_is_not_changed():
    doc = busy_trace()
    before = json.dumps(doc, default=str)
    loupetrace.begin_end(doc)
    assert json.dumps(doc, default=str) == before


def replay(doc):
    """Replay one thread's B/E events in file order, as a stack machine
    (Perfetto, and speedscope at equal times), and return the nesting
    [(depth, name)] it builds; fails if an end does not close the open
    slice of the same name."""
    stack, seen = [], []
    for e in doc["traceEvents"]:
        if e["ph"] == "B":
            seen.append((len(stack), e["name"]))
            stack.append(e["name"])
        elif e["ph"] == "E":
            assert stack and stack[-1] == e["name"], (stack, e)
            stack.pop()
    assert not stack
    return seen


def test_zero_length_slices_and_shared_boundaries_keep_their_order():
    def x(name, ts, dur):
        return {"ph": "X", "name": name, "pid": 1, "tid": 1, "ts": ts, "dur": dur, "args": {}}
    doc = {"traceEvents": [
        x("outer", 1.0, 9.0),
        x("wait", 2.5, 2.5), x("reply", 2.5, 0),       # zero-length beside a longer one
        x("a", 5.0, 1.016), x("b", 6.016, 1.0),        # b starts where a ends
        x("inner", 9.5, 0.5),                          # ends with outer
    ]}
    be = loupetrace.begin_end(doc)
    assert replay(be) == [(0, "outer"), (1, "reply"), (1, "wait"), (1, "a"), (1, "b"),
                          (1, "inner")]
    # Shared boundaries are the same number in the file, not two sums.
    ts = [(e["ph"], e["name"], e["ts"]) for e in be["traceEvents"]]
    assert ("E", "a", 6.016) in ts and ("B", "b", 6.016) in ts
    assert ("E", "inner", 10) in ts and ("E", "outer", 10) in ts
    assert [t[:2] for t in ts[-2:]] == [("E", "inner"), ("E", "outer")]


def test_good_fixture_and_make_trace_output_stay_valid():
    paths = [os.path.join(ROOT, "tests", "trace_fixtures", "good_minimal.json")]
    made = os.path.join(ROOT, "build", "trace.json")
    if os.path.exists(made):
        paths.append(made)
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        be = as_file(json.loads(json.dumps(loupetrace.begin_end(doc))))
        assert loupetrace.check_trace(be) == [], path
        with open(path) as f:
            assert slices(be) == slices(json.load(f, parse_float=Decimal)), path


def test_the_float_error_it_avoids():
    """Why it was made, with two slices of a real `make trace`: CPU 0 ran
    cpu0 from 30966.128 us for 628.688 us, then init. speedscope rebases
    each thread to its first event, so it compares init's start, 31594.816
    - 30966.128, with cpu0's end, 0 + 628.688, in binary floating point.
    (The converter now writes a dur fitted to that sum; begin/end pairs
    never depend on it.)"""
    assert 31594.816 - 30966.128 < 0 + 628.688        # init starts before cpu0 ends
    assert Decimal("31594.816") - Decimal("30966.128") == Decimal("628.688")
