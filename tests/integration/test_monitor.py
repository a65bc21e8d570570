"""The kernel monitor, as a user at the console sees it.

The monitor is the console of the stages without user space (0-2); from
stage 3 on, init's command loop replaces it. These tests use stage 2
unless they say otherwise.
"""
import re

import pytest

import loupe


MONITOR_LAB = 2


def boot_to_prompt(console, **kw):
    kw.setdefault("lab", MONITOR_LAB)
    c = console(**kw)
    c.expect("Loupe kernel monitor")
    c.expect("loupe> ")
    return c


def test_help_lists_commands(console):
    c = boot_to_prompt(console)
    out = c.command("help")
    for cmd in ["help", "info", "dmesg", "backtrace", "poweroff"]:
        assert re.search(r"^  %s +\S" % cmd, out, re.M), out


def test_info_shows_cpus_memory_devices(console):
    c = boot_to_prompt(console, smp=4, mem="256M")
    out = c.command("info")
    assert "CPUs: 4 online of 4 in the device tree" in out
    assert re.search(r"RAM +0x0040000000-0x0050000000 +256 MiB", out), out
    assert re.search(r"uart0 +0x09000000 +irq 33", out), out
    assert re.search(r"uart1 +0x09040000 +irq 40", out), out
    assert "gicv2     dist 0x08000000 cpu 0x08010000" in out
    assert "timer     irq 27 (virtual timer)" in out
    assert "psci      method hvc" in out
    assert "virtio    32 mmio slots at 0x0a000000-0x0a004000" in out


def test_dmesg_has_boot_log(console):
    c = boot_to_prompt(console)
    out = c.command("dmesg")
    assert "Loupe: a debugger-first teaching microkernel" in out
    assert re.search(r"^\[ +\d+\.\d{6}\] smp: 2 of 2 CPUs online$", out, re.M), out


def test_backtrace_is_symbolized(console):
    c = boot_to_prompt(console)
    out = c.command("backtrace")
    frames = re.findall(r"#(\d+) +0x([0-9a-f]{16}) (\w+)\+0x[0-9a-f]+/0x[0-9a-f]+", out)
    names = [f[2] for f in frames]
    assert names[:3] == ["monitor_execute", "monitor_run", "kmain"], out


def test_unknown_command_is_reported(console):
    c = boot_to_prompt(console)
    out = c.command("frobnicate now")
    assert "unknown command 'frobnicate'; type 'help' for the list" in out
    # The monitor keeps working afterwards.
    assert "poweroff" in c.command("help")


def test_poweroff_exits_qemu_cleanly(console):
    c = boot_to_prompt(console)
    c.child.sendline("poweroff")
    assert c.wait_exit() == 0


@pytest.mark.parametrize("lab", [pytest.param(n, marks=getattr(pytest.mark, "lab%d" % n))
                                 for n in (0, 1, 2)])
def test_monitor_in_every_stage(console, lab):
    c = boot_to_prompt(console, lab=lab, smp=1)
    assert "Loupe stage %d" % lab in c.command("info")
    assert "unknown command" in c.command("nonsense")
    c.child.sendline("poweroff")
    assert c.wait_exit() == 0


def test_make_run_with_piped_stdin():
    """`make run` works when standard input is not a terminal."""
    status, out = loupe.make("run", "LAB=%d" % MONITOR_LAB, "SMP=1",
                             "GDBPORT=%d" % loupe.free_port(), input=b"info\npoweroff\n")
    assert "Loupe kernel monitor" in out
    assert "CPUs: 1 online of 1" in out
    assert status == 0, out


def test_make_run_selftest_sets_exit_status():
    status, out = loupe.make("run", "LAB=1", "SMP=4", "CMDLINE=selftest",
                             "GDBPORT=%d" % loupe.free_port())
    assert re.search(r"selftest: \d+ passed, 0 failed", out), out
    assert status == 0, out
