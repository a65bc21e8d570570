"""The GDB stub on UART1, driven by a real gdb-multiarch as a user would.

The session tests run on stage 2 (paging), the last stage before tasks:
there CPU 0 runs the kernel monitor and the others idle, so every thread
and every stop is predictable. One QEMU per CPU count (1 and 4) serves them
in order; each test attaches a fresh GDB and detaches it again, so every
test also checks that the kernel survives a detach and takes the next
attach. The whole system (user tasks) gets a test of its own, and crashes
a boot of their own.
"""
import os
import re
import shutil
import signal
import subprocess
import time

import pexpect
import pytest

import loupe

GDB = shutil.which("gdb-multiarch") or "gdb-multiarch"
SESSION_LAB = 2
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
GDB_TIMEOUT = 90  # generous: QEMU is slow on a loaded 2-core machine

pytestmark = pytest.mark.skipif(not shutil.which(GDB), reason="gdb-multiarch not installed")


class Gdb:
    """An interactive gdb-multiarch on the kernel's ELF; commands return
    their output without the echo and the prompt."""

    PROMPT = "(gdb) "

    def __init__(self, port, lab=None):
        self.port = port
        elf = os.path.join(loupe.build_dir(lab), "kernel.elf")
        self.child = pexpect.spawn(
            GDB, ["-q", "-nx", "-ex", "set pagination off", "-ex", "set confirm off",
                  "-ex", "set width 0", "-ex", "set height 0",
                  # QEMU on a loaded machine can take longer than GDB's
                  # default 2 s to answer.
                  "-ex", "set remotetimeout 30", elf],
            encoding="utf-8", codec_errors="replace", timeout=GDB_TIMEOUT,
            env=dict(os.environ, TERM="dumb"))  # no readline escape sequences
        if os.environ.get("LOUPE_TEST_VERBOSE"):
            self.child.logfile_read = __import__("sys").stdout
        self.child.expect_exact(self.PROMPT)

    def cmd(self, line, timeout=GDB_TIMEOUT):
        self.child.sendline(line)
        self.child.expect_exact(self.PROMPT, timeout=timeout)
        out = ANSI_ESCAPE.sub("", self.child.before).replace("\r\n", "\n")
        return out.split("\n", 1)[1] if "\n" in out else ""

    def attach(self):
        out = self.cmd("target remote 127.0.0.1:%d" % self.port)
        assert "Remote debugging using" in out, out
        return out

    def value(self, expr):
        out = self.cmd("print/x " + expr)
        m = re.search(r"= (0x[0-9a-f]+)", out)
        assert m, out
        return int(m.group(1), 16)

    def close(self):
        if self.child.isalive():
            self.child.kill(signal.SIGKILL)
        self.child.close(force=True)


class StubConsole(loupe.Console):
    """A boot whose UART1 socket sends every byte at once (nodelay): the
    stub writes a reply byte by byte, and Nagle's algorithm would hold
    each packet back for a delayed TCP acknowledgement."""

    def __init__(self, smp, cmdline="", lab=None):
        self.port = loupe.free_port()
        self.smp = smp
        self.lab = lab
        loupe.build(lab)
        argv = [a + ",nodelay=on" if a.endswith("wait=off") else a
                for a in loupe.qemu_argv(lab=lab, smp=smp, cmdline=cmdline,
                                         gdbport=self.port)]
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=loupe.BOOT_TIMEOUT)


def boot_with_stub(smp, cmdline="", lab=None):
    console = StubConsole(smp, cmdline, lab)
    console.expect("gdb: stub listening on UART1")
    return console


@pytest.fixture(scope="module", params=[1, 4], ids=["smp1", "smp4"])
def kernel(request):
    """A booted kernel at its monitor prompt, with the stub on a free port."""
    console = boot_with_stub(request.param, lab=SESSION_LAB)
    console.expect("loupe> ")
    yield console
    console.close()


@pytest.fixture
def gdb(kernel):
    """GDB attached to `kernel`; detached (so the kernel runs on) afterwards."""
    g = Gdb(kernel.port, kernel.lab)
    g.attach()
    yield g
    try:
        g.cmd("detach", timeout=30)
    finally:
        g.close()


def test_attach_shows_a_thread_per_cpu(kernel, gdb):
    out = gdb.cmd("info threads")
    names = re.findall(r'Thread (\d+) "(cpu\d+ \w+)" \(([^)]*)\)', out)
    assert [n[1] for n in names] == ["cpu0 main"] + ["cpu%d idle" % i
                                                     for i in range(1, kernel.smp)], out
    states = [n[2] for n in names]
    assert states.count("stopped") == 1, out
    assert states.count("parked by the debugger") == kernel.smp - 1, out


def test_info_registers_with_system_and_vector_registers(gdb):
    out = gdb.cmd("info registers")
    for reg in ["x0", "x30", "sp", "pc", "cpsr", "esr_el1", "far_el1", "vbar_el1",
                "ttbr1_el1", "sctlr_el1", "mdscr_el1"]:
        assert re.search(r"^%s +0x[0-9a-f]+" % reg, out, re.M), out
    # The kernel runs in EL1 with its vector table in VBAR_EL1.
    assert re.search(r"^cpsr .*EL=1", out, re.M), out
    assert gdb.value("$vbar_el1") == gdb.value("&exception_vectors")
    out = gdb.cmd("info registers v0")
    assert re.search(r"^v0 +\{d = \{f = ", out, re.M), out


def test_vector_register_write_reaches_the_cpu(gdb):
    """A v register written by GDB is loaded into the CPU on resume and
    saved back on the next stop: the stub shows the live FP/SIMD state."""
    gdb.cmd("set var $v7.d.u[0] = 0x1122334455667788")
    gdb.cmd("set var $fpcr = 0x1000000")
    interrupt_after(gdb, 0.3)
    assert "(Thread 1)" in gdb.cmd("thread")  # UART1 interrupts CPU 0
    assert gdb.value("$v7.d.u[0]") == 0x1122334455667788
    assert gdb.value("$fpcr") == 0x1000000
    gdb.cmd("set var $fpcr = 0")


def interrupt_after(gdb, seconds):
    """continue, then Ctrl-C as a user types it into GDB."""
    gdb.child.sendline("continue")
    gdb.child.expect_exact("Continuing.")
    time.sleep(seconds)
    gdb.child.sendintr()
    gdb.child.expect("received signal SIGINT")
    gdb.child.expect_exact(Gdb.PROMPT)


def test_break_and_continue_in_the_timer_tick(gdb):
    gdb.cmd("break timer_tick")
    out = gdb.cmd("continue")
    assert re.search(r"Breakpoint 1, timer_tick \(", out), out
    out = gdb.cmd("bt 3")
    assert re.search(r"^#0 +timer_tick \(", out, re.M), out
    assert re.search(r"^#1 +0x[0-9a-f]+ in irq_handle \(", out, re.M), out
    # A second continue stops there again (the breakpoint was stepped over).
    out = gdb.cmd("continue")
    assert "Breakpoint 1, timer_tick" in out, out
    gdb.cmd("delete")


def test_bt_from_an_interrupt_handler_reaches_the_interrupted_code(gdb):
    """vectors.S describes its trap frame in DWARF CFI: GDB unwinds from the
    timer interrupt's handler through the exception entry (shown like a
    signal frame) into the code the interrupt stopped, and on to kmain or
    the secondary CPU's entry."""
    gdb.cmd("break timer_tick")
    gdb.cmd("continue")
    gdb.cmd("delete")
    out = gdb.cmd("bt")
    assert re.search(r"^#\d+ +<signal handler called>$", out, re.M), out
    interrupted = out.split("<signal handler called>", 1)[1]
    assert re.search(r"^#\d+ .*\b(kmain|smp_secondary_main) \(", interrupted, re.M), out


def test_stepi_advances_one_instruction(gdb):
    gdb.cmd("break timer_tick")
    gdb.cmd("continue")
    gdb.cmd("delete")
    pc = gdb.value("$pc")
    for i in range(1, 4):
        gdb.cmd("stepi")
        assert gdb.value("$pc") == pc + 4 * i
    out = gdb.cmd("bt 1")
    assert "timer_tick" in out, out


def kernel_instructions(lab, pattern):
    """(address, pattern's group 1 or None) of every kernel instruction
    whose disassembly matches pattern (objdump's "mnemonic\toperands")."""
    elf = os.path.join(loupe.build_dir(lab), "kernel.elf")
    dump = subprocess.run(["aarch64-linux-gnu-objdump", "-d", elf], stdout=subprocess.PIPE,
                          text=True, check=True).stdout
    return [(int(m.group(1), 16), m.group(2) if m.lastindex > 1 else None)
            for m in re.finditer(r"^([0-9a-f]+):\s+[0-9a-f]{8}\s+%s$" % pattern, dump, re.M)]


def test_stepi_over_instructions_that_write_daif(kernel, gdb):
    """stepi over msr daif/daifset/daifclr ends on the next instruction
    with the mask the instruction wrote, D (debug) included. Run for real,
    an instruction that sets D masks the very step exception that ends the
    step (arch_irq_restore of flags saved before the debugger cleared D
    does that), and the step never ended. Each is tried at its address in
    the kernel with chosen operands; the stopped CPU's registers are put
    back before the next test continues it."""
    daif = kernel_instructions(kernel.lab, r"msr\tdaif, (x\d+)")
    daifset = kernel_instructions(kernel.lab, r"msr\tdaifset, #0xf")
    daifclr = kernel_instructions(kernel.lab, r"msr\tdaifclr, #0x2")
    assert daif and daifset and daifclr
    gdb.cmd("break timer_tick")
    gdb.cmd("continue")
    gdb.cmd("delete")
    saved = {r: gdb.value("$" + r) for r in ("pc", "cpsr", daif[0][1])}
    cases = [  # (address, registers to set first, DAIF bits expected after)
        (daif[0][0], {daif[0][1]: 0x3c0, "cpsr": saved["cpsr"] & ~0x3c0}, 0x3c0),
        (daif[0][0], {daif[0][1]: 0x080, "cpsr": saved["cpsr"] | 0x3c0}, 0x080),
        (daifset[0][0], {"cpsr": saved["cpsr"] & ~0x3c0}, 0x3c0),
        (daifclr[0][0], {"cpsr": saved["cpsr"] | 0x3c0}, 0x340),
    ]
    try:
        for address, regs, expected in cases:
            gdb.cmd("set $pc = 0x%x" % address)
            for reg, value in regs.items():
                gdb.cmd("set $%s = 0x%x" % (reg, value))
            out = gdb.cmd("stepi", timeout=30)
            assert gdb.value("$pc") == address + 4, out
            assert gdb.value("$cpsr") & 0x3c0 == expected, out
    finally:
        for reg, value in saved.items():
            gdb.cmd("set $%s = 0x%x" % (reg, value))
    # The kernel runs on from where it was stopped.
    gdb.cmd("break timer_tick")
    assert "timer_tick" in gdb.cmd("continue")
    gdb.cmd("delete")


def source_line(path, text):
    with open(os.path.join(loupe.ROOT, path)) as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise AssertionError("%r not in %s" % (text, path))


def test_next_steps_over_a_call_that_takes_timer_interrupts(kernel, gdb):
    """`next` over console_getc(), which sleeps through timer ticks until a
    key arrives: the ticks are handled, and the step ends on the next line
    of the caller, not in an interrupt handler."""
    line = source_line("kernel/core/monitor.c", "int c = console_getc();")
    gdb.cmd("break monitor.c:%d" % line)
    kernel.child.send("x")  # a key, so read_line loops back to the call
    out = gdb.cmd("continue")
    assert "monitor.c:%d" % line in out or "read_line" in out, out
    gdb.cmd("delete")
    ticks = gdb.value("percpu[0].ticks")
    gdb.child.sendline("next")
    time.sleep(0.5)  # some 50 ticks of sleeping in console_getc
    kernel.child.send("y")
    gdb.child.expect_exact(Gdb.PROMPT)
    out = gdb.child.before
    assert "SIGTRAP" not in out and "irq" not in out, out
    assert re.search(r"^%d\s" % (line + 2), out.replace("\r", ""), re.M), out
    assert "read_line" in gdb.cmd("bt 1")
    assert gdb.value("percpu[0].ticks") > ticks
    kernel.child.send("\x15")  # Ctrl-U: leave the monitor's line empty


def test_hbreak_in_thread_context(gdb):
    out = gdb.cmd("hbreak watchdog_touch")
    assert "Hardware assisted breakpoint 1" in out, out
    out = gdb.cmd("continue")
    assert re.search(r"Breakpoint 1(\.\d+)?, watchdog_touch", out), out
    out = gdb.cmd("bt")
    assert re.search(r"^#1 .* in (console_getc|smp_secondary_main) ", out, re.M), out
    gdb.cmd("delete")


def test_watch_stops_at_the_write_with_old_and_new_value(gdb):
    out = gdb.cmd("watch percpu[0].progress_tick")
    assert "Hardware watchpoint 1: percpu[0].progress_tick" in out, out
    out = gdb.cmd("continue")
    m = re.search(r"Old value = (\d+)\s+New value = (\d+)", out)
    assert m and int(m.group(2)) > int(m.group(1)), out
    assert "watchdog_touch" in out, out
    # GDB reports the stop after the writing instruction: a store.
    assert re.search(r"\tstr\s", gdb.cmd("x/i $pc - 4")), out
    gdb.cmd("delete")


def test_set_var_writes_kernel_memory(gdb):
    gdb.cmd("set var percpu[0].ipis = 0x5eed")
    assert gdb.value("percpu[0].ipis") == 0x5eed
    assert gdb.value("*(unsigned long *)&percpu[0].ipis") == 0x5eed


def test_unmapped_and_device_memory_is_an_error(gdb):
    assert "Cannot access memory at address 0x0" in gdb.cmd("x/4x 0")
    # UART0's registers in the I/O window: Device memory, never read.
    uart0 = 0xffff800000000000 + 0x09000000
    assert "Cannot access memory" in gdb.cmd("x/4x 0x%x" % uart0)


def test_host_io_reads_memory_as_binary_files(kernel, gdb, tmp_path):
    """`remote get /mem/ADDR,LEN FILE` (the vFile packets) copies memory
    with binary replies: the kernel's first 16 KiB are the Image file's.
    Unreadable memory and anything but reading give GDB's I/O errors."""
    copy = tmp_path / "text.bin"
    start = gdb.value("&_start_image")
    out = gdb.cmd("remote get /mem/%x,4000 %s" % (start, copy))
    assert "error" not in out, out
    with open(os.path.join(loupe.build_dir(kernel.lab), "Image"), "rb") as f:
        assert copy.read_bytes() == f.read(0x4000)
    assert "Remote I/O error" in gdb.cmd("remote get /mem/0,10 %s" % copy)
    assert "No such file" in gdb.cmd("remote get /etc/passwd %s" % copy)
    assert "Permission denied" in gdb.cmd("remote put %s /mem/%x,10" % (copy, start))


def test_ctrl_c_stops_a_running_kernel(gdb):
    before = gdb.value("percpu[0].ticks")
    interrupt_after(gdb, 0.5)
    assert "stopped" in gdb.cmd("info threads")
    assert gdb.value("percpu[0].ticks") > before


def test_monitor_commands(kernel, gdb):
    out = gdb.cmd("monitor help")
    for c in ["help", "ps", "dmesg", "reboot"]:
        assert "monitor %s" % c in out, out
    out = gdb.cmd("monitor ps")
    assert len(re.findall(r"cpu\d (main|idle)", out)) == kernel.smp, out
    assert "gdb: stub listening on UART1" in gdb.cmd("monitor dmesg")


def test_detach_lets_the_kernel_run_and_reattach_works(kernel):
    g = Gdb(kernel.port, kernel.lab)
    try:
        g.attach()
        ticks = g.value("percpu[0].ticks")
        assert "detached" in g.cmd("detach")
        # The console works while GDB is away.
        assert "Loupe stage %d" % SESSION_LAB in kernel.command("info")
        g.attach()
        assert g.value("percpu[0].ticks") > ticks
        assert "cpu0 main" in g.cmd("info threads")
        g.cmd("detach")
    finally:
        g.close()


@pytest.mark.parametrize("smp", [1, 4])
def test_whole_system_with_user_tasks(smp):
    """The default build: CPUs run init and idle tasks; breakpoints,
    watchpoints and detach work the same."""
    console = boot_with_stub(smp)
    g = None
    try:
        console.expect("init> ")
        g = Gdb(console.port)
        g.attach()
        out = g.cmd("info threads")
        assert len(re.findall(r'Thread \d+ "cpu\d+ \w+"', out)) == smp, out
        g.cmd("break timer_tick")
        assert re.search(r"Breakpoint 1, timer_tick \(", g.cmd("continue"))
        g.cmd("delete")
        # Watch the tick count of the CPU that stopped in timer_tick: it
        # resumes inside its handler and writes it. Another CPU's handler
        # runs with debug exceptions masked, so its write would not stop.
        threads = g.cmd("info threads")
        cur = re.search(r'^\* +\d+ +Thread \d+ "(?:cpu(\d+)[^"]*|[^"]*)" '
                        r'\((?:running on cpu(\d+)|[^)]*)\)', threads, re.M)
        assert cur and (cur.group(1) or cur.group(2)), threads
        g.cmd("watch percpu[%s].ticks" % (cur.group(1) or cur.group(2)))
        out = g.cmd("continue")
        assert re.search(r"Old value = \d+\s+New value = \d+", out), out
        g.cmd("delete")
        assert "detached" in g.cmd("detach")
        console.child.sendline("help")  # init's command loop still answers
        console.expect("init> ")
    finally:
        if g:
            g.close()
        console.close()


@pytest.mark.parametrize("smp", [1, 4])
def test_post_mortem_attach_after_a_crash(smp):
    console = boot_with_stub(smp, "crash=null")
    g = None
    try:
        console.expect("System halted")
        g = Gdb(console.port)
        out = g.attach()
        assert "crash_null_read" in out, out
        assert "SIGSEGV" in g.cmd("info program")
        out = g.cmd("bt")
        assert re.search(r"^#0 +.*crash_null_read", out, re.M), out
        assert re.search(r"^#\d+ .* in crash_demo ", out, re.M), out
        # ESR_EL1 of the crash: a data abort from EL1.
        assert g.value("$esr_el1") >> 26 == 0x25
        # The kernel cannot run again: continue reports the same fault.
        out = g.cmd("continue")
        assert "SIGSEGV" in out, out
        out = g.cmd("info threads")
        assert len(re.findall(r'"cpu\d', out)) == smp, out
    finally:
        if g:
            g.close()
        console.close()
