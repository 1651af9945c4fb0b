"""Shared test setup. Qt must run headless, so the platform is set before any Qt import.

Every test runs with a temporary home: HOME, the XDG folders, IDLEB_DESK_HOME and Qt's
settings path all point into a fresh folder, so nothing reads or writes the analyst's real
settings, data or logs (a remapped key in real settings once broke the Xvfb test).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if TYPE_CHECKING:
    from PySide6.QtCore import Qt


def press(qtbot, key: Qt.Key | str, mod: Qt.KeyboardModifier | None = None) -> None:
    """A real key press on whatever has keyboard focus, as an analyst would type it.

    Shared by the GUI tests (`from conftest import press`); Qt is imported here, late, so
    that tests without a window never load it.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    target = QApplication.focusWidget()
    assert target is not None, "no widget has keyboard focus"
    qtbot.keyClick(target, key, Qt.KeyboardModifier.NoModifier if mod is None else mod)


@pytest.fixture(autouse=True)
def no_leaked_windows(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a Qt test that leaves a window of its own open, as napari's fixtures warn.

    A visible top-level widget that was not there before the test outlives it: it keeps
    its project (and lock) open and answers keys in later tests. Registered with
    `qtbot.addWidget` and closed at the end, a window is no leak. Set up before `qtbot`,
    so this check runs after qtbot has closed what it was given. Leaks are closed too, so
    one leak fails one test.
    """
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    from PySide6.QtWidgets import QApplication
    from shiboken6 import getCppPointer

    # By the C++ object: Python wrappers of widgets Qt made itself come and go.
    before = {getCppPointer(w)[0] for w in QApplication.topLevelWidgets()}
    yield
    leaked = [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and getCppPointer(w)[0] not in before
    ]
    for w in leaked:
        w.close()
    if leaked:
        names = ", ".join(f"{type(w).__name__} {w.objectName()!r}" for w in leaked)
        pytest.fail(f"top-level widgets left open by the test: {names}", pytrace=False)


@pytest.fixture(autouse=True)
def hermetic_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("IDLEB_DESK_HOME", str(home / "idleb_desk"))
    monkeypatch.delenv("IDLEB_DESK_REVIEWER", raising=False)
    monkeypatch.delenv("IDLEB_DESK_MODEL", raising=False)
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QSettings

        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home / ".config"))
    return home


@pytest.fixture(autouse=True)
def no_unanswered_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question a test did not answer fails it at once instead of waiting forever on a
    modal box (tests that expect one replace the asker with their answer)."""
    if "PySide6.QtCore" not in sys.modules:
        return
    from idleb_desk.gui.dialogs import questions

    def unexpected(*args: object) -> None:
        raise AssertionError(f"unexpected question from the window: {args[1:]}")

    monkeypatch.setattr(questions, "leftovers_asker", unexpected)
    monkeypatch.setattr(questions, "comment_asker", unexpected)


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """Where a test's project file goes (not created yet)."""
    return tmp_path / "project.sqlite3"


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Error dialogs the GUI would show, as (title, message), instead of modal boxes."""
    from idleb_desk.gui.window import errors  # imported late: Qt loads after the platform is set

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "presenter", lambda _p, title, msg: seen.append((title, msg)))
    # Questions (such as "Recover…?") are recorded too, and declined.
    monkeypatch.setattr(
        errors, "asker", lambda _p, title, msg, _action: seen.append((title, msg)) and False
    )
    monkeypatch.setattr(
        errors, "chooser", lambda _p, title, msg, _actions: seen.append((title, msg)) and None
    )
    return seen


@pytest.fixture
def mount_tmpfs() -> Iterator[Callable[[Path, str], Path]]:
    """Mount a small tmpfs on a folder (root only; the test is skipped otherwise), for
    disks that fill up or turn read-only on demand. Unmounted at the end of the test."""
    mounted: list[Path] = []

    def mount(folder: Path, size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("needs root to mount a small tmpfs")
        folder.mkdir(exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            capture_output=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def open_window(qtbot, tmp_path: Path, shown_errors):
    """Open a project in a real window with the keyboard in the article, as an analyst
    starts; temporary settings, and error dialogs recorded in `shown_errors`."""
    from idleb_desk.gui.config.keymap import make_settings
    from idleb_desk.gui.window.main_window import MainWindow

    def make(db: Path) -> MainWindow:
        window = MainWindow(make_settings(tmp_path / "settings.ini"))
        qtbot.addWidget(window)
        assert window.open_project(db)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        window.view.setFocus()
        qtbot.waitUntil(window.view.hasFocus)
        return window

    return make


# A real PostgreSQL for the team-server tests (issue 15), started once when a test asks.
# tests/test_conftest.py runs a copy of this file alone in another folder: there the
# module is missing, and no test asks for the fixtures (a test that did would fail on a
# missing fixture, never skip).
try:
    from pg_server import pg_server, pg_url  # noqa: F401
except ModuleNotFoundError as exc:
    if exc.name != "pg_server":
        raise
