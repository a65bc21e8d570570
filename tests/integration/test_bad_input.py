"""Bad input gets a clear message and never silently breaks the kernel."""
import os
import re
import subprocess

import loupe


def test_cmdline_warnings_text():
    status, out = loupe.run(cmdline="frobnicate=3 loglevel=99 selftest")
    assert "cmdline: unknown word 'frobnicate=3' ignored" in out
    assert "cmdline: malformed word 'loglevel=99' ignored" in out
    assert status == 0, out


def make_dtb_without(tmp_path, node_regex, smp=1):
    """QEMU's own virt DTB with one node removed, compiled with dtc."""
    dtb = tmp_path / "virt.dtb"
    argv = loupe.qemu_argv(smp=smp)
    argv[argv.index("-M") + 1] = "virt,dumpdtb=%s" % dtb
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, capture_output=True)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)], check=True,
                         capture_output=True, text=True).stdout
    dts, n = re.subn(node_regex, "", dts, flags=re.S | re.M)
    assert n == 1, "node to remove not found"
    out = tmp_path / "broken.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out)], input=dts,
                   check=True, text=True)
    return str(out)


# (QEMU re-adds /psci and rewrites /memory in a user-supplied DTB, so those
# two cannot be taken away from the kernel this way.)
def test_missing_gic_node_panics_naming_it(tmp_path):
    dtb = make_dtb_without(tmp_path, r"^\tintc@8000000 \{.*?^\t\};\n")
    status, out = loupe.run(smp=1, cmdline="panic=poweroff", extra=("-dtb", dtb))
    assert 'Kernel panic on CPU 0: device tree: no GICv2 node (compatible "arm,cortex-a15-gic")' in out
    assert status == 3, out


def test_missing_timer_node_panics_naming_it(tmp_path):
    dtb = make_dtb_without(tmp_path, r"^\ttimer \{.*?^\t\};\n")
    status, out = loupe.run(smp=1, cmdline="panic=poweroff", extra=("-dtb", dtb))
    assert "device tree: no /timer node" in out
    assert status == 3, out
