"""Every review operation, its event, and undo/redo across closing and reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import (
    ACCEPTED,
    DOC_DONE,
    EDITED,
    MANUAL,
    REJECTED,
    SUGGESTED,
    ActorSuggestion,
    ClaimSuggestion,
    Extraction,
    TextRef,
)
from idleb_desk.store.store import Store

TEXT = (
    "Russian Foreign Minister Sergei Lavrov on Tuesday rejected calls for a ceasefire. "
    "The ministers asked Turkey to end the offensive."
)


def _ref(text: str, part: str, nth: int = 0) -> TextRef:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return TextRef(start, start + len(part), part)


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, int]:
    db = tmp_path / "project.sqlite3"
    ex = Extraction(
        model="test_pipeline-1.0",
        actors=(
            ActorSuggestion(*_ref(TEXT, "Sergei Lavrov").__dict__.values(), "PERSON"),
            ActorSuggestion(*_ref(TEXT, "Turkey").__dict__.values(), "GPE"),
            ActorSuggestion(*_ref(TEXT, "Russian").__dict__.values(), "NORP"),
        ),
        claims=(
            ClaimSuggestion(
                speaker=_ref(TEXT, "Russian Foreign Minister Sergei Lavrov"),
                cue=_ref(TEXT, "rejected"),
                content=_ref(TEXT, "calls for a ceasefire"),
                kind="rejection",
            ),
        ),
    )
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("lavrov", "Lavrov", TEXT)
        assert doc is not None
        store.add_extraction(doc, ex)
    return db, doc


def _actor(session: ReviewSession, doc: int, text: str) -> int:
    return next(s.id for s in session.spans(doc) if s.layer == "actor" and s.text == text)


def test_accept_reject_stamp_reviewer_and_log_event(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    lavrov = _actor(s, doc, "Sergei Lavrov")
    span = s.accept_span(lavrov)
    assert span.status == ACCEPTED and span.reviewer == "ana" and span.reviewed_at
    assert span.actor_id is not None and s.actor_name(span.actor_id) == "Sergei Lavrov"
    assert s.reject_span(lavrov).status == REJECTED
    events = s.events(doc)
    assert [e.op for e in events] == ["accept_span", "reject_span"]
    assert events[0].before["spans"][str(lavrov)]["status"] == SUGGESTED
    assert events[0].after["spans"][str(lavrov)]["status"] == ACCEPTED
    assert all(e.reviewer == "ana" for e in events)
    s.close()


def test_relabel_and_resize_snap_to_tokens(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    turkey = _actor(s, doc, "Turkey")
    assert s.relabel_span(turkey, "ORG").label == "ORG"
    assert s.span(turkey).status == EDITED
    lavrov = _actor(s, doc, "Sergei Lavrov")
    start = TEXT.index("Foreign")
    span = s.resize_span(lavrov, start + 2, TEXT.index("Lavrov") + 3)  # mid-token both ends
    assert span.text == "Foreign Minister Sergei Lavrov"
    span = s.move_edge(lavrov, "end", +1)
    assert span.text == "Foreign Minister Sergei Lavrov on"
    span = s.move_edge(lavrov, "end", -1)
    assert span.text == "Foreign Minister Sergei Lavrov"
    span = s.move_edge(lavrov, "start", +1)
    assert span.text == "Minister Sergei Lavrov"
    span = s.move_edge(lavrov, "start", -1)
    span = s.move_edge(lavrov, "start", -1)
    assert span.text == "Russian Foreign Minister Sergei Lavrov"
    one = s.resize_span(lavrov, span.start, span.start + 7)
    assert s.move_edge(lavrov, "end", -1) == one  # never shrinks to nothing
    with pytest.raises(ReviewError):
        s.resize_span(lavrov, 7, 8)  # only a space
    s.close()


def test_create_and_delete_span(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    start = TEXT.index("ministers")
    span = s.create_span(doc, start + 1, start + 3, "ORG")
    assert span.text == "ministers" and span.status == MANUAL
    assert span.origin == "analyst:ana"
    s.delete_span(span.id)
    assert all(x.id != span.id for x in s.spans(doc))
    s.close()


def test_claim_roles_kind_and_quote_type(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    content = _ref(TEXT, "to end the offensive")
    claim = s.create_claim(doc, content_range=(content.start, content.end), kind="demand")
    assert claim.status == MANUAL and claim.kind == "demand"
    claim = s.set_role(claim.id, "speaker", rng=(TEXT.index("The ministers"), TEXT.index(" asked")))
    claim = s.set_role(claim.id, "cue", rng=(TEXT.index("asked"), TEXT.index("asked") + 5))
    claim = s.add_addressee(claim.id, span_id=_actor(s, doc, "Turkey"))
    claim = s.set_quote_type(claim.id, "indirect")
    claim = s.set_claim_kind(claim.id, "warning")
    assert s.span(claim.speaker_span_id).text == "The ministers"
    assert s.span(claim.cue_span_id).text == "asked"
    assert s.span(claim.content_span_id).text == "to end the offensive"
    assert [s.span(a).text for a in claim.addressee_span_ids] == ["Turkey"]
    assert claim.kind == "warning" and claim.quote_type == "indirect"
    claim = s.remove_addressee(claim.id, claim.addressee_span_ids[0])
    assert claim.addressee_span_ids == ()
    claim = s.clear_role(claim.id, "cue")
    assert claim.cue_span_id is None
    with pytest.raises(ReviewError):
        s.set_quote_type(claim.id, "sarcastic")
    s.delete_claim(claim.id)
    assert all(c.id != claim.id for c in s.claims(doc))
    s.close()


def test_accept_claim_resolves_speaker_actor(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    claim = s.claims(doc)[0]
    claim = s.accept_claim(claim.id)
    assert claim.status == ACCEPTED
    speaker = s.span(claim.speaker_span_id)
    assert speaker.status == ACCEPTED
    assert s.actor_name(speaker.actor_id) == "Sergei Lavrov"  # PERSON wins over NORP
    claim = s.reject_claim(claim.id)
    assert claim.status == REJECTED and s.span(claim.content_span_id).status == REJECTED
    s.close()


def test_mark_document_done_and_next(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    assert s.next_unreviewed() == doc
    assert s.mark_document_done(doc).status == DOC_DONE
    assert s.document(doc).reviewer == "ana"
    assert s.next_unreviewed() is None
    s.close()


def test_undo_redo_survive_reopen(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    lavrov = _actor(s, doc, "Sergei Lavrov")
    s.accept_span(lavrov)
    s.relabel_span(lavrov, "ORG")
    claim = s.create_claim(doc, content_range=(TEXT.index("to end"), len(TEXT) - 1))
    s.set_role(claim.id, "speaker", span_id=lavrov)
    turkey = _actor(s, doc, "Turkey")
    s.delete_span(turkey)
    s.mark_document_done(doc)
    s.close()

    s = ReviewSession.open(db, "ana")
    assert s.undo(doc).op == "mark_done"
    assert s.document(doc).status != DOC_DONE
    assert s.undo(doc).op == "delete_span"
    assert s.span(turkey).text == "Turkey"
    assert s.undo(doc).op == "set_speaker"
    assert s.undo(doc).op == "create_claim"
    assert all(c.id != claim.id for c in s.claims(doc))
    s.close()

    s = ReviewSession.open(db, "ana")
    assert s.redo(doc).op == "create_claim"
    assert s.claim(claim.id).content_span_id is not None
    assert s.redo(doc).op == "set_speaker"
    assert s.claim(claim.id).speaker_span_id == lavrov
    assert s.undo(doc).op == "set_speaker"
    s.accept_span(turkey)  # a new operation ends the redo chain
    assert s.redo(doc) is None
    while s.undo(doc):
        pass
    assert s.span(lavrov).status == SUGGESTED and s.span(lavrov).label == "PERSON"
    assert [c.id for c in s.claims(doc)] == [1]
    assert s.can_undo(doc) is False and s.can_redo(doc) is True
    s.close()


def test_failed_operation_changes_nothing(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    n_events = len(s.events(doc))
    with pytest.raises(ReviewError):
        s.create_span(doc, 7, 8, "ORG")
    with pytest.raises(ReviewError):
        s.set_role(s.claims(doc)[0].id, "speaker")  # neither span nor range
    assert len(s.events(doc)) == n_events
    s.close()


def test_speaker_actor_is_the_mention_that_ends_the_speaker(tmp_path: Path) -> None:
    text = "Ministers from EU member states asked Turkey to stop."
    with Store.open(tmp_path / "p.sqlite3") as store, store.transaction():
        doc = store.insert_document("eu", "EU", text)
        store.add_extraction(
            doc,
            Extraction(
                "m-1",
                actors=(ActorSuggestion(15, 17, "EU", "ORG"),),
                claims=(
                    ClaimSuggestion(
                        speaker=_ref(text, "Ministers from EU member states"),
                        content=_ref(text, "to stop"),
                    ),
                ),
            ),
        )
    s = ReviewSession.open(tmp_path / "p.sqlite3", "ana")
    claim = s.accept_claim(s.claims(doc)[0].id)
    assert s.span(claim.speaker_span_id).actor_id is None
    s.close()


def test_project_claim_kinds(project: tuple[Path, int]) -> None:
    db, doc = project
    s = ReviewSession.open(db, "ana")
    claim = s.claims(doc)[0]
    with pytest.raises(ReviewError, match="unknown claim kind"):
        s.set_claim_kind(claim.id, "ultimatum")
    assert s.add_claim_kind("ultimatum")[-1] == "ultimatum"
    assert s.set_claim_kind(claim.id, "ultimatum").kind == "ultimatum"
    with pytest.raises(ReviewError):
        s.add_claim_kind("Not A Kind")
    s.close()
    s = ReviewSession.open(db, "ana")  # a project setting, kept in the file
    assert "ultimatum" in s.claim_kinds() and s.claim_kinds()[0] == "statement"
    s.close()
