"""Bad files get a dialog naming the file and the reason; the window keeps working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.store.store import Store


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    w = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _good_project(path: Path) -> Path:
    store = Store.open(path)
    with store.transaction():
        store.insert_document("a", "A", "Ankara warned Moscow.")
    store.close()
    return path


def _newer(path: Path) -> Path:
    _good_project(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    return path


def _not_db(path: Path) -> Path:
    path.write_text("just some notes, not a database\n", encoding="utf-8")
    return path


def _corrupt(path: Path) -> Path:
    _good_project(path)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [(_not_db, "not an SQLite database"), (_corrupt, "damaged"), (_newer, "newer")],
)
def test_bad_project_gets_a_dialog_and_the_old_one_stays(
    window: MainWindow, shown_errors, tmp_path: Path, make, reason: str, qtbot
) -> None:
    good = _good_project(tmp_path / "good.sqlite3")
    assert window.open_project(good)
    bad = make(tmp_path / "bad.sqlite3")
    before = bad.read_bytes()
    assert not window.open_project(bad)
    assert len(shown_errors) == 1
    title, message = shown_errors[0]
    assert "bad.sqlite3" in message and reason in message.lower() or reason in message
    assert bad.read_bytes() == before  # never modified
    # The good project is still open and usable from the keyboard.
    assert window.session is not None and window.session.path == good
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert "Saved: new span" in window.statusBar().currentMessage()


def test_locked_project_is_reported_and_nothing_changes(
    window: MainWindow, shown_errors, tmp_path: Path, qtbot
) -> None:
    """Another program holds the write lock: the key press says so, and keeps working."""
    path = _good_project(tmp_path / "locked.sqlite3")
    assert window.open_project(path)
    window.view.setFocus()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClick(window.view, Qt.Key.Key_N)  # waits out the busy timeout, then reports
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (
        shown_errors and "locked.sqlite3" in shown_errors[0][1] and "locked" in shown_errors[0][1]
    )
    assert window.focus.state is not None and window.focus.state.spans == {}
    qtbot.keyClick(window.view, Qt.Key.Key_N)  # the lock is gone: it works again
    assert "Saved: new span" in window.statusBar().currentMessage()


def test_no_project_still_answers_keys(window: MainWindow, shown_errors) -> None:
    assert window.session is None
    window.view.setFocus()
    window.run_action("next_item")
    assert "No document open" in window.statusBar().currentMessage()
    assert shown_errors == []


def test_bad_import_file_is_named(window: MainWindow, shown_errors, tmp_path: Path, qtbot) -> None:
    assert window.open_project(_good_project(tmp_path / "p.sqlite3"))
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x00\x01\x02\xff" * 500)
    good = tmp_path / "note.txt"
    good.write_text("Paris urged Tehran to talk.", encoding="utf-8")
    task = window.project_actions.import_paths([bad, good])
    assert task is not None
    qtbot.waitUntil(lambda: task not in window.project_actions.runner.running, timeout=20000)
    assert any("scan.txt" in msg for _t, msg in shown_errors)
    assert [d.title for d in window.doc_model.rows][-1] != "A"  # the good file came in
    assert "Import:" in window.statusBar().currentMessage()


def test_an_unexpected_error_is_told_and_logged(shown_errors) -> None:
    from idleb_desk.gui.window.app import report_unexpected

    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        report_unexpected(RuntimeError, exc, exc.__traceback__)
    assert shown_errors and shown_errors[0][0] == "Unexpected error"
    assert "boom in a slot" in shown_errors[0][1] and "saved work is safe" in shown_errors[0][1]
