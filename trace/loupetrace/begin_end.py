"""The same trace with every complete ("X") slice written as a begin/end
("B"/"E") pair, with exact timestamps.

Why: a complete event gives its end as ts + dur. A viewer that adds the two
in binary floating point can get a slice's end a hair after the start of
the slice that follows it, or after the end of its parent, when the exact
decimal times are equal: speedscope 1.25.0 does (it also subtracts each
thread's first timestamp first), and then nests the next slice inside the
previous one and keeps both open to the end of the profile (its open issue
#487; docs/tracing.md, "Opening a trace in speedscope"). With "B"/"E"
events every boundary is a number written in the file, so two boundaries
that are equal stay equal after any arithmetic the viewer applies to both.

The slices are exactly those of the input: same threads, names, args,
categories and nanosecond times, and flows stay bound to the same slices
(bind_id on the begin event). Instants, counters and metadata are copied
unchanged. The result passes checker.check_trace whenever the input does.
"""
from decimal import Decimal

from .timefmt import dur_ns


def _exact(value):
    """A JSON number as an exact Decimal (floats through their repr, which
    for the converter's three-decimal values is exactly what the file
    says)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _number(d):
    """A Decimal back to what json.dump writes: an int for whole
    microseconds, else a float whose repr is the same three decimals (as
    convert.us() writes them)."""
    return int(d) if d == d.to_integral_value() else float(d)


def begin_end(doc):
    """Return a new document (the input is not changed) with each "X"
    event replaced by a "B" and an "E" event, ordered so that every viewer
    that replays them in file order at equal timestamps nests them as the
    input nests them. Timestamps in the result are ints and floats, ready
    for json.dump; the input may be what json.load returns, with or without
    parse_float=Decimal."""
    events = doc["traceEvents"] if isinstance(doc, dict) else doc
    meta, timed, per_thread = [], [], {}
    for i, e in enumerate(events):
        if e.get("ph") == "M":
            meta.append(e)
        elif e.get("ph") == "X":
            start = _exact(e["ts"])
            # The whole nanoseconds the dur stands for (timefmt.py): the
            # converter's durations are doubles fitted to ts + dur, a few
            # ulps off the decimal, and Perfetto rounds them too.
            ns = dur_ns(e["dur"])
            end = start + (Decimal(ns) / 1000 if ns is not None else _exact(e["dur"]))
            per_thread.setdefault((e["pid"], e["tid"]), []).append((start, end, i, e))
        else:
            # Instants and counters after the slice boundaries of the same
            # time, as the converter orders them.
            timed.append((_exact(e["ts"]), 1, i, dict(e, ts=_number(_exact(e["ts"])))))

    seq = 0
    for slices in per_thread.values():
        # A zero-length slice first among those starting together: it
        # begins and ends before the longer one begins, so it is a sibling
        # that a viewer closes before opening the next. (Written after the
        # longer one, it would sit inside it, and speedscope pairs an end
        # with the next begin of the same time only if their names match.)
        # Otherwise parents first: the longer of two slices starting
        # together contains the other.
        slices.sort(key=lambda s: (s[0], s[1] > s[0], -s[1], s[2]))
        stack = []
        for start, end, _, e in slices:
            while stack and stack[-1][0] <= start:
                seq += 1
                timed.append((stack[-1][0], 0, seq, stack.pop()[1]))
            begin = {k: v for k, v in e.items() if k != "dur"}
            begin["ph"] = "B"
            begin["ts"] = _number(start)
            # The end repeats name and args: speedscope matches an end to
            # its begin by both, and Perfetto merges an end's args into the
            # slice's, which changes nothing when they are the same.
            close = {k: v for k, v in e.items()
                     if k not in ("dur", "bind_id", "flow_in", "flow_out")}
            close["ph"] = "E"
            close["ts"] = _number(end)
            seq += 1
            timed.append((start, 0, seq, begin))
            stack.append((end, close))
        while stack:
            seq += 1
            timed.append((stack[-1][0], 0, seq, stack.pop()[1]))

    # Each thread's begin/end events were appended in the order its stack
    # opened and closed them, at non-decreasing times, so sorting on (time,
    # kind, sequence) keeps that order and interleaves the threads.
    timed.sort(key=lambda t: (t[0], t[1], t[2]))
    out = meta + [e for _, _, _, e in timed]
    if isinstance(doc, dict):
        result = dict(doc)
        result["traceEvents"] = out
        return result
    return out
