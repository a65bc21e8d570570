#!/usr/bin/env python3
"""Time one GDB session against Loupe's stub and against QEMU's gdbstub.

Both stubs serve the same boot: QEMU runs the kernel with its own gdbstub
on one port (-gdb) and UART1 -- Loupe's stub -- on another. The same
gdb-multiarch session runs against each in turn:

  1000 x stepi          one instruction at a time, as a user steps
  x/16384xw             64 KiB of kernel memory (the kernel image)
  info threads          the thread list with each thread's frame

Each phase is timed inside GDB (wall clock). QEMU runs with
-icount shift=0,sleep=off by default, so the guest executes the same
instructions every run; only the host's time varies. Not part of
`make test`: nothing here asserts a speed. docs/gdb.md has results.

Usage: scripts/gdb_bench.py [--lab N] [--smp N] [--runs N] [--no-icount]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

SESSION = r'''
import time, gdb
def timed(name, fn):
    t = time.time()
    fn()
    print("BENCH %s %.3f" % (name, time.time() - t))
def steps():
    for _ in range(1000):
        gdb.execute("stepi", to_string=True)
timed("stepi_x1000", steps)
timed("x_64KiB", lambda: gdb.execute("x/16384xw 0xffffffff80000000", to_string=True))
timed("info_threads", lambda: gdb.execute("info threads", to_string=True))
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_dir(lab):
    return os.path.join(ROOT, "build" if lab is None else "build/lab%d" % lab)


def boot(lab, smp, icount, stub_port, qemu_port):
    bd = build_dir(lab)
    initrd = os.path.join(bd, "initrd.cpio")
    argv = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", str(smp),
            "-m", "512M", "-display", "none", "-nic", "none", "-kernel", os.path.join(bd, "Image"),
            "-append", "", "-serial", "null",
            "-serial", "tcp:127.0.0.1:%d,server=on,wait=off,nodelay=on" % stub_port,
            "-gdb", "tcp:127.0.0.1:%d" % qemu_port, "-monitor", "none"]
    if os.path.exists(initrd):
        argv += ["-initrd", initrd]
    if icount:
        argv += ["-icount", "shift=0,sleep=off"]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL)


def session(lab, port, script):
    argv = ["gdb-multiarch", "-q", "-nx", "-batch", "-ex", "set pagination off",
            "-ex", "set remotetimeout 30", "-ex", "target remote 127.0.0.1:%d" % port,
            "-x", script, "-ex", "detach", os.path.join(build_dir(lab), "kernel.elf")]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=1200).stdout
    times = {}
    for line in out.splitlines():
        if line.startswith("BENCH "):
            _, name, secs = line.split()
            times[name] = float(secs)
    if len(times) != 3:
        sys.exit("gdb session failed:\n" + out)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lab", type=int, default=None, help="stage to boot (default: all)")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-icount", action="store_true")
    args = ap.parse_args()
    make = ["make", "-s", "-C", ROOT, "kernel"] + (["LAB=%d" % args.lab] if args.lab else [])
    subprocess.run(make, check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(SESSION)
    results = {"loupe": [], "qemu": []}
    for _ in range(args.runs):
        stub_port, qemu_port = free_port(), free_port()
        qemu = boot(args.lab, args.smp, not args.no_icount, stub_port, qemu_port)
        try:
            time.sleep(3)  # to the idle loop / prompt
            results["loupe"].append(session(args.lab, stub_port, f.name))
            results["qemu"].append(session(args.lab, qemu_port, f.name))
        finally:
            qemu.kill()
            qemu.wait()
    os.unlink(f.name)
    print("%-14s %12s %12s %8s" % ("phase", "Loupe stub", "QEMU stub", "ratio"))
    for phase in ["stepi_x1000", "x_64KiB", "info_threads"]:
        lo = min(r[phase] for r in results["loupe"])
        qe = min(r[phase] for r in results["qemu"])
        print("%-14s %11.3fs %11.3fs %7.1fx" % (phase, lo, qe, lo / qe if qe else 0))
    print("(best of %d runs; SMP=%d; %s)" % (args.runs, args.smp,
                                           "no icount" if args.no_icount else
                                           "-icount shift=0,sleep=off"))


if __name__ == "__main__":
    main()
