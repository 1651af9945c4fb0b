"""Benchmark: memory growth while importing 2,000 articles with extraction.

Generates article-like texts by recombining the seed article's sentences with varied
names and numbers (each text distinct), writes them to a temp folder, loads the real
pipeline and warms it on one text, then imports the folder into a fresh store with
extraction. rss_growth_mb = VmRSS after the import - VmRSS after warm-up; target <= 150.
Usage: python bench/import_memory.py [--docs N]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

from idleb_desk.io.importer import import_paths
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store.store import Store

SEED = Path(__file__).resolve().parents[1] / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
NAMES = [
    ("Jean-Yves Le Drian", "Catherine Colonna"),
    ("Heiko Maas", "Annalena Baerbock"),
    ("Bashar al-Assad", "Faisal Mekdad"),
    ("Moscow", "Damascus"),
    ("Ankara", "Tehran"),
    ("Le Monde", "Der Spiegel"),
    ("Idleb", "Aleppo"),
]
POOL = [
    "Josep Borrell", "Sergei Lavrov", "Mevlut Cavusoglu", "Antony Blinken", "Ursula von der Leyen",
    "Hakan Fidan", "Geir Pedersen", "Martin Griffiths", "Brussels", "Geneva", "Beirut", "Amman",
]  # fmt: skip


def vm_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    parts = re.split(r"(?<=[.!?\"”])\s+|\n+", text)
    return [p.strip() for p in parts if len(p.strip()) > 20]


def make_text(rng: random.Random, pool: list[str], i: int) -> str:
    picked = rng.sample(pool, k=min(len(pool), rng.randint(8, 14)))
    text = "\n\n".join(picked)
    for old, alt in NAMES:
        text = text.replace(old, rng.choice((old, alt, rng.choice(POOL))))
    text = re.sub(r"\b\d+\b", lambda m: str(rng.randint(2, 2030)), text)
    return f"Report {i}: {rng.choice(POOL)} comments on the crisis\n\n{text}\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    args = ap.parse_args()
    rng = random.Random(7)
    pool = sentences()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i in range(args.docs):
            (folder / f"article-{i:05d}.txt").write_text(make_text(rng, pool, i), encoding="utf-8")
        print(f"wrote {args.docs} articles to {folder}")

        extractor = Extractor.load()
        extractor.extract(make_text(rng, pool, -1))  # warm-up: lazy tables, first allocs
        base = vm_rss_mb()
        print(f"model {extractor.model_label} loaded and warmed: VmRSS {base:.0f} MB")

        store = Store.open(Path(tmp) / "bench.idleb")
        peak = [base]

        def progress(done: int, total: int, _path: str) -> None:
            peak[0] = max(peak[0], vm_rss_mb())
            if done and done % 400 < 32:
                print(f"  {done}/{total} VmRSS {vm_rss_mb():.0f} MB")

        t = time.perf_counter()
        report = import_paths(store, [folder], extractor, progress=progress)
        seconds = time.perf_counter() - t
        after = vm_rss_mb()
        store.close()
        n = len(report.imported)
        assert n == args.docs and not report.problems, report.summary()
        growth = after - base
        print(f"import: {report.summary()} in {seconds:.1f}s")
        print(f"VmRSS after import {after:.0f} MB (peak seen {peak[0]:.0f} MB)")
        print(f"rss_growth {growth:.1f} MB (target <= 150)")
        print(
            f"docs={n} seconds={seconds:.1f} docs_per_s={n / seconds:.1f} "
            f"rss_growth_mb={growth:.1f}"
        )


if __name__ == "__main__":
    main()
