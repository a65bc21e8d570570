"""The GDB stub survives 10,000 random and malformed packets (tests/fuzz)
and still answers '?' correctly afterwards, on 1 and 4 CPUs."""
import os
import sys

import pytest

import loupe

sys.path.insert(0, os.path.join(loupe.ROOT, "tests", "fuzz"))
import rsp_fuzz  # noqa: E402
from test_gdb import boot_with_stub  # noqa: E402

PACKETS = 10000


@pytest.mark.parametrize("smp", [1, 4])
def test_stub_survives_fuzzing(smp):
    c = boot_with_stub(smp)
    try:
        c.expect("init> ")
        try:
            sent, reply = rsp_fuzz.run(c.port, PACKETS, seed=smp)
        except rsp_fuzz.ProtocolError as e:
            raise AssertionError("%s\nconsole since the prompt:\n%s"
                                 % (e, c.output_so_far())) from None
        assert sent >= PACKETS
        assert rsp_fuzz.STOP_REPLY.match(reply), reply
        # Detached again: the kernel still runs and init still answers.
        c.child.sendline("help")
        c.expect("init> ")
    finally:
        c.close()
