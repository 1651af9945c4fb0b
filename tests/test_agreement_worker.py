"""Part of the agreement report computed in a forked worker (`idleb-desk agree`): its
value comes back as computed there, and a worker that fails leaves the part to be
computed in this process instead, with the same value."""

from __future__ import annotations

import os
import sys

import pytest

from idleb_desk.core.agreement.report import Forked

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def test_the_value_comes_back_from_the_worker() -> None:
    here = os.getpid()
    job = Forked(lambda: {"pid": os.getpid(), "figures": [0.8591, None, 3]})
    got = job.result()
    assert got["figures"] == [0.8591, None, 3]
    assert got["pid"] != here  # computed in the worker, not here


def test_a_failing_worker_leaves_the_work_to_this_process() -> None:
    here = os.getpid()

    def work() -> int:
        if os.getpid() != here:
            raise RuntimeError("the worker fails")
        return 7

    assert Forked(work).result() == 7
