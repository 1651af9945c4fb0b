"""Time of the rule layer against the parse it runs on, same texts, same process.

`extract_throughput.py` times whole runs of `nlp.pipe` and `Extractor.extract_many`
against each other; on a shared machine whose load changes from one run to the next that
ratio swings by ±0.2. This benchmark removes the swing: it parses the corpus once, then
alternates timing a fresh parse of it (the baseline) and the rules alone over the parsed
docs (`Extractor.from_doc`), and keeps the median of each. The implied throughput ratio
is parse / (parse + rules), which is what `extract_throughput.py` measures when the load
holds still.

Prints figures and, last, one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extract_throughput import make_corpus  # noqa: E402

from idleb_desk.nlp.pipeline import Extractor  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    ex = Extractor.load(args.model)
    texts = make_corpus(args.docs)
    words = sum(len(t.split()) for t in texts)
    docs = list(ex.nlp.pipe(texts, batch_size=64))
    parse_s: list[float] = []
    rules_s: list[float] = []
    for r in range(args.rounds):
        t = time.perf_counter()
        for _ in ex.nlp.pipe(texts, batch_size=64):
            pass
        parse_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        for d in docs:
            d.user_data.pop("idleb_text", None)  # no cache carried over between rounds
            ex.from_doc(d)
        rules_s.append(time.perf_counter() - t)
        print(f"round {r + 1}: parse {parse_s[-1]:.2f} s, rules {rules_s[-1]:.2f} s")
    parse, rules = statistics.median(parse_s), statistics.median(rules_s)
    ratio = parse / (parse + rules)
    print(f"model {ex.model_label}: {len(texts)} texts, {words} words")
    print(
        f"parse_s={parse:.2f} rules_s={rules:.2f} rules_share={rules / parse:.3f} "
        f"implied_ratio={ratio:.3f} docs={len(texts)} words={words}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
