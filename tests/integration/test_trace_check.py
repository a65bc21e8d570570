"""trace/check.py accepts good files and rejects each hand-made broken one."""
import glob
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = sorted(glob.glob(os.path.join(ROOT, "tests", "trace_fixtures", "*.json")))
sys.path.insert(0, os.path.join(ROOT, "trace"))
from loupetrace.checker import check_file  # noqa: E402


@pytest.mark.parametrize("path", FIXTURES, ids=os.path.basename)
def test_fixture(path):
    with open(path) as f:
        expect = json.load(f)["expect"]
    errors = check_file(path)
    if os.path.basename(path).startswith("good"):
        assert errors == []
    else:
        assert errors, "checker accepted %s" % path
        assert any(expect in e for e in errors), errors


def test_there_are_broken_fixtures_for_every_rule():
    names = " ".join(os.path.basename(p) for p in FIXTURES)
    for rule in ["missing", "overlap", "flow_without", "duplicate_flow", "unnamed_thread",
                 "counter", "flow_in_args", "sub_ns_dur"]:
        assert rule in names


def test_command_line_exit_status():
    good = [p for p in FIXTURES if "good" in p]
    broken = [p for p in FIXTURES if "broken" in p]
    ok = subprocess.run([sys.executable, os.path.join(ROOT, "trace", "check.py"), *good],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, os.path.join(ROOT, "trace", "check.py"), broken[0]],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and os.path.basename(broken[0]) in bad.stderr


def test_flow_fields_inside_args_are_refused_by_name():
    """Perfetto reads bind_id, flow_in and flow_out only at the top level
    of an event; inside args the arrow silently disappears."""
    errors = check_file(os.path.join(ROOT, "tests", "trace_fixtures", "broken_flow_in_args.json"))
    assert errors == [
        "event 2: 'send' has bind_id inside args; flow fields must be at the top level of "
        "the event (Perfetto ignores them in args)",
        "event 2: 'send' has flow_out inside args; flow fields must be at the top level of "
        "the event (Perfetto ignores them in args)",
        "event 3: 'recv' has bind_id inside args; flow fields must be at the top level of "
        "the event (Perfetto ignores them in args)",
        "event 3: 'recv' has flow_in inside args; flow fields must be at the top level of "
        "the event (Perfetto ignores them in args)"]
