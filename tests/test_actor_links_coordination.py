"""A coordinated speaker or addressee names every actor in it (issue 12, item 16).

"French President Emmanuel Macron and German Chancellor Angela Merkel" is two speakers:
claims.csv lists both in `speaker_actor` and the network draws an edge from each. An
addressee "Turkey, Iran and Syria" is three network nodes, as `addressee_actors` lists
three actors. Checked through the real pipeline and through the store with the
analyst's own spans, and on the rule itself.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from idleb_desk.actor_link import RoleMention, role_parts
from idleb_desk.core.network import NODE_ACTOR, load_network
from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.importer import import_paths
from idleb_desk.store.memory import ENABLED_SETTING as MEMORY_SETTING

ARTICLE = (
    "Leaders press Moscow\n\n"
    "French President Emmanuel Macron and German Chancellor Angela Merkel have requested "
    "a meeting with Vladimir Putin.\n\n"
    "Russian Foreign Minister Sergei Lavrov told Turkey, Iran and Syria that the talks "
    "would resume in Geneva.\n"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def accepted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The article through spaCy, every claim accepted (nothing else), exported."""
    from idleb_desk.nlp.pipeline import Extractor

    tmp = tmp_path_factory.mktemp("coordination")
    (tmp / "leaders.txt").write_text(ARTICLE, encoding="utf-8")
    session = ReviewSession.open(tmp / "p.idleb", "ana")
    import_paths(session.store, [tmp / "leaders.txt"], Extractor.load())
    for claim in session.claims(1):
        session.accept_claim(claim.id)
    export_csv(session.store, tmp / "out")
    session.close()
    return tmp / "p.idleb", tmp / "out"


def _claim(rows: list[dict[str, str]], speaker: str) -> dict[str, str]:
    hits = [r for r in rows if r["speaker_text"] == speaker]
    assert hits, [r["speaker_text"] for r in rows]
    return hits[0]


def test_pipeline_coordinated_speaker_names_both(accepted) -> None:
    _, out = accepted
    row = _claim(
        _rows(out / "claims.csv"),
        "French President Emmanuel Macron and German Chancellor Angela Merkel",
    )
    assert row["speaker_actor"] == "Emmanuel Macron | Angela Merkel"


def test_pipeline_three_part_addressee(accepted) -> None:
    _, out = accepted
    row = _claim(_rows(out / "claims.csv"), "Russian Foreign Minister Sergei Lavrov")
    assert row["speaker_actor"] == "Sergei Lavrov"
    assert row["addressees"] == "Turkey, Iran and Syria"
    assert row["addressee_actors"] == "Turkey | Iran | Syria"


def test_network_agrees_with_claims_csv(accepted) -> None:
    db, out = accepted
    rows = {int(r["claim_id"]): r for r in _rows(out / "claims.csv")}
    session = ReviewSession.open(db, "ana")
    try:
        net = load_network(session.store, 1)
    finally:
        session.close()
    names = {n.id: n for n in net.nodes}
    for claim_id, row in rows.items():
        edges = [e for e in net.edges if e.claim_id == claim_id]
        sources = {names[e.source].name for e in edges}
        targets = {names[e.target].name for e in edges}
        if row["speaker_actor"]:
            assert sources == set(row["speaker_actor"].split(" | "))
            assert all(names[e.source].kind == NODE_ACTOR for e in edges)
        if row["addressee_actors"]:
            assert set(row["addressee_actors"].split(" | ")) <= targets
        # An edge from each speaker to each addressee.
        assert len(edges) == len(sources) * len(targets)
    macron = next(i for i, r in rows.items() if r["speaker_actor"].startswith("Emmanuel"))
    assert {names[e.source].name for e in net.edges if e.claim_id == macron} == {
        "Emmanuel Macron",
        "Angela Merkel",
    }
    lavrov = next(i for i, r in rows.items() if r["speaker_actor"] == "Sergei Lavrov")
    assert len({e.target for e in net.edges if e.claim_id == lavrov}) == 3


def test_store_analyst_spans_coordinated_speaker(tmp_path: Path) -> None:
    """The same through the review API, with the analyst's own mentions and roles."""
    text = "Emmanuel Macron and Angela Merkel told Vladimir Putin and Recep Tayyip Erdogan to talk."
    session = ReviewSession.open(tmp_path / "p.idleb", "ana")
    session.store.set_setting(MEMORY_SETTING, False)
    with session.store.transaction():
        doc = session.store.insert_document("m", "m", text)
    for name in ("Emmanuel Macron", "Angela Merkel", "Vladimir Putin", "Recep Tayyip Erdogan"):
        start = text.index(name)
        session.create_span(doc, start, start + len(name), "PERSON")
    claim = session.create_claim(doc, content_range=(text.index("to talk"), len(text) - 1))
    session.set_role(claim.id, "speaker", rng=(0, text.index(" told")))
    addressee = text.index("Vladimir")
    session.add_addressee(claim.id, rng=(addressee, text.index(" to talk")))
    session.accept_claim(claim.id)
    # One link cannot hold two actors: the speaker span keeps none, the readers name both.
    assert session.span(session.claim(claim.id).speaker_span_id).actor_id is None
    actor_id, how = session.speaker_actor(claim.id)
    assert (session.actor_name(actor_id), how) == ("Emmanuel Macron", "first of 2 it names")
    export_csv(session.store, tmp_path / "out")
    net = load_network(session.store, doc)
    session.close()
    row = _rows(tmp_path / "out" / "claims.csv")[0]
    assert row["speaker_actor"] == "Emmanuel Macron | Angela Merkel"
    assert row["addressee_actors"] == "Vladimir Putin | Recep Tayyip Erdogan"
    pairs = {(net.node(e.source).name, net.node(e.target).name) for e in net.edges}
    assert pairs == {
        (a, b)
        for a in ("Emmanuel Macron", "Angela Merkel")
        for b in ("Vladimir Putin", "Recep Tayyip Erdogan")
    }
    table = {r["name"] for r in _rows(tmp_path / "out" / "actor_table.csv")}
    assert {"Emmanuel Macron", "Angela Merkel", "Vladimir Putin", "Recep Tayyip Erdogan"} <= table


def _parts(text: str, names: list[tuple[str, str]]) -> list[str | None]:
    mentions = []
    for i, (name, label) in enumerate(names):
        start = text.index(name)
        mentions.append(RoleMention(start, start + len(name), label, i + 1))
    return [
        text[p.head.start : p.head.end] if p.head else None
        for p in role_parts(text, 0, len(text), mentions)
    ]


@pytest.mark.parametrize(
    ("text", "names", "heads"),
    [
        # A coordination names each part by the mention that ends it.
        (
            "French President Emmanuel Macron and German Chancellor Angela Merkel",
            [("French", "NORP"), ("Emmanuel Macron", "PERSON"), ("German", "NORP"),
             ("Angela Merkel", "PERSON")],
            ["Emmanuel Macron", "Angela Merkel"],
        ),
        (
            "the Syrian government, its Russian allies, and Turkey",
            [("Syrian", "NORP"), ("Russian", "NORP"), ("Turkey", "GPE")],
            [None, None, "Turkey"],
        ),
        # An apposition is one speaker: its head, else the name before the comma.
        (
            "Sergei Lavrov, Russia's foreign minister",
            [("Sergei Lavrov", "PERSON"), ("Russia", "GPE")],
            ["Sergei Lavrov"],
        ),
        ("Russia's foreign minister, Sergei Lavrov", [("Sergei Lavrov", "PERSON")],
         ["Sergei Lavrov"]),
        # A name with "and" inside one mention is not split.
        (
            "the Organisation for Security and Co-operation in Europe",
            [("Organisation for Security and Co-operation in Europe", "ORG")],
            ["Organisation for Security and Co-operation in Europe"],
        ),
        # A mention that does not end the phrase does not name it.
        ("ministers from EU member states", [("EU", "ORG")], [None]),
    ],
)  # fmt: skip
def test_role_parts(text: str, names: list[tuple[str, str]], heads: list[str | None]) -> None:
    assert _parts(text, names) == heads
