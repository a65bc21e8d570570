"""System-call names for trace slices, read from the ABI headers the kernel
itself is built with (include/loupe/syscall.h and ipc.h), so the names can
never disagree with the numbers."""
import os
import re

INCLUDE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "include",
                                        "loupe"))
DEFINE = re.compile(r"^#define\s+(LINUX|LOUPE)_SYS_(\w+)\s+(.+?)\s*(/\*.*)?$")
_names = None


def _evaluate(expr, known):
    """A #define's value: a number, or LOUPE_SYS_BASE + a number."""
    expr = re.sub(r"\b(LOUPE_SYS_\w+)\b", lambda m: str(known.get(m.group(1), "None")), expr)
    if not re.fullmatch(r"[\s\d()+x0-9a-fA-F]+", expr):
        return None
    return eval(expr, {"__builtins__": {}})  # only digits, +, parentheses remain


def syscall_names(include=INCLUDE):
    """{number: name}, e.g. {64: "write", 0x418: "ipc_call"}."""
    global _names
    if _names is None:
        known, names = {}, {}
        for header in ("syscall.h", "ipc.h"):
            path = os.path.join(include, header)
            if not os.path.exists(path):
                continue
            for line in open(path):
                m = DEFINE.match(line.strip())
                if not m or m.group(2) in ("BASE", "LAST"):
                    if m and m.group(2) == "BASE":
                        known["LOUPE_SYS_BASE"] = _evaluate(m.group(3), known)
                    continue
                value = _evaluate(m.group(3), known)
                if isinstance(value, int):
                    known["%s_SYS_%s" % (m.group(1), m.group(2))] = value
                    names[value] = m.group(2)
        _names = names
    return _names


def syscall_numbers(include=INCLUDE):
    """{name: number}, e.g. {"ipc_call": 0x418}."""
    return {name: nr for nr, name in syscall_names(include).items()}
