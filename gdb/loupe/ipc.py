"""Capabilities and IPC (kernel/ipc/): lp-caps TASK and lp-ipc.

A task's capability table is struct task.caps[]; each slot names a struct
kobject (endpoint, notification, frame, mmio, irq, task or reply object)
with rights and a badge.
lp-ipc finds every endpoint and notification some task holds, and shows
who waits on it: the tasks queued on an endpoint's senders and receivers
lists, or a notification's waiters, linked through their sched_link.
"""
import gdb

from loupe import common, constants, tasks
from loupe.common import LoupeError

# The rights in bit order, as include/loupe/ipc.h names them; their values
# come from the header through gdb/loupe_constants.py.in. A right added to
# the header but not here shows as its bare bit (0x80), never silently.
RIGHTS = ("SEND", "RECV", "GRANT", "MAP_R", "MAP_W", "MAP_X", "CONTROL")


def right(name):
    """The bit of LOUPE_RIGHT_<name>."""
    return constants.get("LOUPE_RIGHT_" + name)


def right_names():
    """[(bit, name)] of the LOUPE_RIGHT_* macros, lowest bit first."""
    return sorted((right(n), n.lower()) for n in RIGHTS)


def rights_text(rights):
    names = [n for bit, n in right_names() if rights & bit]
    unknown = rights & ~sum(bit for bit, _ in right_names())
    if unknown:
        names.append("0x%x" % unknown)
    return ",".join(names) or "none"


def obj_type_name(obj):
    """endpoint, notification, ...: enum loupe_obj_type from the debug
    information, its LOUPE_OBJ_ prefix dropped."""
    names = common.enum_names("enum loupe_obj_type")
    kind = int(obj["type"])
    return names.get(kind, "type?%d" % kind)


def obj_name(obj):
    """The name the object's owner gave it with obj_name (kobject.name,
    include/loupe/ipc.h), quoted, or "" when it has none or the kernel
    predates names."""
    if not any(f.name == "name" for f in common.struct_type("kobject").fields()):
        return ""
    name = common.c_string(obj["name"])
    return '"%s"' % name if name else ""


def task_label(t):
    return "%s(%d)" % (common.c_string(t["name"]), int(t["tid"]))


def caps_of(t):
    """(slot, kobject pointer, rights, badge) for each used slot of task t.
    Each object is read once here, so a slot pointing at unmapped memory
    is reported as that slot, not as a bare address deep in a command."""
    caps = t["caps"]
    kobject = common.struct_type("kobject")
    for slot in range(common.array_length(caps)):
        cap = caps[slot]
        obj = cap["obj"]
        addr = int(obj)
        if not addr:
            continue
        common.read_bytes(addr, kobject.sizeof, "the object in slot %d of %s"
                          % (slot, task_label(t)))
        yield slot, obj, int(cap["rights"]), int(cap["badge"])


def _queue(obj, struct_name, member):
    """Task names queued on the list `member` of an object of struct_name."""
    typed = obj.cast(common.struct_type(struct_name).pointer())
    head = typed.dereference()[member]
    return [task_label(t)
            for t in common.list_entries(head, "task", "sched_link", "%s %d's %s" % (
                struct_name, int(obj["id"]), member))]


def ipc_objects():
    """Every endpoint and notification a task holds: {address: (kobject
    pointer, [holder descriptions])}, in order of first appearance."""
    found = {}
    for t in tasks.all_tasks():
        if bool(t["is_idle"]):
            continue
        for slot, obj, rights, badge in caps_of(t):
            if obj_type_name(obj) not in ("endpoint", "notification"):
                continue
            holder = "%s slot %d [%s]%s" % (
                task_label(t), slot, rights_text(rights), " badge %d" % badge if badge else "")
            found.setdefault(int(obj), (obj, []))[1].append(holder)
    return found


def receivers_by_object():
    """{kobject address: ["name(tid)", ...]}: who holds the receive right
    of each endpoint, i.e. which server answers calls on it."""
    found = {}
    for t in tasks.all_tasks():
        if bool(t["is_idle"]):
            continue
        for slot, obj, rights, badge in caps_of(t):
            if rights & right("RECV") and obj_type_name(obj) == "endpoint":
                found.setdefault(int(obj), []).append(task_label(t))
    return found


class CapsCommand(common.Command):
    """Show a task's capability table.

Usage: lp-caps TASK

TASK is an id, a name or a struct task pointer, as lp-ps shows them. One
line per used slot: the slot number, the object's type and id (the id the
trace uses too), the name its owner gave it (obj_name), the rights (send, recv, grant, map_r/w/x, control), the
badge, whether the object was destroyed, and for an endpoint the task
that receives on it (the server a send capability reaches)."""

    name = "lp-caps"

    def run(self, argv, from_tty):
        if len(argv) != 1:
            raise LoupeError("usage: lp-caps TASK (an id, a name or a task pointer)")
        t = tasks.find_task(argv[0])
        rows = list(caps_of(t))
        gdb.write("Capabilities of %s (id %d):\n" % (common.c_string(t["name"]),
                                                    int(t["tid"])))
        if not rows:
            gdb.write("  (none)\n")
        servers = receivers_by_object()
        for slot, obj, rights, badge in rows:
            served = [s for s in servers.get(int(obj), []) if s != task_label(t)]
            gdb.write("  %2d  %-12s id %-4d %-17s %-28s%s%s%s\n" % (
                slot, obj_type_name(obj), int(obj["id"]), obj_name(obj), rights_text(rights),
                " badge %d" % badge if badge else "",
                " (destroyed)" if bool(obj["dead"]) else "",
                " -> served by %s" % ", ".join(served) if served else ""))


class IpcCommand(common.Command):
    """Show the endpoints and notifications tasks hold, and who waits on them.

Usage: lp-ipc

For each endpoint: its id and name, the capabilities naming it (task, slot,
rights, badge), the callers queued for a receiver and the receivers
waiting for a caller. For each notification: its pending bits and the
tasks waiting. Tasks waiting for a reply are shown by lp-ps ("ipc
reply")."""

    name = "lp-ipc"

    def run(self, argv, from_tty):
        objects = list(ipc_objects().values())
        if not objects:
            gdb.write("(no task holds an endpoint or a notification)\n")
        for obj, holders in objects:
            kind = obj_type_name(obj)
            name = obj_name(obj)
            gdb.write("%s %d%s%s\n" % (kind, int(obj["id"]), " " + name if name else "",
                                       " (destroyed)" if bool(obj["dead"]) else ""))
            for h in holders:
                gdb.write("  held by %s\n" % h)
            if kind == "endpoint":
                gdb.write("  callers waiting:   %s\n" %
                          (", ".join(_queue(obj, "endpoint", "senders")) or "-"))
                gdb.write("  receivers waiting: %s\n" %
                          (", ".join(_queue(obj, "endpoint", "receivers")) or "-"))
            else:
                typed = obj.cast(common.struct_type("notification").pointer())
                gdb.write("  pending bits: 0x%x\n" % int(typed["word"]))
                gdb.write("  waiting: %s\n" %
                          (", ".join(_queue(obj, "notification", "waiters")) or "-"))


def register():
    CapsCommand()
    IpcCommand()


register()
