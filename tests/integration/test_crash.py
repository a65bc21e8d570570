"""Deliberate crashes (crash=KIND) produce a decoded, symbolized report,
a core file GDB can read, and a non-zero exit status with panic=poweroff."""
import re
import subprocess

import pytest

import loupe

PANIC_EXIT_STATUS = 3

# kind: (text the report must contain, function the backtrace starts in)
CRASHES = {
    "null": (r"Data Abort \(current EL\): translation fault, level \d, read",
             "crash_null_read"),
    "write-ro": (r"Data Abort \(current EL\): permission fault, level 3, write",
                 "crash_write_rodata"),
    "undef": (r"Unknown reason \(undefined instruction\)", "crash_undefined"),
    "stack": (r"\*\*\* Kernel stack overflow on CPU 0\n  task .*\n  sp .* ran into the guard page",
              "crash_recurse"),
    "panic": (r"Kernel panic on CPU 0: crash=panic requested on the command line",
              "crash_panic"),  # the report's frame #0 is panic()'s caller
    "hang": (r"\*\*\* CPU 0 stuck: in the kernel for \d+ s without scheduling or idling",
             "crash_hang"),
}


def first_frame(out):
    m = re.search(r"Backtrace:\n.*?#0\s+0x([0-9a-f]{16}) (\S+?)\+0x", out)
    assert m, out
    return int(m.group(1), 16), m.group(2)


def addr2line_function(elf, addr):
    res = subprocess.run(["aarch64-linux-gnu-addr2line", "-f", "-e", elf, "0x%x" % addr],
                         check=True, capture_output=True, text=True)
    return res.stdout.splitlines()[0]


def gdb_batch(*commands, core):
    argv = ["gdb-multiarch", "-q", "-nx", "-batch"]
    for c in commands:
        argv += ["-ex", c]
    argv += [loupe.build_dir() + "/kernel.elf", str(core)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120).stdout


@pytest.mark.parametrize("kind", sorted(CRASHES))
def test_crash_report_core_and_exit(kind, tmp_path):
    text, function = CRASHES[kind]
    core = tmp_path / "crash.core"
    status, out = loupe.run(cmdline="crash=%s panic=poweroff coredump=%s" % (kind, core))
    out = re.sub(r"^\[[ \d.]+\] ", "", out, flags=re.M)  # drop timestamps
    assert re.search(text, out), out
    assert status == PANIC_EXIT_STATUS, out

    pc, name = first_frame(out)
    assert name.startswith(function), out
    elf = loupe.build_dir() + "/kernel.elf"
    assert addr2line_function(elf, pc).startswith(function)

    # Registers, the recent log and the core file are part of every report.
    assert re.search(r"x29 0x[0-9a-f]{16}", out) or kind == "panic"
    assert "Last kernel log lines before the crash:" in out
    assert re.search(r"Last trace events on CPU \d+ \(\d+ shown", out), out
    assert re.search(r"core dump: wrote .*crash\.core \(\d+ KiB, 2 CPUs", out), out

    bt = gdb_batch("bt 3", core=core)
    first = 1 if kind == "panic" else 0  # GDB shows panic() itself as #0
    assert re.search(r"#%d +(0x[0-9a-f]+ in )?%s" % (first, function), bt), bt


def test_heartbeat_loss_reported_by_other_cpu():
    status, out = loupe.run(smp=2, cmdline="crash=hang-irqoff panic=poweroff coredump=off")
    assert ("CPU 0 stuck: no timer tick for 5 s (interrupts masked?); noticed by CPU 1"
            in out), out
    assert "other CPUs did not stop" in out
    assert status == PANIC_EXIT_STATUS


def test_core_file_registers_and_memory(tmp_path):
    core = tmp_path / "null.core"
    status, out = loupe.run(smp=2, cmdline="crash=null panic=poweroff coredump=%s" % core)
    assert status == PANIC_EXIT_STATUS
    got = gdb_batch("info threads", "info registers pc", "print kernel_failed",
                    "print panic_message", "print/x percpu[1].index", core=core)
    assert re.search(r"\* 1 +LWP 1 .* crash_null_read", got), got
    assert re.search(r"^  2 +LWP 2 ", got, re.M), got
    assert re.search(r"pc +0x[0-9a-f]+ +0x[0-9a-f]+ <crash_null_read\+\d+>", got), got
    assert "$1 = 1" in got
    assert '"Data Abort (current EL): translation fault' in got
    assert "$3 = 0x1" in got


def test_decoder_adds_file_and_line():
    status, out = loupe.run(cmdline="crash=undef panic=poweroff coredump=off")
    decoded = subprocess.run(["make", "-s", "-C", loupe.ROOT, "decode"], input=out,
                             capture_output=True, text=True, check=True).stdout
    assert re.search(r"#0 +0x[0-9a-f]{16} crash_undefined\+0x[0-9a-f]+/0x[0-9a-f]+ at "
                     r"\S*kernel/core/crash_demo\.c:\d+", decoded), decoded
    assert re.search(r"kmain\+0x[0-9a-f]+/0x[0-9a-f]+ at \S*kernel/core/main\.c:\d+", decoded)


def test_unknown_and_unavailable_kinds_do_not_crash():
    status, out = loupe.run(cmdline="crash=frobnicate selftest")
    assert "crash=frobnicate: unknown kind" in out
    assert status == 0
    status, out = loupe.run(lab=0, smp=1, cmdline="crash=null selftest")
    assert "crash=null needs the MMU (stage 2); not crashing" in out
    assert status == 0


@pytest.mark.lab1
def test_exception_report_without_mmu():
    """Stage 1 has vectors but no MMU: an undefined instruction is still
    reported and symbolized."""
    status, out = loupe.run(lab=1, smp=1, cmdline="crash=undef panic=poweroff coredump=off")
    assert "Unknown reason (undefined instruction)" in out
    assert first_frame(out)[1] == "crash_undefined"
    assert status == PANIC_EXIT_STATUS
