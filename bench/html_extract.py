"""Main text of saved news pages: trafilatura (the import's reader) against visible text.

Usage: python bench/html_extract.py [--pages DIR] [--repeat N]
For each page in DIR (default tests/data/html, described by its pages.json): how many of
the page's boilerplate markers (menus, cookie banners, share bars, footers) each reader
keeps, how many article sentences it keeps, and its time per page. The baseline is the
visible-text reader (`idleb_desk.io.html_text`), measured in the same run. Prints a
markdown table and, last, one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from idleb_desk.io.html_main import page_text  # noqa: E402
from idleb_desk.io.html_text import html_to_text  # noqa: E402

READERS: dict[str, Callable[[str], str]] = {
    "visible-text (baseline)": lambda markup: html_to_text(markup)[0],
    "trafilatura + fallback": lambda markup: page_text(markup).text,
}


def flat(text: str) -> str:
    return " ".join(text.split())


def measure(folder: Path, repeat: int) -> dict[str, dict[str, float]]:
    spec = json.loads((folder / "pages.json").read_text(encoding="utf-8"))["pages"]
    totals = {name: {"markers": 0, "kept_markers": 0, "sentences": 0, "kept_sentences": 0,
                     "seconds": 0.0} for name in READERS}  # fmt: skip
    for read in READERS.values():  # warm up: imports (trafilatura's takes ~0.25 s) and caches
        read("<html><body><p>Warm up.</p></body></html>")
    print("| page | reader | boilerplate kept | article sentences kept | ms/page |")
    print("|---|---|---|---|---|")
    for page, want in spec.items():
        markup = (folder / page).read_text(encoding="utf-8")
        for name, read in READERS.items():
            start = time.perf_counter()
            for _ in range(repeat):
                text = flat(read(markup))
            seconds = (time.perf_counter() - start) / repeat
            kept_m = sum(1 for m in want["boilerplate"] if flat(m) in text)
            kept_s = sum(1 for s in want["article"] if flat(s) in text)
            t = totals[name]
            t["markers"] += len(want["boilerplate"])
            t["kept_markers"] += kept_m
            t["sentences"] += len(want["article"])
            t["kept_sentences"] += kept_s
            t["seconds"] += seconds
            print(f"| {page} | {name} | {kept_m}/{len(want['boilerplate'])} | "
                  f"{kept_s}/{len(want['article'])} | {seconds * 1000:.1f} |")  # fmt: skip
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=Path, default=ROOT / "tests" / "data" / "html")
    ap.add_argument("--repeat", type=int, default=5, help="runs per page for the timing")
    args = ap.parse_args(argv)
    totals = measure(args.pages, args.repeat)
    print()
    for name, t in totals.items():
        print(f"{name}: boilerplate kept {t['kept_markers']}/{t['markers']}, "
              f"article sentences kept {t['kept_sentences']}/{t['sentences']}, "
              f"{t['seconds'] * 1000:.1f} ms for all pages")  # fmt: skip
    base, new = totals.values()
    print(
        f"baseline_boilerplate_kept={base['kept_markers']}/{base['markers']} "
        f"baseline_sentences_kept={base['kept_sentences']}/{base['sentences']} "
        f"trafilatura_boilerplate_kept={new['kept_markers']}/{new['markers']} "
        f"trafilatura_sentences_kept={new['kept_sentences']}/{new['sentences']} "
        f"baseline_ms={base['seconds'] * 1000:.1f} trafilatura_ms={new['seconds'] * 1000:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
