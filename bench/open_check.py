"""What checking a project costs when it opens, on a 100 MB project.

Opening runs SQLite's own check before anything is written (store/gate.py): the full
`integrity_check` up to 32 MB, `quick_check` above. This prints both checks on the same
file, and the open itself, against the baseline of a bare sqlite3 connect and one query.
The last line is key=value pairs.

    .venv/bin/python bench/open_check.py [--mb 100]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from idleb_desk.model import ActorSuggestion, Extraction
from idleb_desk.store.store import Store

WORDS = [
    "minister",
    "said",
    "the",
    "offensive",
    "in",
    "Idleb",
    "must",
    "end",
    "warned",
    "Russia",
    "Turkey",
    "France",
]


def build(path: Path, mb: int) -> None:
    rng = random.Random(1)
    with Store.open(path, synchronous="OFF") as store:
        i = 0
        while path.stat().st_size < mb * 1_000_000:
            with store.transaction():
                for _ in range(50):
                    text = " ".join(rng.choice(WORDS) for _ in range(3000)) + f" {i}"
                    i += 1
                    doc = store.insert_document(str(i), str(i), text)
                    assert doc is not None
                    actors, pos = [], 0
                    for _ in range(300):
                        start = text.index(" ", pos + 20) + 1
                        actors.append(ActorSuggestion(start, start + 5, "", "PERSON"))
                        pos = start + 5
                    store.add_extraction(doc, Extraction(model="m", actors=tuple(actors)))
            store.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def timed(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite3"
        build(path, args.mb)
        size_mb = path.stat().st_size / 1e6
        uri = f"{path.as_uri()}?immutable=1"

        def pragma(name: str) -> None:
            con = sqlite3.connect(uri, uri=True)
            assert con.execute(f"PRAGMA {name}").fetchone()[0] == "ok"
            con.close()

        def bare() -> None:
            con = sqlite3.connect(path)
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            con.close()

        quick = timed(lambda: pragma("quick_check"))
        full = timed(lambda: pragma("integrity_check"))
        opened = timed(lambda: Store.open(path, create=False).close())
        base = timed(bare)
    print(f"{size_mb:.0f} MB project: quick_check {quick:.0f} ms, integrity_check {full:.0f} ms")
    print(f"Store.open with its check: {opened:.0f} ms (bare sqlite3 connect: {base:.1f} ms)")
    print(
        f"size_mb={size_mb:.0f} open_ms={opened:.0f} quick_check_ms={quick:.0f} "
        f"integrity_check_ms={full:.0f} bare_open_ms={base:.1f}"
    )


if __name__ == "__main__":
    main()
