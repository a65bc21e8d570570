"""Tasks as GDB threads through the in-kernel stub (whole system)."""
import re
import subprocess
import time

import loupe

SELECT_INIT = ("python gdb.execute('thread %d' % [t.num for t in "
               "gdb.selected_inferior().threads() if t.name == 'init'][0])")


def test_blocked_user_task_is_a_thread_with_its_user_registers():
    """init waits for console input (its read() is a call to the console
    server, waiting for the reply): it is a thread of its own, named with
    its state, and selecting it shows its user registers (pc in the program,
    x8 = 63, the read system call it is blocked in)."""
    port = loupe.free_port()
    argv = loupe.qemu_argv(smp=2, gdbport=port)
    argv[argv.index("stdio")] = "null"  # no console input: init blocks in read
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # long enough for init to reach its prompt, even under load
        out = subprocess.run(
            ["gdb-multiarch", "-q", "-nx", "-batch",
             "-ex", "target remote 127.0.0.1:%d" % port, "-ex", "info threads",
             "-ex", SELECT_INIT, "-ex", "info registers pc x8", "-ex", "detach",
             loupe.build_dir() + "/kernel.elf"],
            capture_output=True, text=True, timeout=120).stdout
    finally:
        qemu.kill()
        qemu.wait()
    m = re.search(r"^ +\d+ +Thread (\d+) \"init\" \(blocked: ipc reply\)", out, re.M)
    assert m, out
    assert int(m.group(1)) == 0x100 + 1  # GDB_TASK_THREAD_BASE + task id 1
    assert re.search(r"Thread \d+ \"cpu0 ", out) and re.search(r"Thread \d+ \"cpu1 ", out), out
    pc = re.search(r"^pc +0x([0-9a-f]+)", out, re.M)
    assert pc and 0x400000 <= int(pc.group(1), 16) < 0x800000, out  # in init's text
    assert re.search(r"^x8 +0x3f +63", out, re.M), out


def gdb_batch_on_a_booted_system(smp, commands):
    """Boot the whole system, give it two seconds to start its servers,
    and run gdb-multiarch in batch mode through the in-kernel stub: GDB's
    output, stderr included (monitor output arrives there)."""
    port = loupe.free_port()
    argv = loupe.qemu_argv(smp=smp, gdbport=port)
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        ex = ["target remote 127.0.0.1:%d" % port, *commands, "detach"]
        return subprocess.run(
            ["gdb-multiarch", "-q", "-nx", "-batch",
             *[arg for c in ex for arg in ("-ex", c)], loupe.build_dir() + "/kernel.elf"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    finally:
        qemu.kill()
        qemu.wait()


def test_monitor_trace_controls_the_tracer():
    out = gdb_batch_on_a_booted_system(1, [
        "monitor trace off", "monitor trace status", "monitor trace on irq",
        "monitor trace bogus", "monitor trace clear"])
    assert re.search(r"^trace: off, overwrite mode", out, re.M), out
    assert re.search(r"^trace: on \(irq\)", out, re.M), out
    assert "bad trace command 'trace bogus'" in out, out
    assert re.search(r"^trace: cleared", out, re.M), out


def test_corrupted_current_task_gives_a_thread_name_not_a_hang():
    """The stub reads a CPU's current task through its checked memory
    access: a pointer GDB scribbled into percpu[1].current still lets it
    answer, and the kernel runs on once the pointer is put back."""
    out = gdb_batch_on_a_booted_system(2, [
        "set $saved = percpu[1].current",
        "set var percpu[1].current = (struct task *)0x10",
        "info threads",
        "set var percpu[1].current = $saved",
        "info threads"])
    assert re.search(r'Thread 2 "cpu1 bad task 10"', out), out
    # The second listing names CPU 1's real task again.
    assert out.count("bad task") == 1, out
    assert re.search(r'Thread 2 "cpu1 \w+" \(', out[out.index("bad task"):]), out
    assert "detached" in out.lower(), out


def test_memory_and_breakpoint_in_a_blocked_tasks_address_space(console):
    """With init's thread selected, memory reads go through init's own page
    tables (they match bin/init's bytes), and a breakpoint at the
    instruction after its read() hits in init once a line is typed."""
    import threading

    port = loupe.free_port()
    c = console(smp=2, gdbport=port)
    c.expect("init> ")
    init_elf = loupe.build_dir() + "/user/init"

    def type_a_line():
        time.sleep(4)  # after GDB has set the breakpoint and continued
        c.child.sendline("help")

    typist = threading.Thread(target=type_a_line)
    typist.start()
    out = subprocess.run(
        ["gdb-multiarch", "-q", "-nx", "-batch",
         "-ex", "target remote 127.0.0.1:%d" % port, "-ex", SELECT_INIT,
         "-ex", "x/2wx $pc", "-ex", "break *$pc", "-ex", "continue",
         "-ex", "info registers pc", "-ex", "delete", "-ex", "detach",
         loupe.build_dir() + "/kernel.elf"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    typist.join()
    words = re.search(r"^(0x[0-9a-f]+):\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{8})", out, re.M)
    assert words, out
    # The same two instruction words, read statically from init's ELF.
    ref = subprocess.run(["gdb-multiarch", "-q", "-nx", "-batch", "-ex",
                          "x/2wx %s" % words.group(1), init_elf],
                         capture_output=True, text=True, timeout=60).stdout
    assert words.group(2) in ref and words.group(3) in ref, (out, ref)
    assert re.search(r"hit Breakpoint 1, 0x[0-9a-f]+ in \?\? \(\)", out) or \
        re.search(r"Thread \d+ \"init\" hit Breakpoint 1", out), out
    assert re.search(r"^pc +%s" % words.group(1), out, re.M), out


def test_lp_caps_and_lp_ipc_through_the_stub(console):
    """lp-caps and lp-ipc, run through Loupe's own stub, show what
    `ipcdemo hold` set up: an endpoint with all rights in slot 0, a badged
    send-only copy in slot 2, a notification with bits 0x5 pending, and the
    task itself waiting to receive."""
    port = loupe.free_port()
    c = console(smp=2, gdbport=port)
    c.expect("init> ")
    c.child.sendline("run ipcdemo hold")
    time.sleep(2)
    build = loupe.build_dir()
    out = subprocess.run(
        ["gdb-multiarch", "-q", "-nx", "-batch", "-iex", "add-auto-load-safe-path " + build,
         "-ex", "target remote 127.0.0.1:%d" % port, "-ex", "lp-ps", "-ex", "lp-caps ipcdemo",
         "-ex", "lp-ipc", "-ex", "detach", build + "/kernel.elf"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    m = re.search(r"^ +(\d+) +ipcdemo +blocked", out, re.M)
    assert m, out
    tid = m.group(1)
    assert re.search(r"Capabilities of ipcdemo \(id %s\):" % tid, out), out
    assert re.search(r"^ +0 +endpoint +id \d+ +send,recv,grant,map_r,map_w,map_x,control\s*$",
                     out, re.M), out
    assert re.search(r"^ +1 +notification +id \d+ +send,recv", out, re.M), out
    assert re.search(r"^ +2 +endpoint +id \d+ +send +badge 7", out, re.M), out
    assert re.search(r"^  receivers waiting: ipcdemo\(%s\)$" % tid, out, re.M), out
    assert re.search(r"^  callers waiting: +-$", out, re.M), out
    assert re.search(r"^  pending bits: 0x5$", out, re.M), out


def test_lp_trace_from_a_core_file(tmp_path):
    """lp-trace turns the rings inside a core file (5 s of ticks before
    crash=hang is reported) into JSON that passes trace/check.py."""
    import json
    import os
    import sys

    core, out_json = tmp_path / "hang.core", tmp_path / "trace.json"
    status, _ = loupe.run(smp=2, cmdline="crash=hang panic=poweroff coredump=%s" % core)
    assert status == 3
    build = loupe.build_dir()
    out = subprocess.run(
        ["gdb-multiarch", "-q", "-nx", "-batch", "-iex", "add-auto-load-safe-path " + build,
         "-ex", "lp-trace %s" % out_json, build + "/kernel.elf", str(core)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    m = re.search(r"lp-trace: (\d+) records from 2 CPUs \(0 dropped\)", out)
    assert m and int(m.group(1)) > 500, out  # 100 ticks a second, two events each
    sys.path.insert(0, os.path.join(loupe.ROOT, "trace"))
    import loupetrace
    assert loupetrace.check_file(str(out_json)) == []
    doc = json.load(open(out_json))
    # The virtual timer (interrupt 27) ticked on both CPUs' tracks.
    ticks = [e for e in doc["traceEvents"] if e["ph"] == "X" and e["name"].startswith("irq 27")]
    assert len(ticks) > 500 and len({e["tid"] for e in ticks}) == 2, doc["metadata"]


def test_task_blocked_in_the_ipc_fast_path_has_a_backtrace(console):
    """ipcbench's client and server call each other for ever on one CPU:
    whichever is not running is blocked in the IPC fast path, switched out
    with the same saved context as any blocked task (even when it will be
    resumed straight into user space), so lp-bt walks from the switch
    routine that saved it through ipc_fastpath and the exception entry
    into its user code."""
    port = loupe.free_port()
    c = console(smp=1, gdbport=port)
    c.expect("init> ")
    c.child.sendline("run ipcbench profile call")
    c.expect("ipcbench: profiling call")
    build = loupe.build_dir()

    def gdb(*commands):
        ex = ["target remote 127.0.0.1:%d" % port, *commands, "detach"]
        return subprocess.run(
            ["gdb-multiarch", "-q", "-nx", "-batch", "-iex", "add-auto-load-safe-path " + build,
             *[arg for e in ex for arg in ("-ex", e)], build + "/kernel.elf"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout

    ps = gdb("lp-ps")
    tids = re.findall(r"^ +(\d+) +ipcbench ", ps, re.M)
    assert len(tids) == 3, ps  # the driver, echo, pong (waiting on a notification)
    out = gdb("lp-ps", *["lp-bt %s" % t for t in tids])
    blocked = re.findall(r"^Task (\d+) \(ipcbench\), blocked, from its saved context.*?(?=^Task |\Z)",
                         out, re.M | re.S)
    traces = re.split(r"^(?=Task \d+ \(ipcbench\))", out, flags=re.M)
    fast = [t for t in traces if "ipc_fastpath+" in t]
    assert fast, out
    routines = set()
    for t in fast:
        # Frame #0 names the routine that saved the context, and the
        # heading says the same.
        m = re.search(r"^#0 +0x[0-9a-f]+ in (context_switch(?:_to_user)?)\+0x0", t, re.M)
        assert m and "(t->ctx, from %s)" % m.group(1) in t, t
        routines.add(m.group(1))
        assert "el0_sync+" in t, t
        assert re.search(r"in (ipc_call|ipc_reply_recv)\+0x[0-9a-f]+ \[user: ipcbench\]", t), t
    # A partner that blocked in the fast path is resumed straight into
    # user space (context_switch_to_user); only a partner that blocked on
    # the general path, as each does once at the start, gets a
    # context_switch from it.
    assert "context_switch_to_user" in routines, out
    assert blocked, out
    assert re.search(r"^ +\d+ +ipcbench +blocked .* ipc (reply|recv)", out, re.M), out
