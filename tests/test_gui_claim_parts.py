"""A claim with two content parts in the window: shown together, reviewed by one key."""

from __future__ import annotations

from pathlib import Path

from conftest import press
from PySide6.QtCore import Qt

from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.review.review_state import CLAIM, SPAN
from idleb_desk.io.importer import extract_documents
from idleb_desk.model import ACCEPTED
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store.store import Store

TEXT = '"The bridge is closed," the engineer said. "It will stay closed until June."'


def test_split_quote_parts_highlighted_and_accepted_together(
    qtbot, tmp_path: Path, shown_errors, open_window
) -> None:
    db = tmp_path / "p.sqlite3"
    store = Store.open(db)
    with store.transaction():
        store.insert_document("q", "Bridge", TEXT)
    assert extract_documents(store, Extractor.load()) == 1
    store.close()

    window = open_window(db)
    c = window.focus
    for _ in range(20):
        if c.item is not None and c.item[0] == CLAIM:
            break
        press(qtbot, Qt.Key.Key_J)
    assert c.item is not None and c.item[0] == CLAIM
    claim = c.state.claims[c.item[1]]
    assert len(claim.content_part_ids) == 2
    parts = [s.text for role, s in c.state.claim_parts(claim) if role == "content"]
    assert parts == ['"The bridge is closed,"', '"It will stay closed until June."']
    # Both parts are marked at once, and the editor lists them.
    marks = {(cur.cursor.selectionStart(), cur.cursor.selectionEnd())
             for cur in window.view.extraSelections()}  # fmt: skip
    for s in (c.state.spans[p] for p in claim.content_part_ids):
        assert (c.state.umap.to_qt(s.start), c.state.umap.to_qt(s.end)) in marks
    assert "until June" in window.claim_editor.role_labels["content"].text()
    assert " | " in window.claim_editor.role_labels["content"].text()
    # The whole range is not painted over the speaker and cue between the parts.
    assert c.state.is_part_whole(claim.content_span_id)

    press(qtbot, Qt.Key.Key_A)
    session = ReviewSession.open(db, "checker")
    try:
        assert session.store.claim(claim.id).status == ACCEPTED
        for p in claim.content_part_ids:
            assert session.store.span(p).status == ACCEPTED
    finally:
        session.close()


def test_inner_claim_says_which_claim_it_sits_in(
    qtbot, tmp_path: Path, shown_errors, open_window
) -> None:
    db = tmp_path / "p.sqlite3"
    store = Store.open(db)
    with store.transaction():
        store.insert_document(
            "n", "Nested", "The clerk said the mayor had told him the vote was rigged."
        )
    assert extract_documents(store, Extractor.load()) == 1
    store.close()
    window = open_window(db)
    c = window.focus
    headers = []
    for _ in range(20):
        if c.item is not None and c.item[0] == CLAIM:
            claim = c.state.claims[c.item[1]]
            headers.append((claim.nested_in, window.claim_editor.header.text()))
        press(qtbot, Qt.Key.Key_J)
    inner = [h for n, h in headers if n is not None]
    assert inner and all("inside claim" in h for h in inner)
    assert any(n is None and "inside claim" not in h for n, h in headers)


def test_deleting_a_split_claim_frees_its_content_parts(
    qtbot, tmp_path: Path, shown_errors, open_window
) -> None:
    """The content parts are claim spans too (`Claim.part_ids`): once their claim is
    deleted they are plain spans again, on the J/K path, and the whole range is no
    longer painted as parts."""
    db = tmp_path / "p.sqlite3"
    store = Store.open(db)
    with store.transaction():
        store.insert_document("q", "Bridge", TEXT)
    assert extract_documents(store, Extractor.load()) == 1
    store.close()
    window = open_window(db)
    c = window.focus
    for _ in range(20):
        if c.item is not None and c.item[0] == CLAIM:
            break
        press(qtbot, Qt.Key.Key_J)
    assert c.item is not None and c.item[0] == CLAIM
    claim = c.state.claims[c.item[1]]
    parts = claim.content_part_ids
    assert len(parts) == 2 and all(c.state.claims_of_span(p) == [claim.id] for p in parts)
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert claim.id not in c.state.claims
    walked = c.state.nav(False)[1]
    for p in parts:
        assert c.state.claims_of_span(p) == []
        assert (SPAN, p) in walked
    assert not c.state.is_part_whole(claim.content_span_id)
