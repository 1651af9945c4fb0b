"""The fault campaign: does any fault lose an acknowledged decision or touch a bad file?

- kill -9 trials through the review API (some with the sequence that once dropped SQLite's
  locks: a second session opened and closed, `idleb-desk stats` from another process) and
  through the real window (offscreen, pressing the accept key): every decision the program
  acknowledged must be in the file afterwards, and the file must pass integrity_check.
- damaged copies (512 random bytes overwritten), foreign SQLite files and newer projects:
  each one that is not sound must be refused, byte-identical, with no side files.
- a full disk (a 3 MB tmpfs, when run as root; skipped otherwise).
- bad inputs to the command line: each must end with a message and a non-zero exit code or
  a reported problem, never a traceback, and leave the project as it was.

- the families of issue 12 (stray WALs, restore, recover, lock links, typed fields, bombs:
  fault_families.py, fault_salvage.py, fault_inputs.py), each as successes/trials.
- the team server (issue 15, fault_team.py): clients killed mid-push and mid-pull, the
  server restarted mid-push, against a PostgreSQL it starts (skipped without one).

The last line is `kill_trials=… lost=… damaged_refused=… bad_inputs_clean=…`, then the
issue-12 families' figures. `--more N` multiplies the issue-12 trials.

    .venv/bin/python bench/faults.py [--trials 100] [--window-trials 10] [--more 1]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from fault_families import accept_some, backup_restore, lock_links, stray_wal
from fault_inputs import bombs, typed_fields
from fault_salvage import killed_recover, truncated_recover
from fault_team import team_faults

from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.connection import StoreError
from idleb_desk.store.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "seeds" / "idleb-eu-ministers.txt").read_text(encoding="utf-8")
PY = sys.executable


def make_project(path: Path, docs: int = 3) -> Path:
    with Store.open(path) as store, store.transaction():
        for i in range(docs):
            doc = store.insert_document(str(i), f"Doc {i}", f"{SEED} ({i})")
            assert doc is not None
            actors = tuple(ActorSuggestion(j * 25, j * 25 + 8, "", "PERSON") for j in range(80))
            store.add_extraction(doc, Extraction(model="m", actors=actors))
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def accepted_ids(db: Path) -> tuple[set[int], str]:
    con = sqlite3.connect(db)
    try:
        ok = str(con.execute("PRAGMA integrity_check").fetchone()[0])
        rows = con.execute("SELECT id FROM spans WHERE status = 'accepted'").fetchall()
        return {int(r[0]) for r in rows}, ok
    finally:
        con.close()


API_CHILD = textwrap.dedent(
    """
    import random, subprocess, sys
    from idleb_desk.core.review import ReviewSession
    db, seed, second = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    rng = random.Random(seed)
    s = ReviewSession.open(db, reviewer="fault")
    spans = [sp for d in s.documents() for sp in s.spans(d.id)]
    rng.shuffle(spans)
    for i, sp in enumerate(spans):
        if second and i == 3:
            ReviewSession.open(db, reviewer="fault").close()
            subprocess.run([sys.executable, "-m", "idleb_desk", "stats", db],
                           capture_output=True)
        s.accept_span(sp.id)
        print(sp.id, flush=True)  # acknowledged: committed before this line
    """
)


def api_trial(base: Path, work: Path, seed: int) -> int:
    """One kill -9 through the review API; returns the number of decisions lost."""
    db = work / f"api{seed}.sqlite3"
    shutil.copy(base, db)
    rng = random.Random(seed)
    child = subprocess.Popen(
        [PY, "-c", API_CHILD, str(db), str(seed), "1" if seed % 3 == 0 else "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    acked: list[int] = []
    assert child.stdout is not None
    want = rng.randint(1, 60)
    while len(acked) < want:
        line = child.stdout.readline()
        if not line:
            break
        acked.append(int(line))
    time.sleep(rng.random() * 0.05)  # land the kill anywhere, mid-transaction included
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    saved, ok = accepted_ids(db)
    return len(set(acked) - saved) + (0 if ok == "ok" else 1)


WINDOW_CHILD = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from idleb_desk.gui.window.app import make_app
    from idleb_desk.gui.config.keymap import make_settings
    from idleb_desk.gui.window.main_window import MainWindow
    db = sys.argv[1]
    app = make_app()
    w = MainWindow(make_settings(Path(db).with_suffix(".ini")))
    w.open_project(db)
    w.show()
    def press():
        w.view.setFocus()
        QTest.keyClick(w.view, Qt.Key.Key_A)
        if w.statusBar().currentMessage().startswith("Saved"):
            print("saved", flush=True)  # what the analyst saw
        QTimer.singleShot(0, press)
    QTimer.singleShot(0, press)
    app.exec()
    """
)


def window_trial(base: Path, work: Path, seed: int) -> int:
    db = work / f"win{seed}.sqlite3"
    shutil.copy(base, db)
    before, _ = accepted_ids(db)
    rng = random.Random(seed)
    child = subprocess.Popen(
        [PY, "-c", WINDOW_CHILD, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    want, seen = rng.randint(5, 40), 0
    while seen < want and child.stdout.readline():
        seen += 1
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    saved, ok = accepted_ids(db)
    return max(0, seen - len(saved - before)) + (0 if ok == "ok" else 1)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused_untouched(db: Path) -> bool | None:
    """True: refused and untouched; False: opened or changed; None: opened, and sound."""
    before = digest(db)
    try:
        Store.open(db, create=False).close()
    except StoreError:
        side = Path(f"{db}-wal").exists() or Path(f"{db}-shm").exists()
        return digest(db) == before and not side
    con = sqlite3.connect(f"{db.resolve().as_uri()}?immutable=1", uri=True)
    try:
        sound = con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        sound = False
    finally:
        con.close()
    return None if sound else False


def bad_files(base: Path, work: Path) -> tuple[int, int]:
    """(refused untouched, files that had to be refused)."""
    cases: list[Path] = []
    for seed in range(30):
        rng = random.Random(seed)
        db = work / f"damaged{seed}.sqlite3"
        shutil.copy(base, db)
        data = bytearray(db.read_bytes())
        at = rng.randrange(0, len(data) - 512)
        data[at : at + 512] = bytes(rng.randrange(256) for _ in range(512))
        db.write_bytes(bytes(data))
        cases.append(db)
    for version in (0, 2, 99):
        db = work / f"foreign{version}.db"
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE notes (body TEXT)")
        con.execute(f"PRAGMA user_version = {version}")
        con.commit()
        con.close()
        cases.append(db)
    empty = work / "empty.sqlite3"
    empty.touch()
    cases.append(empty)
    results = [refused_untouched(db) for db in cases]
    must = [r for r in results if r is not None]
    return sum(1 for r in must if r), len(must)


def bad_inputs(base: Path, work: Path) -> tuple[int, int]:
    """(clean outcomes, bad inputs tried) through the command line."""
    inputs = work / "inputs"
    inputs.mkdir()
    (inputs / "bad.jsonl").write_text(
        '{"id": 1, "text": "good one"}\n'
        '{"id": ' + "9" * 5001 + ', "text": "huge id"}\n' + "[" * 100000 + "\n"
        '{"id": 3, "text": "\\ud800"}\n'
        '{"id": 4, "text": 17}\n'
        '{"id": 5, "text": null}\n'
        '{"id": 6, "text": "cut\n',
        encoding="utf-8",
    )
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 10)
    loop = inputs / "loop"
    loop.mkdir()
    (loop / "self").symlink_to(loop)
    os.mkfifo(inputs / "fifo.txt")
    notes = work / "notes.sqlite3"
    notes.write_text("not a project")
    newer = work / "newer.sqlite3"
    shutil.copy(base, newer)
    con = sqlite3.connect(newer)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    project = work / "target.sqlite3"
    shutil.copy(base, project)
    runs = [
        ["import", project, inputs / "bad.jsonl", "--no-extract"],
        ["import", project, inputs / "binary.txt", "--no-extract"],
        ["import", project, inputs, "--no-extract"],
        ["import", project, work / "missing.txt", "--no-extract"],
        ["import", notes, inputs / "bad.jsonl", "--no-extract"],
        ["import", newer, inputs / "bad.jsonl", "--no-extract"],
        ["stats", work / "typo.sqlite3"],
        ["stats", notes],
        ["stats", work / "empty.sqlite3"],
        ["export", work / "typo.sqlite3", "--out", work / "out"],
        ["export", newer, "--out", work / "out"],
        ["kinds", project, "--add", "Bad Kind"],
        ["recover", notes, work / "r.sqlite3"],
        ["recover", base, project],
    ]
    clean = 0
    for args in runs:
        before = {p: digest(p) for p in (notes, newer)}
        done = subprocess.run(
            [PY, "-m", "idleb_desk", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        said = done.stderr + done.stdout
        typo = work / "typo.sqlite3"
        ok = (
            "Traceback" not in said
            and (done.returncode != 0 or "problem" in said.lower())
            and all(digest(p) == h for p, h in before.items())
            and not typo.exists()
        )
        typo.unlink(missing_ok=True)
        clean += ok
        if not ok:
            print(
                f"  not clean: {' '.join(map(str, args))[:100]} -> {done.returncode}: "
                f"{said.strip()[-300:]}"
            )
    _saved, ok = accepted_ids(project)
    return clean, len(runs) if ok == "ok" else len(runs) + 1


def disk_full(base: Path, work: Path) -> str:
    if os.geteuid() != 0:
        return "skipped"
    disk = work / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)]).returncode:
        return "skipped"
    try:
        db = disk / "p.sqlite3"
        shutil.copy(base, db)
        from idleb_desk.core.review import ReviewSession

        s = ReviewSession.open(db, "fault")
        spans = [sp for d in s.documents() for sp in s.spans(d.id)]
        s.accept_span(spans[0].id)
        with open(disk / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"\0" * 4096)
            except OSError:
                pass
        acked, message = {spans[0].id}, ""
        for sp in spans[1:]:
            try:
                s.accept_span(sp.id)
                acked.add(sp.id)
            except StoreError as exc:
                message = str(exc)
                break
        s.close()
        (disk / "filler").unlink()
        saved, ok = accepted_ids(db)
        good = ok == "ok" and acked <= saved and "disk is full" in message
        return "ok" if good else f"FAILED ({message or 'no error'})"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--window-trials", type=int, default=10)
    ap.add_argument("--more", type=int, default=1, help="multiply the issue-12 family trials")
    ap.add_argument("--team-trials", type=int, default=3,
                    help="team server (issue 15): kill and restart trials")  # fmt: skip
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = make_project(work / "base.sqlite3")
        lost = kills = 0
        for seed in range(args.trials):
            lost += api_trial(base, work, seed)
            kills += 1
        print(f"kill -9 through the review API: {kills} trials, {lost} decisions lost")
        wlost = 0
        for seed in range(args.window_trials):
            wlost += window_trial(base, work, seed)
        print(f"kill -9 through the window: {args.window_trials} trials, {wlost} lost")
        refused, bad = bad_files(base, work)
        print(
            f"damaged, foreign and empty files: {refused} of {bad} unsound ones refused untouched"
        )
        print(f"full disk: {disk_full(base, work)}")
        clean, tried = bad_inputs(base, work)
        print(f"bad inputs: {clean} of {tried} ended cleanly")
        more = max(1, args.more)
        families = issue12_families(base, work, more)
        team = team_faults(work, args.team_trials)
    total = args.trials + args.window_trials
    print(
        f"kill_trials={total} lost={lost + wlost} damaged_refused={refused}/{bad} "
        f"bad_inputs_clean={clean}/{tried} {families} {team}"
    )


def issue12_families(base: Path, work: Path, more: int) -> str:
    """Runs the families of issue 12; returns their key=value figures."""
    started = time.perf_counter()
    aside, crash = stray_wal(base, work, 2 * more)
    print(f"stray WAL: {aside} foreign WALs set aside, {crash} crash WALs applied whole")
    restored = backup_restore(base, work, 2 * more)
    print(f"backup restore: {restored} (a damaged backup refused, then a sound one restored)")
    rich = make_project(work / "rich.sqlite3", docs=200)
    for i in range(10):  # events and actors, so that every table has rows to lose
        accept_some(rich, 40, doc_index=i)
    salvage, got, readable = truncated_recover(rich, work, 3 * more, 3 * more)
    print(
        f"recover of cut and damaged copies: {salvage} trials saved every readable row "
        f"({got} of {readable} readable rows)"
    )
    killed, landed = killed_recover(rich, work, 8 * more)
    print(
        f"killed recover: {killed} left no NEW or a complete one and re-ran; kills landed {landed}"
    )
    links = lock_links(base, work)
    print(f"lock links: {links} never written through, read-only")
    typed = typed_fields(work)
    print(f"wrong-typed fields: {typed} refused with the file named, good records imported")
    refused, worst, took = bombs(work, 2 * more)
    print(
        f"bombs: {refused} refused (worst peak RSS {worst:.0f} MB); 4,000 mismatched "
        f"Label Studio regions took {took:.1f} s"
    )
    print(f"issue-12 families took {time.perf_counter() - started:.0f} s")
    return (
        f"stray_wal_set_aside={aside} crash_wal_kept={crash} restore_ok={restored} "
        f"recover_readable={got}/{readable} recover_trials_ok={salvage} "
        f"killed_recover_ok={killed} lock_links_safe={links} typed_inputs_clean={typed} "
        f"bombs_refused={refused}"
    )


if __name__ == "__main__":
    main()
