"""The `idleb-desk` command end to end, as a user runs it: real model, real files."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from idleb_desk.project import SEED_PATH
from idleb_desk.store import schema


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "idleb_desk", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture(scope="module")
def seed_extract() -> list[dict]:
    done = run("extract", SEED_PATH)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_extract_prints_one_record_per_document(seed_extract: list[dict]) -> None:
    assert len(seed_extract) == 1
    rec = seed_extract[0]
    assert rec["id"] == "idleb-eu-ministers"
    assert rec["path"] == str(SEED_PATH)
    assert rec["model"].startswith("en_core_web_sm")
    text = SEED_PATH.read_text(encoding="utf-8-sig")
    for actor in rec["actors"]:
        assert text[actor["start"] : actor["end"]] == actor["text"]
    assert rec["claims"], "the seed has claims"


def test_extract_offsets_skip_a_bom(tmp_path: Path) -> None:
    text = "Lavrov said the talks had failed."
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    done = run("extract", path)
    assert done.returncode == 0, done.stderr
    rec = json.loads(done.stdout)
    for actor in rec["actors"]:
        assert text[actor["start"] : actor["end"]] == actor["text"]


def test_import_export_formula_title(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    article = tmp_path / "evil.md"
    article.write_text(
        '# =HYPERLINK("http://example.com","click")\n\n'
        "Turkish President Recep Tayyip Erdogan said Turkey would not step back.\n",
        encoding="utf-8",
    )
    done = run("import", db, article, SEED_PATH)
    assert done.returncode == 0, done.stderr + done.stdout
    again = run("import", db, SEED_PATH)
    assert "duplicate" in (again.stdout + again.stderr).lower()

    out = tmp_path / "out"
    done = run("export", db, "--out", out, "--all")
    assert done.returncode == 0, done.stderr
    with (out / "actors.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    titles = {r["document_title"] for r in rows}
    assert '\'=HYPERLINK("http://example.com","click")' in titles
    assert not any(t.startswith("=") for t in titles)
    assert {r["status"] for r in rows} == {"suggested"}

    stats = json.loads(run("stats", db).stdout)
    assert sum(stats["documents"].values()) == 2


def test_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    done = run("stats", db)
    assert done.returncode == 2
    assert str(db) in done.stderr and "newer" in done.stderr
