#!/usr/bin/env python3
"""Add file:line to the backtraces in a Loupe console log.

Reads a log on standard input (a crash report, `backtrace` output, ...)
and writes it back with " at file:line" after every frame and ELR line,
found with addr2line in the kernel ELF's debug information.

    make decode < console.log
    scripts/decode_log.py --elf build/kernel.elf < console.log
"""
import argparse
import re
import shutil
import subprocess
import sys

# "  #3  0xffffffff80004248 kmain+0x268/0x2ac" and "  ELR  0x... sym".
FRAME = re.compile(r"#(?P<idx>\d+)\s+0x(?P<addr>[0-9a-f]{16})\b")
ELR = re.compile(r"\bELR\s+0x(?P<addr>[0-9a-f]{16})\b")
ADDR2LINE = "aarch64-linux-gnu-addr2line"


def lookup(elf, addresses):
    """Map each address to 'function at file:line' with one addr2line run."""
    if not addresses:
        return {}
    tool = shutil.which(ADDR2LINE)
    if not tool:
        sys.exit("decode_log: %s not found (Debian package binutils-aarch64-linux-gnu)"
                 % ADDR2LINE)
    ordered = sorted(addresses)
    out = subprocess.run([tool, "-e", elf, "-f", "-p"] + ["0x%x" % a for a in ordered],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    result = {}
    for addr, line in zip(ordered, out):
        func, _, where = line.partition(" at ")
        result[addr] = where.strip() if where else "??:0"
    return result


def decode(lines, elf):
    wanted = set()
    for line in lines:
        for pattern in (FRAME, ELR):
            m = pattern.search(line)
            if m:
                wanted.add(query_address(m))
    places = lookup(elf, wanted)
    for line in lines:
        m = FRAME.search(line) or ELR.search(line)
        if m:
            line = "%s at %s" % (line.rstrip("\n"), places[query_address(m)]) + "\n"
        yield line


def query_address(m):
    """Frames after #0 are return addresses: the call is the instruction
    before, which is the line a reader wants to see."""
    addr = int(m.group("addr"), 16)
    if "idx" in m.groupdict() and int(m.group("idx")) > 0:
        addr -= 4
    return addr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elf", default="build/kernel.elf", help="kernel with debug info")
    args = parser.parse_args()
    lines = [l.replace("\r", "") for l in sys.stdin]
    sys.stdout.writelines(decode(lines, args.elf))


if __name__ == "__main__":
    main()
