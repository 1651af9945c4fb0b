"""Fault families of issue 12 that act on the files beside a project (used by faults.py).

- stray WAL: a `-wal` from another copy, or from before a backup was copied over the
  project, must be set aside, not applied; a genuine crash's WAL must be applied whole.
- backup restore: `idleb-desk restore` after a crash keeps the project and its WAL beside
  it; a damaged backup is refused with the project byte-identical.
- lock links: a `PROJECT.lock` that is a link or a folder is never written through.

Every trial runs real processes (a child killed with SIGKILL, the CLI) on real files.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from idleb_desk.core.opening import open_project
from idleb_desk.core.review import ReviewSession

PY = sys.executable


@dataclass
class Tally:
    """success/total of one family, with what failed (printed as it happens)."""

    ok: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, ok: bool, what: str) -> None:
        self.total += 1
        self.ok += ok
        if not ok:
            self.failures.append(what)
            print(f"  FAILED: {what}", flush=True)

    def __str__(self) -> str:
        return f"{self.ok}/{self.total}"


def cli(*args: object, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "-m", "idleb_desk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def immutable(db: Path) -> sqlite3.Connection:
    """A reader that never touches the file or its side files and ignores any WAL."""
    return sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)


def bare_events(db: Path) -> dict[int, tuple]:
    con = immutable(db)
    try:
        return {int(r[0]): tuple(r[1:]) for r in con.execute("SELECT * FROM events")}
    finally:
        con.close()


def accepted(db: Path) -> set[int]:
    con = immutable(db)
    try:
        rows = con.execute("SELECT id FROM spans WHERE status = 'accepted'").fetchall()
        return {int(r[0]) for r in rows}
    finally:
        con.close()


def content(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in rowid order: what "the same project" means here."""
    con = immutable(db)
    try:
        names = [
            str(r[0])
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    finally:
        con.close()


def accept_some(db: Path, n: int, doc_index: int = 0) -> None:
    session = ReviewSession.open(db, reviewer="ana", create=False)
    try:
        doc = session.documents()[doc_index].id
        for span in session.spans(doc)[:n]:
            session.accept_span(span.id)
    finally:
        session.close()


def crash_after(db: Path, body: str, kill_after: int | None = None) -> list[int]:
    """Run `body` (which prints each acknowledged span id) on a session in a child, then
    SIGKILL it: after `kill_after` acknowledgements, or once the body is done. Returns the
    ids the child acknowledged."""
    script = (
        textwrap.dedent(
            f"""
        import sys
        from idleb_desk.core.review import ReviewSession
        s = ReviewSession.open({str(db)!r}, reviewer="killed", create=False)
        docs = [d.id for d in s.documents()]
        """
        )
        + textwrap.dedent(body)
        + 'print("done", flush=True)\nsys.stdin.read()\n'
    )
    child = subprocess.Popen(
        [PY, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    acked: list[int] = []
    for line in child.stdout:
        if line.strip() == "done" or (kill_after is not None and len(acked) >= kill_after):
            break
        acked.append(int(line))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return acked


def has_wal(db: Path) -> bool:
    wal = Path(f"{db}-wal")
    return wal.exists() and wal.stat().st_size > 0


def set_aside_files(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f"{db.name}-wal.not-this-project-*"))


STEP = (
    "for sp in s.spans(docs[{doc}])[{a}:{b}]:\n"
    "    s.{op}_span(sp.id)\n"
    "    print(sp.id, flush=True)\n"
)
# Checkpoints and WAL restarts before the kill.
SMALL_CHECKPOINTS = "from idleb_desk.store import walguard\nwalguard.CHECKPOINT_BYTES = 16 * 1024\n"


def stray_wal(base: Path, work: Path, trials: int) -> tuple[Tally, Tally]:
    """(foreign WALs set aside, crash WALs applied whole): `trials` of each variant."""
    aside, crash = Tally(), Tally()
    for seed in range(trials):
        for variant in ("copy", "backup", "crash"):
            rng = random.Random(f"{variant}{seed}")
            folder = work / f"wal-{variant}-{seed}"
            folder.mkdir()
            db = folder / "project.sqlite3"
            shutil.copyfile(base, db)
            n, k = rng.randint(3, 40), rng.randint(5, 30)
            body = SMALL_CHECKPOINTS if rng.random() < 0.5 else ""
            what = f"stray WAL {variant} seed {seed} (accepted {n}, then {k} in the child)"
            if variant == "copy":  # another copy's WAL placed beside a cleanly closed project
                other = folder / "copy" / "project.sqlite3"
                other.parent.mkdir()
                shutil.copyfile(db, other)
                accept_some(db, n)
                crash_after(other, body + STEP.format(op="delete", doc=0, a=0, b=k))
                if not has_wal(other):
                    aside.add(False, f"{what}: could not be staged, the crash left no WAL")
                    continue
                shutil.copyfile(f"{other}-wal", f"{db}-wal")
            elif variant == "backup":  # a backup copied over a project whose crash left a WAL
                accept_some(db, n)
                bak = folder / "project.sqlite3.bak"
                shutil.copyfile(db, bak)
                crash_after(db, body + STEP.format(op="delete", doc=rng.randrange(3), a=n, b=n + k))
                if not has_wal(db):
                    aside.add(False, f"{what}: could not be staged, the crash left no WAL")
                    continue
                shutil.copyfile(bak, db)
            else:  # a genuine crash of this project, killed mid-way
                accept_some(db, n)
                acked = crash_after(
                    db,
                    body + STEP.format(op="accept", doc=1, a=0, b=k),
                    kill_after=rng.randint(1, k),
                )
                if not acked or not has_wal(db):
                    crash.add(False, f"{what}: could not be staged, no decision or no WAL")
                    continue
            before, kept = bare_events(db), accepted(db)
            done = cli("stats", db)
            after = bare_events(db)
            events_kept = all(after.get(eid) == row for eid, row in before.items())
            moved = set_aside_files(db)
            said = done.stderr + done.stdout
            if variant == "crash":
                saved = accepted(db)
                ok = (
                    done.returncode == 0
                    and events_kept
                    and not moved
                    and kept <= saved
                    and set(acked) <= saved
                    and "Traceback" not in said
                )
                crash.add(
                    ok,
                    f"{what}: exit {done.returncode}, {len(set(acked) - saved)} "
                    f"acknowledged lost, set aside {len(moved)}: {said[-300:]}",
                )
            else:
                ok = (
                    done.returncode == 0
                    and events_kept
                    and accepted(db) == kept
                    and len(moved) == 1
                    and moved[0].name in done.stderr
                    and "Traceback" not in said
                )
                aside.add(
                    ok,
                    f"{what}: exit {done.returncode}, events kept {events_kept}, "
                    f"set aside {len(moved)}: {said[-300:]}",
                )
    return aside, crash


def damage_pages(db: Path, rng: random.Random, pages: int = 1) -> None:
    """Overwrite `pages` random pages (never page 1, the header) with random bytes."""
    data = bytearray(db.read_bytes())
    size = int.from_bytes(data[16:18], "big") or 65536
    for _ in range(pages):
        page = rng.randrange(1, len(data) // size)
        data[page * size : (page + 1) * size] = rng.randbytes(size)
    db.write_bytes(bytes(data))


def sound(db: Path) -> bool:
    try:
        con = immutable(db)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False


def backup_restore(base: Path, work: Path, trials: int) -> Tally:
    """Per trial: a damaged backup refused (project untouched), then a sound one restored."""
    tally = Tally()
    for seed in range(trials):
        rng = random.Random(f"restore{seed}")
        folder = work / f"restore-{seed}"
        folder.mkdir()
        db = folder / "p.sqlite3"
        shutil.copyfile(base, db)
        accept_some(db, rng.randint(1, 30))
        bak = folder / "p.sqlite3.bak"
        shutil.copyfile(db, bak)
        k = rng.randint(5, 40)
        crash_after(db, STEP.format(op="delete", doc=rng.randrange(3), a=40, b=40 + k))
        if not has_wal(db):
            tally.add(False, f"restore seed {seed}: could not be staged, the crash left no WAL")
            continue
        wal = Path(f"{db}-wal")
        sides = {p: digest(p) for p in (db, wal)}

        bad = folder / "damaged.bak"
        shutil.copyfile(bak, bad)
        for _ in range(10):
            damage_pages(bad, rng)
            if not sound(bad):
                break
        done = cli("restore", bad, db)
        untouched = all(p.exists() and digest(p) == h for p, h in sides.items())
        ok = (
            done.returncode == 2
            and untouched
            and "Traceback" not in done.stderr
            and str(bad) in done.stderr
            and not list(folder.glob("*before-restore*"))
        )
        tally.add(
            ok,
            f"restore of a damaged backup, seed {seed}: exit {done.returncode}, "
            f"project untouched {untouched}: {done.stderr[-300:]}",
        )

        done = cli("restore", bak, db)
        side = ("-wal", "-shm", "-journal", ".wal-id")
        kept = [p for p in folder.glob("p.sqlite3.before-restore-*") if not p.name.endswith(side)]
        kept_wal = Path(f"{kept[0]}-wal") if len(kept) == 1 else None
        ok = (
            done.returncode == 0
            and content(db) == content(bak)
            and not has_wal(db)
            and kept_wal is not None
            and kept_wal.exists()
            and digest(kept_wal) == sides[wal]
            and digest(kept[0]) == sides[db]
            and not list(folder.glob(".p.sqlite3.restoring*"))
        )
        tally.add(
            ok,
            f"restore seed {seed}: exit {done.returncode}, kept {kept}: "
            f"{(done.stderr + done.stdout)[-300:]}",
        )
    return tally


def lock_links(base: Path, work: Path) -> Tally:
    """A lock path that is a link to a file, a folder or a dangling link is never written
    through, and a project with one opens read-only."""
    tally = Tally()
    cases = (
        "link to a file",
        "relative link to a file",
        "folder",
        "dangling link",
        "dangling link into a missing folder",
        "relative dangling link",
    )
    for i, case in enumerate(cases):
        folder = work / f"lock-{i}"
        folder.mkdir()
        db = folder / "p.sqlite3"
        shutil.copyfile(base, db)
        lock = folder / "p.sqlite3.lock"
        target = folder / "precious.txt"
        if "to a file" in case:
            target.write_text("the analyst's notes\n")
            lock.symlink_to(target.name if case.startswith("relative") else target)
        elif case == "folder":
            lock.mkdir()
        elif "missing folder" in case:
            target = folder / "nowhere" / "x.lock"
            lock.symlink_to(target)
        else:
            lock.symlink_to(target.name if case.startswith("relative") else target)
        before = digest(target) if target.exists() else None
        reasons = []
        try:
            for reviewer in ("ana", "ben"):
                session = open_project(db, reviewer)
                reasons.append(session.read_only_reason)
                session.close()
        except Exception as exc:  # noqa: BLE001 - any exception is the finding
            tally.add(False, f"lock {case}: {type(exc).__name__}: {exc}")
            continue
        after = digest(target) if target.exists() else None
        ok = (
            after == before
            and all(reasons)
            and (lock.is_dir() if case == "folder" else lock.is_symlink())
        )
        tally.add(ok, f"lock {case}: target before {before} after {after}, read-only {reasons}")
    return tally
