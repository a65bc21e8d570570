"""Times in the JSON: microseconds, exact to the nanosecond.

A timestamp (`ts`) is written with at most three decimals, so it is a
whole number of nanoseconds and every viewer that parses it gets the
double nearest to that decimal.

A duration (`dur`) is a double picked so that a viewer adding it to its
`ts` in IEEE double arithmetic (JavaScript: speedscope, chrome://tracing)
lands exactly on the double it parses for a timestamp of the same
instant. Two slices that touch in the file then touch on screen too, and
a child never ends a rounding step after its parent. Such a double is
within a few units in the last place of the exact decimal, far below a
nanosecond, so Perfetto, which rounds `dur * 1000` to whole nanoseconds
(llround), still gets the exact nanosecond count.

speedscope (1.25) first subtracts the thread's earliest slice start from
every `ts` and then adds `dur`: `(ts - first) + dur`. That is the sum
`dur` is fitted to first; among the doubles that satisfy it, one that
also makes the plain `ts + dur` exact is preferred (there nearly always
is one). A zero-length slice (an IPC arrow's end) gets the smallest
duration those sums can see instead of 0: speedscope takes an end before
a begin at the same time, so an exact 0 would end a point slice that
starts together with a longer one before it began. Its end still rounds
to its start in nanoseconds.
"""
import math
import struct
from decimal import Decimal, ROUND_HALF_EVEN

# How far from a whole nanosecond a parsed dur may be: the few ulps the
# fitting moves it (about 1e-7 ns for a trace minutes long) and then some,
# and far less than the half nanosecond where rounding would change.
DUR_TOLERANCE_NS = Decimal("0.01")
_INF_BITS = 0x7ff0000000000000     # +inf: bit patterns order the positive doubles


def us(ns):
    """Nanoseconds as microseconds: an int for whole microseconds, else a
    float whose repr has at most three decimals (exactly the nanoseconds)."""
    return ns // 1000 if ns % 1000 == 0 else ns / 1000


def _bits(x):
    return struct.unpack("<q", struct.pack("<d", x))[0]


def _double(bits):
    return struct.unpack("<d", struct.pack("<q", bits))[0]


def _first(pred):
    """The smallest bit pattern of a double >= 0 for which pred (false,
    then true as the double grows) holds."""
    lo, hi = 0, _INF_BITS
    while lo < hi:
        mid = (lo + hi) // 2
        if pred(_double(mid)):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _hits(base, target):
    """The doubles d >= 0 with fl(base + d) == target, as an inclusive range
    of bit patterns, or None. fl(base + d) never decreases as d grows, so
    they are one run of doubles."""
    lo = _first(lambda d: base + d >= target)
    hi = _first(lambda d: base + d > target) - 1
    return (lo, hi) if lo <= hi else None


def x_dur(start_ns, end_ns, first_ns):
    """The `dur` to write for a slice [start_ns, end_ns] on a thread whose
    earliest slice starts at first_ns (see the module's docstring)."""
    t, e, o = float(us(start_ns)), float(us(end_ns)), float(us(first_ns))
    tp, ep = t - o, e - o           # what speedscope computes
    if end_ns <= start_ns:
        # One ulp of the larger sum is at least one of the smaller, so
        # both t + d and tp + d come out strictly above their start.
        return math.ulp(t) if t > 0 else math.ulp(1.0)
    d = ep - tp
    if tp + d == ep and t + d == e:
        return d        # the common case, with no search
    exact = _bits((end_ns - start_ns) / 1000)
    rebased, plain = _hits(tp, ep), _hits(t, e)
    if rebased and plain and plain[0] <= rebased[1] and rebased[0] <= plain[1]:
        lo, hi = max(rebased[0], plain[0]), min(rebased[1], plain[1])
    else:
        lo, hi = rebased or plain or (exact, exact)
    # The double of the run nearest to the exact duration.
    return _double(min(max(exact, lo), hi))


def dur_ns(value):
    """A JSON dur (int, float or Decimal microseconds) as the whole
    nanoseconds Perfetto makes of it, or None if it is negative or not
    within DUR_TOLERANCE_NS of a whole nanosecond."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = Decimal(repr(value))
    ns = Decimal(value) * 1000
    whole = ns.to_integral_value(rounding=ROUND_HALF_EVEN)
    if ns < 0 or abs(ns - whole) > DUR_TOLERANCE_NS:
        return None
    return int(whole)
