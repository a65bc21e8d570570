"""Check a Trace Event Format file against the rules Perfetto's JSON
importer enforces, so a file that passes loads without import errors.

Rules (each error message names the event):
* the document is {"traceEvents": [...]} (or a bare list) of objects;
* every event has a known "ph" and the fields that phase requires: name,
  pid and tid (integers >= 1), ts (a number >= 0, at most three decimals,
  i.e. whole nanoseconds), dur (>= 0) for "X", args.name for metadata;
* a dur is whole nanoseconds too, as Perfetto rounds it: within 0.01 ns of
  one (the converter writes the double that makes ts + dur exact, a few
  ulps off the decimal; timefmt.py), and that rounded value is what the
  nesting below uses;
* slices on one thread nest strictly: a slice starting inside another ends
  inside it too (B/E pairs are matched and turned into slices first);
* flows: every bind_id has exactly one flow_out and one flow_in on slice
  events ("X"/"B"); ids are unique; Perfetto draws the arrow from the end
  of the flow_out slice to the start of the flow_in slice, so that end
  must come strictly earlier (else the arrow points back in time);
  bind_id, flow_in and flow_out belong at the top level of the event:
  Perfetto ignores them inside args, and the arrow silently disappears;
* every (pid, tid) used has a thread_name, every pid a process_name;
* counters ("C") have args whose values are all finite numbers.
"""
import json
from decimal import Decimal

from .timefmt import dur_ns

PHASES = set("XBEiICMsftbenPOND")
FLOW_FIELDS = ("bind_id", "flow_in", "flow_out")
META_NAMES = {"process_name", "thread_name", "process_sort_index", "thread_sort_index",
              "process_labels"}


def _ns(value):
    """A JSON ts/dur in microseconds to whole nanoseconds, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    ns = Decimal(value) * 1000
    if ns != ns.to_integral_value() or ns < 0:
        return None
    return int(ns)


class _Checker:
    def __init__(self):
        self.errors = []
        self.slices = {}      # (pid, tid) -> [(start, end, index)]
        self.open_b = {}      # (pid, tid) -> [(start, index)]
        self.used = set()     # (pid, tid) with timed events
        self.thread_names = set()
        self.process_names = set()
        self.flow_out = {}    # id -> (ts, index)
        self.flow_in = {}
        self.slice_end = {}   # event index of an X or a matched B -> its end (ns)

    def err(self, i, text):
        self.errors.append("event %d: %s" % (i, text))

    def check_ids(self, i, e, need_tid=True):
        ok = True
        for key in ("pid", "tid") if need_tid else ("pid",):
            v = e.get(key)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                self.err(i, "%s must be an integer >= 1, got %r" % (key, v))
                ok = False
        return ok

    def event(self, i, e):
        if not isinstance(e, dict):
            self.err(i, "not an object")
            return
        ph = e.get("ph")
        if not isinstance(ph, str) or ph not in PHASES:
            self.err(i, "unknown phase %r" % (ph,))
            return
        if not isinstance(e.get("name"), str) or not e["name"]:
            self.err(i, "'%s' event without a name" % ph)
            return
        if "args" in e and not isinstance(e["args"], dict):
            self.err(i, "args is not an object")
        elif isinstance(e.get("args"), dict):
            for field in FLOW_FIELDS:
                if field in e["args"]:
                    self.err(i, "'%s' has %s inside args; flow fields must be at the top "
                             "level of the event (Perfetto ignores them in args)" %
                             (e["name"], field))
        if "cat" in e and not isinstance(e["cat"], str):
            self.err(i, "cat is not a string")
        if ph == "M":
            self.metadata(i, e)
            return
        ts = _ns(e.get("ts"))
        if ts is None:
            self.err(i, "'%s' needs ts >= 0 in us with at most 3 decimals, got %r" %
                     (e["name"], e.get("ts")))
            return
        if not self.check_ids(i, e, need_tid=(ph != "C")):
            return
        key = (e["pid"], e.get("tid", e["pid"]))
        if ph != "C" or "tid" in e:
            self.used.add(key)
        if ph == "X":
            dur = dur_ns(e.get("dur"))
            if dur is None:
                self.err(i, "complete event '%s' needs dur >= 0 in us, within 0.01 ns of "
                         "whole nanoseconds, got %r" % (e["name"], e.get("dur")))
                return
            self.slices.setdefault(key, []).append((ts, ts + dur, i))
            self.slice_end[i] = ts + dur
        elif ph == "B":
            self.open_b.setdefault(key, []).append((ts, i))
        elif ph == "E":
            stack = self.open_b.get(key)
            if not stack:
                self.err(i, "end event without a begin on pid %d tid %d" % key)
            else:
                start, j = stack.pop()
                self.slices.setdefault(key, []).append((start, ts, j))
                self.slice_end[j] = ts
        elif ph in "iI":
            if e.get("s", "t") not in ("t", "p", "g"):
                self.err(i, "instant scope %r is not t, p or g" % (e.get("s"),))
        elif ph == "C":
            self.counter(i, e)
        if "bind_id" in e or "flow_in" in e or "flow_out" in e:
            self.flow(i, e, ph, ts)

    def metadata(self, i, e):
        if e["name"] not in META_NAMES:
            self.err(i, "unknown metadata event %r" % e["name"])
            return
        if not self.check_ids(i, e, need_tid=(e["name"] == "thread_name")):
            return
        if e["name"] in ("process_name", "thread_name"):
            name = e.get("args", {}).get("name") if isinstance(e.get("args"), dict) else None
            if not isinstance(name, str) or not name:
                self.err(i, "%s without args.name" % e["name"])
                return
            if e["name"] == "thread_name":
                self.thread_names.add((e["pid"], e["tid"]))
            else:
                self.process_names.add(e["pid"])

    def counter(self, i, e):
        args = e.get("args")
        if not isinstance(args, dict) or not args:
            self.err(i, "counter '%s' without values in args" % e["name"])
            return
        for k, v in args.items():
            if isinstance(v, bool) or not isinstance(v, (int, Decimal)) or \
                    (isinstance(v, Decimal) and not v.is_finite()):
                self.err(i, "counter '%s' value %s=%r is not a number" % (e["name"], k, v))

    def flow(self, i, e, ph, ts):
        fid = e.get("bind_id")
        if isinstance(fid, bool) or not isinstance(fid, (int, str)):
            self.err(i, "flow without a valid bind_id")
            return
        if ph not in ("X", "B"):
            self.err(i, "bind_id on a '%s' event; flows bind to slices" % ph)
            return
        out, into = e.get("flow_out") is True, e.get("flow_in") is True
        if out == into:
            self.err(i, "bind_id %r needs exactly one of flow_out and flow_in" % (fid,))
            return
        table = self.flow_out if out else self.flow_in
        if fid in table:
            self.err(i, "flow id %r used twice as %s" % (fid, "flow_out" if out else "flow_in"))
            return
        table[fid] = (ts, i)

    def finish(self):
        for key, stack in self.open_b.items():
            for _, i in stack:
                self.err(i, "begin event never ended on pid %d tid %d" % key)
        for key, slices in self.slices.items():
            self.nesting(key, slices)
        for fid, (ts, i) in self.flow_out.items():
            if fid not in self.flow_in:
                self.err(i, "flow %r has no flow_in" % (fid,))
            elif self.flow_in[fid][0] <= self.slice_end.get(i, ts):
                self.err(self.flow_in[fid][1], "flow %r ends no later than it starts (its "
                         "flow_out slice must end before its flow_in slice starts)" % (fid,))
        for fid, (_, i) in self.flow_in.items():
            if fid not in self.flow_out:
                self.err(i, "flow %r has no flow_out" % (fid,))
        for key in sorted(self.used - self.thread_names):
            self.errors.append("pid %d tid %d has no thread_name" % key)
        for pid in sorted({p for p, _ in self.used} - self.process_names):
            self.errors.append("pid %d has no process_name" % pid)

    def nesting(self, key, slices):
        # Perfetto orders by start; of two slices starting together the
        # longer is the parent (and the file lists parents first).
        stack = []
        for start, end, i in sorted(slices, key=lambda s: (s[0], -s[1], s[2])):
            while stack and stack[-1][1] <= start:
                stack.pop()
            if stack and end > stack[-1][1]:
                self.err(i, "slice [%d, %d] ns overlaps slice [%d, %d] ns (event %d) on "
                         "pid %d tid %d without nesting" %
                         (start, end, stack[-1][0], stack[-1][1], stack[-1][2], *key))
                continue
            stack.append((start, end, i))


def check_trace(doc):
    """Errors in a parsed document (json.loads with parse_float=Decimal
    keeps timestamps exact; plain floats are converted through repr)."""
    c = _Checker()
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        return ["no traceEvents array"]
    for i, e in enumerate(events):
        if isinstance(e, dict):
            e = {k: (Decimal(repr(v)) if isinstance(v, float) else v) for k, v in e.items()}
        c.event(i, e)
    c.finish()
    return c.errors


def check_file(path):
    try:
        with open(path) as f:
            doc = json.load(f, parse_float=Decimal)
    except (OSError, ValueError) as exc:
        return ["cannot read %s: %s" % (path, exc)]
    return check_trace(doc)
