"""Key latency in the real window while its team room syncs (issue 15: "the window's key
latency is unchanged while a sync runs"; the review targets: key median <= 10 ms, p99 <=
35 ms).

Headless (QT_QPA_PLATFORM=offscreen). Starts its own PostgreSQL (tests/pg_server.py, fsync
on), builds the project of bench/gui_latency.py (a 20,000-word article with 4,000
suggested spans and a 500-word one, project memory off), makes it a team's and joins the
window's copy as `ana`. Other processes push continuously: `--analysts` colleagues, each
on their own copy at `--rate` decisions a second (a fast analyst makes one every second
or two; 0 pushes as fast as the machine allows), accepting and rejecting suggestions of
the long article (then relabelling them) and now and then renaming a shared actor
(their coding reaches the window's log; the renames are applied in it), and with
--laptop ana's own second laptop too, deciding the long article from its end backwards
(applied in the window and drawn in the document it shows: the window's drawing of a
colleague's work, more than the sync). Each pusher makes ten decisions, syncs, and
starts again, until told to stop.

The window presses the accept key (A, timed through a forced repaint, as
bench/gui_latency.py does) on the long article in three phases of the same run:

- `idle`: nobody pushes, the team room is idle;
- `busy`: the pushers run, the window's team room is paused (no listening, no timer):
  what the other processes' CPU alone costs the keys on this machine;
- `syncing`: the pushers run and the team room syncs in its worker thread, woken by the
  server's notices, back to back (a sync asked for while one runs follows it).

The sync's own cost is `syncing` against `busy`. Prints one line per phase and a last
line of key=value pairs.

    .venv/bin/python bench/gui_latency_sync.py [--presses 300] [--analysts 5] [--rate 2]
        [--laptop]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gui_latency import build_project, p99, paint, press_latencies  # noqa: E402
from team_server_project import make_team  # noqa: E402

from idleb_desk.core.review import ReviewSession  # noqa: E402
from idleb_desk.model import SUGGESTED  # noqa: E402
from idleb_desk.store.memory import ENABLED_SETTING as MEMORY_SETTING  # noqa: E402
from idleb_desk.store.store import Store  # noqa: E402
from idleb_desk.team.sync import join, sync  # noqa: E402

WINDOW = "ana"
OPS_PER_SYNC = 10  # a colleague's decisions between two of their syncs


def pusher(path: Path, who: str, stop: Path, backwards: bool, rate: float) -> int:
    """Decide suggestions of the long article (then relabel them, round and round) at
    `rate` decisions a second (0: as fast as it can), syncing after every OPS_PER_SYNC,
    until `stop` exists; prints the events pushed and the syncs made."""
    s = ReviewSession.open(path, who, create=False)
    doc = max(s.documents(), key=lambda d: d.n_items).id
    todo = [x.id for x in s.spans(doc) if x.status == SUGGESTED and x.layer == "actor"]
    if backwards:
        todo.reverse()
    done: list[int] = []
    pushed = syncs = n = 0
    started = time.perf_counter()
    try:
        while not stop.exists():
            for _ in range(OPS_PER_SYNC):
                if todo:
                    span = todo.pop()
                    s.reject_span(span) if n % 5 == 4 else s.accept_span(span)
                    done.append(span)
                else:  # every suggestion decided: relabel, round and round
                    span = done[n % len(done)]
                    s.relabel_span(span, "ORG" if s.span(span).label != "ORG" else "PERSON")
                n += 1
                if not backwards and n % 25 == 0:  # a shared actor renamed
                    actors = [a.id for a in s.actor_rows()][:5]
                    if actors:
                        s.rename_actor(actors[n % len(actors)], f"{who} name {n}")
                if rate:
                    time.sleep(max(0.0, started + n / rate - time.perf_counter()))
            with Store.open(path, create=False) as store:
                pushed += sync(store).pushed
            syncs += 1
    finally:
        s.close()
    print(f"pushed={pushed} syncs={syncs}")
    return 0


def _joined(src: Path, dst: Path, url: str, who: str) -> Path:
    shutil.copyfile(src, dst)
    with Store.open(dst, create=False) as store:
        join(store, url, who)
    return dst


def wait_until(app, done, timeout: float, what: str) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.001)


def _phase(app, window, presses: int) -> dict[str, float]:
    syncs0, pulled0 = COUNT["syncs"], COUNT["pulled"]
    keys = press_latencies(app, window, presses)
    return {"median": statistics.median(keys), "p99": p99(keys), "max": max(keys),
            "syncs": COUNT["syncs"] - syncs0, "pulled": COUNT["pulled"] - pulled0}  # fmt: skip


COUNT = {"syncs": 0, "pulled": 0, "applied": 0}


def _count_syncs(room) -> None:
    """Count the room's finished syncs (the room looks `_synced` up when it starts one)."""
    done = room._synced

    def counted(report) -> None:
        COUNT["syncs"] += 1
        COUNT["pulled"] += report.pulled
        COUNT["applied"] += report.applied
        done(report)

    room._synced = counted


def run(args: argparse.Namespace, folder: Path, pg) -> dict[str, float]:
    from gui_latency import make_app, make_settings

    from idleb_desk.gui.window.main_window import MainWindow

    src = folder / "source.sqlite3"
    large, _small = build_project(src)
    with Store.open(src) as store:
        store.set_setting(MEMORY_SETTING, False)
    db = pg.create_database()
    others = [f"colleague{i}" for i in range(args.analysts)]
    make_team(pg.url(db), [WINDOW, *others], src)
    mine = _joined(src, folder / "window.sqlite3", pg.url(db, WINDOW), WINDOW)
    # The pushers' copies, made (and joined) before the window opens.
    pushers = [(_joined(src, folder / f"{n}.sqlite3", pg.url(db, n), n), n, False)
               for n in others]  # fmt: skip
    if args.laptop:
        pushers.append((_joined(src, folder / "laptop.sqlite3", pg.url(db, WINDOW), WINDOW),
                        WINDOW, True))  # fmt: skip
    os.environ["IDLEB_DESK_REVIEWER"] = WINDOW
    app = make_app([sys.argv[0]])
    window = MainWindow(make_settings(folder / "settings.ini"))
    window.resize(1500, 920)
    window.show()
    window.activateWindow()
    assert window.open_project(mine)
    room = window.team
    _count_syncs(room)
    wait_until(app, lambda: room.task is None and room.last is not None, 120, "the first sync")
    window.open_document(large)
    paint(app, window)
    wait_until(app, lambda: not window.focus.w.highlighter.pending, 60, "the article drawn")
    out: dict[str, float] = {}
    idle = _phase(app, window, args.presses)
    stop = folder / "stop"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--pusher",
                str(p),
                "--who",
                who,
                "--stop",
                str(stop),
                "--rate",
                str(args.rate),
            ]
            + (["--backwards"] if back else []),
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for p, who, back in pushers
    ]
    try:
        # The room paused: no listening thread, no timers (the keys never pause for 2 s,
        # so the after-keys sync does not start either).
        room._stop_listening()
        room.every.stop()
        room.soon.stop()
        wait_until(app, lambda: room.task is None, 120, "the room's sync to end")
        end = time.perf_counter() + 2.0  # the pushers started and pushing
        wait_until(app, lambda: time.perf_counter() > end, 10, "2 s")
        busy = _phase(app, window, args.presses)
        # The room syncing: as when the project opens.
        assert room.link is not None
        room._listen(room.link.url)
        room.every.start()
        room.sync_now()
        synced = COUNT["syncs"]
        wait_until(app, lambda: COUNT["syncs"] > synced, 120, "a sync while pushing")
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
        syncing = _phase(app, window, args.presses)
        if args.profile:
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    finally:
        stop.touch()
        pushed = 0
        for p in procs:
            text, _ = p.communicate(timeout=120)
            pushed += int(text.split("pushed=")[1].split()[0]) if "pushed=" in text else 0
    room._stop_listening()
    room.every.stop()
    wait_until(app, lambda: room.task is None, 120, "the last sync")
    window.close()
    for name, ph in (("idle", idle), ("busy", busy), ("syncing", syncing)):
        out.update({f"{name}_{k}": v for k, v in ph.items()})
    out.update(pushed=pushed, applied=COUNT["applied"], load1=os.getloadavg()[0])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=300)
    ap.add_argument("--analysts", type=int, default=5, help="colleagues pushing meanwhile")
    ap.add_argument(
        "--rate",
        type=float,
        default=2.0,
        help="decisions a second each colleague makes (0: as fast as it can)",
    )
    ap.add_argument(
        "--laptop",
        action="store_true",
        help="ana's second laptop pushes too: its decisions on the long article "
        "are applied in the window and drawn in the document it shows",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="print a profile of the GUI thread in the syncing phase (stderr)",
    )
    ap.add_argument("--pusher", help=argparse.SUPPRESS)
    ap.add_argument("--who", help=argparse.SUPPRESS)
    ap.add_argument("--stop", help=argparse.SUPPRESS)
    ap.add_argument("--backwards", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pusher:
        return pusher(Path(args.pusher), args.who, Path(args.stop), args.backwards, args.rate)
    from pg_server import PgServer, find_bin

    bindir = find_bin()
    if bindir is None:
        print("no PostgreSQL server binaries (apt install postgresql)", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="idleb-gui-sync-"))
    pg = PgServer(bindir, durable=True)
    try:
        pg.init()
        pg.start()
        f = run(args, folder, pg)
    finally:
        pg.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    laptop = " and ana's second laptop" if args.laptop else ""
    rate = f"{args.rate:g} decisions/s each" if args.rate else "as fast as they can"
    print(
        f"A on the 20,000-word article, {args.presses} presses a phase; {args.analysts} "
        f"colleagues{laptop} pushing ({rate}) in the busy and syncing phases; load average "
        f"{f['load1']:.2f} at the end on {os.cpu_count()} CPUs"
    )
    print("phase key_median_ms key_p99_ms key_max_ms syncs pulled")
    for name in ("idle", "busy", "syncing"):
        print(f"{name} {f[name + '_median']:.2f} {f[name + '_p99']:.2f} {f[name + '_max']:.1f} "
              f"{f[name + '_syncs']} {f[name + '_pulled']}")  # fmt: skip
    print(" ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in f.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
