"""Every stage boots and passes its self tests on 1 and 4 CPUs."""
import re

import pytest

import loupe

STAGE_NAMES = {0: "boot", 1: "traps", 2: "paging"}
# The self tests each stage adds; a stage runs its own and all earlier ones.
STAGE_TESTS = {
    0: ["format", "symbols", "devicetree"],
    1: ["timer_rate", "irq_every_cpu", "smp_all_online",
        "trace_ring_wrap", "trace_ring_stop_mode", "trace_category_off"],
    2: ["frame_exhaust", "frame_contig", "heap", "page_tables", "safe_copy_faults"],
}
STAGES = [pytest.param(n, marks=getattr(pytest.mark, "lab%d" % n)) for n in STAGE_NAMES]


def selftest_result(out):
    m = re.search(r"^\[[ \d.]+\] selftest: (\d+) passed, (\d+) failed$", out, re.M)
    assert m, "no selftest summary line in:\n" + out
    return int(m.group(1)), int(m.group(2))


def selftests_that_ran(out):
    return set(re.findall(r"selftest: (\w+) +ok$", out, re.M))


@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("lab", STAGES)
def test_stage_selftest(lab, smp):
    status, out = loupe.run(lab=lab, smp=smp, cmdline="selftest")
    passed, failed = selftest_result(out)
    assert "(stage %d, %s)" % (lab, STAGE_NAMES[lab]) in out
    assert failed == 0, out
    expected = {t for n in range(lab + 1) for t in STAGE_TESTS[n]}
    assert selftests_that_ran(out) == expected, out
    assert passed == len(expected)
    assert status == 0, out


def test_whole_system_selftest_default_smp():
    status, out = loupe.run(cmdline="selftest")
    passed, failed = selftest_result(out)
    assert (failed, status) == (0, 0), out
    assert "smp: 2 of 2 CPUs online" in out
    assert selftests_that_ran(out) >= {t for ts in STAGE_TESTS.values() for t in ts}


@pytest.mark.parametrize("lab", [pytest.param(n, marks=getattr(pytest.mark, "lab%d" % n))
                                 for n in (0, 2)])
def test_boot_from_el2(lab):
    """With virtualization on, QEMU starts the kernel at EL2: boot.S drops
    to EL1 and everything works as from EL1."""
    status, out = loupe.run(lab=lab, smp=2, cmdline="selftest", machine="virt,virtualization=on")
    assert "boot: entered at EL2, running at EL1" in out, out
    passed, failed = selftest_result(out)
    assert (failed, status) == (0, 0), out
