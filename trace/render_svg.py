#!/usr/bin/python3
"""Draw a trace JSON as a static SVG timeline, for docs (a browser and
ui.perfetto.dev show far more; this needs neither).

    trace/render_svg.py build/trace.json -o docs/images/trace.svg [--from US --to US]

One row per thread, slices as boxes by nesting depth, instants as ticks.
"""
import argparse
import json
from html import escape

ROW, DEPTH, WIDTH, LEFT = 18, 6, 1100, 110
COLORS = {"sched": "#9ecae1", "irq": "#fd8d3c", "mark": "#74c476", "ipc": "#9e9ac8",
          "syscall": "#fdd0a2"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--from", dest="t0", type=float)
    ap.add_argument("--to", dest="t1", type=float)
    a = ap.parse_args()
    doc = json.load(open(a.input))
    evs = doc["traceEvents"]
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in evs
             if e["ph"] == "M" and e["name"] == "thread_name"}
    timed = [e for e in evs if e["ph"] in "Xi"]
    t0 = a.t0 if a.t0 is not None else min(e["ts"] for e in timed)
    t1 = a.t1 if a.t1 is not None else max(e["ts"] + e.get("dur", 0) for e in timed)
    rows = sorted(names, key=lambda k: (k[0] != 20000, k))
    scale = (WIDTH - LEFT - 10) / (t1 - t0)
    height = ROW * 3 * len(rows) + 30
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="10">' % (WIDTH, height),
           '<rect width="100%" height="100%" fill="white"/>']
    for n, key in enumerate(rows):
        y = 10 + n * ROW * 3
        out.append('<text x="4" y="%d">%s</text>' % (y + 12, escape(names[key])))
        depth = {}
        for e in sorted((e for e in timed if (e["pid"], e["tid"]) == key),
                        key=lambda e: (e["ts"], -e.get("dur", 0))):
            end = e["ts"] + e.get("dur", 0)
            if end < t0 or e["ts"] > t1:
                continue
            x = LEFT + (max(e["ts"], t0) - t0) * scale
            if e["ph"] == "i":
                out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#d62728"/>' %
                           (x, x, y + ROW * 2, y + ROW * 3 - 4))
                continue
            d = sum(1 for s, t in depth.items() if s <= e["ts"] and t >= end)
            depth[e["ts"]] = end
            w = max(1.0, (min(end, t1) - max(e["ts"], t0)) * scale)
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" '
                       'stroke="#555" stroke-width="0.3"><title>%s</title></rect>' %
                       (x, y + d * DEPTH * 2, w, ROW - 4, COLORS.get(e.get("cat"), "#ccc"),
                        escape(e["name"])))
            if w > 60:
                out.append('<text x="%.1f" y="%d">%s</text>' % (x + 2, y + d * DEPTH * 2 + 10,
                                                                 escape(e["name"])))
    out.append('<text x="%d" y="%d">%.0f us .. %.0f us since boot</text>' %
               (LEFT, height - 6, t0, t1))
    out.append("</svg>")
    with open(a.output, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
