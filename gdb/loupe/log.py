"""The kernel log: the printk ring log_buf / log_head (kernel/core/printk.c).

Each message is one line "<L>[ sec.usec] text\\n", L its level digit.
log_head counts every byte ever written, so the ring holds the bytes
[log_head - size, log_head); once it has wrapped, the oldest line may have
lost its beginning and is skipped, as the kernel's own reader does.
"""
import re

import gdb

from loupe import common

_LEVEL = re.compile(r"^<(\d)>")


def log_lines(end=None):
    """(level, text) for each complete line in the ring, oldest first;
    with end, only the lines written before byte position end."""
    buf = common.kernel_symbol("log_buf")
    size = buf.type.sizeof
    head = int(common.kernel_symbol("log_head")) if end is None else end
    ring = common.read_bulk(int(buf.address), size, "log_buf")
    start = max(0, head - size)
    data = bytes(ring[pos % size] for pos in range(start, head)) if head > size \
        else ring[:head]
    if start > 0:
        data = data[data.find(b"\n") + 1:]
    for raw in data.split(b"\n")[:-1]:  # the last piece is an unfinished line
        line = raw.decode("utf-8", "replace")
        m = _LEVEL.match(line)
        yield (int(m.group(1)), line[3:]) if m else (None, line)


def level_names():
    """{number: name} of the log levels, from enum LOG_EMERG... in printk.h."""
    try:
        return common.enum_names("enum log_level")
    except common.LoupeError:
        return {}


class DmesgCommand(common.Command):
    """Print the kernel log ring, as the console showed it.

Usage: lp-dmesg [-n LINES] [-l]

Reads log_buf and log_head from memory, so it works on a stopped kernel,
a crashed one, and a core file, and shows messages below the console's
log level too. -n prints only the last LINES lines; -l adds each line's
level."""

    name = "lp-dmesg"

    def run(self, argv, from_tty):
        tail, with_level = None, False
        args = iter(argv)
        for a in args:
            if a == "-n":
                tail = common.parse_int(next(args, ""), "-n LINES")
            elif a == "-l":
                with_level = True
            else:
                raise common.LoupeError("unknown argument '%s' (see help lp-dmesg)" % a)
        lines = list(log_lines())
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        names = level_names() if with_level else {}
        for level, text in lines:
            if with_level:
                gdb.write("%-7s " % names.get(level, str(level)))
            gdb.write(text + "\n")


def register():
    DmesgCommand()


register()
