"""A new span over exactly the text of an existing one acts on that one (issue 12, item 17).

A label key on found text that a suggestion already covered made a second, manual span:
two rows in actors.csv, J/K stepping between twins, and CoNLL leaving one of them out.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.model import (
    ACCEPTED,
    EDITED,
    LAYER_ACTOR,
    LAYER_CLAIM,
    MANUAL,
    SUGGESTED,
    ActorSuggestion,
    Extraction,
)
from idleb_desk.store.store import Store

TEXT = "Russian Foreign Minister Sergei Lavrov met officials in Ankara on Tuesday."


def _project(tmp_path: Path) -> tuple[Path, int]:
    db = tmp_path / "project.sqlite3"
    at = TEXT.index("Sergei Lavrov")
    ankara = TEXT.index("Ankara")
    ex = Extraction(
        model="test_pipeline-1.0",
        actors=(
            ActorSuggestion(at, at + len("Sergei Lavrov"), "Sergei Lavrov", "PERSON"),
            ActorSuggestion(ankara, ankara + len("Ankara"), "Ankara", "GPE"),
        ),
        claims=(),
    )
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("lavrov", "Lavrov", TEXT)
        assert doc is not None
        store.add_extraction(doc, ex)
    return db, doc


def _actor_spans(session: ReviewSession, doc: int) -> list:
    return [s for s in session.store.spans(doc) if s.layer == LAYER_ACTOR]


def test_the_same_label_over_a_suggestion_accepts_it(tmp_path: Path) -> None:
    db, doc = _project(tmp_path)
    with closing(ReviewSession.open(db, "ana")) as session:
        before = {s.text: s for s in _actor_spans(session, doc)}
        at = TEXT.index("Sergei Lavrov")
        span = session.create_span(doc, at, at + len("Sergei Lavrov"), "PERSON")
        assert span.id == before["Sergei Lavrov"].id
        assert span.status == ACCEPTED
        assert span.actor_id is not None
        assert len(_actor_spans(session, doc)) == 2
        # One undo gives the suggestion back as it was.
        session.undo(doc)
        assert session.store.span(span.id).status == SUGGESTED


def test_another_label_over_a_suggestion_relabels_it(tmp_path: Path) -> None:
    db, doc = _project(tmp_path)
    with closing(ReviewSession.open(db, "ana")) as session:
        at = TEXT.index("Ankara")
        span = session.create_span(doc, at, at + len("Ankara"), "ORG")
        assert span.label == "ORG" and span.status == EDITED
        assert [s.text for s in _actor_spans(session, doc)] == ["Sergei Lavrov", "Ankara"]


def test_a_range_that_snaps_onto_a_suggestion_reuses_it(tmp_path: Path) -> None:
    db, doc = _project(tmp_path)
    with closing(ReviewSession.open(db, "ana")) as session:
        at = TEXT.index("Ankara")
        span = session.create_span(doc, at + 1, at + 4, "GPE")  # inside the word: snaps out
        assert span.text == "Ankara" and span.status == ACCEPTED
        assert len(_actor_spans(session, doc)) == 2


def test_a_twin_in_the_other_layer_or_other_offsets_is_a_new_span(tmp_path: Path) -> None:
    db, doc = _project(tmp_path)
    with closing(ReviewSession.open(db, "ana")) as session:
        at = TEXT.index("Lavrov")
        span = session.create_span(doc, at, at + len("Lavrov"), "PERSON")
        assert span.status == MANUAL and span.text == "Lavrov"
        claim_part = session.create_span(doc, at, at + len("Lavrov"), "SPEAKER", LAYER_CLAIM)
        assert claim_part.id != span.id and claim_part.layer == LAYER_CLAIM
        again = session.create_span(doc, at, at + len("Lavrov"), "PERSON")
        assert again.id == span.id and again.status == MANUAL
