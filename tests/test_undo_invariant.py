"""Undo is exact: any sequence of review operations, undone, gives back the same file.

Random sequences (fixed seeds, so a failure reproduces) of every kind of operation, with
a close and reopen in the middle. Undoing all of them must restore every span, claim,
addressee and document row exactly; redoing all must give back the state after them.
"""

from __future__ import annotations

import contextlib
import random
from pathlib import Path
from typing import Any

import pytest

from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

TEXT = (
    "Russian Foreign Minister Sergei Lavrov rejected calls for a ceasefire, saying it would "
    'be a "surrender to the terrorists". The ministers asked Turkey and Russia to end the '
    "offensive in Idleb. Erdogan said Ankara would not step back."
)
LABELS = ("PERSON", "ORG", "GPE", "NORP")


def ref(part: str) -> TextRef:
    start = TEXT.index(part)
    return TextRef(start, start + len(part), part)


def snapshot(store: Store, doc: int) -> dict[str, Any]:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in store.execute(sql, (doc,)).fetchall()]

    return {
        "spans": rows(
            'SELECT id, start, "end", label, layer, status, origin, actor_id, reviewer, '
            "reviewed_at, flag, comment FROM spans WHERE document_id = ? ORDER BY id"
        ),
        "claims": rows(
            "SELECT id, speaker_span_id, cue_span_id, content_span_id, antecedent_span_id, "
            "kind, quote_type, status, origin, reviewer, reviewed_at, flag, comment FROM claims "
            "WHERE document_id = ? ORDER BY id"
        ),
        "addressees": rows(
            "SELECT a.claim_id, a.span_id, a.position FROM claim_addressees a "
            "JOIN claims c ON c.id = a.claim_id WHERE c.document_id = ? ORDER BY 1, 3"
        ),
        "document": rows("SELECT status, reviewer, reviewed_at FROM documents WHERE id = ?"),
    }


def random_op(s: ReviewSession, doc: int, rng: random.Random) -> None:
    spans = s.spans(doc)
    claims = s.claims(doc)
    span = rng.choice(spans) if spans else None
    claim = rng.choice(claims) if claims else None
    a = rng.randrange(len(TEXT) - 20)
    rand_range = (a, a + rng.randint(1, 20))
    choices = [
        lambda: s.create_span(doc, *rand_range, rng.choice(LABELS)),
        lambda: s.create_claim(
            doc, content_range=rand_range, kind=rng.choice(["demand", "warning"])
        ),
        lambda: s.mark_document_done(doc, rng.random() < 0.7),
        lambda: s.finish_document(doc, rng.choice(["leave", "accept", "reject"])),
    ]
    if span is not None:
        choices += [
            lambda: s.accept_span(span.id),
            lambda: s.reject_span(span.id),
            lambda: s.relabel_span(span.id, rng.choice(LABELS)),
            lambda: s.move_edge(span.id, rng.choice(["start", "end"]), rng.choice([-1, 1])),
            lambda: s.resize_span(span.id, *rand_range),
            lambda: s.delete_span(span.id),
            # Review at scale: one event for every occurrence, in the document or the
            # project; flags and comments.
            lambda: s.accept_every(span.id, project=rng.random() < 0.5),
            lambda: s.reject_every(span.id, project=rng.random() < 0.5),
            lambda: s.set_flag("span", span.id, rng.choice(["uncertain", None])),
            lambda: s.set_comment("span", span.id, rng.choice(["", "check the source"])),
        ]
    if claim is not None:
        choices += [
            lambda: s.accept_claim(claim.id),
            lambda: s.reject_claim(claim.id),
            lambda: s.delete_claim(claim.id),
            lambda: s.set_claim_kind(claim.id, rng.choice(["statement", "threat"])),
            lambda: s.set_quote_type(claim.id, rng.choice(["direct", "mixed"])),
            lambda: s.clear_role(claim.id, rng.choice(["speaker", "cue", "addressee"])),
            lambda: s.set_role(claim.id, rng.choice(["speaker", "cue"]), rng=rand_range),
            lambda: s.set_flag("claim", claim.id, rng.choice(["uncertain", None])),
            lambda: s.set_comment("claim", claim.id, rng.choice(["", "who is 'they'?"])),
        ]
        if span is not None:
            # Parts shared between claims, and role changes onto existing spans: the
            # operations whose undo depends on knowing every claim that uses a span.
            choices += [
                lambda: s.set_role(claim.id, "speaker", span_id=span.id),
                lambda: s.set_role(claim.id, "cue", span_id=span.id),
                lambda: s.add_addressee(claim.id, span_id=span.id),
                lambda: s.create_claim(doc, content_span_id=span.id),
                lambda: s.delete_span(span.id),
            ]
        if claim.addressee_span_ids:
            choices.append(
                lambda: s.remove_addressee(claim.id, rng.choice(claim.addressee_span_ids))
            )
            choices.append(lambda: s.clear_addressees(claim.id))
    # A refused operation must change nothing and log nothing: the undo check below
    # would see any half-done change.
    with contextlib.suppress(ReviewError):
        rng.choice(choices)()


@pytest.mark.parametrize("seed", range(12))
def test_undo_all_restores_the_file_and_redo_all_replays_it(tmp_path: Path, seed: int) -> None:
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("t", "T", TEXT)
        assert doc is not None
        store.add_extraction(
            doc,
            Extraction(
                "m-1",
                actors=(
                    ActorSuggestion(*ref("Sergei Lavrov").__dict__.values(), "PERSON"),
                    ActorSuggestion(*ref("Turkey").__dict__.values(), "GPE"),
                    ActorSuggestion(*ref("Erdogan").__dict__.values(), "PERSON"),
                ),
                claims=(
                    ClaimSuggestion(
                        ref("calls for a ceasefire"),
                        ref("Russian Foreign Minister Sergei Lavrov"),
                        ref("rejected"),
                        kind="rejection",
                    ),
                    ClaimSuggestion(
                        ref("to end the offensive in Idleb"),
                        ref("The ministers"),
                        ref("asked"),
                        addressees=(ref("Turkey"), ref("Russia")),
                        kind="demand",
                    ),
                ),
            ),
        )
    rng = random.Random(seed)
    s = ReviewSession.open(db, "ana")
    initial = snapshot(s.store, doc)
    for i in range(60):
        if i == 30:  # undo and redo must not depend on the process that did the work
            s.close()
            s = ReviewSession.open(db, "ana")
        random_op(s, doc, rng)
    final = snapshot(s.store, doc)
    n_events = len(s.events(doc))
    s.close()

    s = ReviewSession.open(db, "ana")
    undone = 0
    while s.undo(doc) is not None:
        undone += 1
    assert undone == n_events
    assert snapshot(s.store, doc) == initial
    while s.redo(doc) is not None:
        pass
    assert snapshot(s.store, doc) == final
    s.close()


def _shared_content_project(db: Path) -> tuple[int, int, int, int]:
    """Two claims whose content is the same span; returns (doc, claim a, claim b, span)."""
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("t", "T", TEXT)
        assert doc is not None
        store.add_extraction(
            doc,
            Extraction(
                "m-1",
                claims=(
                    ClaimSuggestion(
                        ref("calls for a ceasefire"),
                        ref("Russian Foreign Minister Sergei Lavrov"),
                        ref("rejected"),
                    ),
                    ClaimSuggestion(ref("calls for a ceasefire"), ref("Erdogan"), ref("said")),
                ),
            ),
        )
    s = ReviewSession.open(db, "ana")
    a, b = s.claims(doc)
    assert a.content_span_id == b.content_span_id
    s.close()
    return doc, a.id, b.id, int(a.content_span_id or 0)


def test_claims_using_span_finds_every_claim(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    _doc, a, b, content = _shared_content_project(db)
    with Store.open(db) as store:
        assert store.claims_using_span(content) == [a, b]


def test_rejecting_one_claim_keeps_a_part_another_accepted_claim_uses(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    _doc, a, b, content = _shared_content_project(db)
    s = ReviewSession.open(db, "ana")
    s.accept_claim(b)
    s.reject_claim(a)
    assert s.span(content).status == "accepted"
    s.close()


def test_delete_span_then_undo_gives_the_claim_its_speaker_back(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    doc, a, _b, _content = _shared_content_project(db)
    s = ReviewSession.open(db, "ana")
    speaker = s.claim(a).speaker_span_id
    assert speaker is not None
    s.delete_span(speaker)
    assert s.claim(a).speaker_span_id is None
    s.undo(doc)
    assert s.claim(a).speaker_span_id == speaker
    s.close()
