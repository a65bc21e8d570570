"""The tracer on a real boot: `make trace`, the content of its timeline,
ring overflow, the command-line and monitor controls."""
import json
import os
import re
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


CPU_PID = 20000    # the pseudo-process of the per-CPU tracks (convert.py)


def names_of(evs, kind):
    """{(pid, tid): name} for thread_name, {pid: name} for process_name."""
    if kind == "thread_name":
        return {(e["pid"], e["tid"]): e["args"]["name"] for e in evs if e["name"] == kind}
    return {e["pid"]: e["args"]["name"] for e in evs if e["name"] == kind}


def slices(evs, name=None, tid=None, cat=None):
    """The complete events, by name prefix, thread and category."""
    return [e for e in evs if e["ph"] == "X" and (name is None or e["name"].startswith(name))
            and (tid is None or e["tid"] == tid) and (cat is None or e["cat"] == cat)]


def instants(evs, name=None, tid=None):
    return [e for e in evs if e["ph"] == "i" and (name is None or e["name"].startswith(name))
            and (tid is None or e["tid"] == tid)]


def end_of(e):
    return e["ts"] + e["dur"]


def within(point, outer):
    return outer["ts"] <= point["ts"] <= end_of(outer) + 1e-6


def ipcdemo_roles(evs):
    """Who is who in ipcdemo, from what the timeline shows: the driver is
    the task init creates; it creates the three others; the client calls
    the endpoint named demo, the server receives on it, and the spinner
    signals the notification named spin-progress."""
    (driver,) = [e["args"]["new_tid"] for e in instants(evs, "create ipcdemo", tid=1)]
    children = {e["args"]["new_tid"] for e in instants(evs, "create ipcdemo", tid=driver)}
    client = {e["tid"] for e in slices(evs, "ipc_call demo")}
    server = {e["tid"] for e in slices(evs, "ipc_recv demo")}
    spinner = {e["tid"] for e in instants(evs, "signal spin-progress")}
    assert len(client) == len(server) == len(spinner) == 1, (client, server, spinner)
    roles = {"driver": driver, "client": client.pop(), "server": server.pop(),
             "spinner": spinner.pop()}
    assert {roles["client"], roles["server"], roles["spinner"]} == children, (roles, children)
    return roles


def test_make_trace_names_every_thread_and_process(make_trace_json):
    """Every task and process is named from the kernel's name table: the
    converter's fallbacks ("task N", "process N") would mean a name the
    kernel never exported."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    threads, procs = names_of(evs, "thread_name"), names_of(evs, "process_name")
    used = {(e["pid"], e["tid"]) for e in evs if e["ph"] != "M" and "tid" in e}
    assert used <= set(threads)
    fallback = [n for n in threads.values() if re.fullmatch(r"task \d+", n)]
    fallback += [n for n in procs.values() if re.fullmatch(r"process \d+", n)]
    assert fallback == []
    tasks = {tid: name for (pid, tid), name in threads.items() if pid != CPU_PID}
    assert {"init", "console", "cpu0", "cpu1"} <= set(tasks.values())
    roles = ipcdemo_roles(evs)
    assert all(tasks[tid] == "ipcdemo" for tid in roles.values())
    assert {n for (pid, _), n in threads.items() if pid == CPU_PID} == {"CPU 0", "CPU 1"}
    # The CPU tracks name each run after the task that ran.
    for e in slices(evs, cat="sched"):
        assert e["name"] == tasks[e["args"]["tid"]], e
    meta = doc["metadata"]
    assert meta["cpus"] == 2 and "dropped_records" in meta and meta["names_lost"] == 0
    assert set(meta["dropped_per_cpu"]) == {"cpu0", "cpu1"}


def test_make_trace_both_cpus_ran_workload_tasks_at_once(make_trace_json):
    """Each CPU track has timer interrupts and runs of ipcdemo's tasks, and
    at some moment two of them ran side by side: the spinner competes
    with the client and server for the two CPUs."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    timer = "irq %d timer" % TIMER_IRQ
    assert {e["tid"] for e in slices(evs, timer)} == {CPU_PID, CPU_PID + 1}
    workload = set(ipcdemo_roles(evs).values())
    runs = {cpu: [e for e in slices(evs, cat="sched", tid=CPU_PID + cpu)
                  if e["args"]["tid"] in workload] for cpu in (0, 1)}
    assert runs[0] and runs[1], "a CPU ran no task of the workload"
    side_by_side = [(a, b) for a in runs[0] for b in runs[1]
                    if a["args"]["tid"] != b["args"]["tid"] and
                    a["ts"] < end_of(b) and b["ts"] < end_of(a)]
    assert side_by_side, "the two CPUs never ran two workload tasks at once"


def test_make_trace_markers_of_ipcdemo_and_the_console_server(make_trace_json):
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    roles = ipcdemo_roles(evs)
    # ipcdemo's client and server label their work; 40 requests and quit.
    assert len(slices(evs, "request", tid=roles["client"], cat="mark")) == 40
    assert len(slices(evs, "handle request", tid=roles["server"], cat="mark")) == 41
    assert len(instants(evs, "spin progress", tid=roles["driver"])) == 3
    # The export's last marker, on the track of init, which powers off.
    assert [e["tid"] for e in instants(evs, "power off")] == [1]
    # The console server marks each request it handles with its kind, and
    # the requests that print ipcdemo's lines are writes.
    threads = names_of(evs, "thread_name")
    (console,) = [tid for (pid, tid), n in threads.items() if n == "console" and pid != CPU_PID]
    marks = slices(evs, tid=console, cat="mark")
    assert "write" in {e["name"] for e in marks}
    assert {e["name"] for e in marks} <= {"write", "read", "events"}
    received = sorted(slices(evs, "ipc_received", tid=console), key=lambda e: e["ts"])
    for m in marks:
        # Each marks the message just received: a client's call (msg > 0),
        # or the server's bound notification (msg 0: "events").
        (last,) = [r for r in received if r["ts"] <= m["ts"]][-1:]
        assert (last["args"]["msg"] == 0) == (m["name"] == "events"), (m, last)


def test_make_trace_every_ipc_call_is_received_and_answered(make_trace_json):
    """Every call (ipcdemo's 41, and the console calls that carry every
    program's output) has an arrow to the server's receive, and the
    server's reply an arrow back to the client. Named endpoints show their
    names: demo (ipcdemo's) and console (the console server's)."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    calls, replies = slices(evs, "ipc_call"), slices(evs, "ipc_reply")
    returns = slices(evs, "ipc_return")
    # A receive that returns a bound notification's signal carries no
    # message (msg 0): it answers no call.
    received = [e for e in slices(evs, "ipc_received") if e["args"]["msg"]]
    assert len(calls) == len(received) == len(replies) == len(returns)
    outs = {e["bind_id"] for e in evs if e.get("flow_out")}
    ins = {e["bind_id"] for e in evs if e.get("flow_in")}
    assert len(outs) == 2 * len(calls) and outs == ins  # one arrow each way per call
    assert doc["metadata"]["converter_warnings"] == 0
    # Perfetto draws an arrow from the end of one slice to the start of the
    # other: each leaves and lands on a point, the call's from an ipc_send
    # inside its ipc_call.
    ends = [e for e in evs if "bind_id" in e]
    assert all(loupetrace.dur_ns(e["dur"]) == 0 for e in ends)
    sends = slices(evs, "ipc_send")
    assert len(sends) == len(calls)
    assert all(any(c["tid"] == s["tid"] and c["ts"] == s["ts"] for c in calls) for s in sends)
    assert {e["name"] for e in calls} == {"ipc_call demo", "ipc_call console"}
    threads = names_of(evs, "thread_name")
    init_calls = [e for e in calls if threads[(e["pid"], e["tid"])] == "init"]
    assert init_calls and {e["name"] for e in init_calls} == {"ipc_call console"}
    roles = ipcdemo_roles(evs)
    assert len(slices(evs, "ipc_call demo", tid=roles["client"])) == 41
    assert len(slices(evs, "ipc_recv demo", tid=roles["server"])) == 41
    console = {e["tid"] for e in slices(evs, "ipc_recv console")}
    assert len(console) == 1 and threads[(console.pop(), ) * 2] == "console"


def test_make_trace_tasks_are_created_run_and_exit(make_trace_json):
    """init creates ipcdemo, which creates its three tasks; each of the
    four exits with status 0, and its last run on a CPU track ends
    "exited". Every run of a task that a switch ends says why (the
    spinner is preempted only when it shares a CPU, so not always); the
    client's runs end blocked, in its calls and sleeps."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    roles = ipcdemo_roles(evs)
    for tid in roles.values():
        (exit_,) = instants(evs, "exit", tid=tid)
        assert exit_["args"] == {"exit_tid": tid, "status": 0}
        runs = sorted((e for e in slices(evs, cat="sched") if e["args"]["tid"] == tid),
                      key=lambda e: e["ts"])
        assert runs[-1]["args"]["end_state"] == "exited", runs[-1]
        assert runs[0]["ts"] >= [e for e in instants(evs, "create")
                                 if e["args"]["new_tid"] == tid][0]["ts"]
    states = {(e["args"]["tid"], e["args"].get("end_state")) for e in slices(evs, cat="sched")}
    assert {state for tid, state in states if tid in roles.values()} <= \
        {"preempted", "blocked", "exited"}
    assert (roles["client"], "blocked") in states


def test_make_trace_notification_signals_and_waits(make_trace_json):
    """The spinner signals spin-progress after each third of its run (bits
    1, 2, 4); the driver waits on it until it has all three, each wait
    ending no earlier than a signal of a bit it took."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    roles = ipcdemo_roles(evs)
    signals = instants(evs, "signal spin-progress", tid=roles["spinner"])
    assert [e["args"]["bits"] for e in signals] == [1, 2, 4]
    # Each signal is made inside the spinner's notify_signal system call.
    calls = slices(evs, "syscall notify_signal", tid=roles["spinner"])
    assert all(any(within(s, c) for c in calls) for s in signals)
    waits = slices(evs, "notify_wait spin-progress", tid=roles["driver"])
    assert 1 <= len(waits) <= 3
    taken = 0
    for w in waits:
        assert w["args"]["bits"] and not w["args"]["bits"] & taken
        taken |= w["args"]["bits"]
        assert any(s["args"]["bits"] & w["args"]["bits"] and s["ts"] <= end_of(w) + 1e-6
                   for s in signals), w
        (sc,) = [c for c in slices(evs, "syscall notify_wait", tid=roles["driver"])
                 if c["ts"] == w["ts"]]
        assert sc["args"]["result"] == 0
    assert taken == 7


def test_make_trace_page_faults_of_fresh_pages(make_trace_json):
    """ipcdemo's server touches a fresh anonymous page every fifth request:
    8 user write faults on 8 consecutive pages, each inside a "handle
    request" marker."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    roles = ipcdemo_roles(evs)
    faults = instants(evs, "page fault", tid=roles["server"])
    assert len(faults) == 8, faults
    assert {e["args"]["flags"] for e in faults} == {"write,user"}
    pages = sorted(int(e["args"]["address"], 16) for e in faults)
    assert [p - pages[0] for p in pages] == [n * 4096 for n in range(8)]
    handled = slices(evs, "handle request", tid=roles["server"])
    assert all(any(within(f, h) for h in handled) for f in faults)


def test_make_trace_system_calls_are_slices(make_trace_json):
    """Each system call is a slice named after it, with its number and
    result: the client's 40 pauses, the server's mmap, every marker call."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    roles = ipcdemo_roles(evs)
    sleeps = slices(evs, "syscall nanosleep", tid=roles["client"])
    assert len(sleeps) == 40
    assert {(e["args"]["nr"], e["args"]["result"]) for e in sleeps} == {(101, 0)}
    (mmap,) = slices(evs, "syscall mmap", tid=roles["server"])
    assert mmap["args"]["result"] > 0     # the address
    marks = slices(evs, "syscall trace_mark", tid=roles["client"])
    assert len(marks) == 80 and all(e["args"]["result"] == 0 for e in marks)
    end = doc["metadata"]["end_us"]
    for e in slices(evs, "syscall "):
        # Only the calls that never return have no result: exit_group, and
        # poweroff, still running at the end of the trace.
        assert "nr" in e["args"], e
        assert "result" in e["args"] or e["name"] == "syscall exit_group" or \
            end_of(e) >= end - 1e-6, e


def test_make_trace_run_queue_counter_of_each_cpu(make_trace_json):
    """Each CPU's tick records how many READY tasks it may run, as its own
    counter track of the kernel process."""
    _, doc = make_trace_json
    evs = doc["traceEvents"]
    runq = {}
    for e in evs:
        if e["ph"] == "C" and e["name"].startswith("runq"):
            assert e["pid"] == 10000 and isinstance(e["args"]["tasks"], int)
            runq.setdefault(e["name"], []).append(e["args"]["tasks"])
    assert set(runq) == {"runq cpu0", "runq cpu1"}
    assert all(v >= 0 for values in runq.values() for v in values)
    assert any(e["ph"] == "C" and "free_frames" in e["args"] for e in evs)


def nm_symbols(elf):
    """aarch64-linux-gnu-nm's functions: {address: name}."""
    out = subprocess.run(["aarch64-linux-gnu-nm", "-S", elf], capture_output=True, text=True,
                         check=True).stdout
    return {int(f[0], 16): f[3] for f in (line.split() for line in out.splitlines())
            if len(f) == 4 and f[2] in "tT"}


def test_convert_with_the_kernel_image_names_kernel_addresses(make_trace_json, tmp_path):
    """convert.py --elf build/kernel.elf reads the kernel's symbol table as
    the binutils do, and names each interrupt whose name-table entry gives
    its handler's address by that handler."""
    elf = os.path.join(loupe.ROOT, "build", "kernel.elf")
    out = tmp_path / "trace.json"
    run = subprocess.run([sys.executable, os.path.join(loupe.ROOT, "trace", "convert.py"),
                          os.path.join(loupe.ROOT, "build", "trace.bin"), "-o", str(out),
                          "--elf", elf, "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text())
    assert loupetrace.check_trace(doc) == []
    syms = loupetrace.KernelSymbols.from_elf(elf)
    nm = nm_symbols(elf)
    assert len(nm) > 300
    for addr, name in nm.items():
        assert syms.lookup(addr) == name or syms.functions.get(name) == addr, (hex(addr), name)
    assert doc["metadata"]["kernel_symbols"] == len(syms.addrs)
    raw = loupetrace.RawTrace.from_file(os.path.join(loupe.ROOT, "build", "trace.bin"))
    irq_kind = raw.layout.defines["TRACE_NAME_IRQ"]
    handlers = {n["id"]: nm.get(syms.widen(n["owner"])) for n in raw.names
                if n["kind"] == irq_kind and n["owner"]}
    for e in slices(doc["traceEvents"], "irq "):
        assert e["args"].get("handler") == handlers.get(e["args"]["irq"]), e


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
