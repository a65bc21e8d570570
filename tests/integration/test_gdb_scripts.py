"""The kernel-aware GDB commands (gdb/, docs/gdb-scripts.md), run by
gdb-multiarch in batch mode against each of the three targets a user has,
and checked against what the system itself reports:

- "loupe": Loupe's own stub on UART1 (make debug / make gdb), where every
  task is a thread and everything crosses an emulated UART;
- "qemu": QEMU's built-in gdbstub (make qemu-gdb), where every CPU is a
  thread and the kernel does not take part;
- "core": a core file the kernel wrote when it crashed.

The same assertions run against each target; a test names the targets it
applies to (a core file has no breakpoints and cannot be written).

GDB loads the scripts the way a user gets them: by auto-loading
build/kernel.elf-gdb.py, with the build folder on its safe path (what
`make gdb` passes)."""
import json
import os
import re
import struct
import subprocess
import sys

import pytest

import loupe

GDB = "gdb-multiarch"
PROMPT = "init> "
BANNER = "Loupe: a debugger-first teaching microkernel"
COMMANDS = ["lp-bt", "lp-caps", "lp-cpus", "lp-crash", "lp-dmesg", "lp-ipc", "lp-ps",
            "lp-symbols", "lp-trace", "lp-vm"]
LIVE = ["loupe", "qemu"]
ALL = LIVE + ["core"]


class Target:
    """Where GDB gets the machine from: a port of one of the two stubs, or
    a core file."""

    def __init__(self, kind, port=None, core=None):
        self.kind, self.port, self.core = kind, port, core

    def gdb_args(self):
        if self.kind == "core":
            return [], [str(self.core)]
        # The UART stub answers in milliseconds, but a loaded host can
        # stall QEMU for longer than GDB's default 2 s.
        return ["-ex", "set remotetimeout 30",
                "-ex", "target remote 127.0.0.1:%d" % self.port], []


def gdb_batch(*commands, target, timeout=240):
    """Run GDB on the kernel attached to target, with each command as an
    -ex; return what it printed. At the end GDB detaches from a live
    target (both stubs answer qAttached with 1), so the system runs on."""
    build = loupe.build_dir()
    before, after = target.gdb_args()
    argv = [GDB, "-q", "-nx", "-batch", "-iex", "add-auto-load-safe-path " + build,
            "-ex", "set pagination off", "-ex", "set width 0", *before]
    for c in commands:
        argv += ["-ex", c]
    argv += [os.path.join(build, "kernel.elf"), *after]
    res = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=timeout)
    out = res.stdout + res.stderr
    # A script bug would show as a Python traceback (or, caught by the
    # commands' last resort, as an internal error): never acceptable.
    assert "Traceback" not in out and "Python Exception" not in out, out
    assert ": internal error (" not in out, out
    return out


def qemu_gdbstub(port, wait=False):
    """QEMU options for its own gdbstub on port; wait: hold the CPUs (-S)."""
    return ("-gdb", "tcp:127.0.0.1:%d" % port) + (("-S",) if wait else ())


def boot(kind, cmdline="", wait=False):
    """A Console booting the whole system with the stub of kind ("loupe":
    UART1; "qemu": QEMU's gdbstub) on a free port; wait: hold the kernel
    until GDB attaches (gdbwait, or QEMU's -S)."""
    port = loupe.free_port()
    if kind == "qemu":
        console = loupe.Console(cmdline=cmdline, extra=qemu_gdbstub(port, wait))
    else:
        cmdline = (cmdline + " gdbwait").strip() if wait else cmdline
        console = loupe.Console(cmdline=cmdline, gdbport=port)
        if wait:
            # Until the kernel gets there, nobody answers on UART1.
            console.expect("gdb: waiting for GDB on UART1")
    console.target = Target(kind, port=port)
    return console


def ps_rows(text):
    """{tid: name} from a ps-style table (init's ps or lp-ps)."""
    return {tid: row["name"] for tid, row in ps_table(text).items()}


# A row of init's ps or of lp-ps (which adds '*' for a task on a CPU now,
# and its struct task's address): id, name, state, CPU, priority, parent,
# what it waits on.
PS_ROW = re.compile(r"^ *(?P<tid>\d+)  (?P<name>\S+) +(?P<state>[a-z]+) +(?P<star>\*)? *"
                    r"(?P<cpu>\d+|-) +(?P<prio>\d+) +(?P<parent>\d+|\?)(?:  (?P<waits>.*?))?"
                    r" *(?:0x[0-9a-f]{8,})?$", re.M)


def ps_table(text):
    """{tid: {name, state, cpu, prio, parent, waits}} of a ps-style table."""
    return {int(m.group("tid")): dict(m.groupdict(), waits=m.group("waits") or "")
            for m in PS_ROW.finditer(text)}


def object_names(target):
    """Whether this kernel's objects carry the names obj_name gives them
    (struct kobject's name), as the debug information says."""
    return re.search(r"^\s+char name\[", gdb_batch("ptype struct kobject", target=target),
                     re.M) is not None


def text_segment_start(program):
    """The virtual address of the executable PT_LOAD of build/user/PROGRAM."""
    with open(os.path.join(loupe.build_dir(), "user", program), "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        p_type, flags, _, vaddr = struct.unpack_from("<IIQQ", data, phoff + i * phentsize)
        if p_type == 1 and flags & 1:  # PT_LOAD, PF_X
            return vaddr
    raise AssertionError("no executable segment in " + program)


def wait_for_task(target, pattern, tries=50):
    """Attach until lp-ps shows a line matching pattern (the console gives
    no sign that a sleeping program has started)."""
    for _ in range(tries):
        out = gdb_batch("lp-ps", target=target)
        if re.search(pattern, out, re.M):
            return
    raise AssertionError("no task line matching %r in:\n%s" % (pattern, out))


CRASHER_SLEEPING = r"^\s*\d+  crasher +sleeping"


def start_crasher(machine):
    """`run crasher sleep` on init's console, once per machine: init then
    waits for it (blocked), and crasher sleeps a second at a time."""
    if not getattr(machine, "crasher_started", False):
        machine.console.child.sendline("run crasher sleep")
        machine.crasher_started = True
    wait_for_task(machine.target, CRASHER_SLEEPING)


class Machine:
    """A booted whole system and how GDB reaches it; for "core", the core
    file of such a system that crashed while crasher slept."""

    def __init__(self, kind):
        self.kind = kind
        self.console = None
        self.ps_before = None  # init's ps, before crasher started

    def close(self):
        if self.console is not None:
            self.console.close()


def make_core(machine, tmp):
    """Boot, note init's ps, run crasher, and crash the kernel from GDB by
    sending a CPU that is in the kernel to crash_null_read: the core file
    then holds user tasks, switched out, whose kernel stacks are not in it
    as such (only the RAM behind them)."""
    core = tmp / "tasks.core"
    console = boot("qemu", cmdline="panic=poweroff coredump=%s" % core)
    machine.console = console
    console.expect(PROMPT)
    machine.ps_before = console.ps_with_console_server_idle(PROMPT)
    machine.target = console.target
    start_crasher(machine)
    crash_script = tmp / "crash_a_cpu.py"
    crash_script.write_text(
        "import gdb\n"
        "for thread in gdb.selected_inferior().threads():\n"
        "    thread.switch()\n"
        "    if int(gdb.newest_frame().pc()) >= 0xffff000000000000:\n"
        "        gdb.execute('set var $pc = crash_null_read')\n"
        "        break\n")
    gdb_batch("source %s" % crash_script, target=console.target)
    assert console.wait_exit() == 3
    assert core.exists()
    machine.target = Target("core", core=core)


@pytest.fixture(scope="module", params=ALL)
def machine(request, tmp_path_factory):
    """The whole system at init's prompt behind one of the stubs, or a
    core file of it (with crasher sleeping)."""
    m = Machine(request.param)
    try:
        if m.kind == "core":
            make_core(m, tmp_path_factory.mktemp("core"))
        else:
            m.console = boot(m.kind)
            m.console.expect("Type 'help' for commands.")
            m.console.expect(PROMPT)
            m.target = m.console.target
        yield m
    finally:
        m.close()


def test_commands_are_loaded_and_documented(machine):
    out = gdb_batch("apropos lp-", "help lp-vm", target=machine.target)
    for command in COMMANDS:
        assert re.search(r"^%s -- \S" % command, out, re.M), out
    assert "Usage: lp-vm TASK" in out


def test_lp_ps_lists_what_ps_lists(machine):
    """lp-ps reads the same tasks from memory that init's ps gets from the
    kernel's tasks call: the same ids and names, priorities and parents,
    the idle tasks running on their CPUs, and the console server blocked
    receiving on its endpoint. init itself differs on purpose: while it
    runs ps it is running; seen from GDB it waits for the console server
    to answer its read (or, in the core file, for crasher)."""
    if machine.kind == "core":
        ps = machine.ps_before  # crasher started after it
    else:
        ps = machine.console.ps_with_console_server_idle(PROMPT)
    expected = ps_table(ps)
    assert expected.get(1, {}).get("name") == "init", ps
    out = gdb_batch("lp-ps", target=machine.target)
    listed = ps_table(out)
    if machine.kind == "core":
        crasher = {tid for tid, row in listed.items() if row["name"] == "crasher"}
        assert len(crasher) == 1, out
        assert listed[crasher.pop()]["parent"] == "1", out
        listed = {tid: row for tid, row in listed.items() if row["name"] != "crasher"}
    assert sorted(listed) == sorted(expected), (ps, out)
    for tid, row in expected.items():
        for column in ("name", "prio", "parent"):
            assert listed[tid][column] == row[column], (tid, column, ps, out)
        if tid >= 0x8000:  # an idle task: always running, on its own CPU
            assert row["state"] == listed[tid]["state"] == "running", (ps, out)
            assert listed[tid]["cpu"] == row["cpu"] and listed[tid]["star"], (ps, out)
    console = [tid for tid, row in expected.items() if row["name"] == "console"]
    assert console, ps
    server, served = expected[console[0]], listed[console[0]]
    assert re.fullmatch(r"ipc recv ep\d+", server["waits"]), ps
    assert (served["state"], served["waits"]) == ("blocked", server["waits"]), (ps, out)
    init = listed[1]
    assert expected[1]["state"] == "running", ps
    if machine.kind == "core":
        assert (init["state"], init["waits"]) == ("blocked", "wait child"), out
    else:
        endpoint = server["waits"].split()[-1]
        assert (init["state"], init["waits"]) == ("blocked", "ipc reply " + endpoint), out


def test_lp_dmesg_has_the_boot_banner(machine):
    out = gdb_batch("lp-dmesg", "lp-dmesg -l -n 100", target=machine.target)
    assert BANNER in out
    assert re.search(r"^info +\[[ \d.]+\] init: started as task 1$", out, re.M), out


def test_lp_vm_shows_init_text_read_only_executable(machine):
    text = text_segment_start("init")
    out = gdb_batch("lp-vm init", "lp-vm kernel", target=machine.target)
    assert re.search(r"^  0x%016x-0x[0-9a-f]{16}  0x[0-9a-f]{16} +\d+ KiB  EL0 r-x  EL1 r--"
                     % text, out, re.M), out
    assert re.search(r"^  0x%016x-0x[0-9a-f]{16}  r-x  text" % (text & ~0xfff), out, re.M), out
    # The kernel's own tables: its text is executable at EL1 only.
    assert re.search(r"^  0xffffffff80000000-\S+  0x[0-9a-f]+ +\d+ \S+  EL0 ---  EL1 r-x",
                     out, re.M), out


def test_lp_caps_of_init(machine):
    """init's capability table: its standard I/O (slot 62) is a send
    capability to the endpoint the console server receives on, and it keeps
    the UART0 registers and interrupt it was given at boot."""
    out = gdb_batch("lp-caps init", "lp-caps console", target=machine.target)
    assert re.search(r"^Capabilities of init \(id 1\):", out, re.M), out
    assert "lp-caps:" not in out, out
    # The server names its endpoint (obj_name), on kernels with names.
    named = '"console" +' if object_names(machine.target) else ""
    m = re.search(r"^ +62 +endpoint +id (\d+) +%ssend +-> served by console\(2\)$" % named,
                  out, re.M)
    assert m, out
    assert re.search(r"^ +1 +mmio +id \d+ +grant,map_r,map_w *$", out, re.M), out
    assert re.search(r"^ +2 +irq +id \d+ +recv,grant *$", out, re.M), out
    # The server: the same endpoint with receive (and control), the UART.
    assert re.search(r"^ +3 +endpoint +id %s +%srecv,control *$" % (m.group(1), named), out,
                     re.M), out
    assert re.search(r"^ +1 +mmio +id \d+ +map_r,map_w *$", out, re.M), out


def test_lp_trace_passes_the_checker(machine, tmp_path):
    """The rings read from memory (through the UART for "loupe": only
    their used part) convert to JSON that trace/check.py accepts, with the
    timer ticking on both CPUs."""
    out_json = tmp_path / "trace.json"
    out = gdb_batch("lp-trace %s" % out_json, target=machine.target)
    m = re.search(r"lp-trace: (\d+) records from 2 CPUs \(0 dropped\)", out)
    assert m and int(m.group(1)) > 100, out
    sys.path.insert(0, os.path.join(loupe.ROOT, "trace"))
    import loupetrace
    assert loupetrace.check_file(str(out_json)) == []
    doc = json.load(open(out_json))
    # The virtual timer (interrupt 27) ticked on both CPUs' tracks.
    ticks = [e for e in doc["traceEvents"] if e["ph"] == "X" and e["name"].startswith("irq 27")]
    assert len({e["tid"] for e in ticks}) == 2, doc["metadata"]


def test_lp_bt_lp_cpus_and_functions_on_sleeping_and_blocked_tasks(machine):
    if machine.kind != "core":
        start_crasher(machine)
    out = gdb_batch("lp-ps", "lp-bt crasher", "lp-bt init", "lp-cpus",
                    "print $lp_task(\"crasher\").name", "print $lp_task(1).tid",
                    "print $lp_current(0).tid", "print $lp_current(1).tid",
                    "print $lp_current().tid", target=machine.target)
    ps = ps_rows(out)
    crasher = [tid for tid, name in ps.items() if name == "crasher"]
    assert crasher, out
    assert re.search(r"^\s*%d  crasher +sleeping" % crasher[0], out, re.M), out
    assert re.search(r"^\s*1  init +blocked .* wait child", out, re.M), out
    # Switched out: frame #0 is context_switch, then the scheduler, the
    # system call, and the task's own user code.
    crasher_bt = out[out.index("Task %d (crasher)" % crasher[0]):out.index("Task 1 (init)")]
    assert re.search(r"^#0 +0x[0-9a-f]+ in context_switch\+0x0 at \S+context\.S", crasher_bt,
                     re.M), crasher_bt
    assert "sched_sleep_until+" in crasher_bt, crasher_bt
    assert re.search(r"in sleep_forever\+0x[0-9a-f]+ \[user: crasher\]", crasher_bt), crasher_bt
    init_bt = out[out.index("Task 1 (init)"):]
    assert "context_switch+0x0" in init_bt and "task_wait+" in init_bt, init_bt
    assert re.search(r"Sleeping: %d crasher \(until" % crasher[0], out), out
    # The functions agree with lp-ps and lp-cpus.
    assert re.search(r'^\$1 = "crasher"', out, re.M), out
    assert re.search(r"^\$2 = 1$", out, re.M), out
    on_cpu = {int(m.group(1)): int(m.group(2))
              for m in re.finditer(r"^ +(\d)  (?:yes|no) +(\d+) ", out, re.M)}
    assert re.search(r"^\$3 = %d$" % on_cpu[0], out, re.M), out
    assert re.search(r"^\$4 = %d$" % on_cpu[1], out, re.M), out
    assert re.search(r"^\$5 = \d+$", out, re.M), out


def test_lp_ipc_shows_the_console_servers_endpoint(machine):
    """lp-ipc against what the system contains: the endpoint the console
    server receives on (the one init's ps names, "ipc recv epN") is held
    by init with send only (its standard I/O, slot 62) and by the server
    with receive and control (slot 3), and the server itself is the
    receiver queued on it; nobody is calling. The server's notification
    is held by the server alone. With crasher (init's child) running,
    crasher holds a send copy of the same endpoint."""
    if machine.kind != "core":
        start_crasher(machine)
    out = gdb_batch("lp-ps", "lp-ipc", "lp-caps console", target=machine.target)
    listed = ps_table(out)
    console = [tid for tid, row in listed.items() if row["name"] == "console"]
    assert console, out
    m = re.fullmatch(r"ipc recv ep(\d+)", listed[console[0]]["waits"])
    assert m, out
    ep, server = m.group(1), "console(%d)" % console[0]
    named = ' "console"' if object_names(machine.target) else ""
    section = re.search(r"^endpoint %s%s\n((?:  .*\n)+)" % (ep, named), out, re.M)
    assert section, out
    section = section.group(1)
    assert re.search(r"^  held by init\(1\) slot 62 \[send\]$", section, re.M), section
    assert re.search(r"^  held by %s slot 3 \[recv,control\]$" % re.escape(server), section,
                     re.M), section
    assert re.search(r"^  held by crasher\(\d+\) slot \d+ \[send\]$", section, re.M), section
    assert re.search(r"^  callers waiting: +-$", section, re.M), section
    assert re.search(r"^  receivers waiting: %s$" % re.escape(server), section, re.M), section
    # The server's own table names the same endpoint and its notification.
    assert re.search(r"^ +3 +endpoint +id %s +%s *recv,control *$" % (ep, named.strip()), out,
                     re.M), out
    notify = re.search(r"^ +4 +notification +id (\d+) ", out, re.M)
    assert notify, out
    section = re.search(r"^notification %s\b.*\n((?:  .*\n)+)" % notify.group(1), out, re.M)
    assert section, out
    assert re.findall(r"^  held by (.*)$", section.group(1), re.M) == [
        "%s slot 4 [send,recv,grant,map_r,map_w,map_x,control]" % server], section.group(1)
    assert re.search(r"^  pending bits: 0x[0-9a-f]+$", section.group(1), re.M), section.group(1)


def test_lp_symbols_names_a_sleeping_tasks_saved_pc(machine):
    """lp-symbols loads the programs that are running (init, the console
    server, crasher) -- from a core file too, where nothing can stop at a
    program's start; once only crasher's is loaded, GDB's own `info
    symbol` on crasher's saved user pc (where it entered the kernel,
    lp-bt's first user frame) names the function lp-bt names from the
    program file in the target's memory."""
    if machine.kind != "core":
        start_crasher(machine)
    out = gdb_batch("lp-bt crasher", target=machine.target)
    user = re.search(r"^#\d+ +0x([0-9a-f]+) in (\w+)\+0x([0-9a-f]+) \[user: crasher\]$",
                     out, re.M)
    assert user, out
    pc, function, offset = int(user.group(1), 16), user.group(2), int(user.group(3), 16)
    out = gdb_batch("lp-symbols", "lp-symbols --list", "lp-symbols --clear",
                    "lp-symbols crasher", "info symbol 0x%x" % pc,
                    "print/x (unsigned long)&'%s'" % function, target=machine.target)
    for program in ("init", "console", "crasher"):
        assert re.search(r"^loaded \S+/user/%s$" % program, out, re.M), out
        assert re.search(r"^%s +\S+/user/%s  \(ELF at 0x[0-9a-f]+\)$" % (program, program),
                         out, re.M), out
    where = re.search(r"^(\w+)(?: \+ (\d+))? in section \.text of (\S+)$", out, re.M)
    assert where, out
    assert where.group(3) == os.path.join(loupe.build_dir(), "user", "crasher"), out
    # musl has aliases (sccp is __syscall_cp_c): GDB may pick another name
    # of the same function, so compare where the functions start.
    assert int(where.group(2) or 0) == offset, out
    assert re.search(r"^\$1 = 0x%x$" % (pc - offset), out, re.M), out


def test_corrupt_objects_rings_and_sizes_give_one_line_errors(machine, tmp_path):
    """The other commands against corrupt kernel data, each damage undone
    before the next: a capability naming unmapped memory, an endpoint
    queue leading nowhere, absurd log positions, a trace ring whose mask
    would size a 128 GiB buffer, a failure record pointing nowhere, a
    CPU's current task pointing nowhere, a program file size of 2**63. Each
    gives one line naming what it could not read (gdb_batch also checks
    that no traceback appears), and nothing is read for hours through the
    UART. It writes to the kernel's memory but puts everything back, so
    it may run before the test below, which does not."""
    if machine.kind == "core":
        pytest.skip("a core file cannot be written")
    start_crasher(machine)
    trace_json = tmp_path / "trace.json"
    out = gdb_batch(
        "set var $crasher = &$lp_task(\"crasher\")",
        # A capability slot naming unmapped memory.
        "set var $crasher->caps[40].obj = (struct kobject *)0x12340",
        "lp-caps crasher",
        "lp-ipc",
        "set var $crasher->caps[40].obj = 0",
        # The console server's endpoint: its receiver queue leads nowhere.
        "set var $ep = (struct endpoint *)$lp_task(1).caps[62].obj",
        "set var $receiver = $ep->receivers.next",
        "set var $ep->receivers.next = (struct list_node *)0x12340",
        "lp-ipc",
        "set var $ep->receivers.next = $receiver",
        # Log positions far past the ring.
        "set var $log_head = log_head",
        "set var log_head = 0xffffffffffffffff",
        "lp-dmesg -n 1",
        "set var log_head = $log_head",
        # A trace ring claiming 2**32 slots.
        "set var $mask = trace_rings[0].mask",
        "set var trace_rings[0].mask = 0xffffffff",
        "lp-trace %s" % trace_json,
        "set var trace_rings[0].mask = $mask",
        # A failure record whose frame is unmapped, then one naming a CPU
        # that does not exist.
        "set var $frame = crash_frame",
        "set var kernel_failed = 1",
        "set var crash_frame = (struct trap_frame *)0x12340",
        "lp-crash",
        "set var crash_frame = $frame",
        "set var $crash_cpu = crash_cpu",
        "set var crash_cpu = 99",
        "lp-crash",
        "set var crash_cpu = $crash_cpu",
        "set var kernel_failed = 0",
        # CPU 1's current task pointing nowhere: the other rows still show.
        "set var $current = percpu[1].current",
        "set var percpu[1].current = (struct task *)0x12340",
        "lp-cpus",
        "set var percpu[1].current = $current",
        # A program file as large as the address space.
        "set var $elf_size = $crasher->elf_size",
        "set var $crasher->elf_size = 0x7fffffffffffffff",
        "lp-symbols crasher",
        "set var $crasher->elf_size = $elf_size",
        # Arguments a convenience function cannot take.
        "print $lp_task($no_such_variable)",
        "print $lp_current(99)",
        "lp-ps",
        target=machine.target)
    assert re.search(r"^lp-caps: cannot read the object in slot 40 of crasher\(\d+\) at 0x12340 "
                     r"\(\d+ bytes\): not mapped$", out, re.M), out
    assert re.search(r"^lp-ipc: cannot read the object in slot 40 of crasher", out, re.M), out
    assert re.search(r"^lp-ipc: cannot read endpoint \d+'s receivers node 0x12340 ", out, re.M), out
    assert re.search(r"^lp-trace: trace_rings\[0\] is corrupt: its mask 0xffffffff is not",
                     out, re.M), out
    assert re.search(r"^lp-crash: cannot read crash_frame at 0x12340 \(\d+ bytes\): not mapped$",
                     out, re.M), out
    assert re.search(r"^lp-crash: crash_cpu is 99, but percpu\[\] has \d+ CPUs", out, re.M), out
    assert re.search(r"^  1  yes +unreadable task at 0x12340 ", out, re.M), out
    assert re.search(r"^  0  yes +\d+ \S+ ", out, re.M), out
    assert re.search(r"^lp-symbols: task \d+ \(crasher\) is corrupt: its program file "
                     r"0x[0-9a-f]+-0x[0-9a-f]+ \(t->elf, t->elf_size\) is not inside the initrd",
                     out, re.M), out
    assert re.search(r"^\$lp_task: ", out, re.M), out
    assert re.search(r"^\$lp_current: no CPU 99$", out, re.M), out
    # lp-dmesg printed a line of some sort, and everything was put back:
    # lp-ps still lists crasher.
    assert "lp-dmesg:" not in out, out
    assert re.search(r"^\s*\d+  crasher +sleeping", out, re.M), out


def test_corrupt_lists_and_bad_pointers_give_one_line_errors(machine):
    """Runs last on each live machine: it corrupts the kernel's memory."""
    if machine.kind == "core":
        pytest.skip("a core file cannot be written")
    start_crasher(machine)
    out = gdb_batch(
        # A bad frame pointer in a saved context: the unwinder says where
        # it stopped.
        "set var $crasher = &$lp_task(\"crasher\")",
        "set var $crasher->ctx.fp = 0xdead0",
        "lp-bt crasher",
        # all_tasks pointing at unmapped memory, then at a node whose
        # links disagree.
        "set var $saved = all_tasks.next",
        "set var all_tasks.next = (struct list_node *)0x12340",
        "lp-ps",
        "print $lp_task(1)",
        "lp-vm init",
        "set var all_tasks.next = $saved",
        "set var $saved->next = $saved",
        "lp-ps",
        target=machine.target)
    assert re.search(r"^\s+\(stopped: cannot read a frame record at 0xdead0", out, re.M), out
    assert re.search(r"^lp-ps: cannot read all_tasks node 0x12340 .*: not mapped$", out, re.M), out
    assert re.search(r"^\$lp_task: cannot read all_tasks node 0x12340 ", out, re.M), out
    assert re.search(r"^lp-vm: cannot read all_tasks node 0x12340 ", out, re.M), out
    assert re.search(r"^lp-ps: list all_tasks is corrupt: node 0x[0-9a-f]+'s next is "
                     r"0x[0-9a-f]+, whose prev is", out, re.M), out


@pytest.mark.parametrize("kind", LIVE)
def test_user_breakpoint_after_lp_symbols(kind, tmp_path):
    """lp-symbols before the kernel has started any program (QEMU's -S, or
    the stub's gdbwait in kmain): each program's symbols load as it starts,
    so a pending hardware breakpoint in utest resolves and hits. A hardware
    breakpoint matches its address in every address space, and all
    programs share their addresses, so the stop may be in another program:
    continue until utest is the one."""
    script = tmp_path / "until_utest.py"
    # Under QEMU's gdbstub, a stop with every CPU in user code leaves no
    # CPU to read kernel memory through ($lp_current says so): go on.
    script.write_text(
        "import gdb\n"
        "for _ in range(20):\n"
        "    gdb.execute('continue')\n"
        "    try:\n"
        "        name = gdb.parse_and_eval('$lp_current().name').string()\n"
        "    except gdb.error as e:\n"
        "        print('stopped, but', e)\n"
        "        continue\n"
        "    print('stopped in task', name)\n"
        "    if name == 'utest':\n"
        "        break\n")
    console = boot(kind, cmdline="selftest", wait=True)
    try:
        out = gdb_batch("set breakpoint pending on", "lp-symbols", "hbreak utest.c:main",
                        "source %s" % script, "lp-symbols --list", "lp-bt", "lp-ps",
                        target=console.target)
    finally:
        console.close()
    # QEMU holds the CPUs before the MMU is on; the stub waits in kmain,
    # before init exists.
    assert re.search(r"programs will load as they start|nothing new to load", out), out
    assert re.search(r"lp-symbols: loaded \S+/utest", out), out
    assert re.search(r"^stopped in task utest$", out, re.M), out
    assert re.search(r"^utest +\S+/utest", out, re.M), out
    assert re.search(r"^#0 +0x[0-9a-f]+ in main\+0x[0-9a-f]+ \[user: utest\]", out, re.M), out
    assert re.search(r"^\s*\d+  utest +running +\* +\d ", out, re.M), out
    # The start-of-program breakpoint stops without a lock held: every
    # CPU stops with it.
    assert "did not stop" not in out, out


@pytest.mark.parametrize("kind", ALL)
def test_lp_crash_and_lp_bt_after_a_crash(kind, tmp_path):
    """crash=null: the report read from memory -- through Loupe's stub,
    which the kernel enters post mortem; through QEMU's gdbstub on the
    halted kernel; from the core file the kernel wrote."""
    if kind == "core":
        core = tmp_path / "null.core"
        status, text = loupe.run(cmdline="crash=null panic=poweroff coredump=%s" % core)
        assert core.exists(), text
        target, console = Target("core", core=core), None
    else:
        console = boot(kind, cmdline="crash=null coredump=off")
        console.expect("System halted")
        target = console.target
    try:
        # Thread 1 is CPU 0 for every target; QEMU may report the stop on
        # another CPU.
        out = gdb_batch("lp-crash -n 3", "lp-ps", "thread 1", "lp-bt", "lp-bt 32769",
                        target=target)
    finally:
        if console is not None:
            console.close()
    assert re.search(r"^Kernel failed on CPU 0: Data Abort \(current EL\): translation fault",
                     out, re.M), out
    assert re.search(r"^#0 +0x[0-9a-f]+ in crash_null_read\+0x[0-9a-f]+ at \S+crash_demo\.c",
                     out, re.M), out
    assert re.search(r"^#1 +0x[0-9a-f]+ in crash_demo\+", out, re.M), out
    assert "Last kernel log lines before the crash:" in out
    assert re.search(r"^  \[[ \d.]+\] crash: reading address 0$", out, re.M), out
    assert re.search(r"^32768  idle/0 ", out, re.M), out
    # lp-bt of the crashed CPU's task starts from the crash frame...
    assert re.search(r"^Task 32768 \(idle/0\), running, from the crash frame of CPU 0", out,
                     re.M), out
    # ...and CPU 1's idle task is unwound by GDB from that CPU's registers.
    assert re.search(r"Task 32769 \(idle/1\), running, from the live registers of CPU 1", out)
