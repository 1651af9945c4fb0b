"""The project model's confidence is stored with each suggestion it scored (issue 14), and
the export, undo, a schema upgrade and the exchange formats keep it."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from idleb_desk.cli import main
from idleb_desk.core.memory import describe_origin, mark_project_cue_claims
from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.formats.export import export_format
from idleb_desk.io.importer import import_paths
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.learn.apply import ModelOrigin
from idleb_desk.model import ClaimSuggestion, Extraction, TextRef
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store import schema
from idleb_desk.store.store import Store
from tests.test_learn import NEW, _project
from tests.test_learn import import_article as _import


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def _claims(db: Path, doc: int) -> list[tuple[str, float | None]]:
    with Store.open(db, create=False, read_only=True) as store:
        return [(c.origin, c.confidence) for c in store.claims(doc)]


def _spans(db: Path, doc: int) -> list[tuple[int, int, str]]:
    with Store.open(db, create=False, read_only=True) as store:
        return sorted((x.start, x.end, x.label) for x in store.spans(doc))


def test_train_then_import_stores_the_confidence_and_off_or_retraining_change_new_ones(
    tmp_db: Path, tmp_path: Path, extractor: Extractor, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_db, extractor)
    with Store.open(tmp_db, create=False, read_only=True) as store:
        made = [c.confidence for d in store.document_summaries() for c in store.claims(d.id)]
    assert made and set(made) == {None}  # rules alone: no figure
    assert main(["train", str(tmp_db)]) == 0
    first = _import(tmp_db, tmp_path, "first", NEW, extractor)
    ((origin, conf),) = _claims(tmp_db, first)  # "noted" was dropped, "said" kept
    assert origin.endswith("+project-model-v1")
    assert conf is not None and 0.5 < conf <= 1 and round(conf, 3) == conf
    words = describe_origin(origin, conf).text
    assert words.endswith(f"kept by the project's model v1 (confidence {conf:.2f})")
    # Retraining: new suggestions carry the new version's figure; those already stored
    # keep the version and figure they were made with (the origin names that version).
    assert main(["train", str(tmp_db)]) == 0
    second = _import(tmp_db, tmp_path, "second", NEW.replace("vet", "farrier"), extractor)
    ((origin2, conf2),) = _claims(tmp_db, second)
    assert origin2.endswith("+project-model-v2") and conf2 is not None
    assert _claims(tmp_db, first) == [(origin, conf)]
    # --off: rules alone again, so no figure on what comes in.
    assert main(["train", str(tmp_db), "--off"]) == 0
    third = _import(tmp_db, tmp_path, "third", NEW.replace("vet", "baker"), extractor)
    assert [c for _, c in _claims(tmp_db, third)] == [None, None]
    capsys.readouterr()

    # The export: claims.csv's last column, empty when none; JSONL and the formats too.
    with Store.open(tmp_db, create=False) as store:
        export_csv(store, tmp_path / "csv", include_all=True)
        export_jsonl(store, tmp_path / "all.jsonl")
    with open(tmp_path / "csv" / "claims.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[-1] == "confidence"
    by_doc = {(r["document_id"], r["origin"]): r["confidence"] for r in rows}
    assert by_doc[(str(first), origin)] == str(conf)
    assert by_doc[(str(second), origin2)] == str(conf2)
    assert {r["confidence"] for r in rows if r["document_id"] == str(third)} == {""}
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text().splitlines()]
    scored = [c for ln in lines for c in ln["annotations"]["claims"] if "confidence" in c]
    assert sorted(c["confidence"] for c in scored) == sorted([conf, conf2])
    # Imported back, the figure is there again.
    with Store.open(tmp_path / "back.sqlite3") as store:
        assert import_paths(store, [tmp_path / "all.jsonl"]).problems == []
        back = sorted(
            c.confidence for d in store.document_summaries() for c in store.claims(d.id)
            if c.confidence is not None
        )  # fmt: skip
    assert back == sorted([conf, conf2])


@pytest.mark.parametrize("fmt", ["prodigy", "spacy", "brat", "labelstudio"])
def test_the_exchange_formats_keep_the_confidence(
    tmp_db: Path, tmp_path: Path, extractor: Extractor, fmt: str
) -> None:
    _project(tmp_db, extractor)
    assert main(["train", str(tmp_db)]) == 0
    doc = _import(tmp_db, tmp_path, "new", NEW, extractor)
    ((_, conf),) = _claims(tmp_db, doc)
    with Store.open(tmp_db, create=False) as store:
        report = export_format(store, fmt, tmp_path / "out", include_all=True)
    with Store.open(tmp_path / "back.sqlite3") as store:
        assert import_paths(store, [report.path]).problems == []
        figures = [c.confidence for d in store.document_summaries() for c in store.claims(d.id)]
    assert sorted(f for f in figures if f is not None) == [conf]
    assert figures.count(None) == len(figures) - 1


def test_a_bad_confidence_in_a_file_is_refused(tmp_path: Path) -> None:
    text = "The mayor said the pier would close."
    span = {"id": 1, "start": 15, "end": 35, "text": text[15:35], "label": "CONTENT",
            "layer": "claim", "status": "suggested", "origin": "m"}  # fmt: skip
    claim = {"content": 1, "kind": "statement", "quote_type": "indirect",
             "status": "suggested", "origin": "m", "confidence": 1.5}  # fmt: skip
    line = {"id": "a", "title": "A", "text": text,
            "annotations": {"spans": [span], "claims": [claim]}}  # fmt: skip
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [path])
    assert report.imported == [] and "a number from 0 to 1" in " ".join(report.summary_lines())


def test_undo_gives_a_deleted_suggestion_back_with_its_confidence(tmp_db: Path) -> None:
    text = "The mayor said the pier would close."
    said = TextRef(10, 14, "said")
    claim = ClaimSuggestion(TextRef(15, 35, text[15:35]), TextRef(0, 9, "The mayor"), said,
                            confidence=0.734)  # fmt: skip
    s = ReviewSession.open(tmp_db, reviewer="ana")
    with s.store.transaction():
        doc = s.store.insert_document("d", "D", text)
        assert doc is not None
        s.store.add_extraction(doc, Extraction("m", claims=(claim,)))
    (c,) = s.store.claims(doc)
    assert c.confidence == 0.734
    s.delete_claim(c.id)
    assert s.store.claims(doc) == []
    s.undo(doc)
    assert [x.confidence for x in s.store.claims(doc)] == [0.734]
    s.close()


def test_a_claim_with_no_cue_the_model_kept_names_the_model(tmp_db: Path) -> None:
    """A claim with no cue (a quoted tweet) is scored like any other, so its origin says
    which model kept it; one the model never scored is left alone."""
    text = '"The wells are dry." "The road is open."'
    scored = ClaimSuggestion(TextRef(0, 20, text[:20]), confidence=0.61)
    plain = ClaimSuggestion(TextRef(21, 40, text[21:]))
    with Store.open(tmp_db) as store, store.transaction():
        doc = store.insert_document("d", "D", text)
        assert doc is not None
        store.add_extraction(doc, Extraction("m", claims=(scored, plain)))
        assert mark_project_cue_claims(store, doc, ModelOrigin(3).claim_origin) == 1
        got = [(c.origin, c.confidence) for c in store.claims(doc)]
    assert got == [("m+project-model-v3", 0.61), ("m", None)]


def test_schema_v11_upgrade_adds_the_confidence_column(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    for step in schema.STEPS[:10]:  # a file as version 10 left it
        step(con)
    con.execute("PRAGMA user_version = 10")
    con.execute(
        "INSERT INTO documents (ext_id, title, text, sha256, created_at) "
        "VALUES ('a', 'A', 'Putin said no.', 'x', '2020-01-01')"
    )
    con.execute(
        "INSERT INTO claims (document_id, kind, quote_type, status, origin) "
        "VALUES (1, 'statement', 'direct', 'suggested', 'm+project-model-v2')"
    )
    con.commit()
    con.close()
    with Store.open(db, create=False) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION > 10
        (claim,) = store.claims(1)
        assert claim.confidence is None  # made before figures were kept
        assert store.backup_path is not None and store.backup_path.exists()


def test_team_split_hands_out_the_suggestions_with_their_confidence(
    tmp_db: Path, tmp_path: Path
) -> None:
    from idleb_desk.core.team_split import split_project

    text = "The mayor said the pier would close."
    claim = ClaimSuggestion(TextRef(15, 35, text[15:35]), TextRef(0, 9, "The mayor"),
                            TextRef(10, 14, "said"), confidence=0.42)  # fmt: skip
    with Store.open(tmp_db) as store, store.transaction():
        for n in range(4):
            doc = store.insert_document(f"d{n}", f"D{n}", f"{text} ({n})")
            assert doc is not None
            store.add_extraction(doc, Extraction("m+project-model-v1", claims=(claim,)))
    report = split_project(tmp_db, ["ana", "ben"], 0.5, tmp_path / "team", seed=1)
    for path in report.files.values():
        with Store.open(path, create=False, read_only=True) as store:
            figures = [c.confidence for d in store.document_summaries()
                       for c in store.claims(d.id)]  # fmt: skip
        assert figures and set(figures) == {0.42}


def test_train_rescore_applies_the_new_model_to_pending_suggestions_and_undo_restores(
    tmp_db: Path, tmp_path: Path, extractor: Extractor, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document imported before the training keeps the rules' suggestions until
    `train --rescore`: then the one its analysts would reject ("noted") is dropped and the
    other carries the model's version and confidence, as an import after training gives;
    decided claims are left alone; one Ctrl+Z in the document brings the rules' back."""
    _project(tmp_db, extractor)
    early = _import(tmp_db, tmp_path, "early", NEW, extractor)  # rules alone: both kept
    rules = _claims(tmp_db, early)
    rule_spans = _spans(tmp_db, early)
    assert len(rules) == 2 and {c for _, c in rules} == {None}
    with Store.open(tmp_db, create=False, read_only=True) as store:
        decided = {
            d.id: [(c.id, c.status, c.origin, c.confidence) for c in store.claims(d.id)]
            for d in store.document_summaries()
            if d.id != early
        }
    capsys.readouterr()
    assert main(["train", str(tmp_db), "--rescore", "--reviewer", "ana"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rescored"] == {"documents": 1, "scored": 1, "dropped": 1, "recoded": 0}
    later = _import(tmp_db, tmp_path, "later", NEW.replace("vet", "baker"), extractor)
    assert _claims(tmp_db, early) == _claims(tmp_db, later)  # as if imported after training
    # The dropped claim's own spans went with it: the article shows what an import shows.
    shift = len("baker") - len("vet")
    assert _spans(tmp_db, early) == [
        (a if a < 4 else a - shift, b if b < 4 else b - shift, label)
        for a, b, label in _spans(tmp_db, later)
    ]
    assert len(_spans(tmp_db, early)) < len(rule_spans)
    ((origin, conf),) = _claims(tmp_db, early)
    assert origin.endswith("+project-model-v1") and conf is not None
    with Store.open(tmp_db, create=False, read_only=True) as store:
        for doc, rows in decided.items():
            assert [(c.id, c.status, c.origin, c.confidence) for c in store.claims(doc)] == rows
    # Retrained and re-scored again: the mark names the new version, not both.
    assert main(["train", str(tmp_db), "--rescore", "--reviewer", "ana"]) == 0
    ((origin2, _),) = _claims(tmp_db, early)
    assert origin2.endswith("+project-model-v2") and "v1" not in origin2
    s = ReviewSession.open(tmp_db, "ana", create=False)
    try:
        s.undo(early)
        s.undo(early)
    finally:
        s.close()
    assert sorted(_claims(tmp_db, early)) == sorted(rules)
    assert _spans(tmp_db, early) == rule_spans


def test_rescore_refuses_to_go_with_on_or_off(tmp_db: Path, extractor: Extractor) -> None:
    _project(tmp_db, extractor)
    assert main(["train", str(tmp_db), "--off", "--rescore"]) != 0
