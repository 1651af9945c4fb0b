"""A guard against a PySide6 reference-count bug, applied before any Qt call.

PySide6 6.12 on CPython 3.11 gives back `None` from every void-returning Qt method
without taking a reference to it (harmless on 3.12+, where None is immortal). Each call
then costs None one reference, and after some tens of thousands of calls (a few minutes
of reviewing) the interpreter aborts with "deallocating None". Pinning None's count far
out of reach does on 3.11 what 3.12 does by design. No Qt import here: conftest and the
app apply it first thing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_PIN = 1 << 48


# The singletons Python 3.12 made immortal; PySide6 returns them without a reference
# (None from void methods, True/False from signal emits and bool methods).
_SINGLETONS = (None, True, False, Ellipsis, NotImplemented)


def pin_none() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for obj in _SINGLETONS:
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt: PyObject's first field
        if refcount.value < _PIN:
            refcount.value += _PIN
    log.debug("pinned singleton reference counts (PySide6 bug on Python 3.11)")
    return True
