#!/usr/bin/env python3
"""Where the instructions of one IPC round trip go, function by function.

QEMU runs the whole system with one guest instruction per translation
block (-accel tcg,one-insn-per-tb=on) and -icount shift=0,sleep=off. Once
`ipcbench profile KIND` is looping (it prints "ipcbench: profiling"), this
script turns on QEMU's execution log (`log exec,nochain` on the HMP
monitor) for a moment: every executed instruction is then one "Trace"
line with its pc. Round trips are cut at each entry of ipcbench's
one_call (one_call_fp, one_notify) function, and every pc is charged to the symbol
that contains it, from the kernel's ELF and ipcbench's (shown as user:NAME). The report shows
the median round trip and, over the round trips of exactly that length
(those no timer tick landed in), the instructions per symbol.

Not part of `make test`; docs/bench.md shows a result.

Usage: scripts/ipcprofile.py [--kind call|call-fp|notify] [--smp N] [--seconds S]
       [--cmdline WORDS] [--top N] [--path] [--insns]
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
NM = "aarch64-linux-gnu-nm"
OBJDUMP = "aarch64-linux-gnu-objdump"


def load_symbols(elf, prefix=""):
    """Sorted (address, prefix + name) of the functions in an ELF file."""
    out = subprocess.run([NM, "-n", "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), prefix + parts[2]))
    return syms


def load_disassembly(elf):
    """pc -> the instruction's text, from objdump -d."""
    out = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", elf], check=True,
                         capture_output=True, text=True).stdout
    text = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if m:
            text[int(m.group(1), 16)] = " ".join(m.group(2).split())
    return text


class Symbolizer:
    def __init__(self, *tables):
        self.syms = sorted(s for t in tables for s in t)
        self.addrs = [a for a, _ in self.syms]
        self.cache = {}

    def __call__(self, pc):
        name = self.cache.get(pc)
        if name is None:
            i = bisect.bisect_right(self.addrs, pc) - 1
            name = self.syms[i][1] if i >= 0 else "?"
            self.cache[pc] = name
        return name


TRACE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def run_qemu(args, log):
    image = os.path.join(ROOT, "build", "Image")
    initrd = os.path.join(ROOT, "build", "initrd.cpio")
    mon = os.path.join(tempfile.mkdtemp(prefix="ipcprofile"), "mon.sock")
    argv = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", str(args.smp),
            "-m", "512M", "-display", "none", "-nic", "none", "-accel", "tcg,one-insn-per-tb=on",
            "-icount", "shift=0,sleep=off", "-semihosting-config", "enable=on,target=native",
            "-kernel", image, "-initrd", initrd, "-append", args.cmdline,
            "-serial", "stdio", "-serial", "null", "-D", log,
            "-monitor", "unix:%s,server=on,wait=off" % mon]
    qemu = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        console = b""
        deadline = time.time() + 300
        sent = False
        while b"ipcbench: profiling" not in console:
            if time.time() > deadline or qemu.poll() is not None:
                sys.exit("ipcprofile: ipcbench never started profiling:\n" +
                         console.decode(errors="replace"))
            if not sent and b"Type 'help'" in console:
                qemu.stdin.write(("run ipcbench profile %s\n" % args.kind).encode())
                qemu.stdin.flush()
                sent = True
            console += os.read(qemu.stdout.fileno(), 4096)
        time.sleep(1)  # let it loop past any start-up effects
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(mon)
            s.sendall(b"log exec,nochain\n")
            time.sleep(args.seconds)
            s.sendall(b"log none\n")
            time.sleep(0.2)
    finally:
        qemu.kill()
        qemu.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=["call", "call-fp", "notify"], default="call")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--cmdline", default="trace=off")
    ap.add_argument("--top", type=int, default=60)
    ap.add_argument("--log", help="reuse this execution log instead of running QEMU")
    ap.add_argument("--path", action="store_true",
                    help="also print one median round trip as the run of functions it went through")
    ap.add_argument("--insns", action="store_true",
                    help="also print every instruction of one median round trip, disassembled")
    args = ap.parse_args()

    sym = Symbolizer(load_symbols(os.path.join(ROOT, "build", "kernel.elf")),
                     load_symbols(os.path.join(ROOT, "build", "user", "ipcbench"), "user:"))
    log = args.log
    if not log:
        log = os.path.join(tempfile.mkdtemp(prefix="ipcprofile"), "exec.log")
        run_qemu(args, log)
    marker = {"call": "user:one_call", "call-fp": "user:one_call_fp",
              "notify": "user:one_notify"}[args.kind]
    marker_pcs = {a for a, n in sym.syms if n == marker}

    trips = []          # per round trip: Counter of symbol -> instructions
    paths = []          # per round trip: [symbol, instructions] runs in order
    pcs = []            # per round trip: every pc in order (--insns only)
    pc_list = None
    cur = None
    with open(log, errors="replace") as f:
        for line in f:
            m = TRACE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc in marker_pcs:
                if cur is not None:
                    trips.append(cur)
                    paths.append(path)
                    pcs.append(pc_list)
                cur = collections.Counter()
                path = []
                pc_list = [] if args.insns else None
            if pc_list is not None:
                pc_list.append(pc)
            if cur is not None:
                name = sym(pc)
                cur[name] += 1
                if path and path[-1][0] == name:
                    path[-1][1] += 1
                else:
                    path.append([name, 1])
    if len(trips) < 3:
        sys.exit("ipcprofile: only %d round trips in the log" % len(trips))
    trips, paths, pcs = trips[1:], paths[1:], pcs[1:]  # the first may have started mid-way
    totals = sorted(sum(t.values()) for t in trips)
    median = totals[len(totals) // 2]
    same = [t for t in trips if sum(t.values()) == median]
    print("ipcprofile: %s round trips logged: %d; median %d, min %d, max %d instructions"
          % (args.kind, len(trips), median, totals[0], totals[-1]))
    print("ipcprofile: per symbol over the %d round trips of exactly %d instructions:"
          % (len(same), median))
    per = collections.Counter()
    for t in same:
        per.update(t)
    for name, n in per.most_common(args.top):
        print("  %6.1f  %s" % (n / len(same), name))
    if args.path:
        i = next(i for i, t in enumerate(trips) if sum(t.values()) == median)
        print("ipcprofile: the path of one of them:")
        for name, n in paths[i]:
            print("  %4d  %s" % (n, name))
    if args.insns:
        i = next(i for i, t in enumerate(trips) if sum(t.values()) == median)
        text = load_disassembly(os.path.join(ROOT, "build", "kernel.elf"))
        text.update(load_disassembly(os.path.join(ROOT, "build", "user", "ipcbench")))
        print("ipcprofile: the instructions of one of them:")
        for n, pc in enumerate(pcs[i], 1):
            print("  %4d  %10x  %-28s %s" % (n, pc, sym(pc), text.get(pc, "?")))


if __name__ == "__main__":
    main()
