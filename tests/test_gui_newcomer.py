"""What a newcomer met in the window (issue 12, item 20): an empty project said nothing
about how to add articles."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from idleb_desk.core.review import ReviewSession


def test_an_empty_project_says_how_to_import(
    open_window, tmp_db: Path, tmp_path: Path, qtbot, monkeypatch
) -> None:
    ReviewSession.open(tmp_db).close()
    window = open_window(tmp_db)
    assert window.doc_model.docs == []
    assert window.view.toPlainText() == ""
    hint = window.view.placeholderText()
    assert "no articles" in hint and "Ctrl+I" in hint and "Import articles" in hint
    # The key it names does what it says.
    article = tmp_path / "a.txt"
    article.write_text("Ministers met in Idleb.\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(article)], ""))
    )
    qtbot.keyClick(window.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.doc_model.docs) == 1, timeout=10000)
    qtbot.waitUntil(lambda: "Ministers" in window.view.toPlainText())
    assert "no articles" not in window.view.placeholderText()
