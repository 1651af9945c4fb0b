"""The window says how sure the project model was of a claim it kept (issue 14): in the
article's tooltip, in the Claims table's tooltip and in the claim panel's header. Real
spaCy suggestions, a model trained by `idleb-desk train`, real keys and hover events."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from idleb_desk.cli import main
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store.store import Store
from tests.test_learn import NEW, _project, import_article


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def _hover(qtbot, widget: QWidget, pos: QPoint) -> str:
    """The tooltip Qt shows when the pointer rests at `pos` of `widget`."""
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    return QToolTip.text()


def test_the_confidence_shows_in_the_tooltips_and_the_claim_panel(
    open_window, qtbot, tmp_db: Path, tmp_path: Path, extractor: Extractor
) -> None:
    _project(tmp_db, extractor)
    assert main(["train", str(tmp_db)]) == 0
    doc = import_article(tmp_db, tmp_path, "new", NEW, extractor)
    with Store.open(tmp_db, create=False) as store:
        (claim,) = store.claims(doc)
        assert claim.cue_span_id is not None and claim.confidence is not None
        cue = store.span(claim.cue_span_id)
    words = f"kept by the project's model v1 (confidence {claim.confidence:.2f})"

    w = open_window(tmp_db)
    w.open_document(doc)
    w.view.setFocus()
    # The claim panel: walk to the claim with the keys.
    qtbot.keyClick(w.view, Qt.Key.Key_G)  # scope: actors
    qtbot.keyClick(w.view, Qt.Key.Key_G)  # scope: claims
    qtbot.keyClick(w.view, Qt.Key.Key_J)
    focused = w.focus.focused_claim()
    assert focused is not None and focused.id == claim.id
    assert f"(confidence {claim.confidence:.2f})" in w.claim_editor.header.text()

    # The article: the pointer resting on the cue "said".
    cursor = QTextCursor(w.view.document())
    cursor.setPosition(w.view.umap.to_qt(cue.start + 1))
    at = w.view.cursorRect(cursor).center()
    tip = _hover(qtbot, w.view.viewport(), at)
    assert f"claim {claim.id} from " in tip and words in tip

    # The Claims table: the pointer resting on the claim's row.
    model = w.claim_model
    row = model.row_of(claim.id)
    assert row is not None
    rect = w.claims_view.visualRect(model.index(row, 0))
    tip = _hover(qtbot, w.claims_view.viewport(), rect.center())
    assert words in tip
    QToolTip.hideText()


def test_a_claim_no_model_scored_says_no_figure(
    open_window, qtbot, tmp_db: Path, extractor: Extractor
) -> None:
    _project(tmp_db, extractor)  # rules alone, reviewed
    with Store.open(tmp_db, create=False, read_only=True) as store:
        doc = store.document_summaries()[0].id
        claim = store.claims(doc)[0]
        assert claim.confidence is None
    w = open_window(tmp_db)
    w.open_document(doc)
    model = w.claim_model
    row = model.row_of(claim.id)
    assert row is not None
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "from model" in tip and "confidence" not in tip
    cue = w.focus.state.spans[claim.cue_span_id] if w.focus.state else None
    assert cue is not None
    assert "confidence" not in w.focus.tooltip_for(cue.start + 1)


def test_train_in_the_window_rescores_the_pending_suggestions_and_ctrl_z_restores(
    open_window, qtbot, tmp_db: Path, tmp_path: Path, extractor: Extractor
) -> None:
    """Review → Train the project model: the model trains in a process of its own and
    re-scores what is still pending; the open article drops the suggestion its analysts
    would reject and keeps the other with a confidence, and Ctrl+Z brings both back."""
    _project(tmp_db, extractor)
    doc = import_article(tmp_db, tmp_path, "early", NEW, extractor)  # rules alone: untrained
    w = open_window(tmp_db)
    w.open_document(doc)
    w.view.setFocus()
    assert len(w.claim_model.ids) == 2
    w.actions_by_name["train_model"].trigger()
    qtbot.waitUntil(lambda: w.training.proc is None, timeout=60000)
    assert "re-scored the pending suggestions" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: len(w.claim_model.ids) == 1, timeout=5000)
    (kept,) = w.claim_model.ids
    claim = w.claim_model.claim(kept)
    assert claim is not None and claim.confidence is not None
    assert claim.origin.endswith("+project-model-v1")
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(w.claim_model.ids) == 2, timeout=5000)
    assert all(w.claim_model.claim(i).confidence is None for i in w.claim_model.ids)
