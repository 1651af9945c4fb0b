"""The table models pass Qt's model tester, before and after single-row updates."""

from __future__ import annotations

from dataclasses import replace

from idleb_desk.gui.config.labels import load_labels
from idleb_desk.gui.navigate.doc_list import DocumentListModel
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.gui.review.tables import ActorTableModel, ClaimTableModel
from idleb_desk.model import (
    ACCEPTED,
    LAYER_ACTOR,
    LAYER_CLAIM,
    SUGGESTED,
    Claim,
    Document,
    DocumentSummary,
    Span,
)

TEXT = "Le Drian said that Russia must stop. Maas agreed with Le Drian."


def _span(i: int, text: str, label: str, layer: str = LAYER_ACTOR, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return Span(i, 1, start, start + len(text), label, layer, SUGGESTED, "test", text)


def _state() -> DocState:
    spans = [
        _span(1, "Le Drian", "PERSON"),
        _span(2, "Russia", "GPE"),
        _span(3, "Maas", "PERSON"),
        _span(4, "Le Drian", "SPEAKER", LAYER_CLAIM),
        _span(5, "said", "CUE", LAYER_CLAIM),
        _span(6, "Russia must stop", "CONTENT", LAYER_CLAIM),
        _span(7, "Le Drian", "PERSON", nth=1),
    ]
    claims = [Claim(1, 1, 4, 5, 6, (), "demand", "indirect", SUGGESTED, "test")]
    doc = Document(1, "d", "Doc", TEXT, "sha")
    return DocState(doc, spans, claims)


def test_actor_and_claim_models(qtmodeltester) -> None:
    labels = load_labels()
    state = _state()
    actors = ActorTableModel(labels, lambda _i: "")
    claims = ClaimTableModel(labels)
    actors.set_state(state)
    claims.set_state(state)
    # One tester watches one model at a time: the claims first, then the actors it keeps.
    qtmodeltester.check(claims, force_py=True)
    qtmodeltester.check(actors, force_py=True)
    assert actors.rowCount() == 4 and claims.rowCount() == 1
    assert actors.data(actors.index(0, 1)) == "PERSON"  # the label is written out
    assert claims.data(claims.index(0, 0)) == "Le Drian"

    # One row changes: dataChanged for that row only, no reset.
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    actors.modelReset.connect(lambda: resets.append(1))
    actors.dataChanged.connect(lambda a, b, _r=(): changed.append((a.row(), b.row())))
    state.put_span(2, replace(state.spans[2], status=ACCEPTED))
    actors.refresh(2)
    assert resets == [] and changed == [(1, 1)]
    assert actors.data(actors.index(1, 2)) == ACCEPTED
    # A span that moves or goes away moves its row.
    state.put_span(3, None)
    actors.refresh(3)
    assert actors.rowCount() == 3
    qtmodeltester.check(actors, force_py=True)


def test_document_list_model(qtmodeltester) -> None:
    model = DocumentListModel()
    model.set_documents(
        [
            DocumentSummary(1, "a", "First", "new", 10, 2),
            DocumentSummary(2, "b", "Second", "new", 0, 0),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, 2)) == "reviewed 2 of 10"
    model.update(1, 3, 10, "done")
    assert model.data(model.index(0, 2)) == "reviewed 3 of 10"
    assert model.data(model.index(0, 1)) == "reviewed"
