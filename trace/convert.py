#!/usr/bin/python3
"""Convert a Loupe trace (the tracefile= the kernel writes at power-off)
to Perfetto-loadable JSON.

    trace/convert.py build/trace.bin -o build/trace.json --elf build/kernel.elf

--elf names kernel addresses with the kernel's symbols (each interrupt's
handler, kernel addresses in page faults). Open the result at https://ui.perfetto.dev (docs/tracing.md).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loupetrace  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="raw trace written by the kernel (tracefile=PATH)")
    ap.add_argument("-o", "--output", help="JSON file to write (default: stdout)")
    ap.add_argument("--elf", help="the kernel image the trace comes from (build/kernel.elf), "
                    "for its symbols")
    ap.add_argument("--check", action="store_true", help="also run trace/check.py's rules")
    args = ap.parse_args()
    try:
        raw = loupetrace.RawTrace.from_file(args.input)
    except (OSError, loupetrace.TraceFormatError) as exc:
        sys.exit("convert: %s: %s" % (args.input, exc))
    symbols = None
    if args.elf:
        try:
            symbols = loupetrace.KernelSymbols.from_elf(args.elf)
        except (OSError, loupetrace.ElfError) as exc:
            sys.exit("convert: %s: %s" % (args.elf, exc))
    warnings = []
    doc = loupetrace.convert(raw, warnings, symbols)
    for w in warnings[:20]:
        print("convert: warning: %s" % w, file=sys.stderr)
    if len(warnings) > 20:
        print("convert: ... and %d more warnings" % (len(warnings) - 20), file=sys.stderr)
    text = json.dumps(doc, separators=(",", ":"))
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    meta = doc["metadata"]
    print("convert: %d records from %d CPUs, %d dropped -> %d events%s" %
          (meta["records"], meta["cpus"], meta["dropped_records"], len(doc["traceEvents"]),
           " in " + args.output if args.output else ""), file=sys.stderr)
    if args.check:
        errors = loupetrace.check_trace(json.loads(text, parse_float=__import__("decimal").Decimal))
        for e in errors[:20]:
            print("check: %s" % e, file=sys.stderr)
        if errors:
            sys.exit(1)


if __name__ == "__main__":
    main()
