"""Guard against PySide6 releases that leak references to None, True and False.

PySide6 6.12 on CPython 3.11 returns None from void methods without a reference; a few
thousand key presses later the interpreter aborts with "deallocating None". That is why
pyproject.toml keeps PySide6 below 6.12; this test fails if a bump brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_emits_do_not_leak_singleton_references(qtbot: QtBot) -> None:
    label, edit = QLabel(), QPlainTextEdit()
    qtbot.addWidget(label)
    qtbot.addWidget(edit)
    emitter = _Emitter()
    emitter.fired.connect(lambda value: None)
    singletons = (None, True, False)
    before = [sys.getrefcount(x) for x in singletons]
    for _ in range(300):
        label.setText("x")
        edit.setReadOnly(True)
        emitter.fired.emit(True)
        label.isVisible()
    after = [sys.getrefcount(x) for x in singletons]
    # A working binding holds a handful at most; the broken one loses one per call.
    assert all(a - b > -100 for a, b in zip(after, before, strict=True)), (before, after)
