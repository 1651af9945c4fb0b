"""`idleb-desk import` with nothing to import leaves no project behind it.

Before, a new project file (and its side files) stayed after an import whose every input
was refused: an empty project the analyst never asked for, which the next `stats` opened.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idleb_desk.cli import main
from idleb_desk.store.store import Store


def _bad(tmp: Path) -> Path:
    src = tmp / "bad.jsonl"
    src.write_text('{"text": 17}\n{"id": 2}\n', encoding="utf-8")
    return src


def test_a_failed_import_removes_the_project_it_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _bad(tmp_path)
    db = tmp_path / "new" / "deeper" / "p.sqlite3"
    code = main(["import", str(db), str(src), "--no-extract"])
    out = capsys.readouterr().out
    assert code != 0
    assert "0 imported" in out and "was not created" in out
    assert not db.exists()
    assert not (tmp_path / "new").exists()  # the folders it made for it go too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


def test_a_failed_import_leaves_an_existing_project_alone(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    with Store.open(db):
        pass  # an empty project the analyst made earlier
    before = db.read_bytes()
    assert main(["import", str(db), str(_bad(tmp_path)), "--no-extract"]) != 0
    assert db.exists() and db.read_bytes() == before


def test_a_forced_format_mismatch_creates_no_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([{"data": {"text": "Lavrov spoke."}}]), encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    assert main(["import", str(db), str(src), "--no-extract", "--format", "brat"]) != 0
    out = capsys.readouterr().out
    assert f"problem: {src}: is not brat standoff" in out
    assert not db.exists()


def test_an_import_that_stores_something_keeps_the_new_project(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Lavrov spoke in Ankara.", encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    assert main(["import", str(db), str(src), "--no-extract"]) == 0
    with Store.open(db) as store:
        assert store.document_count() == 1
