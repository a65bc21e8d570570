"""Kernel-aware GDB commands for Loupe, one module per subsystem.

Each module reads the kernel's data structures through GDB (layouts from the
debug information, constants from the C headers) in plain generator
functions, and defines the `lp-` commands that format what they yield.
"""
import importlib

# Import order is registration order; `help user-defined` lists them so.
MODULES = ("tasks", "cpus", "log", "backtrace", "vm", "crash", "symbols", "ipc", "trace")


def register_all():
    """Import (or, when the loader is sourced again, reload) every module,
    so editing a script and sourcing gdb/loupe-gdb.py picks up the change."""
    for name in ("common", "constants", "elf") + MODULES:
        full = "loupe." + name
        module = importlib.import_module(full)
        if getattr(module, "_loaded_once", False):
            module = importlib.reload(module)
        module._loaded_once = True
