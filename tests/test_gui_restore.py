"""Restore from backup… in the damaged-project dialog (issue 12, item 1's button).

The restore itself is the store's (`idleb_desk.store.restore.restore_backup`, through
`idleb_desk.project.restore_backup`); these tests drive the window's side of it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window import errors
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.gui.window.project_recovery import RECOVER, RESTORE
from idleb_desk.store.store import Store


def _project(path: Path, docs: int = 30) -> Path:
    with Store.open(path) as store, store.transaction():
        for i in range(docs):
            store.insert_document(str(i), f"Doc {i}", f"Ministers met in Idleb. {i} " * 60)
    con = sqlite3.connect(path)  # fold the WAL in, so the bytes on disk are the project
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _damage(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = 4096
    middle = len(data) // page // 2
    data[middle * page : middle * page + 800] = b"\x7f" * 800
    db.write_bytes(bytes(data))


def _window(qtbot, tmp_path: Path) -> MainWindow:
    window = MainWindow(make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(window)
    return window


def test_damage_dialog_offers_restore_when_the_store_can(
    qtbot, tmp_path: Path, shown_errors, monkeypatch
) -> None:
    db = _project(tmp_path / "p.sqlite3")
    _damage(db)
    offered: list[tuple[str, ...]] = []
    monkeypatch.setattr(errors, "chooser", lambda _p, _t, _m, actions: offered.append(actions))
    window = _window(qtbot, tmp_path)
    assert not window.open_project(db)
    expected = (RECOVER, RESTORE)
    assert offered == [expected]
    assert window.session is None


def test_restore_from_backup_puts_the_copy_back_and_opens_it(
    qtbot, tmp_path: Path, shown_errors, monkeypatch
) -> None:
    db = _project(tmp_path / "p.sqlite3")
    backup = tmp_path / "p.sqlite3.v3-20250101.bak"
    shutil.copy(db, backup)
    _damage(db)
    monkeypatch.setattr(errors, "chooser", lambda _p, _t, _m, actions: RESTORE)
    window = _window(qtbot, tmp_path)
    window.recovery.ask_backup_path = lambda damaged: str(backup)
    assert not window.open_project(db)  # refused; the restore runs in the background
    qtbot.waitUntil(lambda: window.session is not None, timeout=10000)
    assert window.session.path == db
    assert len(window.doc_model.rows) == 30
    assert any(title == "Restore finished" for title, _ in shown_errors)
    window.close()


def test_restore_from_a_file_that_is_no_backup_says_why(
    qtbot, tmp_path: Path, shown_errors, monkeypatch
) -> None:
    db = _project(tmp_path / "p.sqlite3")
    _damage(db)
    before = db.read_bytes()
    not_a_backup = tmp_path / "notes.bak"
    not_a_backup.write_text("these are notes, not a project\n")
    monkeypatch.setattr(errors, "chooser", lambda _p, _t, _m, actions: RESTORE)
    window = _window(qtbot, tmp_path)
    window.recovery.ask_backup_path = lambda damaged: str(not_a_backup)
    assert not window.open_project(db)
    qtbot.waitUntil(lambda: any(t == "Restore failed" for t, _ in shown_errors), timeout=10000)
    message = next(m for t, m in shown_errors if t == "Restore failed")
    assert "notes.bak" in message
    assert db.read_bytes() == before
    assert window.session is None
