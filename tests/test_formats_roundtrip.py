"""Ours -> theirs -> ours is identical for Prodigy, spaCy DocBin, brat and Label Studio.

The project is the seed extracted by the real pipeline and reviewed, plus a text made
to be hard (see exchange_project.py). Each export is imported into a fresh project with
the ordinary import, and both projects are compared item by item (ids left out).
"""

from __future__ import annotations

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
