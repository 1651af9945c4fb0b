"""Ours -> theirs -> ours is identical for Prodigy, spaCy DocBin, brat and Label Studio.

The project is the seed extracted by the real pipeline and reviewed, plus a text made
to be hard (see exchange_project.py). Each export is imported into a fresh project with
the ordinary import, and both projects are compared item by item (ids left out).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exchange_project import build, canonical

from idleb_desk.io.formats.export import export_format
from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store

# brat has no place for a document's title, meta, review state or marked regions.
KEEPS_DOCUMENT_FIELDS = {"prodigy": True, "spacy": True, "labelstudio": True, "brat": False}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("exchange"))


def export_all(db: Path, fmt: str, out: Path):
    with Store.open(db) as store:
        return export_format(store, fmt, out, include_all=True)


@pytest.mark.parametrize("fmt", sorted(KEEPS_DOCUMENT_FIELDS))
def test_round_trip_is_identical(source: Path, tmp_path: Path, fmt: str) -> None:
    report = export_all(source, fmt, tmp_path / "out")
    assert report.documents == 2
    assert report.skipped_claims == 1  # the claim whose content span was deleted
    with Store.open(tmp_path / "back.sqlite3") as store:
        back = import_paths(store, [report.path])
    assert back.problems == [] and len(back.imported) == 2, back.summary_lines()
    keep = KEEPS_DOCUMENT_FIELDS[fmt]
    before = canonical(source, doc_fields=keep)
    after = canonical(tmp_path / "back.sqlite3", doc_fields=keep)
    assert after.keys() == before.keys()
    for text, doc in before.items():
        assert after[text]["spans"] == doc["spans"]
        assert after[text]["claims"] == doc["claims"]
        assert after[text] == doc
    if not keep:  # what brat keeps of a document: its text and its id as the file name
        assert {d["text"] for d in after.values()} == set(before)


@pytest.mark.parametrize("fmt", sorted(KEEPS_DOCUMENT_FIELDS))
def test_reviewed_only_export_round_trips_what_it_holds(
    source: Path, tmp_path: Path, fmt: str
) -> None:
    """Without --all only reviewed items (and the spans their claims use) go out."""
    with Store.open(source) as store:
        report = export_format(store, fmt, tmp_path / "out")
    with Store.open(tmp_path / "back.sqlite3") as store:
        back = import_paths(store, [report.path])
        assert back.problems == []
        statuses = {r[0] for r in store.execute("SELECT status FROM claims")}
        assert statuses <= {"accepted", "edited", "manual"} and statuses
        n_claims = store.execute("SELECT count(*) FROM claims").fetchone()[0]
    with Store.open(source) as store:
        reviewed = store.execute(
            "SELECT count(*) FROM claims WHERE status IN ('accepted', 'edited', 'manual') "
            "AND content_span_id IS NOT NULL"
        ).fetchone()[0]
    assert n_claims == reviewed


def test_exports_replace_earlier_ones_whole(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for fmt in ("brat", "brat", "prodigy"):
        export_all(source, fmt, out)
    assert sorted(p.name for p in out.iterdir()) == ["brat", "prodigy.jsonl"]
    assert len(list((out / "brat").glob("*.ann"))) == 2


def _strip(value: object) -> object:
    """The file as another tool would save it: without our `idleb` keys."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("idleb")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _shape(db: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Texts, spans (offsets, label, layer) and claims (roles as spans), nothing else."""
    full = canonical(db, doc_fields=False)
    out = {}
    for text, doc in full.items():
        spans = sorted(json.dumps(json.loads(s)[:4]) for s in doc["spans"])
        claims = sorted(json.dumps(json.loads(c)[:5]) for c in doc["claims"])
        out[text] = (spans, claims)
    return out


@pytest.mark.parametrize("fmt", ["prodigy", "labelstudio"])
def test_without_our_keys_spans_and_claims_survive(source: Path, tmp_path: Path, fmt: str) -> None:
    """A tool that re-saves the file drops our keys; the native spans and relations
    still give back every span and claim (as suggestions). Label Studio keeps only the
    annotation when a task has one, so that case exports reviewed items only."""
    with Store.open(source) as store:
        report = export_format(store, fmt, tmp_path / "out", include_all=fmt == "prodigy")
    theirs = tmp_path / ("theirs.jsonl" if fmt == "prodigy" else "theirs.json")
    if fmt == "prodigy":
        lines = report.path.read_text(encoding="utf-8").splitlines()
        stripped = [json.dumps(_strip(json.loads(line)), ensure_ascii=False) for line in lines]
        theirs.write_text("\n".join(stripped) + "\n", encoding="utf-8")
    else:
        tasks = json.loads(report.path.read_text(encoding="utf-8"))
        theirs.write_text(json.dumps(_strip(tasks), ensure_ascii=False), encoding="utf-8")
    for name, path in (("ours", report.path), ("theirs", theirs)):
        with Store.open(tmp_path / f"{name}.sqlite3") as store:
            assert import_paths(store, [path]).problems == []
    assert _shape(tmp_path / "theirs.sqlite3") == _shape(tmp_path / "ours.sqlite3")
    with Store.open(tmp_path / "theirs.sqlite3") as store:
        assert {r[0] for r in store.execute("SELECT status FROM spans")} == {"suggested"}
        assert {r[0] for r in store.execute("SELECT origin FROM claims")} == {f"import:{fmt}"}
