"""The project model's confidence (issue 14) travels with a claim through team sync: a
claim deleted and given back by undo on one laptop comes back on the other with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from team_server_project import as_user, copy, make_project, publish_project, session, team

from idleb_desk.model import ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store
from idleb_desk.team.sync import join, sync

pytestmark = pytest.mark.pgserver


def _scored(path: Path) -> int:
    """Give the first document a claim suggestion the project model scored."""
    with Store.open(path, create=False) as store, store.transaction():
        doc = store.document_summaries()[0].id
        text = store.document_text(doc)
        claim = ClaimSuggestion(TextRef(0, len(text), text), confidence=0.618)
        store.add_extraction(doc, Extraction("m+project-model-v2", claims=(claim,)))
    return doc


def test_sync_carries_the_confidence(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, ("ana",))
    one = make_project(tmp_path / "one.sqlite3")
    doc = _scored(one)
    publish_project(pg_url, one, set(), ["ana"])
    two = copy(one, tmp_path / "two.sqlite3")
    for path in (one, two):
        with Store.open(path, create=False) as store:
            join(store, as_user(pg_url, "ana"), "ana")
    s = session(one, "ana")
    (claim,) = s.store.claims(doc)
    s.delete_claim(claim.id)
    s.close()
    with Store.open(one, create=False) as store:
        assert sync(store).pushed == 1
    with Store.open(two, create=False) as store:
        assert sync(store).applied == 1
        assert store.claims(doc) == []
    s = session(one, "ana")
    s.undo(doc)
    assert [c.confidence for c in s.store.claims(doc)] == [0.618]
    s.close()
    with Store.open(one, create=False) as store:
        assert sync(store).pushed == 1
    with Store.open(two, create=False) as store:
        assert sync(store).applied == 1
        assert [c.confidence for c in store.claims(doc)] == [0.618]
