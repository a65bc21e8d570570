"""Kernel constants from the C headers (PTE bits, memory-map addresses).

The build preprocesses gdb/loupe_constants.py.in into
build/gdb/loupe_constants.py, a table from each macro name to its C
expression; the kernel's auto-load file puts that folder on sys.path. The expressions are
plain integer arithmetic with C suffixes and casts, which are evaluated here
once. Use: `from loupe import constants; constants.get("PTE_UXN")`.
"""
import os
import re
import sys

import gdb

from loupe.common import LoupeError

_values = None

_CAST = re.compile(r"\(\s*(?:unsigned|signed|long|int|char|short|u?int(?:8|16|32|64|ptr)_t|"
                   r"paddr_t|size_t|\s)+\)")
_NUMBER = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b")


def c_integer(expr):
    """Evaluate a C integer constant expression made of literals, casts,
    shifts and arithmetic, as the kernel's 64-bit unsigned value."""
    text = _NUMBER.sub(r"\1", _CAST.sub("", expr))
    if not re.fullmatch(r"[0-9a-fA-FxX\s()<>|&^~+*-]*", text):
        raise LoupeError("cannot evaluate the C expression '%s'" % expr)
    return eval(text, {"__builtins__": {}}) & (2**64 - 1)


def _import_generated():
    """The generated module: on sys.path when the kernel's auto-load file
    loaded the scripts, else in BUILD/gdb beside the kernel ELF GDB has
    open (the scripts were sourced by hand)."""
    try:
        import loupe_constants
        return loupe_constants
    except ImportError:
        pass
    for objfile in gdb.objfiles():
        folder = os.path.join(os.path.dirname(os.path.abspath(objfile.filename)), "gdb")
        if os.path.exists(os.path.join(folder, "loupe_constants.py")):
            sys.path.append(folder)
            import loupe_constants
            return loupe_constants
    raise LoupeError("build/gdb/loupe_constants.py not found beside the kernel ELF: "
                     "build the kernel with make (docs/gdb-scripts.md)")


def get(name):
    global _values
    if _values is None:
        generated = _import_generated()
        _values = {n: c_integer(expr) for n, expr in generated.C_EXPRESSIONS.items()}
    if name not in _values:
        raise LoupeError("no constant %s in gdb/loupe_constants.py.in" % name)
    return _values[name]
