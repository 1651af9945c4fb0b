"""GUI latency on a long article: open time, key-press latency, size ratio, peak memory.

Runs headless (QT_QPA_PLATFORM=offscreen). It builds a project with a 20,000-word article
carrying 4,000 suggested spans and a 500-word article, opens the real window, and presses
the real accept key (A: commit, repaint, focus the next item), timing each press through
to a forced repaint. The last line is machine-readable key=value pairs.

    .venv/bin/python bench/gui_latency.py [--presses 300] [--opens 7] [--curation]

Each measurement runs the real window in a fresh process (so its peak RSS is its own),
once with the panels closed and once with the Actors panel and the Network view open.
`first_paint_ms` is from choosing the long article to its first screen drawn with its
highlights; `open_ms` to every block highlighted and every panel filled. The workload
is the one of rounds 1 and 2 (the same article, spans and keys), so figures compare
across versions.

--curation also splits the project among three analysts (`team split`, every document in
the sample), has each decide every suggestion of the long article differently, curates
their files into a gold project (`team curate`) and times the curation keys there:
Alt+J (next position to decide) and Alt+1 (take analyst 1's version, then the next).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from idleb_desk.core.curation import curate
from idleb_desk.core.review import ReviewSession
from idleb_desk.core.team_split import split_project
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.app import make_app
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.memory import ENABLED_SETTING as MEMORY_SETTING
from idleb_desk.store.store import Store

WORDS = [
    "the",
    "minister",
    "said",
    "that",
    "forces",
    "in",
    "the",
    "province",
    "would",
    "not",
    "accept",
    "a",
    "ceasefire",
    "while",
    "talks",
    "with",
    "delegations",
    "from",
    "Ankara",
    "Moscow",
    "and",
    "Brussels",
    "continued",
    "under",
    "pressure",
]
LABELS = ("PERSON", "ORG", "GPE", "NORP")


def make_article(n_words: int, n_spans: int, seed: int) -> tuple[str, Extraction]:
    """Paragraphs of ~80 words; spans on every k-th word, some nested two-word spans."""
    rng = random.Random(seed)
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    pos = 0
    for i in range(n_words):
        word = rng.choice(WORDS)
        if i and i % 80 == 0:
            parts.append("\n\n")
            pos += 2
        elif i:
            parts.append(" ")
            pos += 1
        starts.append((pos, pos + len(word)))
        parts.append(word)
        pos += len(word)
    text = "".join(parts)
    step = max(1, n_words // n_spans)
    actors: list[ActorSuggestion] = []
    for k, i in enumerate(range(0, n_words, step)):
        if len(actors) >= n_spans:
            break
        a, b = starts[i]
        if k % 10 == 9 and i + 1 < n_words:
            b = starts[i + 1][1]  # a two-word span that overlaps the next one's word
        actors.append(ActorSuggestion(a, b, text[a:b], LABELS[k % 4]))
    claims = []
    for i in range(40, n_words - 20, max(200, n_words // 50)):
        sa, sb = starts[i]
        ca, cb = starts[i + 2][0], starts[i + 12][1]
        claims.append(
            ClaimSuggestion(
                content=TextRef(ca, cb, text[ca:cb]),
                speaker=TextRef(sa, sb, text[sa:sb]),
                cue=TextRef(
                    starts[i + 1][0], starts[i + 1][1], text[starts[i + 1][0] : starts[i + 1][1]]
                ),
            )
        )
    return text, Extraction(model="bench-0", actors=tuple(actors), claims=tuple(claims))


def build_project(path: Path) -> tuple[int, int]:
    store = Store.open(path)
    try:
        ids = []
        for n_words, n_spans, seed in ((20_000, 4_000, 1), (500, 100, 2)):
            text, ex = make_article(n_words, n_spans, seed)
            with store.transaction():
                doc_id = store.insert_document(f"bench-{n_words}", f"Bench {n_words} words", text)
                assert doc_id is not None
                store.add_extraction(doc_id, ex)
            ids.append(doc_id)
        return ids[0], ids[1]
    finally:
        store.close()


ANALYSTS = ("ana", "ben", "chen")


def code_as(path: Path, k: int) -> None:
    """Analyst k decides every suggestion, each a different fifth rejected; ben relabels
    some mentions and chen changes some claims' kinds, so positions disagree."""
    s = ReviewSession.open(path, ANALYSTS[k], create=False)
    try:
        for d in s.documents():
            for j, sp in enumerate([x for x in s.spans(d.id) if x.layer == "actor"]):
                if (j + k) % 5 == 0:
                    s.reject_span(sp.id)
                elif k == 1 and j % 7 == 1:
                    s.relabel_span(sp.id, "ORG" if sp.label != "ORG" else "PERSON")
                else:
                    with contextlib.suppress(KeyError):  # a relabel merged it into its twin
                        s.accept_span(sp.id)
            for j, c in enumerate(s.claims(d.id)):
                if k == 2 and j % 3 == 0:
                    s.set_claim_kind(c.id, "warning" if c.kind != "warning" else "demand")
                s.accept_claim(c.id)
            s.mark_document_done(d.id)
    finally:
        s.close()


def build_gold(source: Path, folder: Path) -> Path:
    report = split_project(source, list(ANALYSTS), 1.0, folder / "team", 7)
    for k, name in enumerate(ANALYSTS):
        code_as(report.files[name], k)
    gold = folder / "gold.sqlite3"
    curate([report.files[n] for n in ANALYSTS], gold, "complete", curator="cara")
    return gold


def curation_latencies(app: QApplication, gold: Path, settings: Path, presses: int
                       ) -> tuple[list[float], list[float], int]:  # fmt: skip
    """Alt+J and Alt+1 on the long article of a gold project (positions to decide, ...)."""
    window = MainWindow(make_settings(settings))
    window.resize(1500, 920)
    window.show()
    window.activateWindow()
    assert window.open_project(gold)
    large = max(window.doc_model.rows, key=lambda d: d.n_items).id
    window.open_document(large)
    paint(app, window)
    n_positions = len(window.curation.model.rows)
    alt = Qt.KeyboardModifier.AltModifier
    steps = key_latencies(app, window, Qt.Key.Key_J, presses, alt)
    takes = key_latencies(app, window, Qt.Key.Key_1, presses, alt)
    window.close()
    return steps, takes, n_positions


def paint(app: QApplication, window: MainWindow) -> None:
    app.processEvents()
    window.view.viewport().repaint()


CPU_MS: list[float] = []  # process CPU time of each A press: less sensitive to a busy machine


def press_latencies(app: QApplication, window: MainWindow, presses: int) -> list[float]:
    window.view.setFocus()
    paint(app, window)
    out = []
    CPU_MS.clear()
    for _ in range(presses):
        c0 = time.process_time()
        t0 = time.perf_counter()
        QTest.keyClick(window.view, Qt.Key.Key_A)
        paint(app, window)
        out.append((time.perf_counter() - t0) * 1000)
        CPU_MS.append((time.process_time() - c0) * 1000)
    return out


def key_latencies(
    app: QApplication,
    window: MainWindow,
    key: Qt.Key,
    presses: int,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> list[float]:
    """Any review key, timed like A (review at scale: J in a scope, U, Shift+A)."""
    window.view.setFocus()
    paint(app, window)
    out = []
    for _ in range(presses):
        t0 = time.perf_counter()
        QTest.keyClick(window.view, key, mod)
        paint(app, window)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def open_times(app: QApplication, window: MainWindow, doc: int, other: int, runs: int
               ) -> tuple[list[float], list[float]]:  # fmt: skip
    """Open `doc` `runs` times (from `other`): ms to its first paint (the screen drawn
    with its highlights) and to everything (every block highlighted, every panel filled)."""
    first: list[float] = []
    full: list[float] = []
    painted: list[float] = []
    done: list[float] = []
    window.focus.first_painted.connect(lambda: painted.append(time.perf_counter()))
    window.focus.w.highlighter.all_painted.connect(lambda: done.append(time.perf_counter()))
    for _ in range(runs):
        window.open_document(other)
        paint(app, window)
        wait_until(app, lambda: not window.focus.w.highlighter.pending)
        painted.clear()
        done.clear()
        t0 = time.perf_counter()
        window.open_document(doc)
        wait_until(app, lambda: bool(done) or not window.focus.w.highlighter.pending)
        paint(app, window)
        end = time.perf_counter()
        first.append(((painted[0] if painted else end) - t0) * 1000)
        full.append((end - t0) * 1000)
    return first, full


def wait_until(app: QApplication, done, timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            sys.exit("timed out")
        app.processEvents()


def child(args: argparse.Namespace) -> int:
    """One window in a fresh process (so peak RSS is the window's alone): open times,
    key latencies, review-at-scale keys; prints one key=value line."""
    app = make_app([sys.argv[0]])
    db = Path(args.child)
    large, small = (int(x) for x in args.docs.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(make_settings(Path(tmp) / "settings.ini"))
        window.resize(1500, 920)
        window.show()
        window.activateWindow()
        assert window.open_project(db)
        if args.panels:
            window.run_action("network_view")
            window.run_action("network_status")  # all claims: the suggested ones are drawn too
            window.run_action("actors_panel")
        paint(app, window)
        # Peak RSS with the long article opened once and fully painted, as an analyst
        # opens it (the timed opens below and the keys add caches and fragments).
        first, full = open_times(app, window, large, small, 1)
        open_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        more_first, more_full = open_times(app, window, large, small, args.opens)
        first, full = first + more_first, full + more_full
        spans = len(window.focus.state.spans) if window.focus.state else 0
        large_keys = press_latencies(app, window, args.presses)
        large_cpu = list(CPU_MS)
        # Review at scale on the same article: J with the scope on actors (G), U (next
        # undecided, a scan from the focus), and Shift+A (every occurrence in the document:
        # one event over all spans with the focused text and label).
        QTest.keyClick(window.view, Qt.Key.Key_G)
        scope_keys = key_latencies(app, window, Qt.Key.Key_J, 100)
        unreviewed_keys = key_latencies(app, window, Qt.Key.Key_U, 100)
        every = key_latencies(app, window, Qt.Key.Key_A, 5, Qt.KeyboardModifier.ShiftModifier)
        QTest.keyClick(window.view, Qt.Key.Key_G)
        QTest.keyClick(window.view, Qt.Key.Key_G)
        window.open_document(small)
        paint(app, window)
        small_keys = press_latencies(app, window, min(args.presses, 90))
        window.close()
    med_large, med_small = statistics.median(large_keys), statistics.median(small_keys)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"spans={spans} first_paint_ms={statistics.median(first):.1f} "
        f"open_ms={statistics.median(full):.1f} key_median_ms={med_large:.2f} "
        f"key_p99_ms={p99(large_keys):.2f} size_ratio={med_large / med_small:.2f} "
        f"open_peak_rss_mb={open_rss:.0f} peak_rss_mb={rss:.0f} "
        f"scope_j_median_ms={statistics.median(scope_keys):.2f} "
        f"u_median_ms={statistics.median(unreviewed_keys):.2f} every_max_ms={max(every):.1f} "
        f"key_cpu_median_ms={statistics.median(large_cpu):.2f} "
        f"small_median_ms={med_small:.2f} small_p99_ms={p99(small_keys):.2f}"
    )
    return 0


def run_child(db: Path, docs: tuple[int, int], args: argparse.Namespace, panels: bool
              ) -> dict[str, str]:  # fmt: skip
    cmd = [sys.executable, __file__, "--child", str(db), "--docs", f"{docs[0]},{docs[1]}",
           "--presses", str(args.presses), "--opens", str(args.opens)]  # fmt: skip
    if panels:
        cmd.append("--panels")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return dict(kv.split("=", 1) for kv in out.strip().splitlines()[-1].split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--opens", type=int, default=7, help="opens of the long article")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="keep project memory on (docs/learning.md); off by default, see below",
    )
    parser.add_argument(
        "--curation",
        action="store_true",
        help="also time the curation keys on a gold project of three analysts (see above)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--docs", help=argparse.SUPPRESS)
    parser.add_argument("--panels", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        large, small = build_project(db)
        # The synthetic article draws its words from a 25-word list and puts spans of any
        # label on "the" or "said": with memory on, the first accept of each of the 100
        # word+label pairs spreads it to ~1,600 places. That measures memory on a text no
        # analyst reads, not the review keys; --memory measures it anyway.
        with Store.open(db) as store:
            store.set_setting(MEMORY_SETTING, bool(args.memory))
        fresh = Path(tmp) / "fresh.sqlite3"
        results = {}
        for panels in (False, True):
            # Every run on a fresh copy: the keys before decided what the next run finds.
            shutil.copyfile(db, fresh)
            results[panels] = run_child(fresh, (large, small), args, panels)
        if args.curation:
            app = make_app([sys.argv[0]])
            t0 = time.perf_counter()
            gold = build_gold(db, Path(tmp))
            build_s = time.perf_counter() - t0
            steps, takes, n_positions = curation_latencies(
                app, gold, Path(tmp) / "settings.ini", min(args.presses, 150)
            )
    closed, opened = results[False], results[True]
    print(f"large article: 20000 words, {closed['spans']} spans; {args.presses} presses; "
          f"project memory {'on' if args.memory else 'off'}; each a fresh process")  # fmt: skip
    for name, r in (("panels closed", closed), ("Actors panel and Network view open", opened)):
        print(f"{name}: first paint {r['first_paint_ms']} ms, everything {r['open_ms']} ms; "
              f"key median {r['key_median_ms']} p99 {r['key_p99_ms']} ms; 500-word article "
              f"median {r['small_median_ms']} p99 {r['small_p99_ms']}; peak RSS "
              f"{r['open_peak_rss_mb']} MB open, {r['peak_rss_mb']} MB after the keys")  # fmt: skip
    print(f"scale keys ms (panels closed): J in actor scope median {closed['scope_j_median_ms']}"
          f"; U median {closed['u_median_ms']}; Shift+A max {closed['every_max_ms']}")  # fmt: skip
    load1 = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {load1:.2f} on {os.cpu_count()} CPUs")
    keys = ("first_paint_ms", "open_ms", "key_median_ms", "key_p99_ms", "size_ratio",
            "open_peak_rss_mb", "peak_rss_mb")  # fmt: skip
    line = " ".join(f"{k}={closed[k]}" for k in keys)
    line += " " + " ".join(f"panels_{k}={opened[k]}" for k in keys)
    line += (f" scope_j_median_ms={closed['scope_j_median_ms']} u_median_ms="
             f"{closed['u_median_ms']} every_max_ms={closed['every_max_ms']} "
             f"key_cpu_median_ms={closed['key_cpu_median_ms']} load1={load1:.2f}")  # fmt: skip
    if args.curation:
        print(f"curation: three analysts' files built and curated in {build_s:.0f} s; "
              f"{n_positions} positions on the long article")  # fmt: skip
        line += (
            f" curation_step_median_ms={statistics.median(steps):.2f} "
            f"curation_step_p99_ms={p99(steps):.2f} "
            f"curation_take_median_ms={statistics.median(takes):.2f} "
            f"curation_take_p99_ms={p99(takes):.2f}"
        )
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
