"""Failure 7 of issue 6: a full disk during a review operation, an import or an export
gives a message naming the file and the problem, and the last committed state intact.

The disk is a small tmpfs, mounted when the suite runs as root (as CI does); elsewhere
these tests are skipped, since an ordinary user cannot make a disk fill up on demand.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import ExportError, export_csv
from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.connection import StoreError
from idleb_desk.store.store import Store

TEXT = "Lavrov met Erdogan in Ankara. " * 40


@pytest.fixture
def small_disk(tmp_path: Path, mount_tmpfs) -> Path:
    return mount_tmpfs(tmp_path / "disk", "3m")


def fill(disk: Path) -> Path:
    """Take every free byte of the disk."""
    filler = disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as fh:
        while True:
            fh.write(b"\0" * 65536)
    with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as fh:
        while True:
            fh.write(b"\0")
    return filler


def make_project(db: Path) -> int:
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("d", "D", TEXT)
        assert doc is not None
        actors = tuple(ActorSuggestion(i * 30, i * 30 + 6, "", "PERSON") for i in range(40))
        store.add_extraction(doc, Extraction(model="m", actors=actors))
    return doc


def accepted(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(con.execute("SELECT count(*) FROM spans WHERE status='accepted'").fetchone()[0])
    finally:
        con.close()


def test_review_on_a_full_disk_names_the_file_and_keeps_what_was_saved(small_disk: Path):
    db = small_disk / "p.sqlite3"
    doc = make_project(db)
    s = ReviewSession.open(db, "ana")
    spans = s.spans(doc)
    s.accept_span(spans[0].id)
    filler = fill(small_disk)
    failures = []
    for span in spans[1:]:  # keep going until the WAL can grow no more
        try:
            s.accept_span(span.id)
        except StoreError as exc:
            failures.append(str(exc))
            break
    assert failures, "the disk never filled"
    assert str(db) in failures[0] and "disk is full" in failures[0]
    saved = len(spans[1:]) if not failures else None
    s.close()
    filler.unlink()
    n = accepted(db)
    assert n >= 1 and (saved is None or n == saved + 1)
    s = ReviewSession.open(db, "ana")
    s.accept_span(spans[-1].id)  # works again once there is room
    s.close()


def test_export_on_a_full_disk_names_the_file_and_leaves_no_part_files(
    small_disk: Path, tmp_path: Path
) -> None:
    db = tmp_path / "p.sqlite3"
    doc = make_project(db)
    s = ReviewSession.open(db, "ana")
    for span in s.spans(doc):
        s.accept_span(span.id)
    s.close()
    out = small_disk / "out"
    out.mkdir()
    fill(small_disk)
    with Store.open(db) as store, pytest.raises(ExportError) as err:
        export_csv(store, out)
    assert "disk is full" in str(err.value) and "actors.csv" in str(err.value)
    assert [p.name for p in out.iterdir()] == []


def test_import_on_a_full_disk_exits_2_and_keeps_the_project(small_disk: Path, tmp_path):
    db = small_disk / "p.sqlite3"
    make_project(db)
    before = accepted(db)
    article = tmp_path / "long.txt"
    article.write_text("Borrell said the talks would resume. " * 20000, encoding="utf-8")
    fill(small_disk)
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "import", str(db), str(article), "--no-extract"],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert str(db) in done.stderr and "disk is full" in done.stderr
    assert "Traceback" not in done.stderr
    (small_disk / "filler").unlink()
    assert accepted(db) == before
    with Store.open(db) as store:
        assert store.document_count() == 1


def test_stale_part_files_of_a_killed_export_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".actors.csv.999999.part"  # a process id that is not running
    stale.write_text("half an export")
    with Store.open(db) as store:
        export_csv(store, out)
    assert not stale.exists()
    assert sorted(p.name for p in out.iterdir()) == ["actor_table.csv", "actors.csv", "claims.csv"]
