"""Importing one very long article that is a single line: speed and peak memory.

Each size runs in a fresh child process (so its peak RSS is its own) that writes a
one-line text of that size, built from the seed articles, to a .txt file and imports it
into a new project with the real model: decoding, boilerplate marking, extraction in
pieces and the store, exactly as `idleb-desk import` does. The baseline, measured in the
same run and also in a child, is bare spaCy (`nlp.pipe`, no rules, no store) over
ordinary article-sized texts of the same sentences: the rate a long text should keep if
time is linear in size. The parent samples each child's peak RSS (VmHWM) and stops a
child that runs past --timeout.

With --gui, a last child opens the largest project in the real window (offscreen) and
reports the time until the document is shown and its peak RSS.

Last line: key=value figures (mb_per_s_<size>, peak_rss_mb_<size>, baseline_mb_per_s,
baseline_rss_mb, and gui_open_s / gui_peak_rss_mb with --gui).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one_line_text(n_chars: int) -> str:
    """`n_chars` of seed-article sentences on one line (no paragraph breaks at all)."""
    words = " ".join(
        " ".join(p.read_text(encoding="utf-8").split())
        for p in sorted((ROOT / "seeds").glob("*.txt"))
    )
    reps = n_chars // (len(words) + 1) + 1
    return (" ".join([words] * reps))[:n_chars].rstrip() + "."


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(size_mb: float, workdir: Path) -> dict[str, float]:
    from idleb_desk.io.importer import import_paths
    from idleb_desk.nlp.pipeline import Extractor
    from idleb_desk.store.store import Store

    extractor = Extractor.load()
    loaded = _peak_mb()
    path = workdir / f"long-{size_mb:g}mb.txt"
    path.write_text(one_line_text(int(size_mb * 1_000_000)), encoding="utf-8")
    mb = path.stat().st_size / 1e6
    t0 = time.perf_counter()
    with Store.open(workdir / f"long-{size_mb:g}mb.sqlite3") as store:
        report = import_paths(store, [path], extractor=extractor)
    secs = time.perf_counter() - t0
    assert report.extracted == 1, report.summary_lines()
    return {"secs": secs, "mb": mb, "loaded_rss_mb": loaded, "peak_rss_mb": _peak_mb()}


def child_baseline(sample_mb: float) -> dict[str, float]:
    from idleb_desk.nlp.resolve import load_pipeline

    nlp, _ = load_pipeline(None)
    loaded = _peak_mb()
    text = one_line_text(int(sample_mb * 1_000_000))
    # Ordinary articles: about 3,000 characters each, cut at sentence ends.
    pieces, start = [], 0
    while start < len(text):
        cut = text.find(". ", start + 3000)
        end = len(text) if cut < 0 else cut + 2
        pieces.append(text[start:end])
        start = end
    t0 = time.perf_counter()
    for _ in nlp.pipe(pieces, batch_size=64):
        pass
    secs = time.perf_counter() - t0
    return {"secs": secs, "mb": len(text.encode()) / 1e6, "loaded_rss_mb": loaded}


def child_gui(db: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from idleb_desk.gui.config.keymap import make_settings
    from idleb_desk.gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        w = MainWindow(make_settings(Path(tmp) / "s.ini"))
        assert w.open_project(db)
        w.show()
        app.processEvents()
        secs = time.perf_counter() - t0
        shown = len(w.view.toPlainText())
        w.close()
    return {"secs": secs, "chars_shown": shown, "peak_rss_mb": _peak_mb()}


def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(args: list[str], timeout: float) -> dict[str, float]:
    """Run this script as a child; its JSON result, or what was seen when it timed out."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    t0, hwm = time.perf_counter(), 0.0
    while proc.poll() is None:
        hwm = max(hwm, _vm_hwm_mb(proc.pid))
        if time.perf_counter() - t0 > timeout:
            proc.kill()
            proc.wait()
            return {"timeout": timeout, "peak_rss_mb": hwm}
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed ({proc.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = max(result.get("peak_rss_mb", 0.0), hwm)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1,5", help="text sizes in MB, comma-separated")
    ap.add_argument("--baseline-mb", type=float, default=0.25)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per size")
    ap.add_argument("--gui", action="store_true", help="also open the largest in the window")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "ARG"), help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, arg = args.child
        if kind == "import":
            result = child_import(float(arg), Path(args.workdir))
        elif kind == "baseline":
            result = child_baseline(float(arg))
        else:
            result = child_gui(Path(arg))
        print(json.dumps(result))
        return 0

    figures: dict[str, str] = {}
    base = run_child(["--child", "baseline", str(args.baseline_mb)], args.timeout)
    base_rate = base["mb"] / base["secs"]
    figures["baseline_mb_per_s"] = f"{base_rate:.4f}"
    figures["baseline_rss_mb"] = f"{base['peak_rss_mb']:.0f}"
    print(
        f"baseline: bare nlp.pipe, {base['mb']:.2f} MB in {base['secs']:.1f} s "
        f"= {base_rate:.4f} MB/s, peak RSS {base['peak_rss_mb']:.0f} MB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        last_db = None
        for size in [float(s) for s in args.sizes.split(",")]:
            key = f"{size:g}"
            r = run_child(["--child", "import", key, "--workdir", tmp], args.timeout)
            if "timeout" in r:
                print(
                    f"{key} MB: did not finish in {r['timeout']:.0f} s; "
                    f"peak RSS so far {r['peak_rss_mb']:.0f} MB"
                )
                figures[f"mb_per_s_{key}"] = f"<{size / r['timeout']:.4f}"
            else:
                rate = r["mb"] / r["secs"]
                print(
                    f"{key} MB: {r['secs']:.1f} s = {rate:.4f} MB/s "
                    f"({rate / base_rate:.2f} of baseline), peak RSS {r['peak_rss_mb']:.0f} MB "
                    f"(model loaded: {r['loaded_rss_mb']:.0f} MB)"
                )
                figures[f"mb_per_s_{key}"] = f"{rate:.4f}"
                last_db = Path(tmp) / f"long-{key}mb.sqlite3"
            figures[f"peak_rss_mb_{key}"] = f"{r['peak_rss_mb']:.0f}"
        if args.gui and last_db is not None:
            g = run_child(["--child", "gui", str(last_db)], args.timeout)
            print(
                f"window: {g.get('chars_shown', 0):.0f} characters shown in "
                f"{g.get('secs', float('nan')):.1f} s, peak RSS {g['peak_rss_mb']:.0f} MB"
            )
            figures["gui_open_s"] = f"{g.get('secs', float('nan')):.1f}"
            figures["gui_peak_rss_mb"] = f"{g['peak_rss_mb']:.0f}"
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
