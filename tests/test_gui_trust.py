"""Failures 3, 4 and 7 of issue 6 through the real window: two windows on one project,
changes committed elsewhere, read-only files, and the damaged-file refusal with recovery.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import press
from PySide6.QtCore import Qt

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import ACCEPTED, ActorSuggestion, Extraction
from idleb_desk.store.lockfile import lock_path
from idleb_desk.store.store import Store

TEXT = "Lavrov met Erdogan in Ankara. Macron called Putin. Borrell warned Damascus."
NAMES = ("Lavrov", "Erdogan", "Ankara", "Macron", "Putin", "Borrell", "Damascus")


def make_project(path: Path) -> Path:
    with Store.open(path) as store, store.transaction():
        doc = store.insert_document("d", "Meetings", TEXT)
        assert doc is not None
        actors = tuple(
            ActorSuggestion(TEXT.index(n), TEXT.index(n) + len(n), n, "PERSON") for n in NAMES
        )
        store.add_extraction(doc, Extraction(model="m", actors=actors))
    return path


@pytest.fixture
def open_window(qtbot, tmp_path: Path, shown_errors) -> Callable[[Path], MainWindow]:
    def make(db: Path) -> MainWindow:
        window = MainWindow(make_settings(tmp_path / f"settings-{len(made)}.ini"))
        made.append(window)
        qtbot.addWidget(window)
        window.open_project(db)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        window.view.setFocus()
        return window

    made: list[MainWindow] = []
    return make


def press_in(qtbot, window: MainWindow, key: str) -> None:
    """Bring `window` forward with its article focused (two windows share the screen), then
    press `key` there."""
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    press(qtbot, key)


def statuses(db: Path) -> list[str]:
    with Store.open(db, create=False) as store:
        return [s.status for s in store.spans(1)]


def test_second_window_is_read_only_and_says_who_holds_the_project(
    qtbot, tmp_path: Path, open_window, monkeypatch
) -> None:
    monkeypatch.setenv("IDLEB_DESK_REVIEWER", "ana")
    db = make_project(tmp_path / "p.sqlite3")
    a = open_window(db)
    assert a.session is not None and a.session.read_only_reason is None
    assert not a.watch.banner.isVisibleTo(a)
    monkeypatch.setenv("IDLEB_DESK_REVIEWER", "bob")
    b = open_window(db)
    assert b.session is not None and b.session.read_only_reason is not None
    assert b.watch.banner.isVisibleTo(b)
    text = b.watch.banner.text()
    assert "another window" in text and "ana" in text and str(os.getpid()) in text

    press_in(qtbot, a, "a")  # window A accepts the first suggestion
    assert statuses(db)[0] == ACCEPTED
    press_in(qtbot, b, "x")  # window B may not reject anything
    assert "read-only" in b.statusBar().currentMessage()
    assert statuses(db).count(ACCEPTED) == 1 and "rejected" not in statuses(db)
    # B follows what A committed, without a restart.
    qtbot.waitUntil(lambda: b.focus.state.spans[1].status == ACCEPTED, timeout=5000)
    # Ctrl+Z in B never undoes A's work.
    b.activateWindow()
    b.view.setFocus()
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert statuses(db)[0] == ACCEPTED
    a.close()
    b.close()


def test_lock_is_released_on_close_and_a_stale_lock_is_taken_over(
    tmp_path: Path, open_window
) -> None:
    db = make_project(tmp_path / "p.sqlite3")
    # What a crashed window leaves behind: a lock file naming a process that is gone.
    lock_path(db).write_text(
        json.dumps({"host": "elsewhere", "pid": 999999, "since": "2020-01-01", "reviewer": "x"})
    )
    a = open_window(db)
    assert a.session is not None and a.session.read_only_reason is None
    a.close()
    b = open_window(db)
    assert b.session is not None and b.session.read_only_reason is None
    b.close()


def test_window_refreshes_after_another_process_commits(qtbot, tmp_path: Path, open_window):
    db = make_project(tmp_path / "p.sqlite3")
    w = open_window(db)
    article = tmp_path / "new.txt"
    article.write_text("Borrell said the talks would resume in Geneva.", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "idleb_desk", "import", str(db), str(article), "--no-extract"],
        check=True,
        capture_output=True,
    )
    qtbot.waitUntil(lambda: len(w.doc_model.rows) == 2, timeout=5000)
    w.close()


@pytest.fixture
def read_only_folder(tmp_path: Path, mount_tmpfs) -> Path:
    """A folder this process cannot write: a read-only mount as root, else chmod."""
    folder = tmp_path / "ro"
    if os.geteuid() != 0:
        folder.mkdir()
        return folder
    return mount_tmpfs(folder, "8m")


def make_read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)


def test_read_only_project_opens_with_a_banner_and_still_exports(
    qtbot, tmp_path: Path, open_window, shown_errors, read_only_folder: Path
) -> None:
    db = make_project(tmp_path / "p.sqlite3")
    s = ReviewSession.open(db, "ana")
    s.accept_span(s.spans(1)[0].id)
    s.close()
    target = read_only_folder / "p.sqlite3"
    shutil.copy(db, target)
    make_read_only(read_only_folder)
    w = open_window(target)
    assert not shown_errors, shown_errors
    assert w.session is not None and w.watch.banner.isVisibleTo(w)
    assert "read-only" in w.watch.banner.text().lower()
    press_in(qtbot, w, "a")
    message = w.statusBar().currentMessage()
    assert "read-only" in message and "Unexpected" not in message

    out = tmp_path / "out"
    out.mkdir()
    w.project_actions.ask_export_dir = lambda: str(out)  # the folder picker, answered
    task = w.project_actions.export_csv()
    assert task is not None
    qtbot.waitUntil(lambda: (out / "actors.csv").exists(), timeout=10000)
    assert "Lavrov" in (out / "actors.csv").read_text(encoding="utf-8")
    assert not shown_errors, shown_errors
    w.close()


def test_damaged_project_refusal_offers_recovery(
    qtbot, tmp_path: Path, open_window, shown_errors, monkeypatch
) -> None:
    db = make_project(tmp_path / "p.sqlite3")
    with Store.open(db) as store, store.transaction():
        for i in range(40):
            store.insert_document(str(i), f"Doc {i}", f"{TEXT} {i} " * 40)
    con_bytes = bytearray(db.read_bytes())
    if Path(f"{db}-wal").exists():  # fold the WAL in first, through SQLite
        import sqlite3

        con = sqlite3.connect(db)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        con_bytes = bytearray(db.read_bytes())
    page = 4096
    middle = len(con_bytes) // page // 2
    con_bytes[middle * page : middle * page + 800] = b"\x7f" * 800
    db.write_bytes(bytes(con_bytes))
    before = db.read_bytes()

    asked: list[str] = []
    monkeypatch.setattr(
        errors, "chooser", lambda _p, title, msg, actions: asked.append(msg) or actions[0]
    )
    w = MainWindow(make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    new = tmp_path / "recovered.sqlite3"
    w.recovery.ask_recovery_path = lambda damaged: str(new)
    assert not w.open_project(db)
    assert asked and str(db) in asked[0] and "damaged" in asked[0]
    qtbot.waitUntil(lambda: w.session is not None, timeout=10000)
    assert w.session.path == new
    assert db.read_bytes() == before
    assert any(title == "Recovery finished" for title, _ in shown_errors)
    assert len(w.doc_model.rows) >= 1
    w.close()
