"""Canonical actors: name rules, linking on the seed, rename/merge/split and their undo."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from idleb_desk import actor_link
from idleb_desk.actor_link import Known, canonical_name, name_key, suggest
from idleb_desk.core.actors import link_actor_id
from idleb_desk.core.ops import ReviewError
from idleb_desk.core.review import ReviewSession
from idleb_desk.io.actor_table import ACTOR_TABLE_COLUMNS, ACTOR_TABLE_FILE
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.importer import import_paths
from idleb_desk.model import LAYER_ACTOR
from idleb_desk.store.memory import ENABLED_SETTING as MEMORY_SETTING

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
GOLD = ROOT / "tests" / "data" / "gold" / "idleb-eu-ministers.json"
# A second article naming the seed's people by shorter forms, titles and possessives.
LATER = (
    "Damascus defiant as pressure mounts\n\n"
    "Syrian President Bashar al-Assad told state television on Thursday that his army would "
    "retake every part of Idleb. Assad said the offensive would continue until the "
    '"terrorists" were defeated.\n\n'
    "Sergei Lavrov, Russia's foreign minister, said Moscow supported the operation. Lavrov "
    "told reporters in Geneva that Turkey had failed to separate moderate rebels from "
    "extremists.\n\n"
    "Turkish President Recep Tayyip Erdogan warned that Ankara would respond to any attack "
    "on its observation posts. Erdogan's spokesman said talks with Moscow would go on. The "
    "Russian defence ministry said al-Assad's forces had only answered rebel shelling.\n"
)


# ---- name rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "name"),
    [
        ("Turkish President Recep Tayyip Erdogan", "PERSON", "Recep Tayyip Erdogan"),
        ("Russian Foreign Minister Sergei Lavrov", "PERSON", "Sergei Lavrov"),
        ("Erdogan's", "PERSON", "Erdogan"),
        ("Lavrov’s", "PERSON", "Lavrov"),
        ("the European Union", "ORG", "European Union"),
        ("President", "PERSON", "President"),  # never emptied
        ("Foreign Ministry", "ORG", "Foreign Ministry"),  # titles only strip persons
    ],
)
def test_canonical_name(text: str, label: str, name: str) -> None:
    assert canonical_name(text, label) == name


def test_name_key_drops_particles() -> None:
    assert name_key("Bashar al-Assad") == ("bashar", "assad")
    assert name_key("al-Assad") == name_key("Assad") == ("assad",)
    assert name_key("Jean-Yves Le Drian")[-1:] == name_key("Le Drian")


def test_shorter_forms_link_only_when_one_actor_fits() -> None:
    known = [
        Known(1, "Bashar al-Assad", "PERSON", frozenset({1})),
        Known(2, "Hafez al-Assad", "PERSON", frozenset({1})),
        Known(3, "Sergei Lavrov", "PERSON", frozenset({1})),
    ]
    assert suggest("Lavrov", "PERSON", 2, known).actor_id == 3
    # Two Assads known: no link is better than a wrong one.
    assert suggest("Assad", "PERSON", 2, known).actor_id is None
    # A long form named only in a later document does not count.
    assert suggest("Lavrov", "PERSON", 2, [Known(3, "Sergei Lavrov", "PERSON", frozenset({5}))]) \
        .actor_id is None  # fmt: skip
    # Same document first: the Assad named beside the mention wins.
    near = [Known(1, "Bashar al-Assad", "PERSON", frozenset({1, 4})), *known[1:]]
    assert suggest("al-Assad", "PERSON", 4, near).actor_id == 1
    # Other labels never match on a surname.
    assert suggest("Lavrov", "ORG", 2, known).actor_id is None


def test_demonym_to_state_only_when_asked() -> None:
    assert suggest("Russian", "NORP", 1, [], demonym_to_state=True).name == "Russia"
    assert suggest("Russians", "NORP", 1, [], demonym_to_state=True).label == "GPE"
    assert suggest("Russian", "NORP", 1, [], demonym_to_state=False).name == "Russian"
    assert actor_link.state_for("Martian") is None


# ---- the seed and a later article, through the real pipeline --------------------------------


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed and a later article imported with spaCy; every suggestion accepted in
    document order, as an analyst pressing A through both would; exported."""
    from idleb_desk.nlp.pipeline import Extractor

    tmp = tmp_path_factory.mktemp("actors")
    later = tmp / "later.txt"
    later.write_text(LATER, encoding="utf-8")
    session = ReviewSession.open(tmp / "p.idleb", "ana")
    import_paths(session.store, [SEED, later], Extractor.load())
    for doc in session.documents():
        for span in session.spans(doc.id):
            if span.layer == LAYER_ACTOR:
                session.accept_span(span.id)
        for claim in session.claims(doc.id):
            session.accept_claim(claim.id)
    export_csv(session.store, tmp / "out")
    session.close()
    return tmp / "p.idleb", tmp / "out"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _gold_actor_speakers() -> list[dict]:
    """Gold claims whose speaker (or its antecedent) is headed by a gold actor mention: the
    mention ends the speaker's noun phrase, which an apposition or "including ..." after a
    comma does not change ("The 14 ministers, including ... Heiko Maas" is the ministers)."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    out = []
    for c in gold["claims"]:
        source = c.get("speaker_antecedent") or c.get("speaker")
        if not source:
            continue
        head = source["text"].split(",")[0]
        end = source["start"] + len(head.rstrip(" .,;:'\"’”)"))
        if any(a["start"] >= source["start"] and a["end"] == end for a in gold["actors"]):
            out.append(c)
    return out


def test_every_seed_claim_with_an_actor_speaker_has_speaker_actor(reviewed) -> None:
    _, out = reviewed
    rows = [r for r in _rows(out / "claims.csv") if r["document_id"] == "1"]
    wanted = _gold_actor_speakers()
    assert len(wanted) >= 6  # Le Drian, Erdogan x2, Lavrov x2, Macron/Merkel, the two parties
    for c in wanted:
        s = c["speaker"]
        row = next(
            (r for r in rows if r["speaker_start"] == str(s["start"])
             and r["speaker_end"] == str(s["end"])),
            None,
        )  # fmt: skip
        assert row is not None, f"no extracted claim with speaker {s['text']!r}"
        assert row["speaker_actor"], f"speaker {s['text']!r} has no actor"
    by_speaker = {r["speaker_text"]: r["speaker_actor"] for r in rows}
    assert by_speaker["Turkish President Recep Tayyip Erdogan"] == "Recep Tayyip Erdogan"
    assert by_speaker["Russian Foreign Minister Sergei Lavrov"] == "Sergei Lavrov"
    # Via its antecedent, "Ankara and Moscow": both parties (issue 12, item 16).
    assert by_speaker["the two parties"] == "Ankara | Moscow"


def test_aliases_collapse_to_one_actor_across_documents(reviewed) -> None:
    _, out = reviewed
    table = _rows(out / ACTOR_TABLE_FILE)
    assert tuple(table[0].keys()) == ACTOR_TABLE_COLUMNS
    people = {r["name"]: r for r in table if r["type"] == "PERSON"}
    for short in ("Assad", "al-Assad", "Lavrov", "Erdogan"):
        assert short not in people, f"{short} is an actor of its own"
    assert {"Assad", "al-Assad", "Bashar al-Assad"} <= set(
        people["Bashar al-Assad"]["aliases"].split(" | ")
    )
    assert "Lavrov" in people["Sergei Lavrov"]["aliases"].split(" | ")
    assert "Erdogan" in people["Recep Tayyip Erdogan"]["aliases"].split(" | ")
    assert people["Sergei Lavrov"]["documents"] == "2"
    # actors.csv carries the same aliases on each mention; claims.csv the canonical speaker.
    mentions = _rows(out / "actors.csv")
    assad = [r for r in mentions if r["text"] == "Assad"]
    assert assad and all(r["actor_name"] == "Bashar al-Assad" for r in assad)
    assert "al-Assad" in assad[0]["actor_aliases"].split(" | ")
    claims = {r["speaker_text"]: r for r in _rows(out / "claims.csv")}
    assert claims["Lavrov"]["speaker_actor"] == "Sergei Lavrov"
    assert claims["Assad"]["speaker_actor"] == "Bashar al-Assad"
    assert claims["Sergei Lavrov, Russia's foreign minister"]["speaker_actor"] == "Sergei Lavrov"
    # The seed's first claim asks "the Syrian government, its Russian allies, and Turkey".
    first = next(r for r in _rows(out / "claims.csv") if r["claim_id"] == "1")
    assert "Turkey" in first["addressee_actors"].split(" | ")


# ---- rename, merge, split: project events, one undo each, from any document -----------------


TEXT_1 = "Syrian President Bashar al-Assad spoke in Damascus. Sergei Lavrov met Assad."
TEXT_2 = "Assad replied. Lavrov answered."


@pytest.fixture()
def two_docs(tmp_path: Path) -> tuple[ReviewSession, int, int]:
    session = ReviewSession.open(tmp_path / "p.idleb", "ana")
    store = session.store
    # Project memory would spread each created name to the other document as a suggestion
    # (tests/test_memory.py); these tests are about the actor links of the analyst's spans.
    store.set_setting(MEMORY_SETTING, False)
    with store.transaction():
        d1 = store.insert_document("one", "one", TEXT_1)
        d2 = store.insert_document("two", "two", TEXT_2)
    assert d1 and d2
    for doc, text, names in (
        (d1, TEXT_1, ("Bashar al-Assad", "Sergei Lavrov", "Assad")),
        (d2, TEXT_2, ("Assad", "Lavrov")),
    ):
        for name in names:
            start = text.rindex(name) if name == "Assad" else text.index(name)
            session.create_span(doc, start, start + len(name), "PERSON")
    return session, d1, d2


def _actor_of(session: ReviewSession, doc: int, text: str) -> str:
    span = next(s for s in session.spans(doc) if s.text == text)
    return session.actor_name(span.actor_id)


def _state(session: ReviewSession) -> list[tuple]:
    rows = session.store.execute("SELECT id, name, label FROM actors ORDER BY id").fetchall()
    spans = session.store.execute("SELECT id, actor_id FROM spans ORDER BY id").fetchall()
    return [tuple(r) for r in rows] + [tuple(r) for r in spans]


def test_created_mentions_link_across_documents(two_docs) -> None:
    session, d1, d2 = two_docs
    assert _actor_of(session, d1, "Assad") == "Bashar al-Assad"
    assert _actor_of(session, d2, "Assad") == "Bashar al-Assad"
    assert _actor_of(session, d2, "Lavrov") == "Sergei Lavrov"
    rows = {r.name: r for r in session.actor_rows()}
    assert rows["Bashar al-Assad"].mentions == 3 and rows["Bashar al-Assad"].documents == 2


def test_split_merge_rename_undo_from_another_document(two_docs) -> None:
    session, d1, d2 = two_docs
    start = _state(session)
    assad_2 = next(s for s in session.spans(d2) if s.text == "Assad")
    bashar = assad_2.actor_id
    assert bashar is not None
    new_id = session.split_mention(assad_2.id)
    assert session.actor_name(new_id) == "Assad"
    assert session.span(assad_2.id).actor_id == new_id
    after_split = _state(session)
    session.rename_actor(new_id, "Hafez al-Assad")
    session.merge_actors(new_id, bashar)
    assert session.span(assad_2.id).actor_id == bashar
    assert new_id not in {a.id for a in session.actor_rows()}  # kept, merged, not listed
    # Undo from document 1: the merge touched a span of document 2, and comes back whole.
    assert session.undo(d1).op == "merge_actors"
    assert session.actor_name(session.span(assad_2.id).actor_id) == "Hafez al-Assad"
    assert session.undo(d1).op == "rename_actor"
    assert _state(session) == after_split
    assert session.undo(d2).op == "split_mention"
    assert _state(session) == start
    # Redo gives the same states back, in order.
    session.redo(d2), session.redo(d2), session.redo(d2)
    assert session.span(assad_2.id).actor_id == bashar
    merged = session.store.execute("SELECT merged_into FROM actors WHERE id = ?", (new_id,))
    assert merged.fetchone()[0] == bashar


def test_a_merged_name_still_names_its_actor(two_docs) -> None:
    session, d1, _ = two_docs
    at = TEXT_1.index("Damascus")
    span = session.create_span(d1, at, at + len("Damascus"), "GPE")
    damascus = span.actor_id
    other = session.split_mention(span.id)
    session.rename_actor(other, "Dimashq")
    session.merge_actors(other, damascus)
    assert link_actor_id(session.store, "Dimashq", "GPE", d1) == damascus
    with pytest.raises(ReviewError, match="merged into"):
        session.rename_actor(damascus, "Dimashq")


def test_a_new_document_op_undoes_after_a_project_op(two_docs) -> None:
    session, d1, d2 = two_docs
    lavrov = next(s for s in session.spans(d1) if s.text == "Sergei Lavrov")
    session.rename_actor(lavrov.actor_id, "Sergey Lavrov")
    span = next(s for s in session.spans(d2) if s.text == "Lavrov")
    session.reject_span(span.id)
    assert session.undo(d2).op == "reject_span"
    assert session.undo(d2).op == "rename_actor"
    assert session.actor_name(lavrov.actor_id) == "Sergei Lavrov"
    assert session.undo(d2).op == "create_span"  # then the document's own history


def test_rename_onto_an_existing_name_is_refused(two_docs) -> None:
    session, d1, _ = two_docs
    lavrov = next(s for s in session.spans(d1) if s.text == "Sergei Lavrov")
    with pytest.raises(ReviewError, match="merge"):
        session.rename_actor(lavrov.actor_id, "Bashar al-Assad")
    with pytest.raises(ReviewError):
        session.merge_actors(lavrov.actor_id, lavrov.actor_id)


def test_swapped_names_undo_without_a_unique_clash(two_docs) -> None:
    session, d1, _ = two_docs
    a = next(s for s in session.spans(d1) if s.text == "Sergei Lavrov").actor_id
    b = next(s for s in session.spans(d1) if s.text == "Bashar al-Assad").actor_id
    session.rename_actor(a, "tmp")
    session.rename_actor(b, "Sergei Lavrov")
    session.rename_actor(a, "Bashar al-Assad")
    for _ in range(3):
        session.undo(d1)
    assert (session.actor_name(a), session.actor_name(b)) == ("Sergei Lavrov", "Bashar al-Assad")


def test_speaker_link_is_editable_and_undoable(two_docs) -> None:
    session, d1, _ = two_docs
    claim = session.create_claim(d1, content_range=(TEXT_1.index("spoke"), len(TEXT_1)))
    he = TEXT_1.index("Sergei Lavrov")
    session.set_role(claim.id, "speaker", rng=(he, he + len("Sergei Lavrov")))
    actor_id, _how = session.speaker_actor(claim.id)
    assert session.actor_name(actor_id) == "Sergei Lavrov"
    bashar = next(s for s in session.spans(d1) if s.text == "Bashar al-Assad").actor_id
    session.link_speaker(claim.id, bashar)
    assert session.speaker_actor(claim.id)[0] == bashar
    assert session.undo(d1).op == "link_actor"
    assert session.speaker_actor(claim.id)[0] == actor_id


def test_demonym_setting_links_to_the_state(tmp_path: Path) -> None:
    session = ReviewSession.open(tmp_path / "p.idleb", "ana")
    text = "Russian officials met. Russia said no. Russian troops left."
    with session.store.transaction():
        doc = session.store.insert_document("d", "d", text)
    assert doc
    off = session.create_span(doc, 0, len("Russian"), "NORP")
    assert session.actor_name(off.actor_id) == "Russian"
    session.set_demonyms_to_state(True)
    state = session.create_span(doc, text.index("Russia said"), text.index(" said"), "GPE")
    later = text.rindex("Russian")
    mention = session.create_span(doc, later, later + len("Russian"), "NORP")
    assert session.actor_name(mention.actor_id) == "Russia"
    assert mention.actor_id == state.actor_id
    assert session.span(off.id).actor_id != state.actor_id  # earlier links stay as made


def test_cli_export_writes_the_actor_table(two_docs, tmp_path: Path) -> None:
    import subprocess
    import sys

    session, *_ = two_docs
    db = session.path
    session.close()
    out = tmp_path / "export"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "idleb_desk",
            "export",
            str(db),
            "--out",
            str(out),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "actor_table.csv" in done.stdout
    table = {r["name"]: r for r in _rows(out / ACTOR_TABLE_FILE)}
    assert table["Bashar al-Assad"]["aliases"].split(" | ") == ["Assad", "Bashar al-Assad"]
    assert (table["Bashar al-Assad"]["mentions"], table["Bashar al-Assad"]["documents"]) == (
        "3",
        "2",
    )
