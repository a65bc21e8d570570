"""Turn a RawTrace into Trace Event Format JSON that Perfetto imports cleanly.

What the file shows (docs/tracing.md has the picture):

* Processes are address spaces (pid) and threads are tasks (tid >= 1), all
  named with process_name/thread_name metadata events. A CPU's own context
  (no task running) is thread TRACE_TID_CPU_BASE + n, "cpuN", of the kernel.
* Per-CPU tracks are pseudo-threads "CPU n" of a pseudo-process "CPUs": one
  slice per stretch a task ran there, with interrupt handlers nested inside.
  Pseudo-threads, not ftrace-text systemTraceEvents, because every viewer
  (Perfetto, chrome://tracing, speedscope) shows them, the same nesting and
  naming rules (and trace/check.py) cover them, and they need no fake ftrace
  process table.
* Syscalls, IPC and notification waits and markers are complete ("X")
  slices, strictly nested per thread; interrupts, wakeups and page faults
  are thread instants; counters are "C" events of the kernel process.
* Format 2 records fewer events for the same picture (trace_format.h): the
  blocking IPC calls' own begin/end events (IPC_CALL ... IPC_CALL_DONE,
  IPC_RECV / IPC_REPLY_RECV ... IPC_RECV_DONE, NOTIFY_WAIT ...
  NOTIFY_WAIT_DONE) stand for the system call's SYSCALL_ENTER/EXIT, and
  an IPC event with a handoff_tid (or a SCHED_SWITCH with handoff 1)
  stands for the switch to, and the wake-up of, the partner.
* IPC arrows are flow events bound to slices (bind_id with flow_out /
  flow_in at the top level): the client's send -> the server's receive,
  and the server's reply -> the client's return. Perfetto draws an arrow
  from the end of its flow_out slice to the start of its flow_in slice, so
  both ends are zero-length points (ipc_send, ipc_received, ipc_reply,
  ipc_return) at the moment the message moves: the ipc_call slice, which
  lasts until the reply, would start the call's arrow after it came back.
  Each arrow has its own id, and an arrow is written only when both of its
  ends survived in the rings.
* Timestamps are microseconds since boot with three decimals, i.e. exact
  nanoseconds (counter ticks * 1e9 / CNTFRQ); durations are the doubles
  that make a viewer's ts + dur land exactly on the end (timefmt.py).
* Names: tasks, processes, endpoints, notifications and interrupts from
  the kernel's name table; with the kernel's symbols (KernelSymbols from
  build/kernel.elf) also each interrupt's handler function and any kernel
  address a record carries.
"""
from .rawtrace import RawTrace
from .syscalls import syscall_names, syscall_numbers
from .timefmt import us, x_dur

# The pseudo-process of the per-CPU tracks; CPU n is its thread CPU_PID + n.
CPU_PID = 20000


class Slice:
    __slots__ = ("pid", "tid", "name", "cat", "start", "end", "args", "kind",
                 "depth", "bind", "flow_dir", "close_marker")

    def __init__(self, pid, tid, name, cat, start, args, kind):
        self.pid, self.tid, self.name, self.cat = pid, tid, name, cat
        self.start, self.end, self.args, self.kind = start, None, args, kind
        self.depth, self.bind, self.flow_dir, self.close_marker = 0, None, None, False


class Converter:
    def __init__(self, raw, symbols=None):
        self.raw = raw
        self.symbols = symbols
        self.L = raw.layout
        d = self.L.defines
        self.cpu_base = d["TRACE_TID_CPU_BASE"]
        self.kernel_pid = d["TRACE_PID_KERNEL"]
        self.kinds = {k: d["TRACE_NAME_" + k.upper()] for k in
                      ("task", "process", "endpoint", "notification", "irq")}
        self.counter_ids = self.L.prefixed("TRACE_COUNTER_")
        self.fault_flags = self.L.prefixed("TRACE_FAULT_")
        self.task_states = self.L.prefixed("TRACE_TASK_")
        self.stacks = {}        # tid -> [open Slice]
        self.cpu_run = {}       # cpu -> open "running" Slice on the CPU track
        self.cpu_irqs = {}      # cpu -> [open irq Slice]
        self.slices = []        # closed Slices
        self.instants = []      # (ns, pid, tid, name, cat, args)
        self.counters = []      # (ns, name, key, value)
        self.last_counter = {}  # (name, key) -> value
        self.flows = {}         # msg -> {"call_out", "call_in", "reply_out", "reply_in"}
        self.pid_of = {}        # tid -> pid
        self.woke = {}          # (waker tid, woken tid) -> ns of the last wakeup
        self.warnings = []

    # ---- names -----------------------------------------------------------
    def _name(self, kind, id_):
        n = self.raw.name_of(self.kinds[kind], id_)
        return n["name"] if n and n["name"] else None

    def thread_name(self, tid):
        name = self._name("task", tid)
        if name:
            return name
        if self.cpu_base <= tid < self.cpu_base + 256:
            return "cpu%d" % (tid - self.cpu_base)
        return "task %d" % tid

    def pid(self, tid):
        if tid not in self.pid_of:
            n = self.raw.name_of(self.kinds["task"], tid)
            self.pid_of[tid] = n["owner"] if n and n["owner"] else self.kernel_pid
        return self.pid_of[tid]

    def endpoint(self, ep):
        return self._name("endpoint", ep) or "ep%d" % ep

    def notification(self, ntfn):
        return self._name("notification", ntfn) or "ntfn%d" % ntfn

    def irq_label(self, irq):
        name = self._name("irq", irq)
        return "irq %d %s" % (irq, name) if name else "irq %d" % irq

    def irq_args(self, irq, a):
        """The interrupt's args, with its handler's name when the kernel's
        symbols are known and the name table gives the handler's address
        (the low 32 bits, in `owner`)."""
        n = self.raw.name_of(self.kinds["irq"], irq)
        if self.symbols and n and n["owner"]:
            handler = self.symbols.lookup(self.symbols.widen(n["owner"]))
            if handler:
                a["handler"] = handler
        return a

    def kernel_symbol(self, addr):
        """function+0xoff for an address in the kernel image, else None."""
        if not self.symbols or addr < self.symbols.high:
            return None
        return self.symbols.lookup(addr)

    # ---- slice stacks ----------------------------------------------------
    def open(self, tid, name, cat, ns, args, kind):
        s = Slice(self.pid(tid), tid, name, cat, ns, args, kind)
        self.stacks.setdefault(tid, []).append(s)
        return s

    def _finish(self, stack, s, ns):
        s.depth = stack.index(s)
        s.end = max(ns, s.start)
        stack.remove(s)
        self.slices.append(s)
        if s.close_marker and stack and stack[-1].kind == "mark":
            self._finish(stack, stack[-1], ns)

    def close(self, tid, kind, ns, quietly=()):
        """Close the innermost open `kind` slice of tid, and anything still
        open inside it (with a warning, unless its kind is in `quietly`);
        None if there is none (its begin was overwritten)."""
        stack = self.stacks.get(tid, [])
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].kind == kind:
                target = stack[i]
                while stack[-1] is not target:
                    if stack[-1].kind not in quietly:
                        self.warn("%s: '%s' still open when '%s' ended" %
                                  (self.thread_name(tid), stack[-1].name, target.name))
                    self._finish(stack, stack[-1], ns)
                self._finish(stack, target, ns)
                return target
        return None

    def zero_slice(self, tid, name, cat, ns, args):
        s = self.open(tid, name, cat, ns, args, "point")
        self._finish(self.stacks[tid], s, ns)
        return s

    def instant(self, tid, name, cat, ns, args=None):
        self.instants.append((ns, self.pid(tid), tid, name, cat, args or {}))

    def warn(self, text):
        self.warnings.append(text)

    # ---- CPU tracks ------------------------------------------------------
    def cpu_tid(self, cpu):
        return CPU_PID + cpu

    def run_on_cpu(self, cpu, tid, ns, prev=None, prev_state=None):
        """tid runs on cpu from ns on. prev_state: why the task `prev` that
        ran until now stopped, shown on its slice as end_state."""
        run = self.cpu_run.get(cpu)
        if run and run.args["tid"] == tid:
            return
        if run and prev_state is not None and run.args["tid"] == prev:
            run.args["end_state"] = prev_state
        self.stop_on_cpu(cpu, ns)
        s = Slice(CPU_PID, self.cpu_tid(cpu), self.thread_name(tid), "sched", ns,
                  {"tid": tid}, "running")
        self.cpu_run[cpu] = s

    def stop_on_cpu(self, cpu, ns, at_end=False):
        for irq in reversed(self.cpu_irqs.pop(cpu, [])):
            # At the end, another CPU may just be in its timer interrupt
            # when CPU 0 powers off: nothing is wrong then.
            if not at_end:
                self.warn("cpu%d: interrupt '%s' open across a switch" % (cpu, irq.name))
            irq.end, irq.depth = ns, 1
            self.slices.append(irq)
        run = self.cpu_run.pop(cpu, None)
        if run:
            run.end = ns
            self.slices.append(run)

    # ---- one handler per event -------------------------------------------
    def args(self, ev, r):
        names = ev.args
        if names == ["str"]:
            raw = r["a0"].to_bytes(4, "little") + r["a1"].to_bytes(4, "little") + \
                r["a2"].to_bytes(8, "little")
            return {"label": raw.rstrip(b"\0").decode("utf-8", "replace")}
        return {n: r[f] for n, f in zip(names, ("a0", "a1", "a2")) if n != "-"}

    def on_sched_switch(self, r, ns, a):
        # TRACE_TASK_* by name; a value the header does not define stays a number.
        state = self.task_states.get(r["a1"], r["a1"])
        if r["a2"]:
            # A handoff: the previous task woke next itself (no SCHED_WAKEUP).
            self.wakeup(r, ns, r["a0"])
        self.run_on_cpu(r["cpu"], r["a0"], ns, prev=r["tid"], prev_state=state)

    def on_sched_wakeup(self, r, ns, a):
        a["waker_tid"] = r["tid"]
        self.woke[(r["tid"], r["a0"])] = ns
        self.instant(r["a0"], "wakeup", "sched", ns, a)

    def wakeup(self, r, ns, woken):
        self.instant(woken, "wakeup", "sched", ns,
                     {"woken_tid": woken, "target_cpu": r["cpu"], "waker_tid": r["tid"],
                      "handoff": 1})

    def handoff(self, r, ns, a):
        """An IPC event naming the partner this CPU switches to (a2's low
        32 bits): the sender blocks, waiting for the reply or for the next
        message. Returns the partner, or 0, and whether the partner's own
        blocked call ends here too (TRACE_HANDOFF_ENDS_WAIT)."""
        d = self.L.defines
        partner = r["a2"] & 0xffffffff
        ends = bool(r["a2"] >> d["TRACE_HANDOFF_ENDS_WAIT"] & 1)
        a["handoff_tid"] = partner
        if partner:
            self.wakeup(r, ns, partner)
            self.run_on_cpu(r["cpu"], partner, ns, prev=r["tid"],
                            prev_state=self.task_states[d["TRACE_TASK_BLOCKED"]])
        return partner, ends

    def partner_record(self, r, partner, a2):
        """The record the partner would have made itself once resumed. The
        caller draws it 1 ns after the handoff record: the partner runs
        just after it, and an arrow must land after it leaves."""
        p = dict(r)
        p["tid"], p["a2"] = partner, a2
        return p

    def syscall_begin(self, r, ns, call):
        """Open the slice of a system call whose own IPC event begins it."""
        self.open(r["tid"], "syscall %s" % call, "syscall", ns,
                  {"nr": syscall_numbers().get(call, 0)}, "syscall")

    def syscall_end(self, r, ns, result):
        s = self.close(r["tid"], "syscall", ns, quietly=("wait",))
        if s:
            s.args["result"] = result

    def on_task_create(self, r, ns, a):
        self.pid_of.setdefault(r["a0"], r["a1"] or self.kernel_pid)
        self.instant(r["tid"], "create %s" % self.thread_name(r["a0"]), "sched", ns, a)

    def on_task_exit(self, r, ns, a):
        tid = r["a0"]
        for s in reversed(list(self.stacks.get(tid, []))):
            self._finish(self.stacks[tid], s, ns)
        self.instant(tid, "exit", "sched", ns, a)

    def flow(self, msg):
        return self.flows.setdefault(msg, {})

    def on_ipc_call(self, r, ns, a):
        self.syscall_begin(r, ns, "ipc_call")
        self.open(r["tid"], "ipc_call %s" % self.endpoint(r["a0"]), "ipc", ns, a, "ipc_call")
        self.flow(r["a1"])["call_out"] = self.zero_slice(r["tid"], "ipc_send", "ipc", ns,
                                                         {"msg": r["a1"]})
        partner, ends = self.handoff(r, ns, a)
        if partner and ends:
            badge = r["a2"] >> self.L.defines["TRACE_HANDOFF_BADGE_SHIFT"]
            self.on_ipc_recv_done(self.partner_record(r, partner, badge), ns + 1,
                                  {"endpoint": r["a0"], "msg": r["a1"], "badge": badge})

    def on_ipc_call_done(self, r, ns, a):
        back = self.zero_slice(r["tid"], "ipc_return", "ipc", ns, a)
        self.flow(r["a1"])["reply_in"] = back
        if not self.close(r["tid"], "ipc_call", ns):
            self.warn("%s: call return without its call" % self.thread_name(r["tid"]))
        self.syscall_end(r, ns, signed(r["a2"]))

    def on_ipc_recv(self, r, ns, a):
        self.syscall_begin(r, ns, "ipc_recv")
        self.open(r["tid"], "ipc_recv %s" % self.endpoint(r["a0"]), "ipc", ns, a, "wait")

    def on_ipc_recv_done(self, r, ns, a):
        self.close(r["tid"], "wait", ns)
        got = self.zero_slice(r["tid"], "ipc_received", "ipc", ns, a)
        if r["a1"]:
            self.flow(r["a1"])["call_in"] = got
        self.syscall_end(r, ns, 0)

    def on_ipc_reply(self, r, ns, a):
        # IPC_REPLY is recorded when ipc_reply is done, after it woke the
        # client, which may already have returned on another CPU. The
        # reply left when the client was woken inside this syscall.
        stack = self.stacks.get(r["tid"], [])
        woke = self.woke.get((r["tid"], r["a0"]))
        if woke is not None and stack and stack[-1].kind == "syscall" and woke >= stack[-1].start:
            ns = woke
        self.flow(r["a1"])["reply_out"] = self.zero_slice(r["tid"], "ipc_reply", "ipc", ns, a)

    def on_ipc_reply_recv(self, r, ns, a):
        self.syscall_begin(r, ns, "ipc_reply_recv")
        if r["a1"]:
            self.flow(r["a1"])["reply_out"] = self.zero_slice(r["tid"], "ipc_reply", "ipc",
                                                              ns, {"msg": r["a1"]})
        self.open(r["tid"], "ipc_recv %s" % self.endpoint(r["a0"]), "ipc", ns,
                  {"endpoint": r["a0"]}, "wait")
        partner, ends = self.handoff(r, ns, a)
        if partner and ends:
            # The kernel sets the bit only when the client called the
            # endpoint this receive waits on.
            self.on_ipc_call_done(self.partner_record(r, partner, 0), ns + 1,
                                  {"endpoint": r["a0"], "msg": r["a1"], "result": 0})

    def on_notify_signal(self, r, ns, a):
        self.instant(r["tid"], "signal %s" % self.notification(r["a0"]), "ipc", ns, a)

    def on_notify_wait(self, r, ns, a):
        self.syscall_begin(r, ns, "notify_wait")
        self.open(r["tid"], "notify_wait %s" % self.notification(r["a0"]), "ipc", ns, a, "wait")

    def on_notify_wait_done(self, r, ns, a):
        wait = self.close(r["tid"], "wait", ns)
        if wait:
            wait.args["bits"] = r["a2"]     # the word the waiter took
        self.syscall_end(r, ns, 0)

    def on_syscall_enter(self, r, ns, a):
        name = syscall_names().get(r["a0"])
        label = "syscall %s" % name if name else "syscall %d" % r["a0"]
        self.open(r["tid"], label, "syscall", ns, a, "syscall")

    def on_syscall_exit(self, r, ns, a):
        # A failed receive ends here, its wait slice with it.
        self.syscall_end(r, ns, signed(a["result"]))

    def on_irq_enter(self, r, ns, a):
        cpu = r["cpu"]
        label = self.irq_label(r["a0"])
        a = self.irq_args(r["a0"], a)
        self.cpu_irqs.setdefault(cpu, []).append(
            Slice(CPU_PID, self.cpu_tid(cpu), label, "irq", ns, a, "irq"))
        self.instant(r["tid"], label, "irq", ns, dict(a))

    def on_irq_exit(self, r, ns, a):
        irqs = self.cpu_irqs.get(r["cpu"], [])
        if irqs:
            s = irqs.pop()
            s.end, s.depth = ns, 1 + len(irqs)
            self.slices.append(s)

    def on_page_fault(self, r, ns, a):
        a["address"] = "0x%x" % r["a2"]
        a["flags"] = ",".join(n for bit, n in sorted(self.fault_flags.items())
                              if r["a0"] & bit) or "read"
        # A kernel address (a user task poking the kernel half, or a
        # kernel-mode fault) is more use as the symbol it lands in.
        where = self.kernel_symbol(r["a2"])
        if where:
            a["symbol"] = where
        if "pc" in a:
            # The low 32 bits of the faulting pc, if the header's row for
            # PAGE_FAULT carries them: a kernel pc symbolized, a user one in hex.
            user = r["a0"] & self.L.defines["TRACE_FAULT_USER"]
            where = None if user or not self.symbols else \
                self.symbols.lookup(self.symbols.widen(r["a1"]))
            a["pc"] = where or "0x%x" % r["a1"]
        self.instant(r["tid"], "page fault", "fault", ns, a)

    def on_counter(self, r, ns, a):
        kind = self.counter_ids.get(r["a0"], "counter%d" % r["a0"])
        if kind == "runq_len":
            name, key = "runq cpu%d" % r["cpu"], "tasks"
        elif kind == "free_frames":
            name, key = "memory", "free_frames"
        else:
            name, key = kind, "value"
        self.counters.append((ns, name, key, r["a2"]))
        self.last_counter[(name, key)] = r["a2"]

    def on_mark_begin(self, r, ns, a):
        tid = r["tid"]
        stack = self.stacks.setdefault(tid, [])
        if stack and stack[-1].kind == "syscall":
            # A marker syscall: the marker starts with that syscall, so the
            # syscall slice nests inside it instead of overlapping it.
            sc = stack.pop()
            self.open(tid, a["label"], "mark", sc.start, a, "mark")
            stack.append(sc)
        else:
            self.open(tid, a["label"], "mark", ns, a, "mark")

    def on_mark_end(self, r, ns, a):
        stack = self.stacks.get(r["tid"], [])
        if len(stack) >= 2 and stack[-1].kind == "syscall" and stack[-2].kind == "mark":
            stack[-1].close_marker = True   # ends when that syscall returns
        elif not self.close(r["tid"], "mark", ns):
            self.warn("%s: marker end '%s' without its begin" %
                      (self.thread_name(r["tid"]), a["label"]))

    def on_mark_instant(self, r, ns, a):
        self.instant(r["tid"], a["label"], "mark", ns, a)

    # ---- the whole trace -------------------------------------------------
    def run(self):
        raw = self.raw
        records = raw.all_records()
        end_ticks = max([r["ts"] for r in records] + [raw.export_ts or 0])
        end = raw.ns(end_ticks)
        for r in records:
            ev = self.L.events[r["id"]]
            ns = raw.ns(r["ts"])
            self.pid(r["tid"])
            if ev.name != "SCHED_SWITCH":
                self.run_on_cpu(r["cpu"], r["tid"], ns)
            getattr(self, "on_" + ev.name.lower())(r, ns, self.args(ev, r))
        for cpu in list(self.cpu_run):
            self.stop_on_cpu(cpu, end, at_end=True)
        for tid, stack in self.stacks.items():
            while stack:
                self._finish(stack, stack[-1], end)
        for (name, key), value in self.last_counter.items():
            self.counters.append((end, name, key, value))  # the value held to the end
        self.link_flows()
        return self.document(records, end)

    def link_flows(self):
        next_id = 1
        for msg in sorted(self.flows):
            f = self.flows[msg]
            for out, into in (("call_out", "call_in"), ("reply_out", "reply_in")):
                a, b = f.get(out), f.get(into)
                if not a or not b:
                    continue   # one end was overwritten or never happened
                if a.end >= b.start:
                    self.warn("msg %d: %s does not precede %s" % (msg, out, into))
                    continue
                a.bind, a.flow_dir = next_id, "flow_out"
                b.bind, b.flow_dir = next_id, "flow_in"
                next_id += 1

    def document(self, records, end):
        events = []
        threads = {(s.pid, s.tid) for s in self.slices}
        threads |= {(i[1], i[2]) for i in self.instants}
        for r in records:
            threads.add((self.pid(r["tid"]), r["tid"]))
        if self.counters:
            threads.add((self.kernel_pid, self.cpu_base))
        pids = {p for p, _ in threads}
        for pid in sorted(pids):
            if pid == CPU_PID:
                pname = "CPUs"
            else:
                pname = self._name("process", pid) or (
                    "kernel" if pid == self.kernel_pid else "process %d" % pid)
            events.append({"ph": "M", "name": "process_name", "pid": pid, "tid": pid,
                           "args": {"name": pname}})
        for pid, tid in sorted(threads):
            tname = "CPU %d" % (tid - CPU_PID) if pid == CPU_PID else self.thread_name(tid)
            events.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                           "args": {"name": tname}})
        timed = []
        first = {}      # (pid, tid) -> its earliest slice start (timefmt.x_dur)
        for s in self.slices:
            key = (s.pid, s.tid)
            first[key] = min(first.get(key, s.start), s.start)
        for s in self.slices:
            e = {"ph": "X", "name": s.name, "cat": s.cat, "pid": s.pid, "tid": s.tid,
                 "ts": us(s.start), "dur": x_dur(s.start, s.end, first[(s.pid, s.tid)]),
                 "args": s.args}
            if s.bind is not None:
                e["bind_id"] = s.bind
                e[s.flow_dir] = True
            timed.append(((s.start, -(s.end - s.start), s.depth), e))
        for ns, pid, tid, name, cat, args in self.instants:
            timed.append(((ns, 1, 99), {"ph": "i", "s": "t", "name": name, "cat": cat,
                                        "pid": pid, "tid": tid, "ts": us(ns), "args": args}))
        for ns, name, key, value in self.counters:
            timed.append(((ns, 2, 0), {"ph": "C", "name": name, "cat": "counter",
                                       "pid": self.kernel_pid, "tid": self.cpu_base,
                                       "ts": us(ns), "args": {key: value}}))
        timed.sort(key=lambda t: t[0])
        events.extend(e for _, e in timed)
        raw = self.raw
        dropped = raw.dropped()
        meta = {
            "source": "Loupe kernel tracer",
            "format_version": self.L.defines["TRACE_FORMAT_VERSION"],
            "cntfrq_hz": raw.cntfrq,
            "cpus": len(raw.rings),
            "ring_capacity": raw.capacity,
            "records": len(records),
            "dropped_records": sum(dropped.values()),
            "dropped_per_cpu": {"cpu%d" % c: n for c, n in sorted(dropped.items())},
            "names_lost": raw.names_lost,
            "end_us": us(end),
            "converter_warnings": len(self.warnings),
            "kernel_symbols": len(self.symbols.addrs) if self.symbols else 0,
        }
        if raw.enabled is not None:
            meta["categories"] = ",".join(self.L.category_names(raw.enabled)) or "off"
        return {"traceEvents": events, "metadata": meta}


def signed(value):
    """A 64-bit record field as the signed result it holds."""
    return value - (1 << 64) if value >> 63 else value


def convert(raw, warnings=None, symbols=None):
    """RawTrace -> {"traceEvents": [...], "metadata": {...}}. Problems in
    the records (a slice end whose begin was overwritten, ...) are repaired
    or skipped and appended to `warnings` if given. symbols: the kernel's
    KernelSymbols (from build/kernel.elf), to name kernel addresses."""
    if not isinstance(raw, RawTrace):
        raise TypeError("convert() takes a RawTrace")
    c = Converter(raw, symbols)
    doc = c.run()
    if warnings is not None:
        warnings.extend(c.warnings)
    return doc
