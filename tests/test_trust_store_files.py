"""Issue 12, items 2-4 and 9-11, and the restore command: the files beside a project.

Every case works on real project files and real side files, and checks the bytes that
must not change.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from idleb_desk.core.opening import open_project
from idleb_desk.core.review import ReviewSession
from idleb_desk.store import walguard
from idleb_desk.store.connection import CorruptDatabaseError, StoreError
from idleb_desk.store.lockfile import lock_path
from idleb_desk.store.recover import recover
from idleb_desk.store.restore import restore_backup
from idleb_desk.store.schema import backup, remove_stale_backup_parts
from idleb_desk.store.store import Store
from tests.test_trust_wal import accept_some, counts, crash_after, make_project

PY = sys.executable


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "idleb_desk", *args], capture_output=True, text=True, timeout=120
    )


# ---- item 2: recover reads what SQLite can still read -------------------------------------


def readable_rows(db: Path, table: str) -> int:
    """Rows an independent reader gets one rowid at a time, with writable_schema."""
    con = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    con.execute("PRAGMA writable_schema = ON")
    n = 0
    sql = f'SELECT * FROM "{table}" WHERE rowid = ?'
    for rowid in range(1, 5000):
        with contextlib.suppress(sqlite3.DatabaseError):
            n += con.execute(sql, (rowid,)).fetchone() is not None
    con.close()
    return n


def test_recover_of_a_file_missing_its_last_page_saves_every_readable_row(
    tmp_path: Path,
) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    accept_some(db, 20)
    cut = tmp_path / "cut.sqlite3"
    shutil.copyfile(db, cut)
    os.truncate(cut, cut.stat().st_size - 4096)  # an interrupted copy
    report = recover(cut, tmp_path / "new.sqlite3")
    saved = {t.table: t.copied + t.dropped for t in report.tables}
    assert saved["documents"] == readable_rows(cut, "documents") == 4
    for table in ("spans", "events"):
        assert saved[table] == readable_rows(cut, table)
    assert saved["spans"] > 0
    with Store.open(tmp_path / "new.sqlite3", create=False) as new:
        assert new.document_count() == 4


# ---- item 3: a killed recover leaves nothing that looks like a project ---------------------


def test_a_killed_recover_leaves_no_new_file_and_a_rerun_works(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    new = tmp_path / "new.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal
        from idleb_desk.store import recover as r
        real = r._copy_table
        seen = []
        def copy(old, new, table):
            seen.append(table)
            if len(seen) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(old, new, table)
        r._copy_table = copy
        r.recover({str(db)!r}, {str(new)!r})
        """
    )
    done = subprocess.run([PY, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    assert not new.exists()
    assert list(tmp_path.glob(".new.sqlite3.recovering-*"))  # what the kill left
    report = recover(db, new)
    assert report.complete
    assert not list(tmp_path.glob(".new.sqlite3.recovering-*"))
    with Store.open(new, create=False) as store:
        assert store.document_count() == 4


def test_recover_never_replaces_an_existing_project(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    other = tmp_path / "other.sqlite3"
    make_project(other, docs=1)
    before = digest(other)
    with pytest.raises(StoreError, match="already exists"):
        recover(db, other)
    assert digest(other) == before


# ---- item 4: the lock file is never followed ------------------------------------------------


def test_a_lock_file_that_is_a_link_is_never_written_through(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    target = tmp_path / "precious.txt"
    target.write_text("the analyst's notes\n")
    lock_path(db).symlink_to(target)
    session = open_project(db, "ana")
    try:
        assert session.read_only_reason is not None
        assert "symbolic link" in session.read_only_reason
    finally:
        session.close()
    assert target.read_text() == "the analyst's notes\n"
    assert lock_path(db).is_symlink()


@pytest.mark.parametrize("kind", ["folder", "dangling link"])
def test_a_lock_path_that_is_not_a_file_opens_read_only(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    if kind == "folder":
        lock_path(db).mkdir()
    else:
        lock_path(db).symlink_to(tmp_path / "nowhere" / "x.lock")
    first = open_project(db, "ana")
    second = open_project(db, "ben")
    try:
        assert first.read_only_reason is not None
        assert second.read_only_reason is not None
    finally:
        first.close()
        second.close()
    assert not (tmp_path / "nowhere").exists()


def test_two_windows_one_writer_and_a_clean_quit_leaves_no_lock_file(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    first = open_project(db, "ana")
    second = open_project(db, "ben")
    assert first.read_only_reason is None
    assert second.read_only_reason is not None and "ana" in second.read_only_reason
    second.close()
    assert lock_path(db).exists()
    first.close()
    assert not lock_path(db).exists()
    third = open_project(db, "chen")
    assert third.read_only_reason is None
    third.close()


# ---- items 9 and 10: leftovers and side files of refusals ---------------------------------


def test_stale_backup_parts_of_a_killed_upgrade_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    dead = subprocess.run([PY, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()  # fmt: skip
    part = tmp_path / f"p.sqlite3.v6-20260101T000000.bak.{dead}.part"
    legacy = tmp_path / "p.sqlite3.v5-20250101T000000.bak.part"
    for f in (part, Path(f"{part}-journal"), legacy, Path(f"{legacy}-journal")):
        f.write_bytes(b"partial")
    mine = tmp_path / f"p.sqlite3.v6-20260101T000001.bak.{os.getpid()}.part"
    mine.write_bytes(b"being written")
    remove_stale_backup_parts(db)
    assert sorted(p.name for p in tmp_path.glob("*.part*")) == [mine.name]


def test_a_backup_is_written_whole_under_a_name_with_the_process(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    con = sqlite3.connect(db)
    try:
        out = backup(con, db, 7)
    finally:
        con.close()
    assert out.name.endswith(".bak") and not list(tmp_path.glob("*.part*"))


def damage(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for i in range(4096 * 3, 4096 * 3 + 512):
        data[i] ^= 0x5A
    db.write_bytes(bytes(data))


def test_the_window_refuses_a_damaged_file_without_a_lock_file(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    damage(db)
    before = digest(db)
    with pytest.raises(CorruptDatabaseError):
        open_project(db, "ana")
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite3", "p.sqlite3.wal-id"]


def test_a_damaged_file_with_a_crash_wal_gets_no_shm_when_refused(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    crash_after(db, "for sp in s.spans(docs[0])[:3]:\n    s.accept_span(sp.id)\n")
    walguard.shm_path(db).unlink(missing_ok=True)
    damage(db)
    with pytest.raises(StoreError):
        open_project(db, "ana")
    assert not walguard.shm_path(db).exists()
    assert not lock_path(db).exists()


# ---- item 11 and the flipped byte 60: say what is wrong -------------------------------------


def flip(db: Path, offset: int, value: int) -> None:
    data = bytearray(db.read_bytes())
    data[offset] = value
    db.write_bytes(bytes(data))


def test_a_damaged_write_version_byte_is_named_not_called_read_only(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    flip(db, 18, 7)
    with pytest.raises(CorruptDatabaseError, match="file-format bytes are 7"):
        Store.open(db, create=False)
    done = cli("stats", str(db))
    assert done.returncode == 2 and "file-format" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_shm_that_is_a_folder_is_named(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    walguard.shm_path(db).mkdir()
    with pytest.raises(StoreError, match="p.sqlite3-shm beside it is a folder"):
        Store.open(db, create=False)


def test_a_negative_schema_version_is_damage_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db, docs=1)
    flip(db, 60, 0xFF)  # the high byte of user_version: a negative number
    before = digest(db)
    done = cli("stats", str(db))
    assert done.returncode == 2, done.stderr
    assert "schema version is -" in done.stderr and "Traceback" not in done.stderr
    assert digest(db) == before


def test_a_new_project_logs_one_line_not_one_per_step(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="idleb_desk.store.schema")
    Store.open(tmp_path / "new.sqlite3").close()
    lines = [r for r in caplog.records if r.name == "idleb_desk.store.schema"]
    assert len(lines) == 1 and "new project" in lines[0].getMessage()


# ---- restore -------------------------------------------------------------------------------


def test_restore_puts_the_backup_in_place_and_keeps_the_project(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    accept_some(db, 10)
    bak = tmp_path / "p.sqlite3.bak"
    shutil.copyfile(db, bak)
    crash_after(
        db, "for d in docs:\n    for sp in s.spans(d)[10:40]:\n        s.delete_span(sp.id)\n"
    )
    wal_before = digest(walguard.wal_path(db))
    done = cli("restore", str(bak), str(db))
    assert done.returncode == 0, done.stderr
    assert "before-restore" in done.stdout
    assert not walguard.wal_path(db).exists()
    kept = next(tmp_path.glob("p.sqlite3.before-restore-*-wal"))
    assert digest(kept) == wal_before  # the crash's WAL stays beside its own file
    assert counts(db)[:2] == (320, 10)
    session = ReviewSession.open(db, "ana", create=False)
    try:
        assert session.store.notices == []
    finally:
        session.close()
    old = Path(str(kept)[: -len("-wal")])
    with Store.open(old, create=False) as store:  # the replaced project, WAL applied
        assert store.execute("SELECT count(*) FROM spans").fetchone()[0] == 320 - 4 * 30


def test_restore_refuses_a_damaged_backup_and_an_open_project(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    make_project(db)
    bak = tmp_path / "p.bak"
    shutil.copyfile(db, bak)
    damage(bak)
    before = digest(db)
    done = cli("restore", str(bak), str(db))
    assert done.returncode == 2 and "damaged" in done.stderr
    assert digest(db) == before
    good = tmp_path / "good.bak"
    shutil.copyfile(db, good)
    window = open_project(db, "ana")
    try:
        with pytest.raises(StoreError, match="a window has it open"):
            restore_backup(good, db)
    finally:
        window.close()
    assert digest(db) == before
