"""The kernel-aware GDB commands (gdb/, docs/gdb-scripts.md), run by
gdb-multiarch in batch mode against a booted system under QEMU's gdbstub and
against a core file, and checked against what the system itself reports.

GDB loads the scripts the way a user gets them: by auto-loading
build/kernel.elf-gdb.py, with the build folder on its safe path (what
`make gdb` passes)."""
import os
import re
import struct
import subprocess

import pytest

import loupe

GDB = "gdb-multiarch"
PROMPT = "init> "
BANNER = "Loupe: a debugger-first teaching microkernel"
COMMANDS = ["lp-bt", "lp-cpus", "lp-crash", "lp-dmesg", "lp-ps", "lp-symbols", "lp-vm"]


def gdb_batch(*commands, port=None, core=None, timeout=120):
    """Run GDB on the kernel, attached to QEMU's gdbstub on port or opened
    on a core file, with each command as an -ex; return what it printed.
    GDB detaches at the end, so the system runs on."""
    build = loupe.build_dir()
    argv = [GDB, "-q", "-nx", "-batch", "-iex", "add-auto-load-safe-path " + build,
            "-ex", "set pagination off"]
    if port is not None:
        argv += ["-ex", "target remote 127.0.0.1:%d" % port]
    for c in commands:
        argv += ["-ex", c]
    argv.append(os.path.join(build, "kernel.elf"))
    if core is not None:
        argv.append(str(core))
    res = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=timeout)
    out = res.stdout + res.stderr
    # A script bug would show as a Python traceback: never acceptable.
    assert "Traceback" not in out and "Python Exception" not in out, out
    return out


def qemu_gdbstub(port, wait=False):
    """QEMU options for its own gdbstub on port; wait: hold the CPUs (-S)."""
    return ("-gdb", "tcp:127.0.0.1:%d" % port) + (("-S",) if wait else ())


def ps_rows(text):
    """{tid: name} from a ps-style table (init's ps or lp-ps)."""
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(r"^\s*(\d+)  (\S+)\s", text, re.M)}


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


@pytest.fixture(scope="module")
def system():
    """The whole system booted to init's prompt, with QEMU's gdbstub."""
    port = loupe.free_port()
    console = loupe.Console(extra=qemu_gdbstub(port))
    console.expect("Type 'help' for commands.")
    console.expect(PROMPT)
    console.port = port
    yield console
    console.close()


def test_commands_are_loaded_and_documented(system):
    out = gdb_batch("apropos lp-", "help lp-vm", port=system.port)
    for command in COMMANDS:
        assert re.search(r"^%s -- \S" % command, out, re.M), out
    assert "Usage: lp-vm TASK" in out


def test_lp_ps_lists_what_ps_lists(system):
    ps = system.command("ps", prompt=PROMPT)
    expected = ps_rows(ps)
    assert expected.get(1) == "init", ps
    out = gdb_batch("lp-ps", port=system.port)
    assert ps_rows(out) == expected, (ps, out)


def test_lp_dmesg_has_the_boot_banner(system):
    out = gdb_batch("lp-dmesg", "lp-dmesg -l -n 100", port=system.port)
    assert BANNER in out
    assert re.search(r"^info +\[[ \d.]+\] init: started as task 1$", out, re.M), out


def test_lp_vm_shows_init_text_read_only_executable(system):
    text = text_segment_start("init")
    out = gdb_batch("lp-vm init", "lp-vm kernel", port=system.port)
    assert re.search(r"^  0x%016x-0x[0-9a-f]{16}  0x[0-9a-f]{16} +\d+ KiB  EL0 r-x  EL1 r--"
                     % text, out, re.M), out
    assert re.search(r"^  0x%016x-0x[0-9a-f]{16}  r-x  text" % (text & ~0xfff), out, re.M), out
    # The kernel's own tables: its text is executable at EL1 only.
    assert re.search(r"^  0xffffffff80000000-\S+  0x[0-9a-f]+ +\d+ \S+  EL0 ---  EL1 r-x",
                     out, re.M), out


def wait_for_task(port, pattern, tries=50):
    """Attach until lp-ps shows a line matching pattern (the console gives
    no sign that a sleeping program has started)."""
    for _ in range(tries):
        out = gdb_batch("lp-ps", port=port)
        if re.search(pattern, out, re.M):
            return
    raise AssertionError("no task line matching %r in:\n%s" % (pattern, out))


def test_lp_bt_of_sleeping_and_blocked_tasks(system):
    system.child.sendline("run crasher sleep")
    wait_for_task(system.port, r"^\s*\d+  crasher +sleeping")
    out = gdb_batch("lp-ps", "lp-bt crasher", "lp-bt init", "lp-cpus", port=system.port)
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


def test_corrupt_lists_and_bad_pointers_give_one_line_errors(system):
    """Runs last on this boot: it corrupts the kernel's memory."""
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
        port=system.port)
    assert re.search(r"^\s+\(stopped: cannot read a frame record at 0xdead0", out, re.M), out
    assert re.search(r"^lp-ps: cannot read all_tasks node 0x12340 .*: not mapped$", out, re.M), out
    assert re.search(r"^\$lp_task: cannot read all_tasks node 0x12340 ", out, re.M), out
    assert re.search(r"^lp-vm: cannot read all_tasks node 0x12340 ", out, re.M), out
    assert re.search(r"^lp-ps: list all_tasks is corrupt: node 0x[0-9a-f]+'s next is "
                     r"0x[0-9a-f]+, whose prev is", out, re.M), out


def test_user_breakpoint_after_lp_symbols(tmp_path):
    """lp-symbols before the kernel even runs (QEMU's -S): each program's
    symbols load as it starts, so a pending hardware breakpoint in utest
    resolves and hits. QEMU's breakpoints match the address on every CPU
    in every address space, and all programs share their addresses, so the
    stop may be in another program: continue until utest is the one."""
    port = loupe.free_port()
    script = tmp_path / "until_utest.py"
    script.write_text(
        "import gdb\n"
        "for _ in range(20):\n"
        "    gdb.execute('continue')\n"
        "    name = gdb.parse_and_eval('$lp_current().name').string()\n"
        "    print('stopped in task', name)\n"
        "    if name == 'utest':\n"
        "        break\n")
    console = loupe.Console(cmdline="selftest", extra=qemu_gdbstub(port, wait=True))
    try:
        out = gdb_batch("set breakpoint pending on", "lp-symbols", "hbreak utest.c:main",
                        "source %s" % script, "lp-symbols --list", "lp-bt", "lp-ps",
                        port=port)
    finally:
        console.close()
    assert "programs will load as they start" in out, out
    assert re.search(r"lp-symbols: loaded \S+/utest", out), out
    assert re.search(r"^stopped in task utest$", out, re.M), out
    assert re.search(r"^utest +\S+/utest", out, re.M), out
    assert re.search(r"^#0 +0x[0-9a-f]+ in main\+0x[0-9a-f]+ \[user: utest\]", out, re.M), out
    assert re.search(r"^\s*\d+  utest +running +\* +\d ", out, re.M), out


def test_commands_on_a_core_file(tmp_path):
    core = tmp_path / "null.core"
    status, console = loupe.run(cmdline="crash=null panic=poweroff coredump=%s" % core)
    assert core.exists(), console
    out = gdb_batch("lp-crash", "lp-ps", "lp-dmesg", "lp-bt 32769", core=core)
    assert re.search(r"^Kernel failed on CPU 0: Data Abort \(current EL\): translation fault",
                     out, re.M), out
    assert re.search(r"^#0 +0x[0-9a-f]+ in crash_null_read\+0x[0-9a-f]+ at \S+crash_demo\.c",
                     out, re.M), out
    assert re.search(r"^  \[[ \d.]+\] crash: reading address 0$", out, re.M), out
    assert re.search(r"^32768  idle/0 ", out, re.M), out
    assert BANNER in out
    # CPU 1's idle task: unwound by GDB from that CPU's registers in the core.
    assert re.search(r"Task 32769 \(idle/1\), running, from the live registers of CPU 1", out)


def test_switched_out_tasks_in_a_core_file(tmp_path):
    """A kernel crash while user tasks exist, forced from GDB by sending a
    CPU that is in the kernel to crash_null_read: the core file shows the
    tasks, their backtraces (their kernel stacks are not in the core as
    such, only the RAM behind them) and their page tables."""
    core = tmp_path / "tasks.core"
    port = loupe.free_port()
    console = loupe.Console(cmdline="panic=poweroff coredump=%s" % core,
                            extra=qemu_gdbstub(port))
    try:
        console.expect(PROMPT)
        console.child.sendline("run crasher sleep")
        wait_for_task(port, r"^\s*\d+  crasher +sleeping")
        crash_script = tmp_path / "crash_a_cpu.py"
        crash_script.write_text(
            "import gdb\n"
            "for thread in gdb.selected_inferior().threads():\n"
            "    thread.switch()\n"
            "    if int(gdb.newest_frame().pc()) >= 0xffff000000000000:\n"
            "        gdb.execute('set var $pc = crash_null_read')\n"
            "        break\n")
        gdb_batch("source %s" % crash_script, port=port)
        assert console.wait_exit() == 3
    finally:
        console.close()
    out = gdb_batch("lp-ps", "lp-bt crasher", "lp-vm crasher", "lp-crash", core=core)
    assert re.search(r"^\s*1  init +blocked", out, re.M), out
    assert "Kernel failed on CPU" in out and "crash_null_read+" in out, out
    assert re.search(r"^#0 +0x[0-9a-f]+ in context_switch\+0x0 ", out, re.M), out
    assert re.search(r"in sleep_forever\+0x[0-9a-f]+ \[user: crasher\]", out), out
    assert re.search(r"^  0x%016x-\S+ +0x[0-9a-f]+ +\d+ KiB  EL0 r-x  EL1 r--"
                     % text_segment_start("crasher"), out, re.M), out


def test_lp_crash_on_a_halted_kernel():
    """panic=halt leaves the kernel stopped for a debugger: attach QEMU's
    gdbstub and read the report from memory."""
    port = loupe.free_port()
    console = loupe.Console(cmdline="crash=panic coredump=off", extra=qemu_gdbstub(port))
    try:
        console.expect("System halted")
        out = gdb_batch("lp-crash -n 3", port=port)
    finally:
        console.close()
    assert "Kernel failed on CPU 0: crash=panic requested on the command line" in out, out
    assert re.search(r"^#\d +0x[0-9a-f]+ in crash_panic\+", out, re.M), out
    assert "Last kernel log lines before the crash:" in out
