"""How long the Network view takes to draw a 1,000-claim project (target: under 500 ms).

Runs headless (QT_QPA_PLATFORM=offscreen). It builds a project of 50 articles with 20
suggested claims each (1,000 claims, 1,000 edges or more: some claims have two addressees,
some none) between 120 distinct speaker and addressee names, opens the real window with
the Network view on the whole project and all claims, and times a full redraw: the two
queries, the layout, the scene, and a forced repaint of the view. The baseline, measured
in the same run, is the same redraw for one document (20 claims). The last line is
machine-readable key=value pairs.

    .venv/bin/python bench/network.py [--repeat 7] [--docs 50] [--claims 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from idleb_desk.core.network import layout, load_network
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.app import make_app
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import (
    CLAIM_KINDS,
    ActorSuggestion,
    ClaimSuggestion,
    Extraction,
    TextRef,
)
from idleb_desk.store.store import Store

FIRST = ["Sergei", "Anna", "Recep", "Jean", "Maria", "Ahmed", "Li", "Olaf", "Fatma", "Emma"]
LAST = ["Lavrov", "Novak", "Kaya", "Dubois", "Rossi", "Haddad", "Wei", "Berg"]
GROUPS = ["Russia", "Turkey", "the EU", "NATO", "the UN", "Damascus", "Ankara", "Paris"]


def names(rng: random.Random, n: int) -> list[str]:
    people = [f"{f} {s}" for f in FIRST for s in LAST]
    rng.shuffle(people)
    return (people + GROUPS)[:n]


def article(rng: random.Random, actors: list[str], claims: int) -> tuple[str, Extraction]:
    """A text of `claims` sentences "X warned Y that ... ." with offsets for each part."""
    text, found, made = "", [], []
    for _ in range(claims):
        speaker = rng.choice(actors)
        addressees = rng.sample(actors, rng.choice((0, 1, 1, 1, 2)))
        start = len(text)
        text += speaker
        sp = TextRef(start, len(text), speaker)
        found.append(ActorSuggestion(sp.start, sp.end, speaker, "PERSON"))
        text += " told "
        refs = []
        for i, a in enumerate(addressees or ["reporters"]):
            if i:
                text += " and "
            s = len(text)
            text += a
            if addressees:
                refs.append(TextRef(s, len(text), a))
        text += " that "
        c0 = len(text)
        text += "the talks on the ceasefire would continue next week"
        content = TextRef(c0, len(text), text[c0:])
        text += ". "
        made.append(
            ClaimSuggestion(
                content=content,
                speaker=sp,
                addressees=tuple(refs),
                kind=rng.choice(CLAIM_KINDS),
                quote_type="indirect",
            )
        )
    return text, Extraction("bench", tuple(found), tuple(made))


def build(path: Path, docs: int, claims: int) -> int:
    rng = random.Random(7)
    actors = names(rng, 120)
    store = Store.open(path)
    try:
        with store.transaction():
            for d in range(docs):
                text, ex = article(rng, actors, claims)
                doc_id = store.insert_document(f"doc{d}", f"Article {d}", text)
                store.add_extraction(doc_id, ex)
        return int(store.execute("SELECT count(*) FROM claims").fetchone()[0])
    finally:
        store.close()


def timed_redraw(window: MainWindow, app: QApplication) -> float:
    t0 = time.perf_counter()
    window.network.refresh(force=True)  # a full redraw, as after a new claim
    window.network_view.canvas.viewport().repaint()
    app.processEvents()
    return (time.perf_counter() - t0) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--docs", type=int, default=50)
    ap.add_argument("--claims", type=int, default=20)
    args = ap.parse_args(argv)
    app = make_app([sys.argv[0]])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "project.sqlite3"
        n_claims = build(db, args.docs, args.claims)
        window = MainWindow(make_settings(Path(tmp) / "settings.ini"))
        assert window.open_project(db)
        window.resize(1560, 960)
        window.show()
        window.run_action("network_view")
        window.network.all = True
        app.processEvents()

        def series(project: bool) -> list[float]:
            window.network.project = project
            timed_redraw(window, app)  # warm: first query plans, glyph caches
            return [timed_redraw(window, app) for _ in range(args.repeat)]

        doc_ms = series(False)
        doc_edges = len(window.network_view.network.edges)
        proj_ms = series(True)
        net = window.network_view.network
        # The parts of a project redraw, measured alone.
        t0 = time.perf_counter()
        load = load_network(window.session.store, None, reviewed_only=False)
        load_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        layout(load)
        layout_ms = (time.perf_counter() - t0) * 1000
        window.close()
    med, base = statistics.median(proj_ms), statistics.median(doc_ms)
    load = os.getloadavg()[0]  # a shared machine's load explains much of the spread
    print(f"project: {n_claims} claims, {len(net.edges)} edges, {len(net.nodes)} nodes")
    print(f"draw project ms: median {med:.1f}  max {max(proj_ms):.1f}  (target < 500)")
    print(f"baseline: draw one document ({doc_edges} edges) ms: median {base:.1f}")
    print(f"of which load+layout {load_ms:.1f} ms, layout alone {layout_ms:.1f} ms")
    print(f"load average {load:.1f} on {os.cpu_count()} cores")
    print(
        f"claims={n_claims} edges={len(net.edges)} nodes={len(net.nodes)} "
        f"draw_ms={med:.1f} draw_max_ms={max(proj_ms):.1f} doc_draw_ms={base:.1f} "
        f"load_layout_ms={load_ms:.1f} layout_ms={layout_ms:.1f} target_ms=500 "
        f"ok={int(med < 500)} loadavg={load:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
