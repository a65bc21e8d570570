#!/usr/bin/python3
"""Draw a trace JSON as a static SVG timeline, for docs (a browser and
ui.perfetto.dev show far more; this needs neither).

    trace/render_svg.py build/trace.json -o docs/images/trace.svg [--from US --to US]

One row per thread with something in the window (the CPU tracks first),
slices as boxes stacked by nesting, instants as ticks coloured by kind,
and each IPC arrow (a flow_out slice to its flow_in slice) as a line.
"""
import argparse
import json
from html import escape

ROW, WIDTH, LEFT = 14, 1100, 150
COLORS = {"sched": "#9ecae1", "irq": "#fd8d3c", "mark": "#74c476", "ipc": "#9e9ac8",
          "syscall": "#fdd0a2", "fault": "#d62728", "counter": "#999999"}
TICK = {"irq": "#e6550d", "fault": "#d62728", "ipc": "#6a51a3", "mark": "#31a354",
        "sched": "#bbbbbb"}
CPU_PID = 20000


def depths(slices):
    """Nesting depth of each slice of one thread (parents start first and,
    at the same start, are longer). A point (an arrow's end) at the very
    end of a slice is drawn inside it, as the converter made it."""
    out, stack = {}, []
    for e in sorted(slices, key=lambda e: (e["ts"], -e["dur"])):
        end = e["ts"] + e["dur"]
        point = e["dur"] < 1e-6
        while stack and (stack[-1] < e["ts"] - 1e-6 or
                         (stack[-1] <= e["ts"] + 1e-6 and not point)):
            stack.pop()
        out[id(e)] = len(stack)
        stack.append(end)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--from", dest="t0", type=float)
    ap.add_argument("--to", dest="t1", type=float)
    a = ap.parse_args()
    with open(a.input) as f:
        evs = json.load(f)["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in evs
             if e["ph"] == "M" and e["name"] == "thread_name"}
    timed = [e for e in evs if e["ph"] in "Xi"]
    t0 = a.t0 if a.t0 is not None else min(e["ts"] for e in timed)
    t1 = a.t1 if a.t1 is not None else max(e["ts"] + e.get("dur", 0) for e in timed)
    scale = (WIDTH - LEFT - 10) / (t1 - t0)

    def x(t):
        return LEFT + (min(max(t, t0), t1) - t0) * scale

    shown = [e for e in timed if e["ts"] <= t1 and e["ts"] + e.get("dur", 0) >= t0]
    by_row = {}
    for e in shown:
        by_row.setdefault((e["pid"], e["tid"]), []).append(e)
    # A row only for threads with a slice in the window; ticks alone (a
    # wakeup of an idle context) would be rows of noise.
    rows = sorted((k for k, v in by_row.items() if any(e["ph"] == "X" for e in v)),
                  key=lambda k: (k[0] != CPU_PID, k))
    out, y, where = [], 10, {}      # where: id(slice) -> (x start, x end, y middle)
    for key in rows:
        slices = [e for e in by_row[key] if e["ph"] == "X"]
        depth = depths(slices)
        levels = 1 + max(depth.values())
        label = names.get(key, "%d/%d" % key)
        if key[0] != CPU_PID:
            label += " (tid %d)" % key[1]
        out.append('<text x="4" y="%d">%s</text>' % (y + 11, escape(label)))
        for e in slices:
            y0 = y + depth[id(e)] * ROW
            x0, x1 = x(e["ts"]), x(e["ts"] + e["dur"])
            w = max(1.0, x1 - x0)
            where[id(e)] = (x0, x0 + w, y0 + (ROW - 2) / 2)
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" '
                       'stroke="#555" stroke-width="0.3"><title>%s</title></rect>' %
                       (x0, y0, w, ROW - 2, COLORS.get(e.get("cat"), "#ccc"), escape(e["name"])))
            if w > 6 * len(e["name"]) + 4:
                out.append('<text x="%.1f" y="%d">%s</text>' % (x0 + 2, y0 + 9, escape(e["name"])))
        ty = y + levels * ROW
        for e in by_row[key]:
            if e["ph"] == "i":
                color = TICK.get(e.get("cat"), "#555")
                out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="%s">'
                           '<title>%s</title></line>' %
                           (x(e["ts"]), x(e["ts"]), ty, ty + 6, color, escape(e["name"])))
        y = ty + 14
    # Arrows last, over the boxes: from the end of a flow's first slice to
    # the start of its second, as Perfetto draws them.
    ends = {}
    for e in shown:
        if e["ph"] == "X" and "bind_id" in e and id(e) in where:
            ends.setdefault(e["bind_id"], {})["out" if e.get("flow_out") else "in"] = where[id(e)]
    for flow in ends.values():
        if "out" in flow and "in" in flow:
            (_, xa, ya), (xb, _, yb) = flow["out"], flow["in"]
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#3f007d" '
                       'stroke-width="0.8" marker-end="url(#arrow)"/>' % (xa, ya, xb, yb))
    legend = ("ticks: orange interrupt, red page fault, purple signal, green marker, "
              "grey wakeup; arrows: IPC call and reply")
    out.append('<text x="%d" y="%d">%.0f us .. %.0f us since boot.  %s</text>' %
               (LEFT, y + 6, t0, t1, escape(legend)))
    head = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'font-family="sans-serif" font-size="9">' % (WIDTH, y + 16),
            '<defs><marker id="arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="5" '
            'markerHeight="5" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="#3f007d"/>'
            '</marker></defs>',
            '<rect width="100%" height="100%" fill="white"/>']
    with open(a.output, "w") as f:
        f.write("\n".join(head + out + ["</svg>"]) + "\n")


if __name__ == "__main__":
    main()
