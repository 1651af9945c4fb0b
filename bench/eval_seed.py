"""Score the extractor against the gold annotations (gold/README.md, "Scoring that we use").

Usage: python bench/eval_seed.py [--gold DIR] [--model NAME] [--write-docs]
Prints a markdown table and, last, one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from idleb_desk.nlp.pipeline import Extractor  # noqa: E402
from idleb_desk.nlp.scoring import (  # noqa: E402
    combine,
    load_gold_dir,
    markdown_table,
    read_text,
    score_extraction,
    summary_line,
)

DEFAULT_GOLD = ROOT.parent / "shared" / "gold"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="folder of gold *.json")
    ap.add_argument("--model", default=None, help="spaCy model name or path")
    args = ap.parse_args(argv)
    pairs = load_gold_dir(args.gold)
    if not pairs:
        print(f"no gold files in {args.gold}", file=sys.stderr)
        return 2
    extractor = Extractor.load(args.model)
    texts = [read_text(p) for _, p in pairs]
    scores = [
        score_extraction(ex, gold)
        for ex, (gold, _) in zip(extractor.extract_many(texts), pairs, strict=True)
    ]
    total = combine(scores)
    print(f"model: {extractor.model_label}; documents: {len(pairs)} ({args.gold})\n")
    print(markdown_table(total))
    print()
    print(summary_line(total))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
