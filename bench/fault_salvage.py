"""Fault families of issue 12 for `idleb-desk recover` (used by faults.py).

- truncated recover: projects cut short by 1..N pages (an interrupted copy) and copies with
  random pages overwritten. `recover` must save as many rows of each table as an
  independent reader gets by rowid point lookups (`writable_schema` on an immutable
  connection): the figure is rows recover read / rows that reader got.
- killed recover: SIGKILL the recover process at a random time; NEW must be absent or a
  complete project, and a re-run must succeed.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from fault_families import PY, Tally, cli, content, damage_pages, immutable

from idleb_desk.store.store import Store

SAVED = re.compile(r"^  (\w+): (\d+) rows saved(?:, (\d+) dropped)?", re.MULTILINE)


def max_rowids(db: Path) -> dict[str, int]:
    con = immutable(db)
    try:
        names = [
            str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            n: int(con.execute(f'SELECT max(rowid) FROM "{n}"').fetchone()[0] or 0) for n in names
        }
    finally:
        con.close()


def readable_rows(db: Path, table: str, top: int) -> int:
    """Rows an independent reader gets one rowid at a time, with writable_schema."""
    try:
        con = immutable(db)
        con.execute("PRAGMA writable_schema = ON")
    except sqlite3.DatabaseError:
        return 0
    n = 0
    sql = f'SELECT * FROM "{table}" WHERE rowid = ?'
    try:
        for rowid in range(1, top + 1):
            with contextlib.suppress(sqlite3.DatabaseError):
                n += con.execute(sql, (rowid,)).fetchone() is not None
    finally:
        con.close()
    return n


def truncated_recover(rich: Path, work: Path, cuts: int, damaged: int) -> tuple[Tally, int, int]:
    """(trials where recover read every readable row of every table, rows recover read,
    rows the independent reader got)."""
    tally, got, readable = Tally(), 0, 0
    tops = {t: top + 50 for t, top in max_rowids(rich).items()}
    page = 4096
    cases: list[tuple[str, int]] = [(f"cut by {k} pages", k) for k in range(1, cuts + 1)]
    cases += [(f"damaged pages, seed {s}", s) for s in range(damaged)]
    for i, (what, arg) in enumerate(cases):
        src = work / f"salvage-{i}.sqlite3"
        shutil.copyfile(rich, src)
        if what.startswith("cut"):
            os.truncate(src, src.stat().st_size - arg * page)
        else:
            rng = random.Random(f"salvage{arg}")
            damage_pages(src, rng, rng.randint(1, 3))
        new = work / f"salvage-{i}-new.sqlite3"
        done = cli("recover", src, new)
        read = {m[1]: int(m[2]) + int(m[3] or 0) for m in SAVED.finditer(done.stdout)}
        short = []
        for table, top in tops.items():
            want = readable_rows(src, table, top)
            have = read.get(table, 0)
            got, readable = got + min(have, want), readable + want
            if have < want:
                short.append(f"{table} {have} of {want}")
        ok = not short and done.returncode in (0, 1) and "Traceback" not in done.stderr
        tally.add(
            ok,
            f"recover of a copy {what}: exit {done.returncode}, short: {short}; "
            f"{done.stderr[-300:]}",
        )
    return tally, got, readable


def _complete(new: Path, want: dict[str, list[tuple]]) -> bool:
    try:
        with Store.open(new, create=False) as store:
            store.execute("SELECT count(*) FROM documents").fetchone()
    except Exception:  # noqa: BLE001 - any refusal means NEW is not a complete project
        return False
    return content(new) == want


def killed_recover(rich: Path, work: Path, trials: int) -> tuple[Tally, dict[str, int]]:
    """(trials that left no NEW or a complete one and whose re-run succeeded, where the
    kills landed: before the work file, during, after NEW was in place)."""
    tally = Tally()
    landed = {"before": 0, "during": 0, "after": 0}
    want = content(rich)
    for seed in range(trials):
        rng = random.Random(f"killed{seed}")
        folder = work / f"killed-{seed}"
        folder.mkdir()
        new = folder / "new.sqlite3"
        child = subprocess.Popen(
            [PY, "-m", "idleb_desk", "recover", str(rich), str(new)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.random() * 0.3)
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        leftovers = list(folder.glob(".new.sqlite3.recovering-*"))
        landed["after" if new.exists() else "during" if leftovers else "before"] += 1
        first = not new.exists() or _complete(new, want)
        if new.exists():
            for side in ("", "-wal", "-shm", "-journal", ".wal-id"):
                Path(f"{new}{side}").unlink(missing_ok=True)
        done = cli("recover", rich, new)
        rerun = (
            done.returncode == 0
            and _complete(new, want)
            and not list(folder.glob(".new.sqlite3.recovering-*"))
        )
        tally.add(
            first and rerun,
            f"killed recover seed {seed}: NEW sound or absent {first}, "
            f"re-run exit {done.returncode} complete {rerun}: {done.stderr[-300:]}",
        )
    return tally, landed
