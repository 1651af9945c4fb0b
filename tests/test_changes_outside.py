"""What another connection committed, as a `Changes` (`ReviewSession.changes_elsewhere`).

Two sessions on one real project file: `mine` is the window's, `other` another window,
worker or command. What `mine` is told must name exactly the rows the other one's logged
events changed, and fall back to `Changes.all()` when the file changed in a way no event
says (an import, an extraction, a setting, an undo of an older event).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from file_rows import expected, snapshot

from idleb_desk.changes import NO_CHANGES, Changes
from idleb_desk.core import memory
from idleb_desk.core.bulk_ops import Position
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.memory import learned
from idleb_desk.store.store import Store

TEXTS = (
    "Lavrov met the envoy of Turkey in Ankara on Monday.",
    "Turkey said Lavrov will visit Ankara again.",
    "Ankara waits. Lavrov and Turkey are silent.",
)


def _suggest(text: str, *names: tuple[str, str]) -> Extraction:
    actors = tuple(
        ActorSuggestion(text.index(n), text.index(n) + len(n), n, label) for n, label in names
    )
    return Extraction(model="test_pipeline-1.0", actors=actors)


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[ReviewSession, ReviewSession]:
    db = tmp_path / "project.sqlite3"
    with Store.open(db) as store, store.transaction():
        for i, text in enumerate(TEXTS):
            doc = store.insert_document(f"d{i}", f"D{i}", text)
            assert doc is not None
            store.add_extraction(doc, _suggest(text, ("Lavrov", "PERSON"), ("Turkey", "GPE")))
    mine, other = ReviewSession.open(db, "ana"), ReviewSession.open(db, "bo")
    assert mine.changes_elsewhere() == NO_CHANGES
    yield mine, other
    other.close()
    mine.close()


def _span(s: ReviewSession, doc: int, text: str) -> int:
    return next(x.id for x in s.spans(doc) if x.text == text)


def _docs(s: ReviewSession) -> list[int]:
    return [d.id for d in s.documents()]


def test_another_sessions_operation_is_named_row_by_row(pair) -> None:
    mine, other = pair
    d = _docs(mine)
    before = snapshot(mine)
    other.accept_span(_span(other, d[0], "Lavrov"))  # memory spreads: nothing new here
    other.reject_span(_span(other, d[1], "Turkey"))
    want = expected(before, snapshot(mine))
    assert want.spans and want.documents == {d[0], d[1]}
    assert mine.changes_elsewhere() == want
    assert mine.changes_elsewhere() == NO_CHANGES  # told once


def test_a_project_wide_bulk_action_in_steps_names_every_document(pair) -> None:
    mine, other = pair
    d = _docs(mine)
    before = snapshot(mine)
    result = other.accept_every(_span(other, d[0], "Turkey"), project=True, step_ms=0)
    assert len(result.documents) == 3
    got = mine.changes_elsewhere()
    assert got == expected(before, snapshot(mine))
    assert got.documents == set(d)


def test_my_own_operations_are_mine_to_tell_not_elsewhere(pair) -> None:
    mine, other = pair
    d = _docs(mine)
    mine.accept_span(_span(mine, d[0], "Turkey"))
    assert mine.changes_elsewhere() == NO_CHANGES  # no other connection committed
    # Mine and theirs between two looks: only theirs is reported elsewhere.
    mine.take_changes()
    before = snapshot(mine)
    other.reject_span(_span(other, d[2], "Lavrov"))
    after_theirs = snapshot(mine)
    mine.reject_span(_span(mine, d[1], "Lavrov"))
    assert mine.changes_elsewhere() == expected(before, after_theirs)
    assert mine.take_changes().spans == {_span(mine, d[1], "Lavrov")}


def test_an_undo_elsewhere_is_everything(pair) -> None:
    mine, other = pair
    d = _docs(mine)
    other.reject_span(_span(other, d[0], "Turkey"))
    mine.changes_elsewhere()
    before = snapshot(mine)
    other.undo(d[0])
    other.reject_span(_span(other, d[1], "Lavrov"))  # a new event beside it
    got = mine.changes_elsewhere()
    # An older event undone is not in the new events: the window reads everything again.
    assert got == Changes.all()
    assert expected(before, snapshot(mine)).spans > {_span(mine, d[1], "Lavrov")}


def test_an_import_elsewhere_is_everything(pair) -> None:
    mine, other = pair
    with other.store.transaction():
        doc = other.store.insert_document("new", "New", "Lavrov again.")
        assert doc is not None
        other.store.add_extraction(doc, _suggest("Lavrov again.", ("Lavrov", "PERSON")))
    assert mine.changes_elsewhere() == Changes.all()


def test_a_setting_elsewhere_is_everything(pair) -> None:
    mine, other = pair
    other.add_claim_kind("ultimatum")
    assert mine.changes_elsewhere() == Changes.all()


def test_where_a_reviewer_left_off_is_no_change_to_draw(pair) -> None:
    """The window stores its position every few seconds (a setting, no event). Neither its
    own nor another reviewer's position changes what is drawn: an operation elsewhere
    after one is still named row by row, not 'everything' (the open article re-read
    whole, 0.3 s on a long one, after every team sync)."""
    mine, other = pair
    d = _docs(mine)
    mine.remember_position(Position(d[1], None, None))
    assert mine.changes_elsewhere() == NO_CHANGES  # my own write: nothing elsewhere
    mine.remember_position(Position(d[0], None, None))  # since the last look
    other.remember_position(Position(d[2], None, None))
    before = snapshot(mine)
    other.reject_span(_span(other, d[0], "Turkey"))
    want = expected(before, snapshot(mine))
    assert want.spans and want.documents == {d[0]}
    assert mine.changes_elsewhere() == want


def test_rows_written_without_an_event_are_everything(pair) -> None:
    """A pipeline run writes suggestions and logs no event (nor does `idleb-desk memory
    --spread`); an operation logged alongside must not hide them."""
    mine, other = pair
    d = _docs(mine)
    other.reject_span(_span(other, d[0], "Turkey"))
    with other.store.transaction():
        memory.add_extraction(
            other.store, d[2], _suggest(TEXTS[2], ("Ankara", "GPE")), learned(other.store)
        )
    assert mine.changes_elsewhere() == Changes.all()


def test_changed_elsewhere_is_true_once(pair) -> None:
    mine, other = pair
    other.reject_span(_span(other, _docs(other)[0], "Turkey"))
    assert mine.changed_elsewhere() is True
    assert mine.changed_elsewhere() is False
