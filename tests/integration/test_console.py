"""The user-space console server (issue 6): it takes UART0 from the kernel,
serves every program's input and output over IPC, prints the kernel's log,
and when it dies the kernel takes the UART back (docs/ipc.md,
docs/ipc-protocols.md)."""
import re
import time

import pytest

import loupe

PROMPT = "init> "
HANDOVER = re.compile(r"console: console \(task (\d+)\) drives UART0 now; "
                      r"kernel messages go to the log ring")


def ps_rows(out):
    """{name: (state, waits-on)} from init's ps."""
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^\s*\d+\s+(\S+)\s+(\w+)\s+\S+\s+\d+\s+\d+\s*(.*)$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3).strip())
    return rows


@pytest.mark.lab4
@pytest.mark.parametrize("smp", [1, 4])
def test_console_server_serves_input_output_and_kernel_log(console, smp):
    c = console(smp=smp)
    c.expect(HANDOVER)
    server = c.child.match.group(1)
    c.expect(PROMPT)
    # Typed input reaches init through the server (interrupt-driven: the
    # server only reads the UART when its irq notification fires).
    out = c.ps_with_console_server_idle(PROMPT)
    rows = ps_rows(out)
    assert rows["console"][0] == "blocked", out
    assert re.fullmatch(r"ipc recv ep\d+", rows["console"][1]), out
    # The kernel's own messages come out through the server, before the
    # output of what happened after them.
    out = c.command("run crasher null", prompt=PROMPT)
    kernel = out.find("*** Task crasher")
    init = out.find("killed by signal 11 (SIGSEGV)")
    assert 0 <= kernel < init, out
    assert "console" in c.command("ps", prompt=PROMPT)
    assert server == "2"


@pytest.mark.lab4
def test_killing_the_console_server_gives_the_uart_back(console):
    c = console(smp=2)
    c.expect(HANDOVER)
    server = c.child.match.group(1)
    c.expect(PROMPT)
    out = c.command("kill %s" % server, prompt=PROMPT)
    assert "console: the console server is gone; the kernel drives UART0 again" in out, out
    assert "task %s ended (wait status 0x9)" % server in out, out
    # Output and input go on through the kernel console.
    out = c.command("ps", prompt=PROMPT)
    rows = ps_rows(out)
    assert "init" in rows and "console" not in rows, out
    out = c.command("run crasher null", prompt=PROMPT)
    assert "*** Task crasher" in out and "killed by signal 11 (SIGSEGV)" in out, out
    c.child.sendline("poweroff 5")
    assert c.wait_exit() == 5


@pytest.mark.lab4
@pytest.mark.parametrize("kind,headline,first_frame", [
    ("null", "*** Unexpected exception on CPU 0: synchronous from EL1", "crash_null_read"),
    ("panic", "Kernel panic on CPU 0: crash=panic requested", "crash_panic"),
])
def test_crash_report_reaches_the_screen_past_the_console_server(kind, headline, first_frame):
    # The crash comes from CPU 0's timer interrupt a second after the
    # server took UART0: the kernel no longer prints its log itself, yet
    # the report, and the log lines the server never printed, appear.
    status, out = loupe.run(cmdline="crash=%s crashat=console panic=poweroff coredump=off" % kind)
    handover = HANDOVER.search(out)
    assert handover, out
    banner = out.find("Loupe init (task 1): user space is running.")
    report = out.find(headline)
    assert 0 <= handover.start() < banner < report, out
    backtrace = out[out.index("Backtrace:", report):]
    frames = re.findall(r"#\d+\s+0x[0-9a-f]+ (\w+)\+", backtrace)
    assert frames[0] == first_frame and "timer_tick" in frames, out
    tail = out[out.index("Last kernel log lines before the crash:"):]
    assert "crash: inside CPU 0's timer interrupt, with the console server running" in tail, out
    assert status == 3, out


@pytest.mark.lab4
def test_crashat_console_refuses_kinds_that_need_kmain(console):
    c = console(cmdline="crash=stack crashat=console")
    c.expect(r"crashat=console takes crash=null, write-ro, undef or panic, not 'stack'; "
             r"not crashing")
    c.expect(PROMPT)
    # Past the second after the handover at which the crash would come.
    time.sleep(2)
    out = c.command("ps", prompt=PROMPT)
    assert "console" in ps_rows(out), out
    c.child.sendline("poweroff 0")
    assert c.wait_exit() == 0
