"""The team server's fault family for bench/faults.py (issue 15): a client killed (SIGKILL)
at a random moment of a push and of a pull, and the server restarted during a push,
against a real PostgreSQL started here (tests/pg_server.py). Each trial checks that the
server holds every event exactly once and that the other laptop applied each once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pg_server import PgServer, find_bin  # noqa: E402
from team_server_project import two_laptops  # noqa: E402

from idleb_desk.store import sync_state as st  # noqa: E402
from idleb_desk.store.store import Store  # noqa: E402
from idleb_desk.team.server import ServerOffline  # noqa: E402
from idleb_desk.team.sync import sync  # noqa: E402

EVENTS = 300


def _count(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as con:
        row = con.execute("SELECT count(*), count(DISTINCT uid) FROM idleb_team.events").fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _child_sync(path: Path) -> subprocess.Popen:
    code = (
        "from idleb_desk.store.store import Store\nfrom idleb_desk.team.sync import sync\n"
        f"with Store.open({str(path)!r}, create=False) as s:\n    sync(s, batch=10)\n"
    )
    return subprocess.Popen([sys.executable, "-c", code],
                            env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip


def _kill_after(child: subprocess.Popen, seconds: float) -> bool:
    time.sleep(seconds)
    landed = child.poll() is None
    if landed:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return landed


def _final(path: Path) -> None:
    with Store.open(path, create=False) as store:
        sync(store)


def kill_trial(pg: PgServer, folder: Path, rng: random.Random) -> tuple[int, int, int]:
    """(lost or doubled on the server and the other laptop, kills that landed, 2 kills)."""
    url = pg.url(pg.create_database())
    one, two, _ = two_laptops(url, folder, EVENTS)
    landed = _kill_after(_child_sync(one), rng.uniform(0.3, 2.0))
    _final(one)
    total, distinct = _count(url)
    bad = abs(EVENTS - total) + (total - distinct)
    landed += _kill_after(_child_sync(two), rng.uniform(0.3, 2.0))
    _final(two)
    with Store.open(two, create=False) as store:
        pulled = store.con.execute(
            "SELECT count(*) FROM sync_events WHERE state = ?", (st.PULLED,)
        ).fetchone()[0]
    bad += abs(EVENTS - int(pulled))
    return bad, landed, 2


def restart_trial(pg: PgServer, folder: Path, rng: random.Random) -> int:
    """Lost or doubled events after the server is stopped and started during a push."""
    url = pg.url(pg.create_database())
    one, _, _ = two_laptops(url, folder, EVENTS)

    def push() -> None:
        try:
            with Store.open(one, create=False) as store:
                sync(store, batch=10)
        except ServerOffline:
            pass

    worker = threading.Thread(target=push)
    worker.start()
    time.sleep(rng.uniform(0.1, 1.0))
    pg.restart(down_seconds=0.2)
    worker.join()
    _final(one)
    total, distinct = _count(url)
    return abs(EVENTS - total) + (total - distinct)


def team_faults(work: Path, trials: int) -> str:
    """Runs the family; returns its key=value figures ('' without a server)."""
    bindir = find_bin()
    if bindir is None or trials <= 0:
        print("team server: skipped (no PostgreSQL server binaries)")
        return ""
    rng = random.Random(15)
    pg = PgServer(bindir)
    pg.init()
    pg.start()
    bad = landed = kills = restarts_bad = 0
    try:
        for i in range(trials):
            folder = work / f"team-{i}"
            folder.mkdir()
            b, land, k = kill_trial(pg, folder, rng)
            bad, landed, kills = bad + b, landed + land, kills + k
            folder = work / f"team-restart-{i}"
            folder.mkdir()
            restarts_bad += restart_trial(pg, folder, rng)
    finally:
        pg.cleanup()
    print(f"team server: {kills} client kills ({landed} mid-sync), {trials} server restarts: "
          f"{bad + restarts_bad} events lost or applied twice")  # fmt: skip
    return (f"team_kills={kills} team_kills_landed={landed} team_restarts={trials} "
            f"team_lost_or_doubled={bad + restarts_bad}")  # fmt: skip
