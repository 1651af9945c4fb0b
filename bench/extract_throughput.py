"""Words per second of Extractor.extract_many against a bare nlp.pipe, same model and texts.

The corpus is a few hundred article-like texts built by recombining the paragraphs of the
seed articles with a fixed random seed. The baseline pipeline is loaded fresh with
`spacy.load` (no extra components), the extractor's pipeline through `load_pipeline`.
Runs alternate between the two and the best of N is kept, to damp machine noise.

Prints figures and, last, one line of key=value pairs (extract_wps, baseline_wps, ratio).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from idleb_desk.nlp.pipeline import Extractor  # noqa: E402

SEEDS = ROOT / "idleb_desk" / "seeds"


def make_corpus(n_docs: int, seed: int = 7) -> list[str]:
    """Article-like texts: shuffled paragraphs of the seed articles, 6-14 per text."""
    paragraphs: list[str] = []
    for f in sorted(SEEDS.glob("*.txt")):
        paragraphs += [p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(seed)
    return [
        "\n\n".join(rng.choice(paragraphs) for _ in range(rng.randint(6, 14)))
        for _ in range(n_docs)
    ]


def timed(run: Callable[[], int]) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def consume(items: Iterable[object]) -> int:
    n = 0
    for _ in items:
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds, best kept")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)

    extractor = Extractor.load(args.model)
    model_name = extractor.model_label.rsplit("-", 1)[0]
    baseline = spacy.load(model_name)
    texts = make_corpus(args.docs)
    words = sum(len(t.split()) for t in texts)
    print(f"model {extractor.model_label}: {len(texts)} texts, {words} words")

    def run_base() -> int:
        return consume(baseline.pipe(texts, batch_size=args.batch_size, n_process=args.n_process))

    def run_extract() -> int:
        return consume(
            extractor.extract_many(texts, batch_size=args.batch_size, n_process=args.n_process)
        )

    run_base(), run_extract()  # warm-up: lazy init, caches
    best_base = best_ext = float("inf")
    for r in range(args.rounds):
        tb, te = timed(run_base), timed(run_extract)
        best_base, best_ext = min(best_base, tb), min(best_ext, te)
        print(f"round {r + 1}: baseline {words / tb:,.0f} w/s, extract {words / te:,.0f} w/s")
    base_wps, ext_wps = words / best_base, words / best_ext
    print(f"best: baseline {base_wps:,.0f} w/s, extract {ext_wps:,.0f} w/s")
    print(
        f"extract_wps={ext_wps:.0f} baseline_wps={base_wps:.0f} ratio={ext_wps / base_wps:.3f} "
        f"docs={len(texts)} words={words} n_process={args.n_process}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
