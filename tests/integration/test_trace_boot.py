"""The tracer on a real boot: `make trace`, the content of its timeline,
ring overflow, the command-line and monitor controls."""
import json
import os
import subprocess
import sys

import pytest

import loupe

sys.path.insert(0, os.path.join(loupe.ROOT, "trace"))
import loupetrace  # noqa: E402

TIMER_IRQ = 27  # QEMU virt's EL1 virtual timer PPI


@pytest.fixture(scope="module")
def make_trace_json():
    """Run `make trace` once, as a user would, and load build/trace.json."""
    loupe.make("trace", timeout=loupe.BOOT_TIMEOUT * 2, check=True)
    path = os.path.join(loupe.ROOT, "build", "trace.json")
    with open(path) as f:
        return path, json.load(f)


def boot_and_convert(tmp_path, lab, cmdline, smp=2):
    out_bin = tmp_path / "trace.bin"
    status, console = loupe.run(lab=lab, smp=smp, cmdline="%s tracefile=%s" % (cmdline, out_bin))
    assert out_bin.exists(), console
    raw = loupetrace.RawTrace.from_file(str(out_bin))
    doc = json.loads(json.dumps(loupetrace.convert(raw)))
    return status, console, raw, doc


def test_make_trace_output_passes_the_checker(make_trace_json):
    path, _ = make_trace_json
    assert loupetrace.check_file(path) == []


def test_make_trace_shows_both_cpus_and_names_every_thread(make_trace_json):
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    timer = "irq %d timer" % TIMER_IRQ
    cpu_tracks = {e["tid"] for e in evs if e["ph"] == "X" and e["name"] == timer}
    assert len(cpu_tracks) == 2, "timer interrupts on %d CPU tracks" % len(cpu_tracks)
    running = {e["tid"] for e in evs if e["ph"] == "X" and e["cat"] == "sched"}
    assert running == cpu_tracks  # each CPU track shows what ran there
    named = {(e["pid"], e["tid"]) for e in evs if e["ph"] == "M" and e["name"] == "thread_name"}
    used = {(e["pid"], e["tid"]) for e in evs if e["ph"] != "M" and "tid" in e}
    assert used <= named
    assert {"cpu0", "cpu1", "CPU 0", "CPU 1"} <= \
        {e["args"]["name"] for e in evs if e["name"] == "thread_name"}
    marks = {e["name"] for e in evs if e.get("cat") == "mark"}
    # ipcdemo's client and server label their work with markers.
    assert {"request", "handle request", "power off"} <= marks
    names = {e["args"]["name"] for e in evs if e["name"] == "thread_name"}
    assert {"init", "ipcdemo"} <= names
    assert any(e["ph"] == "C" and "free_frames" in e["args"] for e in evs)
    meta = doc["metadata"]
    assert meta["cpus"] == 2 and "dropped_records" in meta
    assert set(meta["dropped_per_cpu"]) == {"cpu0", "cpu1"}


def test_make_trace_every_ipc_call_is_received_and_answered(make_trace_json):
    """Every call (ipcdemo's 41, and the console calls that carry every
    program's output) has an arrow to the server's receive, and the
    server's reply an arrow back to the client."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    by_name = {}
    for e in evs:
        if e["ph"] == "X":
            by_name.setdefault(e["name"].split(" ")[0], []).append(e)
    calls, replies, returns = by_name["ipc_call"], by_name["ipc_reply"], by_name["ipc_return"]
    # A receive that returns a bound notification's signal carries no
    # message (msg 0): it answers no call.
    received = [e for e in by_name["ipc_received"] if e["args"]["msg"]]
    assert len(calls) == len(received) == len(replies) == len(returns)
    outs = {e["bind_id"] for e in evs if e.get("flow_out")}
    ins = {e["bind_id"] for e in evs if e.get("flow_in")}
    assert len(outs) == 2 * len(calls) and outs == ins  # one arrow each way per call
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in evs if e["name"] == "thread_name"}
    # init calls nothing but the console server; ipcdemo calls it too.
    console = {e["args"]["endpoint"] for e in calls if names[(e["pid"], e["tid"])] == "init"}
    assert len(console) == 1
    demo_calls = [e for e in calls if names[(e["pid"], e["tid"])] == "ipcdemo"
                  and e["args"]["endpoint"] not in console]
    client = {e["tid"] for e in demo_calls}
    server = {e["tid"] for e in received if e["args"]["endpoint"] == demo_calls[0]["args"]["endpoint"]}
    assert len(demo_calls) == 41
    assert len(client) == 1 and len(server) == 1 and client != server
    # Both CPUs ran tasks of the workload (the spinner competes for them).
    switches = {e["tid"] for e in evs if e["ph"] == "X" and e["cat"] == "sched"}
    assert len(switches) == 2


def test_overflowing_rings_are_counted_and_the_file_stays_valid(tmp_path):
    status, console, raw, doc = boot_and_convert(tmp_path, 1, "selftest tracebuf=16")
    assert status == 0, console
    assert raw.capacity == 16
    meta = doc["metadata"]
    assert meta["dropped_records"] > 0
    assert meta["dropped_records"] == sum(r.dropped for r in raw.rings)
    for r in raw.rings:
        assert r.head - r.first <= 16
    assert loupetrace.check_trace(doc) == []


def recorded_events(raw, doc):
    """Event names recorded, leaving out the marker trace_category_off's
    self test records while it switches markers on for a moment."""
    marks = [e["name"] for e in doc["traceEvents"] if e.get("cat") == "mark"]
    assert marks == ["category test"]
    return [raw.layout.events[r["id"]].name for r in raw.all_records()
            if raw.layout.events[r["id"]].name != "MARK_INSTANT"]


def test_trace_off_records_nothing_and_irq_only_records_irqs(tmp_path):
    _, console, raw, doc = boot_and_convert(tmp_path, 1, "selftest trace=off", smp=1)
    assert recorded_events(raw, doc) == [], console
    assert doc["metadata"]["categories"] == "off"
    _, console, raw, doc = boot_and_convert(tmp_path, 1, "selftest trace=irq", smp=1)
    assert set(recorded_events(raw, doc)) == {"IRQ_ENTER", "IRQ_EXIT"}, console
    assert doc["metadata"]["categories"] == "irq"


def test_malformed_trace_words_are_reported():
    _, out = loupe.run(lab=1, smp=1, cmdline="selftest trace=bogus tracebuf=100")
    assert "cmdline: malformed word 'trace=bogus' ignored" in out
    assert "cmdline: malformed word 'tracebuf=100' ignored" in out


def test_monitor_trace_command(console):
    c = console(lab=1, smp=2)
    c.expect("loupe> ")
    out = c.command("trace status")
    assert "trace: on (sched,ipc,irq,syscall,fault,counter,mark), overwrite mode, " \
        "16384 records per CPU" in out, out
    assert "cpu1" in out
    out = c.command("trace off")
    assert "trace: off, overwrite mode" in out
    out = c.command("trace on irq,mark")
    assert "trace: on (irq,mark)" in out
    assert "trace: cleared" in c.command("trace clear")
    out = c.command("trace mode stop")
    assert "stop mode" in out
    assert "usage: trace on" in c.command("trace sideways")
