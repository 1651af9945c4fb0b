"""Issue 18: `ReviewSession` is composed of parts, not a chain of base classes.

The parts are objects sharing one `SessionContext`; project memory works because it
registered an after-decision hook there, not because of a method resolution order.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from idleb_desk.core.ops import Op
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, Claim, Extraction
from idleb_desk.store.store import Store

TEXT = "Lavrov met the envoy. Later Lavrov left."
PARTS = {
    "spans_ops": "idleb_desk.core.span_ops.SpanOps",
    "claims_ops": "idleb_desk.core.claim_ops.ClaimOps",
    "actors": "idleb_desk.core.actor_ops.ActorOps",
    "memory": "idleb_desk.core.memory_ops.MemoryOps",
    "bulk": "idleb_desk.core.bulk_ops.BulkOps",
    "undo_ops": "idleb_desk.core.undo_ops.UndoOps",
}


@pytest.fixture()
def session(tmp_path: Path) -> ReviewSession:
    db = tmp_path / "p.sqlite3"
    first = TEXT.index("Lavrov")
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("a", "A", TEXT)
        assert doc is not None
        store.add_extraction(
            doc,
            Extraction("test-1", (ActorSuggestion(first, first + 6, "Lavrov", "PERSON"),)),
        )
    return ReviewSession.open(db, "ana")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_the_session_and_its_parts_inherit_from_nothing(session: ReviewSession) -> None:
    assert ReviewSession.__mro__ == (ReviewSession, object)
    for attr, dotted in PARTS.items():
        module, name = dotted.rsplit(".", 1)
        cls = getattr(importlib.import_module(module), name)
        part = getattr(session, attr)
        assert type(part) is cls and cls.__mro__ == (cls, object)
        assert part.ctx is session.context  # one context, shared
        # Class names match their file names.
        assert module.rsplit(".", 1)[1] == _snake(name)
    assert type(session).__module__ == "idleb_desk.core.review_session"


def test_memory_spreads_through_its_registered_hook(session: ReviewSession) -> None:
    doc = session.documents()[0].id
    assert session.context.after_decision == [session.memory.after_decision]
    session.accept_span(session.spans(doc)[0].id)
    assert len(session.spans(doc)) == 2  # the second "Lavrov" suggested by memory


def test_without_the_hook_nothing_spreads(session: ReviewSession) -> None:
    doc = session.documents()[0].id
    session.context.after_decision.clear()
    session.accept_span(session.spans(doc)[0].id)
    assert len(session.spans(doc)) == 1


def test_a_hook_runs_inside_the_decisions_operation(session: ReviewSession) -> None:
    """A hook's write joins the decision's transaction and event: one undo takes both."""
    doc = session.documents()[0].id
    seen: list[tuple[str, int]] = []

    def flag(op: Op, span_id: int) -> None:
        seen.append((op.name, span_id))
        op.touch("documents", doc)
        session.store.con.execute("UPDATE documents SET status = 'done' WHERE id = ?", (doc,))

    session.context.after_decision.append(flag)
    span = session.spans(doc)[0].id
    session.reject_span(span)
    assert seen == [("reject_span", span)]
    assert [e.op for e in session.events(doc)] == ["reject_span"]
    assert session.take_changes().document_list
    session.undo(doc)
    assert session.document(doc).status == "new"


def test_every_method_the_docstring_lists_is_there() -> None:
    """The class docstring lists the public surface by part; it must stay true."""
    doc = (ReviewSession.__doc__ or "").replace("`", "")
    listing = doc[doc.index("- spans_ops") : doc.index("The methods above")]
    # Each item: "- part (Class): name, name (a note), ..." over one or more lines.
    names: set[str] = set()
    for item in listing.split("\n    - "):
        body = re.sub(r"\([^)]*\)", "", item.split(":", 1)[1])
        names |= {n.strip() for n in re.split(r"[,/]", body)}
    names = {n.split()[0].rstrip(".") for n in names if n}
    want = {"accept_span", "create_claim", "undo", "take_changes", "changed_elsewhere", "close"}
    assert want <= names
    missing = sorted(n for n in names if not hasattr(ReviewSession, n))
    assert missing == []


def test_claim_span_ids_are_every_span_it_uses_once() -> None:
    claim = Claim(
        id=1, document_id=1, speaker_span_id=5, cue_span_id=None, content_span_id=7,
        addressee_span_ids=(9, 5), kind="statement", quote_type="direct", status="accepted",
        origin="m", antecedent_span_id=3, content_part_ids=(8, 10),
    )  # fmt: skip
    assert claim.part_ids == (5, 7, 8, 10, 9)
    assert claim.span_ids == (5, 7, 8, 10, 9, 3)
    bare = Claim(1, 1, None, None, None, (), "statement", "direct", "suggested", "m")
    assert bare.span_ids == ()
