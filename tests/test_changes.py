"""Issue 18's one change path: every operation, undo and redo of a session says exactly
which rows it changed (`ReviewSession.take_changes`).

Each test reads the real project file before and after (every row of spans, claims with
their addressees and parts, actors, documents and settings) and checks that the `Changes`
names exactly the rows that differ, never the session's own bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from file_rows import checked, expected, snapshot

from idleb_desk.changes import NO_CHANGES, Changes
from idleb_desk.core.bulk_ops import ACCEPT_ALL, Position
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import (
    ActorSuggestion,
    ClaimSuggestion,
    Extraction,
    TextRef,
)
from idleb_desk.store.store import Store

ONE = (
    "Russian Foreign Minister Sergei Lavrov on Tuesday rejected calls for a ceasefire. "
    "The ministers asked Turkey to end the offensive."
)
# "Sergei Lavrov" unsuggested here: project memory spreads an accept of it into this one.
TWO = "Sergei Lavrov met the envoy of Turkey in Ankara. Turkey said talks go on."


def _ref(text: str, part: str, nth: int = 0) -> TextRef:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return TextRef(start, start + len(part), part)


def _actor(text: str, part: str, label: str, nth: int = 0) -> ActorSuggestion:
    r = _ref(text, part, nth)
    return ActorSuggestion(r.start, r.end, r.text, label)


@pytest.fixture()
def session(tmp_path: Path) -> ReviewSession:
    db = tmp_path / "project.sqlite3"
    one = Extraction(
        model="test_pipeline-1.0",
        actors=(
            _actor(ONE, "Sergei Lavrov", "PERSON"),
            _actor(ONE, "Turkey", "GPE"),
            _actor(ONE, "Russian", "NORP"),
        ),
        claims=(
            ClaimSuggestion(
                speaker=_ref(ONE, "Russian Foreign Minister Sergei Lavrov"),
                cue=_ref(ONE, "rejected"),
                content=_ref(ONE, "calls for a ceasefire"),
                kind="rejection",
            ),
        ),
    )
    two = Extraction(
        model="test_pipeline-1.0",
        actors=(_actor(TWO, "Turkey", "GPE"), _actor(TWO, "Turkey", "GPE", 1)),
    )
    with Store.open(db) as store, store.transaction():
        for ext, title, text, ex in (("one", "One", ONE, one), ("two", "Two", TWO, two)):
            doc = store.insert_document(ext, title, text)
            assert doc is not None
            store.add_extraction(doc, ex)
    s = ReviewSession.open(db, "ana")
    assert s.take_changes() == NO_CHANGES
    return s


# ---- the operations ------------------------------------------------------------------------


def _span(s: ReviewSession, doc: int, text: str, layer: str = "actor") -> int:
    return next(x.id for x in s.spans(doc) if x.text == text and x.layer == layer)


def _claim(s: ReviewSession, doc: int) -> int:
    return s.claims(doc)[0].id


def _linked(s: ReviewSession, doc: int, text: str) -> int:
    """An actor mention accepted, so that it links to an actor."""
    span = s.accept_span(_span(s, doc, text))
    assert span.actor_id is not None
    return span.actor_id


Op = Callable[[ReviewSession, int, int], object]

OPS: dict[str, Op] = {
    "accept span (memory spreads to the other document)": lambda s, d, e: s.accept_span(
        _span(s, d, "Sergei Lavrov")
    ),
    "reject span": lambda s, d, e: s.reject_span(_span(s, d, "Turkey")),
    "relabel span": lambda s, d, e: s.relabel_span(_span(s, d, "Turkey"), "ORG"),
    "resize span": lambda s, d, e: s.resize_span(
        _span(s, d, "Sergei Lavrov"), ONE.index("Lavrov"), ONE.index("Lavrov") + 6
    ),
    "create span": lambda s, d, e: s.create_span(
        e, TWO.index("Ankara"), TWO.index("Ankara") + 6, "GPE"
    ),
    "delete span used by a claim": lambda s, d, e: s.delete_span(_span(s, d, "rejected", "claim")),
    "create claim": lambda s, d, e: s.create_claim(
        e, content_range=(TWO.index("talks"), len(TWO) - 1)
    ),
    "set a role from a range": lambda s, d, e: s.set_role(
        _claim(s, d), "speaker", rng=(ONE.index("Sergei"), ONE.index("Sergei") + 13)
    ),
    "add an addressee": lambda s, d, e: s.add_addressee(_claim(s, d), _span(s, d, "Turkey")),
    "clear a role": lambda s, d, e: s.clear_role(_claim(s, d), "cue"),
    "accept claim": lambda s, d, e: s.accept_claim(_claim(s, d)),
    "reject claim": lambda s, d, e: s.reject_claim(_claim(s, d)),
    "delete claim": lambda s, d, e: s.delete_claim(_claim(s, d)),
    "set claim kind": lambda s, d, e: s.set_claim_kind(_claim(s, d), "statement"),
    "flag a span": lambda s, d, e: s.set_flag("span", _span(s, d, "Turkey"), "uncertain"),
    "comment on a claim": lambda s, d, e: s.set_comment("claim", _claim(s, d), "why?"),
    "accept every occurrence in the project": lambda s, d, e: s.accept_every(
        _span(s, e, "Turkey"), project=True
    ),
    "reject every occurrence in a document": lambda s, d, e: s.reject_every(_span(s, e, "Turkey")),
    "mark document done": lambda s, d, e: s.mark_document_done(d),
    "finish document accepting the rest": lambda s, d, e: s.finish_document(d, ACCEPT_ALL),
}

# Operations on actors need an actor first (an accepted mention); they run after it.
ACTOR_OPS: dict[str, Op] = {
    "rename actor": lambda s, d, e: s.rename_actor(
        s.span(_span(s, d, "Turkey")).actor_id or 0, "Türkiye"
    ),
    "merge actors": lambda s, d, e: s.merge_actors(
        s.span(_span(s, d, "Russian")).actor_id or 0, s.span(_span(s, d, "Turkey")).actor_id or 0
    ),
    "split a mention": lambda s, d, e: s.split_mention(_span(s, e, "Turkey")),
    "link a mention to none": lambda s, d, e: s.link_mention(_span(s, d, "Turkey"), None),
}


IN_TWO = {"create span", "create claim", "reject every occurrence in a document"}


def _docs(s: ReviewSession) -> tuple[int, int]:
    one, two = (d.id for d in s.documents())
    return one, two


def _prepare_actors(s: ReviewSession, d: int, e: int) -> None:
    for doc, text in ((d, "Turkey"), (d, "Russian"), (e, "Turkey")):
        _linked(s, doc, text)


@pytest.mark.parametrize("name", [*OPS, *ACTOR_OPS])
def test_an_operation_names_exactly_the_rows_it_changed(session: ReviewSession, name: str) -> None:
    d, e = _docs(session)
    if name in ACTOR_OPS:
        _prepare_actors(session, d, e)
    op = OPS.get(name) or ACTOR_OPS[name]
    checked(session, lambda: op(session, d, e))


@pytest.mark.parametrize("name", [*OPS, *ACTOR_OPS])
def test_undo_and_redo_name_exactly_the_rows_they_wrote_back(
    session: ReviewSession, name: str
) -> None:
    d, e = _docs(session)
    if name in ACTOR_OPS:
        _prepare_actors(session, d, e)
    op = OPS.get(name) or ACTOR_OPS[name]
    op(session, d, e)
    # Undo from the document the operation worked in (a project event: from either).
    where = e if name in IN_TWO else d
    checked(session, lambda: session.undo(where))
    checked(session, lambda: session.redo(where))


def test_the_memory_spread_is_named_in_the_other_document(session: ReviewSession) -> None:
    d, e = _docs(session)
    got = checked(session, lambda: session.accept_span(_span(session, d, "Sergei Lavrov")))
    spread = _span(session, e, "Sergei Lavrov")
    assert e in got.documents and spread in got.spans
    assert session.memory_documents == (e,)


def test_a_new_actor_made_by_an_accept_is_named(session: ReviewSession) -> None:
    d, _ = _docs(session)
    got = checked(session, lambda: session.accept_span(_span(session, d, "Russian")))
    actor = session.span(_span(session, d, "Russian")).actor_id
    assert actor in got.actors


def test_a_document_marked_done_changes_the_document_list(session: ReviewSession) -> None:
    d, _ = _docs(session)
    assert checked(session, lambda: session.mark_document_done(d)).document_list
    assert not checked(
        session, lambda: session.accept_span(_span(session, d, "Turkey"))
    ).document_list


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.add_claim_kind("ultimatum"),
        lambda s: s.set_demonyms_to_state(True),
        lambda s: s.remember_position(Position(_docs(s)[0], "span", 1)),
    ],
    ids=["claim kind", "demonyms", "position"],
)
def test_settings_writes_say_settings(session: ReviewSession, write: Callable) -> None:
    got = checked(session, lambda: write(session))
    assert got == Changes(settings=True)


def test_a_setting_written_unchanged_says_nothing(session: ReviewSession) -> None:
    session.set_demonyms_to_state(True)
    session.take_changes()
    session.set_demonyms_to_state(True)
    assert session.take_changes() == NO_CHANGES


def test_changes_accumulate_until_taken(session: ReviewSession) -> None:
    d, e = _docs(session)
    before = snapshot(session)
    session.reject_span(_span(session, d, "Turkey"))
    session.accept_span(_span(session, e, "Turkey"))
    session.undo(e)
    session.mark_document_done(e)
    assert session.take_changes() == expected(before, snapshot(session)) | Changes(
        # The undone accept is named although its span is back as it was: the window
        # drew it in between, and must draw it again.
        documents=frozenset({e}),
        spans=frozenset({_span(session, e, "Turkey")}),
    )


def test_a_refused_operation_records_nothing(session: ReviewSession) -> None:
    d, _ = _docs(session)
    with pytest.raises(ValueError):
        session.relabel_span(_span(session, d, "Turkey"), "  ")
    assert session.take_changes() == NO_CHANGES
