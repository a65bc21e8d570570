"""User tasks (stage 3): the user-space self tests, init's command loop, and
a faulting program that dies alone (docs/syscalls.md, labs/3-tasks)."""
import filecmp
import os
import re
import shutil
import subprocess

import pytest

import loupe

PROMPT = "init> "
# The checks user/tests/utest.c and stress.c print, in order.
UTEST_CHECKS = [
    "argv_envp", "auxv", "tls", "fpsimd", "ids", "uname", "getrandom", "write", "brk", "mmap",
    "mmap_faults", "malloc", "nanosleep", "clock", "efault", "enosys", "child_faults",
    "exit_status", "kill", "spawn_errors", "wait_errors", "tasks_call", "priority",
]
STRESS_CHECKS = ["workers", "no_frame_leak"]
# The programs init runs under `selftest` from stage 3 on; later stages add more.
USER_TESTS = ["utest", "stress"]

# Stage 3 itself and the whole system, each on 1 and 4 CPUs.
SYSTEMS = [pytest.param(3, marks=pytest.mark.lab3, id="lab3"), pytest.param(None, id="all")]


def verdicts(out, prog):
    """{check: "ok" or "FAILED"} from the lines `prog: NAME   ok`."""
    return dict(re.findall(r"^%s: (\w+) +(ok|FAILED)$" % prog, out, re.M))


def summary(out, prog):
    m = re.search(r"^%s: (\d+) passed, (\d+) failed$" % prog, out, re.M)
    assert m, "no '%s: N passed, M failed' line in:\n%s" % (prog, out)
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("lab", SYSTEMS)
def test_user_selftest(lab, smp):
    # 4 CPUs on a small CI machine contend for its cores: allow them more time.
    status, out = loupe.run(lab=lab, smp=smp, cmdline="selftest",
                            timeout=loupe.BOOT_TIMEOUT * (1 if smp == 1 else 3))
    assert summary(out, r"\[[ \d.]+\] selftest")[1] == 0, out
    assert verdicts(out, "utest") == {c: "ok" for c in UTEST_CHECKS}, out
    assert verdicts(out, "stress") == {c: "ok" for c in STRESS_CHECKS}, out
    ran = verdicts(out, "usertest")
    assert {t: ran.get(t) for t in USER_TESTS} == {t: "ok" for t in USER_TESTS}, out
    assert summary(out, "usertest") == (len(ran), 0), out
    # The 16 workers really ran on every CPU, and no frame leaked.
    cpus = re.search(r"^stress: .* workers ran on CPUs([\d ]*)$", out, re.M)
    assert cpus and cpus.group(1).split() == [str(c) for c in range(smp)], out
    frames = re.search(r"^stress: free frames before (\d+), after (\d+)$", out, re.M)
    assert frames and frames.group(1) == frames.group(2), out
    assert status == 0, out


def boot_to_prompt(console, **kw):
    c = console(**kw)
    c.expect("Type 'help' for commands.")
    c.expect(PROMPT)
    return c


def command(c, line):
    """Run one command in init's loop; its output, kernel timestamps dropped."""
    out = c.command(line, prompt=PROMPT)
    return re.sub(r"^\[[ \d.]+\] ", "", out, flags=re.M)


def test_help_lists_commands(console):
    c = boot_to_prompt(console)
    out = command(c, "help")
    for cmd in ["help", "ps", "run", "poweroff"]:
        assert re.search(r"^  %s\b.* \S" % cmd, out, re.M), out


def test_trace_command_drives_the_tracer_through_the_native_call(console):
    c = boot_to_prompt(console)
    out = command(c, "trace status")
    assert re.search(r"^trace: on \(sched,ipc,irq,syscall,fault,counter,mark\), overwrite mode, "
                     r"16384 records per CPU$", out, re.M), out
    assert re.search(r"^  cpu1  \d+ records kept, 0 dropped$", out, re.M), out
    assert re.search(r"^trace: off, overwrite mode", command(c, "trace off"), re.M)
    assert re.search(r"^trace: on \(ipc,mark\),", command(c, "trace on ipc,mark"), re.M)
    out = command(c, "trace clear")
    assert "trace: cleared" in out, out
    out = command(c, "trace frobnicate")
    assert "usage: trace on [sched,ipc,irq,syscall,fault,counter,mark|all]" in out, out
    assert "trace: Invalid argument" in out, out
    assert "trace: on (ipc,mark)," in command(c, "trace")


def test_ps_lists_init(console):
    c = boot_to_prompt(console, smp=2)
    out = command(c, "ps")
    assert re.search(r"^ +TID +NAME +STATE +CPU +PRIO +PARENT +WAITS ON$", out, re.M), out
    # init asked for the list, so it is the task running on some CPU.
    assert re.search(r"^ +1 +init +running +[01] +\d+ +0 *$", out, re.M), out


def test_unknown_command_and_missing_program(console):
    c = boot_to_prompt(console)
    assert "unknown command 'frobnicate'; type 'help' for the list" in command(c, "frobnicate now")
    assert "run: cannot run 'nosuch': No such file or directory" in command(c, "run nosuch")
    assert "usage: run NAME" in command(c, "run")
    assert "poweroff" in command(c, "help")


def test_run_utest_interactively(console):
    c = boot_to_prompt(console, smp=2)
    out = command(c, "run utest")
    assert verdicts(out, "utest") == {t: "ok" for t in UTEST_CHECKS}, out
    assert re.search(r"^utest \(task \d+\) exited with status 0$", out, re.M), out


def assert_fault_report(out, tid_pattern=r"\d+"):
    """The kernel's one-screen report on `crasher null`, and init's line."""
    m = re.search(r"\*\*\* Task crasher \(id (%s)\) killed by signal 11 on CPU \d+: "
                  r"Data Abort \(lower EL\): translation fault, level \d, read" % tid_pattern, out)
    assert m, out
    assert re.search(r"^  pc 0x[0-9a-f]{16} crash_null_read\+0x[0-9a-f]+ \(crasher\)$", out, re.M), out
    assert re.search(r"^  lr 0x[0-9a-f]{16} main\+0x[0-9a-f]+ \(crasher\)$", out, re.M), out
    assert re.search(r"fault address 0x0000000000000000", out), out
    assert re.search(r"^crasher \(task %s\) killed by signal 11 \(SIGSEGV\)$" % m.group(1),
                     out, re.M), out


def test_faulting_program_dies_alone(console):
    c = boot_to_prompt(console, smp=2)
    assert_fault_report(command(c, "run crasher null"))
    # The loop, the kernel and other programs go on.
    assert "poweroff" in command(c, "help")
    out = command(c, "run crasher exit 7")
    assert re.search(r"^crasher \(task \d+\) exited with status 7$", out, re.M), out
    out = command(c, "run crasher undef")
    assert re.search(r"^crasher \(task \d+\) killed by signal 4 \(SIGILL\)$", out, re.M), out
    c.child.sendline("poweroff")
    assert c.wait_exit() == 0


def test_crash_user_leaves_system_running(console):
    c = console(cmdline="crash=user", smp=2)
    c.expect("Type 'help' for commands.")
    out = re.sub(r"\r+\n", "\n", c.child.before)
    out = re.sub(r"^\[[ \d.]+\] ", "", out, flags=re.M)
    assert "init: crash=user: running 'crasher null'" in out, out
    assert_fault_report(out)
    assert "init and the kernel go on" in out, out
    c.expect(PROMPT)
    assert re.search(r"^ +1 +init +running", command(c, "ps"), re.M)
    c.child.sendline("poweroff 5")
    assert c.wait_exit() == 5


def test_make_run_stage3_with_piped_stdin():
    """`make run LAB=3` passes the initrd and reaches init's loop."""
    status, out = loupe.make("run", "LAB=3", "SMP=1", "GDBPORT=%d" % loupe.free_port(),
                             input=b"ps\npoweroff\n")
    assert PROMPT in out, out
    assert re.search(r"^ +1 +init +running", out, re.M), out
    assert status == 0, out


def test_initrd_is_reproducible(tmp_path):
    """Rebuilding the initrd from the same programs gives the same bytes."""
    loupe.build()
    initrd = loupe.initrd_path()
    assert initrd, "the whole-system build made no initrd"
    shutil.copy(initrd, tmp_path / "before.cpio")
    os.remove(initrd)
    subprocess.run(["make", "-s", "-C", loupe.ROOT, "initrd"], check=True)
    assert filecmp.cmp(initrd, tmp_path / "before.cpio", shallow=False)
    listing = subprocess.run(["cpio", "-t", "--quiet"], stdin=open(initrd, "rb"),
                             capture_output=True, text=True, check=True).stdout.split()
    assert listing == sorted(listing) and "bin/init" in listing
