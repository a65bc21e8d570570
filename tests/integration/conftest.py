import pytest

import loupe


@pytest.fixture
def console():
    """Factory for interactive boots; every QEMU started is killed afterwards."""
    started = []

    def start(**kw):
        c = loupe.Console(**kw)
        started.append(c)
        return c

    yield start
    for c in started:
        c.close()
