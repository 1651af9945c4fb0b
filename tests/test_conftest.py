"""tests/conftest.py keeps its promises: a leaked window fails its test, `press` types."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

LEAKY_TESTS = """
from PySide6.QtWidgets import QDialog, QWidget

from conftest import press


def test_leaks_a_window(qtbot):
    w = QWidget()
    w.setObjectName("leaky")
    w.show()
    test_leaks_a_window.keep = w  # alive after the test, as a forgotten window is


def test_after_a_leak_the_window_is_closed(qapp):
    assert not any(w.objectName() == "leaky" and w.isVisible() for w in qapp.topLevelWidgets())


def test_a_registered_window_is_no_leak(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)


def test_a_dialog_of_a_registered_window_closes_with_it(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.show()
    box = QDialog(w)
    box.show()


def test_press_types_into_the_focused_widget(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    edit.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    press(qtbot, Qt.Key.Key_A)
    press(qtbot, "b")
    assert edit.text() == "ab"
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    press(qtbot, "c")
    assert edit.text() == "c"
"""


def test_a_window_left_open_fails_its_test_and_only_that_one(tmp_path: Path) -> None:
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_leaky.py").write_text(LEAKY_TESTS, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert "top-level widgets left open by the test: QWidget 'leaky'" in out, out
    assert "ERROR test_leaky.py::test_leaks_a_window" in out, out
    assert "1 error" in out and "5 passed" in out, out
