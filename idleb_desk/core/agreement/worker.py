"""One part of a report computed in a forked process while this one computes the rest:
on two cores the report takes about half the time. Only on Linux (macOS' system
libraries are not safe to use in a forked child, Windows cannot fork), and only for the
command line (a window's process has threads of its own, which a fork does not carry
over); anything wrong in the child, and the part is computed here.

The child inherits the study as it is (nothing is sent to it), and sends back only its
figures, pickled, through a pipe; it ends with `os._exit`, so that nothing of this
process (buffered output, exit handlers, open files) is run or flushed twice.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Forked(Generic[T]):
    """`work()` started in a forked child (else nothing yet); `result()` its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self.work = work
        self.pid: int | None = None
        self.fd = -1
        if not sys.platform.startswith("linux"):
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError as exc:
            log.info("agreement: no worker process (%s); computing here", exc)
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, and leave without running anything else
            code = 1
            try:
                os.close(read)
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as fh:
                    fh.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self) -> T:
        if self.pid is None:
            return self.work()
        with os.fdopen(self.fd, "rb") as fh:
            payload = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not payload:
            log.warning("agreement: the worker process failed (status %s); computing here", status)
            return self.work()
        value: T = pickle.loads(payload)
        return value
