"""Build and boot Loupe in QEMU for the integration tests.

Every test boots a real kernel in qemu-system-aarch64 and asserts on what a
user would see: console text, QEMU's exit status, files on the host.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = shutil.which("qemu-system-aarch64") or "qemu-system-aarch64"
# Generous: QEMU's software emulation is slow on a loaded 2-core CI machine.
BOOT_TIMEOUT = 120

_built = set()


def build_dir(lab=None):
    return os.path.join(ROOT, "build" if lab is None else "build/lab%d" % lab)


def initrd_path(lab=None):
    """The initrd a build made (stages with user tasks), or None."""
    path = os.path.join(build_dir(lab), "initrd.cpio")
    return path if os.path.exists(path) else None


def build(lab=None):
    """Build the kernel of a stage (None: the whole system) once per session."""
    if lab in _built:
        return
    cmd = ["make", "-s", "-C", ROOT, "kernel"]
    if lab is not None:
        cmd.append("LAB=%d" % lab)
    subprocess.run(cmd, check=True)
    _built.add(lab)


def free_port():
    """A TCP port nobody listens on right now (the kernel's UART1 server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_argv(lab=None, smp=2, cmdline="", mem="512M", extra=(), gdbport=None,
              initrd=True, machine="virt"):
    """QEMU's command line, as `make run` builds it. A build that made an
    initrd (stage 3 on) gets it with -initrd, unless initrd is False; a
    string is the path of another initrd to load instead."""
    image = os.path.join(build_dir(lab), "Image")
    port = gdbport or free_port()
    if initrd is True:
        initrd = initrd_path(lab)
    return [
        QEMU, "-M", machine, "-cpu", "cortex-a72", "-smp", str(smp), "-m", mem,
        "-display", "none", "-nic", "none", "-semihosting-config", "enable=on,target=native",
        "-kernel", image, "-append", cmdline,
        *(["-initrd", initrd] if initrd else []),
        "-serial", "stdio",
        "-serial", "tcp:127.0.0.1:%d,server=on,wait=off,nodelay=on" % port,
        *extra,
    ]


def run(lab=None, smp=2, cmdline="", timeout=BOOT_TIMEOUT, **kw):
    """Boot to completion (the kernel powers off); return (exit status, console)."""
    build(lab)
    try:
        proc = subprocess.run(qemu_argv(lab, smp, cmdline, **kw), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout)
    except subprocess.TimeoutExpired as e:
        # Show how far the boot got: a hang is only debuggable with its log.
        out = (e.stdout or b"").decode(errors="replace").replace("\r\n", "\n")
        raise AssertionError("QEMU still running after %d s; console so far:\n%s"
                             % (timeout, out)) from None
    out = proc.stdout.decode(errors="replace").replace("\r\n", "\n")
    return proc.returncode, out


class Console:
    """An interactive boot: expect/send on the console, cleaned up on close."""

    def __init__(self, lab=None, smp=2, cmdline="", **kw):
        build(lab)
        argv = qemu_argv(lab, smp, cmdline, **kw)
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=BOOT_TIMEOUT)
        if os.environ.get("LOUPE_TEST_VERBOSE"):
            self.child.logfile_read = sys.stdout

    def expect(self, pattern, timeout=BOOT_TIMEOUT):
        self.child.expect(pattern, timeout=timeout)
        return self.child.before

    def command(self, line, prompt="loupe> "):
        """Send a monitor command and return its output up to the next prompt."""
        self.child.sendline(line)
        self.child.expect_exact(prompt)
        # The guest sends \r\n and the pty adds another \r.
        out = re.sub(r"\r+\n", "\n", self.child.before)
        # Drop the echoed command line.
        return out.split("\n", 1)[1] if "\n" in out else ""

    def ps_with_console_server_idle(self, prompt="loupe> ", tries=5):
        """init's ps, taken when the console server is not running.

        The console server answers init's read of the line "ps" and only
        then finishes its own request (a trace mark, then back to
        ipc_recv); on another CPU, init's snapshot can catch it in between,
        still running. That is a true answer, just not the idle state the
        callers compare, so take another snapshot; any other state ends
        the search."""
        for _ in range(tries):
            out = self.command("ps", prompt=prompt)
            state = re.search(r"^ *\d+  console +([a-z]+) ", out, re.M)
            if not state or state.group(1) != "running":
                return out
        raise AssertionError("the console server ran in %d snapshots:\n%s" % (tries, out))

    def output_so_far(self, wait=2, limit=8000):
        """The end of what the console printed since the last match, for
        a failure message: a kernel crash report explains most failures
        seen from the outside, such as an unexpected stop reply."""
        try:
            self.child.expect(pexpect.TIMEOUT, timeout=wait)
        except pexpect.EOF:
            pass
        return re.sub(r"\r+\n", "\n", self.child.before or "")[-limit:]

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        return self.child.exitstatus

    def close(self):
        if self.child.isalive():
            self.child.kill(signal.SIGKILL)
        self.child.close(force=True)


def make(*args, input=None, timeout=BOOT_TIMEOUT, check=False):
    """Run `make -s -C ROOT args...` as a user would; return (status, output).

    make starts QEMU as a grandchild, which a plain timeout would leave
    running: make gets its own process group, and the whole group is
    killed if it does not finish in time."""
    proc = subprocess.Popen(["make", "-s", "-C", ROOT, *args], start_new_session=True,
                            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        raise AssertionError("make %s timed out:\n%s" % (" ".join(args),
                                                         out.decode(errors="replace")))
    out = out.decode(errors="replace")
    if check and proc.returncode != 0:
        raise AssertionError("make %s failed:\n%s" % (" ".join(args), out))
    return proc.returncode, out
