"""The command line: import --format/--accepted, export --format/--excel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_formats_prodigy import _task

from idleb_desk.cli import main
from idleb_desk.store.store import Store


def test_import_accepted_then_export_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "tasks.jsonl"
    src.write_text(json.dumps(_task()) + "\n", encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    assert main(["import", str(db), str(src), "--no-extract", "--accepted"]) == 0
    assert "1 with annotations restored" in capsys.readouterr().out
    with Store.open(db) as store:
        assert {r[0] for r in store.execute("SELECT status FROM spans")} == {"accepted"}
        assert [r[0] for r in store.execute("SELECT status FROM claims")] == ["accepted"]
    out = tmp_path / "out"
    args = ["export", str(db), "--out", str(out), "--excel"]
    for fmt in ("csv", "prodigy", "spacy", "brat", "labelstudio", "conll"):
        args += ["--format", fmt]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "brat: 1 documents to" in printed and "1 actor mentions" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == ["actors.conll", "actors.csv", "brat", "claims.csv", "labelstudio-config.xml",
                     "labelstudio.json", "prodigy.jsonl", "project.spacy"]  # fmt: skip
    assert (out / "actors.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # A reviewed-only export still holds the accepted claim with its roles.
    task = json.loads((out / "prodigy.jsonl").read_text(encoding="utf-8"))
    assert sorted(r["label"] for r in task["relations"]) == ["CUE", "SPEAKER"]


def test_forced_format_reads_a_line_without_spans_as_an_empty_task(tmp_path: Path) -> None:
    src = tmp_path / "plain.jsonl"
    src.write_text(json.dumps({"text": "Nothing marked here."}) + "\n", encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    assert main(["import", str(db), str(src), "--no-extract", "--format", "prodigy"]) == 0
    with Store.open(db) as store:
        (doc,) = store.document_summaries()
        # Annotated with nothing: not left for the model to extract later.
        assert store.unextracted_document_ids() == []
        assert store.spans(doc.id) == []


def test_unknown_format_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", str(tmp_path / "p.sqlite3"), "--out", str(tmp_path), "--format", "xml"])
    assert exc.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_format_idleb_refuses_a_prodigy_line_instead_of_dropping_its_spans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "tasks.jsonl"
    src.write_text(json.dumps(_task()) + "\n", encoding="utf-8")
    db = tmp_path / "p.sqlite3"
    assert main(["import", str(db), str(src), "--no-extract", "--format", "idleb"]) == 1
    out = capsys.readouterr().out
    assert "0 imported" in out
    assert f'problem: {src}, line 1: has "spans" or "relations" (a Prodigy task)' in out
