"""Loupe's GDB commands: load them into GDB.

GDB runs this file when it opens build/kernel.elf, through the small
build/kernel.elf-gdb.py that the Makefile writes next to the kernel (GDB's
"auto-load" of OBJFILE-gdb.py). It can also be sourced by hand:

    (gdb) source gdb/loupe-gdb.py

The commands live in the `loupe` package beside this file, one module per
kernel subsystem; importing a module registers its commands. `apropos lp-`
lists them all.
"""
import os
import sys

# The package sits beside this file. GDB sets __file__ only for the
# outermost script it runs, so when the kernel's auto-load file sources this
# one, __file__ is that file's, and it has set sys.path itself.
if __file__.endswith("loupe-gdb.py"):
    _here = os.path.dirname(os.path.abspath(__file__))
    if _here not in sys.path:
        sys.path.insert(0, _here)

import loupe  # noqa: E402  (needs the path above)

loupe.register_all()
