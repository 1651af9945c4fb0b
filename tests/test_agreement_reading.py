"""Agreement reads a file's claims with one bulk pass (issue 13, bench/agreement.py): the
actors each speaker and addressee names must be those `RoleActors` gives through
`claim_links`, the rule claims.csv and the Network view use, kept here as the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest

from idleb_desk.core.actors import link_suggestions
from idleb_desk.store import agreement_queries as q
from idleb_desk.store.network_queries import claim_links
from idleb_desk.store.store import Store
from tests.exchange_project import build


def _names(mentions: tuple) -> tuple[str, ...]:
    """What agreement read from `claim_links` before the bulk pass (the plain way)."""
    return tuple(
        sorted({f"{m.actor_name} ({m.actor_label})" if m.actor_id else m.text for m in mentions})
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = build(tmp_path_factory.mktemp("reading"))
    with Store.open(db) as store:
        # Linked: coordinated speakers and addressees ("Macron and Merkel", "the Syrian
        # government, its Russian allies, and Turkey"), pronoun speakers with antecedents.
        for doc_id in (1, 2):
            link_suggestions(store, doc_id)
    return db


def test_speakers_and_addressees_are_those_role_actors_names(project: Path) -> None:
    with Store.open(project) as store:
        links = {link.claim_id: link for link in claim_links(store)}
        ids = [r[0] for r in store.con.execute("SELECT id FROM claims ORDER BY document_id, id")]
        rows = q.claims(store)
        texts = {d.id: d.text for d in q.documents(store)}
        mentions = q.actor_spans(store, ("accepted",), ("suggested",), "analyst:")
        assert q.claims(store, texts, mentions) == rows
    assert len(rows) == len(ids) > 5
    named = parts = 0
    for claim_id, row in zip(ids, rows, strict=True):
        link = links[claim_id]
        assert row.speaker == _names(link.speakers), claim_id
        assert row.addressees == _names(link.addressees), claim_id
        named += any(m.actor_id for m in (*link.speakers, *link.addressees))
        parts += len(link.speakers) > 1 or len(link.addressees) > 1
    assert named and parts, "linked actors and coordinated roles are both read"
