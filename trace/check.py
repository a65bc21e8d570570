#!/usr/bin/python3
"""Check Trace Event Format JSON files against the rules Perfetto's
importer enforces (see loupetrace/checker.py for the list).

    trace/check.py build/trace.json

Exit status 0 if every file passes, 1 otherwise; errors on stderr.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loupetrace.checker import check_file  # noqa: E402


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: %s FILE.json..." % argv[0])
    status = 0
    for path in argv[1:]:
        errors = check_file(path)
        for e in errors[:50]:
            print("%s: %s" % (path, e), file=sys.stderr)
        if len(errors) > 50:
            print("%s: ... %d errors in all" % (path, len(errors)), file=sys.stderr)
        if errors:
            status = 1
        else:
            print("%s: ok" % path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
