"""Undo labels live in core (issue 18): the words the status bar says after an undo or
redo, and a menu item's text, for the events a real session logs."""

from __future__ import annotations

from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.core.undo_labels import (
    describe_span,
    done_message,
    op_words,
    quote,
    redo_label,
    subject_span,
    undo_label,
)
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.store import Store

TEXT = "Foreign Minister Sergei Lavrov said Turkey must stop. Turkey refused."


def _session(tmp_path: Path) -> tuple[ReviewSession, int]:
    db = tmp_path / "p.sqlite3"
    names = (("Sergei Lavrov", "PERSON"), ("Turkey", "GPE"))
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("a", "A", TEXT)
        assert doc is not None
        actors = tuple(
            ActorSuggestion(TEXT.index(n), TEXT.index(n) + len(n), n, label) for n, label in names
        )
        store.add_extraction(doc, Extraction("test-1", actors))
    return ReviewSession.open(db, "ana"), doc


def _span(s: ReviewSession, doc: int, text: str) -> int:
    return next(x.id for x in s.spans(doc) if x.text == text)


def test_the_words_of_an_undo_and_a_redo(tmp_path: Path) -> None:
    s, doc = _session(tmp_path)
    lavrov = _span(s, doc, "Sergei Lavrov")
    s.accept_span(lavrov)
    event = s.undo_event(doc)
    assert event is not None and subject_span(event) == lavrov
    span = s.span(lavrov)
    assert undo_label(event, span) == "Undo accept of 'Sergei Lavrov' (PERSON)"
    assert s.undo(doc) is not None
    assert done_message(event, True, span) == "Undone: accept of 'Sergei Lavrov' (PERSON)"
    redo = s.redo_event(doc)
    assert redo is not None and redo.id == event.id
    assert redo_label(redo) == "Redo accept"
    assert done_message(redo, False) == "Redone: accept"


def test_a_project_wide_action_is_one_labelled_step(tmp_path: Path) -> None:
    s, doc = _session(tmp_path)
    s.accept_every(_span(s, doc, "Turkey"), project=True, step_ms=0)
    event = s.undo_event(doc)
    assert event is not None and subject_span(event) is None
    assert undo_label(event) == "Undo accept every occurrence in the project"
    s.finish_document(doc, "reject")
    event = s.undo_event(doc)
    assert event is not None
    assert done_message(event, True) == "Undone: mark reviewed, rejecting the rest"


def test_an_op_without_words_reads_as_its_name() -> None:
    assert op_words("merge_actors") == "merge actors"
    assert op_words("set_speaker") == "set speaker"


def test_long_and_multi_line_texts_are_cut_on_one_line(tmp_path: Path) -> None:
    assert quote("a\n  b") == "'a b'"
    assert quote("x" * 60) == "'" + "x" * 49 + "…'"
    s, doc = _session(tmp_path)
    assert describe_span(s.span(_span(s, doc, "Turkey"))) == "'Turkey' (GPE)"
