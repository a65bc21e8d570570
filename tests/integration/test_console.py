"""The user-space console server (issue 6): it takes UART0 from the kernel,
serves every program's input and output over IPC, prints the kernel's log,
and when it dies the kernel takes the UART back (docs/ipc.md,
docs/ipc-protocols.md)."""
import re

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
    out = c.command("ps", prompt=PROMPT)
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
