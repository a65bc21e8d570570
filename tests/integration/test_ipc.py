"""IPC and capabilities (stage 4): ipctest's checks through init's command
loop, on 1 and 4 CPUs, and the full-size stress of 8 client-server pairs."""
import re

import pytest

import loupe

PROMPT = "init> "
CHECKS = ["order_and_integrity", "many_clients_fair", "rights_send_recv", "rights_grant",
          "rights_control", "notification_bits", "server_killed", "killed_mid_call",
          "reply_to_killed",
          "endpoint_deleted",
          "rights_map", "shared_memory", "map_into_task", "deferred_reply",
          "bound_notification", "console_protocol", "timeouts", "object_names", "slice_shared",
          "stress_pairs"]


def run_ipctest(console, smp, per_pair, timeout=loupe.BOOT_TIMEOUT):
    c = console(lab=4, smp=smp)
    c.expect(PROMPT)
    c.child.sendline("run ipctest all %d" % per_pair)
    c.expect(r"ipctest: (\d+) passed, (\d+) failed", timeout=timeout)
    out = c.child.before
    passed, failed = int(c.child.match.group(1)), int(c.child.match.group(2))
    c.expect(PROMPT)
    return out, passed, failed


@pytest.mark.lab4
@pytest.mark.parametrize("smp", [1, 4])
def test_ipc_checks(console, smp):
    out, passed, failed = run_ipctest(console, smp, 2000)
    for check in CHECKS:
        assert re.search(r"ipctest: %s +ok" % check, out), out
    assert (passed, failed) == (len(CHECKS), 0), out


@pytest.mark.lab4
def test_stress_8_pairs_100000_messages_on_4_cpus(console):
    out, passed, failed = run_ipctest(console, 4, 100000, timeout=600)
    m = re.search(r"8 pairs x 100000 calls; free frames (\d+) before, (\d+) after", out)
    assert m, out
    assert m.group(1) == m.group(2), "frames leaked"
    assert re.search(r"ipctest: stress_pairs +ok", out), out
    assert failed == 0, out
