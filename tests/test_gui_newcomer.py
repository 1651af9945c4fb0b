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
    assert window.doc_model.rows == []
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
    qtbot.waitUntil(lambda: len(window.doc_model.rows) == 1, timeout=10000)
    qtbot.waitUntil(lambda: "Ministers" in window.view.toPlainText())
    assert "no articles" not in window.view.placeholderText()


TALK = "Lavrov told Cavusoglu that the offensive must stop, and went home."


def _talk_project(db: Path, with_claim: bool) -> Path:
    from idleb_desk.model import ClaimSuggestion, Extraction, TextRef
    from idleb_desk.store.store import Store

    def ref(part: str) -> TextRef:
        at = TALK.index(part)
        return TextRef(at, at + len(part), part)

    claims = (
        ClaimSuggestion(
            speaker=ref("Lavrov"),
            cue=ref("told"),
            content=ref("the offensive must stop"),
            addressees=(ref("Cavusoglu"),),
            kind="demand",
        ),
    )
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("d", "Talks", TALK)
        assert doc is not None
        if with_claim:
            store.add_extraction(doc, Extraction(model="m", claims=claims))
    return db


def _addressee_rows(open_window, db: Path, qtbot):
    """The article's pixels over "Cavusoglu": above the baseline, and below it."""
    window = open_window(db)
    window.open_document(window.doc_model.rows[0].id)
    window.focus.focus_item(None)  # no focus marks: the highlight alone
    window.view.setFocus()
    qtbot.wait(20)
    view = window.view
    start, end = TALK.index("Cavusoglu"), TALK.index("Cavusoglu") + len("Cavusoglu")
    cur = view.textCursor()
    cur.setPosition(start)
    left = view.cursorRect(cur)
    cur.setPosition(end)
    right = view.cursorRect(cur)
    view.move_caret(len(TALK))  # the caret away from the word
    qtbot.wait(20)
    image = view.viewport().grab().toImage()
    ascent = view.fontMetrics().ascent()
    x0, x1 = left.left() + 3, right.left() - 3
    above = image.copy(x0, left.top(), x1 - x0, ascent - 1)
    below = image.copy(x0, left.top() + ascent + 1, x1 - x0, left.height() - ascent - 1)
    window.close()
    return above, below


def test_the_addressee_mark_stays_below_the_letters(open_window, tmp_path: Path, qtbot) -> None:
    marked = _addressee_rows(open_window, _talk_project(tmp_path / "a.sqlite3", True), qtbot)
    plain = _addressee_rows(open_window, _talk_project(tmp_path / "b.sqlite3", False), qtbot)
    assert marked[0] == plain[0], "the addressee mark crosses the letters"
    assert marked[1] != plain[1], "the addressee is marked below the text"


PANEL = (
    "The 14 ministers, including the French Jean-Yves Le Drian and the German Heiko Maas, "
    "also warned the Syrian government that the offensive could not go on. "
    "Lavrov called on Turkey and Iran to respect the ceasefire."
)


def _panel_project(db: Path) -> Path:
    from idleb_desk.model import ClaimSuggestion, Extraction, TextRef
    from idleb_desk.store.store import Store

    def ref(part: str) -> TextRef:
        at = PANEL.index(part)
        return TextRef(at, at + len(part), part)

    claims = (
        ClaimSuggestion(
            speaker=ref(PANEL.split(", also")[0]),
            cue=ref("warned"),
            content=ref("that the offensive could not go on"),
            addressees=(ref("the Syrian government"),),
            kind="warning",
        ),
        ClaimSuggestion(
            speaker=ref("Lavrov"),
            cue=ref("called on"),
            content=ref("to respect the ceasefire"),
            addressees=(ref("Turkey"), ref("Iran")),
            kind="demand",
        ),
    )
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("d", "Ministers", PANEL)
        assert doc is not None
        store.add_extraction(doc, Extraction(model="m", claims=claims))
    return db


def test_the_claims_table_shows_speaker_cue_and_addressees(
    open_window, tmp_path: Path, qtbot
) -> None:
    from idleb_desk.gui.review.tables import CLAIM_COLUMN_CAPS

    window = open_window(_panel_project(tmp_path / "p.sqlite3"))
    window.resize(1600, 1000)
    window.open_document(window.doc_model.rows[0].id)
    qtbot.wait(20)
    view, model = window.claims_view, window.claim_model
    fm = view.fontMetrics()
    assert model.rowCount() == 2
    for row in range(model.rowCount()):
        for column in (0, 1, 3):  # Speaker, Cue, Addressees
            index = model.index(row, column)
            shown = model.data(index)
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            claim = model.claim(model.ids[row])
            ids = {0: [claim.speaker_span_id], 1: [claim.cue_span_id]}.get(
                column, claim.addressee_span_ids
            )
            for span_id in ids:
                full = " ".join(window.focus.state.spans[span_id].text.split())
                assert full in tip, f"the tooltip names the whole {full!r}"
            needed = fm.horizontalAdvance(shown) + 12
            if needed <= 160:  # a short speaker, cue or addressees: shown whole
                assert view.columnWidth(column) >= needed, f"{shown!r} is cut"
            else:  # a long one: a fair share of the room, the rest in the tooltip
                assert 100 <= view.columnWidth(column) <= CLAIM_COLUMN_CAPS[column]
    # Every column is on screen, Content last with some room of its own.
    header = view.horizontalHeader()
    for column in range(model.columnCount()):
        x = view.columnViewportPosition(column)
        assert 0 <= x < view.viewport().width(), f"column {column} is off screen"
    assert header.logicalIndex(model.columnCount() - 1) == 2  # Content
    assert view.columnWidth(2) >= 60


def test_picking_roles_j_k_walk_in_reading_order_and_say_what_is_picked(
    open_window, tmp_path: Path, qtbot
) -> None:
    from idleb_desk.gui.review.review_state import CLAIM, SPAN

    window = open_window(_panel_project(tmp_path / "p.sqlite3"))
    window.open_document(window.doc_model.rows[0].id)
    window.view.setFocus()
    focus = window.focus
    while focus.item is None or focus.item[0] != CLAIM:
        qtbot.keyClick(window.view, Qt.Key.Key_J)
    qtbot.keyClick(window.view, Qt.Key.Key_C)
    assert focus.role_mode
    seen = []
    for key in [Qt.Key.Key_J] * 4 + [Qt.Key.Key_K] * 2:
        qtbot.keyClick(window.view, key)
        assert focus.item is not None and focus.item[0] == SPAN
        span = focus.focused_span()
        message = window.statusBar().currentMessage()
        assert message.startswith("Picked"), message
        assert span.text[:20] in message and span.label in message
        seen.append((span.start, -span.end))
    forward, back = seen[:4], seen[3:]
    assert forward == sorted(forward), "J walks in reading order"
    assert back == sorted(back, reverse=True), "K walks back in reading order"
